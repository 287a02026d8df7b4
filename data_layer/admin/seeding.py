"""The reference rows ``ansinh db init`` adds: the catalogue (funding sources, categories) and the
monthly allowance's standards, groups and coefficients, the base salaries of the health-insurance
premium, and the official unit catalogue when it is empty.
Only missing rows are added."""

from __future__ import annotations

from sqlmodel import Session

from data_layer.allowance import reference as allowance_reference
from data_layer.bhyt import reference as bhyt_reference
from data_layer.core.access import Scope
from data_layer.registry.catalog import seed_catalog
from data_layer.registry.unit_catalog import catalog_is_empty, load_catalog
from data_layer.registry.unit_table import EMBEDDED_SOURCE, embedded_table


def seed_reference_data(session: Session) -> None:
    """Insert the standard sources and categories (and the monthly allowance's standards, groups and
    coefficients) that are missing; existing rows stay untouched."""
    seed_catalog(session)
    allowance_reference.seed(session)
    bhyt_reference.seed(session)


def seed_unit_catalog(session: Session) -> bool:
    """Load the embedded unit catalogue (no network) when the database has none; an official table
    loaded by ``ansinh unit load`` is never replaced. True when it was loaded now."""
    if not catalog_is_empty(session):
        return False
    load_catalog(session, Scope.system(), embedded_table(), source=EMBEDDED_SOURCE)
    return True
