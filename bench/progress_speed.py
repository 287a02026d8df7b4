"""Progress page data at scale: 300 wards, 300,000 beneficiaries, 1,000,000 allocations.

Builds the volume once per database (bulk COPY / executemany, with the tally triggers firing as
in production), then times the page's data (campaign_progress + registry_quality +
category_counts): the first load, the load right after a write (cache miss), the cached path the
page uses (data_version lookup + cache hit), and the write itself (one gift marked delivered).
Names are drawn from a pool, so as in real registries some name + birth year pairs recur across
wards. Sizes can be reduced with BENCH_PEOPLE / BENCH_ALLOCATIONS.
"""

from __future__ import annotations

import os
import random
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import create_engine, select, text

from bench.kept import PG_URL
from data_layer.admin.seeding import seed_reference_data
from data_layer.core.access import Scope
from data_layer.core.codes import Role
from data_layer.core.db import bulk_insert, get_engine, read_session, write_session
from data_layer.core.models import (
    Allocation,
    Beneficiary,
    BeneficiaryCategory,
    Campaign,
    Category,
    FundingSource,
    Package,
    Ward,
    utcnow,
)
from data_layer.core.schema import upgrade_schema
from data_layer.core.versioning import data_version
from data_layer.reports.progress import campaign_progress, category_counts, registry_quality

WARDS = 300
PEOPLE = int(os.environ.get("BENCH_PEOPLE", "300000"))
ALLOCATIONS = int(os.environ.get("BENCH_ALLOCATIONS", "1000000"))
FAMILY = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
]
MIDDLE = ["Văn", "Thị", "Đức", "Ngọc", "Minh", "Hữu", "Thanh", "Quang", "Xuân", "Kim"]
GIVEN = [f"{first}{second}" for first in "ABCDĐGHKLMNPQSTVX" for second in ("", "n", "nh", "m")]


