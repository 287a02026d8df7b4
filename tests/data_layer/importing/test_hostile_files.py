"""Hostile and broken files: refused with a Vietnamese message, the process alive, nothing written.

Every file is generated here (tests/hostile_files.py); data-layer parts run on SQLite and PostgreSQL.
"""

from __future__ import annotations

import codecs
import io
import os
import unicodedata
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, insert, select

from data_layer.campaigns.allocation import apply_allocations
from data_layer.campaigns.rules import Rule
from data_layer.campaigns.setup import add_package, create_campaign
from data_layer.campaigns.signing_list import signing_list_xlsx
from data_layer.core.access import Scope
from data_layer.core.db import write_session
from data_layer.core.models import Beneficiary, BeneficiaryCategory, Category
from data_layer.importing.commit import commit_import
from data_layer.importing.preview import ImportRequest, preview_import
from data_layer.registry.queries import Filters
from data_layer.reports.exports import beneficiaries_xlsx
from data_layer.reports.summary import campaign_summary, summary_xlsx, ward_summaries
from data_layer.sheets.file_errors import FileReadError
from data_layer.sheets.reader import decode_csv, read_sheets
from data_layer.sheets.sandbox import read_workbook_rows
from data_layer.sheets.xlsx_scan import SheetScan, _scan_chunk
from data_layer.vn.document import Office
from tests import hostile_files
from tests.conftest import records_of, source_id
from tests.data_layer.workbooks import ward_list, xlsx_bytes

SYSTEM = Scope.system()
LIMIT = 20 * 1024 * 1024


def import_file(engine, ward_id: int, data: bytes, name: str = "ds.xlsx"):
    with write_session(engine) as session:
        preview = preview_import(session, SYSTEM, ImportRequest(file_name=name, data=data, ward_id=ward_id))
        commit_import(session, SYSTEM, preview)
    return preview


def people_count(engine) -> int:
    with write_session(engine) as session:
        return session.execute(select(func.count()).select_from(Beneficiary)).scalar_one()


@pytest.mark.parametrize(
    ("builder", "message"),
    [
        (hostile_files.far_cell, "vượt giới hạn 200.000 dòng"),
        (hostile_files.zip_bomb, "giải nén ra 300 MB"),
        (lambda: hostile_files.long_name(40_000), r"Ô B6 .* dài 40\.000 ký tự \(tối đa 32\.767\)"),
    ],
)
def test_hostile_workbooks_are_refused_and_nothing_is_written(engine, wards, builder, message):
    with pytest.raises(FileReadError, match=message):
        import_file(engine, wards["A"], builder())
    assert people_count(engine) == 0


def test_a_reader_crash_ends_the_child_not_the_server():
    """Even past the size checks, calamine aborting on a 549 GB allocation only kills the child."""
    with pytest.raises(FileReadError, match="cấu trúc bất thường"):
        read_workbook_rows(hostile_files.far_cell())
    assert read_workbook_rows(xlsx_bytes([["Họ và tên"], ["An"]])) == [("Danh sách", [["Họ và tên"], ["An"]])]


def children() -> set[int]:
    pid = os.getpid()
    return {int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()}


def test_a_file_refused_while_the_child_reads_leaves_no_child_behind():
    """The child starts reading at once; the zip bomb refused by the measure ends it."""
    before = children()
    with pytest.raises(FileReadError, match="giải nén ra 300 MB"):
        read_sheets(hostile_files.zip_bomb(), "ds.xlsx", max_bytes=LIMIT)
    assert children() <= before


def test_over_long_values_reject_the_row_naming_the_column(engine, wards):
    """A 10,000-character name used to be stored on SQLite and to crash the import on PostgreSQL."""
    long_name = hostile_files.long_name(10_000)
    preview = import_file(engine, wards["A"], long_name)
    assert [(r.row, r.errors) for r in preview.rows] == [(6, [("Họ và tên", "Dài 10000 ký tự, tối đa 200.")])]
    assert people_count(engine) == 0


def test_control_characters_are_dropped_bidi_refused_zero_width_spaces_separate_words(engine, wards):
    person = hostile_files.PERSON
    rows = ward_list(
        [
            [1, "Bế BELLVăn ESCAn", *person[2:4], "020050001234", *person[5:]],
            [2, "Nguyễn\u200bThị Bình", *person[2:4], "020050001235", *person[5:]],
            [3, "\u202eNAL VĂN CHÍ", *person[2:4], "020050001236", *person[5:]],
            [4, "Lê NULVăn Dũng", *person[2:4], "020050001237", *person[5:]],
        ]
    )
    data = hostile_files.with_placeholders(rows, {"BELL": "_x0007_", "ESC": "_x001B_", "NUL": "_x0000_"})
    preview = import_file(engine, wards["A"], data)
    assert [r.name for r in preview.rows[:2]] == ["Bế Văn An", "Nguyễn Thị Bình"]
    assert preview.rows[2].errors[0][0] == "Họ và tên" and "bidi" in preview.rows[2].errors[0][1]
    assert preview.rows[3].name == "Lê Văn Dũng"
    assert set(records_of_a(engine, wards["A"])) == {"Bế Văn An", "Nguyễn Thị Bình", "Lê Văn Dũng"}


