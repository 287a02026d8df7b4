"""Cell value parsers shared by the importer and inline editing (one implementation of the rules).

Each parser returns the clean value or raises ``CellError`` with a Vietnamese message; the caller
adds the row and column.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta

from data_layer.core.errors import Invalid
from data_layer.vn.text import fold

PROVINCE_CODES: dict[str, str] = {
    "001": "Hà Nội",
    "002": "Hà Giang",
    "004": "Cao Bằng",
    "006": "Bắc Kạn",
    "008": "Tuyên Quang",
    "010": "Lào Cai",
    "011": "Điện Biên",
    "012": "Lai Châu",
    "014": "Sơn La",
    "015": "Yên Bái",
    "017": "Hòa Bình",
    "019": "Thái Nguyên",
    "020": "Lạng Sơn",
    "022": "Quảng Ninh",
    "024": "Bắc Giang",
    "025": "Phú Thọ",
    "026": "Vĩnh Phúc",
    "027": "Bắc Ninh",
    "030": "Hải Dương",
    "031": "Hải Phòng",
    "033": "Hưng Yên",
    "034": "Thái Bình",
    "035": "Hà Nam",
    "036": "Nam Định",
    "037": "Ninh Bình",
    "038": "Thanh Hóa",
    "040": "Nghệ An",
    "042": "Hà Tĩnh",
    "044": "Quảng Bình",
    "045": "Quảng Trị",
    "046": "Thừa Thiên Huế",
    "048": "Đà Nẵng",
    "049": "Quảng Nam",
    "051": "Quảng Ngãi",
    "052": "Bình Định",
    "054": "Phú Yên",
    "056": "Khánh Hòa",
    "058": "Ninh Thuận",
    "060": "Bình Thuận",
    "062": "Kon Tum",
    "064": "Gia Lai",
    "066": "Đắk Lắk",
    "067": "Đắk Nông",
    "068": "Lâm Đồng",
    "070": "Bình Phước",
    "072": "Tây Ninh",
    "074": "Bình Dương",
    "075": "Đồng Nai",
    "077": "Bà Rịa - Vũng Tàu",
    "079": "TP Hồ Chí Minh",
    "080": "Long An",
    "082": "Tiền Giang",
    "083": "Bến Tre",
    "084": "Trà Vinh",
    "086": "Vĩnh Long",
    "087": "Đồng Tháp",
    "089": "An Giang",
    "091": "Kiên Giang",
    "092": "Cần Thơ",
    "093": "Hậu Giang",
    "094": "Sóc Trăng",
    "095": "Bạc Liêu",
    "096": "Cà Mau",
}
EARLIEST_BIRTH_YEAR = 1850
EXCEL_EPOCH = date(1899, 12, 30)  # 1900 date system; right for serials from 61 (1900-03-01) on
# Gender/century digit (4th digit of a CCCD) → (first year of the century, gender).
CENTURY_DIGITS = {
    0: (1900, "M"),
    1: (1900, "F"),
    2: (2000, "M"),
    3: (2000, "F"),
    4: (2100, "M"),
    5: (2100, "F"),
    6: (2200, "M"),
    7: (2200, "F"),
    8: (1800, "M"),
    9: (1800, "F"),
}
_ID_JUNK = re.compile(r"[\s.\-_']")
_WHOLE_NUMBER_TEXT = re.compile(r"(\d+)\.0")  # "22055001234.0": a number written out by a CSV export
_DATE = re.compile(r"(\d{1,2})[/\-.](\d{1,2})[/\-.](\d{4})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_ISO_DATE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T].*)?")
_AMOUNT_SUFFIX = re.compile(r"\s*(?:đồng|đ|vnđ|vnd|d)\.?$", re.IGNORECASE)
_GROUPED_AMOUNT = re.compile(r"\d{1,3}([.,])\d{3}(?:\1\d{3})*")  # one separator kind: 1.234.567 or 1,234,567
_ZERO_DECIMALS = re.compile(r"(\d+)[.,]0{1,2}")  # 600000.0, 600000,00


class CellError(Invalid):
    """A cell value that breaks a rule (Vietnamese message, without row and column)."""


def valid_province_code(code: str) -> bool:
    """One of the 63 pre-2025 province codes, or 101+ (birth registered abroad)."""
    return code in PROVINCE_CODES or (code.isdigit() and len(code) == 3 and code >= "101")


def _is_blank(raw: object) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def parse_national_id(raw: object) -> str | None:
    """A 12-digit CCCD (or 9-digit CMND), cleaned; leading zeros lost by Excel are restored."""
    if _is_blank(raw):
        return None
    if isinstance(raw, bool):
        raise CellError(f"Số CCCD '{raw}' không hợp lệ.")
    if isinstance(raw, float):
        if not raw.is_integer():
            raise CellError(f"Số CCCD '{raw}' không hợp lệ.")
        raw = int(raw)
    text = str(raw).strip()
    if text.endswith(".0") and (match := _WHOLE_NUMBER_TEXT.fullmatch(text)):
        text = match.group(1)
    if not text.isdigit():  # the regular expressions only for cells that need them (50,000 a list)
        text = _ID_JUNK.sub("", text)
    if not text.isdigit() or not text.isascii():
        raise CellError(f"Số CCCD '{raw}' có ký tự không phải chữ số.")
    if len(text) == 9:
        return text
    if len(text) in (10, 11) and valid_province_code(text.zfill(12)[:3]):
        text = text.zfill(12)
    if len(text) != 12:
        raise CellError(
            f"Số CCCD '{raw}' phải có 12 chữ số (hoặc 9 chữ số nếu là CMND cũ), đang có {len(text)}."
        )
    if not valid_province_code(text[:3]):
        raise CellError(f"Mã tỉnh {text[:3]} trong số CCCD {text} không tồn tại.")
    return text


def _digits_of(raw: object, what: str) -> str:
    """A cell of digits as text: a number cell's ``.0`` dropped, spaces, dots and dashes removed."""
    if isinstance(raw, bool) or (isinstance(raw, float) and not raw.is_integer()):
        raise CellError(f"{what} '{raw}' không hợp lệ.")
    text = str(int(raw) if isinstance(raw, float) else raw).strip()
    if text.endswith(".0") and (match := _WHOLE_NUMBER_TEXT.fullmatch(text)):
        text = match.group(1)
    return _ID_JUNK.sub("", text)


