"""Daily progress report: per ward, planned and delivered up to a date (count, money), and lumps."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Font
from sqlalchemy import case, func, select
from sqlmodel import Session

from data_layer.campaigns.setup import campaign_or_missing
from data_layer.core.access import Scope
from data_layer.core.codes import AllocationStatus
from data_layer.core.models import Allocation, LumpGift, Ward
from data_layer.reports.progress import ProgressLine
from data_layer.vn.formatting import format_date
from data_layer.vn.xlsx import MONEY_FORMAT, put, to_bytes, write_table


@dataclass
class DailyLine(ProgressLine):
    lump_count: int = 0
    lump_amount: int = 0


def daily_progress(session: Session, scope: Scope, campaign_id: int, on: date) -> list[DailyLine]:
    """Per ward: planned, delivered up to ``on`` inclusive (count, money), lumps; then a total line."""
    delivered = (Allocation.status == AllocationStatus.DELIVERED) & (Allocation.delivered_on <= on)
    rows = session.execute(
        select(
            Ward.name,
            func.count(),
            func.sum(Allocation.amount),
            func.sum(case((delivered, 1), else_=0)),
            func.sum(case((delivered, Allocation.amount), else_=0)),
        )
        .join(Ward, Ward.id == Allocation.ward_id)
        .where(Allocation.campaign_id == campaign_id, scope.ward_clause(Allocation.ward_id))
        .group_by(Ward.name)
        .order_by(Ward.name)
    ).all()
    lumps = {
        name: (int(c), int(a))
        for name, c, a in session.execute(
            select(Ward.name, func.sum(LumpGift.count), func.sum(LumpGift.amount))
            .join(Ward, Ward.id == LumpGift.ward_id)
            .where(LumpGift.campaign_id == campaign_id, scope.ward_clause(LumpGift.ward_id))
            .group_by(Ward.name)
        )
    }
    report = [
        DailyLine(
            name,
            int(planned),
            int(planned_amount or 0),
            int(done or 0),
            int(done_amount or 0),
            False,
            *lumps.get(name, (0, 0)),
        )
        for name, planned, planned_amount, done, done_amount in rows
    ]
    total = DailyLine("Tổng cộng")
    for line in report:
        total.absorb(line)
        total.lump_count += line.lump_count
        total.lump_amount += line.lump_amount
    return [*report, total]


def daily_xlsx(session: Session, scope: Scope, campaign_id: int, on: date, org_name: str) -> bytes:
    """The daily progress report as an A4 sheet."""
    campaign = campaign_or_missing(session, campaign_id)
    rows = daily_progress(session, scope, campaign_id, on)
    workbook = Workbook()
    ws = workbook.active
    ws.title = "Tiến độ"
    put(ws, 1, 1, org_name).font = Font(bold=True)
    put(ws, 2, 1, f"BÁO CÁO TIẾN ĐỘ TẶNG QUÀ ĐẾN NGÀY {format_date(on)}").font = Font(bold=True, size=13)
    put(ws, 3, 1, campaign.name)
    write_table(
        ws,
        [
            "Phường/xã",
            "Kế hoạch (suất)",
            "Kế hoạch (đ)",
            "Đã phát (suất)",
            "Đã phát (đ)",
            "Tỷ lệ (%)",
            "Quà tập thể (suất)",
            "Quà tập thể (đ)",
        ],
        [
            (
                r.label,
                r.planned,
                r.planned_amount,
                r.delivered,
                r.delivered_amount,
                r.percent,
                r.lump_count,
                r.lump_amount,
            )
            for r in rows
        ],
        start_row=5,
        widths=[26, 12, 16, 12, 16, 9, 12, 16],
    )
    for cells in ws.iter_rows(min_row=6, max_row=5 + len(rows)):
        for cell in cells[1:]:
            cell.number_format = "0.0" if cell.column == 6 else MONEY_FORMAT
    for cell in ws[5 + len(rows)]:
        cell.font = Font(bold=True)
    ws.print_title_rows = "5:5"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    return to_bytes(workbook)
