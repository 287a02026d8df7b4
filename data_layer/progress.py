"""Campaign progress and registry quality figures, aggregated in SQL (GROUP BY) for the user's scope.

``data_version`` changes with every write (each write leaves an audit event), so pages can cache
these figures keyed by it and never show stale numbers.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import case, func, select
from sqlmodel import Session

from data_layer.access import Scope
from data_layer.models import (
    Allocation,
    AuditEvent,
    Beneficiary,
    BeneficiaryCategory,
    Campaign,
    Category,
    FundingSource,
    LumpGift,
    Package,
    Ward,
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


def campaign_progress(session: Session, scope: Scope, campaign_id: int, today: date | None = None) -> dict:
    """Headline figures and breakdowns (per ward, source, package, day) of one campaign.

    One GROUP BY pass over the allocations (ward × package × status × day, a few thousand groups
    even for a million allocations) feeds every breakdown.
    """
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise ValueError("Không tìm thấy đợt tặng quà.")
    groups = session.execute(
        select(
            Allocation.ward_id,
            Allocation.package_id,
            Allocation.status,
            Allocation.delivered_on,
            func.count(),
            func.sum(Allocation.amount),
        )
        .where(Allocation.campaign_id == campaign_id, scope.ward_clause(Allocation.ward_id))
        .group_by(Allocation.ward_id, Allocation.package_id, Allocation.status, Allocation.delivered_on)
    ).all()
    ward_names = dict(session.execute(select(Ward.id, Ward.name)).all())
    packages = {
        pid: (label, code)
        for pid, label, code in session.execute(
            select(Package.id, Package.label, FundingSource.code)
            .join(FundingSource, FundingSource.id == Package.source_id)
            .where(Package.campaign_id == campaign_id)
        )
    }
    by_ward: dict = {}
    by_source: dict = {}
    by_package: dict = {}
    by_day: dict = {}
    for ward_id, package_id, status, day, count, amount in groups:
        done, amount = status == "delivered", int(amount or 0)
        label, source = packages[package_id]
        _add(by_ward, ward_names[ward_id], count, amount, done)
        _add(by_source, source, count, amount, done)
        _add(by_package, label, count, amount, done)
        if done and day is not None:
            _add(by_day, (day, ward_names[ward_id]), count, amount, True)
    lumps = session.execute(
        select(func.coalesce(func.sum(LumpGift.count), 0), func.coalesce(func.sum(LumpGift.amount), 0)).where(
            LumpGift.campaign_id == campaign_id, scope.ward_clause(LumpGift.ward_id)
        )
    ).one()
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
        "lump_count": int(lumps[0]),
        "lump_amount": int(lumps[1]),
        "expected_percent": expected,
        "wards": ward_rows,
        "sources": [_row(code, totals) for code, totals in sorted(by_source.items())],
        "packages": [_row(label, totals) for label, totals in sorted(by_package.items())],
        "per_day": [
            {"day": day, "ward": ward, "count": t[0], "amount": t[1]}
            for (day, ward), t in sorted(by_day.items())
        ],
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
    valid_id = func.length(Beneficiary.national_id).in_([9, 12])
    rows = session.execute(
        select(
            Ward.id,
            Ward.name,
            func.count(Beneficiary.id),
            func.sum(case((Beneficiary.status == "active", 1), else_=0)),
            func.sum(
                case(((Beneficiary.status == "active") & Beneficiary.bank_account.is_not(None), 1), else_=0)
            ),
            func.sum(case((Beneficiary.national_id.is_(None), 1), else_=0)),
            func.sum(case((Beneficiary.national_id.is_not(None) & ~valid_id, 1), else_=0)),
            func.sum(case((Beneficiary.hamlet.is_(None), 1), else_=0)),
        )
        .join(Beneficiary, Beneficiary.ward_id == Ward.id)
        .where(scope.ward_clause(Ward.id))
        .group_by(Ward.id, Ward.name)
        .order_by(Ward.name)
    ).all()
    duplicates = _possible_duplicates(session, scope)
    died = select(Beneficiary.id).where(Beneficiary.status == "died")  # few: drives the lookup by index
    dead_pending = dict(
        session.execute(
            select(Allocation.ward_id, func.count())
            .where(
                scope.ward_clause(Allocation.ward_id),
                Allocation.beneficiary_id.in_(died),
                Allocation.status == "planned",
            )
            .group_by(Allocation.ward_id)
        ).all()
    )
    return [
        {
            "ward_id": wid,
            "ward": name,
            "people": int(people),
            "active": int(active or 0),
            "cashless": int(cashless or 0),
            "cashless_share": round((cashless or 0) / active, 3) if active else 0.0,
            "missing_id": int(missing or 0),
            "invalid_id": int(invalid or 0),
            "no_hamlet": int(no_hamlet or 0),
            "possible_duplicates": duplicates.get(wid, 0),
            "dead_with_gifts": int(dead_pending.get(wid, 0)),
        }
        for wid, name, people, active, cashless, missing, invalid, no_hamlet in rows
    ]


def _possible_duplicates(session: Session, scope: Scope) -> dict[int, int]:
    """People per ward who share name + birth year with someone in another ward."""
    shared = (
        select(Beneficiary.name_key, Beneficiary.birth_year)
        .where(Beneficiary.birth_year.is_not(None))
        .group_by(Beneficiary.name_key, Beneficiary.birth_year)
        .having(func.count(func.distinct(Beneficiary.ward_id)) > 1)
        .subquery()
    )
    rows = session.execute(
        select(Beneficiary.ward_id, func.count())
        .join(
            shared,
            (shared.c.name_key == Beneficiary.name_key) & (shared.c.birth_year == Beneficiary.birth_year),
        )
        .where(scope.ward_clause(Beneficiary.ward_id))
        .group_by(Beneficiary.ward_id)
    ).all()
    return {ward_id: int(count) for ward_id, count in rows}


def category_counts(session: Session, scope: Scope) -> list[dict]:
    """Active beneficiaries per category per ward."""
    rows = session.execute(
        select(Ward.name, Category.code, Category.name, func.count())
        .select_from(BeneficiaryCategory)
        .join(Beneficiary, Beneficiary.id == BeneficiaryCategory.beneficiary_id)
        .join(Category, Category.id == BeneficiaryCategory.category_id)
        .join(Ward, Ward.id == Beneficiary.ward_id)
        .where(scope.ward_clause(Beneficiary.ward_id), Beneficiary.status == "active")
        .group_by(Ward.name, Category.code, Category.name)
    ).all()
    return [{"ward": w, "code": c, "category": n, "count": int(k)} for w, c, n, k in rows]
