"""The column-by-column row parser gives every row what parsing that row alone gives."""

from __future__ import annotations

import dataclasses
import random
from datetime import datetime

from data_layer.importing.rows import SAMPLE, parse_rows
from data_layer.importing.table import Column, Table, locate_table
from data_layer.sheets.reader import read_sheets
from tests.data_layer.workbooks import xlsx_bytes

HEADER = [
    "STT", "Họ và tên", "Ngày sinh", "Năm sinh Nam", "Năm sinh Nữ", "Giới tính", "Số CCCD", "Thôn",
    "Địa chỉ", "Đối tượng", "Mức quà", "Nguồn kinh phí", "Số tài khoản", "Điện thoại", "Ghi chú",
]  # fmt: skip
# Per column, values that parse, values that are refused, blanks, and look-alikes of different types;
# the first one agrees with the others' first ones (a clean row).
POOL = {
    1: ["Nguyễn Văn A", "", None, "  ", "Lê\u200bThị", "Trần \u202eB", "X" * 300, 12345, "Phạm\tThị  C"],
    2: ["01/02/1990", 1950, "1950", datetime(1960, 5, 6), "31/02/1990", "2099", 23000, 23000.5, "abc", None],
    3: [None, 1944, "1944", "12/12/1944", "x"],
    4: [None, 1945, "1945", "bad"],
    5: ["Nam", "Nữ", "nu", "x", None, 1],
    6: ["001090012345", 1090012345, 20190012345, "020 190 012345", "0201234", "abc", 1.5, None, True],
    7: ["Khối 1", None, "", "T" * 200, 7],
    8: ["Số 5 ngõ 3", None, "A" * 300],
    9: ["Hộ nghèo", "Hộ nghèo; Người cao tuổi", None, "Thương binh + Bảo trợ"],
    10: ["600.000", 600000, "600,000", "1.2", "abc", None, -5, "500.000 đ", "1.234.567,00"],
    11: ["Tỉnh", None, "xx"],
    12: ["0123456789", 123456789, None, "9" * 60],
    13: ["0912345678", None, "1" * 40],
    14: ["Ủy quyền", None, "N" * 600],
}


def messy_table(rows: int) -> Table:
    rng = random.Random(3)
    pick = lambda c: rng.choice(POOL[c]) if rng.random() < (0.03 if c == 1 else 0.3) else POOL[c][0]  # noqa: E731
    data = [HEADER] + [[n] + [pick(c) for c in range(1, 15)] for n in range(1, rows + 1)]
    for row in data[1:]:  # names of their own: the name column is parsed value by value
        row[1] = f"{row[1]} {row[0]}" if isinstance(row[1], str) and row[1].strip() else row[1]
    return locate_table(read_sheets(xlsx_bytes(data), "ds.xlsx", max_bytes=10 << 20))


def alone(table: Table, row: tuple[int, list]) -> Table:
    return dataclasses.replace(table, rows=[row])


def without_duplicates(errors: list) -> list:
    return [e for e in errors if "trùng với dòng" not in e[1]]


def test_each_row_parses_as_it_would_alone():
    table = messy_table(SAMPLE + 500)
    together = parse_rows(table)
    assert len(together) == SAMPLE + 500
    assert {r.status for r in together} == {"ok", "warning", "error"}  # the pool reaches every outcome
    for row, parsed in zip(table.rows, together, strict=True):
        (single,) = parse_rows(alone(table, row))
        assert dataclasses.replace(parsed, errors=without_duplicates(parsed.errors)) == single


def test_values_equal_in_python_but_of_other_types_are_parsed_apart():
    """1, 1.0 and True compare equal: a remembered answer for one must not serve the others."""
    columns = [Column(0, "Họ và tên", "name"), Column(1, "Giới tính", "gender"), Column(2, "Tiền", "amount")]
    rows = [(2, ["A", "Nam", 1]), (3, ["B", "Nam", 1.5]), (4, ["C", "Nam", True]), (5, ["D", "Nam", 1.0])]
    parsed = parse_rows(Table(sheet_name="x", columns=columns, rows=rows))
    assert [p.amount for p in parsed] == [1, None, None, 1]
    assert [bool(p.errors) for p in parsed] == [False, True, True, False]
    assert "True" in parsed[2].errors[0][1]
