"""Reading back the documents An Sinh writes (openpyxl): their table and the official look."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from data_layer.vn.document import MOTTO, NATIONAL_NAME


def sheets(data: bytes) -> dict[str, Worksheet]:
    """The workbook's sheets by name."""
    workbook = load_workbook(io.BytesIO(data))
    return {ws.title: ws for ws in workbook.worksheets}


def header_row(ws: Worksheet) -> int:
    """The row of the table's header (its first cell reads "STT")."""
    return next(row[0].row for row in ws.iter_rows() if row[0].value == "STT")


def table(ws: Worksheet) -> list[list]:
    """The table under the header row, up to the first row whose cells are all empty."""
    rows = []
    for row in ws.iter_rows(min_row=header_row(ws) + 1):
        values = [c.value for c in row]
        if all(v is None for v in values):
            break
        rows.append(values)
    return rows


def by_label(ws: Worksheet, column: int = 1) -> dict[str, list]:
    """The table's rows keyed by the text in ``column`` (0-based)."""
    return {row[column]: row for row in table(ws) if isinstance(row[column], str)}


def assert_official_look(ws: Worksheet, issuers: list[str], *, landscape: bool = False) -> None:
    """The letterhead (issuers left, national name and underlined motto centred right, the place and
    date in italics), Times New Roman everywhere, a bordered table with a bold centred header row
    repeated on every printed page, A4 fitted to the page width."""
    left = [ws.cell(row=r, column=1).value for r in (1, 2)]
    assert [v for v in left if v] == issuers
    assert all(ws.cell(row=r, column=1).font.b for r in range(1, len(issuers) + 1))  # the issuing body, bold
    national = next(c for c in ws[1] if c.value == NATIONAL_NAME)
    motto = ws.cell(row=2, column=national.column)
    dated = ws.cell(row=3, column=national.column)
    assert motto.value == MOTTO and motto.font.u == "single" and motto.font.b
    assert national.font.b and national.alignment.horizontal == motto.alignment.horizontal == "center"
    assert "ngày" in dated.value and dated.font.i
    header = header_row(ws)
    assert ws.print_title_rows == f"${header}:${header}"
    assert int(ws.page_setup.paperSize) == 9 and ws.page_setup.orientation == (
        "landscape" if landscape else "portrait"
    )
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    for cell in ws[header]:
        if cell.value is not None:
            assert cell.font.b and cell.alignment.horizontal == "center" and cell.border.left.style == "thin"
    first = ws[header + 1]
    assert all(
        c.border.bottom.style == "thin"
        for c in first
        if not ws.column_dimensions[get_column_letter(c.column)].hidden
    )
    fonts = {(c.font.name, c.font.sz) for row in ws.iter_rows() for c in row if c.value is not None}
    assert {name for name, _ in fonts} == {"Times New Roman"} and min(size for _, size in fonts) >= 11
    assert ("Times New Roman", 13) in fonts
