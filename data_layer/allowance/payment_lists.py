"""The files a ward sends with the money to the payment agent (.xlsx, A4, header rows repeated on every
printed page): the cash list people sign, the bank transfer list, and the changes report (báo cáo
tăng/giảm, with arrears and recoveries). Funeral support is always in the cash list: it is paid to
whoever arranged the burial."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from sqlmodel import Session

from data_layer.allowance.payroll_details import (
    AdjustmentRow,
    ChangeRow,
    PaymentRow,
    adjustments,
    changes,
    payment_rows,
)
from data_layer.core.access import Scope
from data_layer.core.codes import LineKind, PaymentMethod
from data_layer.core.errors import Invalid, NotFound
from data_layer.core.models import Ward
from data_layer.vn.document import PREPARER, Column, Document, Office
from data_layer.vn.formatting import format_count, format_money, format_month
from data_layer.vn.xlsx_writer import MONEY_FORMAT, Book

LIST_TITLE = "DANH SÁCH CHI TRẢ TRỢ CẤP XÃ HỘI HẰNG THÁNG"
ACCOUNTANT = [("KẾ TOÁN", "bold"), ("(Ký, ghi rõ họ tên)", "note")]
SIGNING_ROW_POINTS = 32  # room for a signature in "Ký nhận"
CASH_COLUMNS = [  # about 120 characters: A4 landscape, fitted to the width
    Column("STT", 5, horizontal="center"),
    Column("Họ và tên", 20, wrap=True),
    Column("Ngày/năm sinh", 11, horizontal="center"),
    Column("Thôn/tổ", 13, wrap=True),
    Column("Diện hưởng", 8, horizontal="center", wrap=True),
    Column("Trợ cấp tháng", 11, MONEY_FORMAT),
    Column("Truy lĩnh", 10, MONEY_FORMAT),
    Column("Hỗ trợ chi phí mai táng", 11, MONEY_FORMAT),
    Column("Tổng số tiền", 12, MONEY_FORMAT),
    Column("Người nhận thay", 12, wrap=True),
    Column("Ký nhận", 12),
]
BANK_COLUMNS = [
    Column("STT", 5, horizontal="center"),
    Column("Họ và tên", 20, wrap=True),
    Column("Số CCCD", 14, horizontal="center"),
    Column("Số tài khoản", 16, horizontal="center"),
    Column("Ngân hàng", 16, wrap=True),
    Column("Số tiền", 12, MONEY_FORMAT),
    Column("Nội dung", 20, wrap=True),
]
CHANGE_COLUMNS = [
    Column("STT", 5, horizontal="center"),
    Column("Họ và tên", 20, wrap=True),
    Column("Ngày/năm sinh", 11, horizontal="center"),
    Column("Thôn/tổ", 10, wrap=True),
    Column("Áp dụng từ tháng", 10, horizontal="center"),
    Column("Mức tháng trước", 12, MONEY_FORMAT),
    Column("Mức tháng này", 12, MONEY_FORMAT),
    Column("Tiền phát sinh kỳ này", 13, MONEY_FORMAT),
    Column("Lý do", 30, wrap=True),
]
ADJUSTMENT_HEADERS = (
    "STT",
    "Họ và tên",
    "Ngày/năm sinh",
    "Thôn/tổ",
    "Từ tháng",
    "Số tiền",
    None,
    None,
    "Các tháng (chênh lệch)",
)


def _ward(session: Session, scope: Scope, ward_id: int) -> Ward:
    ward = session.get(Ward, ward_id)
    if ward is None or not scope.may_see_ward(ward_id):
        raise NotFound("Không tìm thấy phường/xã này hoặc bạn không có quyền.")
    return ward


def _total_row(doc: Document, count: int, sums: tuple[int, ...], first_sum: int) -> None:
    """ "Tổng cộng: N người" over the columns before the sums, the sums in bold."""
    values = [None, f"Tổng cộng: {format_count(count)} người", *[None] * (first_sum - 3), *sums]
    row = doc.row(values, bold=True)
    doc.sheet.merge(row, 2, first_sum - 1)


def write_cash_sheet(book: Book, office: Office, ward: str, month: date, rows: list[PaymentRow]) -> None:
    """The cash list people sign: month, arrears, funeral support, total, proxy, signature."""
    doc = Document(book, "Tiền mặt", CASH_COLUMNS, landscape=True)
    doc.letterhead(office, ward, office.number("DS", ward))
    doc.title(f"{LIST_TITLE} BẰNG TIỀN MẶT", f"Tháng {format_month(month)}")
    doc.table_header()
    for n, r in enumerate(rows, start=1):
        money = [value or None for value in (r.amount, r.arrears, r.funeral)]  # nothing due: a blank cell
        values = (n, r.name, r.birth, r.hamlet, r.groups, *money, r.total, r.proxy_name)
        doc.row(values, min_height=SIGNING_ROW_POINTS)
    sums = (
        sum(r.amount for r in rows),
        sum(r.arrears for r in rows),
        sum(r.funeral for r in rows),
        sum(r.total for r in rows),
    )
    _total_row(doc, len(rows), sums, 6)
    doc.closing(PREPARER, ACCOUNTANT, office.signer(ward))


def write_bank_sheet(book: Book, office: Office, ward: str, month: date, rows: list[PaymentRow]) -> None:
    """The transfer list for the bank: account number, bank, amount (month + arrears)."""
    doc = Document(book, "Chuyển khoản", BANK_COLUMNS, landscape=True)
    doc.letterhead(office, ward, office.number("DS", ward))
    doc.title(f"{LIST_TITLE} QUA TÀI KHOẢN", f"Tháng {format_month(month)}")
    doc.table_header()
    note = f"Tro cap thang {format_month(month)}"  # a transfer's memo: without diacritics, as banks read it
    for n, r in enumerate(rows, start=1):
        doc.row((n, r.name, r.national_id, r.account_number, r.bank_name, r.amount + r.arrears, note))
    _total_row(doc, len(rows), (sum(r.amount + r.arrears for r in rows),), 6)
    doc.closing(PREPARER, ACCOUNTANT, office.signer(ward))


def write_changes_sheet(
    book: Book,
    office: Office,
    ward: str,
    month: date,
    changed: list[ChangeRow],
    adjusted: list[AdjustmentRow],
) -> None:
    """Báo cáo tăng/giảm: added, removed, changed amounts, each with the month it applies from and
    the money it makes in this payroll (``payroll_details.changes``), then arrears and recoveries
    from their first month."""
    doc = Document(book, "Tăng giảm", CHANGE_COLUMNS, landscape=True)
    doc.letterhead(office, ward, office.number("BC", ward))
    doc.title("BÁO CÁO TĂNG, GIẢM ĐỐI TƯỢNG HƯỞNG TRỢ CẤP XÃ HỘI HẰNG THÁNG", f"Tháng {format_month(month)}")
    doc.table_header()
    sections = [
        ("I. Tăng (hưởng mới, hưởng lại)", "added"),
        ("II. Giảm (dừng, tạm dừng hưởng)", "removed"),
        ("III. Thay đổi mức hưởng", "changed"),
    ]
    for heading, kind in sections:
        part = [c for c in changed if c.change == kind]
        doc.section(f"{heading}: {format_count(len(part))} người")
        for n, c in enumerate(part, start=1):
            month_from = format_month(c.applies_from)
            doc.row((n, c.name, c.birth, c.hamlet, month_from, c.before, c.after, c.money, c.reason))
    for heading, kind in (("IV. Truy lĩnh", LineKind.ARREARS), ("V. Truy thu", LineKind.RECOVERY)):
        part = [a for a in adjusted if a.kind == kind]
        doc.section(f"{heading}: {format_count(len(part))} người, {format_money(sum(a.net for a in part))}")
        if part:
            doc.sheet.merge(doc.row(ADJUSTMENT_HEADERS, bold=True), 6, 8)
        for n, a in enumerate(sorted(part, key=lambda a: a.months[0][0]), start=1):
            first = format_month(a.months[0][0])
            row = doc.row((n, a.name, a.birth, a.hamlet, first, a.net, None, None, months_text(a.months)))
            doc.sheet.merge(row, 6, 8)
    doc.closing(PREPARER, office.signer(ward))


def months_text(months: list[tuple[date, int]]) -> str:
    """'01/2025: 150.000 đ; 02/2025: 150.000 đ'."""
    return "; ".join(f"{format_month(m)}: {format_money(a)}" for m, a in months)


def _split(rows):
    """Cash rows (with every funeral support) and account rows (month + arrears)."""
    cash = [
        r if r.payment_method == PaymentMethod.CASH else replace(r, amount=0, arrears=0)
        for r in rows
        if r.payment_method == PaymentMethod.CASH or r.funeral
    ]
    bank = [
        replace(r, funeral=0)
        for r in rows
        if r.payment_method == PaymentMethod.ACCOUNT and r.amount + r.arrears
    ]
    return cash, bank


def accounts_without_bank(session: Session, scope: Scope, month: date, ward_id: int) -> list[str]:
    """Who the ward's bank transfer list of the month would pay into an account of no named bank."""
    return _without_bank(_split(payment_rows(session, scope, month, ward_id))[1])


