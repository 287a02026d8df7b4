"""One payment a month per person, whichever ward holds them (issue 21 §1.1). Identity is the CCCD
across the whole database: the same CCCD in two wards is one person.

- A move (Decree 20/2021 art. 8.4.d): the old place pays through the month of its stop decision (the
  stop date's month), the new place from the month after. A grant in the new ward whose start month
  falls on or before the last month the old place pays (or has paid, in a locked payroll) starts the
  month after it, and says so.
- A second entitlement not stopped for the same CCCD is refused, naming the ward that pays.
- A payroll never holds two current lines for one CCCD (``refuse_double_payment``: a last guard
  against data written past these rules, raw SQL included).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlmodel import Session

from data_layer.allowance.months import add_months, month_of
from data_layer.core.codes import EntitlementStatus, LineKind, PayrollStatus
from data_layer.core.errors import Conflict, Invalid
from data_layer.core.models import Beneficiary, Entitlement, Payroll, PayrollLine, Ward
from data_layer.vn.formatting import format_month


def _last_month_elsewhere(session: Session, person: Beneficiary) -> tuple[date, str] | None:
    """The last month another ward pays (or paid) this CCCD, and that ward's name; refuses when
    another ward's entitlement is not stopped."""
    rows = session.execute(
        select(Entitlement, Ward.name)
        .join(Beneficiary, Beneficiary.id == Entitlement.beneficiary_id)
        .join(Ward, Ward.id == Entitlement.ward_id)
        .where(Beneficiary.national_id == person.national_id, Beneficiary.id != person.id)
    ).all()
    last: tuple[date, str] | None = None
    for other, ward_name in rows:
        if other.status != EntitlementStatus.STOPPED:
            raise Conflict(
                f"Người mang số CCCD {person.national_id} đang hưởng trợ cấp tại {ward_name} (từ tháng "
                f"{format_month(other.start_month)}): mỗi người chỉ hưởng ở một nơi; {ward_name} phải dừng "
                "hưởng (chuyển đi) trước."
            )
        paid = session.execute(
            select(func.max(PayrollLine.for_month))
            .join(Payroll, Payroll.id == PayrollLine.payroll_id)
            .where(
                PayrollLine.entitlement_id == other.id,
                PayrollLine.kind == LineKind.CURRENT,
                Payroll.status == PayrollStatus.LOCKED,
            )
        ).scalar_one()
        month = max(month_of(other.stop_date), paid or month_of(other.stop_date))
        if last is None or month > last[0]:
            last = (month, ward_name)
    return last


def start_after_other_wards(session: Session, person: Beneficiary, start: date) -> tuple[date, str | None]:
    """The start month of a new entitlement of ``person`` once the months another ward pays are
    left to it, with a sentence saying so when it moved."""
    if not person.national_id:
        return start, None
    last = _last_month_elsewhere(session, person)
    if last is None or start > last[0]:
        return start, None
    moved = add_months(last[0], 1)
    return moved, (
        f"Hưởng từ tháng {format_month(moved)} thay vì {format_month(start)}: {last[1]} chi trả đến tháng "
        f"{format_month(last[0])} (chuyển nơi hưởng, Nghị định 20/2021 điều 8 khoản 4 điểm d)."
    )


def check_start_against_other_wards(session: Session, person: Beneficiary, start: date) -> None:
    """A corrected start month may not reach back into months another ward pays."""
    if person.national_id and (last := _last_month_elsewhere(session, person)) and start <= last[0]:
        raise Invalid(
            f"Hưởng từ tháng: {last[1]} chi trả cho số CCCD {person.national_id} đến tháng "
            f"{format_month(last[0])}; tháng bắt đầu hưởng ở đây phải từ "
            f"{format_month(add_months(last[0], 1))}."
        )


def refuse_double_payment(session: Session, payroll_id: int) -> None:
    """Refuse a payroll holding two current lines for one CCCD (in two wards)."""
    shared = (
        session.execute(  # CCCDs held by several people (rare): nothing else to look at
            select(Beneficiary.national_id)
            .where(Beneficiary.national_id.is_not(None))
            .group_by(Beneficiary.national_id)
            .having(func.count() > 1)
        )
        .scalars()
        .all()
    )
    if not shared:
        return
    found = session.execute(
        select(Beneficiary.national_id, func.count())
        .join(PayrollLine, PayrollLine.beneficiary_id == Beneficiary.id)
        .where(
            Beneficiary.national_id.in_(shared),
            PayrollLine.payroll_id == payroll_id,
            PayrollLine.kind == LineKind.CURRENT,
        )
        .group_by(Beneficiary.national_id)
        .having(func.count() > 1)
        .order_by(Beneficiary.national_id)
    ).first()
    if found is None:
        return
    wards = session.execute(
        select(Ward.name)
        .join(PayrollLine, PayrollLine.ward_id == Ward.id)
        .join(Beneficiary, Beneficiary.id == PayrollLine.beneficiary_id)
        .where(
            PayrollLine.payroll_id == payroll_id,
            PayrollLine.kind == LineKind.CURRENT,
            Beneficiary.national_id == found[0],
        )
        .order_by(Ward.name)
    ).scalars()
    raise Conflict(
        f"Số CCCD {found[0]} được chi trả {found[1]} lần trong một tháng ({', '.join(wards)}): mỗi người chỉ "
        "hưởng ở một nơi. Dừng hưởng ở nơi cũ rồi lập lại danh sách."
    )
