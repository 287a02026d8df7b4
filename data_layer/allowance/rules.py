"""The amount of a person for a month, as pure functions over the reference data (no database).

This module is the statement of the rules; ``due`` computes the same thing for a whole city in SQL
(a property test holds the two equal), ``estimate`` uses it on aggregated counts.

1. amount in month M = standard in force in M × coefficient in M, in whole đồng: a coefficient is
   kept in tenths, so amount = (standard × tenths + 5) // 10 (exact for every standard that is a
   multiple of 10 đồng; half a đồng rounds up). The social pension (a group of kind ``pension``,
   HTXH) is the pension level in force in M, not × standard.
2. Age in month M counts the birthday's month as reached (born 15/08/2020 → 4 from 08/2024); with
   only a birth year the age changes in January. A group's coefficient is that of the person's age
   band in the version in force in M; outside every band the group pays nothing that month, except
   the month a person ages out of a band no other band continues (a 5.1 child turning 16, 5.7 at 3,
   5.2 at 23): eligibility ends with that month, which is paid at that band's rate.
3. Several groups → the highest coefficient only, except a single parent (per-child group, 5.4)
   also in a group marked ``adds_to_children`` (5.5, 5.6, 5.8) that pays that month: children ×
   rate plus the highest of the other groups. Allowance and social pension → the higher amount.
4. The social pension (Decree 176/2025 art. 3) is paid from the month a person turns 75 (the
   birthday's month, as in rule 2), or 70 for a member of a poor or near-poor household (registry
   categories HN, HCN); without a known birth it pays nothing. A grant under 70 is refused.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date

from data_layer.allowance.months import add_months, month_index
from data_layer.core.codes import GroupKind

Series = tuple[tuple[date, int], ...]  # (from month, value), sorted by month
PENSION_AGE, PENSION_AGE_POOR = 75, 70  # Decree 176/2025 art. 3 (rule 4)
POOR_CATEGORIES = ("HN", "HCN")  # registry categories of a poor / near-poor household


@dataclass(frozen=True)
class Band:
    """A coefficient (tenths) for ages in [min_age, max_age); None: no limit on that side."""

    min_age: int | None
    max_age: int | None
    tenths: int

    def covers(self, age: int | None) -> bool:
        if self.min_age is None and self.max_age is None:
            return True
        if age is None:
            return False
        return (self.min_age is None or age >= self.min_age) and (self.max_age is None or age < self.max_age)


@dataclass(frozen=True)
class GroupRule:
    """An allowance group and its coefficient versions (from month → bands), oldest first."""

    id: int
    code: str
    name: str
    kind: GroupKind
    adds_to_children: bool
    versions: tuple[tuple[date, tuple[Band, ...]], ...] = ()

    def bands_in(self, month: date) -> tuple[Band, ...]:
        found = value_in(tuple((start, i) for i, (start, _) in enumerate(self.versions)), month)
        return () if found is None else self.versions[found][1]

    def tenths(self, month: date, age: int | None, just_turned: bool = False) -> int:
        """The coefficient of this group in ``month`` for a person of ``age`` (0 outside every band);
        ``just_turned``: ``month`` is the birthday's month, when ageing out of a band is still paid."""
        bands = self.bands_in(month)
        found = next((b.tenths for b in bands if b.covers(age)), None)
        if found is None and just_turned:
            found = next((b.tenths for b in bands if b.max_age is not None and b.max_age == age), None)
        return found or 0

    @property
    def age_dependent(self) -> bool:
        return any(
            b.min_age is not None or b.max_age is not None for _, bands in self.versions for b in bands
        )


def value_in(series: Series, month: date) -> int | None:
    """The value in force in ``month``: that of the latest entry from that month or before."""
    position = bisect.bisect_right([start for start, _ in series], month)
    return series[position - 1][1] if position else None


@dataclass(frozen=True)
class Reference:
    """Everything the rules read: the dated standards and the groups with their coefficients."""

    standards: Series = ()
    pensions: Series = ()
    funeral_multipliers: Series = ()
    groups: dict[int, GroupRule] = field(default_factory=dict)

    def standard_in(self, month: date) -> int:
        return value_in(self.standards, month) or 0

    def pension_in(self, month: date) -> int:
        return value_in(self.pensions, month) or 0

    def with_standard(self, from_month: date, amount: int) -> Reference:
        """A what-if: the standard set to ``amount`` from ``from_month`` on (later entries dropped)."""
        kept = tuple((start, value) for start, value in self.standards if start < from_month)
        return replace(self, standards=(*kept, (from_month, amount)))


