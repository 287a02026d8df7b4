"""A relief round's reporting calendar, on the deadlines every reporting calendar shares (``vn.deadlines``).

A Tết round follows the Đồ Sơn 2023 instruction (Tết Quý Mão fell on 22/01/2023): the plan before
06/01 (16 days before Tết), the quick report before Tết by 15/01 (7 days before) and the report on the
days of Tết and after by 10:00 on 26/01 (the 5th day of the first lunar month, 4 days after Tết). The
days count from the Tết nearest the round's first day, so a round for Tết 2027 (06/02/2027) is due
21/01, 30/01 and 10/02/2027 10:00. Any other round (lean season, disaster…) owes its result report
when its months of support end (Decree 20/2021 art. 12: every level reports after each round).

Wards sign off their figures for the quick report, the report after Tết and the result report
(``relief.sign_off``); the plan is a document, its calendar line shows whether the ward's household
list was in by its deadline. Reports without an hour are due at 14:00 like a campaign's.
"""

from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass
from datetime import date, datetime

from data_layer.core.codes import ReliefReason, ReliefReport
from data_layer.core.models import ReliefRound
from data_layer.vn.deadlines import days_from, due_at, tet_near
from data_layer.vn.formatting import format_date
from data_layer.vn.labels import label

# report, days from Tết, hour (None: the default 14:00), signed off by the wards
TET_CALENDAR = (
    (ReliefReport.PLAN, -16, None, False),
    (ReliefReport.QUICK, -7, None, True),
    (ReliefReport.AFTER_TET, 4, 10, True),
)


@dataclass(frozen=True)
class DueReport:
    """One report of a round's calendar: what, its day and deadline, whether wards sign figures for it."""

    report: ReliefReport
    day: date
    deadline: datetime  # aware, Vietnam's time
    signed: bool

    @property
    def name(self) -> str:
        return label(self.report)


def months_later(day: date, months: int) -> date:
    """The same day ``months`` later (the month's last day when it has no such day)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


def reporting_calendar(relief: ReliefRound) -> list[DueReport]:
    """The reports the round's wards owe, by deadline."""
    if relief.reason == ReliefReason.TET:
        tet = tet_near(relief.start_date)
        return [
            DueReport(report, days_from(tet, offset), due_at(days_from(tet, offset), hour), signed)
            for report, offset, hour, signed in TET_CALENDAR
        ]
    end = months_later(relief.start_date, relief.months)
    return [DueReport(ReliefReport.RESULT, end, due_at(end), True)]


def calendar_note(relief: ReliefRound) -> str:
    """How the round's deadlines were set, in Vietnamese, for the page."""
    if relief.reason == ReliefReason.TET:
        return (
            f"Hạn báo cáo tính theo Tết {format_date(tet_near(relief.start_date))}: kế hoạch 16 ngày trước "
            "Tết, báo cáo nhanh 7 ngày trước Tết, báo cáo trong và sau Tết trước 10:00 mùng 5 Tết."
        )
    return f"Báo cáo kết quả khi hết {relief.months} tháng hỗ trợ của đợt."


def due_report(relief: ReliefRound, report: ReliefReport) -> DueReport | None:
    """The round's calendar line of ``report`` (None: the round owes no such report)."""
    return next((d for d in reporting_calendar(relief) if d.report == report), None)
