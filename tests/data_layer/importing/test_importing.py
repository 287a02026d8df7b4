"""Ward spreadsheet import on real workbooks, against SQLite and PostgreSQL."""

from __future__ import annotations

import io
import unicodedata
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from data_layer.allowance.register_import import AllowanceRegister
from data_layer.campaigns.allocation import propose_allocations
from data_layer.campaigns.gift_list import GiftList
from data_layer.campaigns.setup import create_campaign
from data_layer.core.access import Scope
from data_layer.core.codes import Action
from data_layer.core.db import read_session, write_session
from data_layer.core.errors import Conflict, Forbidden, UserError
from data_layer.core.models import (
    Allocation,
    AuditEvent,
    Beneficiary,
    Campaign,
    Category,
    FundingSource,
    ImportBatch,
    Package,
)
from data_layer.core.versioning import data_version
from data_layer.importing.batches import undo_batch
from data_layer.importing.commit import commit_import
from data_layer.importing.error_report import error_report_xlsx
from data_layer.importing.preview import ImportRequest, preview_import
from data_layer.registry.history import audit_log
from data_layer.registry.queries import Filters, people_page
from data_layer.reports.progress import campaign_progress
from data_layer.sheets.file_errors import FileReadError
from tests.conftest import records_of, source_id
from tests.data_layer.workbooks import HEADER, as_tcvn3, ward_list, xlsx_bytes

LIST_KINDS = (GiftList, AllowanceRegister)

SYSTEM = Scope.system()

ROWS = [
    [1, "Nguyễn Văn An", "05/03/1950", "Nam", "020050001234", "Khối 1", "Thương binh", "600.000"],
    [2, "  Lê   Thị Bình ", "1948", "Nữ", 22148001235, "Khối 2", "Hộ nghèo", 600000],
    [],
    [
        3,
        "Trần Văn Cường",
        date(1960, 7, 1),
        "Nam",
        "020 060 001 236",
        "Khối 1",
        "Người cao tuổi",
        "300.000 đ",
    ],
]


def run_import(
    engine, data: bytes, ward_id: int, *, name="ds.xlsx", scope=SYSTEM, commit=True, repeat_ok=False, **kwargs
):
    request = ImportRequest(file_name=name, data=data, ward_id=ward_id, **kwargs)
    with write_session(engine) as session:
        preview = preview_import(session, scope, request)
        result = commit_import(session, scope, preview, repeat_ok=repeat_ok) if commit else None
    return preview, result


def people(engine, ward_id):
    with write_session(engine) as session:
        return records_of(session, ward_id)


def test_title_rows_numbering_blank_rows_and_footer(engine, wards):
    data = xlsx_bytes(ward_list(ROWS, footer=[None, "Tổng cộng", None, None, None, None, None, "1.500.000"]))
    preview, result = run_import(engine, data, wards["A"])
    assert preview.file_warnings == []
    assert result.counts["rows_read"] == 3 and result.counts["accepted"] == 3
    assert result.counts["beneficiaries_created"] == 3
    stored = people(engine, wards["A"])
    assert set(stored) == {"Nguyễn Văn An", "Lê Thị Bình", "Trần Văn Cường"}
    an = stored["Nguyễn Văn An"]
    assert (an["birth_date"], an["birth_year"], an["gender"], an["hamlet"]) == (
        "1950-03-05",
        1950,
        "M",
        "Khối 1",
    )
    assert an["categories"] == ["NCC_TB"]
    binh = stored["Lê Thị Bình"]
    assert (binh["birth_date"], binh["birth_year"], binh["national_id"]) == (None, 1948, "022148001235")
    assert binh["categories"] == ["HN"]
    assert stored["Trần Văn Cường"]["national_id"] == "020060001236"