def parse_social_insurance_no(raw: object) -> str | None:
    """A social-insurance number (mã số BHXH): 10 digits; a leading zero Excel dropped is restored."""
    if _is_blank(raw):
        return None
    text = _digits_of(raw, "Mã số BHXH")
    if not text.isdigit() or not text.isascii():
        raise CellError(f"Mã số BHXH '{raw}' có ký tự không phải chữ số.")
    if len(text) == 9 and not isinstance(raw, str):
        text = text.zfill(10)  # typed as a number: Excel dropped the leading zero
    if len(text) != 10:
        raise CellError(f"Mã số BHXH '{raw}' phải có 10 chữ số, đang có {len(text)}.")
    return text


_CARD = re.compile(r"([A-Z]{2})([1-5])(\d{2})(\d{10})")


def parse_health_card_no(raw: object) -> str | None:
    """A health-insurance card number (số thẻ BHYT), 15 characters: 2 letters (who the card is for),
    the benefit level 1–5, the 2-digit province code and the 10-digit social-insurance number."""
    if _is_blank(raw):
        return None
    text = _ID_JUNK.sub("", str(raw)).upper()
    match = _CARD.fullmatch(text)
    if match is None or not text.isascii():
        raise CellError(
            f"Số thẻ BHYT '{raw}' không đúng dạng: 2 chữ cái, 1 chữ số mức hưởng (1–5), 2 chữ số mã tỉnh "
            "và 10 chữ số mã số BHXH (15 ký tự, ví dụ BT2220123456789)."
        )
    if match.group(3) == "00":
        raise CellError(f"Mã tỉnh 00 trong số thẻ BHYT {text} không tồn tại.")
    return text


def card_matches_number(card: str | None, number: str | None) -> bool:
    """The card's last 10 digits are the person's social-insurance number (True when one is missing)."""
    return not card or not number or card[-10:] == number


def national_id_mismatches(national_id: str | None, birth_year: int | None, gender: str | None) -> list[str]:
    """How a CCCD's century/year digits or gender digit disagree with the person's data (Vietnamese)."""
    if not national_id or len(national_id) != 12 or not national_id.isdigit():
        return []
    century, id_gender = CENTURY_DIGITS[int(national_id[3])]
    id_year = century + int(national_id[4:6])
    problems = []
    if birth_year and birth_year != id_year:
        problems.append(f"năm sinh theo CCCD là {id_year}, khác năm sinh {birth_year}")
    if gender in ("M", "F") and gender != id_gender:
        problems.append("giới tính theo CCCD là " + ("nam" if id_gender == "M" else "nữ"))
    return problems


def mismatch_warning(national_id: str | None, problems: list[str]) -> str | None:
    """The warning for a CCCD that disagrees with the person (``national_id_mismatches``'s problems)."""
    return f"Số CCCD {national_id}: " + "; ".join(problems) + "." if problems else None


