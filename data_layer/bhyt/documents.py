"""The monthly list for the insurance agency as an .xlsx (``vn.document``), after the agency's list of
people whose card the State pays (D03-TS family; docs/bhyt.md): sections I. Tăng, II. Giảm, III. Điều
chỉnh with the columns of issue 24, the money total, then a summary per ward."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlmodel import Session

from data_layer.bhyt.lists import ListLine, WardList, month_status
from data_layer.core.codes import BhytSection, Gender
from data_layer.core.models import AdminUnit, Ward
from data_layer.vn.document import COUNT_FORMAT, PREPARER, Column, Document, Office
from data_layer.vn.formatting import format_date, format_month
from data_layer.vn.labels import label_of
from data_layer.vn.xlsx_writer import MONEY_FORMAT, Book

COLUMNS = [
    Column("STT", 4, horizontal="center"),
    Column("Họ và tên", 18, wrap=True),
    Column("Mã số BHXH", 11),
    Column("Số CCCD", 13),
    Column("Ngày sinh", 10, horizontal="center"),
    Column("Giới tính", 6, horizontal="center"),
    Column("Địa chỉ (thôn/tổ, xã/phường, tỉnh)", 22, wrap=True),
    Column("Mã đối tượng", 7, horizontal="center"),
    Column("Nơi KCB ban đầu", 14, wrap=True),
    Column("Từ tháng", 8, horizontal="center"),
    Column("Đến tháng", 8, horizontal="center"),
    Column("Số tiền đóng", 11, MONEY_FORMAT),
    Column("Ghi chú", 18, wrap=True),
]
SUMMARY_COLUMNS = [
    Column("STT", 5, horizontal="center"),
    Column("Phường/xã", 24, wrap=True),
    Column("Tăng (người)", 9, COUNT_FORMAT),
    Column("Giảm (người)", 9, COUNT_FORMAT),
    Column("Điều chỉnh (người)", 10, COUNT_FORMAT),
    Column("Số người có thẻ", 10, COUNT_FORMAT),
    Column("Số tiền đóng (đồng)", 14, MONEY_FORMAT),
]
SECTIONS = (BhytSection.INCREASE, BhytSection.DECREASE, BhytSection.ADJUSTMENT)
SECTION_TITLES = {
    BhytSection.INCREASE: "I. TĂNG",
    BhytSection.DECREASE: "II. GIẢM",
    BhytSection.ADJUSTMENT: "III. ĐIỀU CHỈNH",
}


def _places(session: Session, ward_ids: list[int]) -> dict[int, str]:
    """Each ward as the address ends: "Phường Đông Kinh, Tỉnh Lạng Sơn" (the province when known)."""
    rows = session.execute(
        select(Ward.id, Ward.name, AdminUnit.province)
        .outerjoin(AdminUnit, (AdminUnit.code == Ward.official_code) & (AdminUnit.era == "new"))
        .where(Ward.id.in_(ward_ids))
    ).all()
    return {wid: ", ".join(p for p in (name, province) if p) for wid, name, province in rows}


def _birth(line: ListLine) -> str:
    return format_date(line.birth_date) if line.birth_date else str(line.birth_year or "")


def _row(n: int, line: ListLine, place: str) -> tuple:
    return (
        n,
        line.name,
        line.social_insurance_no or "",
        line.national_id or "",
        _birth(line),
        label_of(Gender, line.gender) if line.gender else "",
        ", ".join(p for p in (line.hamlet, place) if p),
        line.card_type,
        line.clinic or "",
        format_month(line.from_month),
        format_month(line.to_month),
        line.premium,
        line.note or "",
    )


def list_xlsx(session: Session, lists: list[WardList], month: date, office: Office) -> bytes:
    """The month's list of one ward (the ward's People's Committee issues it) or of every ward given
    (the office issues it)."""
    book = Book()
    one = lists[0] if len(lists) == 1 else None
    places = _places(session, [w.ward_id for w in lists])
    doc = Document(book, "Danh sách", COLUMNS, landscape=True, freeze_header=True)
    ward_name = one.ward_name if one else None
    doc.letterhead(office, ward_name, office.number("DS", ward_name))
    status = {"locked": "Đã gửi cơ quan BHXH (đã khóa)", "open": "Đang lập (chưa gửi)"}
    doc.title(
        "DANH SÁCH NGƯỜI THAM GIA BẢO HIỂM Y TẾ DO NGÂN SÁCH NHÀ NƯỚC ĐÓNG",
        f"Tháng {format_month(month)} — {ward_name or 'các phường/xã'}",
        status.get(month_status(lists), "Một số phường/xã đã gửi, một số đang lập"),
    )
    doc.table_header()
    for section in SECTIONS:
        lines = [line for w in lists for line in w.section(section)]
        doc.section(f"{SECTION_TITLES[section]}: {len(lines)} người")
        for n, line in enumerate(lines, start=1):
            doc.row(_row(n, line, places.get(line.ward_id, "")))
    covered = sum(w.covered for w in lists)
    premium = sum(w.premium for w in lists)
    doc.row((None, f"Số người có thẻ trong tháng: {covered}", *[None] * 9, premium, None), bold=True)
    doc.closing(PREPARER, office.signer(ward_name))
    summary = Document(book, "Tổng hợp", SUMMARY_COLUMNS)
    summary.title("TỔNG HỢP TĂNG, GIẢM THẺ BẢO HIỂM Y TẾ", f"Tháng {format_month(month)}")
    summary.table_header()
    for n, w in enumerate(lists, start=1):
        f = w.figures()
        summary.row(
            (n, w.ward_name, f["increases"], f["decreases"], f["adjustments"], f["covered"], f["premium"])
        )
    totals = [
        sum(w.figures()[k] for w in lists)
        for k in ("increases", "decreases", "adjustments", "covered", "premium")
    ]
    summary.row((None, "Tổng cộng", *totals), bold=True)
    return book.finish()
