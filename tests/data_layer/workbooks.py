"""Builders of real spreadsheet files (openpyxl) shaped like the ward lists staff receive."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

TITLE = [["UBND PHƯỜNG A"], ["DANH SÁCH ĐỐI TƯỢNG NHẬN QUÀ TẾT"], []]
HEADER = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Thôn/Tổ", "Đối tượng", "Mức quà"]


def xlsx_bytes(
    rows: list[list], *, merges: list[str] = (), font: str | None = None, upper_font_cells: list[str] = ()
) -> bytes:
    """An .xlsx file whose first sheet holds ``rows`` from A1 (None = empty cell)."""
    workbook = Workbook()
    ws = workbook.active
    ws.title = "Danh sách"
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if value is not None:
                cell = ws.cell(row=r, column=c, value=value)
                if font:
                    cell.font = Font(name=font)
    for ref in upper_font_cells:
        ws[ref].font = Font(name=".VnTimeH")
    for ref in merges:
        ws.merge_cells(ref)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def ward_list(data_rows: list[list], *, footer: list | None = None, numbering: bool = True) -> list[list]:
    """Title rows, the standard header, the (1)…(8) numbering row, data, an optional footer."""
    rows = [*TITLE, HEADER]
    if numbering:
        rows.append([f"({i})" for i in range(1, len(HEADER) + 1)])
    rows += data_rows
    if footer:
        rows.append(footer)
    return rows


def as_tcvn3(text: str) -> str:
    """Text as Excel shows a cell typed in the TCVN3 (.VnTime) font: each byte as a cp1252/latin-1 glyph."""
    raw = subprocess.run(
        ["iconv", "-f", "UTF-8", "-t", "TCVN5712-1"], input=text.encode(), capture_output=True, check=True
    ).stdout
    return "".join(
        bytes([b]).decode("cp1252", errors="strict") if b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D) else chr(b)
        for b in raw
    )


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path
