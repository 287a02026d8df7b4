"""A campaign's reporting calendar: the daily report window with its deadline hour, and named
milestone reports with due dates ("Báo cáo nhanh trước Tết", "Báo cáo tổng kết"); copying a campaign
to a later year moves its dates and milestones by one offset: from Tết to Tết (lunar) for a Tết
campaign, by whole years otherwise.

Every report is due at the campaign's report hour (14:00 when none is set) on its day, in Vietnam's
time: a report of 26/01 is due 26/01 14:00 in Asia/Ho_Chi_Minh, i.e. 07:00 UTC.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlmodel import Session

from data_layer.campaigns.setup import campaign_or_missing, create_campaign
from data_layer.core import audit
from data_layer.core.access import Scope
from data_layer.core.codes import Action, CampaignKind
from data_layer.core.errors import Conflict, Invalid, NotFound
from data_layer.core.models import Campaign, CampaignMilestone, Package, WardReport
from data_layer.vn.deadlines import DEFAULT_REPORT_HOUR, due_at
from data_layer.vn.deadlines import vn_day as vn_day  # re-exported: sign-offs and pages read it here
from data_layer.vn.formatting import format_date
from data_layer.vn.lunar import tet
from data_layer.vn.text import normalize_text


@dataclass(frozen=True)
class ExpectedReport:
    """One report every ward owes: the daily report of ``day``, or a milestone due on ``day``."""

    day: date  # the report's day (daily) or due date (milestone)
    milestone_id: int | None  # None: the daily report of ``day``
    name: str  # "Báo cáo ngày 26/01/2026" or the milestone's name
    deadline: datetime  # aware

    @property
    def key(self) -> tuple[date | None, int | None]:
        """What a sign-off stores for this report: (report_day, milestone_id)."""
        return (None, self.milestone_id) if self.milestone_id is not None else (self.day, None)

    @property
    def is_daily(self) -> bool:
        return self.milestone_id is None

    @property
    def short_name(self) -> str:
        """A grid column's header: "26/01" for a day, the milestone's name otherwise."""
        return self.day.strftime("%d/%m") if self.is_daily else self.name


def report_hour(campaign: Campaign) -> int:
    return DEFAULT_REPORT_HOUR if campaign.report_hour is None else campaign.report_hour


def deadline(campaign: Campaign, day: date) -> datetime:
    """When the report of ``day`` is due: ``day`` at the campaign's report hour, Vietnam's time."""
    return due_at(day, report_hour(campaign))


def report_days(campaign: Campaign) -> list[date]:
    """Every day of the daily report window (none when the campaign has no window)."""
    if campaign.report_from is None or campaign.report_to is None:
        return []
    count = (campaign.report_to - campaign.report_from).days + 1
    return [campaign.report_from + timedelta(days=n) for n in range(count)]


def is_report_day(campaign: Campaign, day: date) -> bool:
    """Whether ``day`` is inside the campaign's daily report window."""
    return (
        campaign.report_from is not None
        and campaign.report_to is not None
        and (campaign.report_from <= day <= campaign.report_to)
    )


def daily_report(campaign: Campaign, day: date) -> ExpectedReport:
    return ExpectedReport(day, None, f"Báo cáo ngày {format_date(day)}", deadline(campaign, day))


def list_milestones(session: Session, campaign_id: int) -> list[CampaignMilestone]:
    """The campaign's milestone reports by due date."""
    return list(
        session.execute(
            select(CampaignMilestone)
            .where(CampaignMilestone.campaign_id == campaign_id)
            .order_by(CampaignMilestone.due_date, CampaignMilestone.id)
        ).scalars()
    )


def expected_reports(session: Session, campaign_id: int) -> list[ExpectedReport]:
    """Every report a ward owes in the campaign: each day of the window, then the milestones."""
    campaign = campaign_or_missing(session, campaign_id)
    daily = [daily_report(campaign, day) for day in report_days(campaign)]
    milestones = [
        ExpectedReport(m.due_date, m.id, m.name, deadline(campaign, m.due_date))
        for m in list_milestones(session, campaign_id)
    ]
    return [*daily, *milestones]


def milestone_or_missing(
    session: Session, milestone_id: int, campaign_id: int | None = None
) -> CampaignMilestone:
    milestone = session.get(CampaignMilestone, milestone_id)
    if milestone is None or (campaign_id is not None and milestone.campaign_id != campaign_id):
        raise NotFound("Không tìm thấy kỳ báo cáo.")
    return milestone


def _clean_name(name: str | None) -> str:
    name = normalize_text(name) or ""
    if not name:
        raise Invalid("Tên kỳ báo cáo không được để trống.")
    if len(name) > 200:
        raise Invalid("Tên kỳ báo cáo dài quá 200 ký tự.")
    return name


def _check_unique(session: Session, campaign_id: int, name: str, milestone_id: int | None = None) -> None:
    same = select(CampaignMilestone.id).where(
        CampaignMilestone.campaign_id == campaign_id, CampaignMilestone.name == name
    )
    if milestone_id is not None:
        same = same.where(CampaignMilestone.id != milestone_id)
    if session.execute(same.limit(1)).first():
        raise Conflict(f"Đợt này đã có kỳ báo cáo '{name}'.")


def add_milestone(
    session: Session, scope: Scope, *, campaign_id: int, name: str, due_date: date
) -> CampaignMilestone:
    """Add a named report every ward owes by ``due_date`` (admin and district staff)."""
    scope.require_manager()
    campaign_or_missing(session, campaign_id)
    name = _clean_name(name)
    if due_date is None:
        raise Invalid("Chọn hạn nộp của kỳ báo cáo.")
    _check_unique(session, campaign_id, name)
    milestone = CampaignMilestone(campaign_id=campaign_id, name=name, due_date=due_date)
    session.add(milestone)
    session.flush()
    audit.record(
        session,
        scope,
        table="campaignmilestone",
        row_id=milestone.id,
        action=Action.INSERT,
        new=f"{name} (hạn {format_date(due_date)})",
    )
    return milestone


