"""Entitlements: checks with Vietnamese messages, ward scope, optimistic locking, audit, status changes,
and the reference data (dated standards, coefficient versions, seeding)."""

from datetime import date

import pytest
from sqlalchemy import func, select

from data_layer.admin.seeding import seed_reference_data
from data_layer.allowance.entitlement_rows import EntitlementFilters, entitlement_rows
from data_layer.allowance.entitlement_status import resume, stop, suspend
from data_layer.allowance.entitlements import EntitlementInput, grant_refusal, update_entitlement
from data_layer.allowance.reference import (
    describe_band,
    list_groups,
    list_standards,
    load_reference,
    set_coefficients,
    set_standard,
)
from data_layer.allowance.rules import Band
from data_layer.core.access import Scope
from data_layer.core.codes import Action, EntitlementStatus, PaymentMethod, StandardKind, StopReason
from data_layer.core.db import write_session
from data_layer.core.errors import Conflict, Forbidden, Invalid, NotFound
from data_layer.core.models import AllowanceStandard, AuditEvent, GroupCoefficient
from data_layer.registry.history import audit_log, shown_value
from tests.data_layer.allowance_helpers import SYSTEM, M, entitle, groups, person


def ward_scope(ward_id: int, role: str = "ward") -> Scope:
    return Scope(user_id=None, username="lan", role=role, ward_ids=frozenset({ward_id}))


def test_entitlement_checks_name_the_field(engine, wards):
    child = person(engine, wards["A"], "Bé Không Ngày Sinh")
    parent = person(engine, wards["A"], "Chị Nuôi Con", year=1990)
    with pytest.raises(Invalid, match="Diện 5.1 tính hệ số theo tuổi: cần ngày sinh"):
        entitle(engine, child, ("5.1",), M(1, 2025))
    with pytest.raises(Invalid, match="Số con: diện 5.4 cần ghi số con"):
        entitle(engine, parent, ("5.4",), M(1, 2025))
    with pytest.raises(Invalid, match="Số tài khoản: nhận qua tài khoản"):
        entitle(engine, parent, ("5.4",), M(1, 2025), children=1, payment_method=PaymentMethod.ACCOUNT)
    with pytest.raises(Invalid, match="Diện hưởng: chọn ít nhất một diện"):
        entitle(engine, parent, (), M(1, 2025))
    first = entitle(engine, parent, ("5.4",), M(1, 2025), children=2)
    with pytest.raises(Conflict, match="đang hưởng từ 01/2025"):
        entitle(engine, parent, ("5.8",), M(3, 2025))
    with write_session(engine) as session:
        stop(session, SYSTEM, first, on=date(2025, 4, 30), reason=StopReason.REFUSED)
    with pytest.raises(Conflict, match="đến 04/2025: tháng bắt đầu hưởng mới phải sau đó"):
        entitle(engine, parent, ("5.4",), M(4, 2025), children=2)
    entitle(engine, parent, ("5.4",), M(5, 2025), children=2)  # after the stop: fine


def test_ward_staff_and_viewers(engine, wards):
    elsewhere = person(engine, wards["B"], "Cụ Phường B", year=1950)
    mine = person(engine, wards["A"], "Cụ Phường A", year=1950)
    with pytest.raises(NotFound, match="phường/xã khác"):
        entitle(engine, elsewhere, ("5.5a",), M(1, 2025), scope=ward_scope(wards["A"]))
    entitlement = entitle(engine, mine, ("5.5a",), M(1, 2025), scope=ward_scope(wards["A"]))
    viewer = Scope(user_id=None, username="xem", role="viewer", ward_ids=None)
    with pytest.raises(Forbidden, match="chỉ xem"), write_session(engine) as session:
        suspend(session, viewer, entitlement, from_month=M(2, 2025), reason="Thử")
    with write_session(engine) as session:
        shown = entitlement_rows(session, ward_scope(wards["B"]), EntitlementFilters(), M(3, 2025))
    assert [r.name for r in shown] == []  # another ward's entitlements are not even read


def test_correction_is_versioned_and_audited(engine, wards):
    parent = person(engine, wards["A"], "Chị Sửa", year=1990)
    entitlement = entitle(engine, parent, ("5.4",), M(1, 2025), children=1)
    change = EntitlementInput(groups=groups(engine, "5.4", "5.6b"), start_month=M(1, 2025), children=2)
    with write_session(engine) as session:
        assert update_entitlement(session, SYSTEM, entitlement, 1, change) == ["children", "groups"]
        assert (
            update_entitlement(session, SYSTEM, entitlement, 2, change) == []
        )  # nothing changed: nothing written
    with pytest.raises(Conflict, match="Người khác vừa sửa"), write_session(engine) as session:
        update_entitlement(session, SYSTEM, entitlement, 1, change)
    with write_session(engine) as session:
        events = {(e.field, e.old, e.new) for e in audit_log(session, SYSTEM, table="entitlement")}
        row = entitlement_rows(session, SYSTEM, EntitlementFilters(), M(1, 2025), person_id=parent)[0]
    assert {("children", "1", "2"), ("groups", "5.4", "5.4; 5.6b")} <= events
    assert (row.groups, row.children, row.amount, row.version) == ("5.4; 5.6b", 2, 1_750_000, 2)


