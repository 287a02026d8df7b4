"""Exports that stream, and pages that build files only on request (issues 16 and 26), on SQLite and
PostgreSQL.

On the progress benchmark's volume (300 wards, 300,000 people, 1,000,000 gifts; one more ward with
5,000 gifts for the signing list) every item runs in a child process of its own, three times, ours
and the naive way in turn: the median time of the work inside the child (in-process) and of the
whole child (start-up and imports included) are printed beside the naive way's, their ratios, and
the child's peak memory (max resident memory, interpreter and libraries included).

- registry export of 50,000 people (50 wards): ours (order taken in Python, people read by id a
  chunk at a time and formatted a column at a time, streaming writer) against reading every person
  at once into ``pandas.DataFrame.to_excel`` with the same columns (issue 26's goal: 4 times faster);
- campaign summary workbook (1,000,000 gifts, a sheet per ward): ours against pandas (read every
  gift, group per ward, ``to_excel`` a sheet per ward);
- a ward's signing list of 5,000 rows: ours against the same rows through ``DataFrame.to_excel``;
- the writers alone (SQLite's registry rows): one registry document (letterhead, merged title,
  bordered header repeated on every page, print setup, signature block) through ours, XlsxWriter's
  constant-memory mode and rustpy-xlsxwriter beside ``DataFrame.to_excel``, in-process and as whole
  processes, with what each file holds (``bench/xlsx_writers.py``);
- page script time (AppTest) of Báo cáo, Phát quà and Dự toán at demo size and at 300,000 people:
  first opening (cold cache) and the median of three; naive: the same page building every file it
  offers when it opens, as the pages did before (one run at 300,000 people).

``python -m bench.export_speed`` builds its own databases; ``make bench`` shares the progress
benchmark's. Sizes follow BENCH_PEOPLE / BENCH_ALLOCATIONS.
"""

from __future__ import annotations

import io
import json
import os
import pickle
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, redirect_stdout
from pathlib import Path

from sqlalchemy import select

from data_layer.core.access import Scope
from data_layer.core.db import bulk_insert, get_engine, read_session, write_session

REGISTRY_WARDS = 50  # of 300: 50,000 of 300,000 people
SIGNING_ROWS = 5000
PAGES = ("pages/reports.py", "pages/delivery.py", "pages/budget.py")
ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 600
# bench.progress_speed (the database builder) is imported where it is used, not at the top: a timed
# child then starts with the imports its own work needs, as `ansinh export` would


def add_signing_ward(url: str, campaign_id: int) -> int:
    """A ward of SIGNING_ROWS people with one gift each in the campaign; returns its id."""
    from bench.progress_speed import allocation_rows, people_rows
    from data_layer.core.models import Allocation, Beneficiary, Package
    from data_layer.registry.wards import add_ward

    with write_session(get_engine(url)) as session:
        ward_id = add_ward(session, Scope.system(), "KY5000", "Phường Ký Nhận").id
        rng = random.Random(5)
        bulk_insert(session, Beneficiary.__table__, people_rows(rng, [ward_id], SIGNING_ROWS))
        people = session.execute(
            select(Beneficiary.id, Beneficiary.ward_id).where(Beneficiary.ward_id == ward_id)
        )
        package = session.execute(
            select(Package.id, Package.amount).where(Package.campaign_id == campaign_id)
        ).first()
        gifts = allocation_rows(rng, campaign_id, list(people), [tuple(package)], SIGNING_ROWS)
        bulk_insert(session, Allocation.__table__, gifts)
    return ward_id


def add_bench_user(url: str) -> None:
    """A district account for the page measurements (all wards)."""
    from data_layer.admin.logins import get_active_user
    from data_layer.admin.users import add_user

    with write_session(get_engine(url)) as session:
        if get_active_user(session, "bench") is None:
            add_user(session, Scope.system(), username="bench", password="bench-only-1", role="district")


# --- the measured work, each run in a child process ------------------------------------------------


def _registry(url: str, naive: bool) -> None:
    from data_layer.registry.queries import Filters

    scope = _registry_scope()
    with read_session(get_engine(url)) as session:
        if not naive:
            from data_layer.reports.exports import beneficiaries_xlsx

            beneficiaries_xlsx(session, scope, Filters())
            return
        import pandas as pd

        from data_layer.core.models import Category
        from data_layer.registry.fields import PERSON_FIELDS, shown
        from data_layer.registry.queries import people_page

        names = dict(session.execute(select(Category.id, Category.name)).all())
        people = people_page(session, scope, Filters(), page_size=10_000_000)
        frame = pd.DataFrame(
            [[i, *(shown(p, f.key, names) for f in PERSON_FIELDS)] for i, p in enumerate(people, start=1)],
            columns=["STT", *(f.label for f in PERSON_FIELDS)],
        )
        frame.to_excel(io.BytesIO(), index=False, sheet_name="Đối tượng")


