"""Turn the data rows of a located table into checked person records (errors reject a row).

The work goes column by column: lists repeat their values (hamlets, groups, amounts, birth dates), so
each distinct value of a column is parsed once, and the rows are then assembled from the answers.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from data_layer.core.codes import RowStatus
from data_layer.core.models import Entitlement
from data_layer.importing.table import Table
from data_layer.registry.fields import FIELDS
from data_layer.vn.text import BIDI_CONTROLS, fold, normalize_text
from data_layer.vn.values import (
    CellError,
    card_matches_number,
    id_digit_count,
    mismatch_warning,
    national_id_mismatches,
    parse_amount,
    parse_count,
    parse_date,
    parse_gender,
    parse_health_card_no,
    parse_month,
    parse_national_id,
    parse_social_insurance_no,
    restored_id_problem,
)

CATEGORY_SEPARATORS = re.compile(r"\s*[,;+\n/]\s*")
GROUP_SEPARATORS = re.compile(r"\s*[,;+\n]\s*")  # allowance group codes: 5.4; 5.6a
TEXT_FIELDS = (
    *(
        "name",
        "hamlet",
        "address",
        "category",
        "source",
        "bank_account",
        "phone",
        "note",
        "commune",
        "clinic",
    ),
    *("allowance_groups", "bank_name"),  # monthly allowance register
    "poverty",  # a relief household list (read by ``relief.household_list``)
)
BIRTH_FIELDS = (("birth", None), ("birth_male", "M"), ("birth_female", "F"))
# Stored texts and the registry field whose length limit applies (the address is stored as the hamlet).
LIMITS = {
    key: FIELDS[key].max_length for key in ("name", "hamlet", "bank_account", "phone", "note", "clinic")
}
LIMITS["bank_name"] = Entitlement.__table__.c.bank_name.type.length
ERROR_CELL = "Ô có lỗi công thức Excel (#REF!, #VALUE!…): sửa trong Excel rồi nhập lại."
BIDI = "Có ký tự đảo chiều chữ (Unicode bidi) làm hiển thị sai nội dung: gõ lại ô này."


@dataclass(slots=True)
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
    category_texts: tuple[str, ...] = ()
    amount: int | None = None
    source_text: str | None = None
    bank_account: str | None = None
    phone: str | None = None
    note: str | None = None
    commune: str | None = None  # an old list's Phường/Xã column (``importing.eras``)
    # health insurance (``bhyt``)
    social_insurance_no: str | None = None
    health_card_no: str | None = None
    clinic: str | None = None
    # monthly allowance register (``allowance.register_import``)
    allowance_groups: tuple[str, ...] = ()
    children: int | None = None
    start_month: date | None = None
    paid_until: date | None = None
    applies_from: date | None = None  # the month a changed group or number of children applies from
    bank_name: str | None = None
    # a relief household list (``relief.household_list``)
    household_size: int | None = None
    people_lacking_food: int | None = None
    poverty: str | None = None
    errors: list[tuple[str | None, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def status(self) -> RowStatus:
        return RowStatus.ERROR if self.errors else RowStatus.WARNING if self.warnings else RowStatus.OK


def _clean_text(value: object) -> str | None:
    """A cell as stored text (NFC, controls dropped); CellError when it reorders itself on screen."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value)
    if BIDI_CONTROLS.search(text):
        raise CellError(BIDI)
    return normalize_text(text)


def _national_id(value: object) -> tuple[str | None, int]:
    """The CCCD and how many digits the cell held as typed."""
    return parse_national_id(value), id_digit_count(value)


PARSERS: dict[str, Callable[[object], object]] = {
    **dict.fromkeys(TEXT_FIELDS, _clean_text),
    **dict.fromkeys((name for name, _ in BIRTH_FIELDS), parse_date),
    "gender": parse_gender,
    "national_id": _national_id,
    "social_insurance_no": parse_social_insurance_no,
    "health_card_no": parse_health_card_no,
    "amount": parse_amount,
    "children": parse_count,
    "household_size": parse_count,
    "people_lacking_food": parse_count,
    "start_month": parse_month,
    "paid_until": parse_month,
    "applies_from": parse_month,
}
REGISTER_FIELDS = ("children", "start_month", "paid_until", "applies_from")
INSURANCE_FIELDS = ("social_insurance_no", "health_card_no")
RELIEF_FIELDS = ("household_size", "people_lacking_food")

