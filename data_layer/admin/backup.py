"""Backups an office can restore: ``ansinh db backup`` and ``ansinh db restore``.

SQLite is copied with its online backup API (one consistent snapshot while users keep writing);
PostgreSQL with ``pg_dump`` in its custom format (a snapshot too) and restored with ``pg_restore``.
A file is checked whole before anything is restored, a database that already holds data is only
overwritten when asked, and the newest backup made is recorded in the audit trail (the *Quản trị*
page shows it).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, inspect, select, text
from sqlalchemy.engine import URL
from sqlmodel import Session

from data_layer.core import audit
from data_layer.core.access import Scope
from data_layer.core.codes import Action
from data_layer.core.errors import Invalid, UserError
from data_layer.core.models import AuditEvent
from data_layer.vn.formatting import format_size

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"
KIND_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
AUDIT_TABLE = "database"
# Tables whose rows mean the database is in use (the reference catalogue alone is not "data").
DATA_TABLES = {
    "beneficiary": "người",
    "user": "người dùng",
    "campaign": "đợt tặng quà",
    "entitlement": "chế độ",
}


@dataclass(frozen=True)
class BackupInfo:
    """A backup made: where and how big (bytes)."""

    path: Path
    size: int


def backup(engine: Engine, out: Path) -> BackupInfo:
    """Write a consistent copy of the database to ``out`` (written aside, then moved into place)."""
    out = Path(out)
    if out.exists() and out.is_dir():
        raise Invalid(f"'{out}' là một thư mục: hãy cho tên tệp sao lưu.")
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".dang-ghi")
    try:
        if engine.dialect.name == "sqlite":
            _sqlite_backup(engine, partial)
        else:
            _run(["pg_dump", "--format=custom", "--no-owner", f"--file={partial}"], engine)
        os.chmod(partial, 0o600)  # it holds people's ID numbers
        partial.replace(out)
    finally:
        partial.unlink(missing_ok=True)
    return BackupInfo(out, out.stat().st_size)


def record_backup(session: Session, info: BackupInfo) -> None:
    """Note the backup in the audit trail (read back by ``last_backup``)."""
    audit.record(
        session,
        Scope.system(),
        table=AUDIT_TABLE,
        row_id=None,
        action=Action.BACKUP,
        new=f"{info.path.name}, {format_size(info.size)}",
    )


def last_backup(session: Session) -> tuple[datetime, str] | None:
    """When the newest recorded backup was made and what it was ('an-sinh.bak, 1,7 MB')."""
    row = session.execute(
        select(AuditEvent.at, AuditEvent.new)
        .where(AuditEvent.table_name == AUDIT_TABLE, AuditEvent.action == Action.BACKUP)
        .order_by(AuditEvent.id.desc())
        .limit(1)
    ).first()
    return (row.at, row.new) if row else None


def restore(engine: Engine, file: Path, *, force: bool = False) -> None:
    """Replace the database with the backup ``file``, after checking the file whole; a database
    that already holds data is refused unless ``force``."""
    file = Path(file)
    if not file.is_file():
        raise Invalid(f"Không tìm thấy tệp sao lưu '{file}'.")
    with open(file, "rb") as handle:
        head = handle.read(len(SQLITE_MAGIC))
    kinds = {"sqlite": SQLITE_MAGIC, "postgresql": PG_DUMP_MAGIC}
    kind = next((name for name, magic in kinds.items() if head.startswith(magic)), None)
    if kind is None:
        raise Invalid(f"Tệp '{file.name}' không phải bản sao lưu của An Sinh.")
    if kind != engine.dialect.name:
        raise Invalid(
            f"Tệp là bản sao lưu {KIND_NAMES[kind]}, không phục hồi được vào cơ sở dữ liệu "
            f"{KIND_NAMES[engine.dialect.name]}."
        )
    sqlite_target = kind == "sqlite"
    if sqlite_target:
        _check_sqlite_file(file)
    else:
        _run(["pg_restore", "--file=/dev/null", str(file)], engine, with_db=False)
    if not force:
        in_use = held_data(engine)
        if in_use:
            raise Invalid(
                "Cơ sở dữ liệu đích đã có dữ liệu (" + ", ".join(in_use) + "): phục hồi sẽ ghi đè tất cả. "
                "Thêm --force nếu chắc chắn."
            )
    engine.dispose()
    if sqlite_target:
        with (
            closing(sqlite3.connect(str(file))) as source,
            closing(sqlite3.connect(engine.url.database)) as target,
        ):
            source.backup(target)
    else:
        _run(
            ["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction", "--exit-on-error"],
            engine,
            tail=[str(file)],
        )
    engine.dispose()


def held_data(engine: Engine) -> list[str]:
    """What the database holds that a restore would overwrite, e.g. ``["12 người", "3 người dùng"]``."""
    present = set(inspect(engine).get_table_names())
    held = []
    with engine.connect() as conn:
        for table, noun in DATA_TABLES.items():
            if table in present:
                count = conn.execute(text(f'SELECT count(*) FROM "{table}"')).scalar_one()
                if count:
                    held.append(f"{count} {noun}")
    return held


def _sqlite_backup(engine: Engine, out: Path) -> None:
    with engine.connect() as conn:
        source = conn.connection.dbapi_connection
        with closing(sqlite3.connect(out)) as target:
            source.backup(target)  # all pages in one step: one snapshot, writers go on (WAL)
            target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file


def _check_sqlite_file(file: Path) -> None:
    """Refuse a truncated or damaged SQLite backup, or one that is not An Sinh's."""
    try:
        with closing(sqlite3.connect(f"{file.resolve().as_uri()}?mode=ro", uri=True)) as conn:
            result = conn.execute("PRAGMA integrity_check").fetchone()[0]
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as exc:
        raise Invalid(f"Tệp sao lưu '{file.name}' bị hỏng hoặc không trọn vẹn ({exc}).") from exc
    if result != "ok":
        raise Invalid(f"Tệp sao lưu '{file.name}' bị hỏng hoặc không trọn vẹn: {result}.")
    if "alembic_version" not in tables:
        raise Invalid(f"Tệp '{file.name}' không phải bản sao lưu của An Sinh.")


def _run(command: list[str], engine: Engine, *, with_db: bool = True, tail: list[str] = ()) -> None:
    """Run a PostgreSQL client program against the engine's database (password through the
    environment, never on the command line); a failure becomes a Vietnamese sentence."""
    program = command[0]
    if shutil.which(program) is None:
        raise UserError(
            f"Không tìm thấy chương trình {program} (gói postgresql-client): cài nó trên máy chạy lệnh "
            "rồi thử lại."
        )
    env = dict(os.environ)
    if with_db:
        url: URL = engine.url
        if url.password:
            env["PGPASSWORD"] = str(url.password)
        dsn = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
        command = [*command, f"--dbname={dsn}"]
    result = subprocess.run([*command, *tail], capture_output=True, text=True, env=env)
    if result.returncode != 0:
        detail = (result.stderr.strip().splitlines() or ["không rõ lý do"])[-1]
        if program == "pg_restore" and not with_db:
            raise Invalid(f"Tệp sao lưu không đọc được trọn vẹn, không phục hồi: {detail}")
        raise UserError(f"{program} không chạy được: {detail}")
