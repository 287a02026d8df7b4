"""Locks that hold for every writer (issue 22 §1, issue 21 §3), on SQLite and PostgreSQL: raw SQL
through a connection of its own (SQLite: the plain ``sqlite3`` module, not the app's engine) tries
REPLACE, TRUNCATE, UPDATE and DELETE on every locked table, and the figures the CLI prints stay the
same while ``ansinh db tallies`` still finds the running totals right."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import select

from data_layer.campaigns import approval
from data_layer.campaigns.allocation import apply_allocations
from data_layer.campaigns.calendar import add_milestone
from data_layer.campaigns.lumps import add_lump
from data_layer.campaigns.rules import Rule
from data_layer.campaigns.setup import add_package, create_campaign
from data_layer.campaigns.sign_off import sign_off
from data_layer.cli import main
from data_layer.core import locks
from data_layer.core.access import Scope
from data_layer.core.db import read_session, write_session
from data_layer.core.errors import Invalid, Locked
from data_layer.core.models import Allocation, Beneficiary, Payroll, PayrollLine
from data_layer.registry.editing import delete_person, update_person
from data_layer.reports.summary import campaign_summary
from tests.conftest import source_id
from tests.data_layer.allowance_helpers import M, build_and_lock, entitle
from tests.data_layer.allowance_helpers import person as allowance_person
from tests.data_layer.campaigns.test_allocation import person

SYSTEM = Scope.system()
NOW = "'2026-02-01 00:00:00'"


@dataclass
class Locked_:
    """Ids of what the database must keep: ward A approved in Tết 2026, its report signed, 01/2025 locked."""

    campaign: int
    package: int
    ward_a: int
    ward_b: int
    elder_a: int  # 80 in 2026: a "Tuổi 80" longevity gift
    gift_a: int
    gift_b: int  # ward B: not approved
    lump_a: int
    report: int
    payroll: int
    line: int
    child: int  # paid in the locked month


@pytest.fixture
def kept(engine, wards) -> Locked_:
    return lock_everything(engine, wards)


def lock_everything(engine, wards) -> Locked_:
    """Tết 2026 approved (then unlocked, approved again) and signed in ward A, 01/2025 locked."""
    a, b = wards["A"], wards["B"]
    with write_session(engine) as session:
        tw = source_id(session, "TW")
        cid = create_campaign(session, SYSTEM, name="Tết 2026", year=2026).id
        package = add_package(
            session,
            SYSTEM,
            campaign_id=cid,
            source_id=tw,
            label="Mừng thọ",
            amount=500_000,
            rule=Rule(ages=[80]),
        ).id
        elder = person(session, a, "Cụ Lục", 1946)
        person(session, b, "Cụ Thất", 1946)
        apply_allocations(session, SYSTEM, cid)
        lump = add_lump(session, SYSTEM, campaign_id=cid, ward_id=a, source_id=tw, count=3, amount=900_000).id
        approval.approve_ward(session, SYSTEM, cid, a)
        approval.unlock_ward(session, SYSTEM, cid, a, "Sửa một dòng")
        approval.approve_ward(session, SYSTEM, cid, a)
        quick = add_milestone(
            session, SYSTEM, campaign_id=cid, name="Báo cáo nhanh", due_date=date(2026, 2, 10)
        )
        report = sign_off(session, SYSTEM, cid, a, milestone_id=quick.id).id
        gifts = dict(session.execute(select(Allocation.ward_id, Allocation.id)).tuples().all())
    child = allowance_person(engine, a, "Bé Năm", born=date(2020, 8, 15))
    entitle(engine, child, ("5.1",), M(1, 2025))
    build_and_lock(engine, M(1, 2025))
    with read_session(engine) as session:
        payroll = session.execute(select(Payroll.id)).scalar_one()
        line = session.execute(select(PayrollLine.id)).scalar_one()
    return Locked_(cid, package, a, b, elder, gifts[a], gifts[b], lump, report, payroll, line, child)


def _url(engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def _cli_json(capsys, engine, *argv) -> dict:
    assert main([*argv, "--db", _url(engine), "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def _figures(capsys, engine) -> tuple[dict, dict]:
    return (
        _cli_json(capsys, engine, "report", "summary", "--campaign", "Tết 2026"),
        _cli_json(capsys, engine, "payroll", "build", "--month", "01/2025"),
    )


def _attacks(k: Locked_, dialect: str) -> list[str]:
    """Raw statements that would change what is locked, each of which the database must refuse."""
    gift = "(id, campaign_id, package_id, beneficiary_id, ward_id, amount, status, version, created_at,"
    gift += " updated_at)"
    line = (
        "(id, payroll_id, beneficiary_id, entitlement_id, ward_id, for_month, kind, amount, payment_method)"
        f" SELECT {{id}}, {k.payroll}, beneficiary_id, entitlement_id, ward_id, for_month, kind, 1,"
        " payment_method"
        f" FROM payrollline WHERE id = {k.line}"
    )
    common = [
        f"UPDATE allocation SET amount = 1 WHERE id = {k.gift_a}",
        f"DELETE FROM allocation WHERE id = {k.gift_a}",
        f"UPDATE allocation SET ward_id = {k.ward_b} WHERE id = {k.gift_a}",
        f"UPDATE lumpgift SET count = 1 WHERE id = {k.lump_a}",
        f"DELETE FROM lumpgift WHERE id = {k.lump_a}",
        f"UPDATE wardreport SET figures = '{{}}' WHERE id = {k.report}",
        f"DELETE FROM wardreport WHERE id = {k.report}",
        "UPDATE approvalevent SET action = 'unlock' WHERE seq = 3",
        "DELETE FROM approvalevent WHERE seq = 3",
        f"INSERT INTO approvalevent (campaign_id, ward_id, seq, action, at) VALUES ({k.campaign}, {k.ward_a},"
        f" 9, 'unlock', {NOW})",  # out of turn: an unlock that skips the history
        f"INSERT INTO approvalevent (campaign_id, ward_id, seq, action, at) VALUES ({k.campaign}, {k.ward_a},"
        f" 4, 'approve', {NOW})",  # approving what is approved
        f"UPDATE payroll SET status = 'open' WHERE id = {k.payroll}",  # reopening
        f"DELETE FROM payroll WHERE id = {k.payroll}",
        f"UPDATE payrollline SET amount = 1 WHERE id = {k.line}",
        f"DELETE FROM payrollline WHERE id = {k.line}",
        "INSERT INTO payrollline " + line.format(id=k.line + 1000),  # a line added to a locked month
    ]
    if dialect == "sqlite":  # a replaced row is a deleted row
        return common + [
            f"INSERT OR REPLACE INTO allocation {gift} SELECT id, campaign_id, package_id, beneficiary_id,"
            f" {k.ward_b}, amount, status, version, created_at, updated_at FROM allocation"
            f" WHERE id = {k.gift_a}",
            f"INSERT OR REPLACE INTO allocation {gift} SELECT id + 1000, campaign_id, package_id,"
            f" beneficiary_id, {k.ward_b}, 1, status, version, created_at, updated_at FROM allocation"
            f" WHERE id = {k.gift_a}",  # the same package and person under a new id
            f"UPDATE OR REPLACE allocation SET id = {k.gift_a} WHERE id = {k.gift_b}",
            "INSERT OR REPLACE INTO lumpgift (id, campaign_id, ward_id, source_id, count, amount, created_at)"
            f" SELECT id, campaign_id, {k.ward_b}, source_id, 1, 1, created_at FROM lumpgift"
            f" WHERE id = {k.lump_a}",
            f"INSERT OR REPLACE INTO wardreport (id, campaign_id, ward_id, figures, signed_at)"
            f" SELECT id, campaign_id, ward_id, '{{}}', signed_at FROM wardreport WHERE id = {k.report}",
            "INSERT OR REPLACE INTO approvalevent (id, campaign_id, ward_id, seq, action, at)"
            " SELECT id, campaign_id, ward_id, seq, 'unlock', at FROM approvalevent WHERE seq = 3",
            f"INSERT OR REPLACE INTO payroll (id, month, status, built_at) VALUES ({k.payroll}, '2025-01-01',"
            f" 'open', {NOW})",
            f"INSERT OR REPLACE INTO payroll (month, status, built_at) VALUES ('2025-01-01', 'open', {NOW})",
            "INSERT OR REPLACE INTO payrollline " + line.format(id=k.line),
            "REPLACE INTO payrollline " + line.format(id=k.line),
        ]
    return common + [
        *(f'TRUNCATE "{t}" CASCADE' for t in sorted(locks.locked_table_names())),
        "TRUNCATE campaign CASCADE",
        f"INSERT INTO allocation {gift} SELECT id, campaign_id, package_id, beneficiary_id, ward_id, amount,"
        f" status, version, created_at, updated_at FROM allocation WHERE id = {k.gift_a}"
        f" ON CONFLICT (id) DO UPDATE SET ward_id = {k.ward_b}",
    ]


def _refused_raw(engine, statement: str) -> str:
    """Run ``statement`` on a connection of its own, outside the app's engine; returns the error."""
    if engine.dialect.name == "sqlite":
        connection = sqlite3.connect(engine.url.database)
        try:
            with pytest.raises(sqlite3.DatabaseError) as error:
                connection.execute(statement)
            connection.rollback()
        finally:
            connection.close()
        return str(error.value)
    connection = engine.raw_connection()
    try:
        with pytest.raises(Exception) as error:  # noqa: PT011 - psycopg's error of the trigger, checked below
            connection.cursor().execute(statement)
        connection.rollback()
    finally:
        connection.close()
    return str(error.value)


