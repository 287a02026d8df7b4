"""A cheap look inside an .xlsx before anything reads it for real.

A hostile workbook can declare one cell at XFD1048576 (the spreadsheet reader then allocates the whole
grid: hundreds of gigabytes), hide a huge shared string, or pack a zip bomb. This module reads the
zip directory and streams each worksheet's XML once with a regular expression, without building
cells: it refuses absurd sizes and ranges, and lists the cells Excel marked as errors (#REF!,
#VALUE!…), which the reader would silently turn into blanks.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from xml.etree import ElementTree

from data_layer.sheets.file_errors import FileReadError
from data_layer.vn.formatting import format_count

MAX_UNCOMPRESSED = 100 * 1024 * 1024  # all parts of the workbook together, once unzipped
MAX_MEMBERS = 2000
MAX_ROWS = 200_000
MAX_COLUMNS = 500
CHUNK = 1 << 20
# Three literal-led searches instead of one parse of every cell: row numbers, cells beyond column Z
# (lists rarely pass it), and error cells (rare), whose reference is read back from their tag. The
# row search starts at the word "row" (a search led by "<" stops at every tag: 6 times slower); text
# that happens to read 'row r="N"' can only make the sheet look longer, never hide a row.
_ROW = re.compile(rb'row\b[^>]*?\br="([0-9]{1,7})"')
_WIDE_CELL = re.compile(rb' r="([A-Z]{2,3})[0-9]{1,7}"')
_ERROR_TYPE = re.compile(rb' t="e"')
_REFERENCE = re.compile(rb' r="([A-Z]{1,3})([0-9]{1,7})"')
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


@dataclass
class SheetScan:
    """What a worksheet holds, measured without reading it: its extent and its error cells."""

    max_row: int = 0
    max_column: int = 0
    error_cells: set[tuple[int, int]] = field(default_factory=set)  # (row, column), 0-based


def column_number(letters: bytes) -> int:
    """'A' → 1, 'Z' → 26, 'AA' → 27, 'XFD' → 16384."""
    number = 0
    for ch in letters:
        number = number * 26 + ch - 64
    return number


def check_zip(data: bytes) -> zipfile.ZipFile:
    """The workbook's zip directory, refused when unzipping it would be a bomb."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise FileReadError(
            "Tệp không phải bảng tính Excel/ODS hợp lệ (tệp hỏng hoặc sai đuôi tệp)."
        ) from None
    members = archive.infolist()
    total = sum(m.file_size for m in members)
    if len(members) > MAX_MEMBERS or total > MAX_UNCOMPRESSED:
        raise FileReadError(
            f"Tệp giải nén ra {total / 1_048_576:.0f} MB, vượt giới hạn {MAX_UNCOMPRESSED // 1_048_576} MB "
            "của một danh sách: hãy xóa các trang tính, hình ảnh không cần rồi lưu lại."
        )
    return archive


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → the zip part holding its XML, from workbook.xml and its relationships."""
    try:
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError):
        raise FileReadError("Tệp Excel bị hỏng (thiếu danh sách trang tính).") from None
    targets = {r.get("Id"): r.get("Target", "") for r in rels}
    parts = {}
    for sheet in workbook.iter():
        if sheet.tag.endswith("}sheet"):
            target = targets.get(sheet.get(_REL_NS), "")
            parts[sheet.get("name", "")] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return parts


def _scan_chunk(text: bytes, found: SheetScan) -> None:
    for match in _ROW.finditer(text):
        found.max_row = max(found.max_row, int(match.group(1)))
    for match in _WIDE_CELL.finditer(text):
        found.max_column = max(found.max_column, column_number(match.group(1)))
    for match in _ERROR_TYPE.finditer(text):
        tag = text[text.rfind(b"<", 0, match.start()) : text.find(b">", match.end()) + 1]
        if reference := _REFERENCE.search(tag):
            found.error_cells.add((int(reference.group(2)) - 1, column_number(reference.group(1)) - 1))


def _scan_part(archive: zipfile.ZipFile, part: str, sheet: str) -> SheetScan:
    found = SheetScan()
    tail = b""
    with archive.open(part) as stream:
        while chunk := stream.read(CHUNK):
            text = tail + chunk
            cut = text.rfind(b"<")  # a tag cut by the chunk boundary is read with the next chunk
            cut = len(text) if cut == -1 else cut
            _scan_chunk(text[:cut], found)
            tail = text[cut:]
            if found.max_row > MAX_ROWS or found.max_column > MAX_COLUMNS:
                raise FileReadError(
                    f"Trang tính '{sheet}' có dữ liệu tới dòng {format_count(found.max_row)}, cột "
                    f"{format_count(found.max_column)}: vượt giới hạn {format_count(MAX_ROWS)} dòng, "
                    f"{MAX_COLUMNS} cột. Hãy xóa các ô thừa ở cuối trang tính (Ctrl+End cho biết ô cuối) "
                    "rồi lưu lại."
                )
    return found


def scan_xlsx(data: bytes) -> dict[str, SheetScan]:
    """Each worksheet's extent and error cells; FileReadError when the workbook is unsafe to read."""
    archive = check_zip(data)
    present = set(archive.namelist())
    return {
        name: _scan_part(archive, part, name)
        for name, part in _sheet_parts(archive).items()
        if part in present
    }
