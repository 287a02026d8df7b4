"""Lists made before 1 July 2025 import into today's units: the era from the title's date or the
user's choice, the old commune of the title resolved through the official table (../shared/data/units),
each new person keeping the old commune's code and name; old and new codes never confused."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from data_layer.core.access import Scope
from data_layer.core.db import read_session, write_session
from data_layer.core.models import Beneficiary
from data_layer.importing.commit import commit_import
from data_layer.importing.eras import era_of_title, issuer_of_title
from data_layer.importing.preview import ImportRequest, preview_import
from data_layer.registry.wards import add_ward, get_ward_by_code
from tests.data_layer.workbooks import HEADER, xlsx_bytes

SYSTEM = Scope.system()
PEOPLE = [
    [1, "Nguyễn Văn An", "05/03/1950", "Nam", "022050001234", "Tổ 3", "Thương binh", "300.000"],
    [2, "Lê Thị Bình", "1948", "Nữ", "022148001235", "Tổ 5", "Hộ nghèo", "500.000"],
]


def _import(engine, ward_id: int, title: list[str], era: str | None = None, hamlet_units=None):
    data = xlsx_bytes([[t] for t in title] + [[], HEADER, *PEOPLE])
    request = ImportRequest(
        file_name="ds.xlsx", data=data, ward_id=ward_id, era=era, hamlet_units=hamlet_units or {}
    )
    with write_session(engine) as session:
        preview = preview_import(session, SYSTEM, request)
        commit_import(session, SYSTEM, preview)
    with read_session(engine) as session:
        people = session.execute(
            select(
                Beneficiary.name, Beneficiary.ward_id, Beneficiary.old_unit_code, Beneficiary.old_unit_name
            ).order_by(Beneficiary.name)
        ).all()
    return preview, [tuple(p) for p in people]


def test_era_and_issuer_from_the_title():
    assert era_of_title(["DANH SÁCH NHẬN QUÀ TẾT GIÁP THÌN NĂM 2024"]) == "old"
    assert era_of_title(["Uông Bí, ngày 20 tháng 01 năm 2025"]) == "old"
    assert era_of_title(["Lập ngày 15/01/2026"]) == "new"
    assert era_of_title(["DANH SÁCH ĐỐI TƯỢNG"]) == "new"  # no date: today's units
    assert issuer_of_title(["ỦY BAN NHÂN DÂN PHƯỜNG QUANG TRUNG", "x"]) == "PHƯỜNG QUANG TRUNG"
    assert issuer_of_title(["UBND THÀNH PHỐ UÔNG BÍ"]) is None


def test_a_2024_uong_bi_list_lands_in_phuong_uong_bi_with_the_old_names_kept(official):
    with write_session(official) as session:
        uong_bi = add_ward(session, SYSTEM, "06811", "Phường Uông Bí").id
    title = ["UBND PHƯỜNG QUANG TRUNG", "DANH SÁCH ĐỐI TƯỢNG NHẬN QUÀ TẾT GIÁP THÌN NĂM 2024"]
    preview, people = _import(official, uong_bi, title)
    assert preview.era.era == "old" and preview.file_warnings == []
    assert people == [
        ("Lê Thị Bình", uong_bi, "06817", "Phường Quang Trung"),
        ("Nguyễn Văn An", uong_bi, "06817", "Phường Quang Trung"),
    ]


def test_the_users_choice_makes_a_list_old(official):
    with write_session(official) as session:
        uong_bi = add_ward(session, SYSTEM, "06811", "Phường Uông Bí").id
    title = ["UBND PHƯỜNG THANH SƠN", "DANH SÁCH ĐỐI TƯỢNG"]
    assert _import(official, uong_bi, title)[1][0][2] is None  # undated: today's list, nothing kept
    preview, people = _import(official, uong_bi, [*title, "(bản 2)"], era="old")
    assert preview.era.old_unit == ("06811", "Phường Thanh Sơn")  # old 06811: today Uông Bí's code too


def test_an_old_code_equal_to_another_new_units_code_is_never_confused(official):
    """Old Xã Thượng Quận had code 10729, which is today Phường Trần Liễu's; part of it went to Xã Phú
    Thái (10750). Its 2024 list imported into Phú Thái keeps 10729 as the old code, in Phú Thái."""
    with write_session(official) as session:
        tran_lieu = add_ward(session, SYSTEM, "10729", "Phường Trần Liễu").id
        phu_thai = add_ward(session, SYSTEM, "10750", "Xã Phú Thái").id
    # split, no part taking all the people: its hamlets are placed (both went to Phú Thái here)
    answers = {"Tổ 3": "10750", "Tổ 5": "10750"}
    preview, people = _import(
        official, phu_thai, ["UBND XÃ THƯỢNG QUẬN", "Danh sách năm 2024"], None, answers
    )
    assert {(p[1], p[2], p[3]) for p in people} == {(phu_thai, "10729", "Xã Thượng Quận")}
    with read_session(official) as session:
        assert get_ward_by_code(session, SYSTEM, "10729").id == tran_lieu
        assert session.execute(select(Beneficiary.id).where(Beneficiary.ward_id == tran_lieu)).first() is None


def test_an_old_commune_that_did_not_go_into_the_ward_is_flagged(official):
    with write_session(official) as session:
        uong_bi = add_ward(session, SYSTEM, "06811", "Phường Uông Bí").id
    preview, people = _import(official, uong_bi, ["UBND PHƯỜNG CHI LĂNG", "Danh sách năm 2024"])
    assert preview.file_warnings == ["Đơn vị cũ 'PHƯỜNG CHI LĂNG' trong tiêu đề không thuộc Phường Uông Bí."]
    assert {p[2] for p in people} == {None}


def test_cli_import_of_an_old_list_with_the_embedded_catalogue(capsys, db_url, tmp_path):
    """`db init` brought the embedded catalogue; `import --era old` says the list is from before 2025."""
    from data_layer.cli import main
    from data_layer.core.db import get_engine

    path = tmp_path / "quang_trung.xlsx"
    path.write_bytes(xlsx_bytes([["UBND PHƯỜNG QUANG TRUNG"], ["DANH SÁCH ĐỐI TƯỢNG"], [], HEADER, *PEOPLE]))
    assert main(["ward", "add", "06811", "Phường Uông Bí"]) == 0
    assert main(["import", str(path), "--ward", "06811", "--era", "old", "--json"]) == 0
    assert '"accepted": 2' in capsys.readouterr().out
    with read_session(get_engine(db_url)) as session:
        kept = session.execute(select(Beneficiary.old_unit_code, Beneficiary.old_unit_name)).all()
    assert {tuple(k) for k in kept} == {("06817", "Phường Quang Trung")}


def test_a_split_old_commune_asks_per_hamlet_once_and_remembers(official):
    """Old Phường Vạn Hương (Đồ Sơn) was split between Phường Đồ Sơn (11455) and Phường Nam Đồ Sơn
    (11737), neither taking all the people: its hamlets are placed once, then remembered."""
    from data_layer.core.errors import Forbidden, Invalid
    from data_layer.registry.hamlet_placements import list_placements, place_hamlet, placements

    both = (("11455", "Phường Đồ Sơn"), ("11737", "Phường Nam Đồ Sơn"))

    with write_session(official) as session:
        do_son = add_ward(session, SYSTEM, "11455", "Phường Đồ Sơn").id
        nam_do_son = add_ward(session, SYSTEM, "11737", "Phường Nam Đồ Sơn").id
    title = ["UBND PHƯỜNG VẠN HƯƠNG", "DANH SÁCH NHẬN QUÀ TẾT NĂM 2024"]
    data = xlsx_bytes([[t] for t in title] + [[], HEADER, *PEOPLE])

    def preview(ward_id, answers=None, data=data):
        request = ImportRequest(file_name="vh.xlsx", data=data, ward_id=ward_id, hamlet_units=answers or {})
        with write_session(official) as session:
            return preview_import(session, SYSTEM, request)

    asked = preview(do_son)
    assert asked.era.split == [("11455", "Phường Đồ Sơn"), ("11737", "Phường Nam Đồ Sơn")]
    assert asked.hamlet_questions == ["Tổ 3", "Tổ 5"] and asked.accepted == []
    answered = preview(do_son, {"Tổ 3": "11455", "Tổ 5": "11737"})
    assert [r.name for r in answered.accepted] == ["Nguyễn Văn An"]
    refused = next(r for r in answered.rows if r.errors)
    assert refused.errors == [
        ("Thôn/Tổ", "Tổ 5 của Phường Vạn Hương cũ nay thuộc Phường Nam Đồ Sơn: nhập dòng này vào đơn vị đó.")
    ]
    with write_session(official) as session:
        commit_import(session, SYSTEM, answered)
        assert placements(session, "11461") == {"to 3": "11455", "to 5": "11737"}
    # a later list, hamlets typed another way, into the other ward: nothing asked
    later = [[*PEOPLE[0][:5], "tổ  3", *PEOPLE[0][6:]], [*PEOPLE[1][:5], "TỔ 5", *PEOPLE[1][6:]]]
    again = preview(nam_do_son, data=xlsx_bytes([[t] for t in title] + [[], HEADER, *later]))
    assert again.hamlet_questions == [] and [r.name for r in again.accepted] == ["Lê Thị Bình"]
    # a remembered answer is an admin's to change
    ward_staff = Scope(user_id=None, username="ds", role="ward", ward_ids=frozenset({do_son}))
    with pytest.raises(Forbidden), write_session(official) as session:
        place_hamlet(session, ward_staff, "11461", "Tổ 5", "11455")
    with write_session(official) as session:
        place_hamlet(session, SYSTEM, "11461", "Tổ 5", "11455")
        assert placements(session, "11461")["to 5"] == "11455"
    # only a unit the old commune went into: Phường Uông Bí (06811) is refused
    with pytest.raises(Invalid, match="06811 không nằm trong"), write_session(official) as session:
        place_hamlet(session, SYSTEM, "11461", "Tổ 5", "06811")
    with read_session(official) as session:
        with pytest.raises(Forbidden):
            list_placements(session, ward_staff)
        shown = list_placements(session, SYSTEM)
    assert [(p.old_unit, p.hamlet, p.new_unit, p.choices) for p in shown] == [
        ("Phường Vạn Hương", "Tổ 3", "Phường Đồ Sơn", both),
        ("Phường Vạn Hương", "Tổ 5", "Phường Đồ Sơn", both),
    ]


def test_a_phuong_xa_column_gives_each_person_their_old_commune(official):
    """Chi Lăng and Quảng Lạc of Lạng Sơn city are today Phường Lương Văn Tri (05983)."""
    with write_session(official) as session:
        lvt = add_ward(session, SYSTEM, "05983", "Phường Lương Văn Tri").id
    header = [*HEADER[:6], "Phường/Xã", *HEADER[6:]]
    rows = [
        [*PEOPLE[0][:6], "P. Chi Lăng", *PEOPLE[0][6:]],
        [*PEOPLE[1][:6], "phường quảng lạc", *PEOPLE[1][6:]],
        [3, "Hà Văn Cường", "1940", "Nam", "020040001236", "Khối 2", "Đông Kinh", "Thương binh", "300.000"],
    ]
    data = xlsx_bytes([["DANH SÁCH NĂM 2024"], [], header, *rows])
    request = ImportRequest(file_name="ls.xlsx", data=data, ward_id=lvt)
    with write_session(official) as session:
        preview = preview_import(session, SYSTEM, request)
        commit_import(session, SYSTEM, preview)
    assert preview.rows[2].warnings == [
        "Phường/xã cũ 'Đông Kinh' không thuộc Phường Lương Văn Tri: không ghi được đơn vị cũ."
    ]
    with read_session(official) as session:
        kept = dict(
            (name, (code, old))
            for name, code, old in session.execute(
                select(Beneficiary.name, Beneficiary.old_unit_code, Beneficiary.old_unit_name)
            )
        )
    assert kept == {
        "Nguyễn Văn An": ("05983", "Phường Chi Lăng"),
        "Lê Thị Bình": ("05989", "Xã Quảng Lạc"),  # typed with the wrong kind word: still found
        "Hà Văn Cường": (None, None),
    }
