"""A round's figures per ward, per hamlet and in total: households, people lacking food, rice requested,
approved and delivered in kg (the JSON of ``ansinh relief report --json``; files and pages show tonnes
with three decimals, kg for a household)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlmodel import Session

from data_layer.core.access import Scope
from data_layer.core.models import ReliefDelivery, ReliefHousehold, Ward
from data_layer.relief.rounds import get_round
from data_layer.vn.collation import hamlet_key, text_key

FIGURES = ("households", "people", "kg_requested", "kg_approved", "kg_delivered")
NO_HAMLET = "Không ghi thôn/tổ"


def _grouped(session: Session, scope: Scope, round_id: int, *keys, ward_id: int | None = None) -> list:
    """(keys…, households, people, kg requested, approved, delivered) per group of ``keys``, in the
    database (GROUP BY), over the wards of the scope (one ward when given)."""
    h = ReliefHousehold
    query = (
        select(
            *keys,
            func.count(h.id),
            func.coalesce(func.sum(h.people_lacking_food), 0),
            func.coalesce(func.sum(h.kg_requested), 0),
            func.coalesce(func.sum(h.kg_approved), 0),
            func.coalesce(func.sum(ReliefDelivery.kg), 0),
        )
        .join(Ward, Ward.id == h.ward_id)
        .outerjoin(ReliefDelivery, ReliefDelivery.household_id == h.id)
        .where(h.round_id == round_id, scope.ward_clause(h.ward_id))
        .group_by(*keys)
    )
    if ward_id is not None:
        query = query.where(h.ward_id == ward_id)
    return session.execute(query).all()


def _numbers(values) -> dict[str, int]:
    return dict(zip(FIGURES, (int(v) for v in values), strict=True))


def totals(lines: list[dict]) -> dict[str, int]:
    """The figures of ``lines`` added up."""
    return {f: sum(line[f] for line in lines) for f in FIGURES}


def round_figures(session: Session, scope: Scope, round_id: int) -> dict:
    """``{"round", households, people, kg_requested, kg_approved, kg_delivered, "by_ward": [{"ward"
    (its code), "name", …the same figures}]}`` over the wards the scope sees, wards by name."""
    relief = get_round(session, round_id)
    rows = _grouped(session, scope, round_id, Ward.code, Ward.name)
    by_ward = [
        {"ward": code, "name": name, **_numbers(values)}
        for code, name, *values in sorted(rows, key=lambda r: text_key(r[1]))
    ]
    return {"round": relief.name, **totals(by_ward), "by_ward": by_ward}


def hamlet_figures(session: Session, scope: Scope, round_id: int, ward_id: int | None = None) -> list[dict]:
    """``[{"ward" (code), "ward_name", "hamlet", …figures}]`` per ward and hamlet (thôn/tổ; households
    without one under "Không ghi thôn/tổ"), by ward and hamlet name; one ward's when given."""
    get_round(session, round_id)
    h = ReliefHousehold
    rows = _grouped(session, scope, round_id, Ward.code, Ward.name, h.hamlet, ward_id=ward_id)
    return [
        {"ward": code, "ward_name": name, "hamlet": hamlet or NO_HAMLET, **_numbers(values)}
        for code, name, hamlet, *values in sorted(rows, key=lambda r: (text_key(r[1]), hamlet_key(r[2])))
    ]
