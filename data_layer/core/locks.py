"""Locks kept by the database itself, so no write path (page, CLI, import, raw SQL) can forget them.

* An approved ward's campaign figures are read-only: while the latest ``approvalevent`` of
  (campaign, ward) is an approval, every insert, update or delete of that ward's allocations or lump
  gifts in that campaign is refused.
* An approved ward's relief round figures (``reliefapproval``) are read-only likewise: its households
  in the round refuse every insert, update or delete; approvals of relief rounds only grow.
* A locked payroll month never changes and is never reopened; nor do its lines (inserted into,
  updated, deleted). A ward's health-insurance list of a month, once sent (``bhytlist`` locked), and its
  lines likewise.
* Signed ward reports (a campaign's and a relief round's), the approval history and the seal chain
  are never changed or deleted; the approval history only grows by the event that follows its
  latest (approve and unlock in turn).

Every writer is covered: SQLite row triggers, including the row an ``INSERT OR REPLACE`` or
``UPDATE OR REPLACE`` would push out (a replaced row is a deleted row: SQLite fires no delete
trigger for it while ``recursive_triggers`` is off, so the insert or update is refused when the row
it would displace is locked); PostgreSQL statement triggers over transition tables (a COPY of 50,000
rows is checked with one join) and a ``BEFORE TRUNCATE`` trigger on every locked table.

A refused write raises an integrity error carrying a marker; ``core.db.write_session`` turns it into
``Locked`` with the Vietnamese message of ``MESSAGES``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from data_layer.core.triggers import PG_REFERENCING, Trigger

LOCKED_MARKER = "ansinh_locked"
PAYROLL_MARKER = "ansinh_payroll_locked"
IMMUTABLE_MARKER = "ansinh_immutable"
HISTORY_MARKER = "ansinh_history"
RELIEF_MARKER = "ansinh_relief_locked"
BHYT_MARKER = "ansinh_bhyt_locked"
LOCKED_MESSAGE = (
    "Số liệu của phường/xã này trong đợt này đã được duyệt và khóa: không thêm, sửa, xóa quà được. "
    "Muốn sửa, Phòng phải mở khóa (ghi rõ lý do)."
)
MESSAGES = {
    PAYROLL_MARKER: "Danh sách chi trả của tháng này đã khóa: không sửa, xóa hay mở lại được.",
    LOCKED_MARKER: LOCKED_MESSAGE,
    RELIEF_MARKER: (
        "Số liệu cứu trợ gạo của phường/xã này trong đợt đã được duyệt và khóa: không thêm, sửa, xóa hộ, "
        "số gạo hay ngày nhận được."
    ),
    BHYT_MARKER: (
        "Danh sách thẻ BHYT của tháng này đã gửi cơ quan BHXH và đã khóa: không sửa, xóa được. "
        "Thay đổi sau đó được ghi vào mục Điều chỉnh của tháng sau."
    ),
    IMMUTABLE_MARKER: "Báo cáo đã chốt không sửa hay xóa được: hãy chốt lại một báo cáo mới.",
    HISTORY_MARKER: (
        "Lịch sử duyệt và dấu niêm phong chỉ được ghi thêm theo thứ tự: không sửa, xóa được. "
        "Tải lại trang rồi thử lại."
    ),
}
# Campaign figures locked by a ward's approval (and audited under these table names).
LOCKED_TABLES = ("allocation", "lumpgift")


def approved(campaign: str, ward: str) -> str:
    """SQL: the ward's latest approval event in the campaign is an approval."""
    return (
        f"EXISTS (SELECT 1 FROM approvalevent a WHERE a.campaign_id = {campaign} AND a.ward_id = {ward}"
        " AND a.action = 'approve' AND a.seq = (SELECT max(b.seq) FROM approvalevent b"
        f" WHERE b.campaign_id = {campaign} AND b.ward_id = {ward}))"
    )


def relief_approved(round_id: str, ward: str) -> str:
    """SQL: the ward's figures in the relief round are approved."""
    return f"EXISTS (SELECT 1 FROM reliefapproval a WHERE a.round_id = {round_id} AND a.ward_id = {ward})"


def _bhyt_list_locked(list_id: str) -> str:
    return f"EXISTS (SELECT 1 FROM bhytlist l WHERE l.id = {list_id} AND l.status = 'locked')"


def _payroll_locked(payroll_id: str) -> str:
    return f"EXISTS (SELECT 1 FROM payroll p WHERE p.id = {payroll_id} AND p.status = 'locked')"


@dataclass(frozen=True)
class LockedTable:
    """A table some of whose rows are locked. ``condition(alias)`` is the SQL condition that the row
    ``alias`` is locked (None: every row, once written: the table only grows); ``keys`` its unique
    keys (what a REPLACE matches); ``new_side``: a row may not become locked through an update
    (False only where locking is itself an update: payroll)."""

    table: str
    marker: str
    condition: Callable[[str], str] | None
    keys: tuple[tuple[str, ...], ...] = (("id",),)
    new_side: bool = True

    def locked(self, alias: str) -> str:
        return self.condition(alias) if self.condition else "1 = 1"

    def insert_refused(self, alias: str) -> list[str]:
        """SQL conditions refusing the new row ``alias`` itself (not the rows it may displace)."""
        found = [self.condition(alias)] if self.condition else []
        return found + ([_out_of_turn(alias)] if self.table == "approvalevent" else [])

    def displaced(self, new: str, old: str | None) -> str:
        """SQL (SQLite): a locked row other than ``old`` shares a unique key with ``new``."""
        match = " OR ".join("(" + " AND ".join(f"t.{c} = {new}.{c}" for c in key) + ")" for key in self.keys)
        other = f" AND t.id <> {old}.id" if old else ""
        return f'EXISTS (SELECT 1 FROM "{self.table}" t WHERE ({match}){other} AND {self.locked("t")})'


