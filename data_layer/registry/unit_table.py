"""The official conversion table of 1 July 2025 (*Bảng chuyển đổi đơn vị hành chính mới – cũ*, with
Decision 19/2025/QĐ-TTg), read from its CSV or XLSX into one ``Succession`` per row.

Columns (found by their header, else by position): new province "Tên (mã)" | new name | new code |
old name | old code | note | old district "Tên (mã)" | old province "Tên (mã)". Title rows and rows with
only the first column (a province starts) are skipped. A new unit without an old code (special zones,
the coastal flats of Kim Sơn) is kept as a new unit only. Pure: no database.
"""

from __future__ import annotations

import csv
import gzip
import io
from dataclasses import dataclass
from functools import cache
from importlib import resources

from data_layer.core.errors import Invalid
from data_layer.registry.unit_names import split_code
from data_layer.sheets.reader import column_letter, read_sheets
from data_layer.vn.text import fold, normalize_text

MAX_TABLE_BYTES = 50 * 1024 * 1024
EMBEDDED = "don_vi_hanh_chinh_2025.csv.gz"
EMBEDDED_SOURCE = "vietnamadminunits 1.0.4 (MIT), dữ liệu 08/2025"

# column → folded header words that name it
_HEADERS = {
    "province": ("tinh, thanh pho", "tinh/thanh pho", "tinh thanh pho"),
    "new_name": ("ten xa moi",),
    "new_code": ("ma xa moi",),
    "old_name": ("ten xa cu",),
    "old_code": ("ma xa cu",),
    "note": ("ghi chu",),
    "old_district": ("quan/huyen", "quan huyen", "huyen cu"),
    "old_province": ("tinh cu",),
}
_COLUMNS = list(_HEADERS)
_LABELS = {
    "province": "Tỉnh, thành phố",
    "new_name": "Tên Xã mới",
    "new_code": "Mã Xã mới",
    "old_name": "Tên Xã cũ",
    "old_code": "Mã Xã cũ",
    "old_district": "Quận/huyện",
    "old_province": "Tỉnh cũ",
}


@dataclass(frozen=True)
class Succession:
    """One row: the new unit and (unless ``old_code`` is None) an old commune that went into it."""

    row: int
    province: str
    province_code: str
    new_code: str
    new_name: str
    old_code: str | None
    old_name: str | None
    note: str
    old_district: str | None
    old_district_code: str | None
    old_province: str | None
    old_province_code: str | None

    @property
    def all_people(self) -> bool:
        """The note gives this new unit all the old commune's people ("…, toàn bộ dân số")."""
        return "toan bo dan so" in fold(self.note)


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return normalize_text(str(value))


def _code(value: object, width: int) -> str | None:
    """A numeric code as text with its leading zeros (Excel keeps 00004 as the number 4)."""
    text = _text(value)
    return text.zfill(width) if text and text.isdigit() and len(text) <= width else text


def _header_columns(rows: list[list[object]]) -> tuple[int, dict[str, int]]:
    """The header row's index and each column's position (positions of the official file by default)."""
    for index, row in enumerate(rows[:10]):
        folded = [fold(_text(v)) for v in row]
        found = {}
        for column, names in _HEADERS.items():
            for position, header in enumerate(folded):
                if header in names:
                    found[column] = position
                    break
        if "new_code" in found and "new_name" in found:
            return index, {c: found.get(c, i) for i, c in enumerate(_COLUMNS)}
    return -1, {c: i for i, c in enumerate(_COLUMNS)}


def _bracketed(value: object, row: int, column: str, position: int, *, required: bool) -> tuple[str, str]:
    name, code = split_code(_text(value))
    if required and not code:
        raise Invalid(
            f"Dòng {row}, cột {column_letter(position)} ({_LABELS[column]}): thiếu mã trong ngoặc, "
            f"ví dụ 'Tỉnh Quảng Ninh (22)' (đang là '{name}')."
        )
    return name, code or ""


def parse_rows(rows: list[list[object]]) -> list[Succession]:
    """Every data row of the table as a Succession (errors name row and column, in Vietnamese)."""
    header, at = _header_columns(rows)
    found = []
    for index in range(header + 1, len(rows)):
        row = rows[index]
        cell = {c: (row[p] if p < len(row) else None) for c, p in at.items()}
        if not _text(cell["new_name"]) and not _text(cell["new_code"]):
            continue  # title, blank or "a province starts" row
        number = index + 1

        def fail(column: str, problem: str, number: int = number) -> Invalid:
            return Invalid(f"Dòng {number}, cột {column_letter(at[column])} ({_LABELS[column]}): {problem}.")

        new_code = _code(cell["new_code"], 5)
        if not new_code or not new_code.isdigit() or len(new_code) != 5:
            raise fail("new_code", f"mã xã mới phải có 5 chữ số (đang là '{new_code or ''}')")
        if not _text(cell["new_name"]):
            raise fail("new_name", "thiếu tên xã mới")
        old_code = _code(cell["old_code"], 5)
        if old_code and (not old_code.isdigit() or len(old_code) != 5):
            raise fail("old_code", f"mã xã cũ phải có 5 chữ số (đang là '{old_code}')")
        province, province_code = _bracketed(
            cell["province"], number, "province", at["province"], required=True
        )
        district, district_code = _bracketed(
            cell["old_district"], number, "old_district", at["old_district"], required=False
        )
        old_province, old_province_code = _bracketed(
            cell["old_province"], number, "old_province", at["old_province"], required=bool(old_code)
        )
        found.append(
            Succession(
                row=number,
                province=province,
                province_code=province_code.zfill(2),
                new_code=new_code,
                new_name=_text(cell["new_name"]) or "",
                old_code=old_code,
                old_name=_text(cell["old_name"]) if old_code else None,
                note=" ".join((_text(cell["note"]) or "").replace("Nhâp", "Nhập").split()),
                old_district=district or None,
                old_district_code=district_code.zfill(3) if district_code else None,
                old_province=old_province or None,
                old_province_code=old_province_code.zfill(2) if old_province_code else None,
            )
        )
    if not found:
        raise Invalid("Tệp không có dòng nào của bảng chuyển đổi (cần các cột 'Tên Xã mới', 'Mã Xã mới').")
    return found


def read_table(data: bytes, file_name: str) -> list[Succession]:
    """The official table from a CSV or XLSX file's first sheet that holds it."""
    sheets = read_sheets(data, file_name, max_bytes=MAX_TABLE_BYTES)
    problems = []
    for sheet in sheets:
        try:
            return parse_rows(sheet.rows)
        except Invalid as problem:
            problems.append(problem)
    raise problems[0]


@cache
def embedded_table() -> tuple[Succession, ...]:
    """The catalogue shipped with An Sinh (see ``EMBEDDED_SOURCE``), read without any network (once
    per process: it never changes)."""
    raw = resources.files("data_layer.registry").joinpath("data", EMBEDDED).read_bytes()
    text = gzip.decompress(raw).decode("utf-8")
    return tuple(parse_rows([list(r) for r in csv.reader(io.StringIO(text))]))
