"""The official unit catalogue: names as people type them, the conversion table read and loaded
(idempotent), and old or new names resolved to today's units, with cases drawn from the whole official
table (../shared/data/units, never copied into the project) on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections import defaultdict

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from data_layer.cli import main
from data_layer.core.access import Scope
from data_layer.core.db import read_session, write_session
from data_layer.core.errors import Invalid
from data_layer.core.models import AdminUnit, UnitSuccession
from data_layer.registry.unit_catalog import load_catalog, resolve
from data_layer.registry.unit_names import split_code, unit_name
from data_layer.registry.unit_table import embedded_table, parse_rows, read_table
from tests.data_layer.conftest import OFFICIAL

# --- names -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "official_name"),
    [
        ("P. Quang Trung", "Phường Quang Trung"),
        ("phường  quang   trung", "Phường Quang Trung"),
        ("QUANG TRUNG", "Phường Quang Trung"),
        ("P15", "Phường 15"),
        ("P.15", "Phường 15"),
        ("Phường 015", "Phường 15"),
        ("Xã Hoà Bình", "Xã Hòa Bình"),
        ("Thuỷ Nguyên", "Xã Thủy Nguyên"),
        ("TT. Xuân Mai", "Thị trấn Xuân Mai"),
        ("TT Xuân Mai", "Thị trấn Xuân Mai"),
        ("TP. Hải Phòng", "Thành phố Hải Phòng"),
        ("Quảng Ninh", "Tỉnh Quảng Ninh"),
        ("đặc khu bạch long vĩ", "Đặc khu Bạch Long Vĩ"),
    ],
)
def test_typed_names_share_the_official_names_key(typed, official_name):
    assert unit_name(typed).key == unit_name(official_name).key


def test_kind_words_are_kept_apart_and_never_cut_out_of_a_name():
    assert unit_name("Phú Mỹ").key == "phú mỹ"  # "P" only as "P." or before a number
    assert unit_name("Xã Tân Thành").kind == "xã"
    assert unit_name("P. Tân Thành").kind == "phường"
    assert unit_name("Tân Thành").kind is None
    # names that differ only in their marks stay apart (Xã Cẩm Giang, Xã Cẩm Giàng: both in Hải Phòng)
    assert unit_name("Cẩm Giang").key != unit_name("Cẩm Giàng").key
    assert unit_name("Cẩm Giang").loose == unit_name("Cẩm Giàng").loose
    assert split_code("Tỉnh Lạng Sơn (20) ") == ("Tỉnh Lạng Sơn", "20")


# --- the table ---------------------------------------------------------------------------------------


def test_official_table_is_read_with_its_traps(table):
    assert len({r.new_code for r in table}) == 3321
    assert len({r.province_code for r in table}) == 34
    assert sum(r.all_people for r in table) == 58
    assert all(r.note == " ".join(r.note.split()) and "Nhâp" not in r.note for r in table)
    zone = next(r for r in table if r.new_name == "Đặc khu Bạch Long Vĩ")
    assert (zone.new_code, zone.old_code, zone.province_code) == ("11948", None, "31")
    assert all(r.new_name == r.new_name.strip() and "  " not in (r.old_name or "") for r in table)


def test_a_bad_row_is_named_by_row_and_column():
    rows = [
        [
            "Tỉnh, thành phố",
            "Tên Xã mới",
            "Mã Xã mới",
            "Tên Xã cũ",
            "Mã Xã cũ",
            "Ghi chú",
            "Quận/huyện",
            "Tỉnh cũ",
        ],
        [
            "Tỉnh Quảng Ninh (22)",
            "Phường Uông Bí",
            "6811",
            "Phường Quang Trung",
            "06817",
            "Nhập toàn bộ",
            "Thành phố Uông Bí (196)",
            "Tỉnh Quảng Ninh (22)",
        ],
        [
            "Tỉnh Quảng Ninh (22)",
            "Phường Uông Bí",
            "068X1",
            "Phường Thanh Sơn",
            "06814",
            "Nhập toàn bộ",
            "Thành phố Uông Bí (196)",
            "Tỉnh Quảng Ninh (22)",
        ],
    ]
    with pytest.raises(Invalid, match=r"Dòng 3, cột C \(Mã Xã mới\): mã xã mới phải có 5 chữ số"):
        parse_rows(rows)
    rows[2][2], rows[2][0] = "06811", "Quảng Ninh"
    with pytest.raises(Invalid, match=r"Dòng 3, cột A \(Tỉnh, thành phố\): thiếu mã trong ngoặc"):
        parse_rows(rows)
    assert parse_rows(rows[:2])[0].new_code == "06811"  # Excel's number 6811 keeps its leading zero


def test_xlsx_table_reads_like_the_csv(tmp_path, table):
    book = Workbook()
    sheet = book.active
    sheet.append(["Đơn vị hành chính từ ngày 01/7/2025"])
    sheet.append(
        [
            "Tỉnh, thành phố",
            "Tên Xã mới",
            "Mã Xã mới",
            "Tên Xã cũ",
            "Mã Xã cũ",
            "Ghi chú",
            "Quận/huyện",
            "Tỉnh cũ",
        ]
    )
    for r in table[:40]:
        sheet.append(
            [
                f"{r.province} ({r.province_code})",
                r.new_name,
                int(r.new_code),
                r.old_name,
                int(r.old_code),
                r.note,
                f"{r.old_district} ({r.old_district_code})",
                f"{r.old_province} ({r.old_province_code})",
            ]
        )
    path = tmp_path / "bang.xlsx"
    book.save(path)
    assert [(r.new_code, r.old_code, r.note) for r in read_table(path.read_bytes(), path.name)] == [
        (r.new_code, r.old_code, r.note) for r in table[:40]
    ]


def test_embedded_catalogue_knows_every_commune_of_today():
    embedded = embedded_table()
    assert len({r.new_code for r in embedded}) == 3321
    assert len({r.province_code for r in embedded}) == 34


# --- loading -----------------------------------------------------------------------------------------


def test_loading_is_idempotent_and_says_what_changed(engine, table):
    with write_session(engine) as session:
        first = load_catalog(session, Scope.system(), embedded_table(), source="embedded")
    with write_session(engine) as session:
        official = load_catalog(session, Scope.system(), table, source=OFFICIAL.name)
    with write_session(engine) as session:
        again = load_catalog(session, Scope.system(), table, source=OFFICIAL.name)
    assert first.units_added > 13_000 and first.units_removed == 0
    assert official.changed and official.units_added and official.links_changed
    assert not again.changed
    assert again.lines()[0] == "Danh mục đơn vị hành chính không thay đổi (đã giống bảng này)."
    assert any("00553" in w for w in again.warnings)  # the table gives old 00553 two names
    with read_session(engine) as session:
        new = session.execute(select(func.count()).where(AdminUnit.era == "new")).scalar_one()
        links = session.execute(select(func.count()).select_from(UnitSuccession)).scalar_one()
    assert new == 3321
    assert links == len({(r.old_code, r.old_name, r.new_code) for r in table if r.old_code})


def test_only_an_admin_loads_the_catalogue(engine, table):
    viewer = Scope(user_id=None, username="v", role="viewer", ward_ids=None)
    with pytest.raises(Exception, match="quản trị"), write_session(engine) as session:
        load_catalog(session, viewer, table[:5], source="x")


# --- resolving: cases drawn from the whole official table -------------------------------------------


def _old_units(table):
    """Old communes (code, name, district, province) → their new codes, and the one taking all people.
    A commune is its code and name: the table spells a few districts two ways ("Thị Xã", "Thị xã")."""
    found = defaultdict(lambda: {"new": set(), "all": set()})
    places = {}
    for r in table:
        if r.old_code:
            place = places.setdefault((r.old_code, r.old_name), (r.old_district, r.old_province))
            entry = found[(r.old_code, r.old_name, *place)]
            entry["new"].add(r.new_code)
            if r.all_people:
                entry["all"].add(r.new_code)
    return found


def _codes(result) -> set[str]:
    return {u["code"] for u in result.units}


def test_whole_merges_resolve_to_their_one_new_unit(official_to_read, table):
    cases = [(k, v["new"]) for k, v in _old_units(table).items() if len(v["new"]) == 1]
    assert len(cases) > 9000
    with read_session(official_to_read) as session:
        for (code, name, district, province), new in cases[::37]:
            got = resolve(session, name=name, province=province, district=district, era="old")
            assert (got.status, _codes(got)) == ("found", new), (name, district, province)
            assert got.units[0]["from"]["code"] == code


def test_split_with_all_the_people_resolves_to_that_unit(official_to_read, table):
    cases = [(k, v) for k, v in _old_units(table).items() if len(v["new"]) > 1 and len(v["all"]) == 1]
    assert len(cases) >= 20
    with read_session(official_to_read) as session:
        for (_code, name, district, province), v in cases:
            got = resolve(session, name=name, province=province, district=district, era="old")
            assert (got.status, _codes(got)) == ("found", v["all"]), (name, district)


def test_true_splits_are_ambiguous_with_every_candidate(official_to_read, table):
    cases = [(k, v["new"]) for k, v in _old_units(table).items() if len(v["new"]) > 1 and not v["all"]]
    assert len(cases) > 300
    with read_session(official_to_read) as session:
        for (_code, name, district, province), new in cases[::7]:
            got = resolve(session, name=name, province=province, district=district, era="old")
            assert (got.status, _codes(got)) == ("ambiguous", new), (name, district)
        van_huong = resolve(session, name="Vạn Hương", province="Hải Phòng", era="old")
    assert van_huong.status == "ambiguous"
    assert {(u["code"], u["name"]) for u in van_huong.units} == {
        ("11455", "Phường Đồ Sơn"),
        ("11737", "Phường Nam Đồ Sơn"),
    }


def test_new_names_resolve_in_the_new_era(official_to_read, table):
    new_units = {(r.new_code, r.new_name, r.province) for r in table}
    with read_session(official_to_read) as session:
        for code, name, province in sorted(new_units)[::23]:
            got = resolve(session, name=name, province=province, era="new")
            assert got.status == "found" and _codes(got) == {code}, name
            assert got.units[0]["name"] == name and got.units[0]["province"] == province


def test_a_bare_code_means_what_its_era_says(official_to_read, table):
    """Most new codes were some other old commune's: a code is read in the era it is given."""
    old_units = {k[0]: (k[1], v["new"]) for k, v in _old_units(table).items()}
    new_names = {r.new_code: r.new_name for r in table}
    renamed = [
        (code, old_name, new)
        for code, (old_name, new) in old_units.items()
        if code in new_names and unit_name(old_name).key != unit_name(new_names[code]).key
    ]
    assert len(renamed) > 1000
    with read_session(official_to_read) as session:
        for code, old_name, new in renamed[::53]:
            province = next(r.old_province for r in table if r.old_code == code)
            as_old = resolve(session, name=code, province=province, era="old")
            assert _codes(as_old) == new and {u["from"]["name"] for u in as_old.units} == {old_name}
            new_province = next(r.province for r in table if r.new_code == code)
            as_new = resolve(session, name=code, province=new_province, era="new")
            assert [u["name"] for u in as_new.units] == [new_names[code]]
        # old 10729 (Xã Thượng Quận) was split between new 10729 (Phường Trần Liễu) and 10750 (Xã Phú Thái)
        split = resolve(session, name="10729", province="Hải Dương", era="old")
        assert (split.status, _codes(split)) == ("ambiguous", {"10729", "10750"})
        assert [u["name"] for u in resolve(session, name="10729", province="Hải Phòng", era="new").units] == [
            "Phường Trần Liễu"
        ]


