"""Reconciliation of the insurance agency's list of issued cards with who An Sinh covers (issue 24),
on SQLite and PostgreSQL: each kind of mismatch worked by hand, the ward's view, the exact JSON of
``ansinh bhyt reconcile FILE --json``, and a bad file refused naming rows and columns."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from data_layer.allowance.entitlement_status import stop
from data_layer.bhyt.reconcile import read_card_list, reconcile, reconcile_file
from data_layer.core.access import Scope
from data_layer.core.codes import Role, StopReason
from data_layer.core.db import read_session, write_session
from data_layer.core.errors import Invalid
from data_layer.sheets.file_errors import FileReadError
from data_layer.vn.months import add_months, month_of
from tests import hostile_files
from tests.data_layer.allowance_helpers import entitle, person
from tests.data_layer.bhyt.test_bhyt import add_category
from tests.data_layer.workbooks import xlsx_bytes

SYSTEM = Scope.system()
THIS = month_of(date.today())  # the CLI reconciles the current month
START = add_months(THIS, -3)
NEXT_YEAR = date.today() + timedelta(days=365)
HEADER = ["STT", "Họ và tên", "Ngày sinh", "Số CCCD", "Mã số BHXH", "Số thẻ BHYT", "Giá trị từ ngày",
          "Giá trị đến ngày", "Loại thẻ"]  # fmt: skip


def card(stt, name, born, cccd, social, card_no, until=NEXT_YEAR, kind=None) -> list:
    return [
        stt,
        name,
        born,
        cccd,
        social,
        card_no,
        START.strftime("%d/%m/%Y"),
        until.strftime("%d/%m/%Y"),
        kind,
    ]


def city(engine, wards) -> dict[str, int]:
    """Social pension (HTXH, born 1940) from three months ago, card type BT expected for each:
    ward A: An (card BT, matches), Bình (no card), Chi (died last month, card still valid), Dung (also
    a poor household: two cards, BT and HN), Em (card names "Phạm Văn Anh" born 1941); ward B: Phúc
    (card matches). The list also holds a BT card for a CCCD nobody in the registry has (a finding) and a
    pensioner's HT card of someone else (not the office's: no finding)."""
    a, b = wards["A"], wards["B"]
    ids = {
        "An": person(engine, a, "Nguyễn Văn An", born=date(1940, 3, 1), national_id="001040000001"),
        "Bình": person(engine, a, "Trần Thị Bình", born=date(1940, 4, 1), national_id="001140000002"),
        "Chi": person(engine, a, "Lê Thị Chi", born=date(1940, 5, 1), national_id="001140000003"),
        "Dung": person(engine, a, "Hoàng Thị Dung", born=date(1940, 6, 1), national_id="001140000004"),
        "Em": person(
            engine, a, "Phạm Văn Em", year=1940, national_id="001040000005", social_insurance_no="0140000005"
        ),
        "Phúc": person(engine, b, "Đỗ Văn Phúc", born=date(1940, 7, 1), national_id="001040000006"),
    }
    entitlements = {name: entitle(engine, pid, ("HTXH",), START) for name, pid in ids.items()}
    add_category(engine, ids["Dung"], "HN")
    with write_session(engine) as session:
        stop(
            session,
            SYSTEM,
            entitlements["Chi"],
            on=add_months(THIS, -1) + timedelta(days=9),
            reason=StopReason.DIED,
        )
    return ids


CARDS = [
    card(1, "Nguyễn Văn An", "01/03/1940", "001040000001", "0140000001", "BT2010140000001"),
    card(2, "Lê Thị Chi", "01/05/1940", "001140000003", None, "BT2010140000003"),
    card(3, "Hoàng Thị Dung", "01/06/1940", "001140000004", "0140000004", "BT2010140000004"),
    card(4, "Hoàng Thị Dung", "01/06/1940", "001140000004", "0140000004", "HN2010140000004"),
    card(5, "Phạm Văn Anh", 1941, 1040000005, "0140000005", "BT2010140000005"),  # CCCD typed as a number
    card(6, "Đỗ Văn Phúc", "01/07/1940", "001040000006", "0140000006", "BT2010140000006"),
    card(7, "Người Lạ", "01/01/1950", "001050000099", "0150000099", "BT2010150000099"),
    card(8, "Người Hưu", "01/01/1950", "001050000098", "0150000098", "HT1010150000098"),  # not the office's
    ["Tổng cộng: 8 thẻ"],
]


def agency_file(rows=CARDS) -> bytes:
    return xlsx_bytes([["DANH SÁCH THẺ BHYT ĐÃ CẤP"], [], HEADER, *rows])


def test_every_kind_of_mismatch_per_ward_and_for_the_office(engine, wards):
    ids = city(engine, wards)
    with read_session(engine) as session:
        office = reconcile_file(session, SYSTEM, agency_file(), "the_bhyt.xlsx", THIS)
        ward_a = reconcile_file(session, SYSTEM, agency_file(), "the_bhyt.xlsx", THIS, wards["A"])
        clerk = Scope(user_id=None, username="a", role=Role.WARD, ward_ids=frozenset({wards["A"]}))
        own = reconcile_file(session, clerk, agency_file(), "the_bhyt.xlsx", THIS)
    assert office.counts() == {
        "matched": 2,
        "missing_card": 1,
        "not_entitled": 2,
        "two_types": 1,
        "differs": 1,
    }
    # a ward sees its own people only; the stranger's card is nobody's in a ward's eyes
    expected_a = {"matched": 1, "missing_card": 1, "not_entitled": 1, "two_types": 1, "differs": 1}
    assert ward_a.counts() == expected_a and own.counts() == expected_a
    (missing,) = office.of("missing_card")
    assert (missing.person_id, missing.ward, missing.detail) == (
        ids["Bình"],
        "Phường A",
        f"Cần thẻ BT từ tháng {START:%m/%Y}",
    )
    dead, stranger = sorted(office.of("not_entitled"), key=lambda f: f.person_id is None)
    assert dead.person_id == ids["Chi"] and dead.detail.startswith("Chết ngày")
    assert f"thẻ còn giá trị đến {NEXT_YEAR:%d/%m/%Y}" in dead.detail
    assert stranger.person_id is None and stranger.detail == "Dòng 10: không có trong danh sách đối tượng."
    (two,) = office.of("two_types")
    assert (
        two.person_id == ids["Dung"] and two.detail == "2 loại thẻ: BT, HN (BT2010140000004, HN2010140000004)"
    )
    (differs,) = office.of("differs")
    assert differs.person_id == ids["Em"] and differs.national_id == "001040000005"
    assert (
        differs.detail
        == "Họ và tên: Phạm Văn Anh (BHXH) – Phạm Văn Em (An Sinh); Năm sinh: 1941 (BHXH) – 1940 (An Sinh)"
    )
    assert {f.ward for f in office.findings} == {"Phường A", "Không rõ phường/xã"}


def test_an_expired_card_is_a_missing_card_and_a_wrong_type_differs(engine, wards):
    """An's only card ended last month: missing, saying when it expired. Phúc's card is HN while An Sinh
    expects BT (social pension): differs."""
    ids = city(engine, wards)
    expired = add_months(THIS, -1)
    rows = [
        card(1, "Nguyễn Văn An", "01/03/1940", "001040000001", None, "BT2010140000001", until=expired),
        card(2, "Đỗ Văn Phúc", "01/07/1940", "001040000006", None, "HN2010140000006"),
    ]
    with read_session(engine) as session:
        found = reconcile(session, SYSTEM, read_card_list(agency_file(rows), "x.xlsx"), THIS)
    an = next(f for f in found.of("missing_card") if f.person_id == ids["An"])
    assert an.detail.endswith(f"thẻ đã hết hạn ngày {expired:%d/%m/%Y}")
    (phuc,) = found.of("differs")
    assert phuc.person_id == ids["Phúc"] and phuc.detail == "Loại thẻ: HN (BHXH) – BT (An Sinh)"


def test_a_bad_file_is_refused_naming_rows_and_columns():
    rows = [
        card(1, "Nguyễn Văn An", "01/03/1940", "001040000001", None, "BT201014000000"),  # 14 characters
        card(2, "Trần Thị Bình", "01/04/1940", "003140000002", None, "BT2010140000002"),  # province 003
        card(3, "Lê Thị Chi", "01/05/1940", "001140000003", "0140000009", "BT2010140000003"),
        card(4, "Hoàng Thị Dung", "01/06/1940", "001140000004", None, "BT2010140000004", kind="HN"),
        [5, "Phạm Văn Em", 1940, "001040000005", None, "BT2010140000005", "01/07/2026", "31/02/2027", None],
    ]
    with pytest.raises(Invalid) as caught:
        read_card_list(agency_file(rows), "the.xlsx")
    lines = str(caught.value).splitlines()
    assert lines[0] == "Danh sách thẻ có 5 lỗi, chưa đối chiếu:"
    assert lines[1].startswith("Dòng 4, cột Số thẻ BHYT: Số thẻ BHYT 'BT201014000000' không đúng dạng")
    assert lines[2] == "Dòng 5, cột Số CCCD: Mã tỉnh 003 trong số CCCD 003140000002 không tồn tại."
    assert lines[3] == "Dòng 6, cột Mã số BHXH: 0140000009 khác 10 chữ số cuối của số thẻ BT2010140000003."
    assert lines[4] == "Dòng 7, cột Loại thẻ: 'HN' khác hai chữ đầu của số thẻ BT2010140000004."
    assert (
        lines[5] == "Dòng 8, cột Giá trị đến ngày: Giá trị đến ngày '31/02/2027' không phải một ngày có thật."
    )
    with pytest.raises(Invalid, match="Không tìm thấy dòng tiêu đề có cột Số thẻ BHYT"):
        read_card_list(xlsx_bytes([["Họ và tên", "Số CCCD"], ["An", "001040000001"]]), "the.xlsx")
    with pytest.raises(Invalid, match="chỉ nhận .xlsx, .xls, .ods, .csv"):
        read_card_list(b"%PDF-1.4", "the.pdf")


def test_ansinh_bhyt_reconcile_exact_json(engine, wards, capsys, tmp_path):
    from tests.data_layer.cli.test_cli import run

    city(engine, wards)
    path = tmp_path / "the_bhyt.xlsx"
    path.write_bytes(agency_file())
    url = engine.url.render_as_string(hide_password=False)
    code, out, _ = run(capsys, "bhyt", "reconcile", str(path), "--json", "--db", url)
    assert code == 0
    assert json.loads(out) == {
        "matched": 2,
        "missing_card": 1,
        "not_entitled": 2,
        "two_types": 1,
        "differs": 1,
    }
    code, out, _ = run(capsys, "bhyt", "reconcile", str(path), "--db", url)
    assert code == 0 and "2 người khớp, 1 người chưa có thẻ" in out
    assert "- Phường A · Đủ điều kiện nhưng chưa có thẻ · Trần Thị Bình (001140000002): Cần thẻ BT" in out
    code, _, err = run(capsys, "bhyt", "reconcile", str(tmp_path / "none.xlsx"), "--db", url)
    assert code == 1 and "Không tìm thấy tệp" in err


def test_a_person_who_moved_keeps_the_card_in_the_new_wards_eyes_not_a_finding_in_the_old(engine, wards):
    """Giang, social pension in A, moved on day 5 two months ago; B pays her from the month after.
    The agency's card (valid a year) is matched for B and the office; A's reconciliation does not
    call it a card of someone no longer entitled (B's row, outside A's scope, pays her)."""
    cccd = "001140000007"
    in_a = person(engine, wards["A"], "Vũ Thị Giang", born=date(1940, 8, 1), national_id=cccd)
    first = entitle(engine, in_a, ("HTXH",), START)
    with write_session(engine) as session:
        stop(session, SYSTEM, first, on=add_months(THIS, -2) + timedelta(days=4), reason=StopReason.MOVED)
    in_b = person(engine, wards["B"], "Vũ Thị Giang", born=date(1940, 8, 1), national_id=cccd)
    entitle(engine, in_b, ("HTXH",), add_months(THIS, -1))
    rows = [card(1, "Vũ Thị Giang", "01/08/1940", cccd, None, "BT2010140000007")]
    clerk_a = Scope(user_id=None, username="a", role=Role.WARD, ward_ids=frozenset({wards["A"]}))
    with read_session(engine) as session:
        cards = read_card_list(agency_file(rows), "x.xlsx")
        office = reconcile(session, SYSTEM, cards, THIS)
        ward_a = reconcile(session, clerk_a, cards, THIS)
        ward_b = reconcile(session, SYSTEM, cards, THIS, wards["B"])
    assert office.counts() == {
        "matched": 1,
        "missing_card": 0,
        "not_entitled": 0,
        "two_types": 0,
        "differs": 0,
    }
    assert ward_a.counts() == {
        "matched": 0,
        "missing_card": 0,
        "not_entitled": 0,
        "two_types": 0,
        "differs": 0,
    }
    assert ward_b.counts()["matched"] == 1


@pytest.mark.parametrize(
    ("builder", "message"),
    [
        (hostile_files.far_cell, "vượt giới hạn 200.000 dòng"),
        (hostile_files.zip_bomb, "giải nén ra 300 MB"),
    ],
)
def test_a_hostile_agency_file_is_refused_by_the_sandboxed_reader(builder, message):
    """The agency's file is read like a ward list (sizes checked before reading, in a child process):
    a cell a million rows down or a zip bomb is refused with a sentence; nothing is compared or stored."""
    with pytest.raises(FileReadError, match=message):
        read_card_list(builder(), "the.xlsx")
