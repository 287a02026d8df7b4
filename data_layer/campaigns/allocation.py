"""Gift rules: who gets which package of a campaign ("không bỏ sót, không trùng lặp").

``propose_allocations`` applies every package's rule to the registry of the scope; re-running
only proposes what is missing. Within one funding source a person gets one package: the one with
the best priority (lowest number) they qualify for. People whose status is not active are left
out, except those who died on or after the campaign's start date.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import String, and_, cast, func, not_, or_, select
from sqlmodel import Session

from data_layer.campaigns.setup import Rule, list_packages
from data_layer.core import audit
from data_layer.core.access import Scope
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


@dataclass
class Proposal:
    """Allocations the rules would add, and what a budget cap held back."""

    campaign_id: int
    rows: list[dict]
    over_budget: dict[int, int]  # package id → people left out by the package's budget

    def by_ward_and_package(self, session: Session) -> list[dict]:
        """Counts and money per ward and package, for the preview table."""
        wards = dict(session.execute(select(Ward.id, Ward.name)).all())
        labels = {p.id: (code, p.label) for p, code in list_packages(session, self.campaign_id)}
        totals: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0])
        for row in self.rows:
            entry = totals[(row["ward_id"], row["package_id"])]
            entry[0] += 1
            entry[1] += row["amount"]
        return [
            {"ward": wards[w], "source": labels[p][0], "package": labels[p][1], "count": c, "amount": a}
            for (w, p), (c, a) in sorted(totals.items(), key=lambda kv: (wards[kv[0][0]], kv[0][1]))
        ]


def receives_gifts(campaign: Campaign):
    """SQL condition: the person's status allows gifts in this campaign (died on/after its start is fine)."""
    alive = Beneficiary.status == "active"
    if campaign.start_date:
        died_during = and_(
            Beneficiary.status == "died",
            Beneficiary.status_date.is_not(None),
            Beneficiary.status_date >= campaign.start_date,
        )
        alive = or_(alive, died_during)
    return alive


def _registry(session: Session, scope: Scope, campaign: Campaign):
    """(id, ward id, ward code, birth year, category codes) of everyone who may receive gifts."""
    alive = receives_gifts(campaign)
    people = session.execute(
        select(Beneficiary.id, Beneficiary.ward_id, Ward.code, Beneficiary.birth_year)
        .join(Ward, Ward.id == Beneficiary.ward_id)
        .where(scope.ward_clause(Beneficiary.ward_id), alive)
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
    return [
        (pid, ward_id, ward_code, year, categories.get(pid, set()))
        for pid, ward_id, ward_code, year in people
    ]


def qualifies(rule: Rule, year: int, birth_year: int | None, ward_code: str, categories: set[str]) -> bool:
    """Whether one person meets a package rule in the campaign year."""
    if rule.categories and not categories.intersection(rule.categories):
        return False
    if rule.wards and ward_code not in rule.wards:
        return False
    if rule.ages or rule.age_min:
        if birth_year is None:
            return False
        age = year - birth_year
        if age not in rule.ages and not (rule.age_min and age >= rule.age_min):
            return False
    return True


def propose_allocations(session: Session, scope: Scope, campaign_id: int) -> Proposal:
    """What auto-allocation would add for the wards of the scope (writes nothing)."""
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise ValueError("Không tìm thấy đợt tặng quà.")
    packages = [p for p, _code in list_packages(session, campaign_id)]
    existing = session.execute(
        select(Allocation.beneficiary_id, Package.source_id, Allocation.package_id)
        .join(Package, Package.id == Allocation.package_id)
        .where(Allocation.campaign_id == campaign_id)
    ).all()
    has_source = {(pid, source) for pid, source, _ in existing}
    used_budget: dict[int, int] = defaultdict(int)
    for package_id, total in session.execute(
        select(Allocation.package_id, func.sum(Allocation.amount))
        .where(Allocation.campaign_id == campaign_id)
        .group_by(Allocation.package_id)
    ):
        used_budget[package_id] = int(total or 0)
    rules = {p.id: Rule.from_json(p.rule) for p in packages}
    ordered = sorted(packages, key=lambda p: (p.source_id, p.priority, p.id))
    rows, over_budget = [], defaultdict(int)
    now = utcnow()
    for person_id, ward_id, ward_code, birth_year, categories in _registry(session, scope, campaign):
        for package in ordered:
            if (person_id, package.source_id) in has_source:
                continue
            if not qualifies(rules[package.id], campaign.year, birth_year, ward_code, categories):
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
                    "status": "planned",
                    "version": 1,
                    "created_at": now,
                    "updated_at": now,
                }
            )
    return Proposal(campaign_id=campaign_id, rows=rows, over_budget=dict(over_budget))


def apply_allocations(session: Session, scope: Scope, proposal: Proposal) -> int:
    """Write a proposal (in the caller's transaction); returns the number of allocations added."""
    scope.require_write()
    scope.require_wards({row["ward_id"] for row in proposal.rows})
    bulk_insert(session, Allocation.__table__, proposal.rows)
    audit.record(
        session,
        scope,
        table="allocation",
        row_id=None,
        action="auto_allocate",
        new=f"đợt {proposal.campaign_id}: {len(proposal.rows)} suất",
    )
    return len(proposal.rows)


def omissions(session: Session, scope: Scope, campaign_id: int) -> list[dict]:
    """People who match some package but have no allocation of that package's source (không bỏ sót)."""
    proposal = propose_allocations(session, scope, campaign_id)
    missing = {row["beneficiary_id"]: row for row in proposal.rows}
    if not missing:
        return []
    labels = {p.id: f"{code} – {p.label}" for p, code in list_packages(session, campaign_id)}
    people = session.execute(
        select(Beneficiary.id, Beneficiary.name, Beneficiary.birth_year, Ward.name)
        .join(Ward, Ward.id == Beneficiary.ward_id)
        .where(Beneficiary.id.in_(list(missing)[:5000]))
        .order_by(Ward.name, Beneficiary.name)
    )
    return [
        {
            "id": pid,
            "name": name,
            "birth_year": year,
            "ward": ward,
            "package": labels[missing[pid]["package_id"]],
        }
        for pid, name, year, ward in people
    ]


def ineligible_allocations(session: Session, scope: Scope, campaign_id: int) -> list[dict]:
    """Undelivered allocations whose person died before the campaign, moved away or is no longer eligible."""
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise ValueError("Không tìm thấy đợt tặng quà.")
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
            Allocation.status != "delivered",
            not_(receives_gifts(campaign)),
        )
        .order_by(Ward.name, Beneficiary.name)
    )
    return [
        {
            "allocation_id": aid,
            "name": name,
            "status": status,
            "status_date": status_date,
            "ward": ward,
            "package": label,
        }
        for aid, name, status, status_date, ward, label in rows
    ]


def cross_ward_duplicates(session: Session, scope: Scope, campaign_id: int) -> list[dict]:
    """The same person (national ID, or name + birth date) with the same package in two wards."""
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
            select(key.label("key"), Allocation.package_id, func.count(func.distinct(Allocation.ward_id)))
            .join(Beneficiary, Beneficiary.id == Allocation.beneficiary_id)
            .where(Allocation.campaign_id == campaign_id, condition)
            .group_by(key, Allocation.package_id)
            .having(func.count(func.distinct(Allocation.ward_id)) > 1)
        ).all()
        for dupe_key, package_id, _wards in dupes:
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
                found.append(
                    {
                        "key": dupe_key,
                        "package_id": package_id,
                        "people": [{"name": n, "national_id": i, "ward": w} for n, i, w in people],
                    }
                )
    return found