def _change(session: Session, scope: Scope, milestone: CampaignMilestone, field: str, new) -> None:
    """Set one field of a milestone, audited."""
    audit.record(
        session,
        scope,
        table="campaignmilestone",
        row_id=milestone.id,
        action=Action.UPDATE,
        field=field,
        old=getattr(milestone, field),
        new=new,
    )
    setattr(milestone, field, new)


def update_milestone(
    session: Session,
    scope: Scope,
    milestone_id: int,
    *,
    name: str | None = None,
    due_date: date | None = None,
) -> CampaignMilestone:
    """Rename a milestone report and/or move its due date (admin and district staff)."""
    scope.require_manager()
    milestone = milestone_or_missing(session, milestone_id)
    if name is not None:
        name = _clean_name(name)
        if name != milestone.name:
            _check_unique(session, milestone.campaign_id, name, milestone_id)
            _change(session, scope, milestone, "name", name)
    if due_date is not None and due_date != milestone.due_date:
        _change(session, scope, milestone, "due_date", due_date)
    session.add(milestone)
    session.flush()
    return milestone


def delete_milestone(session: Session, scope: Scope, milestone_id: int) -> None:
    """Remove a milestone report no ward has signed off yet (admin and district staff)."""
    scope.require_manager()
    milestone = milestone_or_missing(session, milestone_id)
    if session.execute(select(WardReport.id).where(WardReport.milestone_id == milestone_id).limit(1)).first():
        raise Conflict(f"Đã có phường/xã chốt số liệu cho '{milestone.name}': không xóa được kỳ báo cáo này.")
    audit.record(
        session,
        scope,
        table="campaignmilestone",
        row_id=milestone_id,
        action=Action.DELETE,
        old=milestone.name,
    )
    session.delete(milestone)
    session.flush()


@dataclass(frozen=True)
class CopyPlan:
    """What copying a campaign to another year gives, shown before it is done: every date of the
    campaign (window, report window, milestones) moved by one offset."""

    year: int
    how: str  # "Tết 17/02/2026 → Tết 06/02/2027: mọi ngày sớm hơn 11 ngày"
    dates: dict[str, tuple[date | None, date | None]]  # field → (old, new)
    milestones: list[tuple[str, date, date]]  # name, old due date, new due date


DATE_FIELDS = {
    "start_date": "Bắt đầu",
    "end_date": "Kết thúc",
    "report_from": "Báo cáo từ ngày",
    "report_to": "Báo cáo đến ngày",
}


def _mover(original: Campaign, year: int) -> tuple[Callable[[date], date], str]:
    """How a date moves to ``year``: a Tết campaign keeps its distance from Tết (the lunar new year
    moves with the moon), any other campaign keeps its day and month."""
    if original.kind == CampaignKind.TET:
        before, after = tet(original.year), tet(year)
        offset = after - before
        change = (after - shifted(before, year - original.year)).days  # against the same day and month
        way = f"{'muộn' if change > 0 else 'sớm'} hơn {abs(change)} ngày so với" if change else "đúng"
        moved = f"mọi ngày giữ khoảng cách đến Tết ({way} cùng ngày tháng năm {original.year})"
        return (lambda day: day + offset), f"Tết {format_date(before)} → Tết {format_date(after)}: {moved}"
    years = year - original.year
    return (lambda day: shifted(day, years)), f"Giữ ngày và tháng, năm {year}"


def copy_plan(session: Session, source_campaign_id: int, year: int) -> CopyPlan:
    """Where copying ``source_campaign_id`` to ``year`` puts its dates and milestone reports."""
    original = campaign_or_missing(session, source_campaign_id)
    move, how = _mover(original, year)
    dates = {
        field: (old, move(old) if old else None)
        for field in DATE_FIELDS
        if (old := getattr(original, field)) is not None
    }
    milestones = [
        (m.name, m.due_date, move(m.due_date)) for m in list_milestones(session, source_campaign_id)
    ]
    return CopyPlan(year, how, dates, milestones)


def shifted(day: date | None, years: int) -> date | None:
    """The same day ``years`` later (28 February for 29 February in a common year)."""
    if day is None:
        return None
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def copy_campaign(
    session: Session, scope: Scope, source_campaign_id: int, *, name: str, year: int
) -> Campaign:
    """A new campaign with the packages and milestone reports of an earlier one (e.g. last year's Tết)
    as a starting point; its dates and milestones move as ``copy_plan`` shows (Tết by the lunar new
    year)."""
    original = campaign_or_missing(session, source_campaign_id)
    plan = copy_plan(session, source_campaign_id, year)
    campaign = create_campaign(
        session,
        scope,
        name=name,
        year=year,
        kind=original.kind,
        **{field: new for field, (_old, new) in plan.dates.items()},
        report_hour=original.report_hour,
    )
    for package in session.execute(
        select(Package).where(Package.campaign_id == source_campaign_id)
    ).scalars():
        session.add(
            Package(
                campaign_id=campaign.id,
                source_id=package.source_id,
                label=package.label,
                amount=package.amount,
                kind=package.kind,
                rule=package.rule,
                budget=package.budget,
                priority=package.priority,
            )
        )
    for milestone_name, _old, due in plan.milestones:
        session.add(CampaignMilestone(campaign_id=campaign.id, name=milestone_name, due_date=due))
    session.flush()
    return campaign