def test_footer_total_that_does_not_add_up_is_flagged(engine, wards):
    data = xlsx_bytes(ward_list(ROWS, footer=[None, "Cộng", None, None, None, None, None, 1_600_000]))
    preview, _ = run_import(engine, data, wards["A"], commit=False)
    assert len(preview.file_warnings) == 1
    assert "1.600.000" in preview.file_warnings[0] and "1.500.000" in preview.file_warnings[0]


def test_errors_name_the_excel_row_and_column_and_reject_only_that_row(engine, wards):
    rows = [
        [1, "Nguyễn Văn An", "05/03/1950", "Nam", "020050001234", "Khối 1", "", ""],
        [2, "", "1950", "Nam", "", "Khối 1", "", ""],  # missing name
        [3, "Phạm Văn Dũng", "31/02/1950", "Nam", "", "Khối 1", "", ""],  # impossible date
        [4, "Hà Văn Em", "1951", "Nam", "003051001234", "Khối 1", "", ""],  # unknown province 003
        [5, "Vi Văn Giang", "1952", "Nam", "", "Khối 1", "", "6OO.000"],  # bad amount
        [6, "Chu Văn Hải", "1953", "Nam", "020050001234", "Khối 1", "", ""],  # same CCCD as row 6
        [7, "Lý Văn Kha", "1954", "Nam", "12345", "Khối 1", "", ""],  # wrong length
    ]
    preview, result = run_import(engine, xlsx_bytes(ward_list(rows)), wards["A"])
    errors = {e["row"]: e for e in result.counts["errors"]}
    # title (3 rows) + header + numbering → data starts on Excel row 6
    assert set(errors) == {7, 8, 9, 10, 11, 12}
    assert errors[7]["column"] == "Họ và tên" and "họ và tên" in errors[7]["message"].lower()
    assert errors[8]["column"] == "Ngày sinh"
    assert errors[9]["column"] == "Số CCCD" and "003" in errors[9]["message"]
    assert errors[10]["column"] == "Mức quà"
    assert errors[11]["column"] == "Số CCCD" and "dòng 6" in errors[11]["message"]
    assert errors[12]["column"] == "Số CCCD"
    assert result.counts["accepted"] == 1 and result.counts["rejected"] == 6
    assert list(people(engine, wards["A"])) == ["Nguyễn Văn An"]
    report = load_workbook(io.BytesIO(error_report_xlsx(preview.rows, preview.file_warnings))).active
    lines = list(report.iter_rows(min_row=2, values_only=True))
    assert {line[0] for line in lines if line[2].startswith("Lỗi")} == {7, 8, 9, 10, 11, 12}


def test_warnings_keep_the_row(engine, wards):
    rows = [
        [1, "Nguyễn Văn An", "1950", "Nam", "", "Khối 1", "", ""],  # missing CCCD
        [2, "Lê Văn Bảo", "1950", "Nam", "020065001234", "Khối 1", "", ""],  # CCCD says 1965
        [3, "Đỗ Thị Cúc", "1950", "Nữ", "020050001239", "Khối 1", "", ""],  # CCCD says male
    ]
    preview, result = run_import(engine, xlsx_bytes(ward_list(rows)), wards["A"])
    assert result.counts["accepted"] == 3 and result.counts["warnings"] == 3
    assert [r.status for r in preview.rows] == ["warning"] * 3
    assert "Thiếu số CCCD" in preview.rows[0].warnings[0]


def test_two_row_header_with_nam_nu_birth_columns(engine, wards):
    rows = [
        ["DANH SÁCH NGƯỜI CAO TUỔI"],
        ["TT", "Họ và tên", "Năm sinh", None, "Địa chỉ", "Ghi chú"],
        [None, None, "Nam", "Nữ", None, None],
        [1, "Hoàng Văn Tư", 1946, None, "Thôn Pò Mổ", None],
        [2, "Nông Thị Năm", None, "1936", "Thôn Rọ Phải", "Mừng thọ 90"],
    ]
    data = xlsx_bytes(rows, merges=["C2:D2", "A2:A3", "B2:B3", "E2:E3", "F2:F3"])
    _, result = run_import(engine, data, wards["A"])
    assert result.counts["accepted"] == 2
    stored = people(engine, wards["A"])
    assert (stored["Hoàng Văn Tư"]["gender"], stored["Hoàng Văn Tư"]["birth_year"]) == ("M", 1946)
    assert (stored["Nông Thị Năm"]["gender"], stored["Nông Thị Năm"]["birth_year"]) == ("F", 1936)
    assert (
        stored["Nông Thị Năm"]["hamlet"] == "Thôn Rọ Phải" and stored["Nông Thị Năm"]["note"] == "Mừng thọ 90"
    )


