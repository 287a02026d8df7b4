"""The monthly payroll on SQLite and PostgreSQL: each rule of issue 14 with figures worked by hand.

Standards seeded: 360,000 đ from 07/2021, 500,000 đ from 07/2024; social pension 500,000 đ from
07/2025; funeral support 20 × the standard.
"""

from datetime import date

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from data_layer.allowance.entitlement_status import resume, stop, suspend
from data_layer.allowance.reference import set_standard
from data_layer.core.access import Scope
from data_layer.core.codes import PersonStatus, StandardKind, StopReason
from data_layer.core.db import write_session
from data_layer.core.errors import Conflict, Forbidden, Locked
from data_layer.core.models import Beneficiary
from data_layer.registry.hamlets import ensure_hamlets
from tests.data_layer.allowance_helpers import (
    SYSTEM,
    M,
    build,
    build_and_lock,
    entitle,
    entitle_by_account,
    figures,
    lines,
    lock,
    person,
)


def stop_on(engine, entitlement_id: int, day: date, reason: StopReason) -> None:
    with write_session(engine) as session:
        stop(session, SYSTEM, entitlement_id, on=day, reason=reason)


def test_child_turning_4_changes_coefficient_in_the_birthday_month(engine, wards):
    child = person(engine, wards["A"], "Bé Tư", born=date(2020, 8, 15))
    entitle(engine, child, ("5.1",), M(6, 2024))
    build_and_lock(engine, M(6, 2024), M(7, 2024), M(8, 2024))
    assert lines(engine, M(6, 2024)) == [("current", "06/2024", 900_000)]  # 2.5 × 360,000 (aged 3)
    assert lines(engine, M(7, 2024)) == [("current", "07/2024", 1_250_000)]  # 2.5 × 500,000 (aged 3)
    assert lines(engine, M(8, 2024)) == [("current", "08/2024", 750_000)]  # 1.5 × 500,000 (4 from 08/2024)


def test_with_only_a_birth_year_the_age_changes_in_january(engine, wards):
    child = person(engine, wards["A"], "Bé Năm", year=2020)
    entitle(engine, child, ("5.1",), M(12, 2023))
    build_and_lock(engine, M(12, 2023), M(1, 2024))
    assert lines(engine, M(12, 2023)) == [("current", "12/2023", 900_000)]  # aged 3: 2.5 × 360,000
    assert lines(engine, M(1, 2024)) == [("current", "01/2024", 540_000)]  # aged 4: 1.5 × 360,000


def test_elderly_person_turning_80(engine, wards):
    elder = person(engine, wards["A"], "Cụ Tám", born=date(1945, 3, 2))
    entitle(engine, elder, ("5.5a",), M(2, 2025))
    build_and_lock(engine, M(2, 2025), M(3, 2025))
    assert lines(engine, M(2, 2025)) == [("current", "02/2025", 750_000)]  # 1.5 × 500,000 at 79
    assert lines(engine, M(3, 2025)) == [("current", "03/2025", 1_000_000)]  # 2.0 × 500,000 at 80


def test_social_pension_is_flat_and_the_higher_of_allowance_and_pension_is_paid(engine, wards):
    pensioner = person(engine, wards["A"], "Cụ Hưu", year=1948)
    both = person(engine, wards["A"], "Cụ Cả Hai", year=1940)
    entitle(engine, pensioner, ("HTXH",), M(6, 2025))
    entitle(engine, both, ("5.5a", "HTXH"), M(6, 2025))
    build_and_lock(engine, M(6, 2025), M(7, 2025))
    assert lines(engine, M(6, 2025), pensioner) == []  # no pension level before 07/2025
    assert lines(engine, M(7, 2025), pensioner) == [("current", "07/2025", 500_000)]  # not × standard
    # aged 85: 5.5a gives 2.0 × 500,000 = 1,000,000, more than the pension: only that is paid
    assert lines(engine, M(7, 2025), both) == [("current", "07/2025", 1_000_000)]
    with write_session(engine) as session:
        set_standard(session, SYSTEM, StandardKind.PENSION, M(8, 2025), 1_200_000)
    build(engine, M(8, 2025))
    assert lines(engine, M(8, 2025), both) == [("current", "08/2025", 1_200_000)]  # now the pension is higher


