"""The home page: headline counts, and the day's work of the user's wards, within their scope."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import func, select
from sqlmodel import Session

from data_layer.campaigns.allocation import propose_allocations
from data_layer.core.access import Scope
from data_layer.core.codes import CampaignStatus, PersonStatus, Problem
from data_layer.core.models import Beneficiary, Campaign, ImportBatch, Ward, utcnow
from data_layer.reports.progress import ProgressLine, campaign_progress, registry_quality

RECENT_IMPORTS = timedelta(days=30)


@dataclass
class Overview:
    wards: int
    people: int
    active: int
    campaigns: int


def overview(session: Session, scope: Scope) -> Overview:
    """How many wards, people (active ones) and campaigns the user works with."""

    def count(model, *conditions) -> int:
        return session.execute(select(func.count()).select_from(model).where(*conditions)).scalar_one()

    in_scope = scope.ward_clause(Beneficiary.ward_id)
    return Overview(
        wards=count(Ward, Ward.active, scope.ward_clause(Ward.id)),
        people=count(Beneficiary, in_scope),
        active=count(Beneficiary, in_scope, Beneficiary.status == PersonStatus.ACTIVE),
        campaigns=count(Campaign),
    )


@dataclass
class DayWork:
    """What is left to do in the user's wards, each item a count that links to the page fixing it."""

    campaign: Campaign | None  # the newest open campaign
    progress: ProgressLine | None
    wards_behind: list[str] = field(default_factory=list)
    without_gift: int = 0  # people a package's rule matches who have no gift of its source
    undelivered: int = 0  # gifts planned and not handed out
    problems: dict[Problem, int] = field(default_factory=dict)
    rejected_imports: list[ImportBatch] = field(default_factory=list)  # recent imports with rejected rows


def day_work(session: Session, scope: Scope) -> DayWork:
    """The start of the day: the active campaign's progress and the unfinished work of the scope."""
    campaign = (
        session.execute(
            select(Campaign)
            .where(Campaign.status == CampaignStatus.OPEN)
            .order_by(Campaign.year.desc(), Campaign.id.desc())
        )
        .scalars()
        .first()
    )
    quality = registry_quality(session, scope)
    work = DayWork(
        campaign=campaign,
        progress=None,
        problems={p: sum(getattr(q, p) for q in quality) for p in Problem},
        rejected_imports=list(
            session.execute(
                select(ImportBatch)
                .where(
                    scope.ward_clause(ImportBatch.ward_id),
                    ImportBatch.rejected > 0,
                    ImportBatch.created_at >= utcnow() - RECENT_IMPORTS,
                )
                .order_by(ImportBatch.id.desc())
                .limit(5)
            ).scalars()
        ),
    )
    if campaign is not None:
        progress = campaign_progress(session, scope, campaign.id)
        work.progress = progress.total
        work.undelivered = progress.total.planned - progress.total.delivered
        work.wards_behind = [w.label for w in progress.wards if w.behind]
        work.without_gift = len(
            {row["beneficiary_id"] for row in propose_allocations(session, scope, campaign.id).rows}
        )
    return work
