"""One registry document written by each .xlsx writer, and what each file really holds (issue 26).

The document is the registry export laid out as every file An Sinh issues (``vn.document``):
letterhead (issuing office and national motto, merged blocks), a merged title, a bordered header
row repeated on every printed page, 50,000 bordered rows of the registry's 18 columns, a merged
signature block under the table, A4 landscape fitted to the page width, margins, a page-number
footer, the header frozen. The rows are the export's own (read once from the benchmark database
and kept in a pickle), so every writer writes the same values:

- ours: ``vn.xlsx_writer`` through ``vn.document.Document`` (what the app runs);
- XlsxWriter in ``constant_memory`` mode, a style per cell, merges, print setup;
- rustpy-xlsxwriter (Rust, 0.8): its one call per sheet, with every option it has for this;
- the naive yardstick: ``pandas.DataFrame.to_excel`` of the same columns, no layout at all.

``python -m bench.xlsx_writers ROWS.pickle`` times each in-process (median of 3) and reads every
file back with openpyxl to print which parts of the document it holds;
``python -m bench.xlsx_writers ROWS.pickle WRITER`` writes once (for ``farm-bench``, whole process).
"""

from __future__ import annotations

import io
import pickle
import statistics
import subprocess
import sys
import time
from collections.abc import Callable

from data_layer.reports.exports import PERSON_COLUMNS
from data_layer.vn.document import PREPARER, Document, Office

SHEET = "Đối tượng"
OFFICE = Office("PHÒNG VĂN HÓA - XÃ HỘI", "Lạng Sơn")
TITLE = "DANH SÁCH ĐỐI TƯỢNG BẢO TRỢ XÃ HỘI"
FONT = {"font_name": "Times New Roman", "font_size": 13}
MARGINS = (0.6, 0.35, 0.6, 0.6)  # vn.xlsx_writer.Page's
FOOTER = "&CTrang &P/&N"


def ours(rows: list[list]) -> bytes:
    """The document through ``vn.document`` and the streaming writer (what the app runs)."""
    from data_layer.vn.xlsx_writer import Book

    book = Book()
    doc = Document(book, SHEET, PERSON_COLUMNS, landscape=True, freeze_header=True)
    doc.letterhead(OFFICE)
    doc.title(TITLE)
    doc.table_header()
    for row in rows:
        doc.row(row)
    doc.closing(PREPARER, OFFICE.signer())
    return book.finish()


def _layout() -> dict:
    """The rows and merged blocks of the letterhead, title and closing as ours lays them out."""
    from data_layer.vn.xlsx_writer import Book

    book = Book()
    doc = Document(book, SHEET, PERSON_COLUMNS, landscape=True)
    book.finish()
    blocks = [(first - 1, last - 1) for first, last, _ in doc._blocks]
    left = [*OFFICE.issuers(), "", ""][:2] + [""]
    right = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", OFFICE.place + ", ngày …"]
    signer = [text for text, _ in OFFICE.signer()]
    preparer = [text for text, _ in PREPARER]
    return {
        "blocks": blocks,
        "letterhead": list(zip(left, right, strict=True)),
        "closing": (preparer, signer),
    }


def xlsxwriter_constant_memory(rows: list[list]) -> bytes:
    """The same document through XlsxWriter's constant-memory mode, a format per cell."""
    import xlsxwriter

    layout, buffer = _layout(), io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"constant_memory": True, "strings_to_formulas": False})
    sheet = book.add_worksheet(SHEET)
    centred = book.add_format(
        {**FONT, "bold": True, "align": "center", "valign": "vcenter", "text_wrap": True}
    )
    title = book.add_format({**FONT, "font_size": 14, "bold": True, "align": "center", "valign": "vcenter"})
    header = book.add_format({**FONT, "bold": True, "border": 1, "align": "center", "text_wrap": True})
    cells = [
        book.add_format(
            {**FONT, "border": 1, "valign": "vcenter", "num_format": c.number_format}
            | ({"align": c.horizontal} if c.horizontal else {})
        )
        for c in PERSON_COLUMNS
    ]
    for n, c in enumerate(PERSON_COLUMNS):
        sheet.set_column(n, n, c.width)
    last = len(PERSON_COLUMNS) - 1
    r = 0
    for left, right in layout["letterhead"]:
        for text, (first, end) in zip((left, right), layout["blocks"], strict=True):
            sheet.merge_range(r, first, r, end, text, centred)
        r += 1
    r += 1
    sheet.merge_range(r, 0, r, last, TITLE, title)
    r += 2
    sheet.write_row(r, 0, [c.header for c in PERSON_COLUMNS], header)
    sheet.repeat_rows(r)
    for row in rows:
        r += 1
        for c, value in enumerate(row):
            if value is None or value == "":
                sheet.write_blank(r, c, None, cells[c])
            elif isinstance(value, str):
                sheet.write_string(r, c, value, cells[c])
            else:
                sheet.write_number(r, c, value, cells[c])
    r += 2
    preparer, signer = layout["closing"]
    for k in range(max(len(preparer), len(signer))):
        for lines, (first, end) in zip((preparer, signer), layout["blocks"], strict=True):
            sheet.merge_range(r, first, r, end, lines[k] if k < len(lines) else "", centred)
        r += 1
    sheet.freeze_panes(1, 0)
    sheet.set_landscape()
    sheet.set_paper(9)
    sheet.fit_to_pages(1, 0)
    sheet.center_horizontally()
    sheet.set_margins(*MARGINS)
    sheet.set_footer(FOOTER)
    book.close()
    return buffer.getvalue()


