"""Daily progress report: per ward, planned and delivered up to a date (count, money), and lumps."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func, select
from sqlmodel import Session

from data_layer.campaigns.setup import campaign_or_missing
from data_layer.core.access import Scope
from data_layer.core.codes import AllocationStatus
from data_layer.core.models import Allocation, LumpGift, Ward
from data_layer.reports.progress import ProgressLine
from data_layer.vn.document import RECIPIENTS, Column, Document, Office
from data_layer.vn.formatting import format_date
from data_layer.vn.xlsx_writer import MONEY_FORMAT, Book

FIGURES = [  # header, width: the numbers of a ward's line
    ("Kế hoạch (suất)", 10),
    ("Kế hoạch (đ)", 15),
    ("Đã phát (suất)", 10),
    ("Đã phát (đ)", 15),
    ("Tỷ lệ (%)", 8),
    ("Quà tập thể (suất)", 9),
    ("Quà tập thể (đ)", 15),
]
COLUMNS = [  # 109 characters: A4 landscape at full size
    Column("STT", 5, horizontal="center"),
    Column("Phường/xã", 22, wrap=True),
    *(Column(h, w, number_format="0.0" if "%" in h else MONEY_FORMAT) for h, w in FIGURES),
]


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


def daily_xlsx(session: Session, scope: Scope, campaign_id: int, on: date, office: Office) -> bytes:
    """The progress up to ``on`` as an A4 landscape report issued by ``office``."""
    campaign = campaign_or_missing(session, campaign_id)
    rows = daily_progress(session, scope, campaign_id, on)
    book = Book()
    doc = Document(book, "Tiến độ", COLUMNS, landscape=True)
    doc.letterhead(office, number="Số: ……/BC-……")
    doc.title(f"BÁO CÁO TIẾN ĐỘ TẶNG QUÀ ĐẾN NGÀY {format_date(on)}", campaign.name)
    doc.table_header()
    for number, r in enumerate(rows, start=1):
        last = number == len(rows)
        figures = (r.planned, r.planned_amount, r.delivered, r.delivered_amount, r.percent)
        doc.row((None if last else number, r.label, *figures, r.lump_count, r.lump_amount), bold=last)
    doc.closing(
        RECIPIENTS,
        [("NGƯỜI LẬP BÁO CÁO", "bold"), ("(Ký, ghi rõ họ tên)", "note")],
    )
    return book.finish()
