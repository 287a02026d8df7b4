"""openpyxl helpers for the .xlsx files still built in memory (the import error report); reports,
lists and exports stream through ``xlsx_writer`` instead."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from data_layer.vn.xlsx_writer import MONEY_FORMAT  # noqa: F401 - where older code looks for it

FORMULA_PREFIXES = ("=", "+", "-", "@")


def put(ws: Worksheet, row: int, column: int, value: object):
    """Write one cell; characters a workbook may not hold are dropped, and text that Excel would
    evaluate (=, +, -, @) is stored as plain text."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell = ws.cell(row=row, column=column, value=value)
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        cell.data_type = "s"
    return cell


def write_table(
    ws: Worksheet,
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    start_row: int = 1,
    widths: Sequence[int] | None = None,
) -> int:
    """Write a header row and data rows; returns the next free row number."""
    for c, header in enumerate(headers, start=1):
        cell = put(ws, start_row, c, header)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    r = start_row
    for r, values in enumerate(rows, start=start_row + 1):
        for c, value in enumerate(values, start=1):
            put(ws, r, c, value)
    for c, width in enumerate(widths or [], start=1):
        ws.column_dimensions[ws.cell(row=start_row, column=c).column_letter].width = width
    return r + 1


def to_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
