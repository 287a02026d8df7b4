"""Issue 21 §1: the money rules an office signs, each with figures worked by hand, on SQLite and
PostgreSQL. Standards seeded: 360,000 đ from 07/2021, 500,000 đ from 07/2024; social pension
500,000 đ from 07/2025; funeral support 20 × the standard.
"""

from datetime import date

import pytest
from sqlalchemy import select, text

from data_layer.allowance.entitlement_status import stop
from data_layer.allowance.entitlements import EntitlementInput, grant
from data_layer.core.codes import StopReason
from data_layer.core.db import write_session
from data_layer.core.errors import Conflict, Invalid
from tests.data_layer.allowance_helpers import (
    SYSTEM,
    M,
    build,
    build_and_lock,
    entitle,
    groups,
    lines,
    person,
)

CCCD = "001055001234"


def stop_on(engine, entitlement_id: int, day: date, reason: StopReason) -> None:
    with write_session(engine) as session:
        stop(session, SYSTEM, entitlement_id, on=day, reason=reason)


# --- §1.1 one payment a month per CCCD, whichever ward holds the person --------------------------


def test_a_second_active_entitlement_for_one_cccd_is_refused_naming_the_paying_ward(engine, wards):
    first = person(engine, wards["A"], "Bà Một Nơi", year=1950, national_id=CCCD)
    entitle(engine, first, ("5.5a",), M(1, 2025))
    again = person(engine, wards["B"], "Bà Một Nơi", year=1950, national_id=CCCD)
    with pytest.raises(Conflict, match="đang hưởng trợ cấp tại Phường A"):
        entitle(engine, again, ("5.5a",), M(3, 2025))


def test_a_move_pays_the_old_ward_through_the_stop_month_and_the_new_from_the_next(engine, wards):
    """5.5a at 75 (1.5 × 500,000 = 750,000 đ). Ward A pays 01–03/2025 (locked); the person moves, A
    stops on 15/03/2025, so A pays through 03/2025. Ward B's grant asks for 02/2025: it starts in
    04/2025 instead, and the 04/2025 payroll pays 750,000 đ once, by B, with no arrears for 02–03."""
    old = person(engine, wards["A"], "Ông Chuyển", year=1950, national_id=CCCD)
    old_entitlement = entitle(engine, old, ("5.5a",), M(1, 2025))
    build_and_lock(engine, M(1, 2025), M(2, 2025), M(3, 2025))
    stop_on(engine, old_entitlement, date(2025, 3, 15), StopReason.MOVED)
    new = person(engine, wards["B"], "Ông Chuyển", year=1950, national_id=CCCD)
    notes: list[str] = []
    data = EntitlementInput(groups=groups(engine, "5.5a"), start_month=M(2, 2025))
    with write_session(engine) as session:
        assert grant(session, SYSTEM, new, data, notes=notes).start_month == M(4, 2025)
    assert notes == [
        "Hưởng từ tháng 04/2025 thay vì 02/2025: Phường A chi trả đến tháng 03/2025 "
        "(chuyển nơi hưởng, Nghị định 20/2021 điều 8 khoản 4 điểm d)."
    ]
    build(engine, M(4, 2025))
    assert lines(engine, M(4, 2025), old) == []
    assert lines(engine, M(4, 2025), new) == [("current", "04/2025", 750_000)]


def test_payroll_build_refuses_two_current_lines_for_one_cccd(engine, wards):
    """Data written past the rules (raw SQL): the same CCCD entitled in A and B from 01/2025, 5.5a
    750,000 đ each. The 01/2025 build would pay 1,500,000 đ to one person: it is refused."""
    first = person(engine, wards["A"], "Bà Hai Nơi", year=1950, national_id=CCCD)
    entitle(engine, first, ("5.5a",), M(1, 2025))
    second = person(engine, wards["B"], "Bà Hai Nơi", year=1950, national_id=CCCD)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO entitlement (beneficiary_id, ward_id, start_month, payment_method, status,"
                " version, created_at, updated_at) VALUES (:p, :w, :m, 'cash', 'active', 1, :t, :t)"
            ),
            {"p": second, "w": wards["B"], "m": M(1, 2025), "t": date(2025, 1, 1)},
        )
        conn.execute(
            text(
                "INSERT INTO entitlementgroup (entitlement_id, group_id) SELECT e.id, g.id"
                " FROM entitlement e, allowancegroup g WHERE e.beneficiary_id = :p AND g.code = '5.5a'"
            ),
            {"p": second},
        )
    with pytest.raises(Conflict, match=f"Số CCCD {CCCD} được chi trả 2 lần trong một tháng"):
        build(engine, M(1, 2025))
    assert lines(engine, M(1, 2025)) == []


