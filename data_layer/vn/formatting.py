"""Vietnamese display formats, applied only at the edge (UI and reports): 1.234.567 đ, dd/mm/yyyy."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

LOCAL_TIME = ZoneInfo("Asia/Ho_Chi_Minh")  # stored times are UTC; people read Vietnam's time


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


def as_utc(moment: datetime) -> datetime:
    """A stored moment, zone-aware: SQLite gives UTC back without a zone, PostgreSQL with one."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def local_time(moment: datetime) -> datetime:
    """A stored moment in Vietnam's time."""
    return as_utc(moment).astimezone(LOCAL_TIME)


def local_today() -> date:
    """Today's date in Vietnam."""
    return datetime.now(UTC).astimezone(LOCAL_TIME).date()


def format_datetime(moment: datetime | None) -> str:
    """A stored moment as dd/mm/yyyy HH:MM in Vietnam's time ('' for None)."""
    return "" if moment is None else local_time(moment).strftime("%d/%m/%Y %H:%M")


def format_time(moment: datetime | None) -> str:
    """A stored moment as HH:MM in Vietnam's time ('' for None)."""
    return "" if moment is None else local_time(moment).strftime("%H:%M")


def local_day_start(day: date) -> datetime:
    """The moment (UTC) Vietnam's day ``day`` begins: where stored times of that day start."""
    return datetime.combine(day, time(), LOCAL_TIME).astimezone(UTC)


def format_month(month: date | None) -> str:
    """A month as MM/YYYY ('' for None)."""
    return "" if month is None else month.strftime("%m/%Y")


def format_size(size: int) -> str:
    """A file size in bytes as people read it: '850 byte', '12,4 KB', '3,1 MB'."""
    for unit, scale in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}".replace(".", ",")
    return f"{size} byte"