def test_several_groups_pay_the_highest_except_a_single_parent(engine, wards):
    highest = person(engine, wards["A"], "Anh Cao", year=1990)
    parent = person(engine, wards["A"], "Chị Đơn Thân", year=1990)
    student_parent = person(engine, wards["A"], "Em Sinh Viên", year=2006)
    entitle(engine, highest, ("5.6a", "5.8"), M(1, 2025))  # 2.0 and 1.5 → 2.0
    entitle(engine, parent, ("5.4", "5.6b"), M(1, 2025), children=2)  # 2 × 1.0 + 1.5
    entitle(engine, student_parent, ("5.4", "5.2"), M(1, 2025), children=1)  # 5.2 does not add: max(1.0, 1.5)
    build(engine, M(1, 2025))
    assert lines(engine, M(1, 2025), highest) == [("current", "01/2025", 1_000_000)]
    assert lines(engine, M(1, 2025), parent) == [("current", "01/2025", 1_750_000)]
    assert lines(engine, M(1, 2025), student_parent) == [("current", "01/2025", 750_000)]


def test_death_pays_its_month_and_funeral_support_once(engine, wards):
    elder = person(engine, wards["A"], "Cụ Mất", year=1955)
    entitlement = entitle(engine, elder, ("5.5a",), M(5, 2025))  # aged 70: 1.5 × 500,000
    build_and_lock(engine, M(5, 2025))
    stop_on(engine, entitlement, date(2025, 6, 10), StopReason.DIED)
    build_and_lock(engine, M(6, 2025))
    # June (the month of death) is paid; funeral support 20 × 500,000 for 06/2025
    assert lines(engine, M(6, 2025)) == [("current", "06/2025", 750_000), ("funeral", "06/2025", 10_000_000)]
    build(engine, M(7, 2025))
    assert lines(engine, M(7, 2025)) == []  # July is not paid, the support is not paid twice
    with write_session(engine) as session:
        assert session.get(Beneficiary, elder).status == PersonStatus.DIED  # written to the registry


def test_retroactive_standard_after_two_locked_months(engine, wards):
    child = person(engine, wards["A"], "Bé Sáu", born=date(2019, 5, 1))  # aged 5: 1.5
    entitle(engine, child, ("5.1",), M(1, 2025))
    build_and_lock(engine, M(1, 2025), M(2, 2025))
    with write_session(engine) as session:
        set_standard(session, SYSTEM, StandardKind.STANDARD, M(1, 2025), 600_000)
    build(engine, M(3, 2025))
    # 1.5 × 600,000 = 900,000 now, and 900,000 − 750,000 for each locked month
    assert lines(engine, M(3, 2025)) == [
        ("arrears", "01/2025", 150_000),
        ("arrears", "02/2025", 150_000),
        ("current", "03/2025", 900_000),
    ]
    found = figures(engine, M(3, 2025))
    assert (found.amount, found.arrears, found.recoveries, found.total) == (900_000, 300_000, 0, 1_200_000)
    assert lines(engine, M(1, 2025)) == [("current", "01/2025", 750_000)]  # a locked payroll never changes
    lock(engine, M(3, 2025))
    build(engine, M(4, 2025))
    assert lines(engine, M(4, 2025)) == [("current", "04/2025", 900_000)]  # settled: reported once


def test_death_recorded_late_is_a_recovery_never_deducted(engine, wards):
    elder = person(engine, wards["A"], "Cụ Báo Muộn", year=1955)
    other = person(engine, wards["A"], "Cụ Khác", year=1955)
    entitlement = entitle(engine, elder, ("5.5a",), M(3, 2025))
    entitle(engine, other, ("5.5a",), M(3, 2025))
    build_and_lock(engine, M(3, 2025), M(4, 2025), M(5, 2025))
    stop_on(engine, entitlement, date(2025, 3, 15), StopReason.DIED)
    build(engine, M(6, 2025))
    assert lines(engine, M(6, 2025), elder) == [
        ("funeral", "03/2025", 10_000_000),
        ("recovery", "04/2025", -750_000),
        ("recovery", "05/2025", -750_000),
    ]
    assert lines(engine, M(6, 2025), other) == [("current", "06/2025", 750_000)]  # untouched
    found = figures(engine, M(6, 2025))
    assert (found.amount, found.arrears, found.recoveries, found.funeral) == (
        750_000,
        0,
        1_500_000,
        10_000_000,
    )
    assert found.total == 10_750_000  # the recovery is reported, not subtracted
    lock(engine, M(6, 2025))
    build(engine, M(7, 2025))
    assert lines(engine, M(7, 2025), elder) == []  # locking settled the recovery


