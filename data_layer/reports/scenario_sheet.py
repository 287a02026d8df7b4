"""A budget scenario's figures as an .xlsx document: packages, totals per source against caps, wards."""

from __future__ import annotations

from datetime import date

from data_layer.vn.document import Column, Document, Office
from data_layer.vn.xlsx_writer import MONEY_FORMAT, Book

COLUMNS = [  # 76 characters: A4 portrait at full size; the three tables share them
    Column("STT", 5, horizontal="center"),
    Column("Nguồn: mức quà", 26, wrap=True),
    Column("Số tiền/suất", 14, number_format=MONEY_FORMAT),
    Column("Số suất", 15, number_format=MONEY_FORMAT),
    Column("Thành tiền", 16, number_format=MONEY_FORMAT),
]


def scenario_xlsx(name: str, result: dict, source_names: dict[str, str] | None = None) -> bytes:
    """A scenario's figures: packages, then totals per source against caps, then per ward. Sources
    are shown by name (``source_names``: code → name)."""
    names = source_names or {}
    book = Book()
    doc = Document(book, "Phương án", COLUMNS)
    doc.letterhead(Office.configured(date.today()))
    doc.title("PHƯƠNG ÁN DỰ TOÁN KINH PHÍ TẶNG QUÀ", name)
    doc.table_header()
    for n, p in enumerate(result["packages"], start=1):
        doc.row(
            (n, f"{names.get(p['source'], p['source'])}: {p['label']}", p["amount"], p["count"], p["total"])
        )
    doc.row((None, "Tổng cộng", None, result["total_count"], result["total"]), bold=True)
    doc.sheet.skip()
    doc.row((None, "Nguồn kinh phí", "Trần dự toán", "Thành tiền", "Vượt (+)/còn (−)"), bold=True)
    for n, s in enumerate(result["sources"], start=1):
        doc.row((n, names.get(s["source"], s["source"]), s["cap"], s["total"], s["over"]))
    doc.sheet.skip()
    doc.row((None, "Phường/xã", None, "Số suất", "Thành tiền"), bold=True)
    for n, w in enumerate(result["wards"], start=1):
        doc.row((n, w["ward"], None, w["count"], w["total"]))
    doc.closing(
        [("NGƯỜI LẬP", "bold"), ("(Ký, ghi rõ họ tên)", "note")],
        [("THỦ TRƯỞNG ĐƠN VỊ", "bold"), ("(Ký tên, đóng dấu)", "note")],
    )
    return book.finish()
