"""Months as first-of-month dates, counted as an integer index (year × 12 + month − 1) where arithmetic
on them is needed (the allowance's payroll, the health-insurance lists)."""

from __future__ import annotations

from datetime import date

from data_layer.core.errors import Invalid
from data_layer.vn.values import CellError, parse_month


def month_of(day: date) -> date:
    """The first day of ``day``'s month."""
    return day.replace(day=1)


def month_index(month: date) -> int:
    """07/2024 → 2024 × 12 + 6."""
    return month.year * 12 + month.month - 1


def from_index(index: int) -> date:
    """The first day of the month of an index (the inverse of ``month_index``)."""
    return date(index // 12, index % 12 + 1, 1)


def add_months(month: date, count: int) -> date:
    """The first day of the month ``count`` months after ``month``'s (before, when negative)."""
    return from_index(month_index(month) + count)


def months_from(first: date, last: date) -> list[date]:
    """Every month from ``first``'s to ``last``'s, both included."""
    return [from_index(i) for i in range(month_index(first), month_index(last) + 1)]


def month_arg(text: str | None, what: str = "Tháng") -> date:
    """A month typed by a user (MM/YYYY), or a Vietnamese error naming what it is for."""
    try:
        month = parse_month(text)
    except CellError as exc:
        raise Invalid(f"{what}: {exc}") from None
    if month is None:
        raise Invalid(f"{what}: chưa nhập tháng (MM/YYYY).")
    return month
