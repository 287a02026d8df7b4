"""Stopping, suspending and resuming an entitlement (audited, limited to the user's wards).

- Stop on a date with a reason: the month of that date is still paid, the next is not. A death or
  a move is also written to the registry (status, date, reason) while the person is active there.
- Suspend from a month: the person's payments are held (no line in any payroll) until resumed.
- Resume from a month: the held months are then paid as arrears (``back_pay``) or not owed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlmodel import Session

from data_layer.allowance.entitlements import entitlement_in_scope
from data_layer.allowance.months import add_months, month_of
from data_layer.core import audit
from data_layer.core.access import Scope
from data_layer.core.codes import Action, EntitlementStatus, PersonStatus, StopReason
from data_layer.core.errors import Conflict, Invalid, NotFound
from data_layer.core.models import Beneficiary, Category, Entitlement, EntitlementSuspension, utcnow
from data_layer.registry.editing import update_person
from data_layer.vn import labels
from data_layer.vn.formatting import format_date, format_month
from data_layer.vn.text import normalize_text
from data_layer.vn.values import CellError, parse_national_id

# registry status written when an entitlement stops for these reasons
REGISTRY_STATUS = {StopReason.DIED: PersonStatus.DIED, StopReason.MOVED: PersonStatus.MOVED}


def open_suspension(session: Session, entitlement_id: int) -> EntitlementSuspension | None:
    return session.execute(
        select(EntitlementSuspension).where(
            EntitlementSuspension.entitlement_id == entitlement_id, EntitlementSuspension.to_month.is_(None)
        )
    ).scalar_one_or_none()


def _record(session: Session, scope: Scope, entitlement: Entitlement, action: str, old, new) -> None:
    entitlement.version += 1
    entitlement.updated_at = utcnow()
    session.add(entitlement)
    session.flush()
    _audit(session, scope, entitlement, action, "status", new, old)


def _record_details(session: Session, scope: Scope, entitlement: Entitlement, action: str, **values) -> None:
    """The month (and reason, back pay) of a suspension or resumption, in the audit trail beside its
    status change: a person's history tells from which month it applies."""
    for field, value in values.items():
        _audit(session, scope, entitlement, action, field, value)


def _audit(session: Session, scope: Scope, entitlement: Entitlement, action: str, field: str, new, old=None):
    audit.record(
        session,
        scope,
        table="entitlement",
        row_id=entitlement.id,
        action=action,
        ward_id=entitlement.ward_id,
        field=field,
        old=old,
        new=new,
    )


@dataclass(frozen=True)
class FuneralReceiver:
    """Who arranged the burial and receives the funeral support (Decree 20 art. 11)."""

    name: str
    relation: str | None = None
    national_id: str | None = None


def stop(
    session: Session,
    scope: Scope,
    entitlement_id: int,
    *,
    on: date,
    reason: StopReason,
    receiver: FuneralReceiver | None = None,
) -> None:
    """Stop an entitlement on ``on`` for ``reason``: paid through the month of ``on``; for a death,
    ``receiver`` records who receives the funeral support (the cash list names them)."""
    entitlement = entitlement_in_scope(session, scope, entitlement_id)
    if reason not in StopReason.__members__.values():
        raise Invalid(f"Lý do dừng hưởng '{reason}' không hợp lệ.")
    reason = StopReason(reason)
    if entitlement.status == EntitlementStatus.STOPPED:
        raise Conflict(f"Chế độ này đã dừng hưởng từ {format_date(entitlement.stop_date)}.")
    if on > date.today():
        raise Invalid(f"Ngày dừng hưởng {format_date(on)} ở tương lai.")
    if month_of(on) < entitlement.start_month:
        raise Invalid(
            f"Ngày dừng hưởng phải từ tháng bắt đầu hưởng ({format_month(entitlement.start_month)})."
        )
    if suspension := open_suspension(session, entitlement.id):
        suspension.to_month = max(month_of(on), suspension.from_month)
        session.add(suspension)
    if receiver is not None and normalize_text(receiver.name):
        if reason != StopReason.DIED:
            raise Invalid("Người nhận hỗ trợ mai táng chỉ ghi khi dừng hưởng vì đã mất.")
        _set_receiver(entitlement, receiver)
    old = entitlement.status
    entitlement.status, entitlement.stop_date, entitlement.stop_reason = EntitlementStatus.STOPPED, on, reason
    _record(session, scope, entitlement, Action.STOP, old, EntitlementStatus.STOPPED)
    for field, value in (
        ("stop_date", on),
        ("stop_reason", reason),
        ("funeral_receiver", entitlement.funeral_receiver),
    ):
        if value is None:
            continue
        audit.record(
            session,
            scope,
            table="entitlement",
            row_id=entitlement.id,
            action=Action.STOP,
            ward_id=entitlement.ward_id,
            field=field,
            new=value,
        )
    if reason in REGISTRY_STATUS:
        _write_registry_status(
            session, scope, entitlement.beneficiary_id, REGISTRY_STATUS[reason], on, reason
        )


