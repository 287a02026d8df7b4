"""Monthly payroll at scale: 100,000 entitled people with 12 locked months of history, then one build.

The history is made by the real code (12 builds and locks), with deaths recorded late and a
retroactive standard along the way, so the ledger holds arrears and recoveries too. Then the 13th
month is built three times from nothing (the open payroll removed between runs, untimed), rebuilt
once while open (its lines deleted and written again) and locked once (a rebuild, then the lock).
Sizes can be reduced with BENCH_ENTITLED.
"""

from __future__ import annotations

import os
import random
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from sqlalchemy import delete, func, select, text

from bench.progress_speed import postgres_database
from data_layer.admin.seeding import seed_reference_data
from data_layer.allowance.entitlement_status import stop
from data_layer.allowance.months import add_months
from data_layer.allowance.payroll import build_payroll, lock_payroll, payroll_of
from data_layer.allowance.reference import code_key, group_ids_by_code, set_standard
from data_layer.core.access import Scope
from data_layer.core.codes import StandardKind, StopReason
from data_layer.core.db import bulk_insert, get_engine, write_session
from data_layer.core.models import Beneficiary, Entitlement, EntitlementGroup, PayrollLine, Ward, utcnow
from data_layer.core.schema import upgrade_schema

WARDS = 100
ENTITLED = int(os.environ.get("BENCH_ENTITLED", "100000"))
FIRST = date(2025, 10, 1)  # first month of the history; the 13th month is built and timed
SYSTEM = Scope.system()
# group codes of an entitlement, with how common they are
MIXES = [
    (("5.5a",), 20),
    (("5.5c",), 15),
    (("HTXH",), 20),
    (("5.6a",), 8),
    (("5.6b",), 12),
    (("5.1",), 8),
    (("5.3",), 2),
    (("5.8",), 3),
    (("5.4", "5.6b"), 4),
    (("5.5c", "HTXH"), 8),
]


def _people(rng: random.Random, ward_ids: list[int]) -> list[dict]:
    now = utcnow()
    rows = []
    for i in range(ENTITLED):
        year = rng.randint(1925, 2024)
        born = date(year, rng.randint(1, 12), rng.randint(1, 28))
        rows.append(
            {
                "ward_id": ward_ids[i % WARDS],
                "name": f"Người {i}",
                "name_key": f"nguoi {i}",
                "birth_date": born if rng.random() < 0.8 else None,
                "birth_year": year,
                "status": "active",
                "version": 1,
                "created_at": now,
                "updated_at": now,
            }
        )
    return rows


def _entitlements(rng: random.Random, people: list, groups: dict[str, int]) -> tuple[list, list]:
    now = utcnow()
    mixes, weights = zip(*MIXES, strict=True)
    rows, links = [], []
    for eid, (person_id, ward_id) in enumerate(people, start=1):
        mix = rng.choices(mixes, weights)[0]
        start = add_months(FIRST, rng.randint(-60, 11))
        account = f"{rng.randint(10**11, 10**12 - 1)}" if rng.random() < 0.35 else None
        rows.append(
            {
                "id": eid,
                "beneficiary_id": person_id,
                "ward_id": ward_id,
                "start_month": start,
                "paid_until": add_months(FIRST, -1) if start < FIRST else None,
                "children": rng.randint(1, 3) if "5.4" in mix else None,
                "payment_method": "account" if account else "cash",
                "account_number": account,
                "bank_name": "Agribank" if account else None,
                "status": "active",
                "version": 1,
                "created_at": now,
                "updated_at": now,
            }
        )
        links += [{"entitlement_id": eid, "group_id": groups[code_key(code)]} for code in mix]
    return rows, links


