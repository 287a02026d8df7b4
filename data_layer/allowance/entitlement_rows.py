"""Entitlements as pages show them (``EntitlementRow``): filtered, paged, limited to the user's wards,
each with the amount the rules give for a chosen month."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlmodel import Session

from data_layer.allowance.entitlement_status import open_suspension
from data_layer.allowance.entitlements import group_codes, group_ids_of, poor_person_ids
from data_layer.allowance.reference import load_reference
from data_layer.allowance.rules import Person, monthly_amount
from data_layer.core.access import Scope
from data_layer.core.codes import EntitlementStatus
from data_layer.core.models import Beneficiary, Entitlement, EntitlementGroup, Ward
from data_layer.registry.queries import search_condition
from data_layer.vn.collation import person_order, text_order
from data_layer.vn.formatting import format_month


@dataclass
class EntitlementFilters:
    ward_id: int | None = None
    group_id: int | None = None
    status: str | None = None
    search: str | None = None  # name (without diacritics) or CCCD digits


@dataclass
class EntitlementRow:
    """One entitlement and its person."""

    id: int
    version: int
    beneficiary_id: int
    name: str
    ward_id: int
    ward: str
    hamlet: str | None
    birth_date: date | None
    birth_year: int | None
    gender: str | None
    national_id: str | None
    person_status: str
    group_ids: tuple[int, ...]
    groups: str  # codes, "5.4; 5.6a"
    children: int | None
    start_month: date
    paid_until: date | None
    decision_no: str | None
    decision_date: date | None
    payment_method: str
    account_number: str | None
    bank_name: str | None
    proxy_name: str | None
    status: str
    stop_date: date | None
    stop_reason: str | None
    suspended_from: date | None
    amount: int  # for the month asked
    note: str = ""  # why an entitlement that is not stopped pays nothing in that month


def _conditions(scope: Scope, filters: EntitlementFilters) -> list:
    conditions = [scope.ward_clause(Entitlement.ward_id)]
    if filters.ward_id is not None:
        conditions.append(Entitlement.ward_id == filters.ward_id)
    if filters.status:
        conditions.append(Entitlement.status == filters.status)
    if filters.group_id is not None:
        conditions.append(
            Entitlement.id.in_(
                select(EntitlementGroup.entitlement_id).where(EntitlementGroup.group_id == filters.group_id)
            )
        )
    if (found := search_condition(filters.search)) is not None:
        conditions.append(found)
    return conditions


def count_entitlements(session: Session, scope: Scope, filters: EntitlementFilters) -> int:
    query = (
        select(func.count())
        .select_from(Entitlement)
        .join(Beneficiary, Beneficiary.id == Entitlement.beneficiary_id)
        .where(*_conditions(scope, filters))
    )
    return session.execute(query).scalar_one()


def entitlement_rows(
    session: Session,
    scope: Scope,
    filters: EntitlementFilters,
    month: date,
    *,
    page: int = 0,
    page_size: int = 200,
    person_id: int | None = None,
) -> list[EntitlementRow]:
    """One page of entitlements (by name; a person's newest first), with the amount for ``month``."""
    conditions = _conditions(scope, filters)
    if person_id is not None:
        conditions.append(Entitlement.beneficiary_id == person_id)
    found = session.execute(
        select(Entitlement, Beneficiary, Ward.name)
        .join(Beneficiary, Beneficiary.id == Entitlement.beneficiary_id)
        .join(Ward, Ward.id == Entitlement.ward_id)
        .where(*conditions)
        .order_by(
            *text_order(Ward.name),
            *person_order(Beneficiary.hamlet, Beneficiary.name),
            Beneficiary.id,
            Entitlement.start_month.desc(),
        )
        .offset(page * page_size)
        .limit(page_size)
    ).all()
    groups = group_ids_of(session, [e.id for e, _, _ in found])
    poor = poor_person_ids(session, [b.id for _, b, _ in found])
    reference = load_reference(session)
    return [
        _row(session, reference, e, b, ward, groups.get(e.id, ()), month, b.id in poor)
        for e, b, ward in found
    ]


def _row(
    session: Session, reference, e: Entitlement, b: Beneficiary, ward: str, group_ids, month, poor: bool
) -> EntitlementRow:
    suspension = open_suspension(session, e.id) if e.status == EntitlementStatus.SUSPENDED else None
    covers = e.start_month <= month and (e.stop_date is None or e.stop_date.replace(day=1) >= month)
    amount = monthly_amount(reference, Person(group_ids, b.birth_date, b.birth_year, e.children, poor), month)
    note = ""
    if e.status == EntitlementStatus.ACTIVE and e.start_month > month:
        note = f"hưởng từ tháng {format_month(e.start_month)}"
    elif e.status == EntitlementStatus.ACTIVE and covers and not amount:
        note = "tháng này không có mức: ngoài độ tuổi của diện, cần rà soát"
    return EntitlementRow(
        id=e.id,
        version=e.version,
        beneficiary_id=b.id,
        name=b.name,
        ward_id=e.ward_id,
        ward=ward,
        hamlet=b.hamlet,
        birth_date=b.birth_date,
        birth_year=b.birth_year,
        gender=b.gender,
        national_id=b.national_id,
        person_status=b.status,
        group_ids=group_ids,
        groups=group_codes(reference, group_ids),
        children=e.children,
        start_month=e.start_month,
        paid_until=e.paid_until,
        decision_no=e.decision_no,
        decision_date=e.decision_date,
        payment_method=e.payment_method,
        account_number=e.account_number,
        bank_name=e.bank_name,
        proxy_name=e.proxy_name,
        status=e.status,
        stop_date=e.stop_date,
        stop_reason=e.stop_reason,
        suspended_from=suspension.from_month if suspension else None,
        amount=amount if covers and suspension is None else 0,
        note=note,
    )
