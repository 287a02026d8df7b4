"""Vietnamese display formats, applied only at the edge (UI and reports): 1.234.567 đ, dd/mm/yyyy."""

from __future__ import annotations

from datetime import date


def format_count(value: int | None) -> str:
    """An integer with '.' thousands separators: 1234567 → '1.234.567'."""
    return "" if value is None else f"{value:,}".replace(",", ".")


def format_money(amount: int | None) -> str:
    """Whole đồng as '1.234.567 đ' ('' for None)."""
    return "" if amount is None else f"{format_count(amount)} đ"


def format_date(day: date | None) -> str:
    """A date as dd/mm/yyyy ('' for None)."""
    return "" if day is None else day.strftime("%d/%m/%Y")


def format_percent(value: float | None) -> str:
    """A percentage with one decimal and a decimal comma: 66.7 → '66,7%'."""
    return "" if value is None else f"{value:.1f}%".replace(".", ",")


def format_month(month: date | None) -> str:
    """A month as MM/YYYY ('' for None)."""
    return "" if month is None else month.strftime("%m/%Y")