def _set_receiver(entitlement: Entitlement, receiver: FuneralReceiver) -> None:
    name, relation = normalize_text(receiver.name), normalize_text(receiver.relation) or None
    if len(name) > 200 or (relation and len(relation) > 100):
        raise Invalid("Người nhận hỗ trợ mai táng: họ tên tối đa 200 ký tự, quan hệ tối đa 100 ký tự.")
    national_id = None
    if receiver.national_id:
        try:
            national_id = parse_national_id(receiver.national_id)
        except CellError as exc:
            raise Invalid(f"Số CCCD người nhận hỗ trợ mai táng: {exc}") from None
    entitlement.funeral_receiver, entitlement.funeral_relation = name, relation
    entitlement.funeral_national_id = national_id


def _write_registry_status(
    session: Session, scope: Scope, person_id: int, status: PersonStatus, on: date, reason: StopReason
) -> None:
    person = session.get(Beneficiary, person_id)
    if person.status != PersonStatus.ACTIVE:
        return
    known = set(session.execute(select(Category.id)).scalars())
    changes = {"status": status, "status_date": on, "status_reason": labels.label(reason)}
    update_person(session, scope, person.id, person.version, changes, known)


def suspend(session: Session, scope: Scope, entitlement_id: int, *, from_month: date, reason: str) -> None:
    """Hold a person's payments from ``from_month`` until they are resumed."""
    entitlement = entitlement_in_scope(session, scope, entitlement_id)
    if entitlement.status != EntitlementStatus.ACTIVE:
        raise Conflict("Chỉ tạm dừng được chế độ đang hưởng.")
    from_month = month_of(from_month)
    if from_month < entitlement.start_month:
        raise Invalid("Tạm dừng từ tháng: phải từ tháng bắt đầu hưởng trở đi.")
    reason = normalize_text(reason)
    if not reason:
        raise Invalid("Ghi lý do tạm dừng.")
    session.add(
        EntitlementSuspension(entitlement_id=entitlement.id, from_month=from_month, reason=reason[:500])
    )
    entitlement.status = EntitlementStatus.SUSPENDED
    _record(
        session, scope, entitlement, Action.SUSPEND, EntitlementStatus.ACTIVE, EntitlementStatus.SUSPENDED
    )
    _record_details(session, scope, entitlement, Action.SUSPEND, from_month=from_month, reason=reason[:500])


def resume(session: Session, scope: Scope, entitlement_id: int, *, month: date, back_pay: bool) -> None:
    """Pay again from ``month``; the held months are paid as arrears when ``back_pay``, else not owed
    (Circular 02/2021 art. 2 grants no back pay by itself: the resuming decision says). Months not
    collected before the suspension stay owed either way."""
    entitlement = entitlement_in_scope(session, scope, entitlement_id)
    suspension = open_suspension(session, entitlement.id)
    if entitlement.status != EntitlementStatus.SUSPENDED or suspension is None:
        raise Conflict("Chế độ này không ở tình trạng tạm dừng.")
    month = month_of(month)
    if month < suspension.from_month:
        raise Invalid(f"Hưởng lại từ tháng: phải từ {format_month(suspension.from_month)} trở đi.")
    if month == suspension.from_month:
        session.delete(suspension)
    else:
        suspension.to_month, suspension.back_pay = add_months(month, -1), back_pay
        session.add(suspension)
    entitlement.status = EntitlementStatus.ACTIVE
    _record(session, scope, entitlement, Action.RESUME, EntitlementStatus.SUSPENDED, EntitlementStatus.ACTIVE)
    _record_details(session, scope, entitlement, Action.RESUME, from_month=month, back_pay=back_pay)


def current_entitlement_id(session: Session, scope: Scope, person_id: int) -> int:
    """The id of the person's entitlement that is not stopped (NotFound-like Invalid otherwise)."""
    found = session.execute(
        select(Entitlement.id).where(
            Entitlement.beneficiary_id == person_id,
            Entitlement.status != EntitlementStatus.STOPPED,
            scope.ward_clause(Entitlement.ward_id),
        )
    ).scalar_one_or_none()
    if found is None:
        raise Invalid("Người này không có chế độ trợ cấp đang hưởng.")
    return found


def person_id_by_national_id(session: Session, scope: Scope, ward_id: int, national_id: str) -> int:
    """The id of the ward's person with this CCCD (how the command line names a person)."""
    found = session.execute(
        select(Beneficiary.id).where(
            Beneficiary.ward_id == ward_id,
            Beneficiary.national_id == national_id,
            scope.ward_clause(Beneficiary.ward_id),
        )
    ).scalar_one_or_none()
    if found is None:
        raise NotFound(f"Không có người mang số CCCD {national_id} trong danh sách của phường/xã này.")
    return found
