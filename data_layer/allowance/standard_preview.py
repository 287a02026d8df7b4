"""What setting a standard would do, shown before it is saved (``set_standard`` saves it).

A new standard, pension level or funeral multiplier from month F changes what is due for every month
from F on. For the months already locked the next payroll pays the difference as arrears (or reports
it as a recovery when the value went down); the next payroll's own month is paid at the new value.
The preview prices every entitlement twice with the payroll's own SQL (``due``), with the reference
data as it is and as it would be, over the months from F to the next payroll's month, and sums the
differences per ward: for the locked months (arrears, recoveries) and for the next month (its amounts).
Funeral support already paid is never priced again, so it is not part of the differences.

It needs the temporary tables of the payroll's SQL, so it runs in a write transaction (SQLite allows
no temporary table in a read-only one); it writes no row.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Connection, delete, select, text
from sqlmodel import Session

from data_layer.allowance import due
from data_layer.allowance.months import add_months, month_index, month_of
from data_layer.allowance.payroll import last_locked_month, open_payroll
from data_layer.allowance.reference import checked_value, load_reference
from data_layer.allowance.rules import Reference, value_in
from data_layer.core.access import Scope
from data_layer.core.codes import PayrollStatus, StandardKind
from data_layer.core.models import Payroll, Ward
from data_layer.vn import labels
from data_layer.vn.collation import text_key
from data_layer.vn.formatting import format_count, format_money, format_month

SERIES = {  # the Reference field each kind of value lives in
    StandardKind.STANDARD: "standards",
    StandardKind.PENSION: "pensions",
    StandardKind.FUNERAL: "funeral_multipliers",
}


@dataclass
class WardEffect:
    """What the change does to one ward's money (all wards together for the total)."""

    ward: str
    people: int = 0  # people whose money changes
    arrears: int = 0  # owed for the locked months: truy lĩnh in the next payroll
    recoveries: int = 0  # paid too much for the locked months: truy thu (positive)
    monthly: int = 0  # change of the next payroll's amounts for its own month (signed)


@dataclass
class StandardPreview:
    """A value about to be set and what it does: from which month, the locked months it reaches, the
    arrears and recoveries it creates per ward and in total, the change of the next payroll."""

    kind: StandardKind
    from_month: date
    amount: int
    before: int | None  # the value in force in ``from_month`` until now
    next_month: date  # the payroll that will carry the differences (open, or the next to build)
    next_built: bool  # that payroll is open: it changes when it is built again
    locked_months: list[date] = field(default_factory=list)
    by_ward: list[WardEffect] = field(default_factory=list)

    @property
    def total(self) -> WardEffect:
        total = WardEffect("Tổng cộng")
        for ward in self.by_ward:
            for name in ("people", "arrears", "recoveries", "monthly"):
                setattr(total, name, getattr(total, name) + getattr(ward, name))
        return total

    def value_text(self, value: int | None) -> str:
        if value is None:
            return "chưa có"
        return f"{value} lần mức chuẩn" if self.kind == StandardKind.FUNERAL else format_money(value)

    def sentences(self) -> list[str]:
        """What the change does, in Vietnamese, one sentence a line."""
        start, total = format_month(self.from_month), self.total
        found = [
            f"{labels.label(self.kind)}: {self.value_text(self.before)} → {self.value_text(self.amount)}, "
            f"áp dụng từ tháng {start}."
        ]
        if self.locked_months:
            months = ", ".join(format_month(m) for m in self.locked_months)
            found.append(f"Thay đổi chạm tới {len(self.locked_months)} tháng đã khóa: {months}.")
            money = []
            if total.arrears:
                money.append(f"truy lĩnh {format_money(total.arrears)}")
            if total.recoveries:
                money.append(f"truy thu {format_money(total.recoveries)}")
            found.append(
                f"Danh sách chi trả tháng {format_month(self.next_month)} sẽ có "
                f"{' và '.join(money)} ({format_count(total.people)} người)."
                if money
                else "Các tháng đã khóa không phát sinh truy lĩnh, truy thu."
            )
        else:
            found.append("Không chạm tới tháng nào đã khóa: không phát sinh truy lĩnh, truy thu.")
        if self.from_month <= self.next_month:
            change = "tăng" if total.monthly >= 0 else "giảm"
            when = "khi lập lại danh sách" if self.next_built else "khi lập danh sách"
            amount = format_money(abs(total.monthly))
            found.append(f"Trợ cấp tháng {format_month(self.next_month)} {change} {amount} ({when}).")
        if self.kind != StandardKind.PENSION:
            found.append("Hỗ trợ chi phí mai táng đã chi không tính lại.")
        return found


