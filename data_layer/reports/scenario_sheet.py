"""A budget scenario's figures as an .xlsx sheet: packages, totals per source against caps, wards."""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.styles import Font

from data_layer.vn.xlsx import MONEY_FORMAT, put, to_bytes, write_table


def scenario_xlsx(name: str, result: dict) -> bytes:
    """A scenario's figures as .xlsx: packages, then totals per source against caps, then per ward."""
    workbook = Workbook()
    ws = workbook.active
    ws.title = "Phương án"
    put(ws, 1, 1, f"PHƯƠNG ÁN DỰ TOÁN: {name}").font = Font(bold=True, size=13)
    row = write_table(
        ws,
        ["Nguồn", "Mức quà", "Số tiền/suất", "Số suất", "Thành tiền"],
        [(p["source"], p["label"], p["amount"], p["count"], p["total"]) for p in result["packages"]],
        start_row=3,
        widths=[10, 40, 14, 10, 18],
    )
    put(ws, row, 2, "Tổng cộng").font = Font(bold=True)
    put(ws, row, 4, result["total_count"])
    put(ws, row, 5, result["total"]).font = Font(bold=True)
    row = write_table(
        ws,
        ["Nguồn", "Số suất", "Thành tiền", "Trần dự toán", "Vượt (+)/còn (−)"],
        [(s["source"], s["count"], s["total"], s["cap"], s["over"]) for s in result["sources"]],
        start_row=row + 2,
    )
    write_table(
        ws,
        ["Phường/xã", "Số suất", "Thành tiền"],
        [(w["ward"], w["count"], w["total"]) for w in result["wards"]],
        start_row=row + 1,
    )
    for cells in ws.iter_rows(min_row=4):
        for cell in cells:
            if isinstance(cell.value, int) and cell.column > 2:
                cell.number_format = MONEY_FORMAT
    return to_bytes(workbook)
