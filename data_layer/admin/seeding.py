"""The reference rows ``ansinh db init`` adds: the catalogue (funding sources, categories) and the
monthly allowance's standards, groups and coefficients. Only missing rows are added."""

from __future__ import annotations

from sqlmodel import Session

from data_layer.allowance import reference as allowance_reference
from data_layer.registry.catalog import seed_catalog


def seed_reference_data(session: Session) -> None:
    """Insert the standard sources and categories (and the monthly allowance's standards, groups and
    coefficients) that are missing; existing rows stay untouched."""
    seed_catalog(session)
    allowance_reference.seed(session)