@pytest.mark.parametrize(
    ("name", "province", "district", "era", "code"),
    [
        ("P. Quang Trung", "quảng ninh", "Uông Bí", "old", "06811"),
        ("UBND PHƯỜNG QUANG TRUNG", "Quảng Ninh", "TP Uông Bí", "old", None),
        ("Chi Lăng", "Lạng Sơn", "Thành phố Lạng Sơn", "old", "05983"),
        ("Quảng Lạc", "Lạng Sơn", None, "old", "05983"),
        ("P15", "TP. Hồ Chí Minh", "Quận 10", "old", "27163"),
        ("Phường 15", "Hồ Chí Minh", "Q.10", "old", "27163"),
        ("Thuỵ Khuê", "Hà Nội", None, "old", "00103"),
        ("xã điềm thuỵ", "Thái Nguyên", None, "new", "05941"),
        ("Uong Bi", "Quang Ninh", None, "new", "06811"),
    ],
)
def test_names_as_people_type_them(official_to_read, name, province, district, era, code):
    with read_session(official_to_read) as session:
        got = resolve(session, name=name, province=province, district=district, era=era)
    if code is None:  # "UBND …" is a title, not a name: never guessed
        assert got.status == "unknown"
    else:
        assert (got.status, _codes(got)) == ("found", {code})


