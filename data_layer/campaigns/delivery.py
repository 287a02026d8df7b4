"""Handing gifts out: mark allocations delivered or not delivered; record lump gifts.

Every write is limited to the caller's wards inside the UPDATE itself and bumps ``version``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import select, update
from sqlmodel import Session

from data_layer.core import audit
from data_layer.core.access import Scope
from data_layer.core.models import (
    Allocation,
    Beneficiary,
    Campaign,
    FundingSource,
    LumpGift,
    Package,
    Ward,
    utcnow,
)

DELIVERY_METHODS = {"cash": "Tiền mặt", "transfer": "Chuyển khoản", "in_kind": "Hiện vật"}
NOT_DELIVERED_REASONS = {
    "absent": "Vắng mặt",
    "died": "Đã mất",
    "refused": "Từ chối nhận",
    "moved": "Chuyển đi",
    "other": "Lý do khác",
}
STATUS_LABELS = {"planned": "Chưa phát", "delivered": "Đã phát", "not_delivered": "Không phát được"}


def _set_status(
    session: Session, scope: Scope, allocation_ids: Iterable[int], values: dict, action: str
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
        raise ValueError("Có suất quà không tồn tại hoặc thuộc phường/xã bạn không có quyền.")
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
    method: str = "cash",
) -> int:
    """Mark allocations delivered on a date (by whom, how); returns how many were marked."""
    if method not in DELIVERY_METHODS:
        raise ValueError(f"Hình thức phát '{method}' không hợp lệ.")
    if on > date.today():
        raise ValueError("Ngày phát quà không được sau hôm nay.")
    values = {
        "status": "delivered",
        "delivered_on": on,
        "delivered_by": by,
        "delivery_method": method,
        "reason": None,
    }
    return _set_status(session, scope, allocation_ids, values, "deliver")


def mark_not_delivered(session: Session, scope: Scope, allocation_ids: Iterable[int], *, reason: str) -> int:
    """Mark allocations as not delivered with a reason (absent, died, refused…)."""
    if reason not in NOT_DELIVERED_REASONS:
        raise ValueError(f"Lý do '{reason}' không hợp lệ.")
    values = {
        "status": "not_delivered",
        "delivered_on": None,
        "delivered_by": None,
        "delivery_method": None,
        "reason": reason,
    }
    return _set_status(session, scope, allocation_ids, values, "not_deliver")


def allocation_rows(
    session: Session,
    scope: Scope,
    campaign_id: int,
    *,
    ward_id: int | None = None,
    hamlet: str | None = None,
    package_id: int | None = None,
    status: str | None = None,
) -> list[dict]:
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
            FundingSource.code,
            Ward.name,
        )
        .join(Beneficiary, Beneficiary.id == Allocation.beneficiary_id)
        .join(Package, Package.id == Allocation.package_id)
        .join(FundingSource, FundingSource.id == Package.source_id)
        .join(Ward, Ward.id == Allocation.ward_id)
        .where(*conditions)
        .order_by(Ward.name, Beneficiary.hamlet, Beneficiary.name, Allocation.id)
    )
    return [
        {
            "id": a.id,
            "beneficiary_id": a.beneficiary_id,
            "name": name,
            "birth_year": year,
            "hamlet": hamlet_,
            "ward": ward,
            "source": source,
            "package": label,
            "package_id": a.package_id,
            "amount": a.amount,
            "status": a.status,
            "delivered_on": a.delivered_on,
            "delivered_by": a.delivered_by,
            "reason": a.reason,
            "note": a.note,
            "version": a.version,
        }
        for a, name, year, hamlet_, label, source, ward in rows
    ]


STATUS_CODES = {label: code for code, label in STATUS_LABELS.items()}
REASON_CODES = {label: code for code, label in NOT_DELIVERED_REASONS.items()}


def _allocation_values(current: Allocation, changes: dict) -> dict:
    """The columns an inline edit of one allocation sets, checked (Vietnamese errors)."""
    values = {}
    if "status" in changes:
        status = STATUS_CODES.get(changes["status"], changes["status"])
        if status not in STATUS_LABELS:
            raise ValueError(f"Tình trạng '{changes['status']}' không hợp lệ.")
        values["status"] = status
    if "delivered_on" in changes:
        raw = changes["delivered_on"]
        values["delivered_on"] = None if raw in (None, "") else date.fromisoformat(str(raw)[:10])
    if "reason" in changes:
        reason = REASON_CODES.get(changes["reason"], changes["reason"])
        if reason not in (None, "") and reason not in NOT_DELIVERED_REASONS:
            raise ValueError(f"Lý do '{changes['reason']}' không hợp lệ.")
        values["reason"] = reason or None
    if "note" in changes:
        values["note"] = (changes["note"] or "").strip() or None
    status = values.get("status", current.status)
    day = values.get("delivered_on", current.delivered_on if status == "delivered" else None)
    if status == "delivered":
        if day is None:
            raise ValueError("Suất đã phát cần có ngày phát.")
        if day > date.today():
            raise ValueError("Ngày phát quà không được sau hôm nay.")
        values["delivered_on"], values["reason"] = day, None
    else:
        values["delivered_on"] = None
        if status == "not_delivered" and not values.get("reason", current.reason):
            raise ValueError("Suất không phát được cần có lý do.")
    return values


def save_allocation_changes(
    session: Session, scope: Scope, shown: list[dict], edited_rows: dict
) -> dict[str, str]:
    """Apply inline edits of allocations (positions in ``shown``); returns the refused rows' messages.

    Each row is written in its own savepoint, only if its version is still the one shown and it
    belongs to the user's wards; every changed field is audited.
    """
    scope.require_write()
    errors = {}
    for position, changes in sorted(edited_rows.items(), key=lambda kv: int(kv[0])):
        row = shown[int(position)]
        try:
            with session.begin_nested():
                current = session.execute(
                    select(Allocation).where(
                        Allocation.id == row["id"], scope.ward_clause(Allocation.ward_id)
                    )
                ).scalar_one_or_none()
                if current is None:
                    raise ValueError("Không tìm thấy suất quà hoặc bạn không có quyền (phường/xã khác).")
                if current.version != row["version"]:
                    raise ValueError(
                        f"Người khác đã sửa suất này trước bạn (hiện là "
                        f"'{STATUS_LABELS[current.status]}'); tải lại trang để xem."
                    )
                values = _allocation_values(current, changes)
                old = {f: getattr(current, f) for f in values}
                session.execute(
                    update(Allocation)
                    .where(
                        Allocation.id == current.id,
                        Allocation.version == row["version"],
                        scope.ward_clause(Allocation.ward_id),
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
                            action="update",
                            ward_id=current.ward_id,
                            field=f,
                            old=old[f],
                            new=new,
                        )
        except ValueError as exc:
            errors[f"Dòng {int(position) + 1}"] = str(exc)
    return errors


def add_lump(
    session: Session,
    scope: Scope,
    *,
    campaign_id: int,
    ward_code: str,
    source_code: str,
    count: int,
    amount: int,
    note: str | None = None,
) -> LumpGift:
    """Record un-named gifts reported as totals (count, money) by an association."""
    ward = session.execute(select(Ward).where(Ward.code == ward_code.strip().upper())).scalar_one_or_none()
    if ward is None:
        raise ValueError(f"Không tìm thấy phường/xã có mã '{ward_code}'.")
    scope.require_ward(ward.id)
    if session.get(Campaign, campaign_id) is None:
        raise ValueError("Không tìm thấy đợt tặng quà.")
    source = session.execute(
        select(FundingSource).where(FundingSource.code == source_code.strip().upper())
    ).scalar_one_or_none()
    if source is None:
        raise ValueError(f"Không tìm thấy nguồn kinh phí '{source_code}'.")
    if count <= 0:
        raise ValueError("Số suất phải lớn hơn 0.")
    if amount < 0:
        raise ValueError("Số tiền không được âm.")
    lump = LumpGift(
        campaign_id=campaign_id,
        ward_id=ward.id,
        source_id=source.id,
        count=count,
        amount=amount,
        note=note,
        created_by=scope.user_id,
    )
    session.add(lump)
    session.flush()
    audit.record(
        session,
        scope,
        table="lumpgift",
        row_id=lump.id,
        action="insert",
        ward_id=ward.id,
        new=f"{count} suất = {amount}",
    )
    return lump


def list_lumps(session: Session, scope: Scope, campaign_id: int) -> list[dict]:
    rows = session.execute(
        select(LumpGift, Ward.name, FundingSource.code)
        .join(Ward, Ward.id == LumpGift.ward_id)
        .join(FundingSource, FundingSource.id == LumpGift.source_id)
        .where(LumpGift.campaign_id == campaign_id, scope.ward_clause(LumpGift.ward_id))
        .order_by(Ward.name, LumpGift.id)
    )
    return [
        {"id": g.id, "ward": w, "source": s, "count": g.count, "amount": g.amount, "note": g.note}
        for g, w, s in rows
    ]
