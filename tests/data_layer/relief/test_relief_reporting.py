"""A relief round's reporting calendar and the wards' sign-offs (issue 25), per-hamlet figures, a head
linked to the registry by CCCD and form 10b's money, on both databases.

Worked by hand: Đồ Sơn 2023 (Tết Quý Mão 22/01/2023) asked for the plan by 06/01, the quick report by
15/01 and the report after Tết by 10:00 on 26/01 (mùng 5): 16 and 7 days before Tết, 4 days after. The
test round starts 20/01/2027, Tết Đinh Mùi is 06/02/2027: 21/01, 30/01 14:00 and 10/02/2027 10:00
(03:00 UTC). Ward A's households (test_relief.WARD_A): Thôn Đông 1 household, 4 people, 60 kg; Thôn
Tây 1 household, 3 people, 45 kg.
"""

from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import delete, select, update

from data_layer.core import seals
from data_layer.core.access import Scope
from data_layer.core.codes import Poverty, ReliefReason, ReliefReport, ReportStatus
from data_layer.core.db import get_engine, read_session, write_session
from data_layer.core.errors import Forbidden, Invalid, Locked
from data_layer.core.models import (
    Beneficiary,
    BeneficiaryCategory,
    Category,
    ReliefHousehold,
    ReliefRound,
    ReliefSignOff,
)
from data_layer.relief.approval import approve_ward
from data_layer.relief.calendar import reporting_calendar
from data_layer.relief.figures import hamlet_figures
from data_layer.relief.households import HouseholdInput, add_household, list_households, record_delivery
from data_layer.relief.rounds import RoundInput, add_round, get_round_by_name
from data_layer.relief.sign_off import calendar_status, latest_sign_offs, sign_off, sign_offs
from tests.data_layer.cli.test_cli import run
from tests.data_layer.relief.test_relief import (
    SYSTEM,
    WARD_A,
    import_households,
    tet,  # noqa: F401  (the fixture)
    tet_round,
)

LOCAL = "+07:00"


def moment(text: str) -> datetime:
    """'30/01/2027 13:59' in Vietnam's time → an aware UTC moment."""
    return datetime.strptime(text + LOCAL, "%d/%m/%Y %H:%M%z").astimezone(UTC)


def test_the_tet_calendar_reproduces_do_son_2023_and_moves_with_tet():
    do_son = ReliefRound(name="Tết Quý Mão", reason=ReliefReason.TET, months=1, start_date=date(2022, 12, 20))
    assert [(d.report, d.day, d.deadline, d.signed) for d in reporting_calendar(do_son)] == [
        (ReliefReport.PLAN, date(2023, 1, 6), moment("06/01/2023 14:00"), False),
        (ReliefReport.QUICK, date(2023, 1, 15), moment("15/01/2023 14:00"), True),
        (ReliefReport.AFTER_TET, date(2023, 1, 26), moment("26/01/2023 10:00"), True),
    ]
    tet_2027 = ReliefRound(name="Tết 2027", reason=ReliefReason.TET, months=1, start_date=date(2027, 1, 20))
    assert [d.deadline for d in reporting_calendar(tet_2027)] == [
        moment("21/01/2027 14:00"),
        moment("30/01/2027 14:00"),
        moment("10/02/2027 10:00"),
    ]
    lean = ReliefRound(name="Giáp hạt", reason=ReliefReason.LEAN, months=3, start_date=date(2027, 3, 31))
    assert [(d.report, d.day, d.signed) for d in reporting_calendar(lean)] == [
        (ReliefReport.RESULT, date(2027, 6, 30), True)  # three months on; June has no 31st
    ]


def test_a_wards_figures_per_hamlet(engine, wards, tet):  # noqa: F811
    with read_session(engine) as session:
        lines = hamlet_figures(session, SYSTEM, tet)
    assert [(h["ward"], h["hamlet"], h["households"], h["people"], h["kg_requested"]) for h in lines] == [
        ("A", "Thôn Đông", 1, 4, 60),
        ("A", "Thôn Tây", 1, 3, 45),
        ("B", "Tổ 1", 1, 2, 30),
    ]


