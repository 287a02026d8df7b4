"""Reporting rate: which ward sent which report of a campaign, on time or late (like DHIS2's
reporting-rate summary). A report's status is decided by the ward's *first* sign-off of it: at or
before the deadline is on time, after it late; nothing sent is missing once the deadline has passed,
not due before.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from data_layer.campaigns.calendar import ExpectedReport, expected_reports
from data_layer.campaigns.sign_off import first_sign_offs
from data_layer.core.access import Scope
from data_layer.core.codes import ReportStatus
from data_layer.core.models import utcnow
from data_layer.registry.wards import list_wards
from data_layer.vn.deadlines import report_status
from data_layer.vn.formatting import as_utc

SENT = (ReportStatus.ON_TIME, ReportStatus.LATE)


@dataclass(frozen=True)
class ReportCell:
    status: ReportStatus
    signed_at: datetime | None  # the first sign-off of the report (aware UTC)


@dataclass(frozen=True)
class WardReporting:
    """One ward's row of the grid: a cell per expected report, and its rate over the reports due."""

    ward_id: int
    ward: str
    cells: tuple[ReportCell, ...]

    def count(self, *statuses: ReportStatus) -> int:
        return sum(cell.status in statuses for cell in self.cells)

    @property
    def missing(self) -> int:
        return self.count(ReportStatus.MISSING)

    @property
    def late(self) -> int:
        return self.count(ReportStatus.LATE)

    @property
    def due(self) -> int:
        """Reports whose deadline has passed (sent or not) and reports already sent."""
        return len(self.cells) - self.count(ReportStatus.NOT_DUE)

    @property
    def rate(self) -> float | None:
        """% of the reports due that the ward sent (on time or late); None when nothing is due."""
        return round(100 * self.count(*SENT) / self.due, 1) if self.due else None


@dataclass(frozen=True)
class ReportColumn:
    """One expected report: how many wards sent it (on time, late) and the reporting rate."""

    report: ExpectedReport
    on_time: int
    late: int
    missing: int
    wards: int
    due: bool  # its deadline has passed

    @property
    def rate(self) -> float | None:
        """% of the wards that sent the report (on time or late); None with no ward."""
        return round(100 * (self.on_time + self.late) / self.wards, 1) if self.wards else None


@dataclass(frozen=True)
class ReportingGrid:
    reports: tuple[ReportColumn, ...]
    wards: tuple[WardReporting, ...]  # most missing reports first, then most late, then by name
    now: datetime


def status_of(report: ExpectedReport, first_signed: datetime | None, now: datetime) -> ReportStatus:
    """A report's status from the ward's first sign-off of it and the current time."""
    return report_status(report.deadline, first_signed, now)


def reporting_grid(
    session: Session, scope: Scope, campaign_id: int, now: datetime | None = None
) -> ReportingGrid:
    """The wards of the scope × the campaign's expected reports, with rates per report and per ward."""
    now = as_utc(now or utcnow())
    reports = expected_reports(session, campaign_id)
    firsts = first_sign_offs(session, scope, campaign_id)
    rows = []
    for ward in list_wards(session, scope):
        cells = []
        for report in reports:
            signed = firsts.get((ward.id, *report.key))
            cells.append(ReportCell(status_of(report, signed, now), signed))
        rows.append(WardReporting(ward.id, ward.name, tuple(cells)))
    columns = []
    for n, report in enumerate(reports):
        statuses = [row.cells[n].status for row in rows]
        columns.append(
            ReportColumn(
                report,
                statuses.count(ReportStatus.ON_TIME),
                statuses.count(ReportStatus.LATE),
                statuses.count(ReportStatus.MISSING),
                len(rows),
                now > report.deadline,
            )
        )
    rows.sort(key=lambda row: (-row.missing, -row.late, row.ward, row.ward_id))
    return ReportingGrid(tuple(columns), tuple(rows), now)
