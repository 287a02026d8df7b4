"""Issue 21 §4: a person's history on SQLite and PostgreSQL — every change of their entitlement with
the month it applies from and who made it, and the money of each payroll month (paid, unpaid,
arrears, recoveries)."""

import pytest

from data_layer.allowance.agent_return import record_unpaid
from data_layer.allowance.dated_changes import change_entitlement
from data_layer.allowance.entitlement_status import resume, stop, suspend
from data_layer.allowance.person_history import SYSTEM_USER, MonthMoney, person_history
from data_layer.core.access import Scope
from data_layer.core.codes import StopReason
from data_layer.core.db import write_session
from data_layer.core.errors import NotFound
from data_layer.core.models import User
from tests.data_layer.allowance_helpers import SYSTEM, M, build, build_and_lock, entitle, person


def officer(engine, ward_id: int, name: str, role: str = "ward") -> Scope:
    with write_session(engine) as session:
        user = User(
            username=name.split()[-1].lower(), name=name, password_hash="x", role=role, ward_id=ward_id
        )
        session.add(user)
        session.flush()
        return Scope.for_user(user)


def history(engine, scope: Scope, person_id: int):
    with write_session(engine) as session:
        return person_history(session, scope, person_id)


def test_a_persons_changes_by_month_who_made_them_and_the_money_of_each_month(engine, wards):
    """Ba (born 1950: 75 in 2025), 5.5a 60–80: 1.5 × 500,000 = 750,000 đ a month, granted from 01/2025
    by the ward officer Nguyễn Thị Lan. 01/2025 locked; the agent's return: not collected (unpaid
    750,000). 02/2025 locked: 750,000 + 750,000 arrears for 01/2025 (carried), collected (paid
    1,500,000). Lan then adds 5.6a (60+: 2.5) from 02/2025: rule 3, the larger coefficient, 2.5 ×
    500,000 = 1,250,000 đ. 03/2025 (open): 1,250,000 + arrears 500,000 for 02/2025. Lan suspends
    from 04/2025 and resumes from 05/2025 with back pay."""
    lan = officer(engine, wards["A"], "Nguyễn Thị Lan")
    ba = person(engine, wards["A"], "Ba", year=1950)
    eid = entitle(engine, ba, ("5.5a",), M(1, 2025), scope=lan)
    build_and_lock(engine, M(1, 2025))
    with write_session(engine) as session:
        record_unpaid(session, SYSTEM, M(1, 2025), wards["A"], {ba})
    build_and_lock(engine, M(2, 2025))
    with write_session(engine) as session:
        record_unpaid(session, SYSTEM, M(2, 2025), wards["A"], set())
        change_entitlement(session, lan, eid, applies_from=M(2, 2025), group_codes_text="5.5a;5.6a")
    build(engine, M(3, 2025))
    with write_session(engine) as session:
        suspend(session, lan, eid, from_month=M(4, 2025), reason="Không nhận 3 tháng")
        resume(session, lan, eid, month=M(5, 2025), back_pay=True)

    found = history(engine, SYSTEM, ba)
    assert found.name == "Ba"
    assert [(c.month, c.what, c.who) for c in found.changes] == [
        (M(1, 2025), "Hưởng mới: Ba: 5.5a từ 01/2025", "Nguyễn Thị Lan"),
        (M(2, 2025), "Diện hưởng: 5.5a → 5.5a; 5.6a", "Nguyễn Thị Lan"),
        (M(4, 2025), "Tạm dừng hưởng (Không nhận 3 tháng)", "Nguyễn Thị Lan"),
        (M(5, 2025), "Hưởng lại: truy lĩnh các tháng tạm dừng", "Nguyễn Thị Lan"),
    ]
    assert found.months == [
        MonthMoney(M(1, 2025), True, 750_000, 0, 0, 0, False),
        MonthMoney(M(2, 2025), True, 750_000, 750_000, 0, 0, True),
        MonthMoney(M(3, 2025), False, 1_250_000, 500_000, 0, 0, None),
    ]
    assert [(m.paid, m.unpaid, m.result) for m in found.months] == [
        (0, 750_000, "Chưa nhận (chuyển kỳ sau)"),
        (1_500_000, 0, "Đã nhận"),
        (0, 0, "Danh sách đang lập"),
    ]


def test_a_death_recorded_late_shows_the_stop_month_the_recovery_and_the_funeral_support(engine, wards):
    """Bốn (born 1950), 5.5a, 750,000 đ a month from 01/2025; 01 and 02/2025 locked. Their death on
    10/01/2025 is recorded from the command line (no user) before 03/2025 is built: January is still
    paid, so the change applies from 02/2025; 03/2025 reports a recovery of 750,000 for 02/2025 and
    pays funeral support 20 × 500,000 = 10,000,000 đ. No agent's return was recorded for 01–02."""
    bon = person(engine, wards["A"], "Bốn", year=1950)
    eid = entitle(engine, bon, ("5.5a",), M(1, 2025))
    build_and_lock(engine, M(1, 2025), M(2, 2025))
    with write_session(engine) as session:
        stop(session, SYSTEM, eid, on=M(1, 2025).replace(day=10), reason=StopReason.DIED)
    build(engine, M(3, 2025))

    found = history(engine, SYSTEM, bon)
    assert [(c.month, c.what, c.who) for c in found.changes] == [
        (M(1, 2025), "Hưởng mới: Bốn: 5.5a từ 01/2025", SYSTEM_USER),
        (M(2, 2025), "Dừng hưởng: Đã mất (ngày 10/01/2025, chi trả đến hết tháng 01/2025)", SYSTEM_USER),
    ]
    assert found.months == [
        MonthMoney(M(1, 2025), True, 750_000, 0, 0, 0, None),
        MonthMoney(M(2, 2025), True, 750_000, 0, 0, 0, None),
        MonthMoney(M(3, 2025), False, 0, 0, 750_000, 10_000_000, None),
    ]
    assert [m.result for m in found.months] == [
        "Chưa có kết quả chi trả",
        "Chưa có kết quả chi trả",
        "Danh sách đang lập",
    ]


def test_history_is_read_in_the_users_wards_only(engine, wards):
    """A viewer of ward A reads Năm's history; staff of ward B are told the person is not theirs."""
    nam = person(engine, wards["A"], "Năm", year=1950)
    entitle(engine, nam, ("5.5a",), M(1, 2025))
    viewer = officer(engine, wards["A"], "Trần Văn Xem", role="viewer")
    assert [c.month for c in history(engine, viewer, nam).changes] == [M(1, 2025)]
    other = officer(engine, wards["B"], "Lê Thị Bình")
    with pytest.raises(NotFound, match="phường/xã khác"):
        history(engine, other, nam)
