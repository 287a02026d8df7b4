"""A year of monthly allowance for the demo city: entitlements for about a third of the registry, twelve
locked payrolls ending last month (with deaths, a move, a late grant, a suspension and a death
recorded late along the way) and this month's payroll built and open."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlmodel import Session

from data_layer.allowance.entitlement_status import resume, stop, suspend
from data_layer.allowance.entitlements import EntitlementInput, grant
from data_layer.allowance.months import add_months, month_of
from data_layer.allowance.payroll import build_payroll, lock_payroll
from data_layer.allowance.reference import code_key, group_ids_by_code, load_reference
from data_layer.allowance.rules import PENSION_AGE, Reference, age_in_month
from data_layer.core.access import Scope
from data_layer.core.codes import PaymentMethod, PersonStatus, StopReason
from data_layer.core.models import Beneficiary

BANKS = ["Agribank", "BIDV", "Vietcombank", "VietinBank"]


def _groups_for(rng: random.Random, age: int) -> tuple[tuple[str, ...], int | None]:
    """Plausible groups (and children for 5.4) for a person of ``age``."""
    if age < 16:
        return rng.choice([("5.1",)] * 6 + [("5.3",), ("5.6a",)] + ([("5.7",)] if age < 3 else [])), None
    if age < 23:
        return rng.choice([("5.2",), ("5.6b",)]), None
    if age < 60:
        picked = rng.choice([("5.6a",), ("5.6b",), ("5.6b",), ("5.8",), ("5.4", "5.6b"), ("5.4",)])
        return picked, rng.randint(1, 3) if "5.4" in picked else None
    if age < 80:
        return rng.choice([("5.5a",), ("5.5a",), ("5.6b",), ("5.5d",), ("HTXH",)]), None
    return rng.choice([("5.5c",), ("5.5a",), ("5.5c", "HTXH"), ("HTXH",)]), None


@dataclass
class _Granter:
    """Grants plausible entitlements (groups for the person's age) in the demo city."""

    session: Session
    scope: Scope
    rng: random.Random
    first: date  # the first month of the history
    ids: dict[str, int]
    reference: Reference

    def entitle(self, person: Beneficiary, start: date) -> int:
        age = age_in_month(person.birth_date, person.birth_year, self.first) or 0
        codes, children = _groups_for(self.rng, age)
        if (age_in_month(person.birth_date, person.birth_year, start) or 0) < PENSION_AGE:  # rules, rule 4
            codes = tuple(c for c in codes if c != "HTXH") or ("5.5a",)
        by_account = person.bank_account is not None
        data = EntitlementInput(
            groups=tuple(self.ids[code_key(c)] for c in codes),
            start_month=start,
            children=children,
            paid_until=add_months(self.first, -1) if start < self.first else None,
            decision_no=f"{self.rng.randint(10, 999)}/QĐ-UBND",
            decision_date=start,
            payment_method=PaymentMethod.ACCOUNT if by_account else PaymentMethod.CASH,
            account_number=person.bank_account,
            bank_name=self.rng.choice(BANKS) if by_account else None,
        )
        return grant(self.session, self.scope, person.id, data, reference=self.reference).id

    def grant_a_third(self) -> tuple[list[int], list[Beneficiary]]:
        """Entitlements for a third of the active people with a birth year (their ids), and one
        person of each ward left without, for a late decision."""
        people = self.session.execute(
            select(Beneficiary)
            .where(Beneficiary.status == PersonStatus.ACTIVE, Beneficiary.birth_year.is_not(None))
            .order_by(Beneficiary.id)
        ).scalars()
        granted, later = [], {}
        for person in people:
            if self.rng.random() <= 0.33:
                granted.append(self.entitle(person, add_months(self.first, self.rng.randint(-48, 2))))
            else:
                later.setdefault(person.ward_id, person)
        return granted, list(later.values())


def seed(session: Session, scope: Scope, rng: random.Random, today: date | None = None) -> None:
    """Entitlements and a year of payrolls up to this month (open), with the events of a year."""
    this_month = month_of(today or date.today())
    first = add_months(this_month, -12)
    granter = _Granter(session, scope, rng, first, group_ids_by_code(session), load_reference(session))
    granted, later = granter.grant_a_third()
    rng.shuffle(granted)
    died, moved, late_death, paused = granted[:3], granted[3], granted[4], granted[5]
    for number in range(12):
        month = add_months(first, number)
        if number == 3:
            for entitlement_id in died:
                stop(session, scope, entitlement_id, on=month.replace(day=9), reason=StopReason.DIED)
        if number == 5:
            suspend(session, scope, paused, from_month=month, reason="Vắng mặt tại địa phương")
        if number == 6:
            stop(session, scope, moved, on=month.replace(day=20), reason=StopReason.MOVED)
        if number == 8:
            resume(session, scope, paused, month=month, back_pay=True)
        if number == 10:  # died two months ago, recorded only now: a recovery
            stop(session, scope, late_death, on=add_months(month, -2).replace(day=15), reason=StopReason.DIED)
        build_payroll(session, scope, month)
        lock_payroll(session, scope, month)
    for person in later:  # decisions signed two months ago, recorded now: arrears this month
        granter.entitle(person, add_months(this_month, -2))
    build_payroll(session, scope, this_month)
