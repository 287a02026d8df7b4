"""The year's health-insurance premiums in the budget estimate (Dự toán trợ cấp): the people covered
this month, as if nobody joined or left (a known end, such as a death already recorded, still counts),
each month at that month's premium (4.5% of its base salary)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session

from data_layer.bhyt.coverage import coverage
from data_layer.bhyt.reference import CARD_TYPES, load_base_salaries
from data_layer.core.access import Scope
from data_layer.vn.months import month_of, months_from


@dataclass
class BhytEstimate:
    """A year's premiums: people covered now, the money, per month and per card type."""

    year: int
    people: int = 0
    amount: int = 0
    by_month: list[tuple[date, int, int]] = field(default_factory=list)  # month, people, đồng
    by_card: list[tuple[str, str, int, int]] = field(default_factory=list)  # code, name, people, đồng


def estimate_premiums(session: Session, scope: Scope, year: int, today: date | None = None) -> BhytEstimate:
    """The premiums of ``year`` for the people covered in today's month (the scope's wards)."""
    now = month_of(today or date.today())
    covered, _ = coverage(session, scope, now)
    salaries = load_base_salaries(session)
    result = BhytEstimate(year, people=len(covered))
    money: Counter = Counter()
    people: Counter = Counter()
    for month in months_from(date(year, 1, 1), date(year, 12, 1)):
        rate = salaries.premium_in(month)
        count = 0
        for person in covered.values():
            if person.end is None or person.end >= month:
                count += 1
                money[person.card_type] += rate
        result.by_month.append((month, count, count * rate))
    for person in covered.values():
        people[person.card_type] += 1
    result.amount = sum(amount for _, _, amount in result.by_month)
    result.by_card = [
        (code, CARD_TYPES[code].name, people[code], money[code]) for code in CARD_TYPES if people[code]
    ]
    return result