def test_a_register_imported_into_a_second_ward_refuses_the_person_another_ward_pays(engine, wards):
    """The same list imported into A then B: B's rows are refused naming Phường A, nothing is paid
    twice (01/2025: one line of 750,000 đ, from A)."""
    from tests.data_layer.allowance.test_allowance_import import register, run_import

    row = [1, "Bà Hai Lần", "1950", "Nữ", CCCD, "Khối 1", "5.5a", None, "01/2025", None, None]
    run_import(engine, register([row]), wards["A"])
    preview, result = run_import(engine, register([row]), wards["B"])
    errors = preview.summary()["errors"]
    assert [(e["row"], e["column"]) for e in errors] == [(5, "Hưởng từ tháng")]
    assert "đang hưởng trợ cấp tại Phường A" in errors[0]["message"]
    assert result.counts.get("entitlements_created", 0) == 0
    build(engine, M(1, 2025))
    assert lines(engine, M(1, 2025)) == [("current", "01/2025", 750_000)]


# --- §1.2 the social pension has an age (Decree 176/2025 art. 3) ---------------------------------


def poor_person(engine, ward_id: int, name: str, category: str, **kw) -> int:
    from data_layer.core.models import BeneficiaryCategory, Category

    pid = person(engine, ward_id, name, **kw)
    with write_session(engine) as session:
        category_id = session.execute(select(Category.id).where(Category.code == category)).scalar_one()
        session.add(BeneficiaryCategory(beneficiary_id=pid, category_id=category_id))
    return pid


def test_the_social_pension_is_refused_under_70(engine, wards):
    """Born 1960: 65 in 07/2025, not even 70 (poor or not)."""
    young = poor_person(engine, wards["A"], "Ông Sáu Lăm", "HN", year=1960)
    with pytest.raises(Invalid, match="65 tuổi vào tháng 07/2025"):
        entitle(engine, young, ("HTXH",), M(7, 2025))


def test_the_social_pension_pays_from_the_75th_birthday_month_outside_a_poor_household(engine, wards):
    """Born 15/03/1951, not poor, granted from 07/2025 at 74: the grant says it pays from 03/2026.
    02/2026 built and locked with nothing (07/2025–02/2026 under 75), 03/2026: 500,000 đ, no arrears.
    A poor (HN) person born 1953 (72) is paid from the grant: 07/2025 500,000 đ."""
    elder = person(engine, wards["A"], "Bà Bảy Tư", born=date(1951, 3, 15))
    poor = poor_person(engine, wards["A"], "Ông Nghèo", "HN", year=1953)
    notes: list[str] = []
    data = EntitlementInput(groups=groups(engine, "HTXH"), start_month=M(7, 2025))
    with write_session(engine) as session:
        grant(session, SYSTEM, elder, data, notes=notes)
    assert notes == [
        "Diện HTXH: Bà Bảy Tư chưa đủ 75 tuổi (không thuộc hộ nghèo, cận nghèo); trợ cấp hưu trí xã hội "
        "trả từ tháng 03/2026."
    ]
    entitle(engine, poor, ("HTXH",), M(7, 2025))
    build(engine, M(7, 2025))
    assert lines(engine, M(7, 2025)) == [("current", "07/2025", 500_000)]
    assert lines(engine, M(7, 2025), elder) == []


def test_the_payroll_applies_the_pension_age_to_data_granted_before_the_rule(engine, wards):
    """An HTXH entitlement of a 65-year-old written before the rule (raw SQL) pays nothing in 08/2025;
    a 77-year-old's pays 500,000 đ."""
    young = person(engine, wards["A"], "Ông Sáu Lăm", year=1960)
    old = person(engine, wards["A"], "Bà Bảy Bảy", year=1948)
    entitle(engine, old, ("HTXH",), M(8, 2025))
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO entitlement (beneficiary_id, ward_id, start_month, payment_method, status,"
                " version, created_at, updated_at) VALUES (:p, :w, :m, 'cash', 'active', 1, :t, :t)"
            ),
            {"p": young, "w": wards["A"], "m": M(8, 2025), "t": date(2025, 8, 1)},
        )
        conn.execute(
            text(
                "INSERT INTO entitlementgroup (entitlement_id, group_id) SELECT e.id, g.id"
                " FROM entitlement e, allowancegroup g WHERE e.beneficiary_id = :p AND g.code = 'HTXH'"
            ),
            {"p": young},
        )
    build(engine, M(8, 2025))
    assert lines(engine, M(8, 2025)) == [("current", "08/2025", 500_000)]
    assert lines(engine, M(8, 2025), young) == []