def test_same_name_in_two_old_districts_needs_the_district(official_to_read, table):
    by_name = defaultdict(set)
    for (_code, name, district, province), v in _old_units(table).items():
        if len(v["new"]) == 1:
            by_name[(name, province)].add((district, next(iter(v["new"]))))
    name, province = next(k for k, v in sorted(by_name.items()) if len({n for _d, n in v}) > 1)
    with read_session(official_to_read) as session:
        assert resolve(session, name=name, province=province, era="old").status == "ambiguous"
        for district, new in by_name[(name, province)]:
            assert _codes(resolve(session, name=name, province=province, district=district, era="old")) == {
                new
            }


def test_unknown_names_and_provinces(official_to_read):
    with read_session(official_to_read) as session:
        assert resolve(session, name="Không Có", province="Quảng Ninh", era="new").as_json() == {
            "status": "unknown",
            "units": [],
        }
        assert resolve(session, name="Uông Bí", province="Không Có", era="new").status == "unknown"
        with pytest.raises(Invalid, match="Thời kỳ"):
            resolve(session, name="Uông Bí", province="Quảng Ninh", era="2024")


# --- the command (exact words) -----------------------------------------------------------------------


def test_unit_load_and_resolve_commands(capsys, db_url):
    assert main(["unit", "load", str(OFFICIAL)]) == 0
    out = capsys.readouterr().out
    assert "Đã đọc 10571 dòng" in out and "Đơn vị hành chính: thêm" in out
    assert main(["unit", "load", str(OFFICIAL)]) == 0
    assert "không thay đổi" in capsys.readouterr().out
    argv = ["unit", "resolve", "--name", "Phường Quang Trung", "--province", "Quảng Ninh", "--era", "old"]
    assert main([*argv, "--district", "Uông Bí", "--json"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["status"] == "found"
    unit = answer["units"][0]
    assert {k: unit[k] for k in ("code", "name", "province")} == {
        "code": "06811",
        "name": "Phường Uông Bí",
        "province": "Tỉnh Quảng Ninh",
    }
    assert unit["from"]["name"] == "Phường Quang Trung" and unit["from"]["code"] == "06817"
    assert main(argv) == 0
    assert capsys.readouterr().out.startswith("Tìm thấy.\n06811\tPhường Uông Bí")
    with pytest.raises(SystemExit):  # the era is required: a bare code never resolves without it
        main(["unit", "resolve", "--name", "00004", "--province", "Hà Nội"])
    assert "--era" in capsys.readouterr().err


def test_db_init_brings_the_embedded_catalogue(capsys, db_url):
    argv = ["unit", "resolve", "--name", "Quang Trung", "--province", "Quảng Ninh", "--district", "Uông Bí"]
    assert main([*argv, "--era", "old", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["units"][0]["code"] == "06811"
