"""Benchmark databases kept between runs: a SQLite file under BENCH_CACHE (default
~/.cache/ansinh-bench) and a PostgreSQL database of its own on BENCH_PG_URL's server, named by a key
made of the generator's version, the sizes and the chain of migrations (a migration added or
re-chained since makes a new database: one upgraded along a different chain could miss a table).
A database is built under a temporary name and renamed when complete, so an interrupted build is
started again, never reused. Also the figures every benchmark prints beside its timings: the
database's size and this process's peak memory.
"""

from __future__ import annotations

import hashlib
import os
import resource
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine, create_engine, text

from data_layer.core.db import dispose_engines, get_engine, is_postgres
from data_layer.core.schema import MIGRATIONS_DIR, upgrade_schema

PG_URL = os.environ.get("BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
CACHE = Path(os.environ.get("BENCH_CACHE", Path.home() / ".cache" / "ansinh-bench"))
KINDS = ("sqlite", "postgresql")


def key(name: str, generator: int, *sizes: int) -> str:
    """The kept database's name: ``name``, the generator's version, the sizes and the migration chain."""
    chain = sorted(
        "".join(
            line for line in path.read_text().splitlines() if line.startswith(("revision", "down_revision"))
        )
        for path in (MIGRATIONS_DIR / "versions").glob("*.py")
    )
    digest = hashlib.sha1("\n".join(chain).encode()).hexdigest()[:8]
    return "_".join([f"{name}_g{generator}", *(str(size) for size in sizes), digest])


def database(kind: str, name: str, build: Callable[[str], object]) -> str:
    """The URL of the kept database ``name`` on ``kind`` (``build(url)`` fills an empty one when it is
    missing, timed and printed); brought to the schema's head."""
    url = {"sqlite": _sqlite, "postgresql": _postgres}[kind](name, build)
    upgrade_schema(get_engine(url))
    return url


def _sqlite(name: str, build: Callable[[str], object]) -> str:
    path = CACHE / f"{name}.db"
    if not path.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        building = path.with_suffix(".building")
        building.unlink(missing_ok=True)
        _timed(build, f"sqlite:///{building}")
        dispose_engines()
        building.rename(path)
    return f"sqlite:///{path}"


def _postgres(name: str, build: Callable[[str], object]) -> str:
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    name, building = f"ansinh_bench_{name}", f"ansinh_bench_{name}_building"
    try:
        with admin.connect() as conn:
            found = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first()
            if found is None:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{building}" WITH (FORCE)'))
                conn.execute(text(f'CREATE DATABASE "{building}"'))
                url = admin.url.set(database=building).render_as_string(hide_password=False)
                _timed(build, url)
                get_engine(url).dispose()
                conn.execute(text(f'ALTER DATABASE "{building}" RENAME TO "{name}"'))
        return admin.url.set(database=name).render_as_string(hide_password=False)
    finally:
        admin.dispose()


def _timed(build: Callable[[str], object], url: str) -> None:
    start = time.perf_counter()
    print("    building the kept database…", flush=True)
    build(url)
    print(f"    built in {time.perf_counter() - start:.0f} s (kept for later runs)", flush=True)


def size(engine: Engine) -> str:
    """The database's size on disk."""
    with engine.connect() as conn:
        if is_postgres(engine):
            found = conn.execute(text("SELECT pg_database_size(current_database())")).scalar_one()
        else:
            found = Path(engine.url.database).stat().st_size
    return f"{found / 2**20:,.0f} MiB"


def peak_memory() -> str:
    """This process's peak resident memory (the PostgreSQL server's is not in it)."""
    return f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MiB"
