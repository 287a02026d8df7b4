"""Hunger relief (issue 25): rounds, a ward's household list through the importer, requested →
approved → delivered kg, the approval lock on both databases, the report's JSON and .xlsx.

Figures worked by hand (15 kg per person and month):
  Tết round (1 month), ward A: Nguyễn Văn An 5 people, 4 lacking food → 4 × 15 × 1 = 60 kg;
  Trần Thị Bình 3 people, 3 lacking → 45 kg; ward B: Lê Văn Cường 6 people, 2 lacking → 30 kg.
  Round: 3 households, 9 people, 135 kg requested.
  Lean-season round (3 months): Phạm Thị Dung 4 lacking → 4 × 15 × 3 = 180 kg; corrected to 2 → 90 kg.
"""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import select, text

from data_layer.core.access import Scope
from data_layer.core.codes import Poverty, ReliefReason
from data_layer.core.db import read_session, write_session
from data_layer.core.errors import Forbidden, Invalid, Locked
from data_layer.core.models import Beneficiary, BeneficiaryCategory, Category, ReliefHousehold
from data_layer.importing.batches import undo_batch
from data_layer.importing.commit import commit_import
from data_layer.importing.preview import ImportRequest, preview_import
from data_layer.relief.approval import approve_ward
from data_layer.relief.figures import round_figures
from data_layer.relief.household_list import HouseholdList
from data_layer.relief.households import correct_household, list_households, record_delivery
from data_layer.relief.rounds import RoundInput, add_round
from tests.data_layer.cli.test_cli import run
from tests.data_layer.workbooks import write, xlsx_bytes

SYSTEM = Scope.system()
HEADER = [
    "STT",
    "Họ tên chủ hộ",
    "Số CCCD",
    "Thôn/Tổ",
    "Số nhân khẩu",
    "Số người thiếu đói",
    "Hộ nghèo/cận nghèo",
]
TITLE = [["UBND PHƯỜNG A"], ["DANH SÁCH HỘ CÓ NGUY CƠ THIẾU ĐÓI DỊP TẾT"], []]
WARD_A = [
    [1, "Nguyễn Văn An", "001080001234", "Thôn Đông", 5, 4, "Nghèo"],
    [2, "Trần Thị Bình", None, "Thôn Tây", 3, 3, None],
]
WARD_B = [[1, "Lê Văn Cường", "001080005678", "Tổ 1", 6, 2, "Cận nghèo"]]


def household_file(rows: list[list], header: list[str] = HEADER) -> bytes:
    return xlsx_bytes([*TITLE, header, *rows])


def tet_round(session, months: int = 1, reason=ReliefReason.TET, name: str = "Tết 2027") -> int:
    return add_round(session, SYSTEM, RoundInput(name, reason, months, date(2027, 1, 20))).id


def import_households(session, round_id: int, ward_id: int, rows: list[list], *, commit: bool = True):
    request = ImportRequest("ho.xlsx", household_file(rows), ward_id, kind=HouseholdList(round_id, ward_id))
    preview = preview_import(session, SYSTEM, request)
    return commit_import(session, SYSTEM, preview, repeat_ok=True) if commit else preview


@pytest.fixture
def tet(engine, wards) -> int:
    """The Tết round with ward A's two households and ward B's one."""
    with write_session(engine) as session:
        round_id = tet_round(session)
        import_households(session, round_id, wards["A"], WARD_A)
        import_households(session, round_id, wards["B"], WARD_B)
    return round_id


def test_months_per_round_follow_decree_20_article_12(engine):
    with write_session(engine) as session:
        with pytest.raises(Invalid, match="từ 1 đến 1"):
            tet_round(session, months=2)
        with pytest.raises(Invalid, match="từ 1 đến 3"):
            tet_round(session, months=4, reason=ReliefReason.LEAN, name="Giáp hạt 2027")
        assert tet_round(session, months=3, reason=ReliefReason.DISASTER, name="Bão số 3")


