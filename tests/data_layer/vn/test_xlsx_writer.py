"""The streaming .xlsx writer and the document layout: what Excel, openpyxl and calamine read back."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from data_layer.vn.document import Column, Document, Office, place_and_date, text_lines
from data_layer.vn.xlsx import put, write_table
from data_layer.vn.xlsx_writer import MAX_CELL_CHARS, MONEY_FORMAT, Book, Page
from tests.data_layer.documents import assert_official_look, by_label, header_row, sheets

HOSTILE = ['=HYPERLINK("http://x","Bấm")', "+1", "-Khối", "@SUM(A1)", "=1+1", "-", "="]


def test_text_that_looks_like_a_formula_stays_text():
    book = Book()
    sheet = book.sheet("Thử", [20] * len(HOSTILE))
    sheet.append(HOSTILE)
    data = book.finish()
    cells = list(load_workbook(io.BytesIO(data)).active.iter_rows())[0]
    assert [c.value for c in cells] == HOSTILE and {c.data_type for c in cells} == {"s"}
    assert "<f>" not in zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    read = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    assert read[0] == HOSTILE  # what the importer (calamine) reads: the same text


def test_the_writer_keeps_what_openpyxl_put_kept():
    """Cell by cell, the new writer stores what the openpyxl helper (``put``) stores."""
    values = [*HOSTILE, "Ân\x07 Bình\x1b", "a\x00b", 'x<y>&"z"', 1_234_567, 0.5, -3, "  lề  "]
    book = Book()
    book.sheet("Thử", []).append(values)
    ours = list(load_workbook(io.BytesIO(book.finish())).active.iter_rows(values_only=True))[0]
    reference = load_workbook(io.BytesIO(_openpyxl_bytes(values))).active
    assert list(ours) == [c.value for c in reference[1]]
    assert "Ân Bình" in ours and "ab" in ours


def test_a_row_from_its_template_reads_back_as_one_written_cell_by_cell():
    """Rows of one shape go out through a kept template; a row with text to escape (or spaces at an
    end) goes cell by cell. Both read back the same, shape after shape, in openpyxl and calamine."""
    book = Book()
    money, plain = book.style(border=True, number_format=MONEY_FORMAT), book.style(border=True)
    styles = (plain, plain, money, money, plain, 0)
    rows = [
        [1, "Lò Văn Á", 600_000, Decimal("1.5"), None, None],
        [2, "Đinh Thị {0}", 0, 2.25, "", "=1+1"],  # braces are text, not template fields
        [3, "Lò Văn Á", -5, 7, None, None],  # the first row's shape again
    ]
    escaped = [[*row[:-1], v] for row, v in zip(rows, ["a&b", " lề", "<x>"], strict=True)]
    sheet = book.sheet("Thử", [10] * 6)
    for row in [*rows, *escaped]:
        sheet.append(row, styles)
    data = book.finish()
    ws = load_workbook(io.BytesIO(data)).active
    read = [[(c.value, c.number_format, c.border.left.style) for c in row] for row in ws.iter_rows()]
    for fast, slow in zip(read[:3], read[3:], strict=True):
        assert fast[:5] == slow[:5]
    assert [row[:5] for row in ws.iter_rows(max_row=3, values_only=True)] == [
        (1, "Lò Văn Á", 600_000, 1.5, None), (2, "Đinh Thị {0}", 0, 2.25, None), (3, "Lò Văn Á", -5, 7, None),
    ]  # fmt: skip
    assert [ws.cell(r, 6).value for r in range(1, 7)] == [None, "=1+1", None, "a&b", " lề", "<x>"]
    assert ws["B2"].data_type == "s" and read[1][4][2] == "thin"  # an empty text: a bordered empty cell
    calamine = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    assert [row[1] for row in calamine] == ["Lò Văn Á", "Đinh Thị {0}", "Lò Văn Á"] * 2


def _openpyxl_bytes(values: list) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    for column, value in enumerate(values, start=1):
        put(workbook.active, 1, column, value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_numbers_styles_and_limits():
    book = Book()
    money = book.style(border=True, number_format=MONEY_FORMAT)
    share = book.style(number_format="0.0", bold=True)
    sheet = book.sheet("Số", [12, 12, 12, 12])
    sheet.append([2_751_000_000, Decimal("1485600000"), 66.7, None], (money, money, share, money))
    sheet.append(["x" * (MAX_CELL_CHARS + 10)])
    with pytest.raises(TypeError, match="format it as text"):
        sheet.append([date(2026, 2, 1)])
    ws = load_workbook(io.BytesIO(book.finish())).active
    a1, b1, c1, d1 = ws[1]
    assert (a1.value, b1.value, c1.value) == (2_751_000_000, 1_485_600_000, 66.7)
    assert a1.number_format == "#,##0" and c1.number_format == "0.0" and c1.font.b
    assert d1.value is None and d1.border.left.style == "thin"  # an empty cell keeps its borders
    assert len(ws["A2"].value) == MAX_CELL_CHARS


def test_sheet_setup_round_trips():
    book = Book()
    sheet = book.sheet(
        "Ký nhận: [đợt 1]",
        [6, 20, 9],
        hidden=(3,),
        page=Page(landscape=True),
        freeze_rows=1,
        print_columns=2,
    )
    sheet.append(["STT", "Tên", "Mã"], height=30)
    sheet.append([1, "An", 7])
    sheet.merge(2, 1, 2)
    sheet.repeat_rows(1, 1)
    book.sheet("Ký nhận: [đợt 1]", [10]).append(["trang hai"])
    workbook = load_workbook(io.BytesIO(book.finish()))
    assert workbook.sheetnames == ["Ký nhận đợt 1", "Ký nhận đợt 1 (2)"]
    ws = workbook.worksheets[0]
    assert ws.column_dimensions["B"].width == 20 and ws.column_dimensions["C"].hidden
    assert ws.row_dimensions[1].height == 30 and ws.freeze_panes == "A2"
    assert ws.print_title_rows == "$1:$1" and ws.print_area == "'Ký nhận đợt 1'!$A$1:$B$2"
    assert int(ws.page_setup.paperSize) == 9 and ws.page_setup.orientation == "landscape"
    assert [str(r) for r in ws.merged_cells.ranges] == ["A2:B2"]
    assert {c.font.name for row in ws.iter_rows() for c in row if c.value} == {"Times New Roman"}


def test_document_letterhead_table_and_closing():
    book = Book()
    columns = [Column("STT", 5, horizontal="center"), Column("Nội dung", 33, wrap=True)]
    columns.append(Column("Thành tiền", 40, number_format=MONEY_FORMAT))
    doc = Document(book, "Báo cáo", columns)
    doc.letterhead(Office("UBND THÀNH PHỐ LẠNG SƠN", "Lạng Sơn", date(2026, 2, 5)), "Phường Đông Kinh")
    doc.title("BÁO CÁO", "Tết 2026")
    doc.table_header()
    long = "Thương binh, người hưởng chính sách như thương binh, bệnh binh; " * 3
    doc.row((1, long, 600_000))
    doc.row((None, "Tổng cộng", 600_000), bold=True)
    doc.closing([("Nơi nhận:", "heading")], [("TM. ỦY BAN NHÂN DÂN", "bold")])
    ws = sheets(book.finish())["Báo cáo"]
    assert_official_look(ws, ["ỦY BAN NHÂN DÂN", "PHƯỜNG ĐÔNG KINH"])  # the ward's committee, nobody above
    assert ws["C3"].value == "Lạng Sơn, ngày 05 tháng 02 năm 2026"
    rows = by_label(ws)
    wrapped = ws.cell(row=header_row(ws) + 1, column=2)
    assert wrapped.value == long and wrapped.alignment.wrap_text
    assert ws.row_dimensions[wrapped.row].height >= 4 * 17  # tall enough for the wrapped lines
    assert rows["Tổng cộng"][2] == 600_000 and ws.cell(row=wrapped.row + 1, column=2).font.b


def test_place_and_date_follow_the_decree():
    assert place_and_date("Lạng Sơn", date(2026, 2, 5)) == "Lạng Sơn, ngày 05 tháng 02 năm 2026"
    assert place_and_date("Lạng Sơn", date(2026, 11, 26)) == "Lạng Sơn, ngày 26 tháng 11 năm 2026"
    assert place_and_date("", None) == "……, ngày …… tháng …… năm ……"
    assert Office("UBND THÀNH PHỐ").issuers() == ("UBND THÀNH PHỐ",)
    assert Office("UBND THÀNH PHỐ").issuers("Xã Mai Pha") == ("ỦY BAN NHÂN DÂN", "XÃ MAI PHA")
    assert Office("UBND THÀNH PHỐ").signer()[:2] == [("TM. ỦY BAN NHÂN DÂN", "bold"), ("CHỦ TỊCH", "bold")]
    assert Office("SỞ Y TẾ").signer()[0] == ("THỦ TRƯỞNG ĐƠN VỊ", "bold")
    assert Office("SỞ Y TẾ").signer("Xã Mai Pha")[1] == ("CHỦ TỊCH", "bold")


def test_wrapped_lines_are_estimated_generously():
    assert text_lines("Hộ nghèo", 17) == 1
    assert text_lines("Người hoạt động kháng chiến bị nhiễm chất độc hóa học", 17) == 4
    assert text_lines("x" * 100, 10) >= 10  # a word longer than the column breaks inside


def test_the_openpyxl_helpers_still_write_tables():
    """The import error report still builds its table with ``write_table`` (openpyxl)."""
    from openpyxl import Workbook

    workbook = Workbook()
    assert write_table(workbook.active, ["Dòng", "Nội dung"], [(1, "=x")]) == 3
    assert workbook.active["B2"].data_type == "s"
