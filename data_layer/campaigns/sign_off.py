"""Ward sign-off ("Chốt số liệu"): a ward's figures of a campaign stored as an immutable snapshot
for one report (the daily report of a day, or a milestone), with who signed and when.

A later sign-off of the same report supersedes the earlier one; both are kept (the database refuses
to change or delete a ``wardreport`` row). Snapshots hold names as well as ids, so what a ward sent
reads the same after a package is renamed.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime

from sqlalchemy import case, func, select
from sqlmodel import Session

from data_layer.campaigns.calendar import (
    daily_report,
    deadline,
    is_report_day,
    list_milestones,
    milestone_or_missing,
    vn_day,
)
from data_layer.campaigns.setup import campaign_or_missing
from data_layer.core import audit, seals
from data_layer.core.access import Scope
from data_layer.core.codes import Action, AllocationStatus, SealKind
from data_layer.core.errors import Forbidden, Invalid, NotFound
from data_layer.core.models import (
    Allocation,
    FundingSource,
    LumpGift,
    Package,
    User,
    Ward,
    WardReport,
    utcnow,
)
from data_layer.vn.formatting import as_utc, format_date, format_money

LUMP_ITEM = "Quà tập thể"


@dataclass(frozen=True)
class PackageFigures:
    """Planned and delivered gifts (count, money) of one package of a ward."""

    package_id: int
    source: str  # the funding source's name
    package: str  # the package's label
    planned: int
    planned_amount: int
    delivered: int
    delivered_amount: int


@dataclass(frozen=True)
class LumpFigures:
    """A ward's lump gifts of one funding source (count, money)."""

    source_id: int
    source: str
    count: int
    amount: int


@dataclass(frozen=True)
class WardFigures:
    """A ward's figures in a campaign: per package, lumps per source, and totals."""

    packages: tuple[PackageFigures, ...] = ()
    lumps: tuple[LumpFigures, ...] = ()

    @property
    def planned(self) -> int:
        return sum(p.planned for p in self.packages)

    @property
    def planned_amount(self) -> int:
        return sum(p.planned_amount for p in self.packages)

    @property
    def delivered(self) -> int:
        return sum(p.delivered for p in self.packages)

    @property
    def delivered_amount(self) -> int:
        return sum(p.delivered_amount for p in self.packages)

    @property
    def lump_count(self) -> int:
        return sum(lump.count for lump in self.lumps)

    @property
    def lump_amount(self) -> int:
        return sum(lump.amount for lump in self.lumps)

    def to_json(self) -> str:
        return json.dumps(
            {"packages": [asdict(p) for p in self.packages], "lumps": [asdict(x) for x in self.lumps]},
            ensure_ascii=False,
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str) -> WardFigures:
        data = json.loads(text)
        return cls(
            tuple(PackageFigures(**p) for p in data.get("packages", ())),
            tuple(LumpFigures(**x) for x in data.get("lumps", ())),
        )


@dataclass(frozen=True)
class SignOff:
    """One stored sign-off of a ward, as pages show it."""

    id: int
    campaign_id: int
    ward_id: int
    ward: str
    report_day: date | None
    milestone_id: int | None
    report: str  # "Báo cáo ngày 26/01/2026" or the milestone's name
    figures: WardFigures
    signed_by: str  # the user's name ("" when signed by the command line)
    signed_at: datetime  # aware UTC
    late: bool = False  # signed after the report's deadline (its day or due date, at the report hour)


@dataclass(frozen=True)
class FigureChange:
    """A line whose figures differ between what a ward sent and the live data (None: no such line)."""

    source: str
    item: str  # the package's label, or "Quà tập thể"
    reported: PackageFigures | LumpFigures | None
    live: PackageFigures | LumpFigures | None


