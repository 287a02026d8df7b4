"""Running totals kept up to date by database triggers, so the progress page reads a few hundred
rows instead of scanning 300,000 people and a million allocations after every write, and a payroll
build reads what locked payrolls paid each person instead of summing the whole ledger.

Each tally is declared once (``SUM_TALLIES``: which source rows add what to which key) and three
things are generated from it: SQLite row triggers, PostgreSQL statement triggers (with transition
tables, so a COPY of 50,000 rows costs one grouped upsert), and the full recount used to fill the
tallies (migration, ``ansinh db tallies --rebuild``) and to check them (``check``).

Every trigger applies a net delta: source rows after the change count plus, rows before count
minus, grouped by key and upserted; keys whose first count drops to zero are removed. Triggers
fire for every write path (ORM, bulk COPY, raw SQL) except PostgreSQL's TRUNCATE.

Concurrency (PostgreSQL, READ COMMITTED): the sums are exact under concurrent writers (each
upsert adds to the latest committed row). The cross-ward name list is recounted per key from what
the statement can see, so two wards adding the same name + birth year at the same instant can
miss the pair until that name changes again or ``ansinh db tallies --rebuild`` runs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, partial

from sqlalchemy import Connection, text
from sqlmodel import SQLModel

from data_layer.core import models  # noqa: F401  (registers the source tables on the metadata)
from data_layer.core.triggers import PG_REFERENCING, Trigger

OPS = ("insert", "update", "delete")
PG_SIDES = {"insert": ("new",), "update": ("new", "old"), "delete": ("old",)}


@dataclass(frozen=True)
class Source:
    """How rows of ``table`` feed a tally: ``select`` reads ``{rows}`` and yields keys + counts."""

    table: str
    select: str
    ops: tuple[str, ...] = OPS
    watch: tuple[str, ...] = ()  # columns whose change matters on UPDATE (SQLite WHEN clause)
    # SQLite only: whether the NEW / OLD row can change the tally at all (skips most rows cheaply)
    guard_new: str = ""
    guard_old: str = ""


@dataclass(frozen=True)
class Tally:
    """A running-total table: per key, the sums of ``counts`` over the rows its sources yield."""

    table: str
    keys: tuple[str, ...]
    counts: tuple[str, ...]  # the first one is the row count: a key whose row count is 0 is removed
    sources: tuple[Source, ...]  # the first one also rebuilds the tally from scratch


_ACTIVE = "CASE WHEN r.status = 'active' THEN 1 ELSE 0 END"
SUM_TALLIES = (
    Tally(
        "wardtally",
        keys=("ward_id",),
        counts=("people", "active", "cashless", "missing_id", "invalid_id", "no_hamlet"),
        sources=(
            Source(
                "beneficiary",
                "SELECT r.ward_id, 1 AS people,"
                f" {_ACTIVE} AS active,"
                " CASE WHEN r.status = 'active' AND r.bank_account IS NOT NULL THEN 1 ELSE 0 END AS cashless,"
                " CASE WHEN r.national_id IS NULL THEN 1 ELSE 0 END AS missing_id,"
                " CASE WHEN length(r.national_id) NOT IN (9, 12) THEN 1 ELSE 0 END AS invalid_id,"
                " CASE WHEN r.hamlet IS NULL THEN 1 ELSE 0 END AS no_hamlet"
                " FROM {rows} r",
                watch=("ward_id", "status", "bank_account", "national_id", "hamlet"),
            ),
        ),
    ),
    Tally(
        "categorytally",
        keys=("ward_id", "category_id"),
        counts=("people",),
        sources=(
            Source(
                "beneficiarycategory",
                "SELECT b.ward_id, r.category_id, 1 AS people"
                " FROM {rows} r JOIN beneficiary b ON b.id = r.beneficiary_id WHERE b.status = 'active'",
                ops=("insert", "delete"),
            ),
            # a person deleted takes their category links first (see _BEFORE_DELETE), so only an
            # update (moved ward, changed status) changes the counts from this side
            Source(
                "beneficiary",
                "SELECT r.ward_id, l.category_id, 1 AS people"
                " FROM {rows} r JOIN beneficiarycategory l ON l.beneficiary_id = r.id"
                " WHERE r.status = 'active'",
                ops=("update",),
                watch=("ward_id", "status"),
            ),
        ),
    ),
    Tally(
        "deadgifttally",
        keys=("ward_id",),
        counts=("gifts",),
        sources=(
            Source(
                "allocation",
                "SELECT r.ward_id, 1 AS gifts FROM {rows} r JOIN beneficiary b ON b.id = r.beneficiary_id"
                " WHERE r.status = 'planned' AND b.status = 'died'",
                watch=("ward_id", "beneficiary_id", "status"),
            ),
            # a person's gifts must be deleted before the person, so only a status change counts here
            Source(
                "beneficiary",
                "SELECT a.ward_id, 1 AS gifts FROM {rows} r JOIN allocation a ON a.beneficiary_id = r.id"
                " WHERE a.status = 'planned' AND r.status = 'died'",
                ops=("update",),
                watch=("status",),
            ),
        ),
    ),
    Tally(
        "allocationtally",
        keys=("campaign_id", "ward_id", "package_id", "status"),
        counts=("gifts", "amount"),
        sources=(
            Source(
                "allocation",
                "SELECT r.campaign_id, r.ward_id, r.package_id, r.status, 1 AS gifts, r.amount FROM {rows} r",
                watch=("campaign_id", "ward_id", "package_id", "status", "amount"),
            ),
        ),
    ),
    # a commune office's progress by hamlet: the gifts whose ward is their person's, by the person's
    # Thôn/Tổ as spelled ('' for none; the report folds spellings into hamlets)
    Tally(
        "hamlettally",
        keys=("campaign_id", "ward_id", "hamlet", "package_id", "status"),
        counts=("gifts", "amount"),
        sources=(
            Source(
                "allocation",
                "SELECT r.campaign_id, r.ward_id, coalesce(b.hamlet, '') AS hamlet, r.package_id, r.status,"
                " 1 AS gifts, r.amount FROM {rows} r"
                " JOIN beneficiary b ON b.id = r.beneficiary_id AND b.ward_id = r.ward_id",
                watch=("campaign_id", "ward_id", "beneficiary_id", "package_id", "status", "amount"),
            ),
            # a person's gifts must be deleted before the person: only a changed hamlet or ward counts
            Source(
                "beneficiary",
                "SELECT a.campaign_id, a.ward_id, coalesce(r.hamlet, '') AS hamlet, a.package_id, a.status,"
                " 1 AS gifts, a.amount FROM {rows} r"
                # "+": SQLite, without statistics, would look the gifts up by ward (all of the ward's, for
                # each person changed) instead of by person
                " JOIN allocation a ON a.beneficiary_id = r.id AND +a.ward_id = r.ward_id",
                ops=("update",),
                watch=("ward_id", "hamlet"),
            ),
        ),
    ),
    Tally(
        "deliverydaytally",
        keys=("campaign_id", "ward_id", "package_id", "day"),
        counts=("gifts", "amount"),
        sources=(
            Source(
                "allocation",
                "SELECT r.campaign_id, r.ward_id, r.package_id, r.delivered_on AS day, 1 AS gifts, r.amount"
                " FROM {rows} r WHERE r.status = 'delivered' AND r.delivered_on IS NOT NULL",
                watch=("campaign_id", "ward_id", "package_id", "status", "delivered_on", "amount"),
            ),
        ),
    ),
    # a payroll's lines count once it is locked (they never change after, and are written while open)
    Tally(
        "paidtally",
        keys=("beneficiary_id",),
        counts=("lines", "amount"),
        sources=(
            Source(
                "payroll",
                "SELECT l.beneficiary_id, 1 AS lines, l.amount FROM {rows} r JOIN payrollline l"
                " ON l.payroll_id = r.id WHERE r.status = 'locked' AND l.kind <> 'funeral'",
                ops=("update",),
                watch=("status",),
            ),
        ),
    ),
    # each ward's possible duplicates, summed from the cross-ward name list (below) by triggers on that
    # list, which fire inside the people's triggers: at province scale the list holds about a row per
    # person, too many to sum on every read
    Tally(
        "sharedwardtally",
        keys=("ward_id",),
        counts=("names", "people"),
        sources=(
            Source(
                "sharednameyear",
                "SELECT r.ward_id, 1 AS names, r.people FROM {rows} r",
                watch=("ward_id", "people"),
            ),
        ),
    ),
)

# Possible duplicates: people per ward and (name_key, birth_year) for the keys present in more
# than one ward. A change recounts the keys it touched, with index lookups per key. On SQLite the
# recount is skipped unless the new row's key is in another ward or the old row's key was listed.
SHARED_KEYS = Source(
    "beneficiary",
    "SELECT r.name_key, r.birth_year FROM {rows} r WHERE r.birth_year IS NOT NULL",
    watch=("name_key", "birth_year", "ward_id"),
    guard_new="NEW.birth_year IS NOT NULL AND EXISTS (SELECT 1 FROM beneficiary o"
    " WHERE o.name_key = NEW.name_key AND o.birth_year = NEW.birth_year AND o.ward_id <> NEW.ward_id)",
    guard_old="EXISTS (SELECT 1 FROM sharednameyear s WHERE s.name_key = OLD.name_key"
    " AND s.birth_year = OLD.birth_year)",
)
_IN_ANOTHER_WARD = (
    " AND EXISTS (SELECT 1 FROM beneficiary o"
    " WHERE o.name_key = r.name_key AND o.birth_year = r.birth_year AND o.ward_id <> r.ward_id)"
)
SHARED_MEMBERS = (
    "SELECT b.name_key, b.birth_year, b.ward_id, count(*) AS people FROM beneficiary b"
    " WHERE (b.name_key, b.birth_year) IN (SELECT k.name_key, k.birth_year FROM beneficiary k WHERE {filter}"
    " GROUP BY k.name_key, k.birth_year HAVING count(DISTINCT k.ward_id) > 1)"
    " GROUP BY b.name_key, b.birth_year, b.ward_id"
)
_ALL_SHARED = SHARED_MEMBERS.format(filter="k.birth_year IS NOT NULL")

TABLES = (*(tally.table for tally in SUM_TALLIES), "sharednameyear")

# Category links go before their person, inside the DELETE, so the link triggers still see the
# person's ward and status (a foreign-key cascade would run after the person is gone).
_BEFORE_DELETE = "DELETE FROM beneficiarycategory WHERE beneficiary_id = OLD.id"


def _delta_statements(tally: Tally, source: Source, new: str | None, old: str | None) -> list[str]:
    """Upsert of the net change (new rows plus, old rows minus), then removal of emptied keys."""
    keys = ", ".join(tally.keys)
    parts = []
    if new:
        parts.append(f"SELECT {keys}, {', '.join(tally.counts)} FROM ({source.select.format(rows=new)}) n")
    if old:
        minus = ", ".join(f"-{c} AS {c}" for c in tally.counts)
        parts.append(f"SELECT {keys}, {minus} FROM ({source.select.format(rows=old)}) o")
    sums = ", ".join(f"sum({c}) AS {c}" for c in tally.counts)
    nonzero = " OR ".join(f"sum({c}) <> 0" for c in tally.counts)
    updates = ", ".join(f"{c} = {tally.table}.{c} + excluded.{c}" for c in tally.counts)
    statements = [
        f"INSERT INTO {tally.table} ({keys}, {', '.join(tally.counts)})"
        f" SELECT {keys}, {sums} FROM ({' UNION ALL '.join(parts)}) d"
        f" GROUP BY {keys} HAVING {nonzero} ORDER BY {keys}"
        f" ON CONFLICT ({keys}) DO UPDATE SET {updates}"
    ]
    if old:
        statements.append(
            f"DELETE FROM {tally.table} WHERE {tally.counts[0]} = 0"
            f" AND ({keys}) IN (SELECT {keys} FROM ({source.select.format(rows=old)}) o)"
        )
    return statements


def _shared_statements(new: str | None, old: str | None) -> list[str]:
    """Recount of the cross-ward name list for the name + birth year keys the change touched: of the
    new rows only keys now also in another ward (a 50,000-row import of new names recounts none)."""
    parts = [SHARED_KEYS.select.format(rows=new) + _IN_ANOTHER_WARD] if new else []
    parts += [SHARED_KEYS.select.format(rows=old)] if old else []
    touched = " UNION ".join(parts)
    members = SHARED_MEMBERS.format(filter=f"(k.name_key, k.birth_year) IN ({touched})")
    return [
        f"DELETE FROM sharednameyear WHERE (name_key, birth_year) IN ({touched})",
        f"INSERT INTO sharednameyear (name_key, birth_year, ward_id, people) {members}"
        " ORDER BY 1, 2, 3"
        " ON CONFLICT (name_key, birth_year, ward_id) DO UPDATE SET people = excluded.people",
    ]


Builder = Callable[[str | None, str | None], list[str]]


@cache
def _sources() -> tuple[tuple[str, str, Source, Builder], ...]:
    """(trigger name, op, source, statements builder taking the new/old rows) of every tally trigger."""
    found = []
    for tally in SUM_TALLIES:
        for index, source in enumerate(tally.sources):
            build = partial(_delta_statements, tally, source)
            found += [(f"tally_{tally.table}_{index}_{op}", op, source, build) for op in source.ops]
    found += [(f"tally_sharednameyear_{op}", op, SHARED_KEYS, _shared_statements) for op in OPS]
    return tuple(found)


def _sqlite_rows(table: str, alias: str) -> str:
    """A one-row subquery with every column of the trigger's NEW or OLD row."""
    columns = SQLModel.metadata.tables[table].columns.keys()
    return "(SELECT " + ", ".join(f"{alias}.{c} AS {c}" for c in columns) + ")"


