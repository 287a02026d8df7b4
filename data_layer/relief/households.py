"""A round's households: the list in scope (Vietnamese order: hamlet, given name), one added by hand, a
corrected count, and the delivery of rice (kg and day) to a household of an approved ward."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlmodel import Session

from data_layer.core import audit
from data_layer.core.access import Scope
from data_layer.core.codes import Action, Poverty
from data_layer.core.errors import Conflict, Invalid, NotFound
from data_layer.core.models import Beneficiary, ReliefDelivery, ReliefHousehold, Ward, utcnow
from data_layer.relief.approval import approved_ward_ids, require_open
from data_layer.relief.household_list import household_key, registry_poverty
from data_layer.relief.rounds import get_round
from data_layer.relief.rules import household_problem, kg_requested
from data_layer.vn.collation import person_order


@dataclass(frozen=True)
class HouseholdRow:
    """One household as pages and lists show it."""

    id: int
    ward_id: int
    ward: str
    hamlet: str | None
    head_name: str
    national_id: str | None
    poverty: str | None
    household_size: int
    people_lacking_food: int
    kg_requested: int
    kg_approved: int | None
    kg_delivered: int | None
    delivered_on: date | None
    version: int


def list_households(
    session: Session, scope: Scope, round_id: int, ward_id: int | None = None
) -> list[HouseholdRow]:
    """The round's households the scope sees (one ward's when given), by ward, hamlet and name."""
    h = ReliefHousehold
    query = (
        select(
            h.id,
            h.ward_id,
            Ward.name,
            h.hamlet,
            h.head_name,
            h.national_id,
            h.poverty,
            h.household_size,
            h.people_lacking_food,
            h.kg_requested,
            h.kg_approved,
            ReliefDelivery.kg,
            ReliefDelivery.delivered_on,
            h.version,
        )
        .join(Ward, Ward.id == h.ward_id)
        .outerjoin(ReliefDelivery, ReliefDelivery.household_id == h.id)
        .where(h.round_id == round_id, scope.ward_clause(h.ward_id))
        .order_by(Ward.name, *person_order(h.hamlet, h.head_name), h.id)
    )
    if ward_id is not None:
        query = query.where(h.ward_id == ward_id)
    return [HouseholdRow(*row) for row in session.execute(query)]


def _household(session: Session, scope: Scope, household_id: int) -> ReliefHousehold:
    found = session.get(ReliefHousehold, household_id)
    if found is None or not scope.may_see_ward(found.ward_id):
        raise NotFound("Không tìm thấy hộ đã chọn.")
    scope.require_ward(found.ward_id)
    return found


@dataclass(frozen=True)
class HouseholdInput:
    """A household typed in by hand (a list's row otherwise)."""

    head_name: str
    hamlet: str | None
    national_id: str | None
    household_size: int
    people_lacking_food: int
    poverty: Poverty | None = None
    beneficiary_id: int | None = None


def _registry_link(session: Session, ward_id: int, data: HouseholdInput) -> dict:
    """The head as a registry person of the ward when the caller names none and the CCCD is known
    there, and the poverty status from that person's categories when the caller gives none."""
    person = data.beneficiary_id
    if person is None and data.national_id:
        person = session.execute(
            select(Beneficiary.id).where(
                Beneficiary.ward_id == ward_id, Beneficiary.national_id == data.national_id
            )
        ).scalar_one_or_none()
    if person is None:
        return {}
    return {
        "beneficiary_id": person,
        "poverty": data.poverty or registry_poverty(session, {person}).get(person),
    }


def add_household(
    session: Session, scope: Scope, round_id: int, ward_id: int, data: HouseholdInput
) -> ReliefHousehold:
    """Add a household to the ward's list in the round (refused when the ward is approved, the counts
    cannot stand, or the household is already in the round); a head whose CCCD is in the ward's registry
    is linked to that person, whose poverty status fills a blank one."""
    scope.require_ward(ward_id)
    require_open(session, round_id, ward_id)
    if problem := household_problem(data.household_size, data.people_lacking_food):
        raise Invalid(problem[1])
    key = household_key(ward_id, data.national_id, data.hamlet, data.head_name)
    if session.execute(
        select(ReliefHousehold.id).where(
            ReliefHousehold.round_id == round_id, ReliefHousehold.household_key == key
        )
    ).first():
        raise Conflict(f"Hộ {data.head_name} đã có trong đợt: một hộ chỉ một lần trong đợt.")
    relief = get_round(session, round_id)
    values = vars(data) | _registry_link(session, ward_id, data)
    found = ReliefHousehold(
        round_id=round_id,
        ward_id=ward_id,
        household_key=key,
        kg_requested=kg_requested(data.people_lacking_food, relief.kg_per_person, relief.months),
        **values,
    )
    session.add(found)
    session.flush()
    audit.record(
        session,
        scope,
        table="reliefhousehold",
        row_id=found.id,
        action=Action.INSERT,
        ward_id=ward_id,
        new=data.head_name,
    )
    return found


def correct_household(
    session: Session,
    scope: Scope,
    household_id: int,
    *,
    household_size: int,
    people_lacking_food: int,
    version: int,
) -> ReliefHousehold:
    """Correct a household's counts (refused once its ward is approved, or when someone changed it
    first); the requested kg follows: people × kg per person-month × months."""
    found = _household(session, scope, household_id)
    require_open(session, found.round_id, found.ward_id)
    if found.version != version:
        raise Conflict("Hộ này vừa được người khác sửa: tải lại trang rồi sửa lại.")
    if problem := household_problem(household_size, people_lacking_food):
        raise Invalid(problem[1])
    relief = get_round(session, found.round_id)
    new = {
        "household_size": household_size,
        "people_lacking_food": people_lacking_food,
        "kg_requested": kg_requested(people_lacking_food, relief.kg_per_person, relief.months),
    }
    for field, value in new.items():
        if getattr(found, field) != value:
            audit.record(
                session,
                scope,
                table="reliefhousehold",
                row_id=found.id,
                action=Action.UPDATE,
                ward_id=found.ward_id,
                field=field,
                old=getattr(found, field),
                new=value,
            )
            setattr(found, field, value)
    found.version += 1
    found.updated_at = utcnow()
    session.flush()
    return found


def record_delivery(session: Session, scope: Scope, household_id: int, kg: int, day: date) -> ReliefDelivery:
    """Record (or correct) the rice a household received: only once its ward is approved, and never
    more than its approved kg."""
    found = _household(session, scope, household_id)
    if found.ward_id not in approved_ward_ids(session, found.round_id):
        raise Invalid("Phường/xã chưa được duyệt số gạo của đợt: chưa ghi nhận cấp phát được.")
    if not 1 <= kg <= (found.kg_approved or 0):
        raise Invalid(f"Số gạo đã nhận phải từ 1 đến {found.kg_approved} kg (số được duyệt của hộ).")
    if day < get_round(session, found.round_id).start_date:
        raise Invalid("Ngày nhận gạo trước ngày bắt đầu của đợt.")
    delivery = session.execute(
        select(ReliefDelivery).where(ReliefDelivery.household_id == household_id)
    ).scalar_one_or_none()
    old = None if delivery is None else f"{delivery.kg} kg {delivery.delivered_on:%d/%m/%Y}"
    if delivery is None:
        delivery = ReliefDelivery(household_id=household_id, kg=kg, delivered_on=day, user_id=scope.user_id)
        session.add(delivery)
    else:
        delivery.kg, delivery.delivered_on, delivery.user_id = kg, day, scope.user_id
        delivery.recorded_at = utcnow()
    session.flush()
    audit.record(
        session,
        scope,
        table="reliefdelivery",
        row_id=delivery.id,
        action=Action.DELIVER,
        ward_id=found.ward_id,
        field="kg",
        old=old,
        new=f"{kg} kg {day:%d/%m/%Y}",
    )
    return delivery