def test_wards_sign_off_the_quick_report_on_time_or_late_and_it_never_changes(engine, wards, tet):  # noqa: F811
    officer_a = Scope(user_id=None, username="lan", role="ward", ward_ids=frozenset({wards["A"]}))
    with write_session(engine) as session:
        sign_off(session, officer_a, tet, wards["A"], ReliefReport.QUICK, now=moment("30/01/2027 13:59"))
        sign_off(session, SYSTEM, tet, wards["B"], ReliefReport.QUICK, now=moment("30/01/2027 14:01"))
        with pytest.raises(Forbidden):
            sign_off(session, officer_a, tet, wards["B"], ReliefReport.QUICK)
        with pytest.raises(Invalid, match="không có kỳ chốt số liệu 'Kế hoạch"):
            sign_off(session, SYSTEM, tet, wards["A"], ReliefReport.PLAN)
    with read_session(engine) as session:
        signed = latest_sign_offs(session, SYSTEM, tet)
        a = signed[(wards["A"], ReliefReport.QUICK)]
        assert not a.late and signed[(wards["B"], ReliefReport.QUICK)].late
        assert a.figures == {
            "households": 2,
            "people": 7,
            "kg_requested": 105,
            "kg_approved": 0,
            "kg_delivered": 0,
            "hamlets": [
                {"hamlet": "Thôn Đông", "households": 1, "people": 4, "kg_requested": 60, "kg_approved": 0,
                 "kg_delivered": 0},
                {"hamlet": "Thôn Tây", "households": 1, "people": 3, "kg_requested": 45, "kg_approved": 0,
                 "kg_delivered": 0},
            ],
        }  # fmt: skip
        status = {
            (line.due.report, line.ward): line.status
            for line in calendar_status(session, SYSTEM, tet, now=moment("10/02/2027 10:01"))
        }
    assert status == {
        (ReliefReport.PLAN, "Phường A"): ReportStatus.ON_TIME,  # the list was in before 21/01/2027
        (ReliefReport.PLAN, "Phường B"): ReportStatus.ON_TIME,
        (ReliefReport.QUICK, "Phường A"): ReportStatus.ON_TIME,
        (ReliefReport.QUICK, "Phường B"): ReportStatus.LATE,
        (ReliefReport.AFTER_TET, "Phường A"): ReportStatus.MISSING,  # 10:00 on 10/02 has passed
        (ReliefReport.AFTER_TET, "Phường B"): ReportStatus.MISSING,
    }
    with write_session(engine) as session:
        assert seals.verify(session).ok is True  # each sign-off carries its link of the chain
    with read_session(engine) as session:
        before = calendar_status(session, SYSTEM, tet, now=moment("10/02/2027 09:59"))
    assert {line.status for line in before if line.due.report == ReliefReport.AFTER_TET} == {
        ReportStatus.NOT_DUE
    }
    for statement in (update(ReliefSignOff).values(figures="{}"), delete(ReliefSignOff)):
        with pytest.raises(Locked, match="chốt"), write_session(engine) as session:
            session.execute(statement)


def test_a_later_sign_off_supersedes_and_keeps_the_first(engine, wards, tet):  # noqa: F811
    with write_session(engine) as session:
        sign_off(session, SYSTEM, tet, wards["A"], ReliefReport.AFTER_TET, now=moment("09/02/2027 08:00"))
        approve_ward(session, SYSTEM, tet, wards["A"])
        first = list_households(session, SYSTEM, tet, wards["A"])[0]
        record_delivery(session, SYSTEM, first.id, first.kg_approved, date(2027, 2, 1))
        sign_off(session, SYSTEM, tet, wards["A"], ReliefReport.AFTER_TET, now=moment("10/02/2027 11:00"))
    with read_session(engine) as session:
        history = sign_offs(session, SYSTEM, tet, wards["A"])
        latest = latest_sign_offs(session, SYSTEM, tet)[(wards["A"], ReliefReport.AFTER_TET)]
        status = calendar_status(session, SYSTEM, tet, now=moment("11/02/2027 00:00"))
    assert [s.figures["kg_delivered"] for s in history] == [0, first.kg_approved]
    assert [s.late for s in history] == [False, True]
    assert latest.id == history[-1].id
    a_after = next(x for x in status if x.ward_id == wards["A"] and x.due.report == ReliefReport.AFTER_TET)
    assert a_after.status == ReportStatus.ON_TIME  # the first sign-off came in time
    assert a_after.latest.figures["kg_delivered"] == first.kg_approved


