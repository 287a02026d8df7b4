"""Shared fixtures: a real database per backend (SQLite file and PostgreSQL), fresh for every test.

Each test run creates its own PostgreSQL database and drops it at the end. A PostgreSQL server that
cannot be reached fails the run: the data layer must be proven on both databases.
"""

from __future__ import annotations

import os
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlmodel import SQLModel

from data_layer.admin.seeding import seed_reference_data
from data_layer.core import schema, tallies, triggers
from data_layer.core.access import Scope
from data_layer.core.db import get_engine, write_session
from data_layer.core.models import DatabaseState
from data_layer.core.schema import upgrade_schema
from data_layer.registry.wards import add_ward

PG_ADMIN_URLS = [
    os.environ.get("ANSINH_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"),
    "postgresql+psycopg://postgres@/test?host=/var/run/postgresql",
]


def _pg_admin_engine() -> Engine:
    errors = []
    for url in PG_ADMIN_URLS:
        engine = create_engine(url, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect():
                return engine
        except Exception as exc:  # noqa: BLE001 - report every attempt below
            errors.append(f"{url}: {exc}")
            engine.dispose()
    pytest.fail("PostgreSQL is required for the data-layer tests and is unreachable:\n" + "\n".join(errors))


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A PostgreSQL database of its own for this test run."""
    admin = _pg_admin_engine()
    name = f"ansinh_test_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = admin.url.set(database=name).render_as_string(hide_password=False)
    yield url
    get_engine(url).dispose()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'ansinh.db'}"


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def migrated_engine(request) -> Engine:
    """An engine on a database brought to the newest schema by the real migrations."""
    url = request.getfixturevalue("pg_url" if request.param == "postgresql" else "sqlite_url")
    engine = get_engine(url)
    upgrade_schema(engine)
    return engine


def clear_database(engine: Engine) -> None:
    """Empty every table but the database state (its one row holds the data version)."""
    keep = DatabaseState.__tablename__
    tables = [t.name for t in reversed(SQLModel.metadata.sorted_tables) if t.name != keep]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":  # as a replica: the lock triggers refuse TRUNCATE
            conn.execute(text("SET LOCAL session_replication_role = replica"))
            conn.execute(
                text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE")
            )
        else:  # without the triggers: signed reports and an approved ward's gifts refuse deletion
            triggers.drop_all(conn)
            for table in tables:
                conn.execute(text(f'DELETE FROM "{table}"'))
            triggers.create_all(conn, schema.dialect_triggers("sqlite"))


@pytest.fixture
def engine(migrated_engine) -> Iterator[Engine]:
    """Empty database with the reference catalogue seeded (as after `ansinh db init`).

    After the test, the trigger-kept tallies must equal a fresh recount: every write path the
    suite exercises is thereby checked against the progress page's running totals.
    """
    clear_database(migrated_engine)
    with write_session(migrated_engine) as session:
        seed_reference_data(session)
    yield migrated_engine
    with migrated_engine.connect() as conn:
        assert tallies.check(conn) == [], "running totals differ from a recount"


@pytest.fixture
def wards(engine) -> dict[str, int]:
    """Two wards, A and B, by code → id."""
    with write_session(engine) as session:
        ids = {code: add_ward(session, Scope.system(), code, f"Phường {code}").id for code in ("A", "B")}
    return ids


@pytest.fixture
def admin_scope() -> Scope:
    return Scope(user_id=None, username="admin", role="admin", ward_ids=None)


@pytest.fixture
def tmp_sqlite_env(tmp_path, monkeypatch) -> str:
    """Point ANSINH_* at a fresh SQLite file and data folder (for the CLI and AppTest)."""
    url = f"sqlite:///{tmp_path / 'app.db'}"
    monkeypatch.setenv("ANSINH_DATABASE_URL", url)
    monkeypatch.setenv("ANSINH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ANSINH_COOKIE_KEY", "test-only-cookie-key-0123456789abcdef")
    return url


REPO_ROOT = Path(__file__).resolve().parent.parent


def copy_sqlite(source: str, target_url: str) -> None:
    """Copy the SQLite file ``source`` into the database of ``target_url`` (SQLite's backup API copies
    what is still in the write-ahead log too)."""
    with (
        closing(sqlite3.connect(source)) as origin,
        closing(sqlite3.connect(target_url.removeprefix("sqlite:///"))) as target,
    ):
        origin.backup(target)


def _initialised_template(tmp_path_factory, *options: str) -> str:
    from data_layer.cli import main

    path = tmp_path_factory.mktemp("template") / "template.db"
    assert main(["db", "init", *options, "--db", f"sqlite:///{path}"]) == 0
    get_engine(f"sqlite:///{path}").dispose()
    return str(path)


@pytest.fixture(scope="session")
def init_template(tmp_path_factory) -> str:
    """A database set up by `ansinh db init` once per run, to be copied by each test."""
    return _initialised_template(tmp_path_factory)


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory) -> str:
    """A demo database built once per run (`ansinh db init --demo`), to be copied by each test."""
    return _initialised_template(tmp_path_factory, "--demo")


@pytest.fixture
def db_url(tmp_sqlite_env, init_template, capsys) -> str:
    """A fresh SQLite database as `ansinh db init` leaves it (for the CLI tests); its URL."""
    copy_sqlite(init_template, tmp_sqlite_env)
    capsys.readouterr()
    return tmp_sqlite_env


@pytest.fixture
def demo_db(tmp_sqlite_env, demo_template) -> str:
    """A private copy of the demo database behind ANSINH_DATABASE_URL; its URL."""
    copy_sqlite(demo_template, tmp_sqlite_env)
    return tmp_sqlite_env


def installed_triggers(engine: Engine) -> set[str]:
    """Names of An Sinh's triggers present in the database."""
    with engine.connect() as conn:
        return triggers.installed(conn)


def expected_triggers(engine: Engine) -> set[str]:
    """Names of every trigger the schema keeps on this database kind."""
    return {t.name for t in schema.dialect_triggers(engine.dialect.name)}


def people_of(session, scope: Scope, ward_id: int | None = None) -> list:
    """Every person of the scope (optionally one ward) as the registry shows them."""
    from data_layer.registry.queries import Filters, people_page

    return people_page(session, scope, Filters(ward_id=ward_id), page_size=10_000_000)


def source_id(session, code: str) -> int:
    """The id of the funding source with this code."""
    from sqlalchemy import select

    from data_layer.core.models import FundingSource

    return session.execute(select(FundingSource.id).where(FundingSource.code == code)).scalar_one()


def records_of(session, ward_id: int) -> dict[str, dict]:
    """The ward's people by name, as the CLI's JSON gives them."""
    from sqlalchemy import select

    from data_layer.core.models import Category
    from data_layer.registry.fields import as_json

    codes = dict(session.execute(select(Category.id, Category.code)).all())
    return {p.name: as_json(p, codes) for p in people_of(session, Scope.system(), ward_id)}
