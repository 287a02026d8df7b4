"""Issue 21 §2: the payment agent's return (Decree 20/2021 art. 34) on SQLite and PostgreSQL: the
cash list we produced comes back with `Đã nhận` x/blank, or as a "chưa nhận" list; what was not
collected is paid again as arrears by the next payroll. 5.5a at 75: 1.5 × 500,000 = 750,000 đ."""

from io import BytesIO

import pytest
from openpyxl import load_workbook

from data_layer.allowance.agent_return import record_return_file
from data_layer.allowance.payment_lists import ward_lists_xlsx
from data_layer.core.db import write_session
from data_layer.core.errors import Invalid
from tests.data_layer.allowance_helpers import (
    SYSTEM,
    M,
    build,
    build_and_lock,
    entitle,
    figures,
    lines,
    person,
)
from tests.data_layer.workbooks import xlsx_bytes


def returned_list(engine, ward_id: int, month, collected: dict[str, bool]) -> bytes:
    """Our cash list of the month with a column `Đã nhận`: x for the names collected."""
    with write_session(engine) as session:
        data = ward_lists_xlsx(session, SYSTEM, month, ward_id, sheets=("cash",))
    workbook = load_workbook(BytesIO(data))
    ws = workbook.active
    header = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "STT")
    ws.cell(header, 12, "Đã nhận")
    for r in range(header + 1, ws.max_row + 1):
        if ws.cell(r, 2).value in collected:
            ws.cell(r, 12, "x" if collected[ws.cell(r, 2).value] else None)
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


def record(engine, ward_id: int, month, data: bytes):
    with write_session(engine) as session:
        return record_return_file(session, SYSTEM, month, ward_id, data, "tra_ve.xlsx")


def test_two_unpaid_people_are_carried_into_the_next_payroll(engine, wards):
    """Ba, Bốn, Năm in ward A, 750,000 đ each, 01/2025 locked. The return: Ba collected, Bốn and Năm
    did not: 1 paid 750,000 đ, 2 unpaid 1,500,000 đ; the 02/2025 payroll pays Bốn and Năm 750,000 đ
    arrears for 01/2025 on top of 750,000 đ; Ba only 750,000 đ. The figures of 01/2025 say paid
    750,000 / unpaid 1,500,000 for ward A."""
    ids = {}
    for name in ("Ba", "Bốn", "Năm"):
        ids[name] = person(engine, wards["A"], name, year=1950)
        entitle(engine, ids[name], ("5.5a",), M(1, 2025))
    build_and_lock(engine, M(1, 2025))
    data = returned_list(engine, wards["A"], M(1, 2025), {"Ba": True, "Bốn": False, "Năm": False})
    result = record(engine, wards["A"], M(1, 2025), data)
    assert (result.paid, result.paid_money, result.unpaid, result.unpaid_money) == (1, 750_000, 2, 1_500_000)
    january = figures(engine, M(1, 2025)).by_ward[0]
    assert (january.paid, january.unpaid) == (750_000, 1_500_000)
    build(engine, M(2, 2025))
    assert lines(engine, M(2, 2025), ids["Ba"]) == [("current", "02/2025", 750_000)]
    for name in ("Bốn", "Năm"):
        assert lines(engine, M(2, 2025), ids[name]) == [
            ("arrears", "01/2025", 750_000),
            ("current", "02/2025", 750_000),
        ]
    # recorded again (corrected: Năm did collect): only Bốn is carried
    record(engine, wards["A"], M(1, 2025), returned_list(engine, wards["A"], M(1, 2025), {"Năm": True}))
    build(engine, M(2, 2025))
    assert lines(engine, M(2, 2025), ids["Năm"]) == [("current", "02/2025", 750_000)]


