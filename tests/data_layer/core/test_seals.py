"""Tamper evidence on SQLite and PostgreSQL (issue 22 §2): ``ansinh db verify`` recomputes the seal
chain and names the first link that does not match, also when the change was made with the lock
triggers out of the way (what a database owner or superuser can do); the app's PostgreSQL role can
do neither."""

from __future__ import annotations

import json
import sqlite3
import uuid

import pytest
from sqlalchemy import create_engine, text

from data_layer.admin.app_role import grant_statements
from data_layer.allowance.payroll import build_payroll
from data_layer.cli import main
from data_layer.core import tallies
from data_layer.core.db import read_session, write_session
from data_layer.core.seals import last_check
from tests.data_layer.allowance_helpers import SYSTEM, M
from tests.data_layer.core.test_locks_every_writer import Locked_, lock_everything

LINKS = 5  # three approval events, one signed report, one locked month


@pytest.fixture
def kept(engine, wards) -> Locked_:
    return lock_everything(engine, wards)


def _verify(capsys, engine) -> tuple[int, dict]:
    code = main(["db", "verify", "--db", engine.url.render_as_string(hide_password=False), "--json"])
    return code, json.loads(capsys.readouterr().out)


def _behind_the_triggers(engine, table: str, statement: str) -> None:
    """Run ``statement`` with ``table``'s triggers out of the way, as its owner could."""
    if engine.dialect.name == "sqlite":
        connection = sqlite3.connect(engine.url.database)
        names = [
            r[0]
            for r in connection.execute(
                f"SELECT name FROM sqlite_master WHERE tbl_name = '{table}' AND type = 'trigger'"
            )
        ]
        for name in names:
            connection.execute(f"DROP TRIGGER {name}")
        connection.execute(statement)
        connection.commit()
        connection.close()
        return
    with engine.begin() as connection:
        connection.execute(text(f'ALTER TABLE "{table}" DISABLE TRIGGER ALL'))
        connection.execute(text(statement))
        connection.execute(text(f'ALTER TABLE "{table}" ENABLE TRIGGER ALL'))


def test_verify_names_a_locked_line_altered_with_the_triggers_disabled(capsys, engine, kept: Locked_):
    assert _verify(capsys, engine) == (
        0,
        {"ok": True, "links": LINKS, "problem": None, "link": None, "kind": None, "ref_id": None},
    )
    _behind_the_triggers(engine, "payrollline", f"UPDATE payrollline SET amount = 1 WHERE id = {kept.line}")
    code, found = _verify(capsys, engine)
    assert code == 1 and (found["kind"], found["ref_id"]) == ("payroll", kept.payroll)
    assert "danh sách chi trả" in found["problem"] and "đã bị sửa sau khi niêm phong" in found["problem"]
    with read_session(engine) as session:
        check = last_check(session)
    assert (check.ok, check.links, check.problem) == (False, LINKS, found["problem"])
    with engine.begin() as connection:  # what locked payrolls paid no longer adds up either
        assert tallies.check(connection) == ["paidtally"]
        tallies.rebuild(connection)


def test_verify_names_an_approval_edited_or_added_behind_the_audit_trail(capsys, engine, kept: Locked_):
    _behind_the_triggers(engine, "approvalevent", "UPDATE approvalevent SET reason = 'khác' WHERE seq = 2")
    code, found = _verify(capsys, engine)
    assert code == 1 and found["kind"] == "approval" and "Mắt xích" in found["problem"]


def test_an_event_written_outside_the_app_has_no_link(capsys, engine, kept: Locked_):
    with engine.begin() as connection:  # in turn, so the triggers let it through; but unsealed
        connection.execute(
            text(
                "INSERT INTO approvalevent (campaign_id, ward_id, seq, action, at)"
                f" VALUES ({kept.campaign}, {kept.ward_a}, 4, 'unlock', CURRENT_TIMESTAMP)"
            )
        )
    code, found = _verify(capsys, engine)
    assert code == 1 and "không có trong chuỗi niêm phong" in found["problem"] and found["link"] is None


def test_a_removed_link_breaks_the_chain_after_it(capsys, engine, kept: Locked_):
    _behind_the_triggers(engine, "seal", "DELETE FROM seal WHERE id = 2")
    code, found = _verify(capsys, engine)
    assert code == 1 and found["link"] == 3 and "chuỗi niêm phong bị sửa" in found["problem"]


@pytest.mark.parametrize("migrated_engine", ["postgresql"], indirect=True)  # roles are PostgreSQL's
def test_the_app_role_writes_but_cannot_truncate_alter_or_disable_triggers(capsys, engine, kept: Locked_):
    role = f"ansinh_app_{uuid.uuid4().hex[:8]}"
    url = engine.url.render_as_string(hide_password=False)
    assert main(["db", "init", "--db", url, "--app-role", role]) == 0
    sql = capsys.readouterr().out  # only SQL (the status sentences go to stderr): piped into psql
    printed = [line for line in sql.splitlines() if not line.startswith("--")]
    assert printed == grant_statements(role, engine.url.database)
    with engine.begin() as owner:
        owner.execute(text(f"CREATE ROLE {role} LOGIN"))
        for statement in printed:
            owner.execute(text(statement))
    app = create_engine(engine.url.set(username=role))
    try:
        with write_session(app) as session:  # the app's writes: a month built, a report read
            build_payroll(session, SYSTEM, M(2, 2025))
        for statement in (
            "TRUNCATE payrollline",
            "ALTER TABLE payrollline DISABLE TRIGGER ALL",
            "DROP TRIGGER lock_payrollline_update_rows ON payrollline",
            "UPDATE wardreport SET figures = '{}'",
            "UPDATE reliefsignoff SET figures = '{}'",  # a relief round's signed report, its approvals too
            "DELETE FROM reliefapproval",
            "CREATE TABLE extra (id int)",
        ):
            with pytest.raises(Exception, match="permission denied|must be owner"), app.begin() as connection:  # noqa: PT011
                connection.execute(text(statement))
    finally:
        app.dispose()
        with engine.begin() as owner:
            owner.execute(text(f"DROP OWNED BY {role}"))
            owner.execute(text(f"DROP ROLE {role}"))
    assert _verify(capsys, engine)[0] == 0
