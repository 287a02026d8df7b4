"""Approval of a ward's results in a campaign, which locks them, and unlocking with a reason.

Approvals and unlocks are an append-only history (``ApprovalEvent``, refused an update or delete
by the database); a ward's state in a campaign is its latest event. Approving is a district/admin
act. While a ward is approved, its allocations and lump gifts in the campaign are read-only for
everybody: the database refuses the write (``core.locks``), and ``require_open`` gives the same
refusal early, naming the ward and campaign, before a page or the CLI does any work.
Closing a campaign approves every ward that has gifts in it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, union
from sqlmodel import Session

from data_layer.campaigns.setup import campaign_or_missing
from data_layer.core import audit, seals
from data_layer.core.access import Scope
from data_layer.core.codes import Action, ApprovalAction, CampaignStatus, SealKind
from data_layer.core.errors import Invalid, Locked, NotFound
from data_layer.core.locks import LOCKED_TABLES
from data_layer.core.models import Allocation, ApprovalEvent, AuditEvent, LumpGift, User, Ward
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


def _latest_events(
    session: Session, campaign_id: int, ward_id: int | None = None
) -> dict[int, ApprovalEvent]:
    """Per ward, its latest approval event in the campaign."""
    query = select(ApprovalEvent).where(ApprovalEvent.campaign_id == campaign_id)
    if ward_id is not None:
        query = query.where(ApprovalEvent.ward_id == ward_id)
    latest: dict[int, ApprovalEvent] = {}
    for event in session.execute(query.order_by(ApprovalEvent.seq)).scalars():
        latest[event.ward_id] = event
    return latest


def active_approval(session: Session, campaign_id: int, ward_id: int) -> ApprovalEvent | None:
    """The ward's approval in force in the campaign (its latest event, when an approval), if any."""
    event = _latest_events(session, campaign_id, ward_id).get(ward_id)
    return event if event is not None and event.action == ApprovalAction.APPROVE else None


def approval_times(session: Session, campaign_id: int) -> dict[int, datetime]:
    """Wards whose results in the campaign are approved (locked) → when (aware, UTC)."""
    return {
        ward_id: as_utc(event.at)
        for ward_id, event in _latest_events(session, campaign_id).items()
        if event.action == ApprovalAction.APPROVE
    }


def approved_ward_ids(session: Session, campaign_id: int) -> set[int]:
    """Wards whose results in the campaign are approved (locked)."""
    return set(approval_times(session, campaign_id))


def _record_event(
    session: Session, scope: Scope, campaign_id: int, ward_id: int, action: ApprovalAction, reason: str | None
) -> ApprovalEvent:
    """Append the event after the ward's latest one, its audit event and its seal."""
    latest = _latest_events(session, campaign_id, ward_id).get(ward_id)
    event = ApprovalEvent(
        campaign_id=campaign_id,
        ward_id=ward_id,
        seq=(latest.seq if latest else 0) + 1,
        action=action,
        user_id=scope.user_id,
        reason=reason,
    )
    session.add(event)
    session.flush()
    seals.seal(session, SealKind.APPROVAL, event.id)
    audit.record(
        session,
        scope,
        table="approvalevent",
        row_id=event.id,
        action=Action.APPROVE if action == ApprovalAction.APPROVE else Action.UNLOCK,
        ward_id=ward_id,
        **({"field": "reason", "new": reason} if reason else {}),
    )
    return event


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
        f"{format_datetime(approval.at)}: chỉ xem, không thêm, sửa, xóa quà được."
    )


def require_open(session: Session, campaign_id: int, ward_id: int) -> None:
    """Refuse (``Locked``) a change of the ward's gifts in an approved campaign, naming both."""
    if notice := lock_notice(session, campaign_id, ward_id):
        raise Locked(f"{notice} Muốn sửa, Phòng phải mở khóa (ghi rõ lý do).")


def approve_ward(session: Session, scope: Scope, campaign_id: int, ward_id: int) -> ApprovalEvent:
    """Approve (and so lock) the ward's results in the campaign (district/admin)."""
    scope.require_manager()
    campaign_or_missing(session, campaign_id)
    if session.get(Ward, ward_id) is None:
        raise NotFound("Không tìm thấy phường/xã.")
    if active_approval(session, campaign_id, ward_id) is not None:
        raise Invalid("Số liệu của phường/xã này trong đợt đã được duyệt rồi.")
    return _record_event(session, scope, campaign_id, ward_id, ApprovalAction.APPROVE, None)


def unlock_ward(session: Session, scope: Scope, campaign_id: int, ward_id: int, reason: str) -> ApprovalEvent:
    """Lift the ward's approval so its figures can be corrected again; the reason is required and audited."""
    scope.require_manager()
    reason = normalize_text(reason)
    if not reason:
        raise Invalid("Cần ghi lý do mở khóa.")
    if len(reason) > REASON_LIMIT:
        raise Invalid(f"Lý do mở khóa dài quá {REASON_LIMIT} ký tự.")
    if active_approval(session, campaign_id, ward_id) is None:
        raise Invalid("Số liệu của phường/xã này trong đợt chưa được duyệt, không cần mở khóa.")
    return _record_event(session, scope, campaign_id, ward_id, ApprovalAction.UNLOCK, reason)


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
    events = (
        session.execute(
            select(ApprovalEvent).where(ApprovalEvent.campaign_id == campaign_id).order_by(ApprovalEvent.seq)
        )
        .scalars()
        .all()
    )
    names = dict(session.execute(select(User.id, User.name)).all())
    latest = {e.ward_id: e for e in events}  # later events win
    active = {w: e for w, e in latest.items() if e.action == ApprovalAction.APPROVE}
    last_unlock = {e.ward_id: e for e in events if e.action == ApprovalAction.UNLOCK}
    changes = _changes_since(session, {w: e.at for w, e in last_unlock.items()})
    states = []
    for ward in wards:
        now, unlock = active.get(ward.id), last_unlock.get(ward.id)
        states.append(
            WardApprovalState(
                ward_id=ward.id,
                ward=ward.name,
                approved_at=now.at if now else None,
                approved_by=names.get(now.user_id) if now else None,
                unlocked_at=unlock.at if unlock else None,
                unlock_reason=unlock.reason if unlock else None,
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
