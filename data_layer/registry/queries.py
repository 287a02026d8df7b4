"""Reads of the beneficiary registry, always restricted to the caller's scope."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func, select
from sqlmodel import Session

from data_layer.core.access import Scope
from data_layer.core.models import Beneficiary, BeneficiaryCategory, Campaign, Category, Ward


def beneficiary_records(session: Session, scope: Scope, *, ward_id: int | None = None) -> list[dict]:
    """Beneficiaries of the scope (optionally one ward) as plain dicts with their category codes."""
    conditions = [scope.ward_clause(Beneficiary.ward_id)]
    if ward_id is not None:
        conditions.append(Beneficiary.ward_id == ward_id)
    people = session.execute(select(Beneficiary).where(*conditions).order_by(Beneficiary.id)).scalars().all()
    codes: dict[int, list[str]] = defaultdict(list)
    if people:
        links = session.execute(
            select(BeneficiaryCategory.beneficiary_id, Category.code)
            .join(Category, Category.id == BeneficiaryCategory.category_id)
            .join(Beneficiary, Beneficiary.id == BeneficiaryCategory.beneficiary_id)
            .where(*conditions)
            .order_by(Category.code)
        )
        for beneficiary_id, code in links:
            codes[beneficiary_id].append(code)
    return [
        {
            "id": p.id,
            "ward_id": p.ward_id,
            "name": p.name,
            "birth_date": p.birth_date.isoformat() if p.birth_date else None,
            "birth_year": p.birth_year,
            "gender": p.gender,
            "national_id": p.national_id,
            "hamlet": p.hamlet,
            "categories": codes.get(p.id, []),
            "status": p.status,
            "bank_account": p.bank_account,
            "phone": p.phone,
            "note": p.note,
        }
        for p in people
    ]


def home_counts(session: Session, scope: Scope) -> dict[str, int]:
    """Headline counts for the home page, within the scope."""
    wards = session.execute(
        select(func.count()).select_from(Ward).where(Ward.active, scope.ward_clause(Ward.id))
    )
    people = session.execute(
        select(func.count()).select_from(Beneficiary).where(scope.ward_clause(Beneficiary.ward_id))
    )
    active = session.execute(
        select(func.count())
        .select_from(Beneficiary)
        .where(scope.ward_clause(Beneficiary.ward_id), Beneficiary.status == "active")
    )
    campaigns = session.execute(select(func.count()).select_from(Campaign))
    return {
        "wards": wards.scalar_one(),
        "beneficiaries": people.scalar_one(),
        "active_beneficiaries": active.scalar_one(),
        "campaigns": campaigns.scalar_one(),
    }