def test_tet_round_of_one_month_requests_people_times_15_kg(engine, wards, tet):
    with read_session(engine) as session:
        figures = round_figures(session, SYSTEM, tet)
        households = {h.head_name: h for h in list_households(session, SYSTEM, tet)}
        linked = session.get(
            Beneficiary, session.get(ReliefHousehold, households["Nguyễn Văn An"].id).beneficiary_id
        )
    assert {name: h.kg_requested for name, h in households.items()} == {
        "Nguyễn Văn An": 60,
        "Trần Thị Bình": 45,
        "Lê Văn Cường": 30,
    }
    assert households["Nguyễn Văn An"].poverty == Poverty.POOR
    assert households["Lê Văn Cường"].poverty == Poverty.NEAR_POOR
    assert linked.national_id == "001080001234" and linked.ward_id == wards["A"]
    assert figures == {
        "round": "Tết 2027",
        "households": 3,
        "people": 9,
        "kg_requested": 135,
        "kg_approved": 0,
        "kg_delivered": 0,
        "by_ward": [
            {
                "ward": "A",
                "name": "Phường A",
                "households": 2,
                "people": 7,
                "kg_requested": 105,
                "kg_approved": 0,
                "kg_delivered": 0,
            },
            {
                "ward": "B",
                "name": "Phường B",
                "households": 1,
                "people": 2,
                "kg_requested": 30,
                "kg_approved": 0,
                "kg_delivered": 0,
            },
        ],
    }


def test_lean_season_round_of_three_months_and_a_corrected_household(engine, wards):
    with write_session(engine) as session:
        lean = tet_round(session, months=3, reason=ReliefReason.LEAN, name="Giáp hạt 2027")
        import_households(session, lean, wards["A"], [[1, "Phạm Thị Dung", None, "Thôn Đông", 4, 4, None]])
        (household,) = list_households(session, SYSTEM, lean)
        assert household.kg_requested == 180  # 4 × 15 × 3
        # the ward's corrected list: 2 people lacking food → 2 × 15 × 3 = 90 kg, same household
        result = import_households(
            session, lean, wards["A"], [[1, "Phạm Thị Dung", None, "Thôn Đông", 4, 2, None]]
        )
        assert result.counts["households_corrected"] == 1 and result.counts["households_created"] == 0
        (household,) = list_households(session, SYSTEM, lean)
        assert (household.people_lacking_food, household.kg_requested) == (2, 90)
        corrected = correct_household(
            session, SYSTEM, household.id, household_size=4, people_lacking_food=3, version=household.version
        )
        assert corrected.kg_requested == 135  # 3 × 15 × 3
        with pytest.raises(Invalid, match="lớn hơn số nhân khẩu"):
            correct_household(
                session,
                SYSTEM,
                household.id,
                household_size=2,
                people_lacking_food=3,
                version=corrected.version,
            )


def test_bad_rows_name_row_and_column_in_vietnamese(engine, wards, tet):
    rows = [
        [1, "Đỗ Văn Em", None, "Thôn Đông", 2, 3, None],  # more lacking food than people
        [2, "Hoàng Thị Gấm", None, "Thôn Bắc", None, 1, None],  # no household size
        [3, "Vũ Văn Hải", None, "Thôn Bắc", 3, 1, "có"],  # unreadable poverty status
        [4, "Ngô Văn Ích", None, "Thôn Bắc", 3, 1, None],
        [5, "Ngô Văn Ích", None, "thôn bắc", 3, 2, None],  # same head and hamlet twice in the file
        [6, "Lê Văn Cường", "001080005678", "Tổ 9", 6, 2, None],  # ward B already listed this CCCD
    ]
    with write_session(engine) as session:
        preview = import_households(session, tet, wards["A"], rows, commit=False)
    errors = {e["row"]: (e["column"], e["message"]) for e in preview.summary()["errors"]}
    assert errors[5] == ("Số người thiếu đói", "Số người thiếu đói (3) lớn hơn số nhân khẩu của hộ (2).")
    assert errors[6] == ("Số nhân khẩu", "Thiếu số nhân khẩu của hộ.")
    assert errors[7][0] == "Hộ nghèo/cận nghèo" and "Không nhận ra 'có'" in errors[7][1]
    assert errors[9] == ("Họ tên chủ hộ", "Hộ này trùng với dòng 8 (một hộ chỉ một lần trong đợt).")
    assert errors[10][0] == "Số CCCD" and "đã có trong đợt ở Phường B" in errors[10][1]
    assert 8 not in errors


