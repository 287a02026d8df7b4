"""Reference data of the health-insurance lists: the card types this office's people hold, and the dated
base salary (lương cơ sở) the premium follows: 4.5% of it per person and month."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlmodel import Session

from data_layer.core import audit
from data_layer.core.access import Scope
from data_layer.core.codes import Action
from data_layer.core.errors import Invalid
from data_layer.core.models import BaseSalary

# (from month, base salary in đồng): Decree 24/2023, Decree 73/2024, Decree 161/2026 art. 3.2
SEED_BASE_SALARIES = (
    (date(2023, 7, 1), 1_800_000),
    (date(2024, 7, 1), 2_340_000),
    (date(2026, 7, 1), 2_530_000),
)
PREMIUM_PER_THOUSAND = 45  # 4.5% of the base salary per person and month


@dataclass(frozen=True)
class CardType:
    """A participant code of the card (its first two letters): its name, the benefit level printed
    after it (1 is the highest benefit) and its rank among the codes the office derives (1 first:
    the law's order of the groups when benefits are equal)."""

    code: str
    name: str
    short: str  # what the screens add to the code ("HN – hộ nghèo")
    benefit: int
    rank: int


# The codes of the people the office pays or lists (docs/bhyt.md: sources, what is unverified).
CARD_TYPES = {
    "BT": CardType("BT", "Người hưởng trợ cấp xã hội hằng tháng", "bảo trợ xã hội", 2, 1),
    "HN": CardType("HN", "Người thuộc hộ gia đình nghèo", "hộ nghèo", 2, 2),
    "CN": CardType("CN", "Người thuộc hộ gia đình cận nghèo", "hộ cận nghèo", 3, 3),
}
# Registry categories that give a card of their own (catalogue code → card type).
CATEGORY_CARDS = {"HN": "HN", "HCN": "CN"}


def best_card(codes) -> str | None:
    """One card per person: the highest benefit (lowest level), then the law's order."""
    known = [CARD_TYPES[c] for c in codes if c in CARD_TYPES]
    return min(known, key=lambda t: (t.benefit, t.rank)).code if known else None


def seed(session: Session) -> None:
    """Insert the seeded base salaries that are missing (existing months stay as they are)."""
    have = set(session.execute(select(BaseSalary.from_month)).scalars())
    session.add_all(BaseSalary(from_month=m, amount=a) for m, a in SEED_BASE_SALARIES if m not in have)
    session.flush()


@dataclass(frozen=True)
class BaseSalaries:
    """The base salary series, oldest first: the latest ``from_month`` ≤ M applies in M."""

    series: tuple[tuple[date, int], ...]

    def salary_in(self, month: date) -> int:
        """The base salary of a month (Invalid before the first one recorded)."""
        at = bisect_right([m for m, _ in self.series], month)
        if at == 0:
            raise Invalid(f"Chưa có mức lương cơ sở áp dụng cho tháng {month:%m/%Y}.")
        return self.series[at - 1][1]

    def premium_in(self, month: date) -> int:
        """One person's premium for a month: 4.5% of the base salary, rounded to the đồng."""
        return (self.salary_in(month) * PREMIUM_PER_THOUSAND + 500) // 1000

    def premium_over(self, months) -> int:
        """One person's premiums over several months, each at its own base salary."""
        return sum(self.premium_in(m) for m in months)


def load_base_salaries(session: Session) -> BaseSalaries:
    """The stored base salary series."""
    rows = session.execute(select(BaseSalary.from_month, BaseSalary.amount).order_by(BaseSalary.from_month))
    return BaseSalaries(tuple((m, a) for m, a in rows))


def set_base_salary(session: Session, scope: Scope, from_month: date, amount: int | None) -> None:
    """Record (or correct) the base salary from a month on (admin; audited). Lists already sent keep
    the premiums they were sent with."""
    scope.require_admin()
    if not amount or amount <= 0:
        raise Invalid("Lương cơ sở phải là số tiền lớn hơn 0 (ví dụ 2.530.000).")
    row = session.execute(select(BaseSalary).where(BaseSalary.from_month == from_month)).scalar_one_or_none()
    old = row.amount if row else None
    if row is None:
        row = BaseSalary(from_month=from_month, amount=amount)
        session.add(row)
    else:
        row.amount = amount
    session.flush()
    action = Action.INSERT if old is None else Action.UPDATE
    audit.record(
        session, scope, table="basesalary", row_id=row.id, action=action, field="amount", old=old, new=amount
    )