def test_a_lean_round_signs_its_result_report(engine, wards):
    with write_session(engine) as session:
        lean = tet_round(session, months=3, reason=ReliefReason.LEAN, name="Giáp hạt 2027")
        add_household(
            session, SYSTEM, lean, wards["A"], HouseholdInput("Phạm Thị Dung", "Thôn Bắc", None, 4, 2)
        )
        with pytest.raises(Invalid, match="Báo cáo nhanh"):
            sign_off(session, SYSTEM, lean, wards["A"], ReliefReport.QUICK)
        sign_off(session, SYSTEM, lean, wards["A"], ReliefReport.RESULT, now=moment("20/04/2027 09:00"))
    with read_session(engine) as session:
        (signed,) = sign_offs(session, SYSTEM, lean)
    assert (signed.report, signed.figures["kg_requested"], signed.late) == (ReliefReport.RESULT, 90, False)


def test_a_head_typed_in_with_a_known_cccd_is_linked_to_the_registry(engine, wards):
    with write_session(engine) as session:
        person = Beneficiary(ward_id=wards["A"], name="Hoàng Văn Em", name_key="hoang van em",
                             national_id="001080009999", hamlet="Thôn Đông")  # fmt: skip
        session.add(person)
        session.flush()
        poor = session.execute(select(Category.id).where(Category.code == "HN")).scalar_one()
        session.add(BeneficiaryCategory(beneficiary_id=person.id, category_id=poor))
        round_id = tet_round(session)
        linked = add_household(
            session,
            SYSTEM,
            round_id,
            wards["A"],
            HouseholdInput("Hoàng Văn Em", "Thôn Đông", "001080009999", 3, 3),
        )
        elsewhere = add_household(  # the same CCCD is nobody of ward B: not linked
            session,
            SYSTEM,
            round_id,
            wards["B"],
            HouseholdInput("Hoàng Văn Em", "Tổ 2", "001080009998", 3, 3),
        )
        unknown = add_household(
            session, SYSTEM, round_id, wards["A"], HouseholdInput("Đỗ Thị Gấm", "Thôn Tây", None, 2, 2)
        )
        assert (linked.beneficiary_id, linked.poverty) == (person.id, Poverty.POOR)
        assert (elsewhere.beneficiary_id, elsewhere.poverty) == (None, None)
        assert (unknown.beneficiary_id, unknown.poverty) == (None, None)
        assert session.get(ReliefHousehold, linked.id).beneficiary_id == person.id


def test_signed_figures_are_json_with_vietnamese_hamlet_names(engine, wards, tet):  # noqa: F811
    with write_session(engine) as session:
        row = sign_off(session, SYSTEM, tet, wards["B"], ReliefReport.QUICK, now=moment("29/01/2027 08:00"))
        assert "Tổ 1" in row.figures and json.loads(row.figures)["hamlets"][0]["hamlet"] == "Tổ 1"


