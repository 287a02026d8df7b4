"""The demo's health-insurance cards: most people with a card the State pays get a social-insurance
number, a card number and a clinic (some are still missing, as in real registries); the lists of the
two months before this one were sent to the insurance agency (locked). Since then two people changed
their clinic, a poor household member without a gift waiting died last month and two people were recognised as
poor: this month's open list has adjustments, a decrease and increases."""

from __future__ import annotations

import random
from datetime import date

from sqlalchemy import exists, select
from sqlmodel import Session

from data_layer.bhyt.coverage import coverage
from data_layer.bhyt.lists import lock_month
from data_layer.bhyt.reference import CARD_TYPES
from data_layer.core.access import Scope
from data_layer.core.codes import AllocationStatus, PersonStatus
from data_layer.core.models import Allocation, Beneficiary, BeneficiaryCategory, Category, Ward
from data_layer.vn.months import add_months, month_of

CLINICS = ("Trạm Y tế {ward}", "Trung tâm Y tế khu vực", "Bệnh viện Đa khoa tỉnh")


def seed(session: Session, scope: Scope, rng: random.Random, today: date | None = None) -> None:
    """Numbers, cards and clinics for the people covered this month; the two months before sent."""
    this_month = month_of(today or date.today())
    covered, _ = coverage(session, scope, this_month)
    wards = dict(session.execute(select(Ward.id, Ward.name)).all())
    people = {p.id: p for p in session.scalars(select(Beneficiary).where(Beneficiary.id.in_(list(covered))))}
    for number, person in enumerate(covered.values(), start=1):
        if rng.random() < 0.1:
            continue  # no number recorded yet
        row = people[person.beneficiary_id]
        row.social_insurance_no = f"20{number:08d}"
        card = CARD_TYPES[person.card_type]
        row.health_card_no = f"{card.code}{card.benefit}20{row.social_insurance_no}"
        row.clinic = rng.choice(CLINICS).format(
            ward=wards[person.ward_id].removeprefix("Phường ").removeprefix("Xã ")
        )
    session.flush()
    for back in (2, 1):
        lock_month(session, scope, add_months(this_month, -back))
    _changes_since(session, rng, covered, this_month)


def _changes_since(session: Session, rng: random.Random, covered: dict, this_month: date) -> None:
    people = sorted(covered)
    for pid in rng.sample(people, 2):
        session.get(Beneficiary, pid).clinic = "Bệnh viện Đa khoa tỉnh (đăng ký lại)"
    no_gifts = ~exists().where(
        Allocation.beneficiary_id == Beneficiary.id, Allocation.status == AllocationStatus.PLANNED
    )
    without_gifts = set(session.execute(select(Beneficiary.id).where(no_gifts)).scalars())
    poor_only = [
        c.beneficiary_id
        for c in covered.values()
        if c.card_type != "BT" and c.beneficiary_id in without_gifts
    ]
    if poor_only:
        row = session.get(Beneficiary, poor_only[0])
        row.status, row.status_reason = PersonStatus.DIED, "Chết"
        row.status_date = add_months(this_month, -1).replace(day=12)
    poor = session.execute(select(Category.id).where(Category.code == "HN")).scalar_one()
    newly = session.execute(
        select(Beneficiary.id)
        .where(Beneficiary.status == PersonStatus.ACTIVE, Beneficiary.id.not_in(people), no_gifts)
        .order_by(Beneficiary.id)
        .limit(2)
    ).scalars()
    session.add_all(BeneficiaryCategory(beneficiary_id=pid, category_id=poor) for pid in newly)
    session.flush()