Answer = tuple[object, str | None]  # the parsed value, or the error message
SAMPLE = 2000  # values of a column looked at before deciding whether it repeats itself


def _first_cells(rows: list[tuple[int, list[object]]], indexes: list[int]) -> tuple[list, int | list]:
    """Per row, the first non-empty value among a field's columns (None when all are empty), and the
    column it came from: one index for a field read from one column, else a list of them."""
    if len(indexes) == 1:
        index = indexes[0]
        values = [cells[index] if index < len(cells) else None for _, cells in rows]
        return [None if v == "" else v for v in values], index
    values, sources = [], []
    for _, cells in rows:
        width, value, source = len(cells), None, None
        for index in indexes:
            if index < width and (cell := cells[index]) is not None and cell != "":
                value, source = cell, index
                break
        values.append(value)
        sources.append(source)
    return values, sources


def _answer(value: object, parse: Callable[[object], object]) -> Answer | None:
    if value is None:
        return None
    try:
        return parse(value), None
    except CellError as exc:
        return None, str(exc)


def _answers(values: list, parse: Callable[[object], object]) -> list[Answer | None]:
    """``parse`` over a column, once per distinct value (1, 1.0 and True kept apart); a column whose
    first values are nearly all different (names, IDs) is parsed value by value, remembering nothing."""
    known: dict[tuple[type, object], Answer | None] = {}
    answers: list[Answer | None] = []
    for position, value in enumerate(values):
        if position == SAMPLE and len(known) > 0.9 * SAMPLE:
            return answers + [_answer(v, parse) for v in values[SAMPLE:]]
        key = (value.__class__, value)
        if (answer := known.get(key)) is None and value is not None:
            answer = known[key] = _answer(value, parse)
        answers.append(answer)
    return answers


class _Columns:
    """The mapped fields of a table, parsed column by column; errors gathered per row position."""

    def __init__(self, table: Table, mapping: dict[int, str], headers: dict[int, str]):
        indexes: dict[str, list[int]] = defaultdict(list)
        for index, field_name in sorted(mapping.items()):
            indexes[field_name].append(index)
        self.size, self.headers = len(table.rows), headers
        self.cells, self.sources = {}, {}
        for field_name, found in indexes.items():
            self.cells[field_name], self.sources[field_name] = _first_cells(table.rows, found)
        self.answers = {f: _answers(cells, PARSERS[f]) for f, cells in self.cells.items()}
        self.errors: dict[int, list[tuple[str | None, str]]] = defaultdict(list)
        self.name_header = headers[indexes["name"][0]] if "name" in indexes else None

    def values(self, field_name: str) -> list:
        """The parsed value per row (None where empty or refused)."""
        answers = self.answers.get(field_name)
        return [a and a[0] for a in answers] if answers else [None] * self.size

    def header(self, field_name: str, position: int) -> str | None:
        """The header of the column this row's value of the field came from."""
        if field_name not in self.cells or self.cells[field_name][position] is None:
            return None
        source = self.sources[field_name]
        return self.headers[source if isinstance(source, int) else source[position]]

    def note_errors(self, fields) -> None:
        """The refusals of these fields' cells, field after field."""
        for field_name in fields:
            for position, answer in enumerate(self.answers.get(field_name, ())):
                if answer and answer[1]:
                    self.errors[position].append((self.header(field_name, position), answer[1]))

    def note_missing_names(self) -> None:
        """No name at all (a refused one has its error already)."""
        for position, answer in enumerate(self.answers.get("name") or [None] * self.size):
            if answer is None or (answer[0] is None and answer[1] is None):
                self.errors[position].append((self.name_header, "Thiếu họ và tên."))

    def note_lengths(self, texts: dict[str, list]) -> None:
        """Every stored text against its column's limit in the database."""
        for attribute, limit in LIMITS.items():
            if not limit or max(map(len, filter(None, texts[attribute])), default=0) <= limit:
                continue  # the usual case, told without a Python loop over the rows
            for position, value in enumerate(texts[attribute]):
                if value and limit and len(value) > limit:
                    column = self.header(attribute, position)
                    if attribute == "hamlet" and column is None:
                        column = self.header("address", position)
                    self.errors[position].append((column, f"Dài {len(value)} ký tự, tối đa {limit}."))