def national_id_warning(national_id: str | None, birth_year: int | None, gender: str | None) -> str | None:
    """A warning when a CCCD's century/year digits or gender digit disagree with the person's data."""
    return mismatch_warning(national_id, national_id_mismatches(national_id, birth_year, gender))


def id_digit_count(raw: object) -> int:
    """How many digits a CCCD cell holds as typed (a number cell has lost its leading zeros)."""
    text = str(int(raw) if isinstance(raw, float) else raw)
    return len(text) if text.isdigit() else sum(map(str.isdigit, text))


def restored_id_problem(raw: object, digits: int, national_id: str | None, problems: list[str]) -> str | None:
    """A CCCD given with fewer than 12 digits was restored with leading zeros (Excel drops them from
    numbers). That is only trusted when the result agrees with the person's birth year and gender
    (``problems`` empty): an 11-digit ID typed as text may just miss a digit. Returns the rejection."""
    if not problems or not national_id or len(national_id) != 12 or digits >= 12:
        return None
    return (
        f"Số CCCD '{raw}' chỉ có {digits} chữ số; thêm số 0 ở đầu thành {national_id} thì "
        + "; ".join(problems)
        + ": có thể gõ thiếu một chữ số, kiểm tra lại."
    )


def check_restored_national_id(
    raw: object, national_id: str | None, birth_year: int | None, gender: str | None
) -> None:
    """``restored_id_problem`` for one typed value, raised as a CellError."""
    digits = id_digit_count(raw)
    problems = national_id_mismatches(national_id, birth_year, gender) if digits < 12 else []
    if message := restored_id_problem(raw, digits, national_id, problems):
        raise CellError(message)


def _check_year(year: int, raw: object) -> int:
    if not EARLIEST_BIRTH_YEAR <= year <= date.today().year:
        raise CellError(f"Năm sinh '{raw}' không hợp lệ (từ {EARLIEST_BIRTH_YEAR} đến năm nay).")
    return year


def _checked_date(year: int, month: int, day: int, raw: object) -> date:
    try:
        value = date(year, month, day)
    except ValueError:
        raise CellError(f"Ngày sinh '{raw}' không hợp lệ.") from None
    _check_year(value.year, raw)
    if value > date.today():
        raise CellError(f"Ngày sinh '{raw}' ở tương lai.")
    return value


def parse_date(raw: object) -> tuple[date | None, int | None]:
    """(birth date, birth year) from a date, an Excel serial, dd/mm/yyyy-like text or a year alone."""
    if _is_blank(raw):
        return None, None
    if isinstance(raw, datetime):
        raw = raw.date()
    if isinstance(raw, date):
        return _checked_date(raw.year, raw.month, raw.day, raw), raw.year
    if isinstance(raw, bool):
        raise CellError(f"Ngày sinh '{raw}' không hợp lệ.")
    if isinstance(raw, (int, float)):
        if raw < EARLIEST_BIRTH_YEAR or (float(raw).is_integer() and raw <= date.today().year):
            return None, _check_year(int(raw), raw)  # a year (serials below 1850 would mean 1900–1905)
        if raw >= 2_958_466:  # past 31/12/9999
            raise CellError(f"Ngày sinh '{raw}' không hợp lệ.")
        value = EXCEL_EPOCH + timedelta(days=int(raw))
        return _checked_date(value.year, value.month, value.day, raw), value.year
    text = str(raw).strip()
    if text.isdigit() and len(text) == 4:
        return None, _check_year(int(text), raw)
    if match := _DATE.fullmatch(text):
        day, month, year = (int(g) for g in match.groups())
    elif match := _ISO_DATE.fullmatch(text):
        year, month, day = (int(g) for g in match.groups())
    else:
        raise CellError(f"Ngày sinh '{raw}' không hợp lệ (dùng dd/mm/yyyy hoặc năm sinh).")
    value = _checked_date(year, month, day, raw)
    return value, value.year


