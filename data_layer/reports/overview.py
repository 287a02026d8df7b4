"""Headline counts for the home page, within the user's scope."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlmodel import Session

from data_layer.core.access import Scope
from data_layer.core.codes import PersonStatus
from data_layer.core.models import Beneficiary, Campaign, Ward


@dataclass
class Overview:
    wards: int
    people: int
    active: int
    campaigns: int


def overview(session: Session, scope: Scope) -> Overview:
    """How many wards, people (active ones) and campaigns the user works with."""

    def count(model, *conditions) -> int:
        return session.execute(select(func.count()).select_from(model).where(*conditions)).scalar_one()

    in_scope = scope.ward_clause(Beneficiary.ward_id)
    return Overview(
        wards=count(Ward, Ward.active, scope.ward_clause(Ward.id)),
        people=count(Beneficiary, in_scope),
        active=count(Beneficiary, in_scope, Beneficiary.status == PersonStatus.ACTIVE),
        campaigns=count(Campaign),
    )
