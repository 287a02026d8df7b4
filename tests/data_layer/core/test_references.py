"""A payroll line's references (its payroll, its group, its entitlement with the entitlement's person
and ward) hold for raw SQL on both databases: SQLite checks them as foreign keys, PostgreSQL with the
statement triggers of ``core.references``. Nothing refers to a row that is gone, whoever writes first."""

from __future__ import annotations

import threading
from dataclasses import dataclass

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlmodel import SQLModel

from tests.data_layer.allowance_helpers import M, build, entitle, groups, person

REFUSED = "foreign key constraint|FOREIGN KEY constraint failed"
LINE = (
    "INSERT INTO payrollline (payroll_id, beneficiary_id, entitlement_id, ward_id, for_month, kind, amount,"
    " group_id, payment_method) SELECT {payroll}, {person}, {entitlement}, {ward}, for_month, 'arrears', 1,"
    " {group}, payment_method FROM payrollline WHERE id = :line"
)


@dataclass
class Paid:
    line: int  # the paid person's line in the open month
    payroll: int
    paid: int  # the entitlement the line refers to
    unpaid: int  # an entitlement no line refers to (granted after the build)
    unpaid_person: int
    other_ward: int


@pytest.fixture
def paid(engine, wards) -> Paid:
    elder = person(engine, wards["A"], "Cụ Có Dòng", year=1940)
    paid_id = entitle(engine, elder, ("5.5a",), M(1, 2026))
    build(engine, M(1, 2026))
    later = person(engine, wards["A"], "Cụ Chưa Có Dòng", year=1941)
    unpaid = entitle(engine, later, ("5.5a",), M(1, 2026))
    with engine.connect() as conn:
        line, payroll = conn.execute(text("SELECT id, payroll_id FROM payrollline")).one()
    return Paid(line, payroll, paid_id, unpaid, later, wards["B"])


def _line(p: Paid, **change) -> str:
    values = {
        "payroll": p.payroll,
        "person": "beneficiary_id",
        "entitlement": "entitlement_id",
        "ward": "ward_id",
        "group": "NULL",
    }
    return LINE.format(**(values | change))


def _refused(engine: Engine, statements: str, p: Paid, match: str = REFUSED) -> None:
    """The statements (separated by ";"), run in one transaction, are refused as ``match`` says."""
    with pytest.raises(IntegrityError, match=match), engine.begin() as conn:
        for statement in statements.split(";"):
            conn.execute(text(statement), {"line": p.line})


def test_a_line_refers_to_a_payroll_a_group_and_its_own_entitlement(engine, paid):
    (group,) = groups(engine, "5.5a")
    for change in (
        {"payroll": paid.payroll + 100},
        {"group": group + 1000},
        {"entitlement": paid.unpaid},  # another person's entitlement
        {"ward": paid.other_ward},  # paid by a ward not the entitlement's
        {"person": paid.unpaid_person},
    ):
        _refused(engine, _line(paid, **change), paid)
    with engine.begin() as conn:  # NULL refers to nothing; the line's own references are right
        conn.execute(text(_line(paid)), {"line": paid.line})
        conn.execute(text(_line(paid, group=group)), {"line": paid.line})
        assert conn.execute(text("SELECT count(*) FROM payrollline")).scalar_one() == 3
    _refused(engine, f"UPDATE payrollline SET entitlement_id = {paid.unpaid} WHERE id = {paid.line}", paid)