def test_a_register_row_granting_the_pension_under_70_is_refused(engine, wards):
    from tests.data_layer.allowance.test_allowance_import import register, run_import

    row = [1, "Ông Sáu Lăm", "1960", "Nam", "001060001234", "Khối 1", "HTXH", None, "07/2025", None, None]
    preview, _ = run_import(engine, register([row]), wards["A"])
    errors = preview.summary()["errors"]
    assert [(e["row"], e["column"]) for e in errors] == [(5, "Diện hưởng")]
    assert "65 tuổi vào tháng 07/2025" in errors[0]["message"]


# --- §1.6 the month a child or student ages out is paid -------------------------------------------


def test_the_month_a_child_turns_16_is_paid_and_the_next_is_not(engine, wards):
    """5.1 child born 10/04/2009 (1.5 × 500,000 = 750,000 đ from 4): 16 in 04/2025. 03/2025 and
    04/2025 pay 750,000 đ, 05/2025 nothing. A 5.7 child born 02/06/2022 (1.5) turns 3 in 06/2025:
    06/2025 pays 750,000 đ, 07/2025 nothing."""
    teen = person(engine, wards["A"], "Em Mười Sáu", born=date(2009, 4, 10))
    small = person(engine, wards["A"], "Bé Ba Tuổi", born=date(2022, 6, 2))
    entitle(engine, teen, ("5.1",), M(3, 2025))
    entitle(engine, small, ("5.7",), M(5, 2025))
    build_and_lock(engine, M(3, 2025), M(4, 2025), M(5, 2025), M(6, 2025))
    build(engine, M(7, 2025))
    assert lines(engine, M(4, 2025), teen) == [("current", "04/2025", 750_000)]
    assert lines(engine, M(5, 2025), teen) == []
    assert lines(engine, M(6, 2025), small) == [("current", "06/2025", 750_000)]
    assert lines(engine, M(7, 2025)) == []  # nothing due, no arrears, no recovery


# --- a ward-only rebuild counts only locked payrolls as paid ---------------------------------------


def test_a_ward_only_rebuild_does_not_count_another_wards_open_lines_as_paid(engine, wards):
    """5.5a 750,000 đ from 01/2025 in A, 01 and 02 locked; the district builds 03/2025. A line of
    100,000 đ for 02/2025 sits in ward B's part of the open month (a person whose ward changed).
    Ward A's staff rebuild 03: only locked payrolls settle 02 (750,000 = due), so A's lines are the
    current 750,000 đ alone (before: settled 850,000 → a recovery of 100,000 đ)."""
    from data_layer.core.access import Scope

    elder = person(engine, wards["A"], "Bà Hai Phường", year=1950)
    entitle(engine, elder, ("5.5a",), M(1, 2025))
    build_and_lock(engine, M(1, 2025), M(2, 2025))
    build(engine, M(3, 2025))
    with engine.begin() as conn:  # the person's stopped entitlement in B, which that line pays
        in_b = conn.execute(
            text(
                "INSERT INTO entitlement (beneficiary_id, ward_id, start_month, stop_date,"
                " payment_method, status, version, created_at, updated_at)"
                " VALUES (:p, :w, :f, :f, 'cash', 'stopped', 1, :f, :f) RETURNING id"
            ),
            {"p": elder, "w": wards["B"], "f": M(2, 2025)},
        ).scalar_one()
        conn.execute(
            text(
                "INSERT INTO payrollline (payroll_id, beneficiary_id, entitlement_id, ward_id, for_month,"
                " kind, amount, payment_method) SELECT id, :p, :e, :w, :f, 'arrears', 100000, 'cash'"
                " FROM payroll WHERE month = :m"
            ),
            {"p": elder, "e": in_b, "w": wards["B"], "f": M(2, 2025), "m": M(3, 2025)},
        )
    staff_a = Scope(user_id=None, username="a", role="ward", ward_ids=frozenset({wards["A"]}))
    build(engine, M(3, 2025), staff_a)
    assert lines(engine, M(3, 2025), elder) == [
        ("arrears", "02/2025", 100_000),
        ("current", "03/2025", 750_000),
    ]


# --- §1.4 a start month corrected later recovers what was paid before it ---------------------------


