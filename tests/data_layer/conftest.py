"""The official unit catalogue for the data-layer tests: the conversion table (../shared/data/units,
never copied into the project) read once per run, a fresh database with it loaded, and one database per
backend loaded once for the tests that only read it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from data_layer.core.access import Scope
from data_layer.core.db import get_engine, write_session
from data_layer.registry.unit_catalog import load_catalog
from data_layer.registry.unit_table import read_table
from tests.conftest import (
    REPO_ROOT,
    copy_sqlite,
    migrate_and_seed,
    new_pg_database,
    once_per_run,
    restore_sqlite,
)

OFFICIAL = REPO_ROOT.parent / "shared" / "data" / "units" / "bang_chuyen_doi_dvhc_2025.csv"


@pytest.fixture(scope="session")
def table():
    if not OFFICIAL.exists():  # official data is never committed: it lies beside the checkout
        pytest.fail(f"The official unit table is missing: {OFFICIAL} (../shared/data, see its README)")
    return read_table(OFFICIAL.read_bytes(), OFFICIAL.name)


def _load_official(engine: Engine, table) -> Engine:
    """Load the official catalogue into the (migrated, seeded) database of ``engine``; the engine."""
    with write_session(engine) as session:
        load_catalog(session, Scope.system(), table, source=OFFICIAL.name)
    return engine


@pytest.fixture(scope="session")
def official_sqlite_template(tmp_path_factory, table) -> str:
    """A seeded SQLite file with the official catalogue loaded, built once per run."""
    return once_per_run(
        tmp_path_factory,
        "official",
        lambda path: _load_official(migrate_and_seed(f"sqlite:///{path}"), table),
    )


@pytest.fixture
def official(request, engine, table) -> Engine:
    """The engine's fresh database with the official catalogue loaded (SQLite: a copy of a file loaded
    once per run)."""
    if engine.dialect.name == "sqlite":
        restore_sqlite(request.getfixturevalue("official_sqlite_template"), engine)
        return engine
    return _load_official(engine, table)


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def official_to_read(request, tmp_path_factory, table) -> Iterator[Engine]:
    """A database with the official catalogue, loaded once per run and worker for the tests that only
    read it (they must not write: every test using it sees the same database)."""
    if request.param == "sqlite":
        path = Path(tmp_path_factory.mktemp("official")) / "official.db"
        copy_sqlite(request.getfixturevalue("official_sqlite_template"), f"sqlite:///{path}")
        yield get_engine(f"sqlite:///{path}")
        return
    with new_pg_database() as url:
        yield _load_official(migrate_and_seed(url), table)