def test_a_not_collected_list_by_cccd_or_stt_and_errors_naming_row_and_column(engine, wards):
    """A "chưa nhận" list (no `Đã nhận` column): every row listed did not collect."""
    first = person(engine, wards["A"], "An", year=1950, national_id="001050001111")
    second = person(engine, wards["A"], "Bình", year=1950)
    for pid in (first, second):
        entitle(engine, pid, ("5.5a",), M(1, 2025))
    build_and_lock(engine, M(1, 2025))
    unpaid = xlsx_bytes([["DANH SÁCH CHƯA NHẬN"], ["STT", "Họ và tên", "Số CCCD"], [1, "An", "001050001111"]])
    result = record(engine, wards["A"], M(1, 2025), unpaid)
    assert (result.paid, result.unpaid) == (1, 1)
    by_stt = xlsx_bytes([["STT", "Họ và tên"], [2, "Bình"], ["Tổng cộng", None]])
    assert record(engine, wards["A"], M(1, 2025), by_stt).unpaid == 1
    wrong = xlsx_bytes([["STT", "Họ và tên"], [7, "Không có"]])
    with pytest.raises(Invalid, match="Dòng 2, cột STT: số thứ tự 7 không có trong danh sách tiền mặt"):
        record(engine, wards["A"], M(1, 2025), wrong)


def test_an_open_month_takes_no_return(engine, wards):
    pid = person(engine, wards["A"], "Mở", year=1950)
    entitle(engine, pid, ("5.5a",), M(1, 2025))
    build(engine, M(1, 2025))
    with pytest.raises(Invalid, match="chưa khóa"):
        record(engine, wards["A"], M(1, 2025), xlsx_bytes([["STT", "Họ và tên"], [1, "Mở"]]))


def test_three_months_not_collected_list_the_person_for_suspension(engine, wards):
    """Vắng did not collect 01, 02 and 03/2025 (750,000 đ each), Có did: Vắng is listed after 03
    (not after 02); confirmed, the 04/2025 payroll pays Vắng nothing (held), and a decision resuming
    from 05/2025 with back pay pays 01–04 as arrears (4 × 750,000 = 3,000,000 đ) and 05."""
    from data_layer.allowance.agent_return import confirm_suspensions, record_unpaid, suspension_candidates
    from data_layer.allowance.entitlement_status import resume

    away = person(engine, wards["A"], "Vắng", year=1950)
    here = person(engine, wards["A"], "Có", year=1950)
    away_entitlement = entitle(engine, away, ("5.5a",), M(1, 2025))
    entitle(engine, here, ("5.5a",), M(1, 2025))
    for month in (M(1, 2025), M(2, 2025), M(3, 2025)):
        build_and_lock(engine, month)
        with write_session(engine) as session:
            record_unpaid(session, SYSTEM, month, wards["A"], {away})
            listed = suspension_candidates(session, SYSTEM, month, wards["A"])
        assert [c.name for c in listed] == (["Vắng"] if month == M(3, 2025) else [])
    assert listed[0].months == "01/2025, 02/2025, 03/2025"
    with write_session(engine) as session:
        assert confirm_suspensions(session, SYSTEM, M(3, 2025), wards["A"], {away}) == 1
    build_and_lock(engine, M(4, 2025))
    assert lines(engine, M(4, 2025), away) == []
    with write_session(engine) as session:
        resume(session, SYSTEM, away_entitlement, month=M(5, 2025), back_pay=True)
    build(engine, M(5, 2025))
    assert sum(a for kind, _, a in lines(engine, M(5, 2025), away) if kind == "arrears") == 3_000_000
    assert ("current", "05/2025", 750_000) in lines(engine, M(5, 2025), away)


