"""Progress page data at province scale (issue 26), on a generated province kept between runs.

3,000 units (100 communes and the 2,900 hamlets under them), 3,000,000 people, 10,000,000 gifts in
one campaign. Target: the page's data after a write at most 0.5 s on both databases, for the province
office (every commune) and for a commune office (its hamlets).

The volume is generated with the bulk paths (``insert_columns``: COPY on PostgreSQL, one executemany
with the triggers' work grouped on SQLite), a few communes per transaction, the tally triggers firing
as in production. It is kept between runs (``bench.kept``: SQLite under BENCH_CACHE, PostgreSQL a
database of its own), keyed by the generator's version, the sizes and the migration chain. The writes
the benchmark makes (gifts marked delivered) are undone at the end, so the kept figures never drift.

    python -m bench.province_progress                          # full size, both databases
    python -m bench.province_progress --people 30000 --allocations 100000 --db sqlite   # a small run

Sizes: --communes, --units, --people, --allocations, or BENCH_PROVINCE (four comma-separated numbers).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from datetime import date, timedelta
from functools import partial

from sqlalchemy import select, text, update

from bench import kept
from bench.progress_speed import FAMILY, GIVEN, MIDDLE, cached_page_data, commune_office, page_data
from data_layer.admin.seeding import seed_reference_data
from data_layer.core.access import Scope
from data_layer.core.codes import AllocationStatus, PersonStatus, Role
from data_layer.core.db import get_engine, insert_columns, is_postgres, read_session, write_session
from data_layer.core.models import (
    Allocation,
    Beneficiary,
    BeneficiaryCategory,
    Campaign,
    Category,
    FundingSource,
    Hamlet,
    Package,
    Ward,
    utcnow,
)
from data_layer.core.schema import upgrade_schema
from data_layer.registry.wards import province_ward_ids
from data_layer.vn.text import fold

GENERATOR = 1  # the version of build(): a new one makes a new kept database
TARGET = 0.5  # seconds: the page's data after a write (issue 26)
PROVINCE = "20"
SIZES = dict(
    zip(
        ("communes", "units", "people", "allocations"),
        (int(n) for n in os.environ.get("BENCH_PROVINCE", "100,3000,3000000,10000000").split(",")),
        strict=True,
    )
)
PACKAGES = 4  # one gift of each package per person at most: allocations ≤ 4 × people
COMMUNES_PER_TRANSACTION = 5
START = date(2026, 2, 1)  # the reporting window: 15 days


def _share(total: int, parts: int, index: int) -> int:
    """Part ``index`` of ``total`` split as evenly as possible into ``parts``."""
    return total // parts + (1 if index < total % parts else 0)


def _hamlet_names(commune: int, count: int) -> list[str]:
    """Two communes in three are rural (thôn), the others urban wards (tổ dân phố)."""
    kind = "Tổ dân phố" if commune % 3 == 2 else "Thôn"
    return [f"{kind} {n}" for n in range(1, count + 1)]


def _people(rng: random.Random, ward_id: int, hamlets: list[str], count: int, first: int) -> dict:
    """``count`` people of one commune, column by column: names drawn from a pool (name + birth year
    pairs recur across communes, as in real registries), spread over its hamlets, one in a hundred
    spelled otherwise and one in a hundred without a hamlet."""
    now = utcnow()
    names = [f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}" for _ in range(count)]
    hamlet = []
    for i in range(count):
        spin = rng.random()
        name = hamlets[i % len(hamlets)]
        hamlet.append(None if spin < 0.01 else name.upper() if spin < 0.02 else name)
    return {
        "ward_id": [ward_id] * count,
        "hamlet": hamlet,
        "name": names,
        "name_key": [fold(name) for name in names],
        "birth_year": [rng.randint(1920, 2010) for _ in range(count)],
        "status": [PersonStatus.ACTIVE if rng.random() > 0.02 else PersonStatus.DIED for _ in range(count)],
        "national_id": [
            f"0{PROVINCE}{rng.randint(0, 9)}{first + i:08d}" if rng.random() > 0.1 else None
            for i in range(count)
        ],
        "bank_account": ["1" if rng.random() < 0.3 else None for _ in range(count)],
        "version": [1] * count,
        "created_at": [now] * count,
        "updated_at": [now] * count,
    }


def _gifts(rng: random.Random, campaign_id: int, ward_id: int, people: list[int], packages, count: int):
    """``count`` gifts of one commune: its people get package 0, then 1…, 60% delivered."""
    now = utcnow()
    columns = {name: [] for name in ("package_id", "beneficiary_id", "amount", "status", "delivered_on")}
    for k in range(count):
        package_id, amount = packages[k // len(people)]
        delivered = rng.random() < 0.6
        columns["package_id"].append(package_id)
        columns["beneficiary_id"].append(people[k % len(people)])
        columns["amount"].append(amount)
        columns["status"].append(AllocationStatus.DELIVERED if delivered else AllocationStatus.PLANNED)
        columns["delivered_on"].append(START + timedelta(days=rng.randint(0, 14)) if delivered else None)
    fixed = {
        "campaign_id": campaign_id,
        "ward_id": ward_id,
        "version": 1,
        "created_at": now,
        "updated_at": now,
    }
    return columns | {name: [value] * count for name, value in fixed.items()}


def build(url: str, communes: int, units: int, people: int, allocations: int) -> None:
    """Fill an empty database with the province: communes, hamlets, people, categories, gifts."""
    if allocations > PACKAGES * people or units < 2 * communes or people < units:
        raise ValueError("sizes: units ≥ 2 × communes, people ≥ units, allocations ≤ 4 × people")
    engine = get_engine(url)
    upgrade_schema(engine)
    rng = random.Random(26)
    with write_session(engine) as session:
        seed_reference_data(session)
        wards = [
            {"code": f"P{c:03d}", "name": f"{'Phường' if c % 3 == 2 else 'Xã'} {c:03d}", "active": True}
            for c in range(communes)
        ]
        insert_columns(
            session,
            Ward.__table__,
            {key: [w[key] for w in wards] for key in wards[0]} | {"province_code": [PROVINCE] * communes},
        )
        ward_ids = list(session.execute(select(Ward.id).order_by(Ward.id)).scalars())
        hamlets = [_hamlet_names(c, _share(units - communes, communes, c)) for c in range(communes)]
        rows = [(w, name) for w, names in zip(ward_ids, hamlets, strict=True) for name in names]
        insert_columns(
            session,
            Hamlet.__table__,
            {
                "ward_id": [w for w, _ in rows],
                "name": [n for _, n in rows],
                "name_key": [fold(n) for _, n in rows],
            },
        )
        campaign = Campaign(
            name="Tết tỉnh", year=2026, report_from=START, report_to=START + timedelta(days=14)
        )
        session.add(campaign)
        session.flush()
        sources = list(session.execute(select(FundingSource.id)).scalars())
        session.add_all(
            Package(campaign_id=campaign.id, source_id=sources[n], label=f"Mức {n}", amount=(n + 3) * 100_000)
            for n in range(PACKAGES)
        )
        session.flush()
        packages = session.execute(
            select(Package.id, Package.amount).where(Package.campaign_id == campaign.id).order_by(Package.id)
        ).all()
        campaign_id = campaign.id
        categories = list(session.execute(select(Category.id)).scalars())
    first = 0
    for start in range(0, communes, COMMUNES_PER_TRANSACTION):
        with write_session(engine) as session:
            for c in range(start, min(start + COMMUNES_PER_TRANSACTION, communes)):
                count = _share(people, communes, c)
                insert_columns(
                    session, Beneficiary.__table__, _people(rng, ward_ids[c], hamlets[c], count, first)
                )
                first += count
                ids = list(
                    session.execute(
                        select(Beneficiary.id)
                        .where(Beneficiary.ward_id == ward_ids[c])
                        .order_by(Beneficiary.id)
                    ).scalars()
                )
                links = [
                    (person, category)
                    for person in ids
                    for category in rng.sample(categories, 2 if rng.random() < 0.2 else 1)
                ]
                insert_columns(
                    session,
                    BeneficiaryCategory.__table__,
                    {"beneficiary_id": [p for p, _ in links], "category_id": [k for _, k in links]},
                )
                gifts = _gifts(rng, campaign_id, ward_ids[c], ids, packages, _share(allocations, communes, c))
                insert_columns(session, Allocation.__table__, gifts)
        print(f"      {min(start + COMMUNES_PER_TRANSACTION, communes)}/{communes} communes", flush=True)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE" if is_postgres(engine) else "ANALYZE"))


def _timed(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def _verdict(seconds: float) -> str:
    return f"{seconds:6.3f} s (target ≤ {TARGET} s: {'met' if seconds <= TARGET else 'NOT met'})"


def _office(engine, label: str, scope: Scope, campaign_id: int, write, repeats: int) -> None:
    """One office's figures: the first load, then ``repeats`` times a write and the page's data."""
    read = partial(page_data, engine, scope, campaign_id)
    first = _timed(read)
    writes, after = [], []
    for _ in range(repeats):
        writes.append(_timed(write))
        after.append(_timed(read))
    cached = partial(cached_page_data, engine, scope, campaign_id, {})
    cached()
    hits = [_timed(cached) for _ in range(20)]
    print(
        f"    {label}: after a write (cache miss) {_verdict(statistics.median(after))}"
        f" | first load {first:6.3f} s | cached page load {statistics.median(hits) * 1000:5.2f} ms"
        f" | one delivery write {statistics.median(writes) * 1000:6.2f} ms",
        flush=True,
    )


def measure(url: str, repeats: int = 5) -> None:
    """For the province office and one commune office: the first load, the page's data after a write
    (cache miss; median of ``repeats``), the cached path and the write itself."""
    engine = get_engine(url)
    with read_session(engine) as session:
        campaign_id = session.execute(select(Campaign.id)).scalar_one()
        province = Scope(
            user_id=None, username="tinh", role=Role.PROVINCE, ward_ids=province_ward_ids(session, PROVINCE)
        )
        commune = min(province.ward_ids)
        planned = list(
            session.execute(
                select(Allocation.id)
                .where(Allocation.ward_id == commune, Allocation.status == AllocationStatus.PLANNED)
                .limit(2 * repeats)
            ).scalars()
        )
    gifts = iter(planned)

    def deliver_one() -> None:
        with write_session(engine) as session:
            session.execute(
                update(Allocation)
                .where(Allocation.id == next(gifts))
                .values(status=AllocationStatus.DELIVERED, delivered_on=START + timedelta(days=9))
            )

    try:
        _office(engine, "province office, every commune", province, campaign_id, deliver_one, repeats)
        _office(
            engine, "commune office, its hamlets", commune_office(commune), campaign_id, deliver_one, repeats
        )
    finally:  # the kept database keeps its figures
        with write_session(engine) as session:
            session.execute(
                update(Allocation)
                .where(Allocation.id.in_(planned))
                .values(status=AllocationStatus.PLANNED, delivered_on=None)
            )
    print(f"    database {kept.size(engine)} | peak memory of this process {kept.peak_memory()}", flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.province_progress", description=__doc__.split("\n")[0]
    )
    for name, default in SIZES.items():
        parser.add_argument(f"--{name}", type=int, default=default, help=f"default {default:,}")
    parser.add_argument("--db", choices=kept.KINDS, action="append", help="database (default both)")
    args = parser.parse_args(argv)
    sizes = {name: getattr(args, name) for name in SIZES}
    print(
        f"Progress at province scale: {sizes['communes']:,} communes and"
        f" {sizes['units'] - sizes['communes']:,} hamlets, {sizes['people']:,} people,"
        f" {sizes['allocations']:,} gifts (target ≤ {TARGET} s after a write)"
    )
    name = kept.key("province", GENERATOR, *sizes.values())
    for kind in args.db or kept.KINDS:
        print(f"  {kind}", flush=True)
        try:
            measure(kept.database(kind, name, lambda url: build(url, **sizes)))
        except Exception as exc:  # noqa: BLE001 - report and go on with the other database
            print(f"    not measured: {exc}")


if __name__ == "__main__":
    main()
