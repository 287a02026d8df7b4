"""Approval of a ward's results in a campaign, which locks them, and unlocking with a reason.

Approving is a district/admin act. While a ward is approved, its allocations and lump gifts in the
campaign are read-only for everybody: the database refuses the write (``core.locks``), and
``require_open`` gives the same refusal early, naming the ward and campaign, before a page or the
CLI does any work. Closing a campaign approves every ward that has gifts in it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, union
from sqlmodel import Session

from data_layer.campaigns.setup import campaign_or_missing
from data_layer.core import audit
from data_layer.core.access import Scope
from data_layer.core.codes import Action, CampaignStatus
from data_layer.core.errors import Invalid, Locked, NotFound
from data_layer.core.locks import LOCKED_TABLES
from data_layer.core.models import Allocation, AuditEvent, LumpGift, User, Ward, WardApproval, utcnow
from data_layer.registry.wards import list_wards
from data_layer.vn.collation import text_key
from data_layer.vn.formatting import as_utc, format_datetime
from data_layer.vn.text import normalize_text

REASON_LIMIT = 500


@dataclass(frozen=True)
class WardApprovalState:
    """Where a ward stands in a campaign: approved or not, and what happened since it was last unlocked."""

    ward_id: int
    ward: str
    approved_at: datetime | None  # the active approval's time, None when not approved
    approved_by: str | None
    unlocked_at: datetime | None  # the last unlock, if any
    unlock_reason: str | None
    changes_since_unlock: int  # audited changes of the ward's gifts since the last unlock

    @property
    def approved(self) -> bool:
        return self.approved_at is not None


def active_approval(session: Session, campaign_id: int, ward_id: int) -> WardApproval | None:
    """The ward's approval in force in the campaign, if any."""
    return session.execute(
        select(WardApproval).where(
            WardApproval.campaign_id == campaign_id,
            WardApproval.ward_id == ward_id,
            WardApproval.unlocked_at.is_(None),
        )
    ).scalar_one_or_none()


def approval_times(session: Session, campaign_id: int) -> dict[int, datetime]:
    """Wards whose results in the campaign are approved (locked) → when (aware, UTC)."""
    rows = session.execute(
        select(WardApproval.ward_id, WardApproval.approved_at).where(
            WardApproval.campaign_id == campaign_id, WardApproval.unlocked_at.is_(None)
        )
    )
    return {ward_id: as_utc(at) for ward_id, at in rows}


def approved_ward_ids(session: Session, campaign_id: int) -> set[int]:
    """Wards whose results in the campaign are approved (locked)."""
    return set(approval_times(session, campaign_id))


def wards_with_gifts(session: Session, scope: Scope, campaign_id: int) -> set[int]:
    """Wards of the scope with gifts (allocations or lumps) in the campaign."""
    return set(
        session.execute(
            union(
                select(Allocation.ward_id).where(
                    Allocation.campaign_id == campaign_id, scope.ward_clause(Allocation.ward_id)
                ),
                select(LumpGift.ward_id).where(
                    LumpGift.campaign_id == campaign_id, scope.ward_clause(LumpGift.ward_id)
                ),
            )
        ).scalars()
    )


def lock_notice(session: Session, campaign_id: int, ward_id: int) -> str | None:
    """Why the ward's gifts in the campaign cannot change (its approval, naming ward, campaign and
    time), or None while they can."""
    approval = active_approval(session, campaign_id, ward_id)
    if approval is None:
        return None
    ward, campaign = session.get(Ward, ward_id), campaign_or_missing(session, campaign_id)
    return (
        f"Số liệu của {ward.name} trong đợt «{campaign.name}» đã được duyệt lúc "
        f"{format_datetime(approval.approved_at)}: chỉ xem, không thêm, sửa, xóa quà được."
    )


def require_open(session: Session, campaign_id: int, ward_id: int) -> None:
    """Refuse (``Locked``) a change of the ward's gifts in an approved campaign, naming both."""
    if notice := lock_notice(session, campaign_id, ward_id):
        raise Locked(f"{notice} Muốn sửa, Phòng phải mở khóa (ghi rõ lý do).")