def test_poverty_comes_from_the_registry_when_the_list_leaves_it_blank(engine, wards):
    with write_session(engine) as session:
        round_id = tet_round(session)
        person = Beneficiary(
            ward_id=wards["A"], name="Trần Thị Bình", name_key="tran thi binh", national_id="001180009999"
        )
        session.add(person)
        session.flush()
        near_poor = session.execute(select(Category.id).where(Category.code == "HCN")).scalar_one()
        session.add(BeneficiaryCategory(beneficiary_id=person.id, category_id=near_poor))
        session.flush()
        import_households(
            session, round_id, wards["A"], [[1, "Trần Thị Bình", "001180009999", "Thôn Tây", 3, 3, None]]
        )
        (household,) = list_households(session, SYSTEM, round_id)
    assert household.poverty == Poverty.NEAR_POOR


def test_an_approved_ward_refuses_every_write_then_deliveries_are_recorded(engine, wards, tet):
    a = wards["A"]
    with write_session(engine) as session:
        assert approve_ward(session, SYSTEM, tet, a) == 2
    with read_session(engine) as session:
        households = {h.head_name: h for h in list_households(session, SYSTEM, tet)}
    an = households["Nguyễn Văn An"]
    assert an.kg_approved == 60 and households["Lê Văn Cường"].kg_approved is None
    with pytest.raises(Locked, match="Phường A"), write_session(engine) as session:
        import_households(session, tet, a, WARD_A)
    with pytest.raises(Locked), write_session(engine) as session:
        correct_household(session, SYSTEM, an.id, household_size=5, people_lacking_food=1, version=an.version)
    # the database itself refuses raw writes of the approved ward's households, on both databases
    for statement in (
        "UPDATE reliefhousehold SET people_lacking_food = 1 WHERE id = :id",
        "DELETE FROM reliefhousehold WHERE id = :id",
        "INSERT INTO reliefhousehold (round_id, ward_id, head_name, household_key, household_size,"
        " people_lacking_food, kg_requested, version, created_at, updated_at)"
        " SELECT round_id, ward_id, 'Người Mới', 'x', 1, 1, 15, 1, created_at, updated_at"
        " FROM reliefhousehold WHERE id = :id",
        "DELETE FROM reliefapproval",
    ):
        with pytest.raises(Locked), write_session(engine) as session:
            session.execute(text(statement), {"id": an.id})
    # ward B is still open: its household is corrected
    with write_session(engine) as session:
        cuong = households["Lê Văn Cường"]
        correct_household(
            session, SYSTEM, cuong.id, household_size=6, people_lacking_food=3, version=cuong.version
        )
        with pytest.raises(Invalid, match="chưa được duyệt"):
            record_delivery(session, SYSTEM, cuong.id, 45, date(2027, 1, 25))
        with pytest.raises(Invalid, match="từ 1 đến 60 kg"):
            record_delivery(session, SYSTEM, an.id, 75, date(2027, 1, 25))
        record_delivery(session, SYSTEM, an.id, 60, date(2027, 1, 25))
        figures = round_figures(session, SYSTEM, tet)
    assert (figures["people"], figures["kg_requested"], figures["kg_approved"], figures["kg_delivered"]) == (
        10,
        150,  # 60 + 45 + 3 × 15
        105,  # ward A's 60 + 45
        60,
    )


def test_a_ward_officer_sees_and_approves_only_within_scope(engine, wards, tet):
    officer = Scope(user_id=None, username="lan", role="ward", ward_ids=frozenset({wards["A"]}))
    with read_session(engine) as session:
        assert round_figures(session, officer, tet)["households"] == 2
    with pytest.raises(Forbidden, match="Chỉ cán bộ cấp tỉnh"), write_session(engine) as session:
        approve_ward(session, officer, tet, wards["A"])


