"""Who is covered in a month and by which card, derived from what An Sinh already holds.

* An allowance or social-pension entitlement (any group, suspended too: a held payment keeps the card)
  gives a ``BT`` card from its start month through the month of its stop date.
* The registry's poor / near-poor categories give ``HN`` / ``CN`` cards (no start month is recorded).
* A person recorded as died, moved or no longer eligible is covered through the month of that date.
* One card per person: the highest benefit (``reference.best_card``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlmodel import Session

from data_layer.bhyt.reference import CATEGORY_CARDS, best_card
from data_layer.core.access import Scope
from data_layer.core.codes import PersonStatus
from data_layer.core.db import one_of
from data_layer.core.models import Beneficiary, BeneficiaryCategory, Category, Entitlement
from data_layer.vn.months import month_of

IDENTITY = (
    "name",
    "birth_date",
    "birth_year",
    "gender",
    "national_id",
    "social_insurance_no",
    "hamlet",
    "clinic",
)


@dataclass
class Covered:
    """A person covered in a month: the card type, the month the coverage began (None: unknown, a
    registry category), its last month (None: open), and the identity the list prints."""

    beneficiary_id: int
    ward_id: int
    card_type: str
    start: date | None
    end: date | None
    name: str
    birth_date: date | None
    birth_year: int | None
    gender: str | None
    national_id: str | None
    social_insurance_no: str | None
    hamlet: str | None
    clinic: str | None


@dataclass
class Ended:
    """Why a person of the registry is no longer covered (for a list's Giảm line)."""

    last_month: date | None
    reason: str


def _registry_end(person) -> date | None:
    """The last month the registry keeps a person covered (None: no end); a person who left without a
    date ends before any month."""
    if person.status == PersonStatus.ACTIVE:
        return None
    return month_of(person.status_date) if person.status_date else date.min


def _entitlement_terms(session: Session, person_ids: list[int]) -> dict[int, list[tuple[date, date | None]]]:
    """Each person's entitlements as (start month, last month or None); the ids as one parameter (a
    city's tens of thousands of people would pass SQLite's limit of placeholders)."""
    terms: dict[int, list[tuple[date, date | None]]] = defaultdict(list)
    for pid, start, stop in session.execute(
        select(Entitlement.beneficiary_id, Entitlement.start_month, Entitlement.stop_date).where(
            one_of(session, Entitlement.beneficiary_id, person_ids)
        )
    ):
        terms[pid].append((start, month_of(stop) if stop else None))
    return terms


def _category_cards(session: Session, person_ids: list[int]) -> dict[int, set[str]]:
    cards: dict[int, set[str]] = defaultdict(set)
    for pid, code in session.execute(
        select(BeneficiaryCategory.beneficiary_id, Category.code)
        .join(Category, Category.id == BeneficiaryCategory.category_id)
        .where(
            one_of(session, BeneficiaryCategory.beneficiary_id, person_ids),
            Category.code.in_(list(CATEGORY_CARDS)),
        )
    ):
        cards[pid].add(CATEGORY_CARDS[code])
    return cards


def _candidates(session: Session, scope: Scope, ward_ids: list[int] | None):
    """The people of the wards who hold an entitlement or a poor / near-poor category."""
    has_entitlement = select(Entitlement.beneficiary_id).where(Entitlement.beneficiary_id == Beneficiary.id)
    has_category = (
        select(BeneficiaryCategory.beneficiary_id)
        .join(Category, Category.id == BeneficiaryCategory.category_id)
        .where(BeneficiaryCategory.beneficiary_id == Beneficiary.id, Category.code.in_(list(CATEGORY_CARDS)))
    )
    query = select(
        Beneficiary.id, Beneficiary.ward_id, Beneficiary.status, Beneficiary.status_date, *_identity()
    ).where(scope.ward_clause(Beneficiary.ward_id), or_(has_entitlement.exists(), has_category.exists()))
    if ward_ids is not None:
        query = query.where(Beneficiary.ward_id.in_(ward_ids))
    return session.execute(query.order_by(Beneficiary.id)).all()


def _identity():
    return [getattr(Beneficiary, name) for name in IDENTITY]


def coverage(
    session: Session, scope: Scope, month: date, ward_ids: list[int] | None = None
) -> tuple[dict[int, Covered], dict[int, Ended]]:
    """Who is covered in ``month`` in the wards (None: every ward of the scope), by person id; and, for
    the other candidates, their last covered month and why it ended."""
    people = _candidates(session, scope, ward_ids)
    ids = [p.id for p in people]
    terms, categories = _entitlement_terms(session, ids), _category_cards(session, ids)
    covered: dict[int, Covered] = {}
    ended: dict[int, Ended] = {}
    for p in people:
        registry_end = _registry_end(p)
        cards: dict[str, tuple[date | None, date | None]] = {}
        last_term_end: date | None = date.min
        for start, stop in terms.get(p.id, ()):
            if start <= month and (stop is None or stop >= month):
                cards["BT"] = (start, stop)
            elif start <= month and stop is not None:
                last_term_end = max(last_term_end or date.min, stop)
        for code in categories.get(p.id, ()):
            cards[code] = (None, None)
        if registry_end is not None and registry_end < month:
            cards = {}
        card = best_card(cards)
        if card is None:
            ended[p.id] = _why_ended(p, registry_end, last_term_end if terms.get(p.id) else None)
            continue
        start, end = cards[card]
        if registry_end is not None:
            end = registry_end if end is None else min(end, registry_end)
        covered[p.id] = Covered(p.id, p.ward_id, card, start, end, *(getattr(p, n) for n in IDENTITY))
    return covered, ended


def _why_ended(person, registry_end: date | None, term_end: date | None) -> Ended:
    if person.status == PersonStatus.DIED:
        return Ended(
            registry_end, "Chết" + (f" ngày {person.status_date:%d/%m/%Y}" if person.status_date else "")
        )
    if person.status == PersonStatus.MOVED:
        return Ended(registry_end, "Chuyển đi nơi khác")
    if person.status == PersonStatus.INELIGIBLE:
        return Ended(registry_end, "Không còn đủ điều kiện")
    if term_end not in (None, date.min):
        return Ended(term_end, "Thôi hưởng trợ cấp xã hội")
    return Ended(None, "Không còn thuộc diện được ngân sách đóng BHYT")