def ward_figures(session: Session, scope: Scope, campaign_id: int, ward_id: int) -> WardFigures:
    """The ward's live figures in the campaign (GROUP BY in the database): planned and delivered
    count and money per package, lump gifts per funding source; refused for a ward outside the scope."""
    if not scope.may_see_ward(ward_id):
        raise Forbidden("Bạn không có quyền với dữ liệu của phường/xã này.")
    delivered = Allocation.status == AllocationStatus.DELIVERED
    packages = session.execute(
        select(
            Package.id,
            FundingSource.name,
            Package.label,
            func.count(Allocation.id),
            func.coalesce(func.sum(Allocation.amount), 0),
            func.coalesce(func.sum(case((delivered, 1), else_=0)), 0),
            func.coalesce(func.sum(case((delivered, Allocation.amount), else_=0)), 0),
        )
        .join(Package, Package.id == Allocation.package_id)
        .join(FundingSource, FundingSource.id == Package.source_id)
        .where(Allocation.campaign_id == campaign_id, Allocation.ward_id == ward_id)
        .group_by(Package.id, FundingSource.id, FundingSource.name, Package.label, Package.priority)
        .order_by(FundingSource.id, Package.priority, Package.id)
    ).all()
    lumps = session.execute(
        select(FundingSource.id, FundingSource.name, func.sum(LumpGift.count), func.sum(LumpGift.amount))
        .join(FundingSource, FundingSource.id == LumpGift.source_id)
        .where(LumpGift.campaign_id == campaign_id, LumpGift.ward_id == ward_id)
        .group_by(FundingSource.id, FundingSource.name)
        .order_by(FundingSource.id)
    ).all()
    return WardFigures(
        tuple(
            PackageFigures(pid, s, label, int(n), int(a), int(d), int(da))
            for pid, s, label, n, a, d, da in packages
        ),
        tuple(LumpFigures(sid, s, int(n), int(a)) for sid, s, n, a in lumps),
    )


def _ward_or_missing(session: Session, scope: Scope, ward_id: int) -> Ward:
    ward = session.get(Ward, ward_id)
    if ward is None or not scope.may_see_ward(ward_id):
        raise NotFound("Không tìm thấy phường/xã.")
    return ward


def sign_off(
    session: Session,
    scope: Scope,
    campaign_id: int,
    ward_id: int,
    *,
    milestone_id: int | None = None,
    now: datetime | None = None,
) -> WardReport:
    """Store the ward's live figures as its report: the milestone ``milestone_id``, or the daily
    report of today (Vietnam's calendar). Ward staff sign off their own ward only."""
    scope.require_ward(ward_id)
    _ward_or_missing(session, scope, ward_id)
    campaign = campaign_or_missing(session, campaign_id)
    now = (now or utcnow()).astimezone(UTC)
    report_day = None
    if milestone_id is not None:
        report = milestone_or_missing(session, milestone_id, campaign_id).name
    else:
        report_day = vn_day(now)
        if campaign.report_from is None or campaign.report_to is None:
            raise Invalid(
                f"Đợt '{campaign.name}' chưa có kỳ báo cáo hằng ngày: không chốt số liệu theo ngày được."
            )
        if not is_report_day(campaign, report_day):
            raise Invalid(
                f"Hôm nay ({format_date(report_day)}) ngoài kỳ báo cáo hằng ngày của đợt "
                f"({format_date(campaign.report_from)} – {format_date(campaign.report_to)}): "
                "chọn một kỳ báo cáo khác để chốt."
            )
        report = daily_report(campaign, report_day).name
    figures = ward_figures(session, scope, campaign_id, ward_id)
    row = WardReport(
        campaign_id=campaign_id,
        ward_id=ward_id,
        report_day=report_day,
        milestone_id=milestone_id,
        figures=figures.to_json(),
        signed_by=scope.user_id,
        signed_at=now,
    )
    session.add(row)
    session.flush()
    seals.seal(session, SealKind.WARD_REPORT, row.id)
    audit.record(
        session,
        scope,
        table="wardreport",
        row_id=row.id,
        action=Action.SIGN_OFF,
        ward_id=ward_id,
        new=f"{report}: đã phát {figures.delivered} suất = {format_money(figures.delivered_amount)}",
    )
    return row