def test_form_10b_money_is_the_rice_delivered_at_its_rounds_price(engine, wards):
    """Tết round at 15.000 đ/kg: Nguyễn Văn An receives 60 kg → 900.000 đ (0,900 triệu đồng); a fire
    round without a price: 2 × 15 × 1 = 30 kg delivered, no money, so the total shows none either."""
    from data_layer.relief.form_10b import form_10b_food, form_10b_xlsx
    from data_layer.vn.document import Office

    with write_session(engine) as session:
        priced = add_round(
            session, SYSTEM, RoundInput("Tết 2027", ReliefReason.TET, 1, date(2027, 1, 20), rice_price=15_000)
        ).id
        import_households(session, priced, wards["A"], WARD_A)
        approve_ward(session, SYSTEM, priced, wards["A"])
        an = next(h for h in list_households(session, SYSTEM, priced) if h.head_name == "Nguyễn Văn An")
        record_delivery(session, SYSTEM, an.id, 60, date(2027, 1, 25))
        priced_only = form_10b_food(session, SYSTEM, date(2027, 1, 1), date(2027, 1, 1))
        fire = add_round(session, SYSTEM, RoundInput("Cháy chợ", ReliefReason.FIRE, 1, date(2027, 1, 22))).id
        add_household(session, SYSTEM, fire, wards["B"], HouseholdInput("Mạc Văn Khó", "Tổ 2", None, 3, 2))
        approve_ward(session, SYSTEM, fire, wards["B"])
        (kho,) = list_households(session, SYSTEM, fire)
        record_delivery(session, SYSTEM, kho.id, 30, date(2027, 1, 23))
        both = form_10b_food(session, SYSTEM, date(2027, 1, 1), date(2027, 1, 1))
    assert (priced_only[0].kg, priced_only[0].money) == (60, 900_000)
    by_reason = {r.reason: (r.kg, r.money) for r in both}
    assert by_reason[ReliefReason.TET] == (60, 900_000)
    assert by_reason[ReliefReason.FIRE] == (30, None) and by_reason[None] == (90, None)
    book = load_workbook(
        io.BytesIO(form_10b_xlsx(priced_only, Office("UBND"), date(2027, 1, 1), date(2027, 1, 1)))
    )
    sheet = book["Mẫu 10b"]
    total = next(row for row in sheet.iter_rows() if row[1].value == "Hỗ trợ lương thực (gạo)")
    assert (total[4].value, total[5].value, total[5].number_format) == (0.06, 900_000, "#,##0.000,,")


def test_the_report_has_the_hamlets_of_each_ward_with_the_wards_total(engine, wards, tet):  # noqa: F811
    from data_layer.relief.documents import report_xlsx
    from data_layer.vn.document import Office

    with read_session(engine) as session:
        data = report_xlsx(session, SYSTEM, tet, Office("UBND THÀNH PHỐ"))
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Tổng hợp", "Theo thôn, tổ", "Danh sách hộ"]
    rows = [[c for c in row if c is not None] for row in book["Theo thôn, tổ"].iter_rows(values_only=True)]
    assert ["Phường A"] in rows and ["Phường B"] in rows
    assert [1, "Thôn Đông", 1, 4, 0.06, 0, 0] in rows and [2, "Thôn Tây", 1, 3, 0.045, 0, 0] in rows
    assert ["Cộng Phường A", 2, 7, 0.105, 0, 0] in rows and ["Cộng Phường B", 1, 2, 0.03, 0, 0] in rows


def test_cli_round_add_takes_a_rice_price(capsys, db_url):
    code, out, _err = run(
        capsys, "relief", "round", "add", "--name", "Giáp hạt 2027", "--reason", "lean", "--months", "2",
        "--from", "01/03/2027", "--rice-price", "14.500",
    )  # fmt: skip
    assert code == 0 and "Giáp hạt 2027" in out
    with read_session(get_engine(db_url)) as session:
        assert get_round_by_name(session, "Giáp hạt 2027").rice_price == 14_500


def test_an_approved_ward_refuses_a_household_typed_in_and_the_undo_of_its_list(engine, wards):
    from data_layer.importing.batches import undo_batch
    from data_layer.relief.household_list import HouseholdList

    with write_session(engine) as session:
        round_id = tet_round(session)
        batch = import_households(session, round_id, wards["A"], WARD_A).batch_id
        approve_ward(session, SYSTEM, round_id, wards["A"])
    with pytest.raises(Locked, match="Phường A"), write_session(engine) as session:
        add_household(
            session, SYSTEM, round_id, wards["A"], HouseholdInput("Đinh Văn Mới", "Thôn Đông", None, 2, 2)
        )
    with pytest.raises(Locked), write_session(engine) as session:
        undo_batch(session, SYSTEM, batch, [HouseholdList])
    with read_session(engine) as session:
        assert [h.kg_approved for h in list_households(session, SYSTEM, round_id)] == [60, 45]  # unchanged


def test_tonnes_read_the_vietnamese_way_with_thousands():
    """MOLISA's 2022 request: 658.525 people × 15 kg = 9.877.875 kg = 9.877,875 tonnes."""
    from data_layer.relief.rules import tonnes

    assert [tonnes(kg) for kg in (0, 45, 1234, 658_525 * 15)] == ["0,000", "0,045", "1,234", "9.877,875"]
