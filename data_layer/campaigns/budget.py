"""What-if budgets: change package amounts, add/remove packages, scale counts, compare with source caps.

The baseline is read once from the database as aggregated counts (package × ward); recomputing a
scenario is pure integer arithmetic over those counts, independent of the number of people.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import asdict, dataclass, field

from sqlalchemy import func, select, update
from sqlmodel import Session

from data_layer.campaigns.allocation import propose_allocations
from data_layer.core import audit
from data_layer.core.access import Scope
from data_layer.core.codes import Action, AllocationStatus
from data_layer.core.errors import Forbidden, Invalid, NotFound
from data_layer.core.models import (
    Allocation,
    AllocationTally,
    BudgetScenario,
    FundingSource,
    Package,
    Ward,
    utcnow,
)


@dataclass(frozen=True)
class Line:
    """One package of the baseline: its source, amount and how many gifts per ward."""

    package_id: int | None
    source: str  # funding source code (scenario caps and added packages name sources by code)
    source_name: str
    label: str
    amount: int
    counts: dict[str, int]  # ward name → gifts

    @property
    def count(self) -> int:
        return sum(self.counts.values())


@dataclass
class Scenario:
    """Changes to the baseline. Growth is in whole percent; money in whole đồng."""

    amounts: dict[int, int] = field(default_factory=dict)  # package id → new amount
    removed: list[int] = field(default_factory=list)  # package ids left out
    added: list[dict] = field(default_factory=list)  # {source, label, amount, count}
    growth_percent: int = 0
    caps: dict[str, int] = field(default_factory=dict)  # source code → cap

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Scenario:
        data = json.loads(text)
        data["amounts"] = {int(k): int(v) for k, v in data.get("amounts", {}).items()}
        return cls(**data)


def baseline(session: Session, scope: Scope, campaign_id: int) -> list[Line]:
    """Current counts per package and ward: allocations, plus the people the rules would still add."""
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    wards = dict(session.execute(select(Ward.id, Ward.name)).all())
    for package_id, ward_id, count in session.execute(  # running totals kept by triggers
        select(AllocationTally.package_id, AllocationTally.ward_id, func.sum(AllocationTally.gifts))
        .where(AllocationTally.campaign_id == campaign_id, scope.ward_clause(AllocationTally.ward_id))
        .group_by(AllocationTally.package_id, AllocationTally.ward_id)
    ):
        counts[package_id][wards[ward_id]] += count
    for row in propose_allocations(session, scope, campaign_id).rows:
        counts[row["package_id"]][wards[row["ward_id"]]] += 1
    packages = session.execute(
        select(Package.id, FundingSource.code, FundingSource.name, Package.label, Package.amount)
        .join(FundingSource, FundingSource.id == Package.source_id)
        .where(Package.campaign_id == campaign_id)
        .order_by(FundingSource.id, Package.priority, Package.id)
    ).all()
    return [
        Line(pid, code, name, label, amount, dict(counts[pid])) for pid, code, name, label, amount in packages
    ]


def source_caps(session: Session, scope: Scope, campaign_id: int) -> dict[str, int]:
    """Default cap per source: the sum of its packages' budgets (sources without budgets have none).
    The budgets are the whole city's: a scope limited to some wards gets none (a ward's share of a
    city-wide cap is not known)."""
    if not scope.sees_all_wards:
        return {}
    rows = session.execute(
        select(FundingSource.code, func.sum(Package.budget))
        .join(FundingSource, FundingSource.id == Package.source_id)
        .where(Package.campaign_id == campaign_id, Package.budget.is_not(None))
        .group_by(FundingSource.code)
    ).all()
    return {code: int(total) for code, total in rows}


def scaled(count: int, growth_percent: int) -> int:
    """Count after growth, rounded half up, in integers only."""
    return (count * (100 + growth_percent) + 50) // 100


def compute(lines: list[Line], scenario: Scenario) -> dict:
    """Totals per package, source and ward after the scenario, and each source against its cap."""
    packages = []
    for line in lines:
        if line.package_id in scenario.removed:
            continue
        amount = scenario.amounts.get(line.package_id, line.amount)
        counts = {ward: scaled(n, scenario.growth_percent) for ward, n in line.counts.items()}
        packages.append(
            {
                "package_id": line.package_id,
                "source": line.source,
                "label": line.label,
                "amount": amount,
                "counts": counts,
            }
        )
    for extra in scenario.added:
        packages.append(
            {
                "package_id": None,
                "source": extra["source"],
                "label": extra["label"],
                "amount": int(extra["amount"]),
                "counts": {"(chưa chia theo phường/xã)": int(extra["count"])},
            }
        )
    by_source: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    by_ward: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for package in packages:
        count = sum(package["counts"].values())
        package["count"], package["total"] = count, count * package["amount"]
        by_source[package["source"]][0] += count
        by_source[package["source"]][1] += package["total"]
        for ward, n in package["counts"].items():
            by_ward[ward][0] += n
            by_ward[ward][1] += n * package["amount"]
    sources = [
        {
            "source": code,
            "count": c,
            "total": t,
            "cap": scenario.caps.get(code),
            "over": t - scenario.caps[code] if code in scenario.caps else None,
        }
        for code, (c, t) in sorted(by_source.items())
    ]
    return {
        "packages": packages,
        "sources": sources,
        "wards": [{"ward": w, "count": c, "total": t} for w, (c, t) in sorted(by_ward.items())],
        "total_count": sum(p["count"] for p in packages),
        "total": sum(p["total"] for p in packages),
    }


def save_scenario(
    session: Session, scope: Scope, campaign_id: int, name: str, scenario: Scenario
) -> BudgetScenario:
    """Store a named scenario of a campaign, or overwrite one (its author or a manager only); audited."""
    scope.require_write()
    name = (name or "").strip()
    if not name:
        raise Invalid("Đặt tên cho phương án trước khi lưu.")
    row = session.execute(
        select(BudgetScenario).where(BudgetScenario.campaign_id == campaign_id, BudgetScenario.name == name)
    ).scalar_one_or_none()
    if row is not None and row.created_by != scope.user_id and not scope.is_manager:
        raise Forbidden(f"Phương án '{name}' do người khác lập: đặt tên khác để lưu phương án của bạn.")
    action = Action.INSERT if row is None else Action.UPDATE
    row = row or BudgetScenario(campaign_id=campaign_id, name=name, content="{}", created_by=scope.user_id)
    old, row.content = row.content, scenario.to_json()
    session.add(row)
    session.flush()
    audit.record(
        session,
        scope,
        table="budgetscenario",
        row_id=row.id,
        action=action,
        field="content",
        old=None if action == Action.INSERT else old,
        new=name,
    )
    return row


def list_scenarios(session: Session, campaign_id: int) -> list[BudgetScenario]:
    return list(
        session.execute(
            select(BudgetScenario)
            .where(BudgetScenario.campaign_id == campaign_id)
            .order_by(BudgetScenario.name)
        ).scalars()
    )


@dataclass
class AmountChange:
    """What applying a scenario does to one package: its amount, and the gifts that follow it."""

    package_id: int
    label: str
    old: int
    new: int
    planned_gifts: int  # not delivered yet: they take the new amount
    delivered_gifts: int  # handed out: they keep the amount they were given


def scenario_changes(
    session: Session, scope: Scope, campaign_id: int, scenario: Scenario
) -> list[AmountChange]:
    """The package amounts a scenario would change, with the gifts each change reaches in the scope's
    wards."""
    changes = []
    for package_id, amount in sorted(scenario.amounts.items()):
        package = session.get(Package, package_id)
        if package is None or package.campaign_id != campaign_id:
            raise NotFound("Phương án có mức quà không thuộc đợt này.")
        if amount <= 0:
            raise Invalid("Mức quà phải lớn hơn 0 đồng.")
        if package.amount == amount:
            continue
        gifts = dict(
            session.execute(
                select(AllocationTally.status, func.sum(AllocationTally.gifts))
                .where(AllocationTally.package_id == package_id, scope.ward_clause(AllocationTally.ward_id))
                .group_by(AllocationTally.status)
            ).all()
        )
        delivered = int(gifts.pop(AllocationStatus.DELIVERED, 0) or 0)
        changes.append(
            AmountChange(
                package_id, package.label, package.amount, amount, int(sum(gifts.values())), delivered
            )
        )
    return changes


def apply_scenario(
    session: Session, scope: Scope, campaign_id: int, scenario: Scenario
) -> list[AmountChange]:
    """Write the scenario's package amounts to the campaign, and to its gifts not delivered yet
    (admin/district, audited); delivered gifts keep their amount. Added or removed packages are set
    up on the campaign page, not here."""
    scope.require_manager()
    changes = scenario_changes(session, scope, campaign_id, scenario)
    for change in changes:
        session.execute(update(Package).where(Package.id == change.package_id).values(amount=change.new))
        session.execute(
            update(Allocation)
            .where(
                Allocation.package_id == change.package_id, Allocation.status != AllocationStatus.DELIVERED
            )
            .values(amount=change.new, version=Allocation.version + 1, updated_at=utcnow())
        )
        audit.record(
            session,
            scope,
            table="package",
            row_id=change.package_id,
            action=Action.UPDATE,
            field="amount",
            old=change.old,
            new=change.new,
        )
    return changes
