"""Find the list inside a sheet: legacy-font repair, header row(s), data rows and the total footer."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from data_layer.importing.columns import field_for_header, header_score
from data_layer.sheets.file_errors import FileReadError
from data_layer.sheets.reader import Sheet
from data_layer.vn.text import detect_legacy, fix_legacy, fold, normalize_text

HEADER_SEARCH_ROWS = 40
FOOTER_PREFIXES = ("tong cong", "tong so", "cong", "tong")
_NUMBERING_CELL = re.compile(r"^\(?\s*\d{1,2}\s*\)?$")


@dataclass
class Column:
    index: int
    header: str
    field: str | None


@dataclass
class Table:
    """The list found in a sheet; row numbers are 1-based as Excel shows them."""

    sheet_name: str
    columns: list[Column]
    rows: list[tuple[int, list[object]]]
    footer: tuple[int, list[object]] | None = None
    legacy_encoding: str | None = None
    skipped_rows: list[int] = field(default_factory=list)
    error_cells: set[tuple[int, int]] = field(default_factory=set)  # (Excel row, column index)
    title_lines: list[str] = field(default_factory=list)  # the text above the header ("DANH SÁCH …")
    warnings: list[str] = field(default_factory=list)  # about the file (its encoding…)

    def column_for(self, field_name: str) -> Column | None:
        return next((c for c in self.columns if c.field == field_name), None)


def _cell_text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def legacy_encoding_of(sheet: Sheet) -> str | None:
    """'tcvn3' or 'vni' when the sheet was typed in a legacy Vietnamese font, else None."""
    return detect_legacy([v for row in sheet.rows[:300] for v in row if isinstance(v, str) and v.strip()])


def repair_legacy_text(sheet: Sheet) -> str | None:
    """Convert a sheet typed in TCVN3 or VNI to Unicode in place; returns the encoding found."""
    encoding = legacy_encoding_of(sheet)
    if encoding:
        for r, row in enumerate(sheet.rows):
            for c, value in enumerate(row):
                if isinstance(value, str) and value:
                    row[c] = fix_legacy(value, encoding, upper=(r, c) in sheet.upper_font_cells)
    return encoding


def _find_header(sheets: list[Sheet]) -> tuple[Sheet, int]:
    best: tuple[int, int, Sheet | None] = (0, 0, None)
    for sheet in sheets:
        for r, row in enumerate(sheet.rows[:HEADER_SEARCH_ROWS]):
            texts = [_cell_text(v) for v in row]
            score = header_score(texts)
            if "name" in {field_for_header(t) for t in texts} and score > best[0]:
                best = (score, r, sheet)
    if best[2] is None:
        raise FileReadError(
            "Không tìm thấy dòng tiêu đề của danh sách: cần ít nhất một cột 'Họ và tên' trong 40 dòng đầu."
        )
    return best[2], best[1]


def _is_subheader(row: list[object], name_index: int) -> bool:
    texts = [_cell_text(v) for v in row]
    if name_index < len(row) and row[name_index] not in (None, ""):
        return False
    labels = [t for t in texts if t and not _NUMBERING_CELL.match(t)]
    return bool(labels) and all(isinstance(v, str) or v is None or v == "" for v in row)


def _combine_headers(top: list[object], sub: list[object] | None) -> list[Column]:
    width = max(len(top), len(sub or []))
    columns, carried = [], ""
    for c in range(width):
        top_text = normalize_text(_cell_text(top[c]) if c < len(top) else "") or ""
        sub_text = normalize_text(_cell_text(sub[c]) if sub and c < len(sub) else "") or ""
        if top_text:
            carried = top_text
        elif sub_text:
            top_text = carried  # merged header cell spans this column
        columns.append(Column(index=c, header=" ".join(t for t in (top_text, sub_text) if t), field=None))
        columns[-1].field = _field_for(top_text, sub_text)
    return columns


def _field_for(top: str, sub: str) -> str | None:
    if field_for_header(top) == "birth" and fold(sub) in ("nam", "nu"):
        return "birth_male" if fold(sub) == "nam" else "birth_female"
    return field_for_header(sub) or field_for_header(top)


def _is_numbering_row(row: list[object], name_index: int) -> bool:
    name = row[name_index] if name_index < len(row) else None
    if isinstance(name, str) and name.strip() and not _NUMBERING_CELL.match(name.strip()):
        return False  # cheap test on every data row: a person's name is not "(2)"
    cells = [str(v).strip() for v in row if v not in (None, "")]
    return len(cells) >= 3 and all(_NUMBERING_CELL.match(c.removesuffix(".0")) for c in cells)


def _is_blank_row(row: list[object], name_index: int) -> bool:
    name = row[name_index] if name_index < len(row) else None
    if isinstance(name, str) and name.strip():
        return False  # cheap test on every data row
    return all(v in (None, "") or (isinstance(v, str) and not v.strip()) for v in row)


def _footer_text(row: list[object], name_index: int) -> bool:
    for value in row[: max(name_index + 1, 3)]:
        if isinstance(value, str) and value.strip():
            if value.lstrip()[:1] not in "TtCc":  # cheap test before folding, on every data row
                return False
            key = fold(value)
            return any(
                key == p or key.startswith(p + " ") or key.startswith(p + ":") for p in FOOTER_PREFIXES
            )
    return False


def locate_table(sheets: list[Sheet]) -> Table:
    """Find the sheet and rows holding the list (headers may span two rows; blank rows are skipped)."""
    legacy = {sheet.name: repair_legacy_text(sheet) for sheet in sheets}
    sheet, header_row = _find_header(sheets)
    top = sheet.rows[header_row]
    name_index = next(c for c, v in enumerate(top) if field_for_header(_cell_text(v)) == "name")
    sub = sheet.rows[header_row + 1] if header_row + 1 < len(sheet.rows) else None
    has_sub = sub is not None and _is_subheader(sub, name_index)
    columns = _combine_headers(top, sub if has_sub else None)
    table = Table(
        sheet_name=sheet.name,
        columns=columns,
        rows=[],
        legacy_encoding=legacy[sheet.name],
        error_cells={(r + 1, c) for r, c in sheet.error_cells},
        title_lines=[t for row in sheet.rows[:header_row] for t in map(_cell_text, row) if t],
        warnings=list(sheet.warnings),
    )
    for r in range(header_row + (2 if has_sub else 1), len(sheet.rows)):
        row = sheet.rows[r]
        if _is_blank_row(row, name_index):
            continue
        if _footer_text(row, name_index):
            table.footer = (r + 1, row)
            break
        if _is_numbering_row(row, name_index):
            table.skipped_rows.append(r + 1)
            continue
        table.rows.append((r + 1, row))
    return table