def _without_bank(rows: list[PaymentRow]) -> list[str]:
    return [r.name for r in rows if not (r.bank_name or "").strip()]


def no_bank_message(names: list[str]) -> str:
    return (
        f"Chưa lập được danh sách chuyển khoản: {len(names)} người có số tài khoản nhưng chưa có tên ngân "
        f"hàng ({', '.join(names)}). Bổ sung ngân hàng trong chế độ hưởng của từng người (trang Trợ cấp "
        "hằng tháng) rồi tải lại."
    )


def cash_rows(session: Session, scope: Scope, month: date, ward_id: int):
    """The rows of the ward's cash list of the month, in the list's order (STT = position + 1)."""
    return _split(payment_rows(session, scope, month, ward_id))[0]


def ward_lists_xlsx(
    session: Session,
    scope: Scope,
    month: date,
    ward_id: int,
    sheets: tuple[str, ...] = ("cash", "bank", "changes"),
    *,
    day: date | None = None,
) -> bytes:
    """The ward's lists of the month as one workbook (``sheets``: any of cash, bank, changes), each a
    document of the ward's People's Committee dated ``day`` (None: dated by hand when signed)."""
    ward = _ward(session, scope, ward_id)
    office = Office.configured(day)
    cash, bank = _split(payment_rows(session, scope, month, ward_id))  # cash: as ``cash_rows``
    if "bank" in sheets and (names := _without_bank(bank)):
        raise Invalid(no_bank_message(names))
    book = Book()
    for sheet in sheets:
        if sheet == "cash":
            write_cash_sheet(book, office, ward.name, month, cash)
        elif sheet == "bank":
            write_bank_sheet(book, office, ward.name, month, bank)
        else:
            changed = changes(session, scope, month, ward_id)
            write_changes_sheet(
                book, office, ward.name, month, changed, adjustments(session, scope, month, ward_id)
            )
    return book.finish()
