"""Signing list (danh sách ký nhận) as printable A4 .xlsx, and reading it back once people have signed.

The sheet carries a hidden "Mã suất" column (the allocation id); a clerk writes "x" or the date
in "Đã nhận" and uploads the file: those allocations are marked delivered (round trip).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlmodel import Session

from data_layer.campaigns.delivery import allocation_rows, mark_delivered
from data_layer.campaigns.setup import campaign_or_missing
from data_layer.core.access import Scope
from data_layer.core.codes import AllocationStatus
from data_layer.core.models import Allocation, BeneficiaryCategory, Category, Ward
from data_layer.core.settings import get_settings
from data_layer.sheets.file_errors import FileReadError
from data_layer.sheets.reader import read_sheets
from data_layer.vn.document import Column, Document, Office, place_and_date
from data_layer.vn.formatting import format_count
from data_layer.vn.text import fold
from data_layer.vn.values import CellError, parse_date
from data_layer.vn.xlsx_writer import MONEY_FORMAT, Book

COLUMNS = [  # 78 characters printed: A4 portrait at (nearly) full size
    Column("STT", 5, horizontal="center"),
    Column("Họ và tên", 18, wrap=True),
    Column("Năm sinh", 6, horizontal="center"),
    Column("Địa chỉ", 9, wrap=True),
    Column("Đối tượng", 17, wrap=True),
    Column("Mức quà", 10, number_format=MONEY_FORMAT),
    Column("Ký nhận", 13),
    Column("Đã nhận", 8, horizontal="center"),  # for the clerk on screen, not printed
    Column("Mã suất", 9),  # hidden: the allocation id read back from the signed copy
]
PRINTED, SIGNING_ROW_POINTS = 7, 32
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


def _ward_name(session: Session, scope: Scope, ward_id: int | None, rows: list) -> str | None:
    """The one ward the list is for (None when it spans several), never a ward outside the scope."""
    if ward_id is not None:
        return session.execute(
            select(Ward.name).where(Ward.id == ward_id, scope.ward_clause(Ward.id))
        ).scalar_one_or_none()
    names = {r.ward for r in rows}
    return names.pop() if len(names) == 1 else None


def signing_list_xlsx(
    session: Session,
    scope: Scope,
    campaign_id: int,
    *,
    ward_id: int | None = None,
    hamlet: str | None = None,
    package_id: int | None = None,
) -> bytes:
    """The printable A4 signing list of a campaign for a ward (optionally one hamlet or package)."""
    campaign = campaign_or_missing(session, campaign_id)
    rows = allocation_rows(session, scope, campaign_id, ward_id=ward_id, hamlet=hamlet, package_id=package_id)
    categories = _category_names(session, sorted({r.beneficiary_id for r in rows}))
    ward = _ward_name(session, scope, ward_id, rows)
    office = Office.configured()  # the date is written by hand on the day of the handover
    total = sum(row.amount for row in rows)
    book = Book()
    doc = Document(book, "Ký nhận", COLUMNS, printed=PRINTED, hidden=(9,))
    doc.letterhead(office, ward)
    place = ward or ", ".join(sorted({r.ward for r in rows})) or "…"
    scope_line = f"Phường/xã: {place}" if not ward else ward
    scope_line += f" – Thôn/tổ: {hamlet}" if hamlet else ""
    if package_id is not None and rows:
        scope_line += f" – {rows[0].source}: {rows[0].package}"
    doc.title("DANH SÁCH KÝ NHẬN QUÀ", campaign.name, scope_line)
    doc.table_header()
    for number, row in enumerate(rows, start=1):
        received = "x" if row.status == AllocationStatus.DELIVERED else None
        values = (number, row.name, row.birth_year, row.hamlet, categories.get(row.beneficiary_id))
        doc.row((*values, row.amount, None, received, row.id), min_height=SIGNING_ROW_POINTS)
    totals = doc.row((None, f"Tổng cộng: {format_count(len(rows))} suất", None, None, None, total), bold=True)
    doc.sheet.merge(totals, 2, 5)
    doc.sheet.merge(totals, 6, 7)  # a ward's total needs more room than one gift's amount
    doc.closing(
        [("", "plain"), ("NGƯỜI LẬP DANH SÁCH", "bold"), ("(Ký, ghi rõ họ tên)", "note")],
        [(place_and_date(office.place, None), "italic"), *office.signer(ward)],
    )
    return book.finish()


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