def test_undoing_the_import_removes_its_households(engine, wards):
    with write_session(engine) as session:
        round_id = tet_round(session)
        batch = import_households(session, round_id, wards["A"], WARD_A).batch_id
    with write_session(engine) as session:
        undo_batch(session, SYSTEM, batch, [HouseholdList])
        assert list_households(session, SYSTEM, round_id) == []


def test_cli_exact_words_round_import_approve_report(capsys, db_url, tmp_path):
    for code, name in (("DK", "Phường Đông Kinh"), ("CL", "Phường Chi Lăng")):
        run(capsys, "ward", "add", code, name)
    code, _, err = run(
        capsys,
        "relief",
        "round",
        "add",
        "--name",
        "Tết 2027",
        "--reason",
        "tet",
        "--months",
        "2",
        "--from",
        "20/01/2027",
    )
    assert code == 1 and "từ 1 đến 1" in err
    code, out, _ = run(
        capsys,
        "relief",
        "round",
        "add",
        "--name",
        "Tết 2027",
        "--reason",
        "tet",
        "--months",
        "1",
        "--from",
        "20/01/2027",
        "--kg-per-person",
        "15",
    )
    assert code == 0 and "Tết 2027" in out
    dk = write(tmp_path, "dk.xlsx", household_file(WARD_A))
    code, out, _ = run(
        capsys, "import", str(dk), "--ward", "DK", "--relief", "Tết 2027", "--dry-run", "--json"
    )
    assert code == 0 and json.loads(out)["accepted"] == 2
    code, out, _ = run(capsys, "import", str(dk), "--ward", "DK", "--relief", "Tết 2027", "--json")
    assert code == 0 and json.loads(out)["households_created"] == 2
    cl = write(tmp_path, "cl.xlsx", household_file(WARD_B))
    assert run(capsys, "import", str(cl), "--ward", "CL", "--relief", "Tết 2027")[0] == 0
    code, out, _ = run(capsys, "relief", "approve", "--round", "Tết 2027", "--ward", "DK")
    assert code == 0 and "Phường Đông Kinh" in out
    code, _, err = run(capsys, "import", str(dk), "--ward", "DK", "--relief", "Tết 2027")
    assert code == 1 and "đã được duyệt và khóa" in err
    code, out, _ = run(capsys, "relief", "report", "--round", "Tết 2027", "--json")
    assert code == 0 and json.loads(out) == {
        "round": "Tết 2027",
        "households": 3,
        "people": 9,
        "kg_requested": 135,
        "kg_approved": 105,
        "kg_delivered": 0,
        "by_ward": [
            {
                "ward": "CL",
                "households": 1,
                "people": 2,
                "kg_requested": 30,
                "kg_approved": 0,
                "kg_delivered": 0,
            },
            {
                "ward": "DK",
                "households": 2,
                "people": 7,
                "kg_requested": 105,
                "kg_approved": 105,
                "kg_delivered": 0,
            },
        ],
    }
    out_file = tmp_path / "bao_cao.xlsx"
    code, out, _ = run(capsys, "relief", "report", "--round", "Tết 2027", "--out", str(out_file))
    assert code == 0 and "0,135 tấn" in out
    book = load_workbook(io.BytesIO(out_file.read_bytes()))
    rows = [[c for c in row if c is not None] for row in book["Tổng hợp"].iter_rows(values_only=True)]
    assert ["Tổng cộng", 3, 9, 0.135, 0.105, 0] in rows
    total = next(row for row in book["Tổng hợp"].iter_rows() if row[1].value == "Tổng cộng")
    assert total[4].number_format == "#,##0.000"
    households = [
        row for row in book["Danh sách hộ"].iter_rows(values_only=True) if row[3] == "Nguyễn Văn An"
    ]
    assert households[0][6:11] == (5, 4, 60, 60, None)
    form = tmp_path / "10b.xlsx"
    code, out, _ = run(
        capsys,
        "report",
        "form",
        "--form",
        "10b",
        "--from",
        "01/2027",
        "--to",
        "01/2027",
        "--ward",
        "DK",
        "--out",
        str(form),
    )
    assert code == 0 and "0 hộ, 0 người, 0,000 tấn gạo" in out and form.exists()  # nothing delivered yet
    code, _, err = run(
        capsys, "report", "form", "--form", "10b", "--from", "02/2027", "--to", "01/2027", "--out", str(form)
    )
    assert code == 1 and "--to phải từ tháng --from trở đi" in err