def test_late_grant_is_paid_as_arrears(engine, wards):
    early = person(engine, wards["A"], "Cụ Sớm", year=1955)
    late = person(engine, wards["A"], "Cụ Muộn", year=1955)
    entitle(engine, early, ("5.5a",), M(2, 2025))
    build_and_lock(engine, M(2, 2025), M(3, 2025), M(4, 2025))
    entitle(engine, late, ("5.5a",), M(2, 2025))  # decided from 02/2025, recorded in May
    build(engine, M(5, 2025))
    assert lines(engine, M(5, 2025), late) == [
        ("arrears", "02/2025", 750_000),
        ("arrears", "03/2025", 750_000),
        ("arrears", "04/2025", 750_000),
        ("current", "05/2025", 750_000),
    ]


def test_a_move_stops_after_its_month_and_a_late_one_is_recovered(engine, wards):
    mover = person(engine, wards["A"], "Anh Chuyển", year=1990)
    late_mover = person(engine, wards["A"], "Chị Chuyển Muộn", year=1990)
    first = entitle(engine, mover, ("5.6b",), M(3, 2025))  # adult: 1.5 × 500,000
    second = entitle(engine, late_mover, ("5.6b",), M(3, 2025))
    build_and_lock(engine, M(3, 2025))
    stop_on(engine, first, date(2025, 4, 20), StopReason.MOVED)
    build_and_lock(engine, M(4, 2025), M(5, 2025))
    assert lines(engine, M(4, 2025), mover) == [("current", "04/2025", 750_000)]
    assert lines(engine, M(5, 2025), mover) == []
    stop_on(engine, second, date(2025, 3, 31), StopReason.MOVED)
    build(engine, M(6, 2025))
    assert lines(engine, M(6, 2025), late_mover) == [
        ("recovery", "04/2025", -750_000),
        ("recovery", "05/2025", -750_000),
    ]
    with write_session(engine) as session:
        moved = session.get(Beneficiary, mover)
        assert (moved.status, moved.status_date) == (PersonStatus.MOVED, date(2025, 4, 20))


def test_paid_until_leaves_out_the_months_paid_outside(engine, wards):
    elder = person(engine, wards["A"], "Cụ Sổ Cũ", year=1955)
    entitle(engine, elder, ("5.5a",), M(1, 2024), paid_until=M(12, 2024))
    build(engine, M(3, 2025))
    assert lines(engine, M(3, 2025)) == [
        ("arrears", "01/2025", 750_000),
        ("arrears", "02/2025", 750_000),
        ("current", "03/2025", 750_000),
    ]


@pytest.mark.parametrize("back_pay", [True, False])
def test_suspension_holds_payments_until_resumed(engine, wards, back_pay):
    elder = person(engine, wards["A"], "Cụ Tạm Dừng", year=1955)
    other = person(engine, wards["A"], "Cụ Thường", year=1955)
    entitlement = entitle(engine, elder, ("5.5a",), M(2, 2025))
    entitle(engine, other, ("5.5a",), M(2, 2025))
    build_and_lock(engine, M(2, 2025))
    with write_session(engine) as session:
        suspend(session, SYSTEM, entitlement, from_month=M(3, 2025), reason="Vắng mặt dài ngày")
    build_and_lock(engine, M(3, 2025), M(4, 2025))
    assert lines(engine, M(3, 2025), elder) == [] and lines(engine, M(4, 2025), elder) == []
    with write_session(engine) as session:
        resume(session, SYSTEM, entitlement, month=M(5, 2025), back_pay=back_pay)
    build(engine, M(5, 2025))
    held = [("arrears", "03/2025", 750_000), ("arrears", "04/2025", 750_000)] if back_pay else []
    assert lines(engine, M(5, 2025), elder) == [*held, ("current", "05/2025", 750_000)]


