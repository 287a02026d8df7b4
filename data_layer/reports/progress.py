"""Campaign progress and registry quality figures, aggregated in SQL (GROUP BY) for the user's scope.

``data_version`` changes with every write (each write leaves an audit event), so pages can cache
these figures keyed by it and never show stale numbers.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlmodel import Session

from data_layer.core.access import Scope
from data_layer.core.models import (
    AllocationTally,
    AuditEvent,
    Campaign,
    Category,
    CategoryTally,
    DeadGiftTally,
    DeliveryDayTally,
    FundingSource,
    LumpGift,
    Package,
    SharedNameYear,
    Ward,
    WardTally,
)

CASHLESS_TARGET = 0.30


def data_version(session: Session) -> int:
    """A number that grows with every write to the database."""
    return session.execute(select(func.coalesce(func.max(AuditEvent.id), 0))).scalar_one()


def _add(totals: dict, key, count: int, amount: int, delivered: bool) -> None:
    entry = totals.setdefault(key, [0, 0, 0, 0])
    entry[0] += count
    entry[1] += amount
    if delivered:
        entry[2] += count
        entry[3] += amount


def _row(label: str, totals: list[int]) -> dict:
    count, amount, done, done_amount = totals
    return {
        "label": label,
        "planned": count,
        "planned_amount": amount,
        "delivered": done,
        "delivered_amount": done_amount,
        "percent": round(100 * done / count, 1) if count else 0.0,
    }


def campaign_progress(
    session: Session,
    scope: Scope,
    campaign_id: int,
    today: date | None = None,
    source: str | None = None,
    package_id: int | None = None,
) -> dict:
    """Headline figures and breakdowns (per ward, source, package, day) of one campaign.

    ``source`` (a funding source code) or ``package_id`` narrows the headline, the wards and the
    days; the per-source and per-package breakdowns always show the whole campaign, so they can
    be used to pick a filter. Lump gifts count with their source and never with a single package.
    Read from the trigger-kept tallies (ward × package × status, and ward × package × day): a few
    thousand rows even for a million allocations.
    """
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise ValueError("Không tìm thấy đợt tặng quà.")
    packages = {
        pid: (label, code)
        for pid, label, code in session.execute(
            select(Package.id, Package.label, FundingSource.code)
            .join(FundingSource, FundingSource.id == Package.source_id)
            .where(Package.campaign_id == campaign_id)
        )
    }
    chosen = {
        pid
        for pid, (_label, code) in packages.items()
        if source in (None, code) and package_id in (None, pid)
    }
    groups = session.execute(
        select(
            AllocationTally.ward_id,
            AllocationTally.package_id,
            AllocationTally.status,
            AllocationTally.gifts,
            AllocationTally.amount,
        ).where(AllocationTally.campaign_id == campaign_id, scope.ward_clause(AllocationTally.ward_id))
    ).all()
    days = session.execute(
        select(
            DeliveryDayTally.day,
            DeliveryDayTally.ward_id,
            func.sum(DeliveryDayTally.gifts),
            func.sum(DeliveryDayTally.amount),
        )
        .where(
            DeliveryDayTally.campaign_id == campaign_id,
            DeliveryDayTally.package_id.in_(chosen),
            scope.ward_clause(DeliveryDayTally.ward_id),
        )
        .group_by(DeliveryDayTally.day, DeliveryDayTally.ward_id)
    ).all()
    ward_names = dict(session.execute(select(Ward.id, Ward.name)).all())
    by_ward: dict = {}
    by_source: dict = {}
    by_package: dict = {}
    for ward_id, pid, status, count, amount in groups:
        done = status == "delivered"
        label, code = packages[pid]
        if pid in chosen:
            _add(by_ward, ward_names[ward_id], count, amount, done)
        _add(by_source, code, count, amount, done)
        _add(by_package, label, count, amount, done)
    lumps = select(
        func.coalesce(func.sum(LumpGift.count), 0), func.coalesce(func.sum(LumpGift.amount), 0)
    ).where(LumpGift.campaign_id == campaign_id, scope.ward_clause(LumpGift.ward_id))
    if source:
        lumps = lumps.join(FundingSource, FundingSource.id == LumpGift.source_id).where(
            FundingSource.code == source
        )
    lump_count, lump_amount = (0, 0) if package_id else session.execute(lumps).one()
    ward_rows = sorted(
        (_row(name, totals) for name, totals in by_ward.items()), key=lambda r: (r["percent"], r["label"])
    )
    expected = _expected_percent(campaign, today or date.today())
    for row in ward_rows:
        row["behind"] = expected is not None and row["percent"] + 10 < expected
    planned = sum(r["planned"] for r in ward_rows)
    delivered = sum(r["delivered"] for r in ward_rows)
    return {
        "planned": planned,
        "planned_amount": sum(r["planned_amount"] for r in ward_rows),
        "delivered": delivered,
        "delivered_amount": sum(r["delivered_amount"] for r in ward_rows),
        "percent": round(100 * delivered / planned, 1) if planned else 0.0,
        "lump_count": int(lump_count),
        "lump_amount": int(lump_amount),
        "expected_percent": expected,
        "wards": ward_rows,
        "sources": [_row(code, totals) for code, totals in sorted(by_source.items())],
        "packages": [_row(label, totals) for label, totals in sorted(by_package.items())],
        "per_day": sorted(
            (
                {"day": day, "ward": ward_names[ward_id], "count": int(count), "amount": int(amount)}
                for day, ward_id, count, amount in days
            ),
            key=lambda d: (d["day"], d["ward"]),
        ),
    }


def _expected_percent(campaign: Campaign, today: date) -> float | None:
    """Share of the reporting window elapsed by today (None without a window)."""
    start, end = campaign.report_from or campaign.start_date, campaign.report_to or campaign.end_date
    if not start or not end or end <= start:
        return None
    elapsed = (min(max(today, start), end) - start).days
    return round(100 * elapsed / (end - start).days, 1)


def registry_quality(session: Session, scope: Scope) -> list[dict]:
    """Per ward: people, cashless share, and the "Đúng, Đủ, Sạch, Sống" problem counts."""
    rows = session.execute(
        select(WardTally, Ward.name)
        .join(Ward, Ward.id == WardTally.ward_id)
        .where(scope.ward_clause(WardTally.ward_id))
        .order_by(Ward.name)
    ).all()
    duplicates = _possible_duplicates(session, scope)
    dead_pending = dict(
        session.execute(
            select(DeadGiftTally.ward_id, DeadGiftTally.gifts).where(scope.ward_clause(DeadGiftTally.ward_id))
        ).all()
    )
    return [
        {
            "ward_id": tally.ward_id,
            "ward": name,
            "people": tally.people,
            "active": tally.active,
            "cashless": tally.cashless,
            "cashless_share": round(tally.cashless / tally.active, 3) if tally.active else 0.0,
            "missing_id": tally.missing_id,
            "invalid_id": tally.invalid_id,
            "no_hamlet": tally.no_hamlet,
            "possible_duplicates": duplicates.get(tally.ward_id, 0),
            "dead_with_gifts": int(dead_pending.get(tally.ward_id, 0)),
        }
        for tally, name in rows
    ]


def _possible_duplicates(session: Session, scope: Scope) -> dict[int, int]:
    """People per ward who share name + birth year with someone in another ward (trigger-kept)."""
    rows = session.execute(
        select(SharedNameYear.ward_id, func.sum(SharedNameYear.people))
        .where(scope.ward_clause(SharedNameYear.ward_id))
        .group_by(SharedNameYear.ward_id)
    ).all()
    return {ward_id: int(count) for ward_id, count in rows}


def category_counts(session: Session, scope: Scope) -> list[dict]:
    """Active beneficiaries per category per ward."""
    rows = session.execute(
        select(Ward.name, Category.code, Category.name, CategoryTally.people)
        .join(Category, Category.id == CategoryTally.category_id)
        .join(Ward, Ward.id == CategoryTally.ward_id)
        .where(scope.ward_clause(CategoryTally.ward_id))
        .order_by(Ward.name, Category.code)
    ).all()
    return [{"ward": w, "code": c, "category": n, "count": int(k)} for w, c, n, k in rows]