def _sqlite_when(op: str, source: Source) -> str:
    """The WHEN clause of a SQLite trigger: a watched column changed, and the guards let it through."""
    guards = {"insert": [source.guard_new], "delete": [source.guard_old]}.get(
        op, [source.guard_new, source.guard_old]
    )
    conditions = []
    if op == "update":
        conditions.append(" OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in source.watch))
    if all(guards):
        conditions.append(" OR ".join(guards))
    return " WHEN " + " AND ".join(f"({c})" for c in conditions) if conditions else ""


def _trigger(name: str, op: str, source: Source, build: Builder) -> Trigger:
    new = _sqlite_rows(source.table, "NEW") if op != "delete" else None
    old = _sqlite_rows(source.table, "OLD") if op != "insert" else None
    sqlite = (
        f"CREATE TRIGGER {name} AFTER {op.upper()} ON {source.table}{_sqlite_when(op, source)}"
        f" BEGIN {'; '.join(build(new, old))}; END"
    )
    sides = PG_SIDES[op]
    body = "; ".join(build("new_rows" if "new" in sides else None, "old_rows" if "old" in sides else None))
    postgres = (
        f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {body}; RETURN NULL; END $$",
        f"CREATE TRIGGER {name} AFTER {op.upper()} ON {source.table} {PG_REFERENCING[op]}"
        f" FOR EACH STATEMENT EXECUTE FUNCTION {name}()",
    )
    applies = partial(build, old=None) if op == "insert" else None
    return Trigger(name, source.table, op, sqlite, postgres, applies)


def triggers() -> list[Trigger]:
    """Every trigger that keeps the running totals, SQLite and PostgreSQL forms."""
    found = [_trigger(*entry) for entry in _sources()]
    found.append(
        Trigger(
            "tally_links_first",
            "beneficiary",
            "delete",
            f"CREATE TRIGGER tally_links_first BEFORE DELETE ON beneficiary BEGIN {_BEFORE_DELETE}; END",
            (
                "CREATE FUNCTION tally_links_first() RETURNS trigger LANGUAGE plpgsql AS $$"
                f" BEGIN {_BEFORE_DELETE}; RETURN OLD; END $$",
                "CREATE TRIGGER tally_links_first BEFORE DELETE ON beneficiary"
                " FOR EACH ROW EXECUTE FUNCTION tally_links_first()",
            ),
        )
    )
    return found


def _recounts() -> list[tuple[str, str, str]]:
    """(table, columns, recount query) of every running-total table, from the source tables."""
    found = []
    for tally in SUM_TALLIES:
        source = tally.sources[0]
        keys = ", ".join(tally.keys)
        sums = ", ".join(f"sum({c}) AS {c}" for c in tally.counts)
        query = f"SELECT {keys}, {sums} FROM ({source.select.format(rows=source.table)}) s GROUP BY {keys}"
        found.append((tally.table, ", ".join(tally.keys + tally.counts), query))
    found.append(("sharednameyear", "name_key, birth_year, ward_id, people", _ALL_SHARED))
    return found


def rebuild(connection: Connection) -> None:
    """Recount every tally from the source tables."""
    for table, columns, query in _recounts():
        connection.execute(text(f"DELETE FROM {table}"))
        connection.execute(text(f"INSERT INTO {table} ({columns}) {query}"))


def check(connection: Connection) -> list[str]:
    """Names of the tallies that differ from a fresh recount (empty when all agree)."""
    return [
        table
        for table, columns, query in _recounts()
        if set(connection.execute(text(f"SELECT {columns} FROM {table}")).all())
        != set(connection.execute(text(query)).all())
    ]
