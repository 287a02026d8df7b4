"""The allowance group a person is counted in for a report's months (issue 21 §4): the group valid in
the last month of the period the person was entitled, dated changes included.

Groups carry the month they apply from (``Entitlement.terms_from``; the earlier ones are kept in
``EntitlementTerm``), so a report never counts a person by a group corrected later for months before
the correction, nor by the group an earlier payroll line happened to carry. Several groups: the one
whose own amount is the largest that month (``rules.main_group``), as the payroll prices it.

Forms 10a, 10c and 10d read their rows from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, or_, select
from sqlmodel import Session

from data_layer.allowance.entitlements import group_ids_of, poor_person_ids
from data_layer.allowance.months import month_of
from data_layer.allowance.reference import load_reference
from data_layer.allowance.rules import Person, main_group
from data_layer.core.access import Scope
from data_layer.core.codes import PersonStatus
from data_layer.core.models import Beneficiary, Entitlement, EntitlementTerm, EntitlementTermGroup


@dataclass(frozen=True)
class ValidGroup:
    """A person's allowance group for a period: ``code`` valid in ``month`` (the last month of the
    period they were entitled), all the codes they held that month, and the ward that paid them."""

    person_id: int
    ward_id: int
    month: date
    code: str
    codes: tuple[str, ...]


def _last_entitled_month(row, first: date, last: date) -> date | None:
    """The last month of [first, last] an entitlement covers (the stop's month, the registry's death
    or move month included); None when it covers none."""
    end = last
    if row.stop_date is not None:
        end = min(end, month_of(row.stop_date))
    if row.status != PersonStatus.ACTIVE and row.status_date is not None:
        end = min(end, month_of(row.status_date))
    return end if end >= max(first, row.start_month) else None


def _term_groups(session: Session, entitlement_ids: list[int]) -> dict[int, list[tuple]]:
    """Per entitlement: its earlier terms as (from month, to month, group ids, children)."""
    found: dict[int, dict[int, tuple]] = {}
    for start in range(0, len(entitlement_ids), 5000):
        chunk = entitlement_ids[start : start + 5000]
        for eid, tid, first, last, children, gid in session.execute(
            select(
                EntitlementTerm.entitlement_id,
                EntitlementTerm.id,
                EntitlementTerm.from_month,
                EntitlementTerm.to_month,
                EntitlementTerm.children,
                EntitlementTermGroup.group_id,
            )
            .join(EntitlementTermGroup, EntitlementTermGroup.term_id == EntitlementTerm.id)
            .where(EntitlementTerm.entitlement_id.in_(chunk))
            .order_by(EntitlementTermGroup.group_id)
        ):
            found.setdefault(eid, {}).setdefault(tid, (first, last, [], children))[2].append(gid)
    return {eid: [(f, t, tuple(g), c) for f, t, g, c in terms.values()] for eid, terms in found.items()}


def valid_groups(
    session: Session, scope: Scope, first: date, last: date, ward_id: int | None = None
) -> dict[int, ValidGroup]:
    """Per person entitled in some month of ``first``..``last`` (of the scope's wards, or of the one
    ward ``ward_id``): the group valid in the last of those months. A person entitled in two wards
    in turn (a move) is counted by the later entitlement."""
    e, b = Entitlement, Beneficiary
    wards = scope.ward_clause(e.ward_id)
    if ward_id is not None:
        wards = and_(wards, e.ward_id == ward_id)
    rows = session.execute(
        select(
            e.id,
            e.beneficiary_id,
            e.ward_id,
            e.start_month,
            e.stop_date,
            e.terms_from,
            e.children,
            b.status,
            b.status_date,
            b.birth_date,
            b.birth_year,
        )
        .join(b, b.id == e.beneficiary_id)
        .where(wards, e.start_month <= last, or_(e.stop_date.is_(None), e.stop_date >= first))
    ).all()
    chosen: dict[int, tuple[date, date, object]] = {}
    for row in rows:
        month = _last_entitled_month(row, first, last)
        if month is None:
            continue
        key = (month, row.start_month)
        if row.beneficiary_id not in chosen or key > chosen[row.beneficiary_id][:2]:
            chosen[row.beneficiary_id] = (month, row.start_month, row)
    if not chosen:
        return {}
    reference = load_reference(session)
    entitlement_ids = [row.id for _, _, row in chosen.values()]
    current = group_ids_of(session, entitlement_ids)
    terms = _term_groups(session, entitlement_ids)
    poor = poor_person_ids(session, list(chosen))
    found = {}
    for person_id, (month, _, row) in chosen.items():
        groups, children = current.get(row.id, ()), row.children
        if month < (row.terms_from or row.start_month):
            groups, children = next(
                ((g, c) for f, t, g, c in terms.get(row.id, ()) if f <= month <= t), (groups, children)
            )
        if not groups:
            continue
        person = Person(groups, row.birth_date, row.birth_year, children, person_id in poor)
        main = main_group(reference, person, month) or groups[0]
        codes = tuple(reference.groups[g].code for g in groups)
        found[person_id] = ValidGroup(person_id, row.ward_id, month, reference.groups[main].code, codes)
    return found
