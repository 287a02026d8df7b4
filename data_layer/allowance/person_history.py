"""A person's monthly allowance over time (issue 21 §4, page *Trợ cấp hằng tháng*): every change of
their entitlements with the month it applies from and who made it (from the audit trail), and the
money of each payroll month: the month's amount, arrears paid, recoveries reported, funeral support,
and whether the payment agent's return says it was collected (paid) or not (unpaid, carried into the
next payroll as arrears).

The month a change applies from: a grant from its start month; a change of groups or children from
the month written with it (``từ tháng``; none: from the start); a corrected start month from the
earlier of the two; a stop from the month after the stop date's month (that month is still paid); a
suspension or a resumption from its month. Other fields (payment method, account, proxy…) apply to
every month ("Mọi tháng").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import case, func, select
from sqlmodel import Session

from data_layer.allowance.months import add_months, month_of
from data_layer.core.access import Scope
from data_layer.core.codes import Action, LineKind, PayrollStatus
from data_layer.core.errors import NotFound
from data_layer.core.models import (
    AuditEvent,
    Beneficiary,
    Entitlement,
    PaymentReturn,
    Payroll,
    PayrollLine,
    User,
)
from data_layer.registry.history import field_name, shown_value
from data_layer.vn import labels

SYSTEM_USER = "Hệ thống (dòng lệnh)"
_FROM_MONTH = re.compile(r"từ (?:tháng )?(\d{2})/(\d{4})")
# fields whose change applies to every month the entitlement pays (no month of their own)
_STATUS_FIELDS = ("status", "stop_date", "stop_reason", "funeral_receiver", "from_month", "back_pay")


@dataclass(frozen=True)
class HistoryChange:
    """One change of the person's entitlement: from which month, what, who, when it was recorded."""

    month: date | None  # the month it applies from; None: every month
    what: str
    who: str
    at: datetime


@dataclass(frozen=True)
class MonthMoney:
    """The person's money in one payroll month (recoveries are reported, never deducted)."""

    month: date
    locked: bool
    amount: int  # the month's own amount
    arrears: int
    recovery: int  # positive: the amount to recover
    funeral: int
    collected: bool | None  # the agent's return: True collected, False not, None not recorded

    @property
    def total(self) -> int:
        """What the payroll hands over to the person (the month, arrears and funeral support)."""
        return self.amount + self.arrears + self.funeral

    @property
    def paid(self) -> int:
        return self.total if self.collected else 0

    @property
    def unpaid(self) -> int:
        return self.total if self.collected is False else 0

    @property
    def result(self) -> str:
        """The agent's return in words."""
        if not self.locked:
            return "Danh sách đang lập"
        if self.collected is None:
            return "Chưa có kết quả chi trả" if self.total else ""
        return "Đã nhận" if self.collected else "Chưa nhận (chuyển kỳ sau)"


@dataclass(frozen=True)
class PersonHistory:
    name: str
    changes: list[HistoryChange]
    months: list[MonthMoney]


def person_history(session: Session, scope: Scope, person_id: int) -> PersonHistory:
    """The person's entitlement changes (oldest first) and money month by month (oldest first), for
    a person of the scope's wards (viewers included: it only reads)."""
    person = session.execute(
        select(Beneficiary).where(Beneficiary.id == person_id, scope.ward_clause(Beneficiary.ward_id))
    ).scalar_one_or_none()
    if person is None:
        raise NotFound("Không tìm thấy người này hoặc bạn không có quyền (phường/xã khác).")
    entitlements = {
        e.id: e
        for e in session.execute(select(Entitlement).where(Entitlement.beneficiary_id == person.id)).scalars()
    }
    return PersonHistory(person.name, _changes(session, entitlements), _months(session, person.id))


def _changes(session: Session, entitlements: dict[int, Entitlement]) -> list[HistoryChange]:
    if not entitlements:
        return []
    events = session.execute(
        select(AuditEvent, User.name)
        .outerjoin(User, User.id == AuditEvent.user_id)
        .where(AuditEvent.table_name == "entitlement", AuditEvent.row_id.in_(sorted(entitlements)))
        .order_by(AuditEvent.id)
    ).all()
    found: list[HistoryChange] = []
    status_event: list = []  # the events of one stop, suspension or resumption, told as one change
    for event, user in [*events, (None, None)]:
        if status_event and (event is None or not _same_status_change(status_event[0][0], event)):
            found.append(_status_change(status_event, entitlements[status_event[0][0].row_id]))
            status_event = []
        if event is None:
            break
        if event.action in (Action.STOP, Action.SUSPEND, Action.RESUME):
            status_event.append((event, user))
            continue
        entitlement = entitlements[event.row_id]
        found.append(
            HistoryChange(_month_of_change(event, entitlement), _what(event), user or SYSTEM_USER, event.at)
        )
    return found