def parse_day(raw: object, what: str = "Ngày") -> date | None:
    """A day of any year 1900–2199 (a card's validity, a decision's date) from a date, an Excel serial
    or dd/mm/yyyy-like text; ``what`` names the value in the error."""
    if _is_blank(raw):
        return None
    if isinstance(raw, datetime):
        raw = raw.date()
    if isinstance(raw, date):
        value = raw
    elif isinstance(raw, (int, float)) and not isinstance(raw, bool) and 61 <= raw < 109_575:
        value = EXCEL_EPOCH + timedelta(days=int(raw))
    else:
        text = str(raw).strip()
        if match := _DATE.fullmatch(text):
            day, month, year = (int(g) for g in match.groups())
        elif match := _ISO_DATE.fullmatch(text):
            year, month, day = (int(g) for g in match.groups())
        else:
            raise CellError(f"{what} '{raw}' không hợp lệ (dùng dd/mm/yyyy).")
        try:
            value = date(year, month, day)
        except ValueError:
            raise CellError(f"{what} '{raw}' không phải một ngày có thật.") from None
    if not 1900 <= value.year < 2200:
        raise CellError(f"{what} '{raw}' không hợp lệ (năm {value.year}).")
    return value


def parse_amount(raw: object) -> int | None:
    """Whole đồng from 600000, '600.000', '600,000 đ', '1.234.567 VNĐ', '600 000'."""
    if _is_blank(raw):
        return None
    if isinstance(raw, bool):
        raise CellError(f"Số tiền '{raw}' không hợp lệ.")
    if isinstance(raw, (int, float)):
        if raw < 0 or not float(raw).is_integer():
            raise CellError(f"Số tiền '{raw}' phải là số đồng nguyên, không âm.")
        return int(raw)
    text = "".join(_AMOUNT_SUFFIX.sub("", unicodedata.normalize("NFC", str(raw)).strip()).split())
    if text.startswith("-"):
        raise CellError(f"Số tiền '{raw}' không được âm.")
    if _GROUPED_AMOUNT.fullmatch(text):
        text = re.sub(r"[.,]", "", text)
    elif match := _ZERO_DECIMALS.fullmatch(text):
        text = match.group(1)
    if not text.isdigit() or not text.isascii():
        raise CellError(f"Số tiền '{raw}' không đọc được (ví dụ đúng: 600.000).")
    return int(text)


GENDERS = {
    "nam": "M",
    "m": "M",
    "male": "M",
    "trai": "M",
    "nam gioi": "M",
    "nu": "F",
    "f": "F",
    "female": "F",
    "gai": "F",
    "nu gioi": "F",
}


def parse_gender(raw: object) -> str | None:
    """'M' or 'F' from Nam/Nữ (any case, with or without diacritics)."""
    if _is_blank(raw):
        return None
    key = fold(str(raw))
    if key not in GENDERS:
        raise CellError(f"Giới tính '{raw}' không hợp lệ (Nam hoặc Nữ).")
    return GENDERS[key]


# --- monthly allowance -------------------------------------------------------------------------------

_MONTH = re.compile(r"(?:thang\s*|t\s*)?(\d{1,2})\s*[/\-.]\s*(\d{4})")
_ISO_MONTH = re.compile(r"(\d{4})[-/.](\d{1,2})")
FIRST_MONTH_YEAR, LAST_MONTH_YEAR = 1990, 2100


def parse_month(raw: object) -> date | None:
    """The first day of a month written MM/YYYY (07/2024, 7-2024, tháng 7/2024, 2024-07), or of a
    date's month (a date cell, dd/mm/yyyy)."""
    if _is_blank(raw):
        return None
    if isinstance(raw, datetime):
        raw = raw.date()
    if isinstance(raw, date):
        month, year = raw.month, raw.year
    else:
        text = fold(str(raw))
        if match := _MONTH.fullmatch(text):
            month, year = int(match.group(1)), int(match.group(2))
        elif match := _ISO_MONTH.fullmatch(text):
            year, month = int(match.group(1)), int(match.group(2))
        elif match := _DATE.fullmatch(text):
            month, year = int(match.group(2)), int(match.group(3))
        elif match := _ISO_DATE.fullmatch(text):
            year, month = int(match.group(1)), int(match.group(2))
        else:
            raise CellError(f"Tháng '{raw}' không đọc được (dùng MM/YYYY, ví dụ 07/2024).")
    if not 1 <= month <= 12 or not FIRST_MONTH_YEAR <= year <= LAST_MONTH_YEAR:
        raise CellError(f"Tháng '{raw}' không hợp lệ (dùng MM/YYYY, ví dụ 07/2024).")
    return date(year, month, 1)


def parse_count(raw: object) -> int | None:
    """A whole number of at least 1 (a number of children): 2, '2', 2.0."""
    if _is_blank(raw):
        return None
    text = str(int(raw)) if isinstance(raw, float) and raw.is_integer() else str(raw).strip()
    if isinstance(raw, bool) or not text.isdigit() or not text.isascii() or int(text) < 1:
        raise CellError(f"'{raw}' không phải số nguyên từ 1 trở lên.")
    return int(text)