def build(url: str) -> None:
    """An empty database filled with the entitled people and 12 locked months."""
    engine = get_engine(url)
    upgrade_schema(engine)
    rng = random.Random(11)
    with write_session(engine) as session:
        seed_reference_data(session)
        bulk_insert(
            session,
            Ward.__table__,
            [{"code": f"W{i:03d}", "name": f"Phường {i}", "active": True} for i in range(WARDS)],
        )
        ward_ids = list(session.execute(select(Ward.id).order_by(Ward.id)).scalars())
        bulk_insert(session, Beneficiary.__table__, _people(rng, ward_ids))
        people = list(
            session.execute(select(Beneficiary.id, Beneficiary.ward_id).order_by(Beneficiary.id)).all()
        )
        rows, links = _entitlements(rng, people, group_ids_by_code(session))
        bulk_insert(session, Entitlement.__table__, rows)
        bulk_insert(session, EntitlementGroup.__table__, links)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("SELECT setval('entitlement_id_seq', (SELECT max(id) FROM entitlement))"))
    for number in range(12):
        month = add_months(FIRST, number)
        with write_session(engine) as session:
            if number == 6:  # a province raises the standard three months back
                set_standard(session, SYSTEM, StandardKind.STANDARD, add_months(month, -3), 550_000)
            if number in (4, 9):  # deaths recorded months late
                for eid in rng.sample(range(1, ENTITLED + 1), ENTITLED // 200):
                    entitlement = session.get(Entitlement, eid)
                    if entitlement.stop_date is None and entitlement.start_month <= add_months(month, -3):
                        stop(session, SYSTEM, eid, on=add_months(month, -2), reason=StopReason.DIED)
            build_payroll(session, SYSTEM, month)
            lock_payroll(session, SYSTEM, month)
    with engine.begin() as conn:
        conn.execute(text("ANALYZE"))


def _timed_build(engine, month: date) -> tuple[float, float]:
    """Wall-clock seconds, and CPU seconds of this process (SQLite's work; PostgreSQL's is elsewhere)."""
    start, cpu = time.perf_counter(), time.process_time()
    with write_session(engine) as session:
        build_payroll(session, SYSTEM, month)
    return time.perf_counter() - start, time.process_time() - cpu


def _forget(engine, month: date) -> None:
    """Remove the month's open payroll (not timed), so the next build is a first build again."""
    with write_session(engine) as session:
        payroll = payroll_of(session, month)
        session.execute(delete(PayrollLine).where(PayrollLine.payroll_id == payroll.id))
        session.delete(payroll)


def measure(url: str) -> None:
    """Three first builds of month 13, a rebuild while it is open, the lock; figures printed."""
    engine = get_engine(url)
    month = add_months(FIRST, 12)
    builds = []
    for _ in range(3):
        builds.append(_timed_build(engine, month))
        _forget(engine, month)
    _timed_build(engine, month)
    rebuild = _timed_build(engine, month)[0]
    start = time.perf_counter()
    with write_session(engine) as session:
        lock_payroll(session, SYSTEM, month)
    lock = time.perf_counter() - start
    with write_session(engine) as session:
        kinds = dict(session.execute(select(PayrollLine.kind, func.count()).group_by(PayrollLine.kind)).all())
    walls = [wall for wall, _ in builds]
    print(
        f"    build of month 13: median of 3 {statistics.median(walls):6.2f} s"
        f" ({', '.join(f'{t:.2f}' for t in walls)} s; CPU in this process"
        f" {statistics.median(cpu for _, cpu in builds):.2f} s) | rebuild of the open month {rebuild:.2f} s"
        f" | lock (rebuild + lock) {lock:.2f} s | ledger {sum(kinds.values()):,} lines {kinds}"
    )


@contextmanager
def sqlite_database() -> Iterator[str]:
    with tempfile.TemporaryDirectory() as tmp:
        yield f"sqlite:///{Path(tmp) / 'payroll.db'}"


def main() -> None:
    print(
        f"Payroll benchmark: {ENTITLED:,} entitled people in {WARDS} wards, 12 locked months, build month 13"
    )
    for label, database in (
        ("sqlite    ", sqlite_database),
        ("postgresql", lambda: postgres_database("payroll")),
    ):
        try:
            with database() as url:
                start = time.perf_counter()
                build(url)
                print(f"  {label} (history built in {time.perf_counter() - start:.0f} s)")
                measure(url)
        except Exception as exc:  # noqa: BLE001 - report and go on
            print(f"  {label} not measured: {exc}")


if __name__ == "__main__":
    main()
