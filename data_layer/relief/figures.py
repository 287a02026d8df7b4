"""A round's figures per ward and in total: households, people lacking food, rice requested, approved
and delivered in kg (the JSON of ``ansinh relief report --json``; the report .xlsx shows tonnes)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlmodel import Session

from data_layer.core.access import Scope
from data_layer.core.models import ReliefDelivery, ReliefHousehold, Ward
from data_layer.relief.rounds import get_round
from data_layer.vn.collation import text_key

FIGURES = ("households", "people", "kg_requested", "kg_approved", "kg_delivered")


def round_figures(session: Session, scope: Scope, round_id: int) -> dict:
    """``{"round", households, people, kg_requested, kg_approved, kg_delivered, "by_ward": [{"ward"
    (its code), "name", …the same figures}]}`` over the wards the scope sees, wards by name."""
    relief = get_round(session, round_id)
    h = ReliefHousehold
    rows = session.execute(
        select(
            Ward.code,
            Ward.name,
            func.count(h.id),
            func.coalesce(func.sum(h.people_lacking_food), 0),
            func.coalesce(func.sum(h.kg_requested), 0),
            func.coalesce(func.sum(h.kg_approved), 0),
            func.coalesce(func.sum(ReliefDelivery.kg), 0),
        )
        .join(Ward, Ward.id == h.ward_id)
        .outerjoin(ReliefDelivery, ReliefDelivery.household_id == h.id)
        .where(h.round_id == round_id, scope.ward_clause(h.ward_id))
        .group_by(Ward.code, Ward.name)
    ).all()
    by_ward = [
        {"ward": code, "name": name, **dict(zip(FIGURES, (int(v) for v in values), strict=True))}
        for code, name, *values in sorted(rows, key=lambda r: text_key(r[1]))
    ]
    totals = {f: sum(w[f] for w in by_ward) for f in FIGURES}
    return {"round": relief.name, **totals, "by_ward": by_ward}
