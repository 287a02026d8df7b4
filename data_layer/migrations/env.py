"""Alembic environment: runs on the engine handed over by data_layer.core.db (batch mode for SQLite)."""

from alembic import context
from sqlmodel import SQLModel

from data_layer.core import models  # noqa: F401  (registers the tables on the metadata)

engine = context.config.attributes["engine"]
with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=SQLModel.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()
