"""Forms 10a, 10c and 10d count people by the allowance group valid in the report's months
(issue 21 §4; ``allowance.valid_groups``), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

from data_layer.allowance.dated_changes import change_entitlement
from data_layer.allowance.forms import form_10a
from data_layer.allowance.valid_groups import valid_groups
from data_layer.core.db import write_session
from tests.data_layer.allowance_helpers import SYSTEM, M, build_and_lock, entitle, person


def rows_of(engine, first, last, ward_id=None) -> dict[str, tuple]:
    with write_session(engine) as session:
        listed = form_10a(session, SYSTEM, first, last, ward_id)
    return {r.label.strip(): (r.people, r.cost) for r in listed}


ELDERLY_POOR = "– Thuộc hộ nghèo, không có người có nghĩa vụ phụng dưỡng"
SEVERE_60 = "+ Từ 60 tuổi trở lên"  # the first such row is under "– Đặc biệt nặng"


def test_form_10a_counts_a_person_by_the_group_valid_in_the_period_not_by_an_old_payroll_line(engine, wards):
    """Cụ Năm (born 1955: 70 in 2025), 5.5a from 01/2025 = 1.5 × 500,000 = 750,000 đ a month;
    01–03/2025 paid and locked. A disability certificate of 03/2025 is recorded afterwards: 5.6a from
    03/2025 (2.5 × 500,000 = 1,250,000 đ for the elderly; its 500,000 đ arrears go into 04/2025).

    Form 10a for 01–03/2025: the group valid in 03/2025 is 5.6a → the row "especially severe, 60 and
    over", cost 3 × 750,000 = 2,250,000 đ (what the payrolls paid); the elderly row is empty. The March
    payroll line still says 5.5a, which is what the form used to count. For 01–02/2025 the group
    valid in 02/2025 is the earlier term's 5.5a."""
    pid = person(engine, wards["A"], "Cụ Năm", year=1955, gender="F")
    eid = entitle(engine, pid, ("5.5a",), M(1, 2025))
    build_and_lock(engine, M(1, 2025), M(2, 2025), M(3, 2025))
    assert rows_of(engine, M(1, 2025), M(3, 2025))[ELDERLY_POOR] == (1, 2_250_000)
    with write_session(engine) as session:
        change_entitlement(session, SYSTEM, eid, applies_from=M(3, 2025), group_codes_text="5.6a")

    after = rows_of(engine, M(1, 2025), M(3, 2025))
    assert after[ELDERLY_POOR] == (0, 0)
    assert after["– Đặc biệt nặng"] == (1, 2_250_000)
    assert after["Người khuyết tật"] == (1, 2_250_000)
    with write_session(engine) as session:
        listed = form_10a(session, SYSTEM, M(1, 2025), M(3, 2025))
    severe = [r.label for r in listed].index("– Đặc biệt nặng")
    assert (listed[severe + 3].label.strip(), listed[severe + 3].people) == (SEVERE_60, 1)

    before = rows_of(engine, M(1, 2025), M(2, 2025))
    assert before[ELDERLY_POOR] == (1, 1_500_000) and before["Người khuyết tật"] == (0, 0)
    with write_session(engine) as session:
        found = valid_groups(session, SYSTEM, M(1, 2025), M(2, 2025))
    assert (found[pid].code, found[pid].month) == ("5.5a", M(2, 2025))


def test_valid_groups_take_the_last_month_entitled_in_each_ward_after_a_move(engine, wards):
    """Bà Sáu, 5.5a in A from 01/2025, stopped 15/03/2025 (moved to B); granted in B from 04/2025 as
    5.6b. For 01–06/2025 ward A counts her by 5.5a in 03/2025 (the month of A's stop), ward B by 5.6b
    in 06/2025; a period before the grant in B finds nothing in B."""
    from data_layer.allowance.entitlement_status import stop
    from data_layer.core.codes import StopReason

    cccd = "020150000006"
    in_a = person(engine, wards["A"], "Bà Sáu", year=1950, gender="F", national_id=cccd)
    first = entitle(engine, in_a, ("5.5a",), M(1, 2025))
    with write_session(engine) as session:
        stop(session, SYSTEM, first, on=date(2025, 3, 15), reason=StopReason.MOVED)
    in_b = person(engine, wards["B"], "Bà Sáu", year=1950, gender="F", national_id=cccd)
    entitle(engine, in_b, ("5.6b",), M(4, 2025))
    with write_session(engine) as session:
        ward_a = valid_groups(session, SYSTEM, M(1, 2025), M(6, 2025), wards["A"])
        ward_b = valid_groups(session, SYSTEM, M(1, 2025), M(6, 2025), wards["B"])
        early_b = valid_groups(session, SYSTEM, M(1, 2025), M(3, 2025), wards["B"])
    assert (ward_a[in_a].code, ward_a[in_a].month) == ("5.5a", M(3, 2025)) and in_b not in ward_a
    assert (ward_b[in_b].code, ward_b[in_b].month) == ("5.6b", M(6, 2025)) and early_b == {}