TABLES = (
    LockedTable(
        "allocation",
        LOCKED_MARKER,
        lambda r: approved(f"{r}.campaign_id", f"{r}.ward_id"),
        (("id",), ("package_id", "beneficiary_id")),
    ),
    LockedTable("lumpgift", LOCKED_MARKER, lambda r: approved(f"{r}.campaign_id", f"{r}.ward_id")),
    LockedTable(
        "payroll", PAYROLL_MARKER, lambda r: f"{r}.status = 'locked'", (("id",), ("month",)), new_side=False
    ),
    LockedTable("payrollline", PAYROLL_MARKER, lambda r: _payroll_locked(f"{r}.payroll_id")),
    LockedTable("wardreport", IMMUTABLE_MARKER, None),
    LockedTable("approvalevent", HISTORY_MARKER, None, (("id",), ("campaign_id", "ward_id", "seq"))),
    LockedTable(
        "reliefhousehold",
        RELIEF_MARKER,
        lambda r: relief_approved(f"{r}.round_id", f"{r}.ward_id"),
        (("id",), ("round_id", "household_key")),
    ),
    LockedTable(
        "bhytlist",
        BHYT_MARKER,
        lambda r: f"{r}.status = 'locked'",
        (("id",), ("ward_id", "month")),
        new_side=False,
    ),
    LockedTable("bhytline", BHYT_MARKER, lambda r: _bhyt_list_locked(f"{r}.list_id")),
    LockedTable("reliefapproval", HISTORY_MARKER, None, (("id",), ("round_id", "ward_id"))),
    LockedTable("reliefsignoff", IMMUTABLE_MARKER, None),
    LockedTable("seal", HISTORY_MARKER, None, (("id",), ("kind", "ref_id"), ("prev_hash",))),
)


def _out_of_turn(r: str) -> str:
    """SQL: the approval event ``r`` does not follow the one before it (seq 1 is an approval; each
    later one the other action than seq − 1). Holds before the insert (SQLite) and after (PostgreSQL)."""
    follows = (
        f"EXISTS (SELECT 1 FROM approvalevent p WHERE p.campaign_id = {r}.campaign_id"
        f" AND p.ward_id = {r}.ward_id AND p.seq = {r}.seq - 1 AND p.action <> {r}.action)"
    )
    return (
        f"{r}.action NOT IN ('approve', 'unlock')"
        f" OR NOT (({r}.seq = 1 AND {r}.action = 'approve') OR {follows})"
    )


def _raise_sqlite(name: str, table: str, op: str, when: str, marker: str) -> Trigger:
    sql = (
        f'CREATE TRIGGER {name} BEFORE {op.upper()} ON "{table}" WHEN {when}'
        f" BEGIN SELECT RAISE(ABORT, '{marker}'); END"
    )
    return Trigger(name, table, op, sql, ())


def _sqlite(spec: LockedTable) -> list[Trigger]:
    t, lock = spec.table, spec.locked
    insert = " OR ".join([*spec.insert_refused("NEW"), spec.displaced("NEW", None)])
    update = " OR ".join(
        [lock("OLD"), *([lock("NEW")] if spec.new_side else []), spec.displaced("NEW", "OLD")]
    )
    return [
        _raise_sqlite(f"lock_{t}_insert", t, "insert", insert, spec.marker),
        _raise_sqlite(f"lock_{t}_update", t, "update", update, spec.marker),
        _raise_sqlite(f"lock_{t}_delete", t, "delete", lock("OLD"), spec.marker),
    ]


def _pg_function(name: str, condition: str, marker: str) -> str:
    return (
        f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
        f" IF {condition} THEN RAISE EXCEPTION '{marker}' USING ERRCODE = '23000'; END IF;"
        " RETURN NULL; END $$"
    )


def _postgres(spec: LockedTable) -> list[Trigger]:
    t, lock = spec.table, spec.locked

    def rows(side: str, condition: str | None = None) -> str:
        return f"EXISTS (SELECT 1 FROM {side}_rows r WHERE {condition or lock('r')})"

    refused = spec.insert_refused("r")
    conditions = {
        "insert": rows("new", " OR ".join(refused)) if refused else "FALSE",
        "update": " OR ".join([rows("old"), *([rows("new")] if spec.new_side else [])]),
        "delete": rows("old"),
    }
    found = []
    for op, condition in conditions.items():
        name = f"lock_{t}_{op}_rows"
        found.append(
            Trigger(
                name,
                t,
                op,
                None,
                (
                    _pg_function(name, condition, spec.marker),
                    f'CREATE TRIGGER {name} AFTER {op.upper()} ON "{t}" {PG_REFERENCING[op]}'
                    f" FOR EACH STATEMENT EXECUTE FUNCTION {name}()",
                ),
            )
        )
    name = f"lock_{t}_truncate"
    found.append(
        Trigger(
            name,
            t,
            "truncate",
            None,
            (
                _pg_function(name, "TRUE", spec.marker),
                f'CREATE TRIGGER {name} BEFORE TRUNCATE ON "{t}"'
                f" FOR EACH STATEMENT EXECUTE FUNCTION {name}()",
            ),
        )
    )
    return found


def locked_table_names() -> set[str]:
    """Every table some rows of which the database keeps locked."""
    return {spec.table for spec in TABLES}


def triggers() -> list[Trigger]:
    """The lock triggers of both database kinds."""
    return [trigger for spec in TABLES for trigger in (*_sqlite(spec), *_postgres(spec))]


def message_of(error_text: str) -> str | None:
    """The Vietnamese refusal for a database error raised by a lock trigger, None for other errors."""
    return next((message for marker, message in MESSAGES.items() if marker in error_text), None)