def test_signing_list_has_one_sheet_per_hamlet_with_people_and_kg(engine, wards, tet):
    from data_layer.relief.documents import signing_list_xlsx
    from data_layer.vn.document import Office

    with write_session(engine) as session:
        approve_ward(session, SYSTEM, tet, wards["A"])
        data = signing_list_xlsx(session, SYSTEM, tet, wards["A"], Office("UBND THÀNH PHỐ"))
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Thôn Đông", "Thôn Tây"]
    rows = [[c for c in row if c is not None] for row in book["Thôn Đông"].iter_rows(values_only=True)]
    assert ["STT", "Họ tên chủ hộ", "Số người thiếu đói", "Số gạo (kg)", "Ký nhận"] in rows
    assert [1, "Nguyễn Văn An", 4, 60] in rows and ["Cộng", 4, 60] in rows


def test_form_10b_food_part_counts_delivered_households_per_reason(engine, wards, tet, capsys, tmp_path):
    """Tết round (01/2027): ward A approved, Nguyễn Văn An received 60 kg, Trần Thị Bình nothing yet;
    a disaster round (02/2027) in ward B: 2 people × 15 × 2 months = 60 kg, received 60 kg.
    Period 01–02/2027: 2 households, 4 + 2 = 6 people, 0,120 tonnes; Tết 1 / 4 / 0,060."""
    from data_layer.relief.form_10b import form_10b_food, form_10b_xlsx
    from data_layer.vn.document import Office

    with write_session(engine) as session:
        approve_ward(session, SYSTEM, tet, wards["A"])
        an = next(h for h in list_households(session, SYSTEM, tet) if h.head_name == "Nguyễn Văn An")
        record_delivery(session, SYSTEM, an.id, 60, date(2027, 1, 25))
        storm = add_round(
            session, SYSTEM, RoundInput("Bão số 1", ReliefReason.DISASTER, 2, date(2027, 2, 10))
        ).id
        import_households(session, storm, wards["B"], [[1, "Mạc Văn Khó", None, "Tổ 2", 3, 2, None]])
        approve_ward(session, SYSTEM, storm, wards["B"])
        (kho,) = list_households(session, SYSTEM, storm)
        record_delivery(session, SYSTEM, kho.id, 60, date(2027, 2, 11))
        rows = form_10b_food(session, SYSTEM, date(2027, 1, 1), date(2027, 2, 1))
        only_january = form_10b_food(session, SYSTEM, date(2027, 1, 1), date(2027, 1, 1))
        ward_b = form_10b_food(session, SYSTEM, date(2027, 1, 1), date(2027, 2, 1), wards["B"])
    by_reason = {r.reason: (r.households, r.people, r.kg) for r in rows}
    assert by_reason[None] == (2, 6, 120)
    assert by_reason[ReliefReason.TET] == (1, 4, 60) and by_reason[ReliefReason.DISASTER] == (1, 2, 60)
    assert (only_january[0].households, only_january[0].kg) == (1, 60)
    assert (ward_b[0].households, ward_b[0].kg) == (1, 60)
    book = load_workbook(io.BytesIO(form_10b_xlsx(rows, Office("UBND"), date(2027, 1, 1), date(2027, 2, 1))))
    cells = [[c for c in row if c is not None] for row in book["Mẫu 10b"].iter_rows(values_only=True)]
    assert ["I", "Hỗ trợ lương thực (gạo)", 2, 6, 0.12] in cells
    assert [1, "Tết Nguyên đán", 1, 4, 0.06] in cells
