"""The official unit catalogue for the data-layer tests: the conversion table (../shared/data/units,
never copied into the project) read once per run, and a fresh database with it loaded."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from data_layer.core.access import Scope
from data_layer.core.db import write_session
from data_layer.registry.unit_catalog import load_catalog
from data_layer.registry.unit_table import read_table
from tests.conftest import REPO_ROOT

OFFICIAL = REPO_ROOT.parent / "shared" / "data" / "units" / "bang_chuyen_doi_dvhc_2025.csv"


@pytest.fixture(scope="session")
def table():
    return read_table(OFFICIAL.read_bytes(), OFFICIAL.name)


@pytest.fixture
def official(engine, table) -> Engine:
    """The engine's fresh database with the official catalogue loaded."""
    with write_session(engine) as session:
        load_catalog(session, Scope.system(), table, source=OFFICIAL.name)
    return engine
