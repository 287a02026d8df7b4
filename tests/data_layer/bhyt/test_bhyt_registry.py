"""The registry's health-insurance fields (issue 24): `Mã số BHXH` (10 digits), `Số thẻ BHYT` (2 letters,
benefit level, 2-digit province, the 10-digit social-insurance number) and `Nơi KCB ban đầu` through a real
import, inline editing and the export, on both databases."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from data_layer.core.access import Scope
from data_layer.core.db import read_session, write_session
from data_layer.registry.editing import clean_value, update_person
from data_layer.registry.queries import Filters
from data_layer.reports.exports import beneficiaries_xlsx
from data_layer.vn.values import CellError, parse_health_card_no, parse_social_insurance_no
from tests.data_layer.importing.test_importing import people, run_import
from tests.data_layer.workbooks import TITLE, xlsx_bytes

SYSTEM = Scope.system()
HEADER = ["STT", "Họ và tên", "Năm sinh", "Số CCCD", "Mã số BHXH", "Số thẻ BHYT", "Nơi KCB ban đầu"]


def insurance_list(rows: list[list]) -> bytes:
    return xlsx_bytes([*TITLE, HEADER, *rows])


def test_import_reads_checks_and_stores_the_insurance_columns(engine, wards):
    """Data start on Excel row 5 (3 title rows, the header). Row 5 is right (the social-insurance number
    typed as a number lost its leading zero: restored); rows 6–9 are refused naming their column."""
    rows = [
        [1, "Nguyễn Văn An", 1940, "022040001234", 123456789, "bt 2 22 0123456789", "Trạm Y tế phường A"],
        [2, "Trần Thị Bình", 1941, None, "12345", None, None],  # 5 digits
        [3, "Lê Văn Cường", 1942, None, "0123456780", "BT22012345678", None],  # 13 characters
        [4, "Phạm Thị Dung", 1943, None, "0123456781", "HN2220123456789", None],  # card of another number
        [5, "Hà Văn Em", 1944, None, "0123456789", None, None],  # An's number again
    ]
    _, result = run_import(engine, insurance_list(rows), wards["A"])
    errors = {e["row"]: e for e in result.counts["errors"]}
    assert set(errors) == {6, 7, 8, 9}
    assert (
        errors[9]["column"] == "Mã số BHXH"
        and errors[9]["message"] == "Mã số BHXH 0123456789 trùng với dòng 5."
    )
    assert errors[6]["column"] == "Mã số BHXH" and "10 chữ số" in errors[6]["message"]
    assert errors[7]["column"] == "Số thẻ BHYT" and "không đúng dạng" in errors[7]["message"]
    assert errors[8]["column"] == "Số thẻ BHYT" and "không khớp mã số BHXH 0123456781" in errors[8]["message"]
    an = people(engine, wards["A"])["Nguyễn Văn An"]
    assert (an["social_insurance_no"], an["health_card_no"], an["clinic"]) == (
        "0123456789",
        "BT2220123456789",
        "Trạm Y tế phường A",
    )


def test_a_reimport_updates_the_card_and_the_export_shows_it(engine, wards):
    rows = [[1, "Nguyễn Văn An", 1940, "022040001234", "0123456789", None, "Trạm Y tế phường A"]]
    run_import(engine, insurance_list(rows), wards["A"])
    rows[0][5], rows[0][6] = "HN2220123456789", "Bệnh viện đa khoa tỉnh"
    run_import(engine, insurance_list(rows), wards["A"], name="ds2.xlsx")
    an = people(engine, wards["A"])["Nguyễn Văn An"]
    assert (an["health_card_no"], an["clinic"]) == ("HN2220123456789", "Bệnh viện đa khoa tỉnh")
    with read_session(engine) as session:
        sheet = load_workbook(io.BytesIO(beneficiaries_xlsx(session, SYSTEM, Filters()))).active
    values = [[c for c in row if c is not None] for row in sheet.iter_rows(values_only=True)]
    header = next(row for row in values if "Mã số BHXH" in row)
    assert {"Số thẻ BHYT", "Nơi KCB ban đầu"} <= set(header)
    assert any("HN2220123456789" in row and "0123456789" in row for row in values)


def test_inline_editing_checks_the_card_against_the_number(engine, wards):
    run_import(
        engine, insurance_list([[1, "Nguyễn Văn An", 1940, None, "0123456789", None, None]]), wards["A"]
    )
    with pytest.raises(CellError, match="Cột 'Số thẻ BHYT'.*15 ký tự"):
        clean_value("health_card_no", "BT2", set())
    with pytest.raises(CellError, match="Cột 'Mã số BHXH'.*10 chữ số"):
        clean_value("social_insurance_no", "01234", set())
    an = people(engine, wards["A"])["Nguyễn Văn An"]
    with pytest.raises(CellError, match="không khớp mã số BHXH 0123456789"):
        with write_session(engine) as session:
            update_person(session, SYSTEM, an["id"], 1, {"health_card_no": "BT2229999999999"}, set())
    with write_session(engine) as session:
        update_person(session, SYSTEM, an["id"], 1, {"health_card_no": "bt2220123456789"}, set())
    assert people(engine, wards["A"])["Nguyễn Văn An"]["health_card_no"] == "BT2220123456789"


@pytest.mark.parametrize(
    "raw, expected",
    [("BT2220123456789", "BT2220123456789"), ("ht 4 01 0000000001", "HT4010000000001"), (None, None)],
)
def test_card_numbers_read(raw, expected):
    assert parse_health_card_no(raw) == expected


@pytest.mark.parametrize("raw", ["BT6220123456789", "B12220123456789", "BT2000123456789", "BT22201234567890"])
def test_bad_card_numbers_are_refused(raw):
    with pytest.raises(CellError):
        parse_health_card_no(raw)


def test_social_insurance_numbers_read():
    assert parse_social_insurance_no(123456789) == "0123456789"
    assert parse_social_insurance_no("01 2345 6789") == "0123456789"
    with pytest.raises(CellError, match="10 chữ số"):
        parse_social_insurance_no("123456789")  # typed as text: a digit is missing, not a zero lost
    with pytest.raises(CellError, match="chữ số"):
        parse_social_insurance_no("01234S6789")
