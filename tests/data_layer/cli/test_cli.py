"""The `ansinh` command: exact command words, --db override, Vietnamese errors with non-zero exit."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from data_layer.admin.users import verify_password
from data_layer.cli import main
from data_layer.core.db import get_engine, write_session
from data_layer.core.models import Beneficiary, User, Ward


def run(capsys, *argv, stdin: str | None = None, monkeypatch=None):
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_console_script_is_installed_and_prints_help():
    script = Path(sys.executable).parent / "ansinh"
    result = subprocess.run([str(script), "--help"], capture_output=True, text=True, check=True)
    for word in ("db", "ward", "source", "campaign", "user", "import", "beneficiaries"):
        assert word in result.stdout


def test_ward_and_source_add_are_idempotent(capsys, db_url):
    assert run(capsys, "ward", "add", "DK", "Phường Đông Kinh")[0] == 0
    assert run(capsys, "ward", "add", "dk", "Tên khác")[0] == 0
    assert run(capsys, "source", "add", "QTT", "Quỹ Tấm lòng vàng")[0] == 0
    assert run(capsys, "source", "add", "QTT", "Quỹ Tấm lòng vàng")[0] == 0
    with write_session(get_engine(db_url)) as session:
        wards = session.execute(select(Ward.code, Ward.name)).all()
    assert [tuple(w) for w in wards] == [("DK", "Phường Đông Kinh")]


def test_campaign_add_prints_its_id(capsys, db_url):
    code, out, _ = run(capsys, "campaign", "add", "Tết Bính Ngọ 2026", "--year", "2026")
    assert code == 0 and out.strip().isdigit()
    code, _, err = run(capsys, "campaign", "add", "Tết Bính Ngọ 2026", "--year", "2026")
    assert code == 1 and "đã tồn tại" in err


def test_user_add_reads_password_from_stdin(capsys, monkeypatch, db_url):
    run(capsys, "ward", "add", "DK", "Phường Đông Kinh")
    code, out, _ = run(
        capsys,
        "user",
        "add",
        "lan",
        "--role",
        "ward",
        "--ward",
        "DK",
        "--name",
        "Hoàng Lan",
        "--password-stdin",
        stdin="mat-khau-dai\n",
        monkeypatch=monkeypatch,
    )
    assert code == 0, out
    with write_session(get_engine(db_url)) as session:
        user = session.execute(select(User).where(User.username == "lan")).scalar_one()
    assert (
        user.role == "ward"
        and user.name == "Hoàng Lan"
        and verify_password("mat-khau-dai", user.password_hash)
    )


def test_user_add_errors_are_vietnamese_and_non_zero(capsys, monkeypatch, db_url):
    code, _, err = run(
        capsys,
        "user",
        "add",
        "lan",
        "--role",
        "ward",
        "--password-stdin",
        stdin="mat-khau-dai\n",
        monkeypatch=monkeypatch,
    )
    assert code == 1 and "phải gắn với một phường" in err
    code, _, err = run(
        capsys,
        "user",
        "add",
        "lan",
        "--role",
        "admin",
        "--password-stdin",
        stdin="ngan\n",
        monkeypatch=monkeypatch,
    )
    assert code == 1 and "ít nhất 8 ký tự" in err


def test_db_option_overrides_environment(capsys, tmp_path, db_url):
    other = f"sqlite:///{tmp_path / 'other.db'}"
    assert run(capsys, "db", "init", "--db", other)[0] == 0
    assert run(capsys, "ward", "add", "Z9", "Xã Z", "--db", other)[0] == 0
    with write_session(get_engine(other)) as session:
        assert session.execute(select(Ward.code)).scalars().all() == ["Z9"]
    with write_session(get_engine(db_url)) as session:
        assert session.execute(select(Ward.code)).scalars().all() == []


def test_unknown_ward_is_an_error(capsys, db_url):
    code, _, err = run(capsys, "beneficiaries", "--ward", "NOPE", "--json")
    assert code == 1 and "Không tìm thấy phường/xã" in err


def test_db_init_demo_seeds_once_and_lists_beneficiaries(capsys, demo_db):
    """``demo_db`` is a copy of a database the first `ansinh db init --demo` of the run seeded."""

    def counts() -> tuple[int, int]:
        with write_session(get_engine(demo_db)) as session:
            return tuple(
                session.execute(select(func.count()).select_from(t)).scalar_one() for t in (Beneficiary, User)
            )

    total, users = counts()
    assert total > 0 and users > 0
    assert run(capsys, "db", "init", "--demo")[0] == 0  # second run: upgrade only, no new data
    assert counts() == (total, users)
    code, out, _ = run(capsys, "beneficiaries", "--ward", "DK", "--json")
    records = json.loads(out)
    assert code == 0 and 0 < len(records) < total
    assert {
        "id",
        "name",
        "birth_date",
        "birth_year",
        "gender",
        "national_id",
        "hamlet",
        "categories",
        "status",
    } <= set(records[0])


def test_demo_data_never_reaches_a_database_that_has_accounts(capsys, db_url, monkeypatch):
    """`make run` runs `db init --demo`: on a real database (one account, no ward) it must add nothing."""
    code, _, _ = run(
        capsys,
        "user",
        "add",
        "chu.tich",
        "--role",
        "admin",
        "--password-stdin",
        stdin="mat-khau-that\n",
        monkeypatch=monkeypatch,
    )
    assert code == 0
    code, out, _ = run(capsys, "db", "init", "--demo")
    assert code == 0 and "không nạp dữ liệu mẫu" in out
    with write_session(get_engine(db_url)) as session:
        assert session.execute(select(User.username)).scalars().all() == ["chu.tich"]
        assert session.execute(select(func.count()).select_from(Ward)).scalar_one() == 0


def test_the_cookie_key_file_is_private_from_the_start(tmp_path, monkeypatch):
    from data_layer.core.app_secrets import cookie_key

    monkeypatch.delenv("ANSINH_COOKIE_KEY", raising=False)
    monkeypatch.setenv("ANSINH_DATA_DIR", str(tmp_path / "data"))
    old = os.umask(0)  # a permissive umask: the file must still come out 0600
    try:
        key = cookie_key()
    finally:
        os.umask(old)
    path = tmp_path / "data" / ".cookie_key"
    assert len(key) > 30 and path.stat().st_mode & 0o777 == 0o600 and cookie_key() == key


def test_db_tallies_checks_and_rebuilds_the_running_totals(capsys, demo_db):
    assert run(capsys, "db", "tallies") == (0, "Các số tổng hợp khớp với dữ liệu.\n", "")
    with get_engine(demo_db).begin() as conn:
        conn.execute(text("UPDATE allocationtally SET gifts = gifts + 1"))
    code, out, _ = run(capsys, "db", "tallies")
    assert code == 1 and "allocationtally" in out and "--rebuild" in out
    assert run(capsys, "db", "tallies", "--rebuild")[0] == 0
    assert run(capsys, "db", "tallies")[0] == 0


def test_import_json_contract_and_dry_run(capsys, db_url, tmp_path):
    from tests.data_layer.workbooks import ward_list, write, xlsx_bytes

    run(capsys, "ward", "add", "DK", "Phường Đông Kinh")
    rows = [
        [1, "Nguyễn Văn An", "1950", "Nam", "020050001234", "Khối 1", "Thương binh", "600.000"],
        [2, "", "1950", "Nam", "", "Khối 1", "", ""],
    ]
    path = write(tmp_path, "dk.xlsx", xlsx_bytes(ward_list(rows)))
    code, out, _ = run(capsys, "import", str(path), "--ward", "DK", "--dry-run", "--json")
    summary = json.loads(out)
    assert code == 0
    assert {
        "rows_read",
        "accepted",
        "rejected",
        "warnings",
        "beneficiaries_created",
        "beneficiaries_matched",
        "allocations_created",
        "errors",
    } <= set(summary)
    assert (summary["rows_read"], summary["accepted"], summary["rejected"]) == (2, 1, 1)
    assert summary["errors"] == [{"row": 7, "column": "Họ và tên", "message": "Thiếu họ và tên."}]
    with write_session(get_engine(db_url)) as session:
        assert session.execute(select(func.count()).select_from(Beneficiary)).scalar_one() == 0
    code, out, _ = run(capsys, "import", str(path), "--ward", "DK", "--json")
    assert code == 0 and json.loads(out)["beneficiaries_created"] == 1
    code, out, _ = run(capsys, "beneficiaries", "--ward", "DK", "--json")
    (person,) = json.loads(out)
    assert person["national_id"] == "020050001234" and person["categories"] == ["NCC_TB"]


def test_import_gift_list_with_campaign_and_source(capsys, db_url, tmp_path):
    from tests.data_layer.workbooks import ward_list, write, xlsx_bytes

    run(capsys, "ward", "add", "DK", "Phường Đông Kinh")
    run(capsys, "campaign", "add", "Tết 2026", "--year", "2026")
    rows = [[1, "Nguyễn Văn An", "1950", "Nam", "020050001234", "Khối 1", "Thương binh", "600.000"]]
    path = write(tmp_path, "qua.xlsx", xlsx_bytes(ward_list(rows)))
    code, out, _ = run(
        capsys, "import", str(path), "--ward", "DK", "--campaign", "Tết 2026", "--source", "TW", "--json"
    )
    assert code == 0 and json.loads(out)["allocations_created"] == 1


def test_unreadable_file_exits_non_zero_and_writes_nothing(capsys, db_url, tmp_path):
    run(capsys, "ward", "add", "DK", "Phường Đông Kinh")
    bad = tmp_path / "hong.xlsx"
    bad.write_bytes(b"not a workbook")
    code, out, err = run(capsys, "import", str(bad), "--ward", "DK", "--json")
    assert code != 0 and out == "" and "không phải bảng tính" in err
    code, _, err = run(capsys, "import", str(tmp_path / "missing.xlsx"), "--ward", "DK")
    assert code != 0 and "Không tìm thấy tệp" in err


def test_lump_add(capsys, db_url):
    run(capsys, "ward", "add", "DK", "Phường Đông Kinh")
    run(capsys, "campaign", "add", "Tết 2026", "--year", "2026")
    code, out, _ = run(
        capsys,
        "lump",
        "add",
        "--campaign",
        "Tết 2026",
        "--ward",
        "DK",
        "--source",
        "XHH",
        "--count",
        "3072",
        "--amount",
        "1.485.600.000",
        "--note",
        "Hội Chữ thập đỏ",
    )
    assert code == 0 and "3072 suất = 1.485.600.000 đ" in out
    code, _, err = run(
        capsys,
        "lump",
        "add",
        "--campaign",
        "Không có",
        "--ward",
        "DK",
        "--source",
        "XHH",
        "--count",
        "1",
        "--amount",
        "1",
    )
    assert code == 1 and "Không tìm thấy đợt" in err
    code, _, err = run(
        capsys,
        "lump",
        "add",
        "--campaign",
        "Tết 2026",
        "--ward",
        "DK",
        "--source",
        "XHH",
        "--count",
        "1",
        "--amount",
        "nhiều",
    )
    assert code == 1 and "không đọc được" in err


def test_report_summary_json_and_files(capsys, demo_db, tmp_path):
    code, out, _ = run(capsys, "report", "summary", "--campaign", "Tết Nguyên đán Bính Ngọ 2026", "--json")
    summary = json.loads(out)
    assert code == 0 and set(summary) == {
        "campaign",
        "total_count",
        "total_amount",
        "delivered_count",
        "delivered_amount",
        "by_source",
        "basis",
    }
    assert summary["total_amount"] == sum(s["amount"] for s in summary["by_source"])
    for source in summary["by_source"]:
        assert {"source", "name", "count", "amount", "levels", "lumps"} <= set(source)
        assert source["count"] == sum(x["count"] for x in source["levels"]) + sum(
            x["count"] for x in source["lumps"]
        )
    xhh = next(s for s in summary["by_source"] if s["source"] == "XHH")
    assert xhh["lumps"] and xhh["levels"] == []
    out_file = tmp_path / "tong_hop.xlsx"
    code, out, _ = run(
        capsys, "report", "summary", "--campaign", "Tết Nguyên đán Bính Ngọ 2026", "--out", str(out_file)
    )
    assert code == 0 and out_file.stat().st_size > 0
    daily = tmp_path / "tien_do.xlsx"
    code, _, _ = run(
        capsys,
        "report",
        "daily",
        "--campaign",
        "Tết Nguyên đán Bính Ngọ 2026",
        "--date",
        "01/02/2026",
        "--out",
        str(daily),
    )
    assert code == 0 and daily.stat().st_size > 0
    code, _, err = run(
        capsys,
        "report",
        "daily",
        "--campaign",
        "Tết Nguyên đán Bính Ngọ 2026",
        "--date",
        "2026-02-01",
        "--out",
        str(daily),
    )
    assert code == 1 and "dd/mm/yyyy" in err


def test_db_revision_writes_the_next_numbered_migration(capsys, db_url, tmp_path, monkeypatch):
    """Developers' `ansinh db revision MSG`: next free number, chained to the head (0021 follows 0023 since
    the merges re-chained them), autogenerated from the models."""
    import shutil

    from data_layer.core import schema

    migrations = tmp_path / "migrations"
    shutil.copytree(schema.MIGRATIONS_DIR, migrations, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(schema, "MIGRATIONS_DIR", migrations)
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    files = sorted(p.name for p in (migrations / "versions").glob("*.py"))
    number = int(files[-1][:4]) + 1  # the next free number: the head need not be the highest (re-chained)
    config = Config()
    config.set_main_option("script_location", str(migrations))
    (head,) = ScriptDirectory.from_config(config).get_heads()
    code, out, _ = run(capsys, "db", "revision", "add a column")
    assert code == 0
    created = migrations / "versions" / f"{number:04d}_add_a_column.py"
    assert str(created) in out and created.exists()
    text_ = created.read_text()
    assert f'revision = "{number:04d}"' in text_ and f'down_revision = "{head}"' in text_
    assert "op." not in text_.split("def upgrade")[1]  # models and database agree: nothing to change


def test_the_tool_starts_without_the_database_layer():
    """Commands are declared without loading SQLAlchemy: `ansinh --help` is instant and `ansinh
    import` can have its file read while the database modules load."""
    probe = "import sys; from data_layer.cli import parser; parser.build_parser(); print(sorted(sys.modules))"
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert "sqlalchemy" not in loaded and "data_layer.core.db" not in loaded


def children() -> set[int]:
    pid = os.getpid()
    return {int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()}


def test_a_command_failing_before_reading_its_file_ends_the_early_reader(capsys, db_url, tmp_path):
    from tests.data_layer.workbooks import ward_list, xlsx_bytes

    path = tmp_path / "ds.xlsx"
    path.write_bytes(xlsx_bytes(ward_list([[1, "Nguyễn Văn An", "1950", "Nam", None, "Khối 1", None, None]])))
    before = children()
    code, _, err = run(capsys, "import", str(path), "--ward", "KHONGCO")
    assert code == 1 and "KHONGCO" in err
    assert children() <= before


def test_the_console_script_leaves_no_write_ahead_log(tmp_path):
    """It exits without the last garbage collection, after closing the database: SQLite has folded
    its log back into the file."""
    script = Path(sys.executable).parent / "ansinh"
    url = f"sqlite:///{tmp_path / 'a.db'}"
    for args in (["db", "init"], ["ward", "add", "DK", "Phường Đông Kinh"]):
        subprocess.run([str(script), *args, "--db", url], capture_output=True, check=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.db"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["ward", "add"], "ansinh ward add: lỗi: thiếu CODE, NAME"),
        (["campaign", "add", "Tết", "--year", "abc"], "--year: 'abc' không phải là số nguyên"),
        (["user", "add", "an", "--role", "boss"], "--role: 'boss' không hợp lệ, chọn một trong 'admin'"),
        (["ward", "add", "A", "B", "--bogus"], "ansinh: lỗi: không hiểu: --bogus"),
        (
            ["report", "summary", "--campaign", "X", "--json", "--out", "a"],
            "không dùng --out cùng với --json",
        ),
    ],
)
def test_usage_errors_and_help_are_vietnamese(capsys, argv, message):
    with pytest.raises(SystemExit) as stop:
        main(argv)
    err = capsys.readouterr().err
    assert stop.value.code == 2 and message in err and err.startswith("cách dùng: ansinh")
    assert "error" not in err and "usage" not in err
    with pytest.raises(SystemExit):
        main([*argv[:2], "--help"])
    out = capsys.readouterr().out
    assert "tùy chọn:" in out and "in hướng dẫn này rồi thoát" in out
    assert "usage" not in out and "options:" not in out and "show this help" not in out


def test_on_postgresql_every_app_server_reads_one_cookie_key_from_the_database(pg_url, monkeypatch):
    """Two app servers (two processes, two data folders) on one PostgreSQL database must sign cookies
    with one key, or a login on one is refused by the other behind a proxy."""
    from data_layer.core import app_secrets
    from data_layer.core.settings import get_settings

    monkeypatch.delenv("ANSINH_COOKIE_KEY", raising=False)
    monkeypatch.setenv("ANSINH_DATABASE_URL", pg_url)
    assert main(["db", "init"]) == 0
    with get_engine(pg_url).begin() as conn:
        conn.execute(text("DELETE FROM appsecret"))
    keys = []
    for folder in ("server-a", "server-b"):
        monkeypatch.setenv("ANSINH_DATA_DIR", f"/nonexistent/{folder}")  # no file is read or written
        keys.append(app_secrets.cookie_key(get_settings()))
    assert len(keys[0]) > 30 and keys[0] == keys[1]
    with get_engine(pg_url).connect() as conn:
        kept = conn.execute(text("SELECT value FROM appsecret WHERE name = 'cookie_key'")).scalar_one()
    assert kept == keys[0]