def test_file_typed_in_tcvn3_imports_as_unicode(engine, wards):
    rows = [
        [as_tcvn3(v) if isinstance(v, str) else v for v in row]
        for row in ward_list(
            [
                [
                    1,
                    "Trần Văn Đức",
                    "1950",
                    "Nam",
                    "020050001234",
                    "Thôn Hoàng Thanh",
                    "Thương binh",
                    "600.000",
                ],
                [
                    2,
                    "Nguyễn Thị Hường",
                    "1952",
                    "Nữ",
                    "020152001234",
                    "Tổ dân phố số 4",
                    "Hộ nghèo",
                    "600.000",
                ],
                [
                    3,
                    "Phạm Ngọc Ưng",
                    "1955",
                    "Nam",
                    "020055001234",
                    "Khối Lê Lợi",
                    "Người cao tuổi",
                    "600.000",
                ],
            ]
        )
    ]
    assert rows[3][1] != "Họ và tên"  # the header itself is garbled as Excel shows it
    preview, result = run_import(engine, xlsx_bytes(rows, font=".VnTime"), wards["A"])
    assert preview.table.legacy_encoding == "tcvn3"
    assert result.counts["accepted"] == 3
    stored = people(engine, wards["A"])
    assert set(stored) == {"Trần Văn Đức", "Nguyễn Thị Hường", "Phạm Ngọc Ưng"}
    assert stored["Nguyễn Thị Hường"]["hamlet"] == "Tổ dân phố số 4"
    assert stored["Trần Văn Đức"]["categories"] == ["NCC_TB"]


def test_tcvn3_capitals_font_gives_upper_case(engine, wards):
    rows = ward_list([[1, as_tcvn3("trần văn đức"), "1950", "Nam", "", "", "", ""]])
    rows = [[as_tcvn3(v) if isinstance(v, str) and r < 5 else v for v in row] for r, row in enumerate(rows)]
    data = xlsx_bytes(rows, font=".VnTime", upper_font_cells=["B6"])
    _, result = run_import(engine, data, wards["A"])
    assert result.counts["accepted"] == 1
    assert list(people(engine, wards["A"])) == ["TRẦN VĂN ĐỨC"]


def test_file_typed_in_vni_imports_as_unicode(engine, wards):
    rows = [
        ["STT", "Hoï vaø teân", "Ngaøy sinh", "Soá CCCD", "Thoân/Toå", "Ñoái töôïng"],
        [1, "Traàn Vaên Ñöùc", "12/05/1950", "020050001234", "Khoái 1", "Thöông binh"],
        [2, "Nguyeãn Thò Höôøng", "1952", "020152001234", "Khoái 2", "Hoä ngheøo"],
    ]
    preview, result = run_import(engine, xlsx_bytes(rows, font="VNI-Times"), wards["A"])
    assert preview.table.legacy_encoding == "vni"
    assert result.counts["accepted"] == 2
    stored = people(engine, wards["A"])
    assert set(stored) == {"Trần Văn Đức", "Nguyễn Thị Hường"}
    assert stored["Nguyễn Thị Hường"]["categories"] == ["HN"]