def test_what_a_line_refers_to_is_neither_deleted_nor_given_another_key(engine, paid):
    for statement in (
        f"DELETE FROM entitlementgroup WHERE entitlement_id = {paid.paid}; DELETE FROM entitlement"
        f" WHERE id = {paid.paid}",
        f"UPDATE entitlement SET ward_id = {paid.other_ward} WHERE id = {paid.paid}",
        "INSERT INTO allowancegroup (id, code, name, kind, adds_to_children, active) VALUES (9999,"
        " 'X.9', 'Diện thử', 'coefficient', false, true);"
        f" UPDATE payrollline SET group_id = 9999 WHERE id = {paid.line};"
        " DELETE FROM allowancegroup WHERE id = 9999",  # a group only the line refers to
        f"DELETE FROM payroll WHERE id = {paid.payroll}",
    ):
        _refused(engine, statement, paid)
    with engine.begin() as conn:  # what no line refers to goes; other columns change freely
        conn.execute(text(f"UPDATE entitlement SET decision_no = '9/QĐ' WHERE id = {paid.paid}"))
        conn.execute(text(f"DELETE FROM entitlementgroup WHERE entitlement_id = {paid.unpaid}"))
        conn.execute(text(f"DELETE FROM entitlement WHERE id = {paid.unpaid}"))


def _waiting_for_a_lock(engine: Engine) -> bool:
    """PostgreSQL: another session of this database waits for a lock."""
    with engine.connect() as conn:
        return bool(
            conn.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                    " AND wait_event_type = 'Lock'"
                )
            ).scalar_one()
        )


@pytest.mark.parametrize("first", ["line", "deletion"])
def test_a_line_and_the_deletion_of_its_entitlement_never_both_commit(engine, paid, first):
    """Two writers at once: one adds a line for the unpaid entitlement, the other deletes it. Whichever
    writes first, the second waits for its commit and is refused."""
    statements = {
        "line": [_line(paid, entitlement=paid.unpaid, person=paid.unpaid_person)],
        "deletion": [
            f"DELETE FROM entitlementgroup WHERE entitlement_id = {paid.unpaid}",
            f"DELETE FROM entitlement WHERE id = {paid.unpaid}",
        ],
    }
    second = "deletion" if first == "line" else "line"
    errors: list[BaseException] = []

    def write_second() -> None:
        try:
            with engine.begin() as conn:
                for statement in statements[second]:
                    conn.execute(text(statement), {"line": paid.line})
        except DBAPIError as error:
            errors.append(error)

    with engine.connect() as conn:
        transaction = conn.begin()
        for statement in statements[first]:
            conn.execute(text(statement), {"line": paid.line})
        thread = threading.Thread(target=write_second)
        thread.start()
        if engine.dialect.name == "postgresql":  # SQLite's second writer waits for the file lock
            while not _waiting_for_a_lock(engine):
                thread.join(0.01)
        transaction.commit()
    thread.join()
    assert len(errors) == 1 and isinstance(errors[0], IntegrityError), errors
    with engine.connect() as conn:
        orphans = conn.execute(
            text(
                "SELECT count(*) FROM payrollline l WHERE NOT EXISTS (SELECT 1 FROM entitlement e"
                " WHERE e.id = l.entitlement_id)"
            )
        ).scalar_one()
    assert orphans == 0


def _referring_closure(table: str, leave_out: str) -> list[str]:
    """``table`` and every table that refers to it by a foreign key of the models, directly or through
    another, but ``leave_out``."""
    found, todo = [table], [table]
    while todo:
        referred = todo.pop()
        for other in SQLModel.metadata.sorted_tables:
            refers = any(fk.column.table.name == referred for fk in other.foreign_keys)
            if refers and other.name not in found and other.name != leave_out:
                found.append(other.name)
                todo.append(other.name)
    return found


def test_emptying_what_lines_refer_to_is_refused(engine, paid):
    """TRUNCATE of the entitlements with every table that refers to them, but the lines: PostgreSQL's
    statement trigger refuses it (SQLite has no TRUNCATE; its DELETE is refused by the foreign key)."""
    tables = _referring_closure("entitlement", leave_out="payrollline")
    if engine.dialect.name == "postgresql":
        statement = "TRUNCATE " + ", ".join(f'"{t}"' for t in tables)
        match = 'cannot truncate table "entitlement": table "payrollline" refers to it'
    else:
        statement = "DELETE FROM entitlementgroup; DELETE FROM entitlement"
        match = REFUSED
    _refused(engine, statement, paid, match)