def test_months_are_built_in_order_and_a_locked_month_never_changes(engine, wards):
    elder = person(engine, wards["A"], "Cụ Thứ Tự", year=1955)
    entitle(engine, elder, ("5.5a",), M(1, 2025))
    build_and_lock(engine, M(1, 2025))
    with pytest.raises(Locked, match="01/2025 đã khóa"):
        build(engine, M(1, 2025))
    with pytest.raises(Conflict, match="không lập được danh sách của tháng trước đó"):
        build(engine, M(12, 2024))
    build(engine, M(2, 2025))
    with pytest.raises(Conflict, match="02/2025 đang mở"):
        build(engine, M(3, 2025))
    ward_staff = Scope(user_id=None, username="a", role="ward", ward_ids=frozenset({wards["A"]}))
    with pytest.raises(Forbidden):
        lock(engine, M(2, 2025), ward_staff)
    with pytest.raises(Locked):
        lock(engine, M(1, 2025))


def test_ward_staff_rebuild_only_their_ward(engine, wards):
    a = person(engine, wards["A"], "Cụ A", year=1955)
    b = person(engine, wards["B"], "Cụ B", year=1955)
    entitle(engine, a, ("5.5a",), M(1, 2025))
    entitle(engine, b, ("5.5a",), M(1, 2025))
    build(engine, M(1, 2025))
    with write_session(engine) as session:
        set_standard(session, SYSTEM, StandardKind.STANDARD, M(1, 2025), 600_000)
    ward_a = Scope(user_id=None, username="a", role="ward", ward_ids=frozenset({wards["A"]}))
    build(engine, M(1, 2025), ward_a)
    assert lines(engine, M(1, 2025), a) == [("current", "01/2025", 900_000)]  # rebuilt with the new standard
    assert lines(engine, M(1, 2025), b) == [("current", "01/2025", 750_000)]  # another ward: untouched
    assert [w.ward_code for w in figures(engine, M(1, 2025), ward_a).by_ward] == ["A"]
    with pytest.raises(Forbidden):
        build(engine, M(1, 2025), Scope(user_id=None, username="x", role="viewer", ward_ids=None))


def test_commune_office_payroll_figures_by_hamlet(engine, wards):
    """Ward A's office reads its payroll per hamlet (two spellings of Tổ 1 together, no hamlet last);
    the whole payroll's figures (and the JSON) stay per ward."""
    one = person(engine, wards["A"], "Cụ Một", year=1955, hamlet="Tổ 1")
    two = person(engine, wards["A"], "Cụ Hai", year=1955, hamlet="TỔ  1")
    ten = person(engine, wards["A"], "Cụ Mười", year=1955, hamlet="Tổ 10")
    none = person(engine, wards["A"], "Cụ Không", year=1955)
    other = person(engine, wards["B"], "Cụ Phường B", year=1955, hamlet="Tổ 1")
    for pid in (one, two, ten, none, other):
        entitle(engine, pid, ("5.5a",), M(1, 2025))
    entitle_by_account(
        engine,
        person(engine, wards["A"], "Cụ Ba", year=1955, hamlet="Tổ 2"),
        ("5.5a",),
        M(1, 2025),
        "0123456789",
    )
    with write_session(engine) as session:  # as an import of the ward's list makes them
        ensure_hamlets(session, wards["A"], ["Tổ 1", "Tổ 2", "Tổ 10"])
    build(engine, M(1, 2025))
    office = Scope(user_id=None, username="a", role="ward", ward_ids=frozenset({wards["A"]}))
    seen = figures(engine, M(1, 2025), office)
    assert [(h.hamlet, h.people, h.amount, h.cash, h.account) for h in seen.by_hamlet] == [
        ("Tổ 1", 2, 1_500_000, 1_500_000, 0),
        ("Tổ 2", 1, 750_000, 0, 750_000),
        ("Tổ 10", 1, 750_000, 750_000, 0),
        ("Không ghi thôn/tổ", 1, 750_000, 750_000, 0),
    ]
    assert (seen.people, seen.total) == (5, 5 * 750_000)
    assert [w.ward_code for w in seen.by_ward] == ["A"]
    whole = figures(engine, M(1, 2025))
    assert whole.by_hamlet == [] and [w.ward_code for w in whole.by_ward] == ["A", "B"]


