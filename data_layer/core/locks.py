"""Locks kept by the database itself, so no write path (page, CLI, import, raw SQL) can forget them.

* An approved ward's campaign figures are read-only: while a ``wardapproval`` row is active for
  (campaign, ward), every insert, update or delete of that ward's allocations or lump gifts in that
  campaign is refused (SQLite: row triggers; PostgreSQL: statement triggers over transition tables,
  so a COPY of 50,000 rows is checked with one join).
* A ward's signed-off report (``wardreport``) is never changed or deleted.

A refused write raises an integrity error carrying a marker; ``core.db.write_session`` turns it into
``Locked`` with the Vietnamese message below.
"""

from __future__ import annotations

from data_layer.core.triggers import PG_REFERENCING, Trigger

LOCKED_MARKER = "ansinh_locked"
IMMUTABLE_MARKER = "ansinh_immutable"
LOCKED_MESSAGE = (
    "Số liệu của phường/xã này trong đợt này đã được duyệt và khóa: không thêm, sửa, xóa quà được. "
    "Muốn sửa, Phòng phải mở khóa (ghi rõ lý do)."
)
IMMUTABLE_MESSAGE = "Báo cáo đã chốt không sửa hay xóa được: hãy chốt lại một báo cáo mới."
LOCKED_TABLES = ("allocation", "lumpgift")
SIDES = {"insert": ("NEW",), "update": ("OLD", "NEW"), "delete": ("OLD",)}


def _approved(campaign: str, ward: str) -> str:
    return (
        "SELECT 1 FROM wardapproval a WHERE a.unlocked_at IS NULL"
        f" AND a.campaign_id = {campaign} AND a.ward_id = {ward}"
    )


def _sqlite_lock(table: str, op: str) -> str:
    when = " OR ".join(f"EXISTS ({_approved(f'{s}.campaign_id', f'{s}.ward_id')})" for s in SIDES[op])
    return (
        f'CREATE TRIGGER lock_{table}_{op} BEFORE {op.upper()} ON "{table}" WHEN {when}'
        f" BEGIN SELECT RAISE(ABORT, '{LOCKED_MARKER}'); END"
    )


def _postgres_lock(table: str, op: str) -> tuple[str, str]:
    name = f"lock_{table}_{op}"
    rows = " UNION ALL ".join(f"SELECT campaign_id, ward_id FROM {s.lower()}_rows" for s in SIDES[op])
    check = f"SELECT 1 FROM ({rows}) r WHERE EXISTS ({_approved('r.campaign_id', 'r.ward_id')})"
    return (
        f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
        f" IF EXISTS ({check}) THEN RAISE EXCEPTION '{LOCKED_MARKER}' USING ERRCODE = '23000'; END IF;"
        " RETURN NULL; END $$",
        f'CREATE TRIGGER {name} AFTER {op.upper()} ON "{table}" {PG_REFERENCING[op]}'
        f" FOR EACH STATEMENT EXECUTE FUNCTION {name}()",
    )


def _immutable(table: str) -> list[Trigger]:
    """Rows of ``table`` are never updated or deleted (SQLite: two row triggers; PostgreSQL: one
    statement trigger)."""
    refuse = f"SELECT RAISE(ABORT, '{IMMUTABLE_MARKER}')"
    name = f"lock_{table}_immutable"
    postgres = (
        f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
        f" RAISE EXCEPTION '{IMMUTABLE_MARKER}' USING ERRCODE = '23000'; END $$",
        f'CREATE TRIGGER {name} BEFORE UPDATE OR DELETE ON "{table}"'
        f" FOR EACH STATEMENT EXECUTE FUNCTION {name}()",
    )
    return [
        Trigger(
            name,
            table,
            "update",
            f'CREATE TRIGGER {name} BEFORE UPDATE ON "{table}" BEGIN {refuse}; END',
            postgres,
        ),
        Trigger(
            f"{name}_delete",
            table,
            "delete",
            f'CREATE TRIGGER {name}_delete BEFORE DELETE ON "{table}" BEGIN {refuse}; END',
            (),
        ),
    ]


def triggers() -> list[Trigger]:
    """The lock triggers of both database kinds."""
    found = [
        Trigger(f"lock_{table}_{op}", table, op, _sqlite_lock(table, op), _postgres_lock(table, op))
        for table in LOCKED_TABLES
        for op in SIDES
    ]
    return [*found, *_immutable("wardreport")]
