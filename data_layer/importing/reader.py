"""Read a spreadsheet file (.xlsx, .xls, .ods, .csv) into plain rows of cell values.

python-calamine reads the workbook (several times faster than openpyxl); openpyxl is used only
to read cell fonts of a workbook typed in TCVN3, where the capitals font (.VnTimeH) tells the case.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import msoffcrypto
from python_calamine import CalamineWorkbook

from data_layer.core.errors import Invalid

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".csv")
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"


class FileReadError(Invalid):
    """The file cannot be read as a spreadsheet at all (Vietnamese message; nothing is written)."""


@dataclass
class Sheet:
    name: str
    rows: list[list[object]]
    upper_font_cells: set[tuple[int, int]] = field(default_factory=set)


def _check_container(data: bytes, suffix: str, max_bytes: int) -> None:
    if not data:
        raise FileReadError("Tệp rỗng, không có dữ liệu.")
    if len(data) > max_bytes:
        raise FileReadError(
            f"Tệp quá lớn ({len(data) / 1_048_576:.1f} MB); giới hạn là {max_bytes // 1_048_576} MB."
        )
    if suffix not in SPREADSHEET_SUFFIXES:
        raise FileReadError(
            f"Không nhận loại tệp '{suffix or '(không có đuôi)'}': chỉ nhận .xlsx, .xls, .ods, .csv."
        )
    if data.startswith(OLE2_MAGIC):
        try:
            encrypted = msoffcrypto.OfficeFile(io.BytesIO(data)).is_encrypted()
        except Exception:  # noqa: BLE001 - not an Office container: calamine reports it below
            encrypted = False
        if encrypted:
            raise FileReadError(
                "Tệp được đặt mật khẩu (mã hóa): hãy bỏ mật khẩu trong Excel rồi tải lên lại."
            )
    elif suffix in (".xlsx", ".xlsm", ".ods") and not data.startswith(ZIP_MAGIC):
        raise FileReadError("Tệp không phải bảng tính Excel/ODS hợp lệ (có thể đã hỏng hoặc sai đuôi tệp).")


def _read_csv(data: bytes) -> list[Sheet]:
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    if "\x00" in text:
        raise FileReadError("Tệp không phải văn bản CSV (có ký tự nhị phân).")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = [list(r) for r in csv.reader(io.StringIO(text), dialect)]
    return [Sheet(name="CSV", rows=rows)]


def _read_workbook(data: bytes) -> list[Sheet]:
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        return [
            Sheet(name=name, rows=workbook.get_sheet_by_name(name).to_python(skip_empty_area=False))
            for name in workbook.sheet_names
        ]
    except Exception as exc:  # calamine raises several error types for corrupt files
        raise FileReadError(f"Không đọc được bảng tính: tệp hỏng hoặc không đúng định dạng ({exc}).") from exc


def read_sheets(data: bytes, file_name: str, *, max_bytes: int) -> list[Sheet]:
    """All sheets of the file as rows of Python values (str, int, float, date, datetime, None)."""
    suffix = Path(file_name).suffix.lower()
    _check_container(data, suffix, max_bytes)
    sheets = _read_csv(data) if suffix == ".csv" else _read_workbook(data)
    if not any(any(v not in (None, "") for v in row) for sheet in sheets for row in sheet.rows):
        raise FileReadError("Bảng tính không có dữ liệu (mọi trang tính đều trống).")
    return sheets


def mark_upper_font_cells(data: bytes, file_name: str, sheet: Sheet) -> None:
    """Record the cells of an .xlsx sheet drawn with a TCVN3 capitals font (name ending in 'H')."""
    if Path(file_name).suffix.lower() not in (".xlsx", ".xlsm"):
        return
    import openpyxl  # only needed for legacy TCVN3 workbooks

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError):
        return
    worksheet = workbook[sheet.name]
    for r, row in enumerate(worksheet.iter_rows()):
        for c, cell in enumerate(row):
            font = getattr(getattr(cell, "font", None), "name", None) or ""
            if font.lower().startswith(".vn") and font.rstrip().endswith("H"):
                sheet.upper_font_cells.add((r, c))
    workbook.close()