def _next_payroll(session: Session, today: date) -> tuple[date, bool]:
    """The month of the payroll that will carry the differences, and whether it is built (open)."""
    found = open_payroll(session)
    if found is not None:
        return found.month, True
    locked = last_locked_month(session)
    return (add_months(locked, 1) if locked else month_of(today)), False


def _with_value(reference: Reference, kind: StandardKind, from_month: date, amount: int) -> Reference:
    """The reference as it would be once the value is saved (that month's entry set, the others kept)."""
    name = SERIES[kind]
    kept = [(start, value) for start, value in getattr(reference, name) if start != from_month]
    series = tuple(sorted([*kept, (from_month, amount)]))
    return Reference(**{**vars(reference), name: series})


def _due(connection: Connection, first: int, locked: int, now: int) -> dict[tuple[int, int], tuple[int, int]]:
    """(person, ward) → (due for the locked months from ``first``, due for month ``now``), month indexes."""
    where = f" AND m.mi >= {int(first)}"
    rows = f"{due.single_rows(where)} UNION ALL {due.multi_rows(where)}"
    query = (
        f"SELECT r.pid, e.ward_id, SUM(CASE WHEN r.mi <= {int(locked)} THEN r.due ELSE 0 END),"
        f" SUM(CASE WHEN r.mi = {int(now)} THEN r.due ELSE 0 END)"
        f" FROM ({rows}) r JOIN entitlement e ON e.id = r.eid GROUP BY r.pid, e.ward_id"
    )
    return {
        (pid, ward): (int(past or 0), int(current or 0))
        for pid, ward, past, current in connection.execute(text(query))
    }


def preview_standard(
    session: Session, scope: Scope, kind: StandardKind, from_month: date, amount: int, *, today: date
) -> StandardPreview:
    """What ``set_standard(kind, from_month, amount)`` would do to the payrolls (admin only)."""
    scope.require_admin()
    kind, from_month = checked_value(kind, amount), month_of(from_month)
    reference = load_reference(session)
    next_month, next_built = _next_payroll(session, today)
    locked = session.execute(
        select(Payroll.month)
        .where(Payroll.status == PayrollStatus.LOCKED, Payroll.month >= from_month)
        .order_by(Payroll.month)
    ).scalars()
    preview = StandardPreview(
        kind=kind,
        from_month=from_month,
        amount=amount,
        before=value_in(getattr(reference, SERIES[kind]), from_month),
        next_month=next_month,
        next_built=next_built,
        locked_months=list(locked),
    )
    if from_month > next_month or kind == StandardKind.FUNERAL:  # nothing built or to build yet is due
        return preview
    first, now = month_index(from_month), month_index(next_month)
    last_locked = month_index(preview.locked_months[-1]) if preview.locked_months else first - 1
    wards = None if scope.sees_all_wards else sorted(scope.ward_ids or ())
    connection = session.connection()
    with due.due_tables(connection):
        due.fill_entitlements(connection, wards, next_month)
        sums = []
        for priced in (reference, _with_value(reference, kind, from_month, amount)):
            connection.execute(delete(due.MONTHS))
            connection.execute(delete(due.BANDS))
            due.fill_reference(connection, priced, from_month, next_month)
            sums.append(_due(connection, first, last_locked, now))
    preview.by_ward = _by_ward(session, *sums)
    return preview


def _by_ward(session: Session, before: dict, after: dict) -> list[WardEffect]:
    """The differences person by person, added up per ward (wards without one left out)."""
    names = dict(session.execute(select(Ward.id, Ward.name)).tuples().all())
    effects: dict[int, WardEffect] = defaultdict(lambda: WardEffect(""))
    for key in before.keys() | after.keys():
        (past_before, now_before), (past_after, now_after) = before.get(key, (0, 0)), after.get(key, (0, 0))
        past, now = past_after - past_before, now_after - now_before
        if not past and not now:
            continue
        effect = effects[key[1]]
        effect.people += 1
        effect.arrears += max(past, 0)
        effect.recoveries += max(-past, 0)
        effect.monthly += now
    for ward_id, effect in effects.items():
        effect.ward = names[ward_id]
    return sorted(effects.values(), key=lambda e: text_key(e.ward))