def people_rows(rng: random.Random, ward_ids: list[int], count: int = PEOPLE) -> list[dict]:
    """``count`` beneficiaries spread over the wards (names drawn from a pool)."""
    now = utcnow()
    names = [f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}" for _ in range(count)]
    return [
        {
            "ward_id": ward_ids[i % len(ward_ids)],
            "name": names[i],
            "name_key": names[i].lower(),
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
        for i in range(count)
    ]


def allocation_rows(
    rng: random.Random, campaign_id: int, people: list, packages: list, count: int = ALLOCATIONS
) -> list[dict]:
    """``count`` gifts: each person holds one package of each of up to 4 sources, 60% delivered."""
    now = utcnow()
    rows = []
    for k in range(count):
        person_id, ward_id = people[k % len(people)]
        package_id, amount = packages[k // len(people)]
        delivered = rng.random() < 0.6
        rows.append(
            {
                "campaign_id": campaign_id,
                "package_id": package_id,
                "beneficiary_id": person_id,
                "ward_id": ward_id,
                "amount": amount,
                "status": "delivered" if delivered else "planned",
                "delivered_on": date(2026, 2, 1) + timedelta(days=rng.randint(0, 14)) if delivered else None,
                "version": 1,
                "created_at": now,
                "updated_at": now,
            }
        )
    return rows


def build(url: str) -> int:
    """Fill an empty database; returns the campaign id."""
    engine = get_engine(url)
    upgrade_schema(engine)
    rng = random.Random(7)
    with write_session(engine) as session:
        seed_reference_data(session)
        wards = [{"code": f"W{i:03d}", "name": f"Phường {i:03d}", "active": True} for i in range(WARDS)]
        bulk_insert(session, Ward.__table__, wards)
        ward_ids = list(session.execute(select(Ward.id).order_by(Ward.id)).scalars())
        bulk_insert(session, Beneficiary.__table__, people_rows(rng, ward_ids))
        people = list(session.execute(select(Beneficiary.id, Beneficiary.ward_id)).all())
        categories = list(session.execute(select(Category.id)).scalars())
        links = [
            {"beneficiary_id": person_id, "category_id": category}
            for person_id, _ward in people
            for category in rng.sample(categories, 2 if rng.random() < 0.2 else 1)
        ]
        bulk_insert(session, BeneficiaryCategory.__table__, links)
        campaign = Campaign(
            name="Bench", year=2026, report_from=date(2026, 2, 1), report_to=date(2026, 2, 15)
        )
        session.add(campaign)
        session.flush()
        sources = list(session.execute(select(FundingSource.id)).scalars())
        packages = [
            Package(campaign_id=campaign.id, source_id=sources[n], label=f"Mức {n}", amount=(n + 3) * 100_000)
            for n in range(4)
        ]
        session.add_all(packages)
        session.flush()
        bulk_insert(
            session,
            Allocation.__table__,
            allocation_rows(rng, campaign.id, people, [(p.id, p.amount) for p in packages]),
        )
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


SYSTEM = Scope.system()


def commune_office(ward_id: int) -> Scope:
    """The scope of a commune office's staff (figures by its hamlets)."""
    return Scope(user_id=None, username="xa", role=Role.WARD, ward_ids=frozenset({ward_id}))


def page_data(engine, scope: Scope, campaign_id: int) -> None:
    """What the progress page reads on a cache miss: campaign progress, registry quality, categories."""
    with read_session(engine) as session:
        campaign_progress(session, scope, campaign_id)
        registry_quality(session, scope)
        category_counts(session, scope)


def cached_page_data(engine, scope: Scope, campaign_id: int, cache: dict) -> None:
    """The page's path: the data version looked up, the figures read only for a version not seen."""
    with read_session(engine) as session:
        version = data_version(session)
    if version not in cache:
        page_data(engine, scope, campaign_id)
        cache[version] = True


def measure(url: str, campaign_id: int) -> None:
    engine = get_engine(url)
    cache: dict[int, bool] = {}

    def page_data_of(scope: Scope = SYSTEM) -> None:
        page_data(engine, scope, campaign_id)

    def cached():
        cached_page_data(engine, SYSTEM, campaign_id, cache)

    cold_start = time.perf_counter()
    page_data_of()
    cold = time.perf_counter() - cold_start
    warm = timed(page_data_of)
    cached()
    hit = timed(cached, repeats=20)
    ward = timed(lambda: page_data_of(commune_office(1)))
    planned = iter(
        engine.connect()
        .execute(select(Allocation.id).where(Allocation.status == "planned").limit(20))
        .scalars()
        .all()
    )

    def deliver_one():
        with write_session(engine) as session:
            session.execute(
                Allocation.__table__.update()
                .where(Allocation.__table__.c.id == next(planned))
                .values(status="delivered", delivered_on=date(2026, 2, 10))
            )

    write = timed(deliver_one)
    after_write = timed(lambda: (deliver_one(), page_data_of()), repeats=5) - write
    print(
        f"    first load {cold:6.3f} s | after a write (cache miss, all wards) {after_write:6.3f} s"
        f" | warm SQL (all wards) {warm:6.3f} s | warm SQL (one ward) {ward:6.3f} s"
        f" | cached page load {hit * 1000:6.2f} ms | one delivery write {write * 1000:6.2f} ms"
    )


@contextmanager
def postgres_database(tag: str) -> Iterator[str]:
    """A PostgreSQL database of its own (BENCH_PG_URL's server), dropped afterwards; yields its URL."""
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    name = f"ansinh_bench_{tag}_{os.getpid()}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = admin.url.set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        get_engine(url).dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def built_databases() -> Iterator[list[tuple[str, str, int]]]:
    """The benchmark's volume built on SQLite and (when reachable) PostgreSQL: (kind, url, campaign id)."""
    print(f"Benchmark database: {WARDS} wards, {PEOPLE:,} beneficiaries, {ALLOCATIONS:,} allocations")
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        built = []
        for kind in ("sqlite", "postgresql"):
            try:
                url = (
                    f"sqlite:///{Path(tmp) / 'bench.db'}"
                    if kind == "sqlite"
                    else stack.enter_context(postgres_database("volume"))
                )
                start = time.perf_counter()
                built.append((kind, url, build(url)))
                print(f"  {kind:10s} built in {time.perf_counter() - start:.0f} s")
            except Exception as exc:  # noqa: BLE001 - report and go on with the other database
                print(f"  {kind:10s} not built: {exc}")
        yield built


def main(databases: list[tuple[str, str, int]] | None = None) -> None:
    """Time the progress page's data on each database (built here unless given)."""
    if databases is None:
        with built_databases() as built:
            return main(built)
    print("Progress page data (campaign progress, registry quality, category counts)")
    for kind, url, campaign_id in databases:
        print(f"  {kind}")
        measure(url, campaign_id)


if __name__ == "__main__":
    main()