def _sign_offs(session: Session, scope: Scope, campaign_id: int, *conditions) -> list[SignOff]:
    """Sign-offs of the campaign in the scope meeting ``conditions``, oldest first."""
    campaign = campaign_or_missing(session, campaign_id)
    listed = list_milestones(session, campaign_id)
    milestones = {m.id: m.name for m in listed}
    due = {m.id: m.due_date for m in listed}
    rows = session.execute(
        select(WardReport, Ward.name, User.name)
        .join(Ward, Ward.id == WardReport.ward_id)
        .outerjoin(User, User.id == WardReport.signed_by)
        .where(WardReport.campaign_id == campaign_id, scope.ward_clause(WardReport.ward_id), *conditions)
        .order_by(WardReport.signed_at, WardReport.id)
    ).all()
    return [
        SignOff(
            id=r.id,
            campaign_id=r.campaign_id,
            ward_id=r.ward_id,
            ward=ward,
            report_day=r.report_day,
            milestone_id=r.milestone_id,
            report=milestones.get(r.milestone_id, "")
            if r.milestone_id is not None
            else f"Báo cáo ngày {format_date(r.report_day)}",
            figures=WardFigures.from_json(r.figures),
            signed_by=user or "",
            signed_at=as_utc(r.signed_at),
            late=as_utc(r.signed_at)
            > deadline(campaign, due[r.milestone_id] if r.milestone_id else r.report_day),
        )
        for r, ward, user in rows
    ]


def _report_condition(report_day: date | None, milestone_id: int | None):
    if milestone_id is not None:
        return WardReport.milestone_id == milestone_id
    return (WardReport.milestone_id.is_(None)) & (WardReport.report_day == report_day)


def latest_sign_offs(
    session: Session,
    scope: Scope,
    campaign_id: int,
    *,
    report_day: date | None = None,
    milestone_id: int | None = None,
) -> dict[int, SignOff]:
    """Ward id → its latest sign-off of one report (the daily report of ``report_day``, or the
    milestone ``milestone_id``): the one that supersedes the others."""
    found = _sign_offs(session, scope, campaign_id, _report_condition(report_day, milestone_id))
    return {s.ward_id: s for s in found}  # oldest first: the latest stays


def first_sign_offs(
    session: Session, scope: Scope, campaign_id: int
) -> dict[tuple[int, date | None, int | None], datetime]:
    """(ward id, report day, milestone id) → when the ward first signed that report off (aware UTC)."""
    rows = session.execute(
        select(
            WardReport.ward_id, WardReport.report_day, WardReport.milestone_id, func.min(WardReport.signed_at)
        )
        .where(WardReport.campaign_id == campaign_id, scope.ward_clause(WardReport.ward_id))
        .group_by(WardReport.ward_id, WardReport.report_day, WardReport.milestone_id)
    ).all()
    return {
        (ward, None if milestone is not None else day, milestone): as_utc(signed)
        for ward, day, milestone, signed in rows
    }


def latest_daily_up_to(
    session: Session, scope: Scope, campaign_id: int, until: datetime
) -> dict[int, SignOff]:
    """Ward id → its latest daily sign-off signed at or before ``until`` (what the district had
    received by a deadline)."""
    found = _sign_offs(
        session,
        scope,
        campaign_id,
        WardReport.milestone_id.is_(None),
        WardReport.signed_at <= until.astimezone(UTC),
    )
    return {s.ward_id: s for s in found}


def sign_off_history(session: Session, scope: Scope, campaign_id: int, ward_id: int) -> list[SignOff]:
    """Every sign-off of the ward in the campaign, newest first."""
    _ward_or_missing(session, scope, ward_id)
    return list(reversed(_sign_offs(session, scope, campaign_id, WardReport.ward_id == ward_id)))


def changes_since(reported: WardFigures, live: WardFigures) -> list[FigureChange]:
    """The lines whose figures differ between what was sent and the live data, packages then lumps."""
    changes = []
    for kind, item_of in (("packages", lambda line: line.package), ("lumps", lambda _line: LUMP_ITEM)):
        key = "package_id" if kind == "packages" else "source_id"
        before = {getattr(line, key): line for line in getattr(reported, kind)}
        after = {getattr(line, key): line for line in getattr(live, kind)}
        for line_key in [*before, *(k for k in after if k not in before)]:
            old, new = before.get(line_key), after.get(line_key)
            if old is None or new is None or _numbers(old) != _numbers(new):
                shown = new or old
                changes.append(FigureChange(shown.source, item_of(shown), old, new))
    return changes


def _numbers(line: PackageFigures | LumpFigures) -> tuple[int, ...]:
    if isinstance(line, LumpFigures):
        return (line.count, line.amount)
    return (line.planned, line.planned_amount, line.delivered, line.delivered_amount)
