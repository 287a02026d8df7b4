"""The Thẻ BHYT page's tables, formatted for reading (the page only draws them)."""

from __future__ import annotations

from datetime import date

from data_layer.bhyt.lists import WardList
from data_layer.bhyt.reference import CARD_TYPES, BaseSalaries
from data_layer.core.codes import BhytSection, Gender
from data_layer.vn.formatting import format_count, format_date, format_money, format_month
from data_layer.vn.labels import label_of
from data_layer.vn.months import add_months, month_of


def section_rows(lists: list[WardList], section: BhytSection) -> list[dict]:
    """One row per person of a section of the wards' lists, in the document's columns (for a decrease
    or an adjustment, why or what changed comes right after the name)."""
    rows = [
        {
            "Phường/xã": w.ward_name,
            "Họ và tên": line.name,
            "Mã số BHXH": line.social_insurance_no or "",
            "Số CCCD": line.national_id or "",
            "Ngày sinh": format_date(line.birth_date) if line.birth_date else str(line.birth_year or ""),
            "Giới tính": label_of(Gender, line.gender) if line.gender else "",
            "Thôn/tổ": line.hamlet or "",
            "Mã đối tượng": card_label(line.card_type),
            "Nơi KCB ban đầu": line.clinic or "",
            "Từ tháng": format_month(line.from_month),
            "Đến tháng": format_month(line.to_month),
            "Số tiền đóng": format_money(line.premium) if line.premium else "",
            "Ghi chú": line.note or "",
        }
        for w in lists
        for line in w.section(section)
    ]
    if section == BhytSection.INCREASE:
        return rows
    first = ("Phường/xã", "Họ và tên", "Ghi chú")
    return [{k: row[k] for k in first} | {k: v for k, v in row.items() if k not in first} for row in rows]


def card_label(code: str) -> str:
    """A card type as the screen shows it: the code printed on the card and what it means ("HN – hộ
    nghèo"); the .xlsx for the agency keeps the bare code its form asks for."""
    card = CARD_TYPES.get(code)
    return f"{code} – {card.short}" if card else code


def without_number(lists: list[WardList]) -> int:
    """Covered people whose social-insurance number the registry lacks (the agency needs it)."""
    return sum(1 for w in lists for line in w.section(BhytSection.COVERED) if not line.social_insurance_no)


def ward_rows(lists: list[WardList]) -> list[dict]:
    """Per ward: whether its list was sent, its counts and money."""
    rows = []
    for w in lists:
        f = w.figures()
        rows.append(
            {
                "Phường/xã": w.ward_name,
                "Tình trạng": "Đã gửi (đã khóa)" if w.locked else "Đang lập",
                "Tăng": format_count(f["increases"]),
                "Giảm": format_count(f["decreases"]),
                "Điều chỉnh": format_count(f["adjustments"]),
                "Số người có thẻ": format_count(f["covered"]),
                "Số tiền đóng": format_money(f["premium"]),
            }
        )
    return rows


def month_choices(today: date, back: int = 12) -> list[date]:
    """The months the page offers: next month, this month and the ``back`` months before, newest first."""
    now = month_of(today)
    return [add_months(now, -k) for k in range(-1, back + 1)]


def base_salary_rows(salaries: BaseSalaries) -> list[dict]:
    """The base salary series, newest first, with the premium it makes per person and month."""
    return [
        {
            "Từ tháng": format_month(month),
            "Lương cơ sở": format_money(amount),
            "Tiền đóng mỗi người mỗi tháng": format_money(salaries.premium_in(month)),
        }
        for month, amount in reversed(salaries.series)
    ]
