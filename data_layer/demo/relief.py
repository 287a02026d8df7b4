"""The demo's rice relief: a Tết round with households at risk of hunger in two wards, heads taken from
the registry's poor and hungry households. Mai Pha's list is approved and partly delivered; Đông
Kinh's is still open (its officer can import and correct it). On the round's calendar (Tết 17/02/2026)
Mai Pha's figures were signed off for the quick report and the report after Tết in time (by the
district office on its behalf), Đông Kinh's quick report a day late; the other wards sent nothing."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlmodel import Session

from data_layer.core.access import Scope
from data_layer.core.codes import Poverty, ReliefReason, ReliefReport
from data_layer.core.models import Beneficiary, BeneficiaryCategory, Category, User
from data_layer.relief.approval import approve_ward
from data_layer.relief.households import HouseholdInput, add_household, record_delivery
from data_layer.relief.rounds import RoundInput, add_round
from data_layer.relief.sign_off import sign_off

ROUND = "Hỗ trợ gạo Tết Bính Ngọ 2026"
START = date(2026, 1, 26)
HOUSEHOLDS_PER_WARD = 8
POVERTY = {"HN": Poverty.POOR, "HCN": Poverty.NEAR_POOR, "TD": None}
# ward, signer, report, when (Vietnam's time): the quick report is due 10/02/2026 14:00, the report
# after Tết 21/02/2026 10:00
SIGN_OFFS = [
    ("MP", "quan", ReliefReport.QUICK, "09/02/2026 16:30"),
    ("DK", "dongkinh", ReliefReport.QUICK, "11/02/2026 08:15"),
    ("MP", "quan", ReliefReport.AFTER_TET, "21/02/2026 09:40"),
]


def _heads(session: Session, ward_id: int) -> list[tuple[Beneficiary, str]]:
    """The ward's people in a poor, near-poor or hungry household, with that category's code."""
    return list(
        session.execute(
            select(Beneficiary, Category.code)
            .join(BeneficiaryCategory, BeneficiaryCategory.beneficiary_id == Beneficiary.id)
            .join(Category, Category.id == BeneficiaryCategory.category_id)
            .where(Beneficiary.ward_id == ward_id, Category.code.in_(sorted(POVERTY)))
            .order_by(Beneficiary.id)
        ).tuples()
    )


def seed(session: Session, scope: Scope, rng: random.Random, ward_ids: dict[str, int]) -> None:
    """The Tết round, its households in Đông Kinh and Mai Pha, Mai Pha approved and half delivered."""
    round_id = add_round(
        session, scope, RoundInput(ROUND, ReliefReason.TET, 1, START, source="Dự trữ quốc gia")
    ).id
    for code in ("DK", "MP"):
        seen: set[int] = set()
        added = []
        for person, category in _heads(session, ward_ids[code]):
            if person.id in seen or len(added) == HOUSEHOLDS_PER_WARD:
                continue
            seen.add(person.id)
            size = rng.randint(2, 6)
            data = HouseholdInput(
                person.name,
                person.hamlet,
                person.national_id,
                size,
                rng.randint(1, size),
                POVERTY[category],
                person.id,
            )
            added.append(add_household(session, scope, round_id, ward_ids[code], data))
        if code == "MP":
            approve_ward(session, scope, round_id, ward_ids[code])
            for n, household in enumerate(added[: len(added) // 2]):
                session.refresh(household)
                record_delivery(
                    session, scope, household.id, household.kg_approved, START + timedelta(days=n % 3)
                )
    users = {u.username: u for u in session.execute(select(User)).scalars()}
    for code, username, report, when in SIGN_OFFS:
        signer = Scope.for_user(users[username])
        moment = datetime.strptime(f"{when} +0700", "%d/%m/%Y %H:%M %z")
        sign_off(session, signer, round_id, ward_ids[code], report, now=moment)