def test_a_start_month_moved_later_recovers_the_months_paid_before_it(engine, wards):
    """5.5a 750,000 đ from 01/2025; 01–04 paid (locked). The start is corrected to 03/2025: the
    05/2025 payroll recovers 01 and 02 (2 × 750,000 = 1,500,000 đ) and pays 05 (750,000 đ)."""
    from data_layer.allowance.entitlements import update_entitlement
    from data_layer.core.models import Entitlement

    elder = person(engine, wards["A"], "Ông Sửa Tháng", year=1950)
    eid = entitle(engine, elder, ("5.5a",), M(1, 2025))
    build_and_lock(engine, M(1, 2025), M(2, 2025), M(3, 2025), M(4, 2025))
    data = EntitlementInput(groups=groups(engine, "5.5a"), start_month=M(3, 2025))
    with write_session(engine) as session:
        version = session.get(Entitlement, eid).version
        assert update_entitlement(session, SYSTEM, eid, version, data) == ["start_month"]
    build(engine, M(5, 2025))
    assert lines(engine, M(5, 2025), elder) == [
        ("current", "05/2025", 750_000),
        ("recovery", "01/2025", -750_000),
        ("recovery", "02/2025", -750_000),
    ]


# --- §1.3 groups and children change from a month, never the past by accident ---------------------


def change(engine, eid: int, codes: tuple[str, ...], applies_from=None, children=None) -> list[str]:
    from data_layer.allowance.entitlements import update_entitlement
    from data_layer.core.models import Entitlement

    ids = groups(engine, *codes)
    with write_session(engine) as session:
        row = session.get(Entitlement, eid)
        data = EntitlementInput(groups=ids, start_month=row.start_month, children=children)
        return update_entitlement(session, SYSTEM, eid, row.version, data, applies_from=applies_from)


def test_a_disability_certificate_of_april_pays_arrears_from_april_only(engine, wards):
    """5.5a aged 75 (1.5 × 500,000 = 750,000 đ) from 01/2025, 01–05 locked. A certificate of
    especially severe disability issued in 04/2025 (5.6a, elderly: 2.5 → 1,250,000 đ) recorded from
    04/2025: the 06/2025 payroll pays 1,250,000 đ and arrears of 500,000 đ for 04 and 05 only (before:
    arrears for 01–05). The same change recorded without a month applies from 06/2025: no arrears."""
    dated = person(engine, wards["A"], "Ông Có Giấy", year=1950)
    default = person(engine, wards["A"], "Bà Không Ghi Tháng", year=1950)
    first = entitle(engine, dated, ("5.5a",), M(1, 2025))
    second = entitle(engine, default, ("5.5a",), M(1, 2025))
    build_and_lock(engine, M(1, 2025), M(2, 2025), M(3, 2025), M(4, 2025), M(5, 2025))
    assert change(engine, first, ("5.5a", "5.6a"), applies_from=M(4, 2025)) == ["groups"]
    assert change(engine, second, ("5.5a", "5.6a")) == ["groups"]
    build(engine, M(6, 2025))
    assert lines(engine, M(6, 2025), dated) == [
        ("arrears", "04/2025", 500_000),
        ("arrears", "05/2025", 500_000),
        ("current", "06/2025", 1_250_000),
    ]
    assert lines(engine, M(6, 2025), default) == [("current", "06/2025", 1_250_000)]


def test_fewer_children_apply_from_the_first_open_month_without_a_recovery(engine, wards):
    """A single parent (5.4, 1.0 a child) with 2 children from 01/2025: 1,000,000 đ; 01–04 locked.
    One child ages out and the register says 1 child, without a month: from 05/2025, 500,000 đ, no
    recovery (before: 4 months × 500,000 đ recovered)."""
    parent = person(engine, wards["A"], "Chị Đơn Thân", year=1990)
    eid = entitle(engine, parent, ("5.4",), M(1, 2025), children=2)
    build_and_lock(engine, M(1, 2025), M(2, 2025), M(3, 2025), M(4, 2025))
    assert change(engine, eid, ("5.4",), children=1) == ["children"]
    build(engine, M(5, 2025))
    assert lines(engine, M(5, 2025), parent) == [("current", "05/2025", 500_000)]


