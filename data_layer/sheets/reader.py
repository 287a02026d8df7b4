"""Read a spreadsheet file (.xlsx, .xls, .ods, .csv) into plain rows of cell values.

The file is untrusted: its size is checked first, an .xlsx is measured without being read
(``xlsx_scan``), and python-calamine (several times faster than openpyxl) parses it in a child
process with memory and time limits (``sandbox``). openpyxl is used only to read cell fonts of a
workbook typed in TCVN3, where the capitals font (.VnTimeH) tells the case. CSV text is decoded by
its byte-order mark, as UTF-8, or as Windows-1258, with a warning when it looks mis-decoded.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import msoffcrypto

from data_layer.sheets.file_errors import FileReadError
from data_layer.sheets.sandbox import WORKBOOK_SUFFIXES, WorkbookRead
from data_layer.sheets.xlsx_scan import scan_xlsx
from data_layer.vn.formatting import format_count

SPREADSHEET_SUFFIXES = (*WORKBOOK_SUFFIXES, ".csv")
MAX_CELL_CHARS = 32_767  # Excel's own limit for one cell
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"


@dataclass
class Sheet:
    name: str
    rows: list[list[object]]
    upper_font_cells: set[tuple[int, int]] = field(default_factory=set)
    error_cells: set[tuple[int, int]] = field(default_factory=set)  # (row, column) Excel marked as errors
    warnings: list[str] = field(default_factory=list)


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


# Signs of text decoded with the wrong encoding: UTF-8 read as a Windows code page ("Nguyá»…n").
_MOJIBAKE = re.compile("[ÃÄÅÆá][\u0080-\u00bf\u0152\u0153\u0160\u0161\u2018-\u203a]|á»|áº")
_VIETNAMESE = re.compile("[ăâđêôơưĂÂĐÊÔƠƯ\u0300-\u0323\u1ea0-\u1ef9]")


def decode_csv(data: bytes) -> tuple[str, list[str]]:
    """The text of a CSV file and warnings about its encoding. Byte-order marks (UTF-8, UTF-16) are
    honoured; otherwise UTF-8, then Windows-1258 (what Vietnamese Excel writes), then Latin-1."""
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(encoding, errors="replace"), []
    for encoding, note in (
        ("utf-8", None),
        ("cp1258", "Tệp CSV lưu bằng bảng mã Windows-1258 (Excel tiếng Việt): đã chuyển sang Unicode."),
        (
            "latin-1",
            "Không nhận ra bảng mã của tệp CSV: chữ có dấu có thể bị sai, hãy lưu lại dạng CSV UTF-8.",
        ),
    ):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        warnings = [note] if note else []
        if _MOJIBAKE.search(text[:200_000]):
            warnings.append(
                "Chữ tiếng Việt trong tệp có vẻ bị lỗi mã hóa (ví dụ 'Nguyá»…n'): "
                "kiểm tra lại họ tên trước khi ghi."
            )
        elif encoding != "utf-8" and not _VIETNAMESE.search(unicodedata.normalize("NFD", text[:200_000])):
            warnings.append("Không thấy chữ tiếng Việt có dấu trong tệp: kiểm tra bảng mã của tệp CSV.")
        return text, warnings
    raise AssertionError("latin-1 decodes every byte")


def _read_csv(data: bytes) -> list[Sheet]:
    text, warnings = decode_csv(data)
    if "\x00" in text:
        raise FileReadError("Tệp không phải văn bản CSV (có ký tự nhị phân).")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = [list(r) for r in csv.reader(io.StringIO(text), dialect)]
    return [Sheet(name="CSV", rows=rows, warnings=warnings)]


def _read_workbook(data: bytes, suffix: str, read: WorkbookRead) -> list[Sheet]:
    """Every sheet, read by ``read``'s child process; .xlsx files are measured meanwhile (absurd
    ranges refused, which ends the child; error cells noted)."""
    scans = scan_xlsx(data) if suffix in (".xlsx", ".xlsm") else {}
    sheets = [Sheet(name=name, rows=rows) for name, rows in read.sheets()]
    for sheet in sheets:
        if scan := scans.get(sheet.name):
            sheet.error_cells = scan.error_cells
    return sheets


def _check_cells(sheets: list[Sheet]) -> None:
    for sheet in sheets:
        for r, row in enumerate(sheet.rows):
            for c, value in enumerate(row):
                if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
                    cell, length = f"{column_letter(c)}{r + 1}", format_count(len(value))
                    raise FileReadError(
                        f"Ô {cell} của trang tính '{sheet.name}' dài {length} ký tự (tối đa "
                        f"{format_count(MAX_CELL_CHARS)}): tệp không phải danh sách thông thường."
                    )


def read_sheets(
    data: bytes, file_name: str, *, max_bytes: int, reading: WorkbookRead | None = None
) -> list[Sheet]:
    """All sheets of the file as rows of Python values (str, int, float, date, datetime, None).
    ``reading``: a child already reading ``data`` (the CLI starts it early); ended here either way."""
    suffix = Path(file_name).suffix.lower()
    try:
        _check_container(data, suffix, max_bytes)
        if suffix == ".csv":
            sheets = _read_csv(data)
        else:
            reading = reading or WorkbookRead(data)
            sheets = _read_workbook(data, suffix, reading)
    finally:
        if reading is not None:
            reading.stop()
    _check_cells(sheets)
    if not any(any(v not in (None, "") for v in row) for sheet in sheets for row in sheet.rows):
        raise FileReadError("Bảng tính không có dữ liệu (mọi trang tính đều trống).")
    return sheets


def column_letter(index: int) -> str:
    """0 → 'A', 25 → 'Z', 26 → 'AA' (Excel column names)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


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
