"""The files a ward sends with the money to the payment agent (.xlsx, A4, header rows repeated on every
printed page): the cash list people sign, the bank transfer list, and the changes report (báo cáo
tăng/giảm, with arrears and recoveries). Funeral support is always in the cash list: it is paid to
whoever arranged the burial."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.worksheet.worksheet import Worksheet
from sqlmodel import Session

from data_layer.allowance.payroll_details import adjustments, changes, payment_rows
from data_layer.core.access import Scope
from data_layer.core.codes import LineKind, PaymentMethod
from data_layer.core.errors import NotFound
from data_layer.core.models import Ward
from data_layer.vn import labels
from data_layer.vn.formatting import format_money, format_month
from data_layer.vn.xlsx import MONEY_FORMAT, put, to_bytes

THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CASH_HEADERS = [
    "STT", "Họ và tên", "Ngày/năm sinh", "Thôn/tổ", "Diện hưởng", "Trợ cấp tháng", "Truy lĩnh",
    "Hỗ trợ mai táng", "Tổng số tiền", "Người nhận thay", "Ký nhận",
]  # fmt: skip
CASH_WIDTHS = [5, 24, 11, 14, 9, 12, 11, 12, 13, 16, 16]
BANK_HEADERS = ["STT", "Họ và tên", "Số CCCD", "Số tài khoản", "Ngân hàng", "Số tiền", "Nội dung"]
BANK_WIDTHS = [5, 26, 15, 18, 20, 14, 30]
CHANGE_HEADERS = ["STT", "Họ và tên", "Ngày/năm sinh", "Thôn/tổ", "Mức tháng trước", "Mức tháng này", "Lý do"]
CHANGE_WIDTHS = [5, 24, 11, 14, 14, 14, 46]
ADJUSTMENT_HEADERS = ["STT", "Họ và tên", "Ngày/năm sinh", "Thôn/tổ", "Số tiền", "Các tháng (chênh lệch)"]


def _ward(session: Session, scope: Scope, ward_id: int) -> Ward:
    ward = session.get(Ward, ward_id)
    if ward is None or not scope.may_see_ward(ward_id):
        raise NotFound("Không tìm thấy phường/xã này hoặc bạn không có quyền.")
    return ward


def _title(ws: Worksheet, lines: list[str], width: int) -> int:
    """The ward and title lines above a table; returns the header row."""
    for number, line in enumerate(lines, start=1):
        cell = put(ws, number, 1, line)
        cell.font = Font(bold=True, size=13 if number == 2 else 11)
        if number > 1:
            ws.merge_cells(start_row=number, start_column=1, end_row=number, end_column=width)
            cell.alignment = Alignment(horizontal="center")
    return len(lines) + 2


def _table(
    ws: Worksheet, header_row: int, headers: list[str], rows: list[list], money_columns: set[int]
) -> int:
    """Boxed header and rows; returns the row after the last."""
    for c, header in enumerate(headers, start=1):
        cell = put(ws, header_row, c, header)
        cell.font, cell.border = Font(bold=True), BOX
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    r = header_row
    for r, values in enumerate(rows, start=header_row + 1):
        for c, value in enumerate(values, start=1):
            cell = put(ws, r, c, value)
            cell.border = BOX
            cell.alignment = Alignment(vertical="center", wrap_text=True)
            if c in money_columns:
                cell.number_format = MONEY_FORMAT
        ws.row_dimensions[r].height = 30
    return r + 1


def _print_setup(ws: Worksheet, header_row: int, widths: list[int], *, landscape: bool) -> None:
    for c, width in enumerate(widths, start=1):
        ws.column_dimensions[ws.cell(row=header_row, column=c).column_letter].width = width
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE if landscape else ws.ORIENTATION_PORTRAIT
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)


def _signatures(ws: Worksheet, row: int, columns: tuple[int, int, int]) -> None:
    put(ws, row, columns[2], "…, ngày … tháng … năm …").font = Font(italic=True)
    for column, text in zip(columns, ("Người lập biểu", "Kế toán", "TM. ỦY BAN NHÂN DÂN"), strict=True):
        put(ws, row + 1, column, text).font = Font(bold=True)


def write_cash_sheet(ws: Worksheet, ward: Ward, month: date, rows) -> None:
    """The cash list people sign: month, arrears, funeral support, total, proxy, signature."""
    ws.title = "Tiền mặt"
    title = "DANH SÁCH CHI TRẢ TRỢ CẤP XÃ HỘI HẰNG THÁNG BẰNG TIỀN MẶT"
    header_row = _title(ws, [f"UBND {ward.name.upper()}", title, f"Tháng {format_month(month)}"], 11)
    values = [
        [
            n,
            r.name,
            r.birth,
            r.hamlet or "",
            r.groups,
            r.amount,
            r.arrears,
            r.funeral,
            r.total,
            r.proxy_name or "",
            "",
        ]
        for n, r in enumerate(rows, start=1)
    ]
    after = _table(ws, header_row, CASH_HEADERS, values, {6, 7, 8, 9})
    put(ws, after, 2, f"Tổng cộng: {len(rows)} người").font = Font(bold=True)
    for column, total in zip((6, 7, 8, 9), _sums(rows), strict=True):
        cell = put(ws, after, column, total)
        cell.font, cell.number_format = Font(bold=True), MONEY_FORMAT
    _signatures(ws, after + 2, (2, 5, 9))
    _print_setup(ws, header_row, CASH_WIDTHS, landscape=True)


def _sums(rows) -> list[int]:
    return [
        sum(r.amount for r in rows),
        sum(r.arrears for r in rows),
        sum(r.funeral for r in rows),
        sum(r.total for r in rows),
    ]


def write_bank_sheet(ws: Worksheet, ward: Ward, month: date, rows) -> None:
    """The transfer list for the bank: account number, bank, amount (month + arrears)."""
    ws.title = "Chuyển khoản"
    title = "DANH SÁCH CHI TRẢ TRỢ CẤP XÃ HỘI HẰNG THÁNG QUA TÀI KHOẢN"
    header_row = _title(ws, [f"UBND {ward.name.upper()}", title, f"Tháng {format_month(month)}"], 7)
    note = f"Tro cap thang {format_month(month)}"
    values = [
        [
            n,
            r.name,
            r.national_id or "",
            r.account_number or "",
            r.bank_name or "",
            r.amount + r.arrears,
            note,
        ]
        for n, r in enumerate(rows, start=1)
    ]
    after = _table(ws, header_row, BANK_HEADERS, values, {6})
    put(ws, after, 2, f"Tổng cộng: {len(rows)} người").font = Font(bold=True)
    total = put(ws, after, 6, sum(r.amount + r.arrears for r in rows))
    total.font, total.number_format = Font(bold=True), MONEY_FORMAT
    _signatures(ws, after + 2, (2, 4, 6))
    _print_setup(ws, header_row, BANK_WIDTHS, landscape=False)


def write_changes_sheet(ws: Worksheet, ward: Ward, month: date, changed, adjusted) -> None:
    """Báo cáo tăng/giảm: added, removed, changed amounts, then arrears and recoveries by month."""
    ws.title = "Tăng giảm"
    title = "BÁO CÁO TĂNG, GIẢM ĐỐI TƯỢNG HƯỞNG TRỢ CẤP XÃ HỘI HẰNG THÁNG"
    row = _title(ws, [f"UBND {ward.name.upper()}", title, f"Tháng {format_month(month)}"], 7)
    sections = [
        ("I. Tăng (hưởng mới, hưởng lại)", "added"),
        ("II. Giảm (dừng, tạm dừng hưởng)", "removed"),
        ("III. Thay đổi mức hưởng", "changed"),
    ]
    for heading, kind in sections:
        part = [c for c in changed if c.change == kind]
        put(ws, row, 1, f"{heading}: {len(part)} người").font = Font(bold=True)
        values = [
            [n, c.name, c.birth, c.hamlet or "", c.before, c.after, c.reason]
            for n, c in enumerate(part, start=1)
        ]
        row = _table(ws, row + 1, CHANGE_HEADERS, values, {5, 6}) + 1
    for heading, kind in (("IV. Truy lĩnh", LineKind.ARREARS), ("V. Truy thu", LineKind.RECOVERY)):
        part = [a for a in adjusted if a.kind == kind]
        put(
            ws, row, 1, f"{heading}: {len(part)} người, {format_money(sum(a.net for a in part))}"
        ).font = Font(bold=True)
        values = [
            [n, a.name, a.birth, a.hamlet or "", a.net, months_text(a.months)]
            for n, a in enumerate(part, start=1)
        ]
        row = _table(ws, row + 1, ADJUSTMENT_HEADERS, values, {5}) + 1
    _signatures(ws, row + 1, (2, 4, 7))
    for c, width in enumerate(CHANGE_WIDTHS, start=1):
        ws.column_dimensions[ws.cell(row=1, column=c).column_letter].width = width
    ws.page_setup.paperSize, ws.page_setup.orientation = ws.PAPERSIZE_A4, ws.ORIENTATION_PORTRAIT
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


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


def cash_rows(session: Session, scope: Scope, month: date, ward_id: int):
    """The rows of the ward's cash list of the month, in the list's order (STT = position + 1)."""
    return _split(payment_rows(session, scope, month, ward_id))[0]


def ward_lists_xlsx(
    session: Session,
    scope: Scope,
    month: date,
    ward_id: int,
    sheets: tuple[str, ...] = ("cash", "bank", "changes"),
) -> bytes:
    """The ward's lists of the month as one workbook (``sheets``: any of cash, bank, changes)."""
    ward = _ward(session, scope, ward_id)
    cash, bank = _split(payment_rows(session, scope, month, ward_id))  # cash: as ``cash_rows``
    workbook = Workbook()
    workbook.remove(workbook.active)
    for sheet in sheets:
        ws = workbook.create_sheet()
        if sheet == "cash":
            write_cash_sheet(ws, ward, month, cash)
        elif sheet == "bank":
            write_bank_sheet(ws, ward, month, bank)
        else:
            write_changes_sheet(
                ws,
                ward,
                month,
                changes(session, scope, month, ward_id),
                adjustments(session, scope, month, ward_id),
            )
    workbook.properties.title = f"Chi trả trợ cấp tháng {format_month(month)} – {ward.name}"
    return to_bytes(workbook)


def method_label(method: str) -> str:
    return labels.label_of(PaymentMethod, method)
