"""Import speed: messy 50,000-row ward lists in every shape of ``bench.ward_list`` (other column
orders, header words, mixes of dates, years and lost zeros), `ansinh import` against the naive import
(``bench.naive_import``: pandas + openpyxl + one ORM object per row, told the shape's columns), on
SQLite and PostgreSQL. ``BENCH_IMPORT_SHAPES`` (comma-separated) picks shapes; the goal is ≥ 6× each.

Each run is a whole process, timed from outside, on a fresh copy of an initialised database with
the ward (the set-up is not timed); the runs alternate ours/naive and the median of ``REPEATS`` is
printed with the peak memory of the process and its children, and the rows each side wrote.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text

from bench import ward_list
from bench.progress_speed import PG_URL, postgres_database

ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "50000"))
REPEATS = int(os.environ.get("BENCH_REPEATS", "3"))
SHAPES = os.environ.get("BENCH_IMPORT_SHAPES", ",".join(ward_list.SHAPES)).split(",")
GOAL = 6.0
ANSINH = Path(sys.executable).parent / "ansinh"


def _prepare(url: str) -> None:
    for args in (["db", "init"], ["ward", "add", "B1", "Phường Bench"]):
        subprocess.run([str(ANSINH), *args, "--db", url], check=True, capture_output=True)


@contextmanager
def _sqlite_copies(workdir: Path) -> Iterator:
    """A function giving a fresh copy of one prepared SQLite database per call."""
    template = workdir / "template.db"
    _prepare(f"sqlite:///{template}")
    serial = iter(range(1_000_000))

    def fresh() -> str:
        copy = workdir / f"run_{next(serial)}.db"
        shutil.copy(template, copy)
        return f"sqlite:///{copy}"

    yield fresh


@contextmanager
def _postgres_copies() -> Iterator:
    """A function giving a fresh PostgreSQL database per call, copied from a prepared template."""
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    made: list[str] = []
    with postgres_database("import_template") as template:
        _prepare(template)
        create_engine(template).dispose()
        template_name = template.rsplit("/", 1)[1]

        def fresh() -> str:
            name = f"{template_name}_{len(made)}"
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template_name}"'))
            made.append(name)
            return admin.url.set(database=name).render_as_string(hide_password=False)

        try:
            yield fresh
        finally:
            with admin.connect() as conn:
                for name in made:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _timed(args: list[str]) -> tuple[float, float, bytes]:
    """Wall seconds of the command, the peak memory (MB) of its largest process, its output."""
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=errors)
        out = process.stdout.read()
        _, status, usage = os.wait4(process.pid, 0)  # the child's own accounting, not all children's
        seconds = time.perf_counter() - start
        process.stdout.close()
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode:
            errors.seek(0)
            raise RuntimeError(errors.read().decode(errors="replace")[-800:])
    return seconds, usage.ru_maxrss / 1024, out


def _people(url: str) -> int:
    engine = create_engine(url)
    with engine.connect() as conn:
        count = conn.execute(text("SELECT count(*) FROM beneficiary")).scalar_one()
    engine.dispose()
    return count


def measure(fresh, file: Path, shape: str) -> dict[str, tuple[float, float, str]]:
    """Median seconds, peak MB and what was written, for ours and the naive import."""
    runs: dict[str, list] = {"ours": [], "naive": []}
    for _ in range(REPEATS):
        for side in runs:
            url = fresh()
            if side == "ours":
                args = [str(ANSINH), "import", str(file), "--ward", "B1", "--json", "--db", url]
            else:
                args = [sys.executable, "-m", "bench.naive_import", str(file), url, "B1", shape]
            seconds, peak, out = _timed(args)
            if side == "ours":
                summary = json.loads(out)
                wrote = f"{summary['accepted']:,} accepted, {summary['rejected']:,} rejected"
            else:
                wrote = f"{_people(url):,} written unchecked"
            runs[side].append((seconds, peak, wrote))
    return {
        side: (statistics.median(s for s, _, _ in found), max(p for _, p, _ in found), found[-1][2])
        for side, found in runs.items()
    }


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        files = {}
        for shape in SHAPES:
            files[shape] = workdir / f"ward_{shape}.xlsx"
            ward_list.build(files[shape], ROWS, shape)
        print(f"Import: messy ward lists of {ROWS:,} rows in {len(SHAPES)} shapes, median of {REPEATS}")
        for shape in SHAPES:
            print(f"  {shape} ({files[shape].stat().st_size / 1e6:.1f} MB): {ward_list.SHAPES[shape].about}")
        for kind, copies in (("sqlite", lambda: _sqlite_copies(workdir)), ("postgresql", _postgres_copies)):
            try:
                with copies() as fresh:
                    found = {shape: measure(fresh, files[shape], shape) for shape in SHAPES}
            except Exception as exc:  # noqa: BLE001 - report and go on with the other database
                print(f"  {kind:10s} not measured: {exc}")
                continue
            for shape, sides in found.items():
                (ours, ours_mb, ours_wrote), (naive, naive_mb, naive_wrote) = sides["ours"], sides["naive"]
                print(
                    f"  {kind:10s} {shape:9s} ansinh import {ours:6.2f} s, {ours_mb:4.0f} MB ({ours_wrote})"
                    f" | naive {naive:6.2f} s, {naive_mb:4.0f} MB ({naive_wrote})"
                    f" | {naive / ours:4.1f}x faster (goal {GOAL:.0f}x)"
                )


if __name__ == "__main__":
    main()
