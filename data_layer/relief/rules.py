"""The rice relief rules of Decree 20/2021 art. 12 as reference data and pure functions.

15 kg of rice per person and month; a Tết round gives one month; hunger after a disaster, fire, crop
failure, in the lean season (giáp hạt) or for another reason up to three months per round. Rice is
counted in whole kg; reports show tonnes with three decimals.
"""

from __future__ import annotations

from data_layer.core.codes import ReliefReason
from data_layer.core.errors import Invalid

KG_PER_PERSON_MONTH = 15  # art. 12.1 (reference: a round may set another figure)
MONTHS_LIMIT = {ReliefReason.TET: 1} | {
    reason: 3 for reason in ReliefReason if reason != ReliefReason.TET
}  # art. 12.1.a (Tết: one month), 12.1.b (other hunger: at most three months per round)


def check_round(reason: ReliefReason, months: int, kg_per_person: int) -> None:
    """Refuse months outside 1…the reason's limit and a kg per person-month below 1."""
    limit = MONTHS_LIMIT[reason]
    if not 1 <= months <= limit:
        raise Invalid(f"Số tháng hỗ trợ phải từ 1 đến {limit} cho đợt này (Nghị định 20/2021, Điều 12).")
    if kg_per_person < 1:
        raise Invalid("Số kg gạo mỗi người mỗi tháng phải từ 1 trở lên.")


def kg_requested(people_lacking_food: int, kg_per_person: int, months: int) -> int:
    """Rice asked for a household: people lacking food × kg per person-month × months
    (4 people × 15 kg × 1 month = 60 kg; 3 × 15 × 3 = 135 kg)."""
    return people_lacking_food * kg_per_person * months


def household_problem(household_size: int | None, people_lacking_food: int | None) -> tuple[str, str] | None:
    """(column, Vietnamese message) when a household's counts cannot stand, else None."""
    if household_size is None:
        return "Số nhân khẩu", "Thiếu số nhân khẩu của hộ."
    if people_lacking_food is None:
        return "Số người thiếu đói", "Thiếu số người thiếu đói của hộ."
    if people_lacking_food > household_size:
        return (
            "Số người thiếu đói",
            f"Số người thiếu đói ({people_lacking_food}) lớn hơn số nhân khẩu của hộ ({household_size}).",
        )
    return None


def tonnes(kg: int | None) -> str:
    """kg as tonnes with three decimals, Vietnamese style (dot thousands, decimal comma), computed on whole
    kg: 1234 kg → '1,234'; 9877875 kg → '9.877,875'."""
    whole, grams = divmod(kg or 0, 1000)
    return f"{whole:,}".replace(",", ".") + f",{grams:03d}"
