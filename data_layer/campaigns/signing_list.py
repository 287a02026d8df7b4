"""Signing list (danh sách ký nhận) as printable A4 .xlsx, and reading it back once people have signed.

The sheet carries a hidden "Mã suất" column (the allocation id); a clerk writes "x" or the date
in "Đã nhận" and uploads the file: those allocations are marked delivered (round trip).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import select
from sqlmodel import Session

from data_layer.campaigns.delivery import allocation_rows, mark_delivered
from data_layer.campaigns.setup import campaign_or_missing
from data_layer.core.access import Scope
from data_layer.core.codes import AllocationStatus
from data_layer.core.models import Allocation, BeneficiaryCategory, Category
from data_layer.core.settings import get_settings
from data_layer.importing.file_errors import FileReadError
from data_layer.importing.reader import read_sheets
from data_layer.vn.text import fold
from data_layer.vn.values import CellError, parse_date
from data_layer.vn.xlsx import MONEY_FORMAT, put, to_bytes

HEADERS = ["STT", "Họ và tên", "Năm sinh", "Địa chỉ", "Đối tượng", "Mức quà", "Ký nhận", "Đã nhận", "Mã suất"]
WIDTHS = [6, 26, 9, 20, 24, 13, 16, 10, 9]
THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
ID_HEADER, RECEIVED_HEADER = "ma suat", "da nhan"


def _category_names(session: Session, person_ids: list[int]) -> dict[int, str]:
    names: dict[int, list[str]] = defaultdict(list)
    for start in range(0, len(person_ids), 5000):
        for person_id, name in session.execute(
            select(BeneficiaryCategory.beneficiary_id, Category.name)
            .join(Category, Category.id == BeneficiaryCategory.category_id)
            .where(BeneficiaryCategory.beneficiary_id.in_(person_ids[start : start + 5000]))
        ):
            names[person_id].append(name)
    return {pid: "; ".join(sorted(n)) for pid, n in names.items()}


def signing_list_xlsx(
    session: Session,
    scope: Scope,
    campaign_id: int,
    *,
    ward_id: int | None = None,
    hamlet: str | None = None,
    package_id: int | None = None,
) -> bytes:
    """The printable signing list of a campaign for a ward (and optionally one hamlet or package)."""
    campaign = campaign_or_missing(session, campaign_id)
    rows = allocation_rows(session, scope, campaign_id, ward_id=ward_id, hamlet=hamlet, package_id=package_id)
    categories = _category_names(session, sorted({r.beneficiary_id for r in rows}))
    workbook = Workbook()
    ws = workbook.active
    ws.title = "Ký nhận"
    place = ", ".join(sorted({r.ward for r in rows})) or "…"
    put(ws, 1, 1, get_settings().org_name).font = Font(bold=True)
    put(ws, 2, 1, "DANH SÁCH KÝ NHẬN QUÀ").font = Font(bold=True, size=14)
    put(ws, 3, 1, campaign.name).font = Font(bold=True)
    scope_line = f"Phường/xã: {place}" + (f" – Thôn/tổ: {hamlet}" if hamlet else "")
    if package_id is not None and rows:
        scope_line += f" – {rows[0].source}: {rows[0].package}"
    put(ws, 4, 1, scope_line)
    for r in range(2, 5):
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=7)
        ws.cell(row=r, column=1).alignment = Alignment(horizontal="center")
    header_row = 6
    for c, header in enumerate(HEADERS, start=1):
        cell = put(ws, header_row, c, header)
        cell.font, cell.border = Font(bold=True), BOX
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    r = header_row
    for r, row in enumerate(rows, start=header_row + 1):
        values = [
            r - header_row,
            row.name,
            row.birth_year,
            row.hamlet,
            categories.get(row.beneficiary_id, ""),
            row.amount,
            None,
            "x" if row.status == AllocationStatus.DELIVERED else None,
            row.id,
        ]
        for c, value in enumerate(values, start=1):
            put(ws, r, c, value).border = BOX
        ws.cell(row=r, column=6).number_format = MONEY_FORMAT
        ws.row_dimensions[r].height = 24
    total_row = r + 1
    put(ws, total_row, 2, f"Tổng cộng: {len(rows)} suất").font = Font(bold=True)
    total = put(ws, total_row, 6, sum(row.amount for row in rows))
    total.font, total.number_format = Font(bold=True), MONEY_FORMAT
    put(ws, total_row + 2, 5, "…, ngày … tháng … năm …").font = Font(italic=True)
    put(ws, total_row + 3, 2, "Người lập danh sách").font = Font(bold=True)
    put(ws, total_row + 3, 5, "TM. ỦY BAN NHÂN DÂN").font = Font(bold=True)
    _print_setup(ws, header_row)
    return to_bytes(workbook)


def _print_setup(ws: Worksheet, header_row: int) -> None:
    for c, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[ws.cell(row=header_row, column=c).column_letter].width = width
    ws.column_dimensions["I"].hidden = True
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_PORTRAIT
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_area = f"A1:H{ws.max_row}"


@dataclass
class SignedListResult:
    delivered: int = 0
    errors: list[dict] = field(default_factory=list)


def _received_on(value: object, default: date) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, str) and fold(value) in ("x", "v", "co", "da nhan", "✓"):
        return default
    received, _year = parse_date(value)
    if received is None:
        raise CellError(f"Ô 'Đã nhận' ghi '{value}': cần 'x' hoặc ngày nhận dd/mm/yyyy.")
    return received


def import_signed_list(
    session: Session,
    scope: Scope,
    data: bytes,
    file_name: str,
    *,
    default_date: date,
    delivered_by: str | None = None,
) -> SignedListResult:
    """Mark delivered every allocation whose "Đã nhận" cell holds 'x' (→ default_date) or a date."""
    sheets = read_sheets(data, file_name, max_bytes=get_settings().max_upload_bytes)
    for sheet in sheets:
        for index, row in enumerate(sheet.rows[:40]):
            keys = [fold(v) if isinstance(v, str) else "" for v in row]
            if ID_HEADER in keys and RECEIVED_HEADER in keys:
                return _apply_signed_rows(
                    session,
                    scope,
                    sheet.rows[index + 1 :],
                    index + 2,
                    keys.index(ID_HEADER),
                    keys.index(RECEIVED_HEADER),
                    default_date,
                    delivered_by,
                )
    raise FileReadError("Không thấy cột 'Mã suất' và 'Đã nhận': hãy dùng danh sách ký nhận tải từ An Sinh.")


def _apply_signed_rows(
    session: Session,
    scope: Scope,
    rows: list[list],
    first_row: int,
    id_col: int,
    received_col: int,
    default_date: date,
    delivered_by: str | None,
) -> SignedListResult:
    result = SignedListResult()
    by_date: dict[date, list[int]] = defaultdict(list)
    row_of: dict[int, int] = {}
    for number, row in enumerate(rows, start=first_row):
        raw_id = row[id_col] if id_col < len(row) else None
        if raw_id in (None, ""):
            continue
        try:
            received = _received_on(row[received_col] if received_col < len(row) else None, default_date)
        except CellError as exc:
            result.errors.append({"row": number, "column": "Đã nhận", "message": str(exc)})
            continue
        try:
            allocation_id = int(float(raw_id))
        except (TypeError, ValueError):
            result.errors.append(
                {"row": number, "column": "Mã suất", "message": f"Mã suất '{raw_id}' không hợp lệ."}
            )
            continue
        if received is not None:
            by_date[received].append(allocation_id)
            row_of[allocation_id] = number
    wanted = [i for ids in by_date.values() for i in ids]
    status_of = dict(
        session.execute(
            select(Allocation.id, Allocation.status).where(
                Allocation.id.in_(wanted), scope.ward_clause(Allocation.ward_id)
            )
        ).all()
    )
    for day, ids in sorted(by_date.items()):
        for allocation_id in ids:  # the same answer whether the id is another ward's or does not exist
            if allocation_id not in status_of:
                result.errors.append(
                    {
                        "row": row_of[allocation_id],
                        "column": "Mã suất",
                        "message": "Mã suất không có trong danh sách của bạn.",
                    }
                )
        pending = [i for i in ids if status_of.get(i) not in (None, AllocationStatus.DELIVERED)]
        result.delivered += mark_delivered(session, scope, pending, on=day, by=delivered_by)
    return result