def test_a_register_changing_groups_applies_from_its_column_or_the_first_open_month(engine, wards):
    """Two people, 5.5a at 75 (750,000 đ) from 01/2025, 01–03 locked. The register is imported again
    with 5.5a; 5.6a (2.5 → 1,250,000 đ): Ông Có Cột with `Áp dụng từ tháng` 02/2025 gets arrears of
    500,000 đ for 02 and 03; Bà Không Cột, without it, from 04/2025 (the first open month): none.
    The preview says from which month each change applies."""
    from tests.data_layer.allowance.test_allowance_import import HEADER, register, run_import

    header = [*HEADER, "Áp dụng từ tháng"]
    rows = [
        [1, "Ông Có Cột", "1950", "Nam", "001050001111", "Khối 1", "5.5a", None, "01/2025", None, None, None],
        [
            2,
            "Bà Không Cột",
            "1950",
            "Nữ",
            "001150002222",
            "Khối 1",
            "5.5a",
            None,
            "01/2025",
            None,
            None,
            None,
        ],
    ]
    run_import(engine, register(rows, header), wards["A"])
    build_and_lock(engine, M(1, 2025), M(2, 2025), M(3, 2025))
    rows[0][6:] = ["5.5a; 5.6a", None, "01/2025", None, None, "02/2025"]
    rows[1][6] = "5.5a; 5.6a"
    preview, result = run_import(engine, register(rows, header), wards["A"], repeat_ok=True)
    assert result.counts["entitlements_updated"] == 2
    warnings = {r.row: r.warnings for r in preview.rows}
    assert warnings[5] == ["Diện hưởng/số con thay đổi: áp dụng từ tháng 02/2025."]
    assert warnings[6][0].startswith("Diện hưởng/số con thay đổi: áp dụng từ tháng 04/2025 (tháng chi trả")
    build(engine, M(4, 2025))
    ids = {name: pid for pid, name in _names(engine)}
    assert lines(engine, M(4, 2025), ids["Ông Có Cột"]) == [
        ("arrears", "02/2025", 500_000),
        ("arrears", "03/2025", 500_000),
        ("current", "04/2025", 1_250_000),
    ]
    assert lines(engine, M(4, 2025), ids["Bà Không Cột"]) == [("current", "04/2025", 1_250_000)]


def _names(engine):
    from data_layer.core.models import Beneficiary

    with write_session(engine) as session:
        return session.execute(select(Beneficiary.id, Beneficiary.name)).all()


# --- §1.5 funeral support follows a retroactive standard ------------------------------------------


def test_funeral_support_gets_the_difference_of_a_standard_raised_later(engine, wards):
    """Died 10/02/2025 (5.5a), recorded at once: the 02/2025 payroll pays 20 × 500,000 = 10,000,000 đ
    funeral support (locked). The province then sets 600,000 đ from 01/2025: the 03/2025 payroll
    pays the difference 20 × 100,000 = 2,000,000 đ as funeral support (and the 01–02 arrears of
    1.5 × 100,000 = 150,000 đ each); 04/2025 pays nothing more."""
    from data_layer.allowance.reference import set_standard
    from data_layer.core.codes import StandardKind

    elder = person(engine, wards["A"], "Cụ Mất", year=1950)
    eid = entitle(engine, elder, ("5.5a",), M(1, 2025))
    build_and_lock(engine, M(1, 2025))
    stop_on(engine, eid, date(2025, 2, 10), StopReason.DIED)
    build_and_lock(engine, M(2, 2025))
    assert ("funeral", "02/2025", 10_000_000) in lines(engine, M(2, 2025), elder)
    with write_session(engine) as session:
        set_standard(session, SYSTEM, StandardKind.STANDARD, M(1, 2025), 600_000)
    build_and_lock(engine, M(3, 2025))
    assert lines(engine, M(3, 2025), elder) == [
        ("arrears", "01/2025", 150_000),
        ("arrears", "02/2025", 150_000),
        ("funeral", "02/2025", 2_000_000),
    ]
    build(engine, M(4, 2025))
    assert lines(engine, M(4, 2025), elder) == []


def test_the_cash_list_names_the_recorded_funeral_support_receiver(engine, wards):
    """Died 10/02/2025, recorded with the receiver Lê Văn Con (con trai): the 02/2025 cash list pays
    750,000 đ + 10,000,000 đ funeral support, to be received by "Lê Văn Con (con trai)"."""
    from data_layer.allowance.entitlement_status import FuneralReceiver
    from data_layer.allowance.payment_lists import cash_rows

    elder = person(engine, wards["A"], "Cụ Mất Có Con", year=1950)
    eid = entitle(engine, elder, ("5.5a",), M(2, 2025))
    with write_session(engine) as session:
        receiver = FuneralReceiver("Lê Văn Con", "con trai", "001080001234")
        stop(session, SYSTEM, eid, on=date(2025, 2, 10), reason=StopReason.DIED, receiver=receiver)
    build(engine, M(2, 2025))
    with write_session(engine) as session:
        (row,) = cash_rows(session, SYSTEM, M(2, 2025), wards["A"])
    assert (row.amount, row.funeral, row.proxy_name) == (750_000, 10_000_000, "Lê Văn Con (con trai)")