def test_nfd_text_is_stored_as_nfc(engine, wards):
    nfd = unicodedata.normalize("NFD", "Nguyễn Thị Hường")
    header = [unicodedata.normalize("NFD", h) for h in HEADER]
    _, result = run_import(
        engine, xlsx_bytes([header, [1, nfd, "1950", "Nữ", "", "Khối 1", "", ""]]), wards["A"]
    )
    assert result.counts["accepted"] == 1
    (name,) = people(engine, wards["A"])
    assert name == "Nguyễn Thị Hường" and unicodedata.is_normalized("NFC", name)


def test_csv_semicolon_file(engine, wards):
    text = "Họ và tên;Năm sinh;CCCD\nNguyễn Văn An;1950;020050001234\nLê Thị Bình;1948;\n"
    _, result = run_import(engine, text.encode("utf-8-sig"), wards["A"], name="ds.csv")
    assert result.counts["accepted"] == 2
    assert people(engine, wards["A"])["Nguyễn Văn An"]["national_id"] == "020050001234"


def test_reimport_matches_people_and_flags_the_same_file(engine, wards):
    data = xlsx_bytes(ward_list(ROWS))
    run_import(engine, data, wards["A"])
    with pytest.raises(Conflict, match="đã được nhập"):  # the same file again needs the user's yes
        run_import(engine, data, wards["A"])
    preview, result = run_import(engine, data, wards["A"], repeat_ok=True)
    assert preview.already_imported is not None
    assert result.counts["beneficiaries_created"] == 0 and result.counts["beneficiaries_matched"] == 3
    assert len(people(engine, wards["A"])) == 3


def test_match_by_name_and_birth_date_when_no_id_and_update_fields(engine, wards):
    first = [[1, "Nguyễn Văn An", "05/03/1950", "Nam", "", "Khối 1", "", ""]]
    second = [[1, "NGUYỄN VĂN AN", "05/03/1950", "Nam", "", "Khối 3", "Hộ cận nghèo", ""]]
    run_import(engine, xlsx_bytes(ward_list(first)), wards["A"])
    _, result = run_import(engine, xlsx_bytes(ward_list(second)), wards["A"])
    assert result.counts["beneficiaries_matched"] == 1
    stored = people(engine, wards["A"])
    assert list(stored) == ["Nguyễn Văn An"]
    assert stored["Nguyễn Văn An"]["hamlet"] == "Khối 3" and stored["Nguyễn Văn An"]["categories"] == ["HCN"]


def test_possible_duplicate_in_another_ward_is_a_warning(engine, wards):
    run_import(
        engine, xlsx_bytes(ward_list([[1, "Nguyễn Văn An", "1950", "Nam", "", "Khối 1", "", ""]])), wards["B"]
    )
    preview, _ = run_import(
        engine,
        xlsx_bytes(ward_list([[1, "Nguyen Van An", "1950", "Nam", "", "K1", "", ""]])),
        wards["A"],
        commit=False,
    )
    assert any("Phường B" in w for w in preview.rows[0].warnings)
    staff = Scope(user_id=None, username="a", role="ward", ward_ids=frozenset({wards["A"]}))
    preview, _ = run_import(
        engine,
        xlsx_bytes(ward_list([[1, "Nguyen Van An", "1950", "Nam", "", "K1", "", ""]])),
        wards["A"],
        commit=False,
        scope=staff,
    )
    assert any("một phường/xã khác" in w for w in preview.rows[0].warnings)  # no other ward named to a ward
    assert not any("Phường B" in w for w in preview.rows[0].warnings)


def test_gift_list_creates_allocations_once(engine, wards):
    with write_session(engine) as session:
        campaign = Campaign(name="Tết 2026", year=2026)
        session.add(campaign)
        session.flush()
        campaign_id = campaign.id
        source_id = session.execute(select(FundingSource.id).where(FundingSource.code == "TW")).scalar_one()
    data = xlsx_bytes(ward_list(ROWS))
    _, result = run_import(engine, data, wards["A"], kind=GiftList(campaign_id, source_id))
    assert result.counts["allocations_created"] == 3
    _, again = run_import(engine, data, wards["A"], kind=GiftList(campaign_id, source_id), repeat_ok=True)
    assert again.counts["allocations_created"] == 0
    with write_session(engine) as session:
        amounts = sorted(session.execute(select(Allocation.amount)).scalars())
    assert amounts == [300_000, 600_000, 600_000]