def _split_cells(texts: list[str | None], separators: re.Pattern) -> list[tuple[str, ...]]:
    """The parts of each row's cell ("Hộ nghèo; Người cao tuổi"), split once per distinct cell."""
    split: dict[str | None, tuple[str, ...]] = {None: ()}
    for text in texts:
        if text not in split:
            split[text] = tuple(part for part in separators.split(text) if part)
    return [split[text] for text in texts]


def _births(columns: _Columns) -> list[tuple[date | None, int | None, str | None]]:
    """(birth date, birth year, gender) per row: the last filled birth column wins, a Nam | Nữ column
    gives the gender, a gender column overrides it."""
    present = [(columns.values(name), gender) for name, gender in BIRTH_FIELDS if name in columns.cells]
    births = []
    for position, gender_cell in enumerate(columns.values("gender")):
        birth_date = birth_year = gender = None
        for values, column_gender in present:
            if (birth := values[position]) and (birth[0] or birth[1]):
                birth_date, birth_year = birth
                gender = column_gender or gender
        births.append((birth_date, birth_year, gender_cell or gender))
    return births


def _id_problems(ids: list, births: list) -> list[list[str]]:
    """Per row, how its CCCD disagrees with the birth year and gender (asked once per combination)."""
    known: dict[tuple, list[str]] = {}
    problems = []
    for found, (_, year, gender) in zip(ids, births, strict=True):
        national_id = found and found[0]
        if not national_id:
            problems.append([])
            continue
        key = (national_id[3:6], year, gender)
        if key not in known:
            known[key] = national_id_mismatches(national_id, year, gender)
        problems.append(known[key])
    return problems


def _note_errors(columns: _Columns, texts: dict[str, list]) -> tuple[list, list, list]:
    """Every cell error, in the order rows list them; returns births, national IDs and how each ID
    disagrees with its person."""
    columns.note_errors(TEXT_FIELDS)
    columns.note_missing_names()
    columns.note_errors(
        [name for name, _ in BIRTH_FIELDS]
        + ["gender", "national_id", *INSURANCE_FIELDS, "amount", *REGISTER_FIELDS]
    )
    columns.note_lengths(texts)
    births = _births(columns)
    ids = [found or (None, 0) for found in columns.values("national_id")]
    problems = _id_problems(ids, births)
    for position, ((national_id, digits), row_problems) in enumerate(zip(ids, problems, strict=True)):
        raw = columns.cells["national_id"][position] if row_problems else None
        if row_problems and (problem := restored_id_problem(raw, digits, national_id, row_problems)):
            columns.errors[position].append((columns.header("national_id", position), problem))
    return births, ids, problems


def _assemble(table: Table, columns: _Columns) -> list[ParsedRow]:
    texts = {name: columns.values(name) for name in TEXT_FIELDS}
    texts["hamlet"] = [h or a for h, a in zip(texts["hamlet"], texts["address"], strict=True)]
    births, ids, problems = _note_errors(columns, texts)
    rows = [
        ParsedRow(
            row=number,
            name=name,
            name_key=fold(name) if name else "",
            birth_date=birth[0],
            birth_year=birth[1],
            gender=birth[2],
            national_id=found[0],
            hamlet=hamlet,
            category_texts=categories,
            amount=amount,
            source_text=source,
            bank_account=account,
            phone=phone,
            note=note,
            errors=columns.errors.get(position, []),
        )
        for position, (
            (number, _),
            name,
            birth,
            found,
            hamlet,
            categories,
            amount,
            source,
            account,
            phone,
            note,
        ) in enumerate(
            zip(
                table.rows,
                texts["name"],
                births,
                ids,
                texts["hamlet"],
                _split_cells(texts["category"], CATEGORY_SEPARATORS),
                columns.values("amount"),
                *(texts[name] for name in ("source", "bank_account", "phone", "note")),
                strict=True,
            )
        )
    ]
    for row, commune in zip(rows, texts["commune"], strict=True):
        row.commune = commune
    _add_insurance(rows, columns, texts["clinic"])
    if "allowance_groups" in columns.cells:
        _add_register(rows, columns, texts)
    for row, size, lacking, poverty in zip(
        rows, *(columns.values(name) for name in RELIEF_FIELDS), texts["poverty"], strict=True
    ):
        row.household_size, row.people_lacking_food, row.poverty = size, lacking, poverty
    for row, row_problems in zip(rows, problems, strict=True):
        if not row.errors:
            if row.national_id is None:
                row.warnings.append("Thiếu số CCCD.")
            elif warning := mismatch_warning(row.national_id, row_problems):
                row.warnings.append(warning)
    for row in rows:
        _capitalise_lower_case_name(row)
    return rows


