"""References PostgreSQL checks a statement at a time instead of row by row.

PostgreSQL checks a foreign key with a trigger call and a query per written row. A province's payroll
month writes a line per paid person (236,000 at 500,000 entitled people) and its three references
took 3.0 of the build's 13.5 s. For the references in ``REFERENCES`` PostgreSQL has statement
triggers instead (one join over the statement's transition table per reference), and they refuse what
the foreign key refused:

* rows written into the referring table (insert, update) whose reference names no row of the
  referred table (a reference with a NULL column refers to nothing, as with a foreign key);
* deleting a referred row, or giving it another key, while a row refers to it; emptying the referred
  table with TRUNCATE while the referring table has rows.

A check and the write it guards against cannot both pass unseen: every check first locks the
database's state row, which every write transaction locks too (``db.write_session``, and the data
version's statement trigger on every table); the second writer waits for the first to commit, and its
check, a new statement, then sees what the first wrote.

The refusal is a ``foreign_key_violation`` worded as PostgreSQL words its own. SQLite keeps these
foreign keys (it checks them in the writing process, cheaply); the models keep declaring them (SQLite's
tables and the order in which the ORM writes rows follow them) and migration 0027 drops them on
PostgreSQL.
"""

from __future__ import annotations

from dataclasses import dataclass

from data_layer.core.triggers import PG_REFERENCING, Trigger

# held by every write transaction already (see above): the checks queue behind any other writer
SERIALISE = "PERFORM 1 FROM databasestate WHERE id = 1 FOR NO KEY UPDATE;"


@dataclass(frozen=True)
class Reference:
    """The foreign key ``name`` of ``table`` (``columns``) to ``parent`` (``parent_columns``)."""

    name: str
    table: str
    columns: tuple[str, ...]
    parent: str
    parent_columns: tuple[str, ...]

    def missing(self, row: str) -> str:
        """SQL: the row ``row`` of ``table`` refers to no row of ``parent``."""
        present = " AND ".join(f"{row}.{c} IS NOT NULL" for c in self.columns)
        match = _equal("p", self.parent_columns, row, self.columns)
        return f"{present} AND NOT EXISTS (SELECT 1 FROM {self.parent} p WHERE {match})"

    def orphaned(self, old: str) -> str:
        """SQL: the key of the old ``parent`` row ``old`` is gone from ``parent`` while a row of ``table``
        still refers to it."""
        kept = _equal("p", self.parent_columns, old, self.parent_columns)
        referring = _equal("c", self.columns, old, self.parent_columns)
        return (
            f"NOT EXISTS (SELECT 1 FROM {self.parent} p WHERE {kept})"
            f" AND EXISTS (SELECT 1 FROM {self.table} c WHERE {referring})"
        )


def _equal(left: str, left_columns: tuple[str, ...], right: str, right_columns: tuple[str, ...]) -> str:
    pairs = zip(left_columns, right_columns, strict=True)
    return " AND ".join(f"{left}.{a} = {right}.{b}" for a, b in pairs)


REFERENCES = (
    Reference("payrollline_payroll_id_fkey", "payrollline", ("payroll_id",), "payroll", ("id",)),
    Reference("payrollline_group_id_fkey", "payrollline", ("group_id",), "allowancegroup", ("id",)),
    Reference(
        "fk_payrollline_entitlement",
        "payrollline",
        ("entitlement_id", "beneficiary_id", "ward_id"),
        "entitlement",
        ("id", "beneficiary_id", "ward_id"),
    ),
)


def checked_by_statement(dialect: str) -> set[tuple[str, tuple[str, ...], str]]:
    """The foreign keys this database kind checks with statement triggers, as (table, columns, referred
    table); none on SQLite."""
    return {(r.table, r.columns, r.parent) for r in REFERENCES} if dialect == "postgresql" else set()


def _raise_if(condition: str, message: str) -> str:
    return f"IF {condition} THEN RAISE EXCEPTION '{message}' USING ERRCODE = '23503'; END IF;"


def _trigger(name: str, table: str, op: str, timing: str, checks: list[str]) -> Trigger:
    referencing = PG_REFERENCING.get(op, "")
    return Trigger(
        name,
        table,
        op,
        None,
        (
            f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {SERIALISE}"
            f" {' '.join(checks)} RETURN NULL; END $$",
            f'CREATE TRIGGER {name} {timing} {op.upper()} ON "{table}" {referencing}'
            f" FOR EACH STATEMENT EXECUTE FUNCTION {name}()",
        ),
    )


def _referring(table: str) -> list[Trigger]:
    refs = [r for r in REFERENCES if r.table == table]
    checks = [
        _raise_if(
            f"EXISTS (SELECT 1 FROM new_rows r WHERE {r.missing('r')})",
            f'insert or update on table "{table}" violates foreign key constraint "{r.name}"',
        )
        for r in refs
    ]
    return [_trigger(f"ref_{table}_{op}_rows", table, op, "AFTER", checks) for op in ("insert", "update")]


def _referred(parent: str) -> list[Trigger]:
    refs = [r for r in REFERENCES if r.parent == parent]
    checks = [
        _raise_if(
            f"EXISTS (SELECT 1 FROM old_rows o WHERE {r.orphaned('o')})",
            f'update or delete on table "{parent}" violates foreign key constraint "{r.name}"'
            f' on table "{r.table}"',
        )
        for r in refs
    ]
    emptied = [
        _raise_if(
            f"EXISTS (SELECT 1 FROM {r.table})",
            f'cannot truncate table "{parent}": table "{r.table}" refers to it ("{r.name}")',
        )
        for r in refs
    ]
    return [
        *(_trigger(f"ref_{parent}_{op}_rows", parent, op, "AFTER", checks) for op in ("update", "delete")),
        _trigger(f"ref_{parent}_truncate", parent, "truncate", "BEFORE", emptied),
    ]


def triggers() -> list[Trigger]:
    """The PostgreSQL statement triggers standing for the foreign keys of ``REFERENCES``."""
    tables = dict.fromkeys(r.table for r in REFERENCES)
    parents = dict.fromkeys(r.parent for r in REFERENCES)
    return [*(t for table in tables for t in _referring(table)), *(t for p in parents for t in _referred(p))]