def test_a_gift_level_the_campaign_lacks_becomes_an_audited_package(engine, wards):
    """Ward staff may import a gift list naming levels the campaign has no package for: each level
    becomes one package through the campaign setup's audited path."""
    staff = Scope(user_id=None, username="a", role="ward", ward_ids=frozenset({wards["A"]}))
    with write_session(engine) as session:
        campaign_id = create_campaign(session, SYSTEM, name="Tết 2026", year=2026).id
        tw = source_id(session, "TW")
    _, result = run_import(
        engine, xlsx_bytes(ward_list(ROWS)), wards["A"], scope=staff, kind=GiftList(campaign_id, tw)
    )
    assert result.counts["allocations_created"] == 3
    with read_session(engine) as session:
        packages = dict(
            session.execute(select(Package.id, Package.label).where(Package.campaign_id == campaign_id)).all()
        )
        audited = session.execute(
            select(AuditEvent.row_id).where(
                AuditEvent.table_name == "package", AuditEvent.action == Action.INSERT
            )
        ).scalars()
        assert sorted(packages.values()) == ["Mức 300.000 đ", "Mức 600.000 đ"]
        assert sorted(audited) == sorted(packages)
    # a level read from a list is not "everyone": auto-allocation adds nobody else to it
    with write_session(engine) as session:
        session.add(
            Beneficiary(ward_id=wards["A"], name="Người Khác", name_key="nguoi khac", birth_year=1950)
        )
        session.flush()
        assert propose_allocations(session, SYSTEM, campaign_id).rows == []


def test_unknown_category_mapped_by_user_is_remembered(engine, wards):
    rows = [[1, "Nguyễn Văn An", "1950", "Nam", "", "Khối 1", "Diện chính sách đặc thù", ""]]
    preview, _ = run_import(engine, xlsx_bytes(ward_list(rows)), wards["A"], commit=False)
    assert preview.unknown_categories == ["Diện chính sách đặc thù"]
    with write_session(engine) as session:
        other = session.execute(select(Category.id).where(Category.code == "NCC_KHAC")).scalar_one()
    run_import(
        engine, xlsx_bytes(ward_list(rows)), wards["A"], category_map={"Diện chính sách đặc thù": other}
    )
    assert people(engine, wards["A"])["Nguyễn Văn An"]["categories"] == ["NCC_KHAC"]
    later, _ = run_import(engine, xlsx_bytes(ward_list(rows)), wards["B"], commit=False)
    assert later.unknown_categories == [] and later.category_ids[6]
    with read_session(engine) as session:
        audited = (
            session.execute(select(AuditEvent.new).where(AuditEvent.table_name == "categoryalias"))
            .scalars()
            .all()
        )
    assert audited == ["Diện chính sách đặc thù → NCC_KHAC"]


def test_a_ward_officers_category_choice_maps_their_import_only(engine, wards):
    """A ward's import used to add a city-wide alias, unaudited: every ward's files then read it so."""
    staff_a = Scope(user_id=None, username="a", role="ward", ward_ids=frozenset({wards["A"]}))
    rows = [[1, "Nguyễn Văn An", "1950", "Nam", "", "Khối 1", "Diện riêng của phường", ""]]
    with write_session(engine) as session:
        other = session.execute(select(Category.id).where(Category.code == "NCC_KHAC")).scalar_one()
    run_import(
        engine,
        xlsx_bytes(ward_list(rows)),
        wards["A"],
        scope=staff_a,
        category_map={"Diện riêng của phường": other},
    )
    assert people(engine, wards["A"])["Nguyễn Văn An"]["categories"] == ["NCC_KHAC"]
    later, _ = run_import(engine, xlsx_bytes(ward_list(rows)), wards["B"], commit=False)
    assert later.unknown_categories == ["Diện riêng của phường"]