def test_the_suspension_list_is_the_wards_document_signed_by_its_chairman(engine, wards):
    """Vắng (Khối 2, 5.5a, 750,000 đ) did not collect 01, 02 and 03/2025: the 03/2025 cash list would
    have paid 750,000 + 1,500,000 carried = 2,250,000 đ, the money the list says is owed. The list is
    a document of ward A's People's Committee, prepared by its officer and signed by its chairman,
    citing Circular 02/2021 art. 2.3.a, proposing suspension from 04/2025. Trễ (Khối 1) did not collect
    either, but the returns saying so came after 03/2025 was locked: nothing was carried, the three
    months' 750,000 đ are owed, 2,250,000 đ too; Khối 1 is listed first. Resumed from 05/2025
    without back pay (art. 2 grants none by itself): the 05/2025 payroll pays the 2,250,000 đ not
    collected but not 04/2025, the month held."""
    from data_layer.allowance.agent_return import confirm_suspensions, record_unpaid
    from data_layer.allowance.entitlement_status import resume
    from data_layer.allowance.suspension_list import suspension_list_xlsx
    from tests.data_layer.documents import assert_official_look, sheets, table

    away = person(engine, wards["A"], "Vắng", year=1950, hamlet="Khối 2", national_id="020050000009")
    here = person(engine, wards["A"], "Có", year=1950)
    away_entitlement = entitle(engine, away, ("5.5a",), M(1, 2025))
    late = person(engine, wards["A"], "Trễ", year=1950, hamlet="Khối 1")
    entitle(engine, here, ("5.5a",), M(1, 2025))
    entitle(engine, late, ("5.5a",), M(1, 2025))
    for month in (M(1, 2025), M(2, 2025), M(3, 2025)):
        build_and_lock(engine, month)
        with write_session(engine) as session:
            record_unpaid(session, SYSTEM, month, wards["A"], {away})
    for month in (M(1, 2025), M(2, 2025), M(3, 2025)):  # the returns corrected late
        with write_session(engine) as session:
            record_unpaid(session, SYSTEM, month, wards["A"], {away, late})
    with write_session(engine) as session:
        ws = sheets(suspension_list_xlsx(session, SYSTEM, M(3, 2025), wards["A"]))["Đề nghị tạm dừng"]
    assert_official_look(ws, ["ỦY BAN NHÂN DÂN", "PHƯỜNG A"], landscape=True)
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert "DANH SÁCH ĐỀ NGHỊ TẠM DỪNG TRỢ CẤP XÃ HỘI HẰNG THÁNG" in texts
    assert "(Căn cứ điểm a khoản 3 Điều 2 Thông tư số 02/2021/TT-BLĐTBXH)" in texts
    assert "Số: ……/DS-UBND" in texts
    rows = table(ws)
    assert rows[0][:9] == [
        1,
        "Trễ",
        "1950",
        "Khối 1",
        None,
        "5.5a",
        "01/2025, 02/2025, 03/2025",
        2_250_000,
        "04/2025",
    ]
    assert rows[1][:9] == [
        2,
        "Vắng",
        "1950",
        "Khối 2",
        "020050000009",
        "5.5a",
        "01/2025, 02/2025, 03/2025",
        2_250_000,
        "04/2025",
    ]
    assert rows[2][0] == "Cộng: 2 người" and rows[2][7] == 4_500_000
    assert texts[-5:] == [  # prepared by the officer, signed by the chairman for the committee
        "NGƯỜI LẬP BIỂU",
        "TM. ỦY BAN NHÂN DÂN",
        "(Ký, ghi rõ họ tên)",
        "CHỦ TỊCH",
        "(Ký tên, đóng dấu)",
    ]

    with write_session(engine) as session:
        confirm_suspensions(session, SYSTEM, M(3, 2025), wards["A"], {away})
    build_and_lock(engine, M(4, 2025))
    with write_session(engine) as session:
        resume(session, SYSTEM, away_entitlement, month=M(5, 2025), back_pay=False)
    build(engine, M(5, 2025))
    assert lines(engine, M(5, 2025), away) == [
        ("arrears", "01/2025", 750_000),
        ("arrears", "02/2025", 750_000),
        ("arrears", "03/2025", 750_000),
        ("current", "05/2025", 750_000),
    ]