def _summary(url: str, naive: bool, campaign_id: int) -> None:
    from data_layer.vn.document import Office

    with read_session(get_engine(url)) as session:
        if not naive:
            from data_layer.reports.summary import summary_workbook

            summary_workbook(session, Scope.system(), campaign_id, Office("UBND THÀNH PHỐ"))
            return
        import pandas as pd

        from data_layer.core.models import Allocation, FundingSource, Package, Ward

        query = (
            select(Ward.name.label("ward"), FundingSource.name.label("source"), Allocation.amount)
            .join(Ward, Ward.id == Allocation.ward_id)
            .join(Package, Package.id == Allocation.package_id)
            .join(FundingSource, FundingSource.id == Package.source_id)
            .where(Allocation.campaign_id == campaign_id)
        )
        gifts = pd.read_sql(query, session.connection())
        with pd.ExcelWriter(io.BytesIO()) as writer:
            totals = gifts.groupby(["source", "amount"]).size().rename("count").reset_index()
            totals.to_excel(writer, sheet_name="Tổng hợp", index=False)
            for ward, rows in gifts.groupby("ward"):
                lines = rows.groupby(["source", "amount"]).size().rename("count").reset_index()
                lines.to_excel(writer, sheet_name=str(ward)[:31], index=False)


def _signing(url: str, naive: bool, campaign_id: int, ward_id: int) -> None:
    from data_layer.campaigns import signing_list

    with read_session(get_engine(url)) as session:
        if not naive:
            signing_list.signing_list_xlsx(session, Scope.system(), campaign_id, ward_id=ward_id)
            return
        import pandas as pd

        from data_layer.campaigns.delivery import allocation_rows as gifts_of

        rows = gifts_of(session, Scope.system(), campaign_id, ward_id=ward_id)
        groups = signing_list._category_names(session, sorted({r.beneficiary_id for r in rows}))
        frame = pd.DataFrame(
            [
                (n, r.name, r.birth_year, r.hamlet, groups.get(r.beneficiary_id), r.amount, None, None, r.id)
                for n, r in enumerate(rows, start=1)
            ],
            columns=[c.header for c in signing_list.COLUMNS],
        )
        frame.to_excel(io.BytesIO(), index=False, sheet_name="Ký nhận")


def _registry_rows(url: str) -> list[list]:
    """The registry's rows as the export writes them (read once, before timing the writers)."""
    from data_layer.core.models import Category
    from data_layer.registry.fields import PERSON_FIELDS, shown_column
    from data_layer.registry.queries import Filters, iter_people_columns

    rows: list[list] = []
    with read_session(get_engine(url)) as session:
        names = dict(session.execute(select(Category.id, Category.name)).all())
        for columns in iter_people_columns(session, _registry_scope(), Filters()):
            shown = [shown_column(f.key, columns[f.key], names) for f in PERSON_FIELDS]
            rows += ([n, *row] for n, row in enumerate(zip(*shown, strict=True), start=len(rows) + 1))
    return rows


def _registry_scope() -> Scope:
    """A district account reading the benchmark's REGISTRY_WARDS wards."""
    return Scope(
        user_id=None, username="b", role="district", ward_ids=frozenset(range(1, REGISTRY_WARDS + 1))
    )


def _writers(url: str) -> None:
    """The registry document through each writer (``bench.xlsx_writers``), on the export's rows."""
    with tempfile.TemporaryDirectory() as tmp:
        rows = Path(tmp) / "rows.pickle"
        rows.write_bytes(pickle.dumps(_registry_rows(url)))
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        subprocess.run([sys.executable, "-m", "bench.xlsx_writers", str(rows)], env=env, check=True)


def _page(url: str, page: str, naive: bool, runs: int) -> list[float]:
    """Seconds of each run of ``page``'s script (AppTest), logged in as the bench account."""
    os.environ["ANSINH_DATABASE_URL"] = url
    os.environ.setdefault("ANSINH_COOKIE_KEY", "bench-only-cookie-key-0123456789abcdef")
    import streamlit as st
    import streamlit.logger
    from streamlit.testing.v1 import AppTest

    import ui.downloads
    from data_layer.admin.logins import get_active_user

    streamlit.logger.set_log_level("error")
    if naive:  # as before: every offered file built when the page opens

        def eager(label, build, file_name, *, key=None):
            st.download_button(label, build(), file_name=file_name, key=key)

        ui.downloads.xlsx_download = eager
    with read_session() as session:
        user = get_active_user(session, "bench")
    AppTest.from_file(str(ROOT / page)).run()  # not logged in: the page's imports run, then it stops
    times = []
    for _ in range(runs):
        at = AppTest.from_file(str(ROOT / page), default_timeout=TIMEOUT)
        login = {"authentication_status": True, "username": "bench", "name": "bench"}
        for key, value in {**login, "session_version": user.session_version}.items():
            at.session_state[key] = value
        start = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - start)
        if at.exception:
            raise RuntimeError(at.exception[0].message)
    return times


