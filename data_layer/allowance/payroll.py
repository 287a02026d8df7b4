"""The monthly payroll (danh sách chi trả): build a month, rebuild it while it is open, lock it for good.

**The ledger.** A payroll holds, per person, lines of four kinds:

- *current*: the amount due for the payroll's month M (with the group whose rate it follows);
- *arrears* / *recovery*: for every earlier month X from the person's first month to pay (the start
  month, or the month after ``Đã nhận đến tháng`` if later), the difference
  d(X) = due(X) − settled(X), where settled(X) is the sum of the person's lines of *locked* payrolls
  for X (current, arrears and recovery lines alike, signed; funeral support apart). The person's net
  N = Σ d(X) is paid as arrears (truy lĩnh) when positive: their difference lines are then of kind
  arrears; when negative, −N is reported as a recovery (truy thu), never subtracted from anyone's
  payment: their lines are of kind recovery. Each line keeps its month's signed difference, so the
  lines tell which months the net covers;
- *funeral*: funeral support, once per person who died while entitled, in the first payroll built
  after the death was recorded (multiplier × the standard of the month of death).

Locking settles every line, recoveries included (settled(X) then holds them), so a difference is
reported once, and seals the month (``core.seals``). A locked payroll never changes (the database
refuses it, ``core.locks``): a later change of the reference data or of an
entitlement shows up as arrears or a recovery in the next open payroll.

Figures: amount = Σ current; arrears = Σ arrears lines; recoveries = −Σ recovery lines;
funeral = Σ funeral lines; total = amount + arrears + funeral, the sum of every line but recoveries.

**Worked example.** Standard 500,000 đ, a 5.1 child aged 5 (coefficient 1.5): 750,000 đ a month.
The payrolls of 01/2025 and 02/2025 are locked with 750,000 each. The province then sets 600,000
from 01/2025. The 03/2025 build: current 900,000; d(01) = d(02) = 900,000 − 750,000 = 150,000, so
arrears 300,000 on two lines (01 and 02). Once 03 is locked, settled(01) = 900,000 and 04/2025 has no
arrears. If the child died on 10/04/2025 and this is recorded after 04 and 05 were locked (900,000
each), the 06/2025 build has no current line; d(05) = 0 − 900,000 (April, the month of death, is
still due): a recovery of 900,000 for 05/2025, and funeral support 20 × 600,000 = 12,000,000.

**Months.** Only one payroll is open at a time, and no month before a locked one can be built. Ward
staff build (rebuild) only their ward's lines of the month; district staff and admins build every
ward and lock the month, which rebuilds every ward first so the locked figures are the latest.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete, func, select
from sqlmodel import Session

from data_layer.allowance.months import add_months, month_of
from data_layer.allowance.one_place import refuse_double_payment
from data_layer.allowance.payroll_lines import write_lines
from data_layer.core import audit, seals
from data_layer.core.access import Scope
from data_layer.core.codes import Action, LineKind, PayrollStatus, SealKind
from data_layer.core.errors import Conflict, Forbidden, Locked, NotFound
from data_layer.core.models import AuditEvent, Payroll, PayrollLine, Ward, utcnow
from data_layer.vn.collation import text_key
from data_layer.vn.formatting import as_utc, format_datetime, format_money, format_month


def payroll_of(session: Session, month: date) -> Payroll | None:
    """The payroll of ``month``, if one was built."""
    return session.execute(select(Payroll).where(Payroll.month == month_of(month))).scalar_one_or_none()


def open_payroll(session: Session) -> Payroll | None:
    return session.execute(select(Payroll).where(Payroll.status == PayrollStatus.OPEN)).scalar_one_or_none()


def last_locked_month(session: Session) -> date | None:
    return session.execute(
        select(func.max(Payroll.month)).where(Payroll.status == PayrollStatus.LOCKED)
    ).scalar_one()


def _open_for(session: Session, scope: Scope, month: date) -> Payroll:
    """The open payroll of ``month`` (created if missing), when the month may be built."""
    found = payroll_of(session, month)
    if found is not None and found.status == PayrollStatus.LOCKED:
        raise Locked(f"Danh sách chi trả tháng {format_month(month)} đã khóa: không lập lại được.")
    other = open_payroll(session)
    if other is not None and other.month != month:
        raise Conflict(
            f"Danh sách chi trả tháng {format_month(other.month)} đang mở: khóa tháng đó trước khi lập "
            f"tháng {format_month(month)}."
        )
    locked = last_locked_month(session)
    if locked is not None and locked > month:
        raise Conflict(f"Tháng {format_month(locked)} đã khóa: không lập được danh sách của tháng trước đó.")
    if found is None:
        found = Payroll(month=month, status=PayrollStatus.OPEN, built_by=scope.user_id)
        session.add(found)
        session.flush()
    return found


def _wards_of(scope: Scope) -> list[int] | None:
    if scope.sees_all_wards:
        return None
    if not scope.ward_ids:
        raise Forbidden("Bạn chưa được gán phường/xã nào.")
    return sorted(scope.ward_ids)


def build_payroll(session: Session, scope: Scope, month: date) -> Payroll:
    """Build (or rebuild, while open) the payroll of ``month`` for the wards of the scope."""
    scope.require_write()
    month = month_of(month)
    wards = _wards_of(scope)
    payroll = _rebuild(session, scope, month, wards)
    audit.record(
        session,
        scope,
        table="payroll",
        row_id=payroll.id,
        action=Action.BUILD_PAYROLL,
        ward_id=wards[0] if wards and len(wards) == 1 else None,
        new=_figures_text(session, payroll.id, wards),
    )
    return payroll


def _rebuild(session: Session, scope: Scope, month: date, wards: list[int] | None) -> Payroll:
    payroll = _open_for(session, scope, month)
    lines = delete(PayrollLine).where(PayrollLine.payroll_id == payroll.id)
    if wards is not None:
        lines = lines.where(PayrollLine.ward_id.in_(wards))
    session.execute(lines)
    write_lines(session, payroll.id, month, wards)
    refuse_double_payment(session, payroll.id)
    payroll.built_at, payroll.built_by = utcnow(), scope.user_id
    session.add(payroll)
    session.flush()
    return payroll


def lock_payroll(session: Session, scope: Scope, month: date) -> Payroll:
    """Rebuild every ward of the open month, then lock it: its lines never change again and settle
    the months they pay (district staff and admins)."""
    scope.require_manager()
    month = month_of(month)
    payroll = payroll_of(session, month)
    if payroll is None:
        raise NotFound(f"Chưa lập danh sách chi trả tháng {format_month(month)}.")
    if payroll.status == PayrollStatus.LOCKED:
        raise Locked(f"Danh sách chi trả tháng {format_month(month)} đã khóa trước đó.")
    payroll = _rebuild(session, scope, month, None)
    payroll.status, payroll.locked_at, payroll.locked_by = PayrollStatus.LOCKED, utcnow(), scope.user_id
    session.add(payroll)
    session.flush()
    seals.seal(session, SealKind.PAYROLL, payroll.id)
    audit.record(
        session,
        scope,
        table="payroll",
        row_id=payroll.id,
        action=Action.LOCK_PAYROLL,
        field="status",
        old=PayrollStatus.OPEN,
        new=PayrollStatus.LOCKED,
    )
    return payroll


def _figures_text(session: Session, payroll_id: int, wards: list[int] | None) -> str:
    """'11/2026: 812 người, 450.000.000 đ' for the audit trail."""
    query = select(func.count(), func.sum(PayrollLine.amount)).where(  # one current line a person
        PayrollLine.payroll_id == payroll_id, PayrollLine.kind == LineKind.CURRENT
    )
    if wards is not None:
        query = query.where(PayrollLine.ward_id.in_(wards))
    people, amount = session.execute(query).one()
    month = session.get(Payroll, payroll_id).month
    return f"{format_month(month)}: {people} người, {format_money(amount or 0)}"


def payroll_months(session: Session, today: date) -> list[tuple[date, str | None]]:
    """Months a user can open, newest first: every payroll built (with its status), and the month to
    build next when none is open (the month after the last locked one, or this month)."""
    built = session.execute(select(Payroll.month, Payroll.status).order_by(Payroll.month.desc())).all()
    found: list[tuple[date, str | None]] = [tuple(row) for row in built]
    if not any(status == PayrollStatus.OPEN for _, status in built):
        locked = last_locked_month(session)
        upcoming = add_months(locked, 1) if locked else month_of(today)
        found.insert(0, (upcoming, None))
    return found


def landing_month(months: list[tuple[date, str | None]], *, builds: bool) -> date:
    """The month the payroll page opens on (``months`` as ``payroll_months`` gives them): for those
    who build, the open month or the next to build; for a viewer, the latest built month."""
    if not builds:
        built = [month for month, status in months if status is not None]
        if built:
            return max(built)
    return months[0][0]


# audited tables whose changes may change a payroll's amounts (entitlement: also suspensions and stops)
PAYROLL_INPUTS = ("entitlement", "beneficiary", "allowancestandard", "groupcoefficient", "importbatch")


@dataclass(frozen=True)
class StaleBuild:
    """The data of some wards changed after their last build of an open payroll."""

    built_at: datetime  # the earliest of those wards' last builds
    wards: tuple[str, ...]

    def message(self, *, several: bool) -> str:
        where = f" ({', '.join(self.wards)})" if several else ""
        built = format_datetime(self.built_at)
        return f"Dữ liệu đã thay đổi sau lần lập lúc {built}{where}: lập lại để cập nhật."


def changed_since_build(session: Session, scope: Scope, month: date) -> StaleBuild | None:
    """Whether the entitlements, people or reference data of the scope's wards changed (by the audit
    trail) after the last build of each ward of the month's open payroll; None when not, or when the
    month is not open."""
    payroll = payroll_of(session, month)
    if payroll is None or payroll.status != PayrollStatus.OPEN:
        return None
    builds = session.execute(
        select(AuditEvent.ward_id, func.max(AuditEvent.at))
        .where(
            AuditEvent.table_name == "payroll",
            AuditEvent.row_id == payroll.id,
            AuditEvent.action == Action.BUILD_PAYROLL,
        )
        .group_by(AuditEvent.ward_id)
    ).all()
    if not builds:
        return None
    built = {ward_id: as_utc(at) for ward_id, at in builds}
    everyone = built.pop(None, None)
    wards = dict(session.execute(select(Ward.id, Ward.name).where(scope.ward_clause(Ward.id))).tuples().all())
    last_build = {w: max((t for t in (everyone, built.get(w)) if t is not None), default=None) for w in wards}
    since = min((t for t in last_build.values() if t is not None), default=None)
    if since is None:
        return None
    changes = dict(
        session.execute(
            select(AuditEvent.ward_id, func.max(AuditEvent.at))
            .where(AuditEvent.table_name.in_(PAYROLL_INPUTS), AuditEvent.at > since)
            .group_by(AuditEvent.ward_id)
        )
        .tuples()
        .all()
    )
    everywhere = changes.pop(None, None)
    stale = []
    for ward_id, at in last_build.items():
        latest = [as_utc(t) for t in (everywhere, changes.get(ward_id)) if t is not None]
        if at is not None and latest and max(latest) > at:
            stale.append((at, wards[ward_id]))
    if not stale:
        return None
    return StaleBuild(min(at for at, _ in stale), tuple(sorted((name for _, name in stale), key=text_key)))
