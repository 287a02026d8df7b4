"""The downloadable .xlsx report of rejected rows and warnings of an import preview."""

from __future__ import annotations

from openpyxl import Workbook

from data_layer.importing.rows import ParsedRow
from data_layer.vn.xlsx import to_bytes, write_table


def error_report_xlsx(rows: list[ParsedRow], file_warnings: list[str]) -> bytes:
    """One line per error or warning: Excel row, column, kind, message, name as read."""
    workbook = Workbook()
    ws = workbook.active
    ws.title = "Lỗi và cảnh báo"
    lines = [(None, None, "Cảnh báo", w, None) for w in file_warnings]
    for row in rows:
        lines += [(row.row, column, "Lỗi (loại dòng)", message, row.name) for column, message in row.errors]
        lines += [(row.row, None, "Cảnh báo", message, row.name) for message in row.warnings]
    write_table(ws, ["Dòng", "Cột", "Loại", "Nội dung", "Họ và tên"], lines, widths=[8, 22, 16, 70, 28])
    ws.freeze_panes = "A2"
    return to_bytes(workbook)
