"""Gift rules applied to the registry: who gets which package of a campaign ("không bỏ sót, không
trùng lặp"), and the checks for omissions, ineligible gifts and cross-ward duplicates.

``propose_allocations`` applies every package's rule to the registry of the scope; re-running
only proposes what is missing. Within one funding source a person gets one package: the one with
the best priority (lowest number) they qualify for. People whose status is not active are left
out, except those who died on or after the campaign's start date.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import String, and_, cast, func, not_, or_, select
from sqlmodel import Session

from data_layer.campaigns.approval import approved_ward_ids
from data_layer.campaigns.rules import milestone_of
from data_layer.campaigns.setup import campaign_or_missing, list_packages
from data_layer.core import audit
from data_layer.core.access import Scope
from data_layer.core.codes import Action, AllocationStatus, PersonStatus
from data_layer.core.db import bulk_insert
from data_layer.core.models import (
    Allocation,
    Beneficiary,
    BeneficiaryCategory,
    Campaign,
    Category,
    Package,
    Ward,
    utcnow,
)
from data_layer.vn.collation import person_order, text_order


@dataclass
class ProposalLine:
    """Gifts the rules would add in one ward for one package."""

    ward: str
    source: str
    package: str
    count: int
    amount: int


@dataclass
class Proposal:
    """Allocations the rules would add, and what a budget cap or an approval held back."""

    campaign_id: int
    rows: list[dict]
    over_budget: dict[int, int]  # package id → people left out by the package's budget
    locked_wards: set[int] = field(default_factory=set)  # approved wards: left as they are

    @property
    def amount(self) -> int:
        return sum(row["amount"] for row in self.rows)

    def by_ward_and_package(self, session: Session) -> list[ProposalLine]:
        """Counts and money per ward and package, for the preview table."""
        wards = dict(session.execute(select(Ward.id, Ward.name)).all())
        packages = {p.id: p for p in list_packages(session, self.campaign_id)}
        totals: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0])
        for row in self.rows:
            entry = totals[(row["ward_id"], row["package_id"])]
            entry[0] += 1
            entry[1] += row["amount"]
        return [
            ProposalLine(wards[w], packages[p].source, packages[p].label, c, a)
            for (w, p), (c, a) in sorted(totals.items(), key=lambda kv: (wards[kv[0][0]], kv[0][1]))
        ]


def receives_gifts(campaign: Campaign):
    """SQL condition: the person's status allows gifts in this campaign (died on/after its start is fine)."""
    alive = Beneficiary.status == PersonStatus.ACTIVE
    if campaign.start_date:
        died_during = and_(
            Beneficiary.status == PersonStatus.DIED,
            Beneficiary.status_date.is_not(None),
            Beneficiary.status_date >= campaign.start_date,
        )
        alive = or_(alive, died_during)
    return alive


def _registry(session: Session, scope: Scope, campaign: Campaign):
    """(id, ward id, ward code, birth year, category codes) of everyone who may receive gifts."""
    people = session.execute(
        select(Beneficiary.id, Beneficiary.ward_id, Ward.code, Beneficiary.birth_year)
        .join(Ward, Ward.id == Beneficiary.ward_id)
        .where(scope.ward_clause(Beneficiary.ward_id), receives_gifts(campaign))
    ).all()
    categories: dict[int, set[str]] = defaultdict(set)
    links = session.execute(
        select(BeneficiaryCategory.beneficiary_id, Category.code)
        .join(Category, Category.id == BeneficiaryCategory.category_id)
        .join(Beneficiary, Beneficiary.id == BeneficiaryCategory.beneficiary_id)
        .where(scope.ward_clause(Beneficiary.ward_id))
    )
    for person_id, code in links:
        categories[person_id].add(code)
    return [(pid, ward_id, code, year, categories.get(pid, set())) for pid, ward_id, code, year in people]


def _used_budget(session: Session, campaign_id: int) -> dict[int, int]:
    used: dict[int, int] = defaultdict(int)
    for package_id, total in session.execute(
        select(Allocation.package_id, func.sum(Allocation.amount))
        .where(Allocation.campaign_id == campaign_id)
        .group_by(Allocation.package_id)
    ):
        used[package_id] = int(total or 0)
    return used


def propose_allocations(session: Session, scope: Scope, campaign_id: int) -> Proposal:
    """What auto-allocation would add for the wards of the scope (writes nothing)."""
    campaign = campaign_or_missing(session, campaign_id)
    packages = sorted(list_packages(session, campaign_id), key=lambda p: (p.source_id, p.priority, p.id))
    has_source = set(
        session.execute(
            select(Allocation.beneficiary_id, Package.source_id)
            .join(Package, Package.id == Allocation.package_id)
            .where(Allocation.campaign_id == campaign_id)
        ).tuples()
    )
    used_budget = _used_budget(session, campaign_id)
    rows, over_budget = [], defaultdict(int)
    now = utcnow()
    approved = approved_ward_ids(session, campaign_id)
    for person_id, ward_id, ward_code, birth_year, categories in _registry(session, scope, campaign):
        if ward_id in approved:
            continue
        for package in packages:
            if (person_id, package.source_id) in has_source:
                continue
            if not package.rule.qualifies(campaign.year, birth_year, ward_code, categories):
                continue
            has_source.add((person_id, package.source_id))  # best priority of this source taken
            if package.budget is not None and used_budget[package.id] + package.amount > package.budget:
                over_budget[package.id] += 1
                continue
            used_budget[package.id] += package.amount
            rows.append(
                {
                    "campaign_id": campaign_id,
                    "package_id": package.id,
                    "beneficiary_id": person_id,
                    "ward_id": ward_id,
                    "amount": package.amount,
                    "milestone": milestone_of(campaign.year, birth_year)
                    if package.rule.is_longevity
                    else None,
                    "status": AllocationStatus.PLANNED,
                    "version": 1,
                    "created_at": now,
                    "updated_at": now,
                }
            )
    return Proposal(campaign_id, rows, dict(over_budget), {w for w in approved if scope.may_see_ward(w)})