def _capitalise_lower_case_name(row: ParsedRow) -> None:
    """A name typed all in lower case ("trần văn bình") is taken capitalised, with a note saying so."""
    if row.name and row.name == row.name.lower() and row.name != row.name.upper():
        typed, row.name = row.name, row.name.title()
        row.warnings.append(f"Tên viết thường '{typed}': ghi là '{row.name}'.")


def _add_insurance(rows: list[ParsedRow], columns: _Columns, clinics: list) -> None:
    """Mã số BHXH, số thẻ BHYT, nơi KCB ban đầu; a card whose last 10 digits are not the row's social-
    insurance number is refused, naming the card's column."""
    if "social_insurance_no" not in columns.cells and "health_card_no" not in columns.cells:
        for row, clinic in zip(rows, clinics, strict=True):
            row.clinic = clinic
        return
    numbers, cards = columns.values("social_insurance_no"), columns.values("health_card_no")
    for position, (row, number, card, clinic) in enumerate(zip(rows, numbers, cards, clinics, strict=True)):
        row.social_insurance_no, row.health_card_no, row.clinic = number, card, clinic
        if not card_matches_number(card, number):
            row.errors.append(
                (
                    columns.header("health_card_no", position),
                    f"Số thẻ BHYT {card} không khớp mã số BHXH {number}: 10 chữ số cuối của số thẻ phải là "
                    "mã số BHXH.",
                )
            )


def _add_register(rows: list[ParsedRow], columns: _Columns, texts: dict[str, list]) -> None:
    """The monthly allowance register's columns: groups, children, start and paid-until months."""
    for row, groups, children, start, paid_until, applies_from, bank in zip(
        rows,
        _split_cells(texts["allowance_groups"], GROUP_SEPARATORS),
        *(columns.values(name) for name in REGISTER_FIELDS),
        texts["bank_name"],
        strict=True,
    ):
        row.allowance_groups, row.children, row.start_month = groups, children, start
        row.paid_until, row.applies_from, row.bank_name = paid_until, applies_from, bank


def _header_of(field_name: str, mapping: dict[int, str], headers: dict[int, str]) -> str | None:
    return next((headers[i] for i, f in mapping.items() if f == field_name), None)


def parse_rows(table: Table, mapping: dict[int, str | None] | None = None) -> list[ParsedRow]:
    """Parse every data row; ``mapping`` (column index → field) overrides the detected columns."""
    mapping = {c.index: c.field for c in table.columns} if mapping is None else mapping
    active = {index: f for index, f in mapping.items() if f}
    headers = {c.index: c.header or f"Cột {c.index + 1}" for c in table.columns}
    parsed = _assemble(table, _Columns(table, active, headers))
    _flag_error_cells(table, parsed, active, headers)
    _refuse_repeats(parsed, "national_id", "Số CCCD", _header_of("national_id", active, headers))
    header = _header_of("social_insurance_no", active, headers)
    _refuse_repeats(parsed, "social_insurance_no", "Mã số BHXH", header)
    return parsed


def _refuse_repeats(rows: list[ParsedRow], attribute: str, what: str, header: str | None) -> None:
    """A number that identifies one person (CCCD, social-insurance number) twice in a file: the later
    row is refused, naming the first."""
    first_row_of: dict[str, int] = {}
    for row in rows:
        if (value := getattr(row, attribute)) and not row.errors:
            if value in first_row_of:
                row.errors.append((header, f"{what} {value} trùng với dòng {first_row_of[value]}."))
            else:
                first_row_of[value] = row.row


def _flag_error_cells(
    table: Table, rows: list[ParsedRow], mapping: dict[int, str], headers: dict[int, str]
) -> None:
    """A mapped cell Excel marked as an error (#REF!…) rejects its row: the reader sees it as blank."""
    by_number = {row.row: row for row in rows}
    for number, column in sorted(table.error_cells):
        if column in mapping and number in by_number:
            by_number[number].errors.append((headers[column], ERROR_CELL))
