"""Progress page data at scale: 300 wards, 300,000 beneficiaries, 1,000,000 allocations.

Builds the volume once per database (bulk COPY / executemany), then times the page's aggregate
queries (campaign_progress + registry_quality) cold and warm, and the cached path the page uses
(data_version lookup + cache hit). Sizes can be reduced with BENCH_PEOPLE / BENCH_ALLOCATIONS.
"""

from __future__ import annotations

import os
import random
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import create_engine, select, text

from data_layer.access import Scope
from data_layer.db import bulk_insert, get_engine, session_scope, upgrade_schema
from data_layer.models import Allocation, Beneficiary, Campaign, FundingSource, Package, Ward, utcnow
from data_layer.progress import campaign_progress, data_version, registry_quality
from data_layer.reference import seed_reference_data

WARDS = 300
PEOPLE = int(os.environ.get("BENCH_PEOPLE", "300000"))
ALLOCATIONS = int(os.environ.get("BENCH_ALLOCATIONS", "1000000"))
PG_URL = os.environ.get("BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def build(url: str) -> int:
    """Fill an empty database; returns the campaign id."""
    engine = get_engine(url)
    upgrade_schema(engine)
    rng = random.Random(7)
    now = utcnow()
    with session_scope(engine) as session:
        seed_reference_data(session)
        bulk_insert(
            session,
            Ward.__table__,
            [{"code": f"W{i:03d}", "name": f"Phường {i:03d}", "active": True} for i in range(WARDS)],
        )
        ward_ids = list(session.execute(select(Ward.id).order_by(Ward.id)).scalars())
        people = [
            {
                "ward_id": ward_ids[i % WARDS],
                "name": f"Người {i}",
                "name_key": f"nguoi {i}",
                "birth_year": rng.randint(1920, 2010),
                "status": "active" if rng.random() > 0.02 else "died",
                "national_id": f"020{rng.randint(0, 9)}{rng.randint(0, 99):02d}{i:06d}"
                if rng.random() > 0.1
                else None,
                "hamlet": f"Tổ {i % 20}",
                "bank_account": "1" if rng.random() < 0.3 else None,
                "version": 1,
                "created_at": now,
                "updated_at": now,
            }
            for i in range(PEOPLE)
        ]
        bulk_insert(session, Beneficiary.__table__, people)
        campaign = Campaign(
            name="Bench", year=2026, report_from=date(2026, 2, 1), report_to=date(2026, 2, 15)
        )
        session.add(campaign)
        session.flush()
        sources = list(session.execute(select(FundingSource.id)).scalars())
        packages = []
        for n in range(4):  # each person can hold one package of each of 4 sources
            package = Package(
                campaign_id=campaign.id, source_id=sources[n], label=f"Mức {n}", amount=(n + 3) * 100_000
            )
            session.add(package)
            session.flush()
            packages.append((package.id, package.amount))
        person_ids = list(session.execute(select(Beneficiary.id, Beneficiary.ward_id)).all())
        rows = []
        for k in range(ALLOCATIONS):
            person_id, ward_id = person_ids[k % len(person_ids)]
            package_id, amount = packages[k // len(person_ids)]
            delivered = rng.random() < 0.6
            rows.append(
                {
                    "campaign_id": campaign.id,
                    "package_id": package_id,
                    "beneficiary_id": person_id,
                    "ward_id": ward_id,
                    "amount": amount,
                    "status": "delivered" if delivered else "planned",
                    "delivered_on": date(2026, 2, 1) + timedelta(days=rng.randint(0, 14))
                    if delivered
                    else None,
                    "version": 1,
                    "created_at": now,
                    "updated_at": now,
                }
            )
        bulk_insert(session, Allocation.__table__, rows)
        campaign_id = campaign.id
    with engine.begin() as conn:
        conn.execute(text("ANALYZE"))
    return campaign_id


def timed(action, repeats: int = 5) -> float:
    """Median seconds of ``repeats`` runs."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def measure(url: str, campaign_id: int) -> None:
    engine = get_engine(url)
    scope = Scope.system()

    def page_data():
        with session_scope(engine) as session:
            campaign_progress(session, scope, campaign_id)
            registry_quality(session, scope)

    cache: dict[int, bool] = {}

    def cached_page_data():
        with session_scope(engine) as session:
            version = data_version(session)
        if version not in cache:
            page_data()
            cache[version] = True

    cold_start = time.perf_counter()
    page_data()
    cold = time.perf_counter() - cold_start
    warm = timed(page_data)
    cached_page_data()
    hit = timed(cached_page_data, repeats=20)
    ward_scope = Scope(user_id=None, username="w", role="ward", ward_ids=frozenset({1}))

    def ward_data():
        with session_scope(engine) as session:
            campaign_progress(session, ward_scope, campaign_id)
            registry_quality(session, ward_scope)

    ward = timed(ward_data)
    print(
        f"    first load {cold:6.3f} s | warm SQL (all wards) {warm:6.3f} s"
        f" | warm SQL (one ward) {ward:6.3f} s | cached page load {hit * 1000:6.2f} ms"
    )


def main() -> None:
    print(f"Progress benchmark: {WARDS} wards, {PEOPLE:,} beneficiaries, {ALLOCATIONS:,} allocations")
    with tempfile.TemporaryDirectory() as tmp:
        sqlite_url = f"sqlite:///{Path(tmp) / 'progress.db'}"
        start = time.perf_counter()
        campaign_id = build(sqlite_url)
        print(f"  sqlite     (built in {time.perf_counter() - start:.0f} s)")
        measure(sqlite_url, campaign_id)
    try:
        admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
        name = f"ansinh_bench_progress_{os.getpid()}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        pg_url = admin.url.set(database=name).render_as_string(hide_password=False)
        start = time.perf_counter()
        campaign_id = build(pg_url)
        print(f"  postgresql (built in {time.perf_counter() - start:.0f} s)")
        measure(pg_url, campaign_id)
        get_engine(pg_url).dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    except Exception as exc:  # noqa: BLE001 - report and finish
        print(f"  postgresql not measured: {exc}")


if __name__ == "__main__":
    main()