def test_undo_removes_a_batch_and_restores_updates(engine, wards):
    run_import(engine, xlsx_bytes(ward_list(ROWS[:1])), wards["A"])
    changed = [
        [1, "Nguyễn Văn An", "05/03/1950", "Nam", "020050001234", "Khối 9", "", ""],
        [2, "Lê Thị Mới", "1970", "Nữ", "", "Khối 2", "", ""],
    ]
    _, result = run_import(engine, xlsx_bytes(ward_list(changed)), wards["A"])
    assert people(engine, wards["A"])["Nguyễn Văn An"]["hamlet"] == "Khối 9"
    with write_session(engine) as session:
        outcome = undo_batch(session, SYSTEM, result.batch_id, LIST_KINDS)
    assert outcome == {"beneficiaries_removed": 1, "beneficiaries_restored": 1, "allocations_removed": 0}
    stored = people(engine, wards["A"])
    assert list(stored) == ["Nguyễn Văn An"] and stored["Nguyễn Văn An"]["hamlet"] == "Khối 1"
    with write_session(engine) as session, pytest.raises(UserError, match="đã được hoàn tác"):
        undo_batch(session, SYSTEM, result.batch_id, LIST_KINDS)


def test_undoing_an_import_refreshes_the_progress_figures_and_shows_in_the_log(engine, wards):
    """Pages cache figures by the data version: an undo must move it and leave an audit event."""
    with write_session(engine) as session:
        campaign = Campaign(name="Tết 2026", year=2026)
        session.add(campaign)
        session.flush()
        campaign_id = campaign.id
        tw = session.execute(select(FundingSource.id).where(FundingSource.code == "TW")).scalar_one()
    _, result = run_import(engine, xlsx_bytes(ward_list(ROWS)), wards["A"], kind=GiftList(campaign_id, tw))
    with read_session(engine) as session:
        version = data_version(session)
        assert campaign_progress(session, SYSTEM, campaign_id).total.planned == 3
    with write_session(engine) as session:
        undo_batch(session, SYSTEM, result.batch_id, LIST_KINDS)
    with read_session(engine) as session:
        assert data_version(session) > version
        assert campaign_progress(session, SYSTEM, campaign_id).total.planned == 0
        undo = audit_log(session, SYSTEM, table="importbatch")[0]
    assert undo.action == "undo_import" and "bỏ 3 người mới" in undo.old


def test_undo_refused_when_rows_were_edited_since(engine, wards):
    _, first = run_import(engine, xlsx_bytes(ward_list(ROWS[:1])), wards["A"])
    run_import(
        engine,
        xlsx_bytes(ward_list([[1, "Nguyễn Văn An", "05/03/1950", "Nam", "020050001234", "Khối 5", "", ""]])),
        wards["A"],
    )
    with write_session(engine) as session, pytest.raises(UserError, match="Không thể hoàn tác"):
        undo_batch(session, SYSTEM, first.batch_id, LIST_KINDS)


def test_ward_staff_cannot_import_or_undo_for_another_ward(engine, wards):
    staff = Scope(user_id=None, username="a", role="ward", ward_ids=frozenset({wards["A"]}))
    data = xlsx_bytes(ward_list(ROWS))
    with pytest.raises(Forbidden):
        run_import(engine, data, wards["B"], scope=staff)
    _, result = run_import(engine, data, wards["B"])
    with write_session(engine) as session, pytest.raises(UserError, match="Không tìm thấy lần nhập"):
        undo_batch(session, staff, result.batch_id, LIST_KINDS)
    viewer = Scope(user_id=None, username="v", role="viewer", ward_ids=None)
    with pytest.raises(Forbidden):
        run_import(engine, data, wards["A"], scope=viewer)


