"""Daily progress report: per ward, planned and delivered up to a date (count, money), and lumps.

Two bases: the live data (delivered up to the date), or the figures the wards reported: each ward's
latest daily sign-off made by the deadline of that date (a ward that sent nothing is shown as not
reported, with zero figures).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func, select
from sqlmodel import Session

from data_layer.campaigns.calendar import deadline
from data_layer.campaigns.setup import campaign_or_missing
from data_layer.campaigns.sign_off import latest_daily_up_to
from data_layer.core.access import Scope
from data_layer.core.codes import AllocationStatus, FiguresBasis
from data_layer.core.models import Allocation, Beneficiary, LumpGift, Ward
from data_layer.registry.hamlets import NO_HAMLET, hamlet_namer
from data_layer.registry.wards import list_wards
from data_layer.reports.progress import ProgressLine
from data_layer.vn.collation import hamlet_key, text_key, text_order
from data_layer.vn.document import RECIPIENTS, Column, Document, Office
from data_layer.vn.formatting import format_date, format_time
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


def columns(unit: str = "Phường/xã") -> list[Column]:
    """The report's columns (109 characters: A4 landscape at full size); ``unit``: what a line is."""
    return [
        Column("STT", 5, horizontal="center"),
        Column(unit, 22, wrap=True),
        *(Column(h, w, number_format="0.0" if "%" in h else MONEY_FORMAT) for h, w in FIGURES),
    ]


LUMPS_OF_THE_WARD = "Quà tập thể (cả phường/xã)"


@dataclass
class DailyLine(ProgressLine):
    lump_count: int = 0
    lump_amount: int = 0
    not_reported: bool = False  # reported basis: the ward sent nothing by the deadline

    @property
    def shown_label(self) -> str:
        return f"{self.label} (chưa báo cáo)" if self.not_reported else self.label


def basis_text(session: Session, campaign_id: int, on: date, basis: FiguresBasis) -> str:
    """What the daily report's figures are, in the words the report prints."""
    if basis == FiguresBasis.REPORTED:
        due = deadline(campaign_or_missing(session, campaign_id), on)
        return f"Số liệu các phường/xã đã chốt đến {format_time(due)} ngày {format_date(on)}"
    return "Số liệu trực tiếp"


def unit_of_lines(scope: Scope, basis: FiguresBasis) -> str:
    """What a line of the report is: a commune office's live figures go by hamlet (tổ dân phố); signed
    figures, and everyone else's, by ward."""
    return "Thôn/tổ dân phố" if scope.watches_hamlets and basis == FiguresBasis.LIVE else "Phường/xã"


def daily_progress(
    session: Session, scope: Scope, campaign_id: int, on: date, *, basis: FiguresBasis = FiguresBasis.LIVE
) -> list[DailyLine]:
    """Per ward: planned, delivered up to ``on`` inclusive (count, money), lumps; then a total line.
    With the reported basis, each ward's figures are those of its latest daily sign-off made by the
    deadline of ``on``. A commune office's live figures go per hamlet (its lumps, which belong to no
    hamlet, on a line of their own)."""
    if basis == FiguresBasis.REPORTED:
        return _with_total(_reported_lines(session, scope, campaign_id, on))
    if scope.watches_hamlets:
        return _with_total(_hamlet_lines(session, scope, campaign_id, on))
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
        .order_by(*text_order(Ward.name))
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
    return _with_total(report)


def _hamlet_lines(session: Session, scope: Scope, campaign_id: int, on: date) -> list[DailyLine]:
    """A commune office's live lines: one per hamlet (hamlet order, people without one last), then its
    lumps."""
    (ward_id,) = scope.ward_ids
    name_of = hamlet_namer(session, ward_id)
    delivered = (Allocation.status == AllocationStatus.DELIVERED) & (Allocation.delivered_on <= on)
    lines: dict[str, DailyLine] = {}
    for hamlet, planned, planned_amount, done, done_amount in session.execute(
        select(
            Beneficiary.hamlet,
            func.count(),
            func.sum(Allocation.amount),
            func.sum(case((delivered, 1), else_=0)),
            func.sum(case((delivered, Allocation.amount), else_=0)),
        )
        .join(Beneficiary, Beneficiary.id == Allocation.beneficiary_id)
        .where(Allocation.campaign_id == campaign_id, Allocation.ward_id == ward_id)
        .group_by(Beneficiary.hamlet)
    ).all():
        line = lines.setdefault(name_of(hamlet), DailyLine(name_of(hamlet)))
        line.absorb(
            DailyLine("", int(planned), int(planned_amount or 0), int(done or 0), int(done_amount or 0))
        )
    unnamed = lines.pop(NO_HAMLET, None)
    report = sorted(lines.values(), key=lambda line: hamlet_key(line.label)) + ([unnamed] if unnamed else [])
    count, amount = session.execute(
        select(func.coalesce(func.sum(LumpGift.count), 0), func.coalesce(func.sum(LumpGift.amount), 0)).where(
            LumpGift.campaign_id == campaign_id, LumpGift.ward_id == ward_id
        )
    ).one()
    if count:
        report.append(DailyLine(LUMPS_OF_THE_WARD, lump_count=int(count), lump_amount=int(amount)))
    return report


def _reported_lines(session: Session, scope: Scope, campaign_id: int, on: date) -> list[DailyLine]:
    campaign = campaign_or_missing(session, campaign_id)
    sent = latest_daily_up_to(session, scope, campaign_id, deadline(campaign, on))
    lines = []
    for ward in sorted(list_wards(session, scope), key=lambda w: text_key(w.name)):
        if (found := sent.get(ward.id)) is None:
            lines.append(DailyLine(ward.name, not_reported=True))
            continue
        f = found.figures
        lines.append(
            DailyLine(
                ward.name,
                f.planned,
                f.planned_amount,
                f.delivered,
                f.delivered_amount,
                False,
                f.lump_count,
                f.lump_amount,
            )
        )
    return lines


def _with_total(report: list[DailyLine]) -> list[DailyLine]:
    total = DailyLine("Tổng cộng")
    for line in report:
        total.absorb(line)
        total.lump_count += line.lump_count
        total.lump_amount += line.lump_amount
    return [*report, total]


def daily_xlsx(
    session: Session,
    scope: Scope,
    campaign_id: int,
    on: date,
    office: Office,
    *,
    basis: FiguresBasis = FiguresBasis.LIVE,
) -> bytes:
    """The progress up to ``on`` as an A4 landscape report issued by ``office``; the subtitle says
    which figures it shows (reported by the deadline, or live)."""
    campaign = campaign_or_missing(session, campaign_id)
    rows = daily_progress(session, scope, campaign_id, on, basis=basis)
    book = Book()
    doc = Document(book, "Tiến độ", columns(unit_of_lines(scope, basis)), landscape=True)
    doc.letterhead(office, number="Số: ……/BC-……")
    doc.title(
        f"BÁO CÁO TIẾN ĐỘ TẶNG QUÀ ĐẾN NGÀY {format_date(on)}",
        campaign.name,
        basis_text(session, campaign_id, on, basis),
    )
    doc.table_header()
    for number, r in enumerate(rows, start=1):
        last = number == len(rows)
        figures = (r.planned, r.planned_amount, r.delivered, r.delivered_amount, r.percent)
        doc.row((None if last else number, r.shown_label, *figures, r.lump_count, r.lump_amount), bold=last)
    doc.closing(
        RECIPIENTS,
        [("NGƯỜI LẬP BÁO CÁO", "bold"), ("(Ký, ghi rõ họ tên)", "note")],
    )
    return book.finish()
