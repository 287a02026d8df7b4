"""Shared fixtures: a real database per backend (SQLite file and PostgreSQL), fresh for every test.

Each test run creates its own PostgreSQL database and drops it at the end. A PostgreSQL server that
cannot be reached fails the run: the data layer must be proven on both databases.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import bcrypt
import pytest
from sqlalchemy import Engine, create_engine, text
from sqlmodel import SQLModel

from data_layer.admin import logins
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


REAL_GENSALT = bcrypt.gensalt


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashes() -> Iterator[None]:
    """bcrypt at its lowest cost (4 rounds, not the app's 12) for every account a test makes, those of
    the template and demo databases included, so their logins check cheap hashes too (browser tests'
    servers as well). A test about the cost itself asks for ``real_password_hashes``."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(bcrypt, "gensalt", lambda rounds=4, prefix=b"2b": REAL_GENSALT(rounds, prefix))
        yield


@pytest.fixture
def real_password_hashes(monkeypatch) -> Iterator[None]:
    """bcrypt at the app's own cost for this test (the dummy hash of unknown names made again)."""
    monkeypatch.setattr(bcrypt, "gensalt", REAL_GENSALT)
    logins._dummy_hash.cache_clear()
    yield
    logins._dummy_hash.cache_clear()


# Tests that take longest start first (the two-server test, then the browser tests): with pytest-xdist,
# a run ends when its last test does, so the last ones to start should be short data-layer tests.
LONGEST_FIRST = ("tests/e2e/test_two_servers.py", "tests/e2e/")


def pytest_collection_modifyitems(items):
    def rank(item) -> int:
        return next((i for i, path in enumerate(LONGEST_FIRST) if path in item.nodeid), len(LONGEST_FIRST))

    items.sort(key=rank)  # stable: the order within each rank is kept


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


@contextmanager
def new_pg_database() -> Iterator[str]:
    """A new, empty PostgreSQL database (its URL), dropped afterwards."""
    admin = _pg_admin_engine()
    name = f"ansinh_test_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
        # a test database need not survive a crash: commits do not wait for the log to reach the disk
        conn.execute(text(f'ALTER DATABASE "{name}" SET synchronous_commit = off'))
    url = admin.url.set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        get_engine(url).dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A PostgreSQL database of its own for this test run."""
    with new_pg_database() as url:
        yield url


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


def clear_database(engine: Engine, keep: frozenset[str] = frozenset()) -> None:
    """Empty every table but the database state (its one row holds the data version) and, on
    PostgreSQL, the tables in ``keep`` (their sequences go on from their highest id)."""
    emptied = list(reversed(_data_tables()))
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            _empty_postgres_tables(conn, [t for t in emptied if t not in keep], keep)
        else:  # without the triggers: signed reports and an approved ward's gifts refuse deletion
            triggers.drop_all(conn)
            for table in emptied:
                conn.execute(text(f'DELETE FROM "{table}"'))
            triggers.create_all(conn, schema.dialect_triggers("sqlite"))


def _empty_postgres_tables(conn, tables: list[str], kept: frozenset[str]) -> None:
    """Delete the rows of those of ``tables`` that hold any and restart every sequence, as
    ``TRUNCATE … RESTART IDENTITY`` would, at a fraction of its cost (TRUNCATE gives every table and
    index a new file and syncs it: about a second per test, where a test writes a few tables); the
    sequences of the ``kept`` tables go on from their highest id, as right after seeding."""
    filled = _tables_with_rows(conn, tables)
    conn.execute(text("SET LOCAL session_replication_role = replica"))  # no lock triggers, no FK checks
    for table in tables:
        if table in filled:
            conn.execute(text(f'DELETE FROM "{table}"'))
    conn.execute(
        text(
            "SELECT setval(c.oid, 1, false) FROM pg_class c"
            " WHERE c.relkind = 'S' AND c.relnamespace = 'public'::regnamespace"
        )
    )
    if kept:
        conn.execute(
            text(
                " UNION ALL ".join(
                    f"SELECT setval(pg_get_serial_sequence('\"{t}\"', 'id'), (SELECT max(id) FROM \"{t}\"))"
                    for t in sorted(kept)
                )
            )
        )


def _data_version(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(text("SELECT data_version FROM databasestate WHERE id = 1")).scalar_one()


def restore_sqlite(template: str, engine: Engine) -> None:
    """Put the SQLite database of ``engine`` back to the file ``template``; the data version moves on,
    never back (anything keyed by it cannot serve what an earlier test saw)."""
    version = _data_version(engine)
    copy_sqlite(template, engine.url.render_as_string(hide_password=False))
    with engine.begin() as conn:
        conn.execute(text("UPDATE databasestate SET data_version = :v WHERE id = 1"), {"v": version + 1})


@pytest.fixture(scope="session")
def seeded_sqlite_template(tmp_path_factory) -> str:
    """A SQLite file migrated and seeded as the ``engine`` fixture hands it over, built once per run."""
    return once_per_run(tmp_path_factory, "seeded", lambda path: migrate_and_seed(f"sqlite:///{path}"))


def migrate_and_seed(url: str) -> Engine:
    """The database at ``url`` brought to the newest schema and seeded with the reference catalogue (as
    after `ansinh db init`); its engine."""
    engine = get_engine(url)
    upgrade_schema(engine)
    with write_session(engine) as session:
        seed_reference_data(session)
    return engine


def fresh_database(request, engine: Engine) -> None:
    """Empty ``engine``'s database and seed the reference catalogue (as after `ansinh db init`): SQLite
    copies a seeded file; PostgreSQL deletes what the previous test wrote and seeds again, or keeps the
    reference tables when no test has touched them since they were seeded (see reference_fingerprint)."""
    if engine.dialect.name == "sqlite":
        restore_sqlite(request.getfixturevalue("seeded_sqlite_template"), engine)
        return
    url = engine.url.render_as_string(hide_password=False)
    seeded = _SEEDED.get(url)
    with engine.connect() as conn:
        untouched = seeded is not None and reference_fingerprint(conn, seeded[0]) == seeded[1]
    if untouched:
        clear_database(engine, keep=seeded[0])
        return
    clear_database(engine)
    with write_session(engine) as session:
        seed_reference_data(session)
    with engine.connect() as conn:
        reference = frozenset(_tables_with_rows(conn, _data_tables()))
        _SEEDED[url] = (reference, reference_fingerprint(conn, reference))


# PostgreSQL database URL -> (the tables seeding fills, their fingerprint right after seeding)
_SEEDED: dict[str, tuple[frozenset[str], list]] = {}


def reference_fingerprint(conn, tables: frozenset[str]) -> list:
    """Each table's row count and newest row version (xmin): the same only while nobody has inserted,
    updated or deleted a row of it since (an insert or update writes a row version with a newer
    transaction id; a delete lowers the count)."""
    query = " UNION ALL ".join(
        f"SELECT '{t}', count(*), max(xmin::text::bigint) FROM \"{t}\"" for t in sorted(tables)
    )
    return [tuple(row) for row in conn.execute(text(query))]


def _data_tables() -> list[str]:
    """Every table, parents first, but the database state."""
    return [t.name for t in SQLModel.metadata.sorted_tables if t.name != DatabaseState.__tablename__]


def _tables_with_rows(conn, tables: list[str]) -> set[str]:
    probe = " UNION ALL ".join(f"SELECT '{t}' WHERE EXISTS (SELECT 1 FROM \"{t}\")" for t in tables)
    return set(conn.execute(text(probe)).scalars())


@pytest.fixture
def engine(request, migrated_engine) -> Iterator[Engine]:
    """Empty database with the reference catalogue seeded (as after `ansinh db init`).

    After the test, the trigger-kept tallies must equal a fresh recount: every write path the
    suite exercises is thereby checked against the progress page's running totals.
    """
    fresh_database(request, migrated_engine)
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


def once_per_run(tmp_path_factory, name: str, build: Callable[[Path], None]) -> str:
    """The SQLite file ``name``, written by ``build(path)`` once for the whole run: under pytest-xdist
    the first worker to need it builds it while the others wait for it, then every worker copies it."""
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):  # each worker has its own folder in the run's folder
        root = root.parent
    folder = root / "templates" / name
    folder.parent.mkdir(exist_ok=True)
    path, done = folder / f"{name}.db", folder / "done"
    with open(root / "templates" / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)  # what a failed build left
            folder.mkdir()
            build(path)
            get_engine(f"sqlite:///{path}").dispose()
            done.touch()
    return str(path)


def _initialised_template(tmp_path_factory, name: str, *options: str) -> str:
    from data_layer.cli import main

    def build(path: Path) -> None:
        assert main(["db", "init", *options, "--db", f"sqlite:///{path}"]) == 0

    return once_per_run(tmp_path_factory, name, build)


@pytest.fixture(scope="session")
def init_template(tmp_path_factory) -> str:
    """A database set up by `ansinh db init` once per run, to be copied by each test."""
    return _initialised_template(tmp_path_factory, "init")


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory) -> str:
    """A demo database built once per run (`ansinh db init --demo`), to be copied by each test."""
    return _initialised_template(tmp_path_factory, "demo", "--demo")


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
