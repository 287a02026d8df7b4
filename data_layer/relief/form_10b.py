"""Form 10b of Decree 20/2021 (emergency support), its food part, for a period: per reason the households
and people that received rice in rounds starting in the period, and the rice in tonnes.

A household counts once per round when it received rice (a ``ReliefDelivery``); its people are its
people lacking food. The money ("Kinh phí", the form's food line has one) is the rice delivered at its
round's price per kg (``ReliefRound.rice_price``); a line with rice from a round without a price shows
no money rather than a partial sum.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlmodel import Session

from data_layer.core.access import Scope
from data_layer.core.codes import ReliefReason
from data_layer.core.models import ReliefDelivery, ReliefHousehold, ReliefRound
from data_layer.vn.document import COUNT_FORMAT, MILLIONS_FORMAT, TONNES_FORMAT, Column, Document, Office
from data_layer.vn.formatting import format_month
from data_layer.vn.labels import label
from data_layer.vn.xlsx_writer import Book


@dataclass(frozen=True)
class FoodRow:
    """One line of the food part: a reason (None: the total) and what was handed out for it."""

    reason: ReliefReason | None
    households: int
    people: int
    kg: int
    money: int | None = 0  # đồng; None: some of the rice has no price


def month_end(month: date) -> date:
    """The last day of ``month`` (a first-of-month date)."""
    following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return date.fromordinal(following.toordinal() - 1)


@dataclass(frozen=True)
class Period:
    """A reporting period of form 10b: its first and last months (first-of-month dates) and its name."""

    first: date
    last: date
    name: str


def report_periods(rounds: list[ReliefRound]) -> list[Period]:
    """The periods a commune reports in (half-years, before 15/6 and 15/12; and the whole year) for the
    years of ``rounds``, the latest first."""
    years = sorted({r.start_date.year for r in rounds}, reverse=True)
    return [
        period
        for year in years
        for period in (
            Period(date(year, 7, 1), date(year, 12, 1), f"6 tháng cuối năm {year}"),
            Period(date(year, 1, 1), date(year, 6, 1), f"6 tháng đầu năm {year}"),
            Period(date(year, 1, 1), date(year, 12, 1), f"Cả năm {year}"),
        )
    ]


def period_index(periods: list[Period], rounds: list[ReliefRound]) -> int:
    """Where a page opens the list of periods: the half-year of the newest round."""
    newest = max(r.start_date for r in rounds).replace(day=1)
    return next(i for i, p in enumerate(periods) if p.first <= newest <= p.last)


def form_10b_food(
    session: Session, scope: Scope, first: date, last: date, ward_id: int | None = None
) -> list[FoodRow]:
    """The total, then a line per reason, over rounds that start from ``first`` to the end of the month
    ``last`` (both first-of-month dates), in the wards of the scope (one ward when given)."""
    h = ReliefHousehold
    query = (
        select(
            ReliefRound.reason,
            func.count(h.id),
            func.sum(h.people_lacking_food),
            func.sum(ReliefDelivery.kg),
            func.coalesce(func.sum(ReliefDelivery.kg * ReliefRound.rice_price), 0),
            func.count(h.id) - func.count(ReliefRound.rice_price),
        )
        .join(h, h.round_id == ReliefRound.id)
        .join(ReliefDelivery, ReliefDelivery.household_id == h.id)
        .where(ReliefRound.start_date.between(first, month_end(last)), scope.ward_clause(h.ward_id))
        .group_by(ReliefRound.reason)
    )
    if ward_id is not None:
        query = query.where(h.ward_id == ward_id)
    found = {
        reason: (int(n), int(people), int(kg), None if unpriced else int(money))
        for reason, n, people, kg, money, unpriced in session.execute(query)
    }
    lines = [FoodRow(reason, *found.get(reason, (0, 0, 0, 0))) for reason in ReliefReason]
    money = [r.money for r in lines]
    total = FoodRow(
        None,
        *(sum(getattr(r, f) for r in lines) for f in ("households", "people", "kg")),
        None if None in money else sum(money),
    )
    return [total, *lines]


COLUMNS = [
    Column("STT", 6, horizontal="center"),
    Column("Chỉ tiêu", 30, wrap=True),
    Column("Số hộ", 9, COUNT_FORMAT),
    Column("Số người", 9, COUNT_FORMAT),
    Column("Gạo (tấn)", 10, TONNES_FORMAT),
    Column("Kinh phí (triệu đồng)", 11, MILLIONS_FORMAT),
]


def form_10b_xlsx(
    rows: list[FoodRow], office: Office, first: date, last: date, ward: str | None = None
) -> bytes:
    """The food part of form 10b as an A4 document (rice in tonnes with three decimals)."""
    book = Book()
    doc = Document(book, "Mẫu 10b", COLUMNS)
    doc.letterhead(office, ward, "Mẫu số 10b")
    doc.title(
        "BÁO CÁO KẾT QUẢ THỰC HIỆN TRỢ GIÚP XÃ HỘI KHẨN CẤP",
        "Phần hỗ trợ lương thực",
        f"Từ tháng {format_month(first)} đến tháng {format_month(last)}",
    )
    doc.table_header()
    total, *lines = rows
    doc.row(
        ("I", "Hỗ trợ lương thực (gạo)", total.households, total.people, total.kg / 1000, total.money),
        bold=True,
    )
    for n, line in enumerate(lines, start=1):
        doc.row((n, label(line.reason), line.households, line.people, line.kg / 1000, line.money), indent=1)
    doc.closing(
        [("NGƯỜI LẬP BIỂU", "bold"), ("(Ký, ghi rõ họ tên)", "note")],
        [("THỦ TRƯỞNG ĐƠN VỊ", "bold"), ("(Ký tên, đóng dấu)", "note")],
    )
    return book.finish()