def _same_status_change(first: AuditEvent, event: AuditEvent) -> bool:
    return event.action == first.action and event.row_id == first.row_id and event.user_id == first.user_id


def _status_change(events: list, entitlement: Entitlement) -> HistoryChange:
    """A stop, suspension or resumption and its details, as one change."""
    first, user = events[0]
    values = {e.field: e.new for e, _ in events}
    if first.action == Action.STOP:
        stop = _date(values.get("stop_date")) or entitlement.stop_date
        month = add_months(month_of(stop), 1) if stop else None
        what = "Dừng hưởng"
        if reason := values.get("stop_reason"):
            what += f": {shown_value('stop_reason', reason)}"
        if stop:
            what += f" (ngày {shown_value('stop_date', stop.isoformat())}, chi trả đến hết tháng "
            what += f"{month_of(stop):%m/%Y})"
        if receiver := values.get("funeral_receiver"):
            what += f"; người nhận hỗ trợ mai táng: {receiver}"
    else:
        month = _date(values.get("from_month"))
        what = "Tạm dừng hưởng" if first.action == Action.SUSPEND else "Hưởng lại"
        if first.action == Action.RESUME and (back := values.get("back_pay")) is not None:
            what += (
                ": truy lĩnh các tháng tạm dừng" if back == "True" else ": không truy lĩnh các tháng tạm dừng"
            )
        if reason := values.get("reason"):
            what += f" ({reason})"
    return HistoryChange(month, what, user or SYSTEM_USER, first.at)


def _month_of_change(event: AuditEvent, entitlement: Entitlement) -> date | None:
    if event.action == Action.INSERT:
        found = _FROM_MONTH.search(event.new or "")
        return date(int(found[2]), int(found[1]), 1) if found else entitlement.start_month
    if event.field in ("groups", "children"):
        found = _FROM_MONTH.search(event.new or "")
        return date(int(found[2]), int(found[1]), 1) if found else entitlement.start_month
    if event.field == "start_month":
        months = [d for d in (_date(event.old), _date(event.new)) if d]
        return min(months) if months else None
    return None


def _what(event: AuditEvent) -> str:
    if event.action == Action.INSERT:
        return f"Hưởng mới: {event.new}" if event.new else "Hưởng mới"
    if event.action == Action.IMPORT or event.field is None:
        return labels.label_of(Action, event.action) or "Sửa"
    old, new = shown_value(event.field, event.old), shown_value(event.field, event.new)
    if event.field in ("groups", "children"):  # the month is in its own column
        new = _FROM_MONTH.sub("", new).replace("()", "").strip()
    if event.field in ("start_month", "paid_until"):
        old, new = (_month_text(v) for v in (event.old, event.new))
    return f"{field_name('entitlement', event.field)}: {old or 'trống'} → {new or 'trống'}"


def _month_text(value: str | None) -> str:
    day = _date(value)
    return f"{day:%m/%Y}" if day else ""


def _date(value: str | date | None) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def _months(session: Session, person_id: int) -> list[MonthMoney]:
    def kind_sum(kind: LineKind):
        return func.coalesce(func.sum(case((PayrollLine.kind == kind, PayrollLine.amount), else_=0)), 0)

    returns = dict(
        session.execute(
            select(PaymentReturn.payroll_id, PaymentReturn.collected).where(
                PaymentReturn.beneficiary_id == person_id
            )
        )
        .tuples()
        .all()
    )
    rows = session.execute(
        select(
            Payroll.id,
            Payroll.month,
            Payroll.status,
            kind_sum(LineKind.CURRENT),
            kind_sum(LineKind.ARREARS),
            kind_sum(LineKind.RECOVERY),
            kind_sum(LineKind.FUNERAL),
        )
        .join(Payroll, Payroll.id == PayrollLine.payroll_id)
        .where(PayrollLine.beneficiary_id == person_id)
        .group_by(Payroll.id, Payroll.month, Payroll.status)
        .order_by(Payroll.month)
    ).all()
    return [
        MonthMoney(
            month=month,
            locked=status == PayrollStatus.LOCKED,
            amount=int(amount),
            arrears=int(arrears),
            recovery=-int(recovery),
            funeral=int(funeral),
            collected=returns.get(payroll_id),
        )
        for payroll_id, month, status, amount, arrears, recovery, funeral in rows
    ]
