"""Relief rounds: add (a manager's act, checked against the rules), find by name, list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlmodel import Session

from data_layer.core import audit
from data_layer.core.access import Scope
from data_layer.core.codes import Action, ReliefReason
from data_layer.core.errors import Conflict, Invalid, NotFound
from data_layer.core.models import ReliefRound
from data_layer.relief.rules import KG_PER_PERSON_MONTH, check_round
from data_layer.vn.text import normalize_text


@dataclass(frozen=True)
class RoundInput:
    """What a new round says (the CLI's and the page's fields)."""

    name: str
    reason: ReliefReason
    months: int
    start_date: date
    kg_per_person: int = KG_PER_PERSON_MONTH
    source: str | None = None
    decision_no: str | None = None
    decision_date: date | None = None
    rice_price: int | None = None  # đồng per kg, for the money of form 10b


def add_round(session: Session, scope: Scope, data: RoundInput) -> ReliefRound:
    """Create a round (managers only); a Tết round of more than one month, a round of more than three,
    or a second round of one name is refused."""
    scope.require_manager()
    reason = ReliefReason(data.reason)
    check_round(reason, data.months, data.kg_per_person)
    if data.rice_price is not None and data.rice_price < 0:
        raise Invalid("Đơn giá gạo không được âm.")
    name = normalize_text(data.name).strip()
    if not name:
        raise Conflict("Đợt cứu trợ cần có tên.")
    if session.execute(select(ReliefRound.id).where(ReliefRound.name == name)).first():
        raise Conflict(f"Đã có đợt cứu trợ tên '{name}'.")
    found = ReliefRound(
        name=name,
        reason=reason,
        months=data.months,
        kg_per_person=data.kg_per_person,
        source=data.source,
        decision_no=data.decision_no,
        decision_date=data.decision_date,
        start_date=data.start_date,
        rice_price=data.rice_price,
    )
    session.add(found)
    session.flush()
    audit.record(session, scope, table="reliefround", row_id=found.id, action=Action.INSERT, new=name)
    return found


def get_round_by_name(session: Session, name: str) -> ReliefRound:
    found = session.execute(
        select(ReliefRound).where(ReliefRound.name == normalize_text(name).strip())
    ).scalar()
    if found is None:
        raise NotFound(f"Không có đợt cứu trợ gạo tên '{name}'.")
    return found


def get_round(session: Session, round_id: int) -> ReliefRound:
    found = session.get(ReliefRound, round_id)
    if found is None:
        raise NotFound("Không tìm thấy đợt cứu trợ gạo đã chọn.")
    return found


def list_rounds(session: Session) -> list[ReliefRound]:
    """Every round, the newest first."""
    return list(
        session.execute(
            select(ReliefRound).order_by(ReliefRound.start_date.desc(), ReliefRound.id.desc())
        ).scalars()
    )
