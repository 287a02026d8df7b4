"""Handing gifts out: list a campaign's gifts, mark them delivered or not delivered, inline edits.

Every write is limited to the caller's wards inside the UPDATE itself and bumps ``version``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select, update
from sqlmodel import Session

from data_layer.campaigns.approval import require_open
from data_layer.core import audit
from data_layer.core.access import Scope
from data_layer.core.codes import Action, AllocationStatus, DeliveryMethod, NotDeliveredReason
from data_layer.core.errors import Conflict, Invalid, NotFound, UserError
from data_layer.core.models import Allocation, Beneficiary, FundingSource, Package, Ward, utcnow
from data_layer.vn import labels
from data_layer.vn.collation import person_order, text_order
from data_layer.vn.formatting import format_count, format_money
from data_layer.vn.values import CellError, parse_date


@dataclass
class AllocationRow:
    """One gift as the Phát quà page and the signing list show it."""

    id: int
    version: int
    beneficiary_id: int
    name: str
    birth_year: int | None
    hamlet: str | None
    ward_id: int
    ward: str
    source: str  # funding source name
    package_id: int
    package: str
    amount: int
    status: str
    delivered_on: date | None
    delivered_by: str | None
    reason: str | None
    note: str | None


def _set_status(
    session: Session, scope: Scope, allocation_ids: Iterable[int], values: dict, action: Action
) -> int:
    ids = sorted(set(allocation_ids))
    if not ids:
        return 0
    scope.require_write()
    rows = session.execute(
        select(Allocation.id, Allocation.ward_id, Allocation.status).where(
            Allocation.id.in_(ids), scope.ward_clause(Allocation.ward_id)
        )
    ).all()
    if len(rows) != len(ids):
        raise NotFound("Có suất quà không tồn tại hoặc thuộc phường/xã bạn không có quyền.")
    scope.require_wards(ward_id for _, ward_id, _ in rows)
    session.execute(
        update(Allocation)
        .where(Allocation.id.in_(ids), scope.ward_clause(Allocation.ward_id))
        .values(**values, version=Allocation.version + 1, updated_at=utcnow())
    )
    for allocation_id, ward_id, old_status in rows:
        audit.record(
            session,
            scope,
            table="allocation",
            row_id=allocation_id,
            action=action,
            ward_id=ward_id,
            field="status",
            old=old_status,
            new=values["status"],
        )
    return len(rows)


def mark_delivered(
    session: Session,
    scope: Scope,
    allocation_ids: Iterable[int],
    *,
    on: date,
    by: str | None = None,
    method: DeliveryMethod = DeliveryMethod.CASH,
) -> int:
    """Mark allocations delivered on a date (by whom, how); returns how many were marked."""
    if method not in DeliveryMethod.__members__.values():
        raise Invalid(f"Hình thức phát '{method}' không hợp lệ.")
    if on > date.today():
        raise Invalid("Ngày phát quà không được sau hôm nay.")
    values = {
        "status": AllocationStatus.DELIVERED,
        "delivered_on": on,
        "delivered_by": by,
        "delivery_method": method,
        "reason": None,
    }
    return _set_status(session, scope, allocation_ids, values, Action.DELIVER)


def mark_not_delivered(
    session: Session, scope: Scope, allocation_ids: Iterable[int], *, reason: NotDeliveredReason
) -> int:
    """Mark allocations as not delivered with a reason (absent, died, refused…)."""
    if reason not in NotDeliveredReason.__members__.values():
        raise Invalid(f"Lý do '{reason}' không hợp lệ.")
    values = {
        "status": AllocationStatus.NOT_DELIVERED,
        "delivered_on": None,
        "delivered_by": None,
        "delivery_method": None,
        "reason": reason,
    }
    return _set_status(session, scope, allocation_ids, values, Action.NOT_DELIVER)


def selection_text(rows: list[AllocationRow], names: int = 5) -> str:
    """What a bulk action is about to touch: "20 suất = 6.000.000 đ: Nguyễn Văn An, … và 15 người khác"."""
    counted = f"{format_count(len(rows))} suất = {format_money(sum(row.amount for row in rows))}"
    if not names or not rows:
        return counted
    more = len(rows) - names
    return (
        f"{counted}: "
        + ", ".join(row.name for row in rows[:names])
        + (f" và {format_count(more)} suất khác" if more > 0 else "")
    )


def allocation_rows(
    session: Session,
    scope: Scope,
    campaign_id: int,
    *,
    ward_id: int | None = None,
    hamlet: str | None = None,
    package_id: int | None = None,
    status: AllocationStatus | None = None,
) -> list[AllocationRow]:
    """Allocations of a campaign in the scope, with the person's name, birth year, hamlet and package."""
    conditions = [Allocation.campaign_id == campaign_id, scope.ward_clause(Allocation.ward_id)]
    if ward_id is not None:
        conditions.append(Allocation.ward_id == ward_id)
    if hamlet:
        conditions.append(Beneficiary.hamlet == hamlet)
    if package_id is not None:
        conditions.append(Allocation.package_id == package_id)
    if status:
        conditions.append(Allocation.status == status)
    rows = session.execute(
        select(
            Allocation,
            Beneficiary.name,
            Beneficiary.birth_year,
            Beneficiary.hamlet,
            Package.label,
            FundingSource.name,
            Ward.name,
        )
        .join(Beneficiary, Beneficiary.id == Allocation.beneficiary_id)
        .join(Package, Package.id == Allocation.package_id)
        .join(FundingSource, FundingSource.id == Package.source_id)
        .join(Ward, Ward.id == Allocation.ward_id)
        .where(*conditions)
        .order_by(
            *text_order(Ward.name),
            Ward.id,
            *person_order(Beneficiary.hamlet, Beneficiary.name),
            Allocation.id,
        )
    )
    return [
        AllocationRow(
            id=a.id,
            version=a.version,
            beneficiary_id=a.beneficiary_id,
            name=name,
            birth_year=year,
            hamlet=hamlet_,
            ward_id=a.ward_id,
            ward=ward,
            source=source,
            package_id=a.package_id,
            package=label,
            amount=a.amount,
            status=a.status,
            delivered_on=a.delivered_on,
            delivered_by=a.delivered_by,
            reason=a.reason,
            note=a.note,
        )
        for a, name, year, hamlet_, label, source, ward in rows
    ]


