"""The round's files, through ``vn.document``: the report (.xlsx: wards in tonnes with three decimals,
then the households in kg) and the signing list of a ward, one sheet per hamlet (name, people, kg,
signature)."""

from __future__ import annotations

from itertools import groupby

from sqlmodel import Session

from data_layer.core.access import Scope
from data_layer.core.codes import Poverty, ReliefReason
from data_layer.core.models import ReliefRound, Ward
from data_layer.relief.figures import hamlet_figures, round_figures, totals
from data_layer.relief.households import list_households
from data_layer.relief.rounds import get_round
from data_layer.vn.document import COUNT_FORMAT, RECIPIENTS, TONNES_FORMAT, Column, Document, Office
from data_layer.vn.formatting import format_date
from data_layer.vn.labels import label_of
from data_layer.vn.xlsx_writer import Book


def _figure_columns(unit: Column) -> list[Column]:
    """A round's figures per ``unit`` (ward or hamlet): households, people and tonnes."""
    return [
        Column("STT", 5, horizontal="center"),
        unit,
        Column("Số hộ", 8, COUNT_FORMAT),
        Column("Số người thiếu đói", 10, COUNT_FORMAT),
        Column("Gạo đề nghị (tấn)", 10, TONNES_FORMAT),
        Column("Gạo được duyệt (tấn)", 10, TONNES_FORMAT),
        Column("Gạo đã cấp (tấn)", 10, TONNES_FORMAT),
    ]


WARD_COLUMNS = _figure_columns(Column("Phường/xã", 24, wrap=True))
HAMLET_COLUMNS = _figure_columns(Column("Thôn/Tổ", 22, wrap=True))
HOUSEHOLD_COLUMNS = [
    Column("STT", 5, horizontal="center"),
    Column("Phường/xã", 16, wrap=True),
    Column("Thôn/Tổ", 12, wrap=True),
    Column("Họ tên chủ hộ", 22, wrap=True),
    Column("Số CCCD", 14),
    Column("Hộ nghèo/cận nghèo", 11, wrap=True),
    Column("Số nhân khẩu", 8, COUNT_FORMAT),
    Column("Số người thiếu đói", 8, COUNT_FORMAT),
    Column("Gạo đề nghị (kg)", 9, COUNT_FORMAT),
    Column("Gạo được duyệt (kg)", 9, COUNT_FORMAT),
    Column("Gạo đã nhận (kg)", 9, COUNT_FORMAT),
    Column("Ngày nhận", 11, horizontal="center"),
]
SIGNING_COLUMNS = [
    Column("STT", 5, horizontal="center"),
    Column("Họ tên chủ hộ", 26, wrap=True),
    Column("Số người thiếu đói", 9, COUNT_FORMAT),
    Column("Số gạo (kg)", 9, COUNT_FORMAT),
    Column("Ký nhận", 26),
]


def _t(kg: int) -> float:
    return kg / 1000


def _round_line(relief: ReliefRound) -> str:
    return (
        f"{relief.name} ({label_of(ReliefReason, relief.reason)}, {relief.months} tháng × "
        f"{relief.kg_per_person} kg/người/tháng, từ {format_date(relief.start_date)})"
    )


