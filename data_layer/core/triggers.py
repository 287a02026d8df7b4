"""Database triggers as data: their SQLite and PostgreSQL forms, and how to install, list and drop them.

Which triggers exist is declared elsewhere (``tallies``: running totals, ``versioning``: the data
version, ``locks``: approved wards and signed reports, ``references``: foreign keys PostgreSQL checks a
statement at a time); ``schema`` installs them all after every upgrade.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy import Connection, text

# Names of every trigger (and PostgreSQL trigger function) An Sinh creates start with one of these.
PREFIXES = ("tally_", "dv_", "lock_", "ref_")
# A PostgreSQL statement trigger's transition tables, by operation: the rows as they are after the
# statement (new_rows) and as they were (old_rows).
PG_REFERENCING = {
    "insert": "REFERENCING NEW TABLE AS new_rows",
    "update": "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
    "delete": "REFERENCING OLD TABLE AS old_rows",
}


@dataclass(frozen=True)
class Trigger:
    """One trigger on ``table``. ``sqlite`` is its CREATE TRIGGER (None: none on SQLite);
    ``postgres`` its CREATE FUNCTION and CREATE TRIGGER statements (empty: none on PostgreSQL).
    ``applies_inserted`` turns a subquery of newly inserted rows into the statements with the same
    effect, so a bulk insert on SQLite can run them once instead of once per row."""

    name: str
    table: str
    op: str  # insert, update, delete, or "any" (a PostgreSQL statement trigger on every change)
    sqlite: str | None
    postgres: tuple[str, ...]
    applies_inserted: Callable[[str], list[str]] | None = None


def for_dialect(triggers: Iterable[Trigger], dialect: str) -> list[Trigger]:
    """The triggers that exist on this database kind."""
    if dialect == "postgresql":
        return [t for t in triggers if t.postgres]
    return [t for t in triggers if t.sqlite]


def ddl(trigger: Trigger, dialect: str) -> list[str]:
    """The statements creating ``trigger`` on this database kind."""
    return list(trigger.postgres) if dialect == "postgresql" else [trigger.sqlite or ""]


def installed(connection: Connection) -> set[str]:
    """Names of An Sinh's triggers present in the database."""
    if connection.dialect.name == "postgresql":
        query = "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"
    else:
        query = "SELECT name FROM sqlite_master WHERE type = 'trigger'"
    return {name for name in connection.execute(text(query)).scalars() if name.startswith(PREFIXES)}


def drop_all(connection: Connection) -> None:
    """Drop every An Sinh trigger (and PostgreSQL trigger function) found in the database."""
    if connection.dialect.name == "postgresql":
        rows = connection.execute(
            text(
                "SELECT t.tgname, c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
                " WHERE NOT t.tgisinternal"
            )
        ).all()
        for name, table in rows:
            if name.startswith(PREFIXES):
                connection.execute(text(f'DROP TRIGGER IF EXISTS {name} ON "{table}"'))
        functions = connection.execute(
            text("SELECT proname FROM pg_proc WHERE pronamespace = 'public'::regnamespace")
        ).scalars()
        for name in functions:
            if name.startswith(PREFIXES):
                connection.execute(text(f"DROP FUNCTION IF EXISTS {name}()"))
        return
    for name in installed(connection):
        connection.execute(text(f"DROP TRIGGER IF EXISTS {name}"))


def create_all(connection: Connection, triggers: Iterable[Trigger]) -> None:
    """Create ``triggers`` (already filtered for this database kind)."""
    for trigger in triggers:
        for statement in ddl(trigger, connection.dialect.name):
            connection.execute(text(statement))