def approve_ward(session: Session, scope: Scope, campaign_id: int, ward_id: int) -> WardApproval:
    """Approve (and so lock) the ward's results in the campaign (district/admin)."""
    scope.require_manager()
    campaign_or_missing(session, campaign_id)
    if session.get(Ward, ward_id) is None:
        raise NotFound("Không tìm thấy phường/xã.")
    if active_approval(session, campaign_id, ward_id) is not None:
        raise Invalid("Số liệu của phường/xã này trong đợt đã được duyệt rồi.")
    approval = WardApproval(campaign_id=campaign_id, ward_id=ward_id, approved_by=scope.user_id)
    session.add(approval)
    session.flush()
    audit.record(
        session, scope, table="wardapproval", row_id=approval.id, action=Action.APPROVE, ward_id=ward_id
    )
    return approval


def unlock_ward(session: Session, scope: Scope, campaign_id: int, ward_id: int, reason: str) -> WardApproval:
    """Lift the ward's approval so its figures can be corrected again; the reason is required and audited."""
    scope.require_manager()
    reason = normalize_text(reason)
    if not reason:
        raise Invalid("Cần ghi lý do mở khóa.")
    if len(reason) > REASON_LIMIT:
        raise Invalid(f"Lý do mở khóa dài quá {REASON_LIMIT} ký tự.")
    approval = active_approval(session, campaign_id, ward_id)
    if approval is None:
        raise Invalid("Số liệu của phường/xã này trong đợt chưa được duyệt, không cần mở khóa.")
    approval.unlocked_at = utcnow()
    approval.unlocked_by = scope.user_id
    approval.unlock_reason = reason
    session.add(approval)
    session.flush()
    audit.record(
        session,
        scope,
        table="wardapproval",
        row_id=approval.id,
        action=Action.UNLOCK,
        ward_id=ward_id,
        field="unlock_reason",
        new=reason,
    )
    return approval


def close_campaign(session: Session, scope: Scope, campaign_id: int) -> int:
    """Close the campaign and approve every ward with gifts in it not approved yet; returns how many."""
    scope.require_manager()
    campaign = campaign_or_missing(session, campaign_id)
    if campaign.status == CampaignStatus.CLOSED:
        raise Invalid("Đợt này đã kết thúc.")
    wards = wards_with_gifts(session, scope, campaign_id) - approved_ward_ids(session, campaign_id)
    for ward_id in sorted(wards):
        approve_ward(session, scope, campaign_id, ward_id)
    old = campaign.status
    campaign.status = CampaignStatus.CLOSED
    session.add(campaign)
    audit.record(
        session,
        scope,
        table="campaign",
        row_id=campaign_id,
        action=Action.UPDATE,
        field="status",
        old=old,
        new=campaign.status,
    )
    return len(wards)


def approval_states(session: Session, scope: Scope, campaign_id: int) -> list[WardApprovalState]:
    """Every active ward in the scope with its approval state in the campaign, by ward name."""
    campaign_or_missing(session, campaign_id)
    wards = sorted(list_wards(session, scope), key=lambda ward: text_key(ward.name))
    approvals = (
        session.execute(
            select(WardApproval).where(WardApproval.campaign_id == campaign_id).order_by(WardApproval.id)
        )
        .scalars()
        .all()
    )
    names = dict(session.execute(select(User.id, User.name)).all())
    active = {a.ward_id: a for a in approvals if a.unlocked_at is None}
    last_unlock = {a.ward_id: a for a in approvals if a.unlocked_at is not None}  # later ids win
    changes = _changes_since(session, {w: a.unlocked_at for w, a in last_unlock.items()})
    states = []
    for ward in wards:
        now, unlock = active.get(ward.id), last_unlock.get(ward.id)
        states.append(
            WardApprovalState(
                ward_id=ward.id,
                ward=ward.name,
                approved_at=now.approved_at if now else None,
                approved_by=names.get(now.approved_by) if now else None,
                unlocked_at=unlock.unlocked_at if unlock else None,
                unlock_reason=unlock.unlock_reason if unlock else None,
                changes_since_unlock=changes.get(ward.id, 0),
            )
        )
    return states


def _changes_since(session: Session, since: dict[int, datetime]) -> dict[int, int]:
    """Per ward, the audited changes of its gifts (allocations, lump gifts) after the given time."""
    counts = {}
    for ward_id, at in since.items():
        counts[ward_id] = session.execute(
            select(func.count()).where(
                AuditEvent.ward_id == ward_id,
                AuditEvent.table_name.in_(LOCKED_TABLES),
                AuditEvent.at > at,
            )
        ).scalar_one()
    return counts