def report_xlsx(session: Session, scope: Scope, round_id: int, office: Office) -> bytes:
    """The round's report: per ward households, people and tonnes requested / approved / delivered
    with the total; then every household in kg."""
    relief = get_round(session, round_id)
    figures = round_figures(session, scope, round_id)
    book = Book()
    doc = Document(book, "Tổng hợp", WARD_COLUMNS)
    doc.letterhead(office, None, "Số: ……/BC-……")
    doc.title("BÁO CÁO KẾT QUẢ HỖ TRỢ GẠO CỨU ĐÓI", _round_line(relief))
    doc.table_header()
    for n, w in enumerate(figures["by_ward"], start=1):
        doc.row((n, w["name"], w["households"], w["people"], *(_t(w[k]) for k in KG)))
    doc.row(
        (None, "Tổng cộng", figures["households"], figures["people"], *(_t(figures[k]) for k in KG)),
        bold=True,
    )
    doc.closing(RECIPIENTS, [("THỦ TRƯỞNG ĐƠN VỊ", "bold"), ("(Ký tên, đóng dấu)", "note")])
    _hamlet_sheet(book, hamlet_figures(session, scope, round_id), relief)
    doc = Document(book, "Danh sách hộ", HOUSEHOLD_COLUMNS, landscape=True, freeze_header=True)
    doc.title("DANH SÁCH HỘ THIẾU ĐÓI ĐƯỢC HỖ TRỢ GẠO", _round_line(relief))
    doc.table_header()
    for n, h in enumerate(list_households(session, scope, round_id), start=1):
        doc.row(
            (
                n,
                h.ward,
                h.hamlet or "",
                h.head_name,
                h.national_id or "",
                label_of(Poverty, h.poverty),
                h.household_size,
                h.people_lacking_food,
                h.kg_requested,
                h.kg_approved,
                h.kg_delivered,
                format_date(h.delivered_on),
            )
        )
    return book.finish()


KG = ("kg_requested", "kg_approved", "kg_delivered")


def _hamlet_sheet(book: Book, lines: list[dict], relief: ReliefRound) -> None:
    """Per ward, its hamlets' households, people and tonnes, and the ward's total under them."""
    doc = Document(book, "Theo thôn, tổ", HAMLET_COLUMNS)
    doc.title("SỐ LIỆU HỖ TRỢ GẠO THEO THÔN, TỔ DÂN PHỐ", _round_line(relief))
    doc.table_header()
    for ward, group in groupby(lines, key=lambda line: line["ward_name"]):
        group = list(group)
        doc.section(ward)
        for n, line in enumerate(group, start=1):
            doc.row((n, line["hamlet"], line["households"], line["people"], *(_t(line[k]) for k in KG)))
        ward_total = totals(group)
        doc.row(
            (
                None,
                f"Cộng {ward}",
                ward_total["households"],
                ward_total["people"],
                *(_t(ward_total[k]) for k in KG),
            ),
            bold=True,
        )


def signing_list_xlsx(session: Session, scope: Scope, round_id: int, ward_id: int, office: Office) -> bytes:
    """The ward's signing list, one sheet per hamlet: head, people lacking food, approved kg (requested
    while not approved), a signature; the hamlet's total under it."""
    relief = get_round(session, round_id)
    ward = session.get(Ward, ward_id)
    households = list_households(session, scope, round_id, ward_id)
    book = Book()
    for hamlet, group in groupby(households, key=lambda h: h.hamlet or ""):
        group = list(group)
        doc = Document(book, (hamlet or "Không ghi thôn")[:31], SIGNING_COLUMNS)
        doc.letterhead(office, ward.name)
        doc.title(
            "DANH SÁCH KÝ NHẬN GẠO CỨU ĐÓI",
            _round_line(relief),
            f"{hamlet or 'Không ghi thôn/tổ'} — {ward.name}",
        )
        doc.table_header()
        for n, h in enumerate(group, start=1):
            doc.row(
                (n, h.head_name, h.people_lacking_food, h.kg_approved or h.kg_requested, ""), min_height=30
            )
        kg = sum(h.kg_approved or h.kg_requested for h in group)
        doc.row((None, "Cộng", sum(h.people_lacking_food for h in group), kg, ""), bold=True)
        doc.closing(
            [("NGƯỜI LẬP DANH SÁCH", "bold"), ("(Ký, ghi rõ họ tên)", "note")],
            [("TRƯỞNG THÔN/TỔ DÂN PHỐ", "bold"), ("(Ký, ghi rõ họ tên)", "note")],
        )
    if not households:
        doc = Document(book, "Danh sách", SIGNING_COLUMNS)
        doc.title("DANH SÁCH KÝ NHẬN GẠO CỨU ĐÓI", _round_line(relief), "Chưa có hộ nào trong đợt.")
    return book.finish()