def _delivery_day(raw) -> date | None:
    """A delivery date typed in the grid (dd/mm/yyyy, or a date)."""
    if raw in (None, ""):
        return None
    try:
        day = parse_date(raw)[0]
    except CellError:
        day = None
    if day is None:
        raise Invalid(f"Ngày phát '{raw}' không hợp lệ: ghi dạng ngày/tháng/năm, ví dụ 03/02/2026.")
    return day


def _edited_values(current: Allocation, changes: dict) -> dict:
    """The columns an inline edit of one allocation sets, checked (codes or their labels accepted)."""
    values = {}
    if "status" in changes:
        status = labels.code_for(AllocationStatus, str(changes["status"]))
        if status is None:
            raise Invalid(f"Tình trạng '{changes['status']}' không hợp lệ.")
        values["status"] = status
    if "delivered_on" in changes:
        values["delivered_on"] = _delivery_day(changes["delivered_on"])
    if "reason" in changes:
        raw = changes["reason"]
        reason = None if raw in (None, "") else labels.code_for(NotDeliveredReason, str(raw))
        if raw not in (None, "") and reason is None:
            raise Invalid(f"Lý do '{raw}' không hợp lệ.")
        values["reason"] = reason
    if "note" in changes:
        values["note"] = (changes["note"] or "").strip() or None
    status = values.get("status", current.status)
    day = values.get("delivered_on", current.delivered_on if status == AllocationStatus.DELIVERED else None)
    if status == AllocationStatus.DELIVERED:
        if day is None:
            raise Invalid("Suất đã phát cần có ngày phát.")
        if day > date.today():
            raise Invalid("Ngày phát quà không được sau hôm nay.")
        values["delivered_on"], values["reason"] = day, None
    else:
        values["delivered_on"] = None
        if status == AllocationStatus.NOT_DELIVERED and not values.get("reason", current.reason):
            raise Invalid("Suất không phát được cần có lý do.")
    return values


def update_allocation(
    session: Session, scope: Scope, allocation_id: int, version: int, changes: dict
) -> None:
    """One inline edit of a gift, written only if ``version`` is still current; every field audited."""
    current = session.execute(
        select(Allocation).where(Allocation.id == allocation_id, scope.ward_clause(Allocation.ward_id))
    ).scalar_one_or_none()
    if current is None:
        raise NotFound("Không tìm thấy suất quà hoặc bạn không có quyền (phường/xã khác).")
    scope.require_ward(current.ward_id)
    require_open(session, current.campaign_id, current.ward_id)
    if current.version != version:
        raise Conflict(
            f"Người khác đã sửa suất này trước bạn (hiện là "
            f"'{labels.label_of(AllocationStatus, current.status)}'); tải lại trang để xem."
        )
    values = _edited_values(current, changes)
    old = {f: getattr(current, f) for f in values}
    session.execute(
        update(Allocation)
        .where(
            Allocation.id == current.id, Allocation.version == version, scope.ward_clause(Allocation.ward_id)
        )
        .values(**values, version=Allocation.version + 1, updated_at=utcnow())
    )
    for f, new in values.items():
        if old[f] != new:
            audit.record(
                session,
                scope,
                table="allocation",
                row_id=current.id,
                action=Action.UPDATE,
                ward_id=current.ward_id,
                field=f,
                old=old[f],
                new=new,
            )


def save_allocation_changes(
    session: Session, scope: Scope, shown: list[AllocationRow], edited_rows: dict[int, dict]
) -> dict[str, str]:
    """Apply inline edits of gifts (positions in ``shown``), each in its own savepoint; returns the
    refused rows' messages."""
    scope.require_write()
    errors = {}
    for position, changes in sorted(edited_rows.items()):
        row = shown[position]
        try:
            with session.begin_nested():
                update_allocation(session, scope, row.id, row.version, changes)
        except UserError as exc:
            errors[f"Dòng {position + 1}"] = str(exc)
    return errors