def test_raw_sql_changes_nothing_locked(capsys, engine, kept):
    before = _figures(capsys, engine)
    assert before[0]["total_count"] == 5 and before[1]["status"] == "locked"
    for statement in _attacks(kept, engine.dialect.name):
        error = _refused_raw(engine, statement)
        assert locks.message_of(error), f"{statement}\n→ {error}"
    assert _figures(capsys, engine) == before
    assert main(["db", "tallies", "--db", _url(engine)]) == 0


def test_refusals_through_the_app_say_why(engine, kept):
    from sqlalchemy import text

    cases = {
        f"UPDATE payrollline SET amount = 1 WHERE id = {kept.line}": "chi trả.*đã khóa",
        f"UPDATE payroll SET status = 'open' WHERE id = {kept.payroll}": "mở lại",
        "DELETE FROM approvalevent": "Lịch sử duyệt",
        f"DELETE FROM allocation WHERE id = {kept.gift_a}": "đã được duyệt",
    }
    for statement, message in cases.items():
        with pytest.raises(Locked, match=message), write_session(engine) as session:
            session.execute(text(statement))


def test_an_approved_wards_summary_keeps_the_milestone_the_gift_was_given_for(engine, kept):
    """Cụ Lục, born 1946, got the "Tuổi 80" gift of Tết 2026; a birth year corrected to 1990 after the
    approval (a change of the person, which stays allowed) moves no line of the ward's summary."""
    with read_session(engine) as session:
        before = campaign_summary(session, SYSTEM, kept.campaign, ward_id=kept.ward_a)
        version = session.get(Beneficiary, kept.elder_a).version
    assert [(x["label"], x["count"]) for x in before["longevity"]] == [("Tuổi 80", 1)]
    with write_session(engine) as session:
        update_person(session, SYSTEM, kept.elder_a, version, {"birth_year": 1990}, set())
    with read_session(engine) as session:
        assert campaign_summary(session, SYSTEM, kept.campaign, ward_id=kept.ward_a) == before


def test_deleting_a_person_on_a_payroll_names_the_reason(engine, kept):
    """It used to say "Dữ liệu vừa ghi mâu thuẫn… có thể người khác vừa ghi cùng lúc" (the lines'
    foreign key)."""
    with pytest.raises(Invalid, match="Bé Năm đã có trong danh sách chi trả: không xóa được, hãy dừng hưởng"):
        with write_session(engine) as session:
            delete_person(session, SYSTEM, kept.child)
