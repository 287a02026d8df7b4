"""Report deadlines in Vietnam's time, shared by every domain's reporting calendar (a campaign's daily and
milestone reports, a relief round's Tết reports): a report is due on a day at an hour, Vietnam's time; a
moment's day is Vietnam's calendar day; a Tết calendar counts days from the Tết nearest a date."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from data_layer.core.codes import ReportStatus
from data_layer.vn.formatting import LOCAL_TIME, as_utc, local_time
from data_layer.vn.lunar import tet

DEFAULT_REPORT_HOUR = 14  # a report without an hour of its own is due at 14:00


def due_at(day: date, hour: int | None = None) -> datetime:
    """When a report of ``day`` is due: that day at ``hour`` (14:00 when None), Vietnam's time (aware):
    26/01 at 10:00 is 03:00 UTC."""
    return datetime.combine(day, time(DEFAULT_REPORT_HOUR if hour is None else hour), tzinfo=LOCAL_TIME)


def vn_day(moment: datetime) -> date:
    """The day of Vietnam's calendar a moment falls on (a naive moment is UTC, as SQLite returns it)."""
    return local_time(moment).date()


def is_late(signed_at: datetime, due: datetime) -> bool:
    """Whether something signed at ``signed_at`` (stored: naive is UTC) came after its deadline."""
    return as_utc(signed_at) > due


def report_status(due: datetime, first_signed: datetime | None, now: datetime) -> ReportStatus:
    """A ward's report from its first sign-off and the time: on time, late, missing (past due) or not due."""
    if first_signed is not None:
        return ReportStatus.LATE if is_late(first_signed, due) else ReportStatus.ON_TIME
    return ReportStatus.MISSING if as_utc(now) > due else ReportStatus.NOT_DUE


def tet_near(day: date) -> date:
    """The Tết nearest ``day`` (a round starting 26/01/2026 is for Tết 17/02/2026; one starting
    25/12/2026 for Tết 06/02/2027)."""
    return min((tet(year) for year in (day.year - 1, day.year, day.year + 1)), key=lambda t: abs(t - day))


def days_from(anchor: date, offset: int) -> date:
    """``anchor`` moved by ``offset`` days (negative: before)."""
    return anchor + timedelta(days=offset)