def encrypted_xlsx() -> bytes:
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    source = OOXMLFile(io.BytesIO(xlsx_bytes(ward_list(ROWS))))
    source.encrypt("mat-khau", out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("ds.xlsx", b"", "rỗng"),
        ("ds.pdf", b"%PDF-1.4 ...", "chỉ nhận"),
        ("ds.xlsx", b"this is not a workbook at all", "không phải bảng tính"),
        ("ds.xlsx", b"PK\x03\x04corrupt zip", "tệp hỏng"),
        ("ds.xlsx", xlsx_bytes([]), "không có dữ liệu"),
        ("ds.xlsx", xlsx_bytes([["Số liệu"], [1, 2, 3]]), "dòng tiêu đề"),
        ("ds.xlsx", "encrypted", "mật khẩu"),
    ],
)
def test_unreadable_files_write_nothing(engine, wards, name, data, message):
    data = encrypted_xlsx() if data == "encrypted" else data
    with pytest.raises(FileReadError, match=message):
        run_import(engine, data, wards["A"], name=name)
    with write_session(engine) as session:
        assert session.execute(select(func.count()).select_from(ImportBatch)).scalar_one() == 0
        assert session.execute(select(func.count()).select_from(Beneficiary)).scalar_one() == 0


def test_size_limit(engine, wards, monkeypatch):
    monkeypatch.setenv("ANSINH_MAX_UPLOAD_MB", "1")
    with pytest.raises(FileReadError, match="quá lớn"):
        run_import(engine, b"PK\x03\x04" + b"0" * (1024 * 1024 + 1), wards["A"])


