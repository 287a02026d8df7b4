"""A ward's approval in a relief round: the office approves the ward's households (each household's
approved kg becomes its requested kg where not set), and from then on the database refuses every write
to them (``core.locks``). ``require_open`` gives that refusal early, naming the ward and the round."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlmodel import Session

from data_layer.core import audit
from data_layer.core.access import Scope
from data_layer.core.codes import Action
from data_layer.core.errors import Invalid, Locked
from data_layer.core.models import ReliefApproval, ReliefHousehold, Ward
from data_layer.relief.rounds import get_round


def approved_ward_ids(session: Session, round_id: int) -> set[int]:
    """Wards whose figures in the round are approved (locked)."""
    return set(
        session.execute(select(ReliefApproval.ward_id).where(ReliefApproval.round_id == round_id)).scalars()
    )


def require_open(session: Session, round_id: int, ward_id: int) -> None:
    """Refuse a write to the ward's households in the round once they are approved."""
    if ward_id in approved_ward_ids(session, round_id):
        ward = session.get(Ward, ward_id)
        raise Locked(
            f"Số liệu cứu trợ gạo của {ward.name} trong đợt '{get_round(session, round_id).name}' đã được "
            "duyệt và khóa: không thêm, sửa, xóa được."
        )


def approve_ward(session: Session, scope: Scope, round_id: int, ward_id: int) -> int:
    """Approve the ward's households in the round (managers of the ward only): each approved kg is the
    requested kg unless the office set another; returns the households approved."""
    scope.require_manager()
    scope.require_ward(ward_id)
    require_open(session, round_id, ward_id)
    mine = (ReliefHousehold.round_id == round_id) & (ReliefHousehold.ward_id == ward_id)
    count = len(session.execute(select(ReliefHousehold.id).where(mine)).all())
    if not count:
        raise Invalid("Phường/xã này chưa có hộ nào trong đợt: chưa duyệt được.")
    session.execute(
        update(ReliefHousehold)
        .where(mine, ReliefHousehold.kg_approved.is_(None))
        .values(kg_approved=ReliefHousehold.kg_requested)
    )
    event = ReliefApproval(round_id=round_id, ward_id=ward_id, user_id=scope.user_id)
    session.add(event)
    session.flush()
    audit.record(
        session, scope, table="reliefapproval", row_id=event.id, action=Action.APPROVE, ward_id=ward_id
    )
    return count
