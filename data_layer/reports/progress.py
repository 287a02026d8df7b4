"""Campaign progress and registry quality figures, read from the trigger-kept running totals for
the user's scope: a few thousand rows even for a million allocations."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlmodel import Session

from data_layer.campaigns.setup import campaign_or_missing
from data_layer.core.access import Scope
from data_layer.core.codes import AllocationStatus
from data_layer.core.models import (
    AllocationTally,
    Campaign,
    Category,
    CategoryTally,
    DeadGiftTally,
    DeliveryDayTally,
    FundingSource,
    HamletTally,
    LumpGift,
    Package,
    SharedWardTally,
    Ward,
    WardTally,
)
from data_layer.registry.hamlets import hamlet_namer
from data_layer.vn.collation import text_order

CASHLESS_TARGET = 0.30


@dataclass
class ProgressLine:
    """Planned and delivered gifts (count, money) of one ward, source or package."""

    label: str
    planned: int = 0
    planned_amount: int = 0
    delivered: int = 0
    delivered_amount: int = 0
    behind: bool = False  # a ward more than 10 points behind the reporting window

    @property
    def percent(self) -> float:
        return round(100 * self.delivered / self.planned, 1) if self.planned else 0.0

    def add(self, count: int, amount: int, delivered: bool) -> None:
        self.planned += count
        self.planned_amount += amount
        if delivered:
            self.delivered += count
            self.delivered_amount += amount

    def absorb(self, other: ProgressLine) -> None:
        """Add another line's figures to this one (totals)."""
        self.planned += other.planned
        self.planned_amount += other.planned_amount
        self.delivered += other.delivered
        self.delivered_amount += other.delivered_amount


@dataclass
class DeliveryDay:
    day: date
    ward: str
    count: int
    amount: int


@dataclass
class CampaignProgress:
    """Headline figures and breakdowns of one campaign."""

    total: ProgressLine
    lump_count: int
    lump_amount: int
    expected_percent: float | None
    wards: list[ProgressLine] = field(default_factory=list)
    sources: list[ProgressLine] = field(default_factory=list)
    packages: list[ProgressLine] = field(default_factory=list)
    per_day: list[DeliveryDay] = field(default_factory=list)
    # what ``wards`` are: the child units of the viewer's unit (a commune office's hamlets, else communes)
    unit_title: str = "Phường/xã"


def campaign_progress(
    session: Session,
    scope: Scope,
    campaign_id: int,
    today: date | None = None,
    source_id: int | None = None,
    package_id: int | None = None,
) -> CampaignProgress:
    """Headline figures and breakdowns (per ward, source, package, day) of one campaign.

    ``source_id`` or ``package_id`` narrows the headline, the wards and the days; the per-source and
    per-package breakdowns always show the whole campaign, so they can be used to pick a filter.
    Lump gifts count with their source and never with a single package.
    """
    campaign = campaign_or_missing(session, campaign_id)
    packages = {
        pid: (label, sid, source)
        for pid, label, sid, source in session.execute(
            select(Package.id, Package.label, FundingSource.id, FundingSource.name)
            .join(FundingSource, FundingSource.id == Package.source_id)
            .where(Package.campaign_id == campaign_id)
        )
    }
    chosen = {
        pid
        for pid, (_l, sid, _s) in packages.items()
        if source_id in (None, sid) and package_id in (None, pid)
    }
    ward_names = dict(session.execute(select(Ward.id, Ward.name)).all())
    groups = _unit_groups(session, scope, campaign_id, ward_names)
    by_ward, by_source, by_package = _breakdowns(groups, packages, chosen)
    lump_count, lump_amount = (0, 0) if package_id else _lumps(session, scope, campaign_id, source_id)
    wards = sorted(by_ward.values(), key=lambda r: (r.percent, r.label))
    expected = _expected_percent(campaign, today or date.today())
    total = ProgressLine("Tổng cộng")
    for line in wards:
        line.behind = expected is not None and line.percent + 10 < expected
        total.absorb(line)
    return CampaignProgress(
        total=total,
        lump_count=lump_count,
        lump_amount=lump_amount,
        expected_percent=expected,
        wards=wards,
        sources=[by_source[sid] for sid in sorted(by_source)],  # catalogue order: TW, province…
        packages=sorted(by_package.values(), key=lambda r: r.label),
        per_day=_delivery_days(session, scope, campaign_id, chosen, ward_names),
        unit_title=unit_title(scope),
    )


def unit_title(scope: Scope) -> str:
    """The column title of the units a scope's figures group by."""
    return "Thôn/tổ dân phố" if scope.watches_hamlets else "Phường/xã"


def _unit_groups(session: Session, scope: Scope, campaign_id: int, ward_names: dict[int, str]) -> list:
    """Gifts and money per child unit of the viewer's unit, package and status: (unit name, package,
    status, gifts, money), from the running totals: per commune, or for a commune office per spelling
    of its people's Thôn/Tổ (spellings of one hamlet named alike, so they add up as one line)."""
    if not scope.watches_hamlets:
        rows = session.execute(
            select(
                AllocationTally.ward_id,
                AllocationTally.package_id,
                AllocationTally.status,
                AllocationTally.gifts,
                AllocationTally.amount,
            ).where(AllocationTally.campaign_id == campaign_id, scope.ward_clause(AllocationTally.ward_id))
        ).all()
        return [(ward_names[w], pid, status, count, amount) for w, pid, status, count, amount in rows]
    (ward_id,) = scope.ward_ids
    name_of = hamlet_namer(session, ward_id)
    rows = session.execute(
        select(
            HamletTally.hamlet,
            HamletTally.package_id,
            HamletTally.status,
            HamletTally.gifts,
            HamletTally.amount,
        ).where(HamletTally.campaign_id == campaign_id, HamletTally.ward_id == ward_id)
    ).all()
    return [(name_of(hamlet), pid, status, count, amount) for hamlet, pid, status, count, amount in rows]


