"""``ansinh db backup`` / ``db restore`` on SQLite and PostgreSQL: a backup taken while people write
restores to one consistent moment of the source; damaged, foreign and mismatched files and a database
that holds data are refused with a sentence, and nothing is overwritten."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select, text

from data_layer.admin import backup
from data_layer.cli import main
from data_layer.core import tallies
from data_layer.core.db import get_engine, read_session, write_session
from data_layer.core.errors import Invalid
from data_layer.core.models import Beneficiary, WardTally
from data_layer.core.schema import upgrade_schema
from data_layer.vn.formatting import format_size
from tests.conftest import _pg_admin_engine

BATCH = 10  # people per writer transaction: a consistent copy holds a multiple of it


@pytest.fixture
def empty_target(engine, tmp_path) -> Iterator[str]:
    """The URL of a second, empty database of the same kind as ``engine``."""
    if engine.dialect.name == "sqlite":
        yield f"sqlite:///{tmp_path / 'target.db'}"
        return
    admin = _pg_admin_engine()
    name = f"ansinh_restore_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = admin.url.set(database=name).render_as_string(hide_password=False)
    yield url
    get_engine(url).dispose()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def people(engine) -> int:
    with read_session(engine) as session:
        return session.execute(select(func.count()).select_from(Beneficiary)).scalar_one()


def test_a_backup_taken_while_people_write_restores_to_one_moment(engine, wards, empty_target, tmp_path):
    """A writer adds 10 people per transaction all through the backup. The restored copy must hold a
    whole number of transactions (a multiple of 10 people, never a half-written one), between the
    counts seen before and after the backup, and its running totals must equal a recount."""
    stop = threading.Event()
    written = [0]

    def writer() -> None:
        while not stop.is_set():
            with write_session(engine) as session:
                n = written[0]
                session.add_all(
                    Beneficiary(ward_id=wards["A"], name=f"Người {n + i}", name_key=f"nguoi {n + i}")
                    for i in range(BATCH)
                )
            written[0] += BATCH

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while people(engine) < 5 * BATCH:  # the writer is under way
            pass
        before = people(engine)
        info = backup.backup(engine, tmp_path / "sao-luu.bak")
        after = people(engine)
    finally:
        stop.set()
        thread.join()

    target = get_engine(empty_target)
    backup.restore(target, info.path)
    upgrade_schema(target)
    restored = people(target)
    assert restored % BATCH == 0
    assert before <= restored <= after
    with target.connect() as conn:
        assert tallies.check(conn) == []
        assert conn.execute(select(func.sum(WardTally.people))).scalar_one() == restored


def test_restore_refuses_a_database_that_holds_data_unless_forced(engine, wards, tmp_path):
    with write_session(engine) as session:
        session.add(Beneficiary(ward_id=wards["A"], name="Nguyễn Văn An", name_key="nguyen van an"))
    info = backup.backup(engine, tmp_path / "sao-luu.bak")
    with write_session(engine) as session:
        session.add(Beneficiary(ward_id=wards["B"], name="Trần Thị Bình", name_key="tran thi binh"))

    with pytest.raises(Invalid, match=r"đã có dữ liệu \(2 người\).*--force"):
        backup.restore(engine, info.path)
    assert people(engine) == 2  # nothing overwritten

    backup.restore(engine, info.path, force=True)
    assert people(engine) == 1
    with engine.connect() as conn:
        assert tallies.check(conn) == []


def test_a_truncated_backup_is_refused_and_nothing_is_written(engine, wards, empty_target, tmp_path):
    with write_session(engine) as session:
        session.add_all(
            Beneficiary(ward_id=wards["A"], name=f"Người {i}", name_key=f"nguoi {i}") for i in range(300)
        )
    info = backup.backup(engine, tmp_path / "sao-luu.bak")
    cut = tmp_path / "cut.bak"
    cut.write_bytes(info.path.read_bytes()[: info.size * 2 // 3])
    target = get_engine(empty_target)
    with pytest.raises(Invalid, match="không (trọn vẹn|đọc được trọn vẹn)"):
        backup.restore(target, cut)
    assert backup.held_data(target) == []  # still empty, no half restore


def test_foreign_and_mismatched_files_are_refused(engine, tmp_path):
    text_file = tmp_path / "ghi-chu.bak"
    text_file.write_text("không phải sao lưu")
    with pytest.raises(Invalid, match="không phải bản sao lưu của An Sinh"):
        backup.restore(engine, text_file)
    other = tmp_path / "other.bak"
    other.write_bytes((b"PGDMP" if engine.dialect.name == "sqlite" else b"SQLite format 3\x00") + b"\0" * 64)
    with pytest.raises(Invalid, match="không phục hồi được vào cơ sở dữ liệu"):
        backup.restore(engine, other)


def test_cli_backup_is_shown_as_the_last_backup_and_restore_prints_the_tallies_check(
    db_url, tmp_path, capsys
):
    out = tmp_path / "bk" / "an-sinh.bak"
    assert main(["db", "backup", "--out", str(out)]) == 0
    assert f"Đã sao lưu vào {out}" in capsys.readouterr().out
    with read_session(get_engine(db_url)) as session:
        _, what = backup.last_backup(session)
    assert what == f"an-sinh.bak, {format_size(out.stat().st_size)}"
    assert out.stat().st_mode & 0o077 == 0  # people's ID numbers: readable by the owner only

    assert main(["db", "restore", str(out)]) == 0  # only the catalogue: nothing to lose
    printed = capsys.readouterr().out
    assert "Đã phục hồi từ" in printed and "Các số tổng hợp khớp với dữ liệu." in printed
    assert "Chuỗi niêm phong khớp" in printed


def test_cli_backup_without_pg_dump_says_what_to_install(pg_url, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PATH", str(tmp_path))  # no pg_dump anywhere
    assert main(["db", "init", "--db", pg_url]) == 0
    assert main(["db", "backup", "--db", pg_url, "--out", str(tmp_path / "x.dump")]) == 1
    assert "Không tìm thấy chương trình pg_dump" in capsys.readouterr().err
    assert not (tmp_path / "x.dump").exists()