def records_of_a(engine, ward_id):
    with write_session(engine) as session:
        return records_of(session, ward_id)


def test_excel_error_cells_reject_their_row(engine, wards):
    preview = import_file(engine, wards["A"], hostile_files.error_cell())
    assert preview.rows[0].errors == [
        ("Số CCCD", "Ô có lỗi công thức Excel (#REF!, #VALUE!…): sửa trong Excel rồi nhập lại.")
    ]
    assert not preview.rows[1].errors
    assert list(records_of_a(engine, wards["A"])) == ["Lê Thị Bình"]


def csv_of(rows: list[list[str]]) -> str:
    return "\n".join(",".join(row) for row in rows) + "\n"


ROWS = [["STT", "Họ và tên", "Năm sinh"], ["1", "Nguyễn Thị Hường", "1950"], ["2", "Đặng Văn Ước", "1948"]]


TONES = "\u0300\u0301\u0303\u0309\u0323"


def as_windows_vietnamese(text: str) -> bytes:
    """``text`` as Vietnamese Windows Excel saves a CSV: Windows-1258, where letters with a hat or a
    horn are single characters and the five tones are combining marks after them."""
    out = []
    for ch in text:
        marks = unicodedata.normalize("NFD", ch)
        tones = "".join(m for m in marks if m in TONES)
        out.append(unicodedata.normalize("NFC", "".join(m for m in marks if m not in TONES)) + tones)
    return "".join(out).encode("cp1258")


@pytest.mark.parametrize(
    ("encode", "warning"),
    [
        (lambda text: text.encode("utf-8"), None),
        (lambda text: codecs.BOM_UTF8 + text.encode("utf-8"), None),
        (lambda text: text.encode("utf-16"), None),  # with its byte-order mark
        (as_windows_vietnamese, "Windows-1258"),
    ],
)
def test_csv_encodings(encode, warning):
    sheets = read_sheets(encode(csv_of(ROWS)), "ds.csv", max_bytes=LIMIT)
    names = [unicodedata.normalize("NFC", row[1]) for row in sheets[0].rows[1:]]
    assert names == ["Nguyễn Thị Hường", "Đặng Văn Ước"]
    assert sheets[0].warnings == [] if warning is None else any(warning in w for w in sheets[0].warnings)


def test_mis_decoded_csv_text_is_warned_about():
    mojibake = csv_of(ROWS).encode("utf-8").decode("cp1252", errors="replace").encode("utf-8")
    _text, warnings = decode_csv(mojibake)
    assert any("lỗi mã hóa" in w for w in warnings)


def test_reports_survive_control_characters_stored_by_any_path(engine, wards):
    """A name holding BEL and ESC (written by hand-typed SQL, an old import…) must not break exports."""
    with write_session(engine) as session:
        pid = session.execute(
            insert(Beneficiary).returning(Beneficiary.id),
            [{"ward_id": wards["A"], "name": "Ân\x07 Bình\x1b", "name_key": "an binh", "birth_year": 1950}],
        ).scalar_one()
        hn = session.execute(select(Category.id).where(Category.code == "HN")).scalar_one()
        session.execute(insert(BeneficiaryCategory), [{"beneficiary_id": pid, "category_id": hn}])
        cid = create_campaign(session, SYSTEM, name="Tết", year=2026, start_date=date(2026, 1, 1)).id
        add_package(
            session,
            SYSTEM,
            campaign_id=cid,
            source_id=source_id(session, "TINH"),
            label="Hộ nghèo",
            amount=500_000,
            rule=Rule(categories=["HN"]),
        )
        apply_allocations(session, SYSTEM, cid)
        files = [
            summary_xlsx(
                campaign_summary(session, SYSTEM, cid), ward_summaries(session, SYSTEM, cid), Office("UBND")
            ),
            signing_list_xlsx(session, SYSTEM, cid, ward_id=wards["A"]),
            beneficiaries_xlsx(session, SYSTEM, Filters()),
        ]
    texts = [
        c.value for data in files for row in load_workbook(io.BytesIO(data)).active.iter_rows() for c in row
    ]
    assert "Ân Bình" in texts and not any(isinstance(t, str) and ("\x07" in t or "\x1b" in t) for t in texts)


@pytest.mark.parametrize("row_tag", ["row", "x:row"])
def test_the_scan_finds_the_last_row_with_or_without_a_namespace_prefix(row_tag):
    """The scan looks for the word "row" (fast); a prefixed tag and a far row are still found, and
    text that merely contains the word never hides a row."""
    cells = '<c r="B2" t="inlineStr"><is><t>Arrow of the throw</t></is></c>'
    xml = f'<{row_tag} r="2" spans="1:2">{cells}</{row_tag}><{row_tag} r="250000"></{row_tag}>'.encode()
    found = SheetScan()
    _scan_chunk(xml, found)
    assert found.max_row == 250_000