def _breakdowns(groups, packages: dict, chosen: set[int]):
    """Planned/delivered lines per child unit (chosen packages only), per source and per package."""
    by_ward: dict[str, ProgressLine] = {}
    by_source: dict[int, ProgressLine] = {}
    by_package: dict[str, ProgressLine] = {}
    for unit, pid, status, count, amount in groups:
        done = status == AllocationStatus.DELIVERED
        label, sid, source = packages[pid]
        if pid in chosen:
            by_ward.setdefault(unit, ProgressLine(unit)).add(count, amount, done)
        by_source.setdefault(sid, ProgressLine(source)).add(count, amount, done)
        by_package.setdefault(label, ProgressLine(label)).add(count, amount, done)
    return by_ward, by_source, by_package


def _lumps(session: Session, scope: Scope, campaign_id: int, source_id: int | None) -> tuple[int, int]:
    query = select(
        func.coalesce(func.sum(LumpGift.count), 0), func.coalesce(func.sum(LumpGift.amount), 0)
    ).where(LumpGift.campaign_id == campaign_id, scope.ward_clause(LumpGift.ward_id))
    if source_id is not None:
        query = query.where(LumpGift.source_id == source_id)
    count, amount = session.execute(query).one()
    return int(count), int(amount)


def _delivery_days(
    session: Session, scope: Scope, campaign_id: int, packages: set[int], ward_names: dict[int, str]
) -> list[DeliveryDay]:
    days = session.execute(
        select(
            DeliveryDayTally.day,
            DeliveryDayTally.ward_id,
            func.sum(DeliveryDayTally.gifts),
            func.sum(DeliveryDayTally.amount),
        )
        .where(
            DeliveryDayTally.campaign_id == campaign_id,
            DeliveryDayTally.package_id.in_(packages),
            scope.ward_clause(DeliveryDayTally.ward_id),
        )
        .group_by(DeliveryDayTally.day, DeliveryDayTally.ward_id)
    ).all()
    found = [DeliveryDay(day, ward_names[w], int(c), int(a)) for day, w, c, a in days]
    return sorted(found, key=lambda d: (d.day, d.ward))


def _expected_percent(campaign: Campaign, today: date) -> float | None:
    """Share of the reporting window elapsed by today (None without a window)."""
    start, end = campaign.report_from or campaign.start_date, campaign.report_to or campaign.end_date
    if not start or not end or end <= start:
        return None
    elapsed = (min(max(today, start), end) - start).days
    return round(100 * elapsed / (end - start).days, 1)


@dataclass
class WardQuality:
    """Per ward: people, cashless share, and the "Đúng, Đủ, Sạch, Sống" problem counts."""

    ward_id: int
    ward: str
    people: int
    active: int
    cashless: int
    missing_id: int
    invalid_id: int
    no_hamlet: int
    possible_duplicates: int
    dead_with_gifts: int

    @property
    def cashless_share(self) -> float:
        return round(self.cashless / self.active, 3) if self.active else 0.0


def registry_quality(session: Session, scope: Scope) -> list[WardQuality]:
    """The data-quality figures of every ward of the scope (trigger-kept)."""
    rows = session.execute(
        select(WardTally, Ward.name)
        .join(Ward, Ward.id == WardTally.ward_id)
        .where(scope.ward_clause(WardTally.ward_id))
        .order_by(*text_order(Ward.name))
    ).all()
    duplicates = dict(
        session.execute(
            select(SharedWardTally.ward_id, SharedWardTally.people).where(
                scope.ward_clause(SharedWardTally.ward_id)
            )
        ).all()
    )
    dead_pending = dict(
        session.execute(
            select(DeadGiftTally.ward_id, DeadGiftTally.gifts).where(scope.ward_clause(DeadGiftTally.ward_id))
        ).all()
    )
    return [
        WardQuality(
            ward_id=t.ward_id,
            ward=name,
            people=t.people,
            active=t.active,
            cashless=t.cashless,
            missing_id=t.missing_id,
            invalid_id=t.invalid_id,
            no_hamlet=t.no_hamlet,
            possible_duplicates=int(duplicates.get(t.ward_id, 0)),
            dead_with_gifts=int(dead_pending.get(t.ward_id, 0)),
        )
        for t, name in rows
    ]


@dataclass
class CategoryCount:
    ward: str
    category: str
    count: int


def category_counts(session: Session, scope: Scope) -> list[CategoryCount]:
    """Active beneficiaries per category per ward."""
    rows = session.execute(
        select(Ward.name, Category.name, CategoryTally.people)
        .join(Category, Category.id == CategoryTally.category_id)
        .join(Ward, Ward.id == CategoryTally.ward_id)
        .where(scope.ward_clause(CategoryTally.ward_id))
        .order_by(*text_order(Ward.name), Category.id)
    ).all()
    return [CategoryCount(w, n, int(k)) for w, n, k in rows]
