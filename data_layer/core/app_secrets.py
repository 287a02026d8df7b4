"""The login cookie's signing key, the same for every app server of one database.

``ANSINH_COOKIE_KEY`` wins when set. Otherwise, on PostgreSQL (where several app servers may share one
database) a random key is created once in the database and read by every server; on SQLite (one
machine) it is kept in a file of the data folder, readable by its owner only.
"""

from __future__ import annotations

import os
import secrets

from sqlalchemy import Engine, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.engine import make_url

from data_layer.core.db import get_engine
from data_layer.core.models import AppSecret
from data_layer.core.settings import Settings, get_settings

COOKIE_KEY = "cookie_key"


def cookie_key(settings: Settings | None = None) -> str:
    """The secret that signs login cookies (see the module's docstring for where it comes from)."""
    if key := os.environ.get("ANSINH_COOKIE_KEY"):
        return key
    settings = settings or get_settings()
    if make_url(settings.database_url).get_backend_name() == "postgresql":
        return _database_key(get_engine(settings.database_url))
    return _file_key(settings)


def _database_key(engine: Engine) -> str:
    with engine.begin() as conn:  # the first server creates it; a racing one keeps the first's
        new = pg_insert(AppSecret).values(name=COOKIE_KEY, value=secrets.token_urlsafe(32))
        conn.execute(new.on_conflict_do_nothing(index_elements=["name"]))
        return conn.execute(select(AppSecret.value).where(AppSecret.name == COOKIE_KEY)).scalar_one()


def _file_key(settings: Settings) -> str:
    path = settings.data_dir / ".cookie_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:  # created readable by its owner only, never world-readable for an instant
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first
            return path.read_text().strip()
        with os.fdopen(descriptor, "w") as file:
            file.write(secrets.token_urlsafe(32))
    return path.read_text().strip()