def apply_allocations(session: Session, scope: Scope, campaign_id: int) -> int:
    """Write what the rules would add now (proposed afresh inside the transaction, so a preview
    that went stale can neither duplicate a gift nor reach another ward); returns how many."""
    scope.require_write()
    proposal = propose_allocations(session, scope, campaign_id)
    scope.require_wards({row["ward_id"] for row in proposal.rows})  # wards read from the database
    bulk_insert(session, Allocation.__table__, proposal.rows)
    audit.record(
        session,
        scope,
        table="allocation",
        row_id=None,
        action=Action.AUTO_ALLOCATE,
        new=f"{session.get(Campaign, campaign_id).name}: {len(proposal.rows)} suất",
    )
    return len(proposal.rows)


@dataclass
class Omission:
    """Someone a package's rule matches who has no gift of that package's source."""

    person_id: int
    name: str
    birth_year: int | None
    ward: str
    package: str


def omissions(session: Session, scope: Scope, campaign_id: int, limit: int = 5000) -> list[Omission]:
    """People who match some package but have no allocation of that package's source (không bỏ sót)."""
    proposal = propose_allocations(session, scope, campaign_id)
    missing = {row["beneficiary_id"]: row for row in proposal.rows}
    if not missing:
        return []
    labels = {p.id: f"{p.source} – {p.label}" for p in list_packages(session, campaign_id)}
    people = session.execute(
        select(Beneficiary.id, Beneficiary.name, Beneficiary.birth_year, Ward.name)
        .join(Ward, Ward.id == Beneficiary.ward_id)
        .where(Beneficiary.id.in_(list(missing)[:limit]))
        .order_by(*text_order(Ward.name), *person_order(Beneficiary.hamlet, Beneficiary.name), Beneficiary.id)
    )
    return [
        Omission(pid, name, year, ward, labels[missing[pid]["package_id"]])
        for pid, name, year, ward in people
    ]


@dataclass
class IneligibleGift:
    """An undelivered gift of someone who died before the campaign, moved away or is no longer eligible."""

    allocation_id: int
    name: str
    status: str
    status_date: date | None
    ward: str
    package: str


def ineligible_allocations(session: Session, scope: Scope, campaign_id: int) -> list[IneligibleGift]:
    """Undelivered allocations whose person may no longer receive gifts."""
    campaign = campaign_or_missing(session, campaign_id)
    rows = session.execute(
        select(
            Allocation.id,
            Beneficiary.name,
            Beneficiary.status,
            Beneficiary.status_date,
            Ward.name,
            Package.label,
        )
        .join(Beneficiary, Beneficiary.id == Allocation.beneficiary_id)
        .join(Ward, Ward.id == Allocation.ward_id)
        .join(Package, Package.id == Allocation.package_id)
        .where(
            Allocation.campaign_id == campaign_id,
            scope.ward_clause(Allocation.ward_id),
            Allocation.status != AllocationStatus.DELIVERED,
            not_(receives_gifts(campaign)),
        )
        .order_by(*text_order(Ward.name), *person_order(Beneficiary.hamlet, Beneficiary.name), Allocation.id)
    )
    return [IneligibleGift(*row) for row in rows]


@dataclass
class Duplicate:
    """The same person (national ID, or name + birth date) with the same package in two wards."""

    package_id: int
    people: list[tuple[str, str | None, str]]  # (name, national ID, ward name)


def cross_ward_duplicates(session: Session, scope: Scope, campaign_id: int) -> list[Duplicate]:
    """Gifts of one package given to the same person in more than one ward."""
    key_columns = [
        (Beneficiary.national_id, Beneficiary.national_id.is_not(None)),
        (
            Beneficiary.name_key + "|" + func.coalesce(cast(Beneficiary.birth_date, String), "?"),
            Beneficiary.national_id.is_(None),
        ),
    ]
    found = []
    for key, condition in key_columns:
        dupes = session.execute(
            select(key.label("key"), Allocation.package_id)
            .join(Beneficiary, Beneficiary.id == Allocation.beneficiary_id)
            .where(Allocation.campaign_id == campaign_id, condition)
            .group_by(key, Allocation.package_id)
            .having(func.count(func.distinct(Allocation.ward_id)) > 1)
        ).all()
        for dupe_key, package_id in dupes:
            people = session.execute(
                select(Beneficiary.name, Beneficiary.national_id, Ward.name)
                .join(Allocation, Allocation.beneficiary_id == Beneficiary.id)
                .join(Ward, Ward.id == Beneficiary.ward_id)
                .where(
                    Allocation.package_id == package_id,
                    key == dupe_key,
                    scope.ward_clause(Allocation.ward_id),
                )
            ).all()
            if people:
                found.append(Duplicate(package_id, [tuple(p) for p in people]))
    return found
