"""The payment agent's return (Decree 20/2021 art. 34): after a locked month, the post office or bank
returns the signed cash list and who did not collect. Recorded per ward, per person
(``PaymentReturn``, the only thing written about a locked month): from the cash list we produced with
a column ``Đã nhận`` (x = collected, blank = not), or from a "chưa nhận" list (every row listed did
not collect), each row found by ``Số CCCD`` or by ``STT`` (its number in our cash list); or ticked on
the page. The next payroll pays what was not collected again, as arrears for those months
(``payroll_lines``: lines of a return marked not collected do not settle their months).

Three consecutive months not collected list a person for suspension (Circular 02/2021 art. 2.3.a:
"không nhận chế độ, chính sách liên tục từ 03 tháng trở lên"); once the office confirms, payment is
held from the next month (``entitlement_status.suspend``), the months not collected stay owed, and a
decision resuming payment says whether the held months are paid back (``resume``'s ``back_pay``):
art. 2 of the Circular grants no back pay by itself (checked, see docs/allowance.md). The list is a
document the chairman signs (``suspension_list``).
Unlike a suspension for refusing re-assessment (art. 2.1.đ with 2.3.b), it never ends payment by itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, func, select
from sqlmodel import Session

from data_layer.allowance.entitlement_status import suspend
from data_layer.allowance.months import add_months, month_of
from data_layer.allowance.payment_lists import cash_rows
from data_layer.allowance.payroll import payroll_of
from data_layer.core import audit
from data_layer.core.access import Scope
from data_layer.core.codes import Action, EntitlementStatus, PayrollStatus
from data_layer.core.errors import Invalid, NotFound
from data_layer.core.models import Beneficiary, Entitlement, PaymentReturn, Payroll
from data_layer.sheets.reader import read_sheets
from data_layer.vn.formatting import format_money, format_month
from data_layer.vn.text import fold
from data_layer.vn.values import CellError, parse_national_id

MAX_BYTES = 20 * 1024 * 1024


@dataclass
class ReturnResult:
    month: date
    ward_id: int
    paid: int = 0  # people who collected
    paid_money: int = 0
    unpaid: int = 0
    unpaid_money: int = 0

    def as_json(self) -> dict:
        return {
            "month": format_month(self.month),
            "paid": self.paid,
            "paid_money": self.paid_money,
            "unpaid": self.unpaid,
            "unpaid_money": self.unpaid_money,
        }

    def sentence(self) -> str:
        return (
            f"Tháng {format_month(self.month)}: {self.paid} người đã nhận {format_money(self.paid_money)}, "
            f"{self.unpaid} người chưa nhận {format_money(self.unpaid_money)} (chuyển sang kỳ chi trả sau)."
        )


def _locked_payroll(session: Session, month: date):
    payroll = payroll_of(session, month)
    if payroll is None:
        raise NotFound(f"Chưa lập danh sách chi trả tháng {format_month(month)}.")
    if payroll.status != PayrollStatus.LOCKED:
        raise Invalid(
            f"Danh sách chi trả tháng {format_month(month)} chưa khóa: khóa danh sách rồi mới ghi kết quả "
            "chi trả."
        )
    return payroll


def record_unpaid(
    session: Session, scope: Scope, month: date, ward_id: int, unpaid_ids: set[int]
) -> ReturnResult:
    """Record the ward's return for ``month``: the people of its cash list in ``unpaid_ids`` did not
    collect, the others did (replaces an earlier return of the ward for that month)."""
    scope.require_write()
    scope.require_ward(ward_id)
    payroll = _locked_payroll(session, month)
    rows = cash_rows(session, scope, month, ward_id)
    if unknown := unpaid_ids - {r.beneficiary_id for r in rows}:
        raise Invalid(f"{len(unknown)} người không có trong danh sách tiền mặt tháng {format_month(month)}.")
    session.execute(
        delete(PaymentReturn).where(PaymentReturn.payroll_id == payroll.id, PaymentReturn.ward_id == ward_id)
    )
    result = ReturnResult(month=payroll.month, ward_id=ward_id)
    for row in rows:
        collected = row.beneficiary_id not in unpaid_ids
        session.add(
            PaymentReturn(
                payroll_id=payroll.id,
                beneficiary_id=row.beneficiary_id,
                ward_id=ward_id,
                collected=collected,
                recorded_by=scope.user_id,
            )
        )
        if collected:
            result.paid, result.paid_money = result.paid + 1, result.paid_money + row.total
        else:
            result.unpaid, result.unpaid_money = result.unpaid + 1, result.unpaid_money + row.total
    session.flush()
    audit.record(
        session,
        scope,
        table="paymentreturn",
        row_id=payroll.id,
        action=Action.UPDATE,
        ward_id=ward_id,
        field="collected",
        new=result.sentence(),
    )
    return result


def unpaid_in_return(
    session: Session, scope: Scope, month: date, ward_id: int, data: bytes, file_name: str
) -> set[int]:
    """The people the agent's return file lists as not collected (Vietnamese errors naming the row
    and column of a row that matches nobody)."""
    rows = cash_rows(session, scope, month, ward_id)
    by_id = {r.national_id: r.beneficiary_id for r in rows if r.national_id}
    for sheet in read_sheets(data, file_name, max_bytes=MAX_BYTES):
        header = next(
            (i for i, row in enumerate(sheet.rows) if "stt" in [fold(str(v or "")).strip() for v in row]),
            None,
        )
        if header is None:
            continue
        names = [fold(str(v or "")).strip() for v in sheet.rows[header]]
        column = {key: names.index(key) for key in ("stt", "so cccd", "da nhan") if key in names}
        unpaid: set[int] = set()
        for number, row in enumerate(sheet.rows[header + 1 :], start=header + 2):
            person = _person_of(row, column, number, rows, by_id)
            if person is None:
                continue
            if "da nhan" not in column or str(row[column["da nhan"]] or "").strip() == "":
                unpaid.add(person)
        return unpaid
    raise Invalid("Không tìm thấy dòng tiêu đề có cột STT trong tệp kết quả chi trả.")


def _person_of(row: list, column: dict[str, int], number: int, rows, by_id: dict[str, int]) -> int | None:
    """The person a row of the return names (None for a blank or total row)."""
    cell = row[column["so cccd"]] if "so cccd" in column and column["so cccd"] < len(row) else None
    if cell not in (None, ""):
        try:
            national_id = parse_national_id(cell)
        except CellError as exc:
            raise Invalid(f"Dòng {number}, cột Số CCCD: {exc}") from None
        if national_id not in by_id:
            raise Invalid(
                f"Dòng {number}, cột Số CCCD: {national_id} không có trong danh sách tiền mặt của tháng."
            )
        return by_id[national_id]
    stt = row[column["stt"]] if column["stt"] < len(row) else None
    if isinstance(stt, float) and stt.is_integer():
        stt = int(stt)
    if not isinstance(stt, int):
        return None  # a blank, title or total row
    if not 1 <= stt <= len(rows):
        raise Invalid(
            f"Dòng {number}, cột STT: số thứ tự {stt} không có trong danh sách tiền mặt ({len(rows)} người)."
        )
    return rows[stt - 1].beneficiary_id


def record_return_file(
    session: Session, scope: Scope, month: date, ward_id: int, data: bytes, file_name: str
) -> ReturnResult:
    """Read the agent's return file and record it (``ansinh payroll paid``, the page's upload)."""
    unpaid = unpaid_in_return(session, scope, month, ward_id, data, file_name)
    return record_unpaid(session, scope, month, ward_id, unpaid)


SUSPENSION_REASON = (
    "Không nhận trợ cấp liên tục từ 03 tháng trở lên (Thông tư 02/2021/TT-BLĐTBXH, điều 2 khoản 3 điểm a)"
)


@dataclass(frozen=True)
class SuspensionCandidate:
    beneficiary_id: int
    entitlement_id: int
    name: str
    months: str  # "01/2025, 02/2025, 03/2025"


def suspension_candidates(
    session: Session, scope: Scope, month: date, ward_id: int
) -> list[SuspensionCandidate]:
    """The ward's people whose agent's returns of ``month`` and the two months before all say "not
    collected", and whose entitlement is still paid: listed for suspension (tạm dừng)."""
    scope.require_ward(ward_id)
    months = [add_months(month_of(month), -n) for n in (2, 1, 0)]
    found = session.execute(
        select(PaymentReturn.beneficiary_id, Beneficiary.name, Entitlement.id)
        .join(Payroll, Payroll.id == PaymentReturn.payroll_id)
        .join(Beneficiary, Beneficiary.id == PaymentReturn.beneficiary_id)
        .join(Entitlement, Entitlement.beneficiary_id == PaymentReturn.beneficiary_id)
        .where(
            PaymentReturn.ward_id == ward_id,
            PaymentReturn.collected.is_(False),
            Payroll.month.in_(months),
            Entitlement.status == EntitlementStatus.ACTIVE,
            scope.ward_clause(PaymentReturn.ward_id),
        )
        .group_by(PaymentReturn.beneficiary_id, Beneficiary.name, Entitlement.id)
        .having(func.count(func.distinct(Payroll.month)) == len(months))
        .order_by(Beneficiary.name)
    ).all()
    text_months = ", ".join(format_month(m) for m in months)
    return [SuspensionCandidate(pid, eid, name, text_months) for pid, name, eid in found]


def confirm_suspensions(
    session: Session, scope: Scope, month: date, ward_id: int, person_ids: set[int]
) -> int:
    """Suspend the listed people the office confirms, from the month after ``month``; their months
    not collected stay owed (paid as arrears when a decision resumes payment)."""
    listed = {c.beneficiary_id: c for c in suspension_candidates(session, scope, month, ward_id)}
    if unknown := person_ids - set(listed):
        raise Invalid(
            f"{len(unknown)} người không có trong danh sách đề nghị tạm dừng tháng {format_month(month)}."
        )
    for pid in sorted(person_ids):
        suspend(
            session,
            scope,
            listed[pid].entitlement_id,
            from_month=add_months(month, 1),
            reason=SUSPENSION_REASON,
        )
    return len(person_ids)