def test_stop_suspend_resume_are_checked_and_audited(engine, wards):
    elder = person(engine, wards["A"], "Cụ Dừng", year=1950)
    entitlement = entitle(engine, elder, ("5.5a",), M(3, 2025))
    with write_session(engine) as session:
        with pytest.raises(Invalid, match="phải từ tháng bắt đầu hưởng"):
            stop(session, SYSTEM, entitlement, on=date(2025, 2, 28), reason=StopReason.INELIGIBLE)
        with pytest.raises(Invalid, match="ở tương lai"):
            stop(session, SYSTEM, entitlement, on=date(2099, 1, 1), reason=StopReason.INELIGIBLE)
        with pytest.raises(Conflict, match="không ở tình trạng tạm dừng"):
            resume(session, SYSTEM, entitlement, month=M(5, 2025), back_pay=True)
        suspend(session, SYSTEM, entitlement, from_month=M(4, 2025), reason="Đi vắng")
        row = entitlement_rows(session, SYSTEM, EntitlementFilters(), M(4, 2025), person_id=elder)[0]
        assert (row.status, row.suspended_from, row.amount) == (EntitlementStatus.SUSPENDED, M(4, 2025), 0)
        stop(session, SYSTEM, entitlement, on=date(2025, 6, 5), reason=StopReason.INELIGIBLE)
        with pytest.raises(Conflict, match="đã dừng hưởng từ 05/06/2025"):
            stop(session, SYSTEM, entitlement, on=date(2025, 6, 5), reason=StopReason.DIED)
        actions = session.execute(
            select(AuditEvent.action, AuditEvent.field, AuditEvent.new).where(
                AuditEvent.table_name == "entitlement"
            )
        ).all()
    assert (Action.SUSPEND, "status", "suspended") in actions
    assert (Action.STOP, "stop_reason", "ineligible") in actions
    assert shown_value("stop_reason", "ineligible") == "Không còn đủ điều kiện"  # the log shows labels


def test_standards_are_dated_and_coefficients_versioned(engine, wards):
    with write_session(engine) as session:
        seeded = {(s.kind, s.from_month, s.amount) for s in list_standards(session)}
        assert (StandardKind.STANDARD, M(7, 2024), 500_000) in seeded
        assert (StandardKind.PENSION, M(7, 2025), 500_000) in seeded
        assert (StandardKind.FUNERAL, M(1, 2014), 20) in seeded
        group = next(g for g in list_groups(session, M(1, 2026)) if g.code == "5.5a")
        assert [describe_band(b) for b in group.bands] == ["1,5 (từ 60 đến dưới 80 tuổi)", "2,0 (từ 80 tuổi)"]
        set_coefficients(session, SYSTEM, group.id, M(1, 2026), [Band(60, None, 18)])
        with pytest.raises(Invalid, match="chồng lên nhau"):
            set_coefficients(session, SYSTEM, group.id, M(1, 2026), [Band(60, 80, 15), Band(70, None, 20)])
        with pytest.raises(Forbidden):
            set_standard(session, ward_scope(wards["A"]), StandardKind.STANDARD, M(1, 2026), 600_000)
        reference = load_reference(session)
        rule = reference.groups[group.id]
        assert (rule.tenths(M(12, 2025), 85), rule.tenths(M(1, 2026), 85)) == (20, 18)
        count = session.execute(select(func.count()).select_from(GroupCoefficient)).scalar_one()
        seed_reference_data(session)  # reseeding changes nothing an admin edited
        assert session.execute(select(func.count()).select_from(GroupCoefficient)).scalar_one() == count
        assert session.execute(select(func.count()).select_from(AllowanceStandard)).scalar_one() == len(
            seeded
        )


def test_no_new_entitlement_for_a_person_who_died(engine, wards):
    elder = person(engine, wards["A"], "Cụ Đã Mất", year=1940)
    entitlement = entitle(engine, elder, ("5.5a",), M(1, 2025))
    with write_session(engine) as session:
        assert grant_refusal(session, SYSTEM, elder) is None
        stop(session, SYSTEM, entitlement, on=date(2025, 3, 4), reason=StopReason.DIED)
        refusal = grant_refusal(session, SYSTEM, elder)
    assert (
        refusal
        == "Sổ đối tượng ghi Cụ Đã Mất: đã mất ngày 04/03/2025. Không thêm chế độ hưởng cho người này."
    )
    with pytest.raises(Invalid) as refused:
        entitle(engine, elder, ("5.5a",), M(5, 2025))
    assert str(refused.value) == refusal