def test_failure_during_commit_writes_nothing(engine, wards, monkeypatch):
    import data_layer.importing.commit as service

    def explode(*_args, **_kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(service, "_add_categories", explode)
    with pytest.raises(RuntimeError):
        run_import(engine, xlsx_bytes(ward_list(ROWS)), wards["A"])
    with write_session(engine) as session:
        assert session.execute(select(func.count()).select_from(Beneficiary)).scalar_one() == 0
        assert session.execute(select(func.count()).select_from(ImportBatch)).scalar_one() == 0


def ods_bytes(rows: list[list]) -> bytes:
    """An OpenDocument spreadsheet (LibreOffice) holding ``rows``, written with odfpy."""
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    table = Table(name="Danh sách")
    for row in rows:
        table_row = TableRow()
        for value in row:
            if isinstance(value, int):
                cell = TableCell(valuetype="float", value=value)
            else:
                cell = TableCell(valuetype="string")
            cell.addElement(P(text=str(value)))
            table_row.addElement(cell)
        table.addElement(table_row)
    document.spreadsheet.addElement(table)
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()


def test_ods_file_from_libreoffice(engine, wards):
    rows = [HEADER, [1, "Nguyễn Văn An", "05/03/1950", "Nam", 20050001234, "Khối 1", "Thương binh", 600000]]
    _, result = run_import(engine, ods_bytes(rows), wards["A"], name="ds.ods")
    assert result.counts["accepted"] == 1
    stored = people(engine, wards["A"])["Nguyễn Văn An"]
    assert stored["national_id"] == "020050001234" and stored["birth_date"] == "1950-03-05"


def xls_bytes(rows: list[list]) -> bytes:
    """An old-format Excel 97-2003 workbook (.xls, BIFF8) holding ``rows``, written with xlwt."""
    import xlwt

    workbook = xlwt.Workbook(encoding="utf-8")
    sheet = workbook.add_sheet("Danh sach")
    date_style = xlwt.easyxf(num_format_str="dd/mm/yyyy")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, date):
                sheet.write(r, c, value, date_style)
            else:
                sheet.write(r, c, value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_xls_file_from_old_excel(engine, wards):
    """A real .xls: numbers as floats (the CCCD lost its leading zero), a true date cell."""
    rows = [
        ["DANH SÁCH ĐỐI TƯỢNG"],
        HEADER,
        [1, "Trần Thị Bình", date(1948, 5, 2), "Nữ", 20148001235.0, "Khối 2", "Hộ nghèo", 500000.0],
    ]
    _, result = run_import(engine, xls_bytes(rows), wards["A"], name="ds.xls")
    assert result.counts["accepted"] == 1
    stored = people(engine, wards["A"])["Trần Thị Bình"]
    assert stored["national_id"] == "020148001235" and stored["birth_date"] == "1948-05-02"


def test_one_row_header_with_split_birth_columns_named_in_full_keeps_the_gender(engine, wards):
    rows = [
        ["STT", "Họ và tên", "Năm sinh Nam", "Năm sinh Nữ", "Thôn/Tổ"],
        [1, "Nguyễn Văn An", 1950, None, "Khối 1"],
        [2, "Lê Thị Bình", None, 1948, "Khối 2"],
    ]
    preview, _ = run_import(engine, xlsx_bytes(rows), wards["A"])
    assert [(r.name, r.birth_year, r.gender) for r in preview.rows] == [
        ("Nguyễn Văn An", 1950, "M"),
        ("Lê Thị Bình", 1948, "F"),
    ]


def test_a_cccd_missing_a_digit_is_not_restored_into_someone_else(engine, wards):
    """11 digits typed as text: padding gives 1903 for a person born 1950 → rejected, naming the column.
    A number that lost its leading zero and agrees with the person is still restored."""
    rows = [
        [1, "Nguyễn Văn An", "1950", "Nam", "20003001234", "Khối 1", "", ""],  # a digit missing
        [2, "Lê Văn Bảo", "1955", "Nam", 22055001234, "Khối 1", "", ""],  # Excel dropped the zero
    ]
    preview, _ = run_import(engine, xlsx_bytes(ward_list(rows)), wards["A"])
    first, second = preview.rows
    assert first.errors and first.errors[0][0] == "Số CCCD" and "1903" in first.errors[0][1]
    assert "thiếu một chữ số" in first.errors[0][1]
    assert not second.errors and second.national_id == "022055001234"


def test_a_group_for_the_whole_file_is_suggested_from_the_title_and_applied(engine, wards):
    rows = [
        ["UBND PHƯỜNG A"],
        ["DANH SÁCH NGƯỜI CAO TUỔI ĐƯỢC MỪNG THỌ NĂM 2026"],
        [],
        ["STT", "Họ và tên", "Năm sinh", "Thôn/Tổ"],
        [1, "Nguyễn Văn An", 1946, "Khối 1"],
        [2, "Lê Thị Bình", 1936, "Khối 2"],
    ]
    with write_session(engine) as session:
        elderly = session.execute(select(Category.id).where(Category.code == "NCT")).scalar_one()
    preview, _ = run_import(engine, xlsx_bytes(rows), wards["A"], commit=False)
    assert preview.suggested_category_id == elderly
    assert all(ids == [] for ids in preview.category_ids.values())  # applied only when the user chooses it
    run_import(engine, xlsx_bytes(rows), wards["A"], file_category_id=elderly)
    assert {name: r["categories"] for name, r in people(engine, wards["A"]).items()} == {
        "Nguyễn Văn An": ["NCT"],
        "Lê Thị Bình": ["NCT"],
    }


def test_the_people_of_one_import_can_be_listed(engine, wards):
    run_import(engine, xlsx_bytes(ward_list(ROWS[:1])), wards["A"])
    changed = [
        [1, "Nguyễn Văn An", "05/03/1950", "Nam", "020050001234", "Khối 9", "", ""],
        [2, "Lê Thị Mới", "1970", "Nữ", "", "Khối 2", "", ""],
    ]
    _, result = run_import(engine, xlsx_bytes(ward_list(changed)), wards["A"])
    with write_session(engine) as session:
        listed = people_page(session, SYSTEM, Filters(batch_id=result.batch_id))
    assert sorted(p.name for p in listed) == ["Lê Thị Mới", "Nguyễn Văn An"]  # created and updated