def _seconds(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def _child_main(item: str, url: str, *args: str) -> None:
    numbers = [int(a) for a in args if a.isdigit()]
    naive = "naive" in args
    if item == "page":
        result = _page(url, args[0], naive, int(args[-1]))
    else:
        work = {"registry": _registry, "summary": _summary, "signing": _signing}[item]
        result = _seconds(lambda: work(url, naive, *numbers))
    print(json.dumps({"result": result, "peak_mb": _peak_mb()}))


# --- the parent: runs, medians, ratios ------------------------------------------------------------


def _run_child(*args: str) -> tuple[object, float]:
    """What a child printed (JSON) and its peak memory in MB."""
    found, _wall = _timed_child(*args)
    return found["result"], found["peak_mb"]


def _timed_child(*args: str) -> tuple[dict, float]:
    """What a child printed (JSON) and its whole-process wall time (start-up and imports included)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "bench.export_speed", *args], capture_output=True, env=env, timeout=TIMEOUT
    )
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(done.stderr.decode(errors="replace")[-800:])
    return json.loads(done.stdout.decode().strip().splitlines()[-1]), wall


def _peak_mb() -> float:
    """This process's peak resident memory since it started (VmHWM: ru_maxrss would also count the
    parent's pages the child held between fork and exec)."""
    status = Path("/proc/self/status").read_text()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:"))) / 1024


def _compare(label: str, item: str, url: str, *args: str) -> None:
    """Median of three runs, ours and naive in turn, each in a child process: the work timed inside
    the child (in-process) and the child's whole run (start-up and imports included)."""
    ours, naive = [], []
    for _ in range(3):
        ours.append(_timed_child(item, url, *args))
        naive.append(_timed_child(item, url, *args, "naive"))

    def median(runs, inside: bool) -> float:
        return statistics.median(found["result"] if inside else wall for found, wall in runs)

    memory = [max(found["peak_mb"] for found, _ in runs) for runs in (ours, naive)]
    figures = []
    for inside, name in ((True, "in-process"), (False, "whole process")):
        mine, theirs = median(ours, inside), median(naive, inside)
        figures.append(f"{name} ours {mine:6.2f} s, naive {theirs:6.2f} s, {theirs / mine:4.1f}x faster")
    print(f"    {label:34s} {' | '.join(figures)} | {memory[0]:4.0f} MB, naive {memory[1]:4.0f} MB")


def _pages(url: str, size: str, naive_runs: int) -> None:
    """Each page's script time: ours (first opening, median of 3) and the page building its files
    (``naive_runs`` 0: not measured)."""
    for page in PAGES:
        ours, memory = _run_child("page", url, page, "3")
        median = statistics.median(ours)
        mine = f"    {size:5s} {page:18s} ours: first {ours[0]:6.2f} s, median of 3 {median:6.2f} s,"
        mine += f" {memory:4.0f} MB"
        if not naive_runs:
            print(mine)
            continue
        naive, naive_memory = _run_child("page", url, page, "naive", str(naive_runs))
        warm = f", median of 3 {statistics.median(naive):6.2f} s" if naive_runs > 1 else ""
        print(
            f"{mine} | files built on opening: first {naive[0]:6.2f} s{warm}, {naive_memory:4.0f} MB"
            f" | first opening {naive[0] / ours[0]:5.1f}x faster"
        )


@contextmanager
def demo_database(kind: str) -> Iterator[str]:
    """The demo city (`ansinh db init --demo`) on a fresh database of ``kind``."""
    from bench.progress_speed import postgres_database
    from data_layer.cli import main as ansinh

    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        url = (
            f"sqlite:///{Path(tmp) / 'demo.db'}"
            if kind == "sqlite"
            else stack.enter_context(postgres_database("demo"))
        )
        with redirect_stdout(io.StringIO()):
            ansinh(["db", "init", "--demo", "--db", url])
        yield url


def main(databases: list[tuple[str, str, int]] | None = None) -> None:
    """Measure every item on each database (built here unless given)."""
    from bench.progress_speed import ALLOCATIONS, PEOPLE, WARDS, built_databases

    if databases is None:
        with built_databases() as built:
            return main(built)
    import pandas as pd

    people = PEOPLE * REGISTRY_WARDS // WARDS
    print(
        "Exports and pages (median of 3 runs, each in a child process; MB: the child's peak resident memory)"
    )
    print(f"  naive exports: pandas.DataFrame.to_excel, engine {pd.ExcelWriter(io.BytesIO()).engine}")
    for n, (kind, url, campaign_id) in enumerate(databases):
        print(f"  {kind}")
        ward_id = add_signing_ward(url, campaign_id)
        add_bench_user(url)
        _compare(f"registry export, {people:,} people", "registry", url)
        _compare(f"summary workbook, {ALLOCATIONS:,} gifts", "summary", url, str(campaign_id))
        _compare(f"signing list, {SIGNING_ROWS:,} rows", "signing", url, str(campaign_id), str(ward_id))
        if kind == "sqlite":
            _writers(url)
        # the former Báo cáo page built a million-gift export on opening (100 s, 3 GB): measured once
        _pages(url, f"{PEOPLE // 1000}k", naive_runs=1 if n == 0 else 0)
        with demo_database(kind) as demo:
            add_bench_user(demo)
            _pages(demo, "demo", naive_runs=3)


if __name__ == "__main__":
    if len(sys.argv) > 2:
        _child_main(*sys.argv[1:])
    else:
        main()
