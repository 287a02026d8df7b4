"""Campaign progress and registry quality figures, aggregated in SQL (GROUP BY) for the user's scope.

``data_version`` changes with every write (each write leaves an audit event), so pages can cache
these figures keyed by it and never show stale numbers.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import case, func, select
from sqlmodel import Session

from data_layer.access import Scope
from data_layer.models import (
    Allocation,
    AuditEvent,
    Beneficiary,
    BeneficiaryCategory,
    Campaign,
    Category,
    FundingSource,
    LumpGift,
    Package,
    Ward,
)

CASHLESS_TARGET = 0.30


def data_version(session: Session) -> int:
    """A number that grows with every write to the database."""
    return session.execute(select(func.coalesce(func.max(AuditEvent.id), 0))).scalar_one()


def _delivered(column):
    return func.coalesce(func.sum(case((Allocation.status == "delivered", column), else_=0)), 0)


def _totals_by(session: Session, scope: Scope, campaign_id: int, key, *joins) -> list[tuple]:
    query = select(
        key,
        func.count(),
        func.coalesce(func.sum(Allocation.amount), 0),
        _delivered(1),
        _delivered(Allocation.amount),
    ).select_from(Allocation)
    for target, condition in joins:
        query = query.join(target, condition)
    query = query.where(
        Allocation.campaign_id == campaign_id, scope.ward_clause(Allocation.ward_id)
    ).group_by(key)
    return [tuple(row) for row in session.execute(query)]


def _row(label: str, count: int, amount: int, done: int, done_amount: int) -> dict:
    return {
        "label": label,
        "planned": int(count),
        "planned_amount": int(amount),
        "delivered": int(done),
        "delivered_amount": int(done_amount),
        "percent": round(100 * done / count, 1) if count else 0.0,
    }


def campaign_progress(session: Session, scope: Scope, campaign_id: int, today: date | None = None) -> dict:
    """Headline figures and breakdowns (per ward, source, package, day) of one campaign."""
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise ValueError("Không tìm thấy đợt tặng quà.")
    wards = _totals_by(session, scope, campaign_id, Ward.name, (Ward, Ward.id == Allocation.ward_id))
    sources = _totals_by(
        session,
        scope,
        campaign_id,
        FundingSource.code,
        (Package, Package.id == Allocation.package_id),
        (FundingSource, FundingSource.id == Package.source_id),
    )
    packages = _totals_by(
        session, scope, campaign_id, Package.label, (Package, Package.id == Allocation.package_id)
    )
    per_day = session.execute(
        select(Allocation.delivered_on, Ward.name, func.count(), func.sum(Allocation.amount))
        .join(Ward, Ward.id == Allocation.ward_id)
        .where(
            Allocation.campaign_id == campaign_id,
            scope.ward_clause(Allocation.ward_id),
            Allocation.status == "delivered",
            Allocation.delivered_on.is_not(None),
        )
        .group_by(Allocation.delivered_on, Ward.name)
        .order_by(Allocation.delivered_on)
    ).all()
    lumps = session.execute(
        select(func.coalesce(func.sum(LumpGift.count), 0), func.coalesce(func.sum(LumpGift.amount), 0)).where(
            LumpGift.campaign_id == campaign_id, scope.ward_clause(LumpGift.ward_id)
        )
    ).one()
    ward_rows = sorted((_row(*w) for w in wards), key=lambda r: r["percent"])
    expected = _expected_percent(campaign, today or date.today())
    for row in ward_rows:
        row["behind"] = expected is not None and row["percent"] + 10 < expected
    planned = sum(r["planned"] for r in ward_rows)
    delivered = sum(r["delivered"] for r in ward_rows)
    return {
        "planned": planned,
        "planned_amount": sum(r["planned_amount"] for r in ward_rows),
        "delivered": delivered,
        "delivered_amount": sum(r["delivered_amount"] for r in ward_rows),
        "percent": round(100 * delivered / planned, 1) if planned else 0.0,
        "lump_count": int(lumps[0]),
        "lump_amount": int(lumps[1]),
        "expected_percent": expected,
        "wards": ward_rows,
        "sources": [_row(*s) for s in sources],
        "packages": [_row(*p) for p in packages],
        "per_day": [{"day": d, "ward": w, "count": int(c), "amount": int(a)} for d, w, c, a in per_day],
    }


def _expected_percent(campaign: Campaign, today: date) -> float | None:
    """Share of the reporting window elapsed by today (None without a window)."""
    start, end = campaign.report_from or campaign.start_date, campaign.report_to or campaign.end_date
    if not start or not end or end <= start:
        return None
    elapsed = (min(max(today, start), end) - start).days
    return round(100 * elapsed / (end - start).days, 1)


def registry_quality(session: Session, scope: Scope) -> list[dict]:
    """Per ward: people, cashless share, and the "Đúng, Đủ, Sạch, Sống" problem counts."""
    valid_id = func.length(Beneficiary.national_id).in_([9, 12])
    rows = session.execute(
        select(
            Ward.id,
            Ward.name,
            func.count(Beneficiary.id),
            func.sum(case((Beneficiary.status == "active", 1), else_=0)),
            func.sum(
                case(((Beneficiary.status == "active") & Beneficiary.bank_account.is_not(None), 1), else_=0)
            ),
            func.sum(case((Beneficiary.national_id.is_(None), 1), else_=0)),
            func.sum(case((Beneficiary.national_id.is_not(None) & ~valid_id, 1), else_=0)),
            func.sum(case((Beneficiary.hamlet.is_(None), 1), else_=0)),
        )
        .join(Beneficiary, Beneficiary.ward_id == Ward.id)
        .where(scope.ward_clause(Ward.id))
        .group_by(Ward.id, Ward.name)
        .order_by(Ward.name)
    ).all()
    duplicates = _possible_duplicates(session, scope)
    dead_pending = dict(
        session.execute(
            select(Allocation.ward_id, func.count())
            .join(Beneficiary, Beneficiary.id == Allocation.beneficiary_id)
            .where(
                scope.ward_clause(Allocation.ward_id),
                Beneficiary.status == "died",
                Allocation.status == "planned",
            )
            .group_by(Allocation.ward_id)
        ).all()
    )
    return [
        {
            "ward_id": wid,
            "ward": name,
            "people": int(people),
            "active": int(active or 0),
            "cashless": int(cashless or 0),
            "cashless_share": round((cashless or 0) / active, 3) if active else 0.0,
            "missing_id": int(missing or 0),
            "invalid_id": int(invalid or 0),
            "no_hamlet": int(no_hamlet or 0),
            "possible_duplicates": duplicates.get(wid, 0),
            "dead_with_gifts": int(dead_pending.get(wid, 0)),
        }
        for wid, name, people, active, cashless, missing, invalid, no_hamlet in rows
    ]


def _possible_duplicates(session: Session, scope: Scope) -> dict[int, int]:
    """People per ward who share name + birth year with someone in another ward."""
    shared = (
        select(Beneficiary.name_key, Beneficiary.birth_year)
        .where(Beneficiary.birth_year.is_not(None))
        .group_by(Beneficiary.name_key, Beneficiary.birth_year)
        .having(func.count(func.distinct(Beneficiary.ward_id)) > 1)
        .subquery()
    )
    rows = session.execute(
        select(Beneficiary.ward_id, func.count())
        .join(
            shared,
            (shared.c.name_key == Beneficiary.name_key) & (shared.c.birth_year == Beneficiary.birth_year),
        )
        .where(scope.ward_clause(Beneficiary.ward_id))
        .group_by(Beneficiary.ward_id)
    ).all()
    return {ward_id: int(count) for ward_id, count in rows}


def category_counts(session: Session, scope: Scope) -> list[dict]:
    """Active beneficiaries per category per ward."""
    rows = session.execute(
        select(Ward.name, Category.code, Category.name, func.count())
        .select_from(BeneficiaryCategory)
        .join(Beneficiary, Beneficiary.id == BeneficiaryCategory.beneficiary_id)
        .join(Category, Category.id == BeneficiaryCategory.category_id)
        .join(Ward, Ward.id == Beneficiary.ward_id)
        .where(scope.ward_clause(Beneficiary.ward_id), Beneficiary.status == "active")
        .group_by(Ward.name, Category.code, Category.name)
    ).all()
    return [{"ward": w, "code": c, "category": n, "count": int(k)} for w, c, n, k in rows]
