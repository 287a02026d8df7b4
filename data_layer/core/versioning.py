"""The data version: one number the database itself raises on every write, so pages can cache
figures keyed by it and never show stale numbers. No write path can forget it: triggers on every
table raise it (SQLite: per row; PostgreSQL: per statement)."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session, SQLModel

from data_layer.core import tallies
from data_layer.core.models import DatabaseState, User
from data_layer.core.triggers import Trigger

BUMP = "UPDATE databasestate SET data_version = data_version + 1 WHERE id = 1"


def watched_tables() -> list[str]:
    """Every table whose changes raise the data version: all but the counter itself, the running
    totals (kept by triggers of their own) and the accounts (a login is not a change of figures)."""
    unwatched = {DatabaseState.__tablename__, User.__tablename__, *tallies.TABLES}
    return sorted(name for name in SQLModel.metadata.tables if name not in unwatched)


def triggers() -> list[Trigger]:
    """SQLite row triggers (insert, update, delete) and one PostgreSQL statement trigger per table."""
    found = []
    for table in watched_tables():
        for op in ("insert", "update", "delete"):
            name = f"dv_{table}_{op}"
            sqlite = f'CREATE TRIGGER {name} AFTER {op.upper()} ON "{table}" BEGIN {BUMP}; END'
            applies = (lambda _rows: [BUMP]) if op == "insert" else None
            found.append(Trigger(name, table, op, sqlite, (), applies))
        name = f"dv_{table}"
        found.append(
            Trigger(
                name,
                table,
                "any",
                None,
                (
                    f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql"
                    f" AS $$ BEGIN {BUMP}; RETURN NULL; END $$",
                    f'CREATE TRIGGER {name} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "{table}"'
                    f" FOR EACH STATEMENT EXECUTE FUNCTION {name}()",
                ),
            )
        )
    return found


def data_version(session: Session) -> int:
    """A number that grows with every committed write to the database."""
    return session.execute(select(DatabaseState.data_version).where(DatabaseState.id == 1)).scalar_one()
