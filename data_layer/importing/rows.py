"""Turn the data rows of a located table into checked person records (errors reject a row)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from data_layer.core.codes import RowStatus
from data_layer.importing.table import Table
from data_layer.registry.fields import FIELDS
from data_layer.vn.text import BIDI_CONTROLS, fold, normalize_text
from data_layer.vn.values import (
    CellError,
    check_restored_national_id,
    national_id_warning,
    parse_amount,
    parse_date,
    parse_gender,
    parse_national_id,
)

CATEGORY_SEPARATORS = re.compile(r"\s*[,;+\n/]\s*")
# Text fields of a row that are stored, with the registry field whose length limit applies.
STORED_TEXT = {
    "name": "name",
    "hamlet": "hamlet",
    "bank_account": "bank_account",
    "phone": "phone",
    "note": "note",
}
ERROR_CELL = "Ô có lỗi công thức Excel (#REF!, #VALUE!…): sửa trong Excel rồi nhập lại."


@dataclass
class ParsedRow:
    """One data row after normalisation; ``errors`` are (column header or None, Vietnamese message)."""

    row: int
    name: str | None = None
    name_key: str = ""
    birth_date: date | None = None
    birth_year: int | None = None
    gender: str | None = None
    national_id: str | None = None
    hamlet: str | None = None
    category_texts: list[str] = field(default_factory=list)
    amount: int | None = None
    source_text: str | None = None
    bank_account: str | None = None
    phone: str | None = None
    note: str | None = None
    errors: list[tuple[str | None, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def status(self) -> RowStatus:
        return RowStatus.ERROR if self.errors else RowStatus.WARNING if self.warnings else RowStatus.OK


class _RowReader:
    """The cells of one data row by field, and the parsing of each (errors named by column)."""

    def __init__(self, number: int, cells: list[object], mapping: dict[int, str], headers: dict[int, str]):
        self.parsed = ParsedRow(row=number)
        self.values: dict[str, object] = {}
        self.columns: dict[str, int] = {}
        self.headers = headers
        for index, field_name in mapping.items():
            value = cells[index] if index < len(cells) else None
            if value not in (None, "") and field_name not in self.values:
                self.values[field_name], self.columns[field_name] = value, index

    def header(self, field_name: str) -> str | None:
        return self.headers.get(self.columns[field_name]) if field_name in self.columns else None

    def attempt(self, field_name: str, parse):
        if field_name not in self.values:
            return None
        try:
            return parse(self.values[field_name])
        except CellError as exc:
            self.parsed.errors.append((self.header(field_name), str(exc)))
            return None

    def text(self, field_name: str) -> str | None:
        value = self.values.get(field_name)
        if value is None:
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = str(value)
        if BIDI_CONTROLS.search(text):
            self.parsed.errors.append(
                (
                    self.header(field_name),
                    "Có ký tự đảo chiều chữ (Unicode bidi) làm hiển thị sai nội dung: gõ lại ô này.",
                )
            )
            return None
        return normalize_text(text)


def _parse_one(
    number: int, cells: list[object], mapping: dict[int, str], headers: dict[int, str]
) -> ParsedRow:
    reader = _RowReader(number, cells, mapping, headers)
    parsed = reader.parsed
    parsed.name = reader.text("name")
    if not parsed.name:
        parsed.errors.append((_header_of("name", mapping, headers), "Thiếu họ và tên."))
    else:
        parsed.name_key = fold(parsed.name)
    for field_name, gender in (("birth", None), ("birth_male", "M"), ("birth_female", "F")):
        birth = reader.attempt(field_name, parse_date)
        if birth and (birth[0] or birth[1]):
            parsed.birth_date, parsed.birth_year = birth
            parsed.gender = gender or parsed.gender
    parsed.gender = reader.attempt("gender", parse_gender) or parsed.gender
    parsed.national_id = reader.attempt("national_id", parse_national_id)
    parsed.amount = reader.attempt("amount", parse_amount)
    parsed.hamlet = reader.text("hamlet") or reader.text("address")
    if category := reader.text("category"):
        parsed.category_texts = [part for part in CATEGORY_SEPARATORS.split(category) if part]
    parsed.source_text = reader.text("source")
    parsed.bank_account, parsed.phone, parsed.note = (
        reader.text("bank_account"),
        reader.text("phone"),
        reader.text("note"),
    )
    _check_lengths(reader)
    if parsed.national_id:
        try:
            raw = reader.values["national_id"]
            check_restored_national_id(raw, parsed.national_id, parsed.birth_year, parsed.gender)
        except CellError as exc:
            parsed.errors.append((reader.header("national_id"), str(exc)))
    if not parsed.errors:
        if parsed.national_id is None:
            parsed.warnings.append("Thiếu số CCCD.")
        elif warning := national_id_warning(parsed.national_id, parsed.birth_year, parsed.gender):
            parsed.warnings.append(warning)
    return parsed


def _check_lengths(reader: _RowReader) -> None:
    """Every stored text against its column's limit in the database."""
    for attribute, key in STORED_TEXT.items():
        value, limit = getattr(reader.parsed, attribute), FIELDS[key].max_length
        if value and limit and len(value) > limit:
            column = reader.header(attribute) or (reader.header("address") if attribute == "hamlet" else None)
            reader.parsed.errors.append((column, f"Dài {len(value)} ký tự, tối đa {limit}."))


def _header_of(field_name: str, mapping: dict[int, str], headers: dict[int, str]) -> str | None:
    return next((headers[i] for i, f in mapping.items() if f == field_name), None)


def parse_rows(table: Table, mapping: dict[int, str | None] | None = None) -> list[ParsedRow]:
    """Parse every data row; ``mapping`` (column index → field) overrides the detected columns."""
    mapping = {c.index: c.field for c in table.columns} if mapping is None else mapping
    active = {index: f for index, f in mapping.items() if f}
    headers = {c.index: c.header or f"Cột {c.index + 1}" for c in table.columns}
    parsed = [_parse_one(number, cells, active, headers) for number, cells in table.rows]
    _flag_error_cells(table, parsed, active, headers)
    first_row_of: dict[str, int] = {}
    id_header = _header_of("national_id", active, headers)
    for row in parsed:
        if row.national_id and not row.errors:
            if row.national_id in first_row_of:
                row.errors.append(
                    (id_header, f"Số CCCD {row.national_id} trùng với dòng {first_row_of[row.national_id]}.")
                )
            else:
                first_row_of[row.national_id] = row.row
    return parsed


def _flag_error_cells(
    table: Table, rows: list[ParsedRow], mapping: dict[int, str], headers: dict[int, str]
) -> None:
    """A mapped cell Excel marked as an error (#REF!…) rejects its row: the reader sees it as blank."""
    by_number = {row.row: row for row in rows}
    for number, column in sorted(table.error_cells):
        if column in mapping and number in by_number:
            by_number[number].errors.append((headers[column], ERROR_CELL))
