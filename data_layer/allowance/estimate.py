"""The budget estimate (dự toán) of the monthly allowance for a year, from today's entitlements.

Each entitlement not stopped is priced month by month with the rules (age changes, standard and
pension in force, or a what-if standard from a month on), as if nobody joined or left; the people are
first counted per profile (groups, children, birth month) so the rules run once per profile, not per
person. Expected funeral support = the supports paid by the payrolls of the last 12 months ×
multiplier × the standard of July. Beside it, what the payrolls of the current year paid so far.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlmodel import Session

from data_layer.allowance.due import poor_household
from data_layer.allowance.entitlements import group_ids_of
from data_layer.allowance.months import add_months, months_from
from data_layer.allowance.reference import load_reference
from data_layer.allowance.rules import Person, Reference, main_group, monthly_amount, value_in
from data_layer.core.access import Scope
from data_layer.core.codes import EntitlementStatus, LineKind
from data_layer.core.models import Beneficiary, Entitlement, Payroll, PayrollLine, Ward


@dataclass
class EstimateLine:
    label: str  # a group's code, or a ward's name
    people: int = 0
    amount: int = 0
    detail: str = ""  # a group's name


@dataclass
class Estimate:
    """A year's estimate: per month, per group and per ward, funeral support apart."""

    year: int
    people: int = 0
    allowance: int = 0
    funerals: int = 0
    funeral_amount: int = 0
    by_month: list[tuple[date, int]] = field(default_factory=list)
    by_group: list[EstimateLine] = field(default_factory=list)
    by_ward: list[EstimateLine] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.allowance + self.funeral_amount


@dataclass
class YearPaid:
    """What the payrolls of a year paid so far."""

    year: int
    months: int = 0
    amount: int = 0
    arrears: int = 0
    funeral: int = 0

    @property
    def total(self) -> int:
        return self.amount + self.arrears + self.funeral


def _profiles(session: Session, scope: Scope) -> Counter:
    """(ward id, groups, children, birth date month, birth year, poor household) → how many
    entitlements not stopped."""
    rows = session.execute(
        select(
            Entitlement.id,
            Entitlement.ward_id,
            Entitlement.children,
            Beneficiary.birth_date,
            Beneficiary.birth_year,
            poor_household(Beneficiary.id),
        )
        .join(Beneficiary, Beneficiary.id == Entitlement.beneficiary_id)
        .where(Entitlement.status != EntitlementStatus.STOPPED, scope.ward_clause(Entitlement.ward_id))
    ).all()
    groups = group_ids_of(session, [r[0] for r in rows])
    return Counter(
        (ward_id, groups.get(eid, ()), children, birth.replace(day=1) if birth else None, year, poor)
        for eid, ward_id, children, birth, year, poor in rows
    )


def expected_funerals(session: Session, scope: Scope, before: date) -> int:
    """Funeral supports paid by the payrolls of the 12 months before ``before``."""
    return session.execute(
        select(func.count())
        .select_from(PayrollLine)
        .join(Payroll, Payroll.id == PayrollLine.payroll_id)
        .where(
            PayrollLine.kind == LineKind.FUNERAL,
            Payroll.month >= add_months(before, -12),
            Payroll.month < before,
            scope.ward_clause(PayrollLine.ward_id),
        )
    ).scalar_one()


def estimate_year(
    session: Session,
    scope: Scope,
    year: int,
    *,
    what_if: tuple[date, int] | None = None,
    funerals: int | None = None,
    today: date | None = None,
) -> Estimate:
    """The estimate for ``year``; ``what_if``: a standard (amount) from a month on instead of the
    reference data's; ``funerals``: the expected number (default: as many as the last 12 months)."""
    reference = load_reference(session)
    if what_if is not None:
        reference = reference.with_standard(*what_if)
    months = months_from(date(year, 1, 1), date(year, 12, 1))
    wards = dict(session.execute(select(Ward.id, Ward.name)).tuples().all())
    result = Estimate(year=year)
    per_month: dict[date, int] = defaultdict(int)
    by_group: dict[int | None, EstimateLine] = {}
    by_ward: dict[str, EstimateLine] = {}
    for profile, count in _profiles(session, scope).items():
        ward_id, group_ids, children, birth_date, birth_year, poor = profile
        person = Person(group_ids, birth_date, birth_year, children, bool(poor))
        amounts = [monthly_amount(reference, person, month) for month in months]
        if not any(amounts):
            continue
        first = next(m for m, a in zip(months, amounts, strict=True) if a)
        group = main_group(reference, person, first)
        for month, amount in zip(months, amounts, strict=True):
            per_month[month] += amount * count
        for line in (
            by_group.setdefault(group, _group_line(reference, group)),
            by_ward.setdefault(wards[ward_id], EstimateLine(wards[ward_id])),
        ):
            line.people += count
            line.amount += sum(amounts) * count
        result.people += count
    result.by_month = [(m, per_month[m]) for m in months]
    result.allowance = sum(per_month.values())
    result.by_group = sorted(by_group.values(), key=lambda line: line.label)
    result.by_ward = sorted(by_ward.values(), key=lambda line: line.label)
    result.funerals = (
        expected_funerals(session, scope, today or date.today()) if funerals is None else funerals
    )
    july = date(year, 7, 1)
    result.funeral_amount = (
        result.funerals * (value_in(reference.funeral_multipliers, july) or 0) * (reference.standard_in(july))
    )
    return result


def _group_line(reference: Reference, group_id: int | None) -> EstimateLine:
    if group_id is None:
        return EstimateLine("—", detail="Không xác định")
    rule = reference.groups[group_id]
    return EstimateLine(rule.code, detail=rule.name)


def paid_in_year(session: Session, scope: Scope, year: int) -> YearPaid:
    """What the payrolls of ``year`` paid (every built month, open or locked)."""
    rows = session.execute(
        select(
            PayrollLine.kind, func.sum(PayrollLine.amount), func.count(func.distinct(PayrollLine.payroll_id))
        )
        .join(Payroll, Payroll.id == PayrollLine.payroll_id)
        .where(
            Payroll.month >= date(year, 1, 1),
            Payroll.month <= date(year, 12, 1),
            scope.ward_clause(PayrollLine.ward_id),
        )
        .group_by(PayrollLine.kind)
    ).all()
    sums = {kind: int(total or 0) for kind, total, _ in rows}
    return YearPaid(
        year=year,
        months=max((n for _, _, n in rows), default=0),
        amount=sums.get(LineKind.CURRENT, 0),
        arrears=sums.get(LineKind.ARREARS, 0),
        funeral=sums.get(LineKind.FUNERAL, 0),
    )