def test_json_figures_split_cash_and_account(engine, wards):
    cash = person(engine, wards["A"], "Cụ Tiền Mặt", year=1955)
    account = person(engine, wards["A"], "Cụ Tài Khoản", year=1955)
    elsewhere = person(engine, wards["B"], "Cụ Phường B", year=1944)
    entitle(engine, cash, ("5.5a",), M(1, 2025))
    entitle_by_account(engine, account, ("5.5a",), M(2, 2025), "0123456789")
    entitle(engine, elsewhere, ("5.5a",), M(2, 2025))  # aged 81: 2.0
    build_and_lock(engine, M(1, 2025))
    build(engine, M(2, 2025))
    assert figures(engine, M(2, 2025)).as_json() == {
        "month": "02/2025",
        "status": "open",
        "people": 3,
        "amount": 2_500_000,
        "arrears": 0,
        "recoveries": 0,
        "funeral": 0,
        "total": 2_500_000,
        "by_ward": [
            {
                "ward": "A",
                "people": 2,
                "amount": 1_500_000,
                "arrears": 0,
                "recoveries": 0,
                "funeral": 0,
                "total": 1_500_000,
                "cash": 750_000,
                "account": 750_000,
                "paid": 0,
                "unpaid": 0,
            },
            {
                "ward": "B",
                "people": 1,
                "amount": 1_000_000,
                "arrears": 0,
                "recoveries": 0,
                "funeral": 0,
                "total": 1_000_000,
                "cash": 1_000_000,
                "account": 0,
                "paid": 0,
                "unpaid": 0,
            },
        ],
    }


def test_an_odd_standard_is_rounded_month_by_month_and_settles_exactly(engine, wards):
    """A standard of 333.333 đ from 01/2025: 5.5a at 79 is 1,5 × 333.333 = 499.999,5 → 500.000 đ
    each month (half a đồng up, every month). January–March locked, then April: the three months
    already paid are exactly what is due (a sum rounded once would be 1.499.999 đ, not 1.500.000),
    so April has its current line and nothing else."""
    elder = person(engine, wards["A"], "Cụ Lẻ", born=date(1946, 6, 2))
    with write_session(engine) as session:
        set_standard(session, SYSTEM, StandardKind.STANDARD, M(1, 2025), 333_333)
    entitle(engine, elder, ("5.5a",), M(1, 2025))
    build_and_lock(engine, M(1, 2025), M(2, 2025), M(3, 2025))
    build(engine, M(4, 2025))
    assert lines(engine, M(3, 2025)) == [("current", "03/2025", 500_000)]
    assert lines(engine, M(4, 2025)) == [("current", "04/2025", 500_000)]


@pytest.mark.parametrize(
    "names",
    [
        "NULL, :person, :ward_a",  # a line without its entitlement
        ":entitlement, :person, :ward_b",  # paid by a ward that is not the entitlement's
        ":entitlement, :other, :ward_a",  # to someone else than the entitled person
    ],
)
def test_the_database_refuses_a_line_apart_from_its_entitlement(engine, wards, names):
    """A payroll line names its entitlement, and its person and paying ward are the entitlement's:
    one reference the database checks (raw SQL included), whatever writes the line."""
    elder = person(engine, wards["A"], "Cụ Đúng Chỗ", year=1950)
    other = person(engine, wards["A"], "Người Khác", year=1950)
    entitlement = entitle(engine, elder, ("5.5a",), M(1, 2025))
    build(engine, M(1, 2025))
    values = {
        "entitlement": entitlement,
        "person": elder,
        "other": other,
        "ward_a": wards["A"],
        "ward_b": wards["B"],
    }
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO payrollline (payroll_id, entitlement_id, beneficiary_id, ward_id, for_month,"
                f" kind, amount, payment_method) SELECT id, {names}, month, 'arrears', 1, 'cash' FROM payroll"
            ),
            values,
        )