def age_in_month(birth_date: date | None, birth_year: int | None, month: date) -> int | None:
    """Age in ``month``: the birthday's month counts as reached; a year alone changes in January."""
    if birth_date is not None:
        born = month_index(birth_date)
    elif birth_year is not None:
        born = birth_year * 12
    else:
        return None
    return (month_index(month) - born) // 12


def combined_tenths(per_child: int, highest: int, stacking: int) -> int:
    """Rule 3: the highest rate, or children × rate plus the highest other rate for a single parent
    also in a group that adds to it (``stacking``: that group's rate this month)."""
    if per_child > 0 and stacking > 0:
        return per_child + highest
    return max(per_child, highest)


def money(standard: int, tenths: int) -> int:
    """standard × coefficient in whole đồng (tenths, half a đồng rounded up)."""
    return (standard * tenths + 5) // 10


@dataclass(frozen=True)
class Person:
    """What the rules need to know about an entitled person."""

    group_ids: tuple[int, ...]
    birth_date: date | None = None
    birth_year: int | None = None
    children: int | None = None
    poor: bool = False  # in a poor or near-poor household (rule 4)

    @property
    def pension_age(self) -> int:
        return PENSION_AGE_POOR if self.poor else PENSION_AGE


def pension_pays(person: Person, age: int | None) -> bool:
    """Rule 4: whether the social pension pays at ``age``."""
    return age is not None and age >= person.pension_age


def just_turned(person: Person, month: date, age: int | None) -> bool:
    """Whether ``month`` is the month the person reached ``age`` (the birthday's month; January with
    only a birth year)."""
    return (
        age is not None and age_in_month(person.birth_date, person.birth_year, add_months(month, -1)) != age
    )


def monthly_amount(reference: Reference, person: Person, month: date) -> int:
    """The person's amount for ``month`` (rules 1–4), whole đồng."""
    age = age_in_month(person.birth_date, person.birth_year, month)
    turned = just_turned(person, month, age)
    per_child = highest = stacking = 0
    pension = False
    for rule in (reference.groups[g] for g in person.group_ids):
        if rule.kind == GroupKind.PENSION:
            pension = pension or pension_pays(person, age)
            continue
        tenths = rule.tenths(month, age, turned)
        if rule.kind == GroupKind.PER_CHILD:
            per_child += tenths * (person.children or 0)
        else:
            highest = max(highest, tenths)
        if rule.adds_to_children:
            stacking = max(stacking, tenths)
    allowance = money(reference.standard_in(month), combined_tenths(per_child, highest, stacking))
    return max(allowance, reference.pension_in(month)) if pension else allowance


def main_group(reference: Reference, person: Person, month: date) -> int | None:
    """The group whose own amount is the largest in ``month`` (ties: the lowest id), None if none pays."""
    age = age_in_month(person.birth_date, person.birth_year, month)
    best: tuple[int, int] | None = None
    for group_id in sorted(person.group_ids):
        rule = reference.groups[group_id]
        own = _own_amount(reference, rule, month, age, person)
        if own > 0 and (best is None or own > best[0]):
            best = (own, group_id)
    return None if best is None else best[1]


def _own_amount(reference: Reference, rule: GroupRule, month: date, age: int | None, person: Person) -> int:
    if rule.kind == GroupKind.PENSION:
        return reference.pension_in(month) if pension_pays(person, age) else 0
    turned = just_turned(person, month, age)
    tenths = rule.tenths(month, age, turned) * (
        (person.children or 0) if rule.kind == GroupKind.PER_CHILD else 1
    )
    return money(reference.standard_in(month), tenths)


def funeral_amount(reference: Reference, death_month: date) -> int:
    """Funeral support: the multiplier in force in the month of death × the standard then."""
    return (value_in(reference.funeral_multipliers, death_month) or 0) * reference.standard_in(death_month)


def total_for(reference: Reference, person: Person, months: Iterable[date]) -> int:
    return sum(monthly_amount(reference, person, month) for month in months)
