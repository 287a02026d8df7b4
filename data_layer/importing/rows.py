"""Turn the data rows of a located table into checked person records (errors reject a row)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from data_layer.importing.table import Table
from data_layer.vn.text import fold, normalize_text
from data_layer.vn.values import (
    CellError,
    national_id_warning,
    parse_amount,
    parse_count,
    parse_date,
    parse_gender,
    parse_month,
    parse_national_id,
)

CATEGORY_SEPARATORS = re.compile(r"\s*[,;+\n/]\s*")
GROUP_SEPARATORS = re.compile(r"\s*[,;+\n]\s*")  # allowance group codes: 5.4; 5.6a


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
    # monthly allowance register (``allowance.register_import``)
    allowance_groups: list[str] = field(default_factory=list)
    children: int | None = None
    start_month: date | None = None
    paid_until: date | None = None
    bank_name: str | None = None
    errors: list[tuple[str | None, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def status(self) -> str:
        return "error" if self.errors else "warning" if self.warnings else "ok"


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return normalize_text(str(value))


def _parse_one(
    number: int, cells: list[object], mapping: dict[int, str], headers: dict[int, str]
) -> ParsedRow:
    parsed = ParsedRow(row=number)
    values: dict[str, object] = {}
    columns: dict[str, int] = {}
    for index, field_name in mapping.items():
        value = cells[index] if index < len(cells) else None
        if value not in (None, "") and field_name not in values:
            values[field_name], columns[field_name] = value, index

    def attempt(field_name: str, parse):
        if field_name not in values:
            return None
        try:
            return parse(values[field_name])
        except CellError as exc:
            parsed.errors.append((headers[columns[field_name]], str(exc)))
            return None

    parsed.name = _text(values.get("name"))
    if not parsed.name:
        parsed.errors.append((_header_of("name", mapping, headers), "Thiếu họ và tên."))
    else:
        parsed.name_key = fold(parsed.name)
    for field_name, gender in (("birth", None), ("birth_male", "M"), ("birth_female", "F")):
        birth = attempt(field_name, parse_date)
        if birth and (birth[0] or birth[1]):
            parsed.birth_date, parsed.birth_year = birth
            parsed.gender = gender or parsed.gender
    parsed.gender = attempt("gender", parse_gender) or parsed.gender
    parsed.national_id = attempt("national_id", parse_national_id)
    parsed.amount = attempt("amount", parse_amount)
    hamlet, address = _text(values.get("hamlet")), _text(values.get("address"))
    parsed.hamlet = hamlet or address
    if category := _text(values.get("category")):
        parsed.category_texts = [part for part in CATEGORY_SEPARATORS.split(category) if part]
    parsed.source_text = _text(values.get("source"))
    parsed.bank_account = _text(values.get("bank_account"))
    parsed.phone = _text(values.get("phone"))
    parsed.note = _text(values.get("note"))
    _parse_register(parsed, values, attempt)
    if not parsed.errors:
        if parsed.national_id is None:
            parsed.warnings.append("Thiếu số CCCD.")
        elif warning := national_id_warning(parsed.national_id, parsed.birth_year, parsed.gender):
            parsed.warnings.append(warning)
    return parsed


def _parse_register(parsed: ParsedRow, values: dict, attempt) -> None:
    """The monthly allowance register's columns: groups, children, start month, paid-until month."""
    if groups := _text(values.get("allowance_groups")):
        parsed.allowance_groups = [part for part in GROUP_SEPARATORS.split(groups) if part]
    parsed.children = attempt("children", parse_count)
    parsed.start_month = attempt("start_month", parse_month)
    parsed.paid_until = attempt("paid_until", parse_month)
    parsed.bank_name = _text(values.get("bank_name"))


def _header_of(field_name: str, mapping: dict[int, str], headers: dict[int, str]) -> str | None:
    return next((headers[i] for i, f in mapping.items() if f == field_name), None)


def parse_rows(table: Table, mapping: dict[int, str | None] | None = None) -> list[ParsedRow]:
    """Parse every data row; ``mapping`` (column index → field) overrides the detected columns."""
    mapping = {c.index: c.field for c in table.columns} if mapping is None else mapping
    active = {index: f for index, f in mapping.items() if f}
    headers = {c.index: c.header or f"Cột {c.index + 1}" for c in table.columns}
    parsed = [_parse_one(number, cells, active, headers) for number, cells in table.rows]
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