def rustpy_xlsxwriter(rows: list[list]) -> bytes:
    """The same document through rustpy-xlsxwriter as far as its options reach: merges only above
    the header row (no signature block under the table), formats per column (``<col style>``)."""
    import rustpy_xlsxwriter as rx

    layout, buffer = _layout(), io.BytesIO()

    def look(**kind) -> rx.Format:
        found = rx.Format().set_font_name("Times New Roman").set_font_size(kind.get("size", 13))
        found = found.set_bold() if kind.get("bold") else found
        found = found.set_border("thin") if kind.get("border") else found
        found = found.set_text_wrap() if kind.get("wrap") else found
        return found.set_align(kind["align"]) if kind.get("align") else found

    centred = look(bold=True, align="center", wrap=True)
    merges = [
        (r, first, r, end, text, centred)
        for r, pair in enumerate(layout["letterhead"])
        for text, (first, end) in zip(pair, layout["blocks"], strict=True)
    ]
    title_row, header_row = len(merges) // 2 + 1, len(merges) // 2 + 3
    merges.append(
        (title_row, 0, title_row, len(PERSON_COLUMNS) - 1, TITLE, look(size=14, bold=True, align="center"))
    )
    headers = [c.header for c in PERSON_COLUMNS]
    formats = []
    for c in PERSON_COLUMNS:
        found = look(border=True, align=c.horizontal)
        formats.append(found.set_num_format(c.number_format) if c.number_format != "General" else found)
    rx.write_worksheet(
        [dict(zip(headers, row, strict=True)) for row in rows],
        buffer,
        sheet_name=SHEET,
        header_row=header_row,
        header_format=look(bold=True, border=True, align="center", wrap=True),
        merge_ranges=merges,
        column_widths=[c.width for c in PERSON_COLUMNS],
        column_formats=formats,
        freeze_row=1,
        page_setup={
            "landscape": True,
            "paper_size": 9,
            "fit_to_pages": (1, 0),
            "center_horizontally": True,
            "repeat_rows": header_row,
            "margins": dict(zip(("left", "right", "top", "bottom"), MARGINS, strict=True)),
            "footer": FOOTER,
        },
    )
    return buffer.getvalue()


def pandas_to_excel(rows: list[list]) -> bytes:
    """The naive yardstick: the same columns through ``DataFrame.to_excel``, no layout."""
    import pandas as pd

    buffer = io.BytesIO()
    pd.DataFrame(rows, columns=[c.header for c in PERSON_COLUMNS]).to_excel(
        buffer, index=False, sheet_name=SHEET
    )
    return buffer.getvalue()


WRITERS: dict[str, Callable[[list[list]], bytes]] = {  # the yardstick first
    "pandas": pandas_to_excel,
    "ours": ours,
    "xlsxwriter": xlsxwriter_constant_memory,
    "rustpy": rustpy_xlsxwriter,
}


def holds(data: bytes, rows: int) -> dict[str, bool]:
    """Which parts of the document a file holds, as openpyxl reads them back."""
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(data)).active
    merged = [r for r in sheet.merged_cells.ranges]
    table_end = max((c.row for c in sheet["B"] if c.value is not None), default=0)
    below = [m for m in merged if m.min_row > table_end - 3]
    data_cell = next(
        c for c in sheet["C"] if isinstance(c.value, str) and c.row > 5 and c.value != "Họ và tên"
    )
    return {
        "letterhead and title merged": len([m for m in merged if m.min_row <= 6]) >= 7,
        "bordered table, no borders past it": data_cell.border.left.style == "thin"
        and not sheet.column_dimensions["C"].border.left.style,  # a column style borders all 1,048,576 rows
        "repeated header row": bool(sheet.print_title_rows),
        "A4 landscape, fit to width": int(sheet.page_setup.paperSize or 0) == 9
        and sheet.page_setup.orientation == "landscape"
        and bool(sheet.sheet_properties.pageSetUpPr and sheet.sheet_properties.pageSetUpPr.fitToPage),
        "frozen header, column widths": sheet.freeze_panes == "A2"
        and sheet.column_dimensions["B"].width >= 20,
        "page-number footer": "&P" in (sheet.oddFooter.center.text or ""),
        "signature block under the table": len(below) >= 2,
        f"all {rows:,} rows": sheet.max_row >= rows,
    }


def compare(rows_file: str) -> None:
    """Each writer in-process (median of 3) and as a whole process (median of 3 runs of
    ``python -m bench.xlsx_writers ROWS WRITER``: start-up, imports and reading the rows included),
    and which parts of the document its file holds."""
    rows = _read(rows_file)
    print(f"    the registry document ({len(rows):,} rows) through each writer (to_excel's time / its time)")
    inside: dict[str, float] = {}
    whole: dict[str, float] = {}
    for name, write in WRITERS.items():
        runs = []
        for _ in range(3):
            start = time.perf_counter()
            data = write(rows)
            runs.append(time.perf_counter() - start)
        inside[name] = statistics.median(runs)
        whole[name] = statistics.median(_whole_process(rows_file, name) for _ in range(3))
        missing = [part for part, ok in holds(data, len(rows)).items() if not ok]
        print(
            f"      {name:10s} in-process {inside[name]:6.2f} s ({inside['pandas'] / inside[name]:4.1f}x)"
            f" | whole process {whole[name]:6.2f} s ({whole['pandas'] / whole[name]:4.1f}x)"
            f" | {len(data) / 1e6:4.1f} MB | lacks: {', '.join(missing) or 'nothing'}"
        )


def _whole_process(rows_file: str, writer: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "bench.xlsx_writers", rows_file, writer], check=True)
    return time.perf_counter() - start


def _read(rows_file: str) -> list[list]:
    with open(rows_file, "rb") as f:
        return pickle.load(f)


if __name__ == "__main__":
    if len(sys.argv) > 2:
        WRITERS[sys.argv[2]](_read(sys.argv[1]))
    else:
        compare(sys.argv[1])
