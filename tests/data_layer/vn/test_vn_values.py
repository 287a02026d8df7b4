"""Cell values (vn.values): CCCD, birth dates, amounts, gender, and the display formats (vn.formatting)."""

from datetime import date, datetime, timedelta

import pytest

from data_layer.core.errors import Invalid
from data_layer.vn.formatting import format_count, format_date, format_money, format_percent
from data_layer.vn.values import (
    PROVINCE_CODES,
    CellError,
    id_digit_count,
    national_id_warning,
    parse_amount,
    parse_date,
    parse_gender,
    parse_national_id,
)

THIS_YEAR = date.today().year


def test_province_codes():
    assert len(PROVINCE_CODES) == 63
    assert all(len(code) == 3 and code.isdigit() for code in PROVINCE_CODES)
    assert min(PROVINCE_CODES) == "001" and max(PROVINCE_CODES) == "096"
    assert PROVINCE_CODES["020"] == "Lạng Sơn" and PROVINCE_CODES["079"] == "TP Hồ Chí Minh"
    assert {"003", "005", "099"}.isdisjoint(PROVINCE_CODES)


# --- CCCD / CMND ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("020050001234", "020050001234"),
        ("022055001234", "022055001234"),
        (22055001234, "022055001234"),  # typed as a number: the leading zero is lost
        (22055001234.0, "022055001234"),  # the same number read as a float
        ("22055001234", "022055001234"),
        ("22055001234.0", "022055001234"),  # written out by a CSV export
        (2.2055e10, "022055000000"),  # whole floats give their digits, never scientific notation
        (1055001234, "001055001234"),  # two zeros lost (Hà Nội)
        ("1055001234", "001055001234"),
        ("022 055 001 234", "022055001234"),
        ("022.055.001.234", "022055001234"),
        ("022-055-001-234", "022055001234"),
        ("'022055001234", "022055001234"),  # Excel's text prefix
        ("\u00a0079123456789 ", "079123456789"),
        ("096190001234", "096190001234"),
        ("101050001234", "101050001234"),  # birth registered abroad
        ("123456789", "123456789"),  # old 9-digit CMND
        (123456789, "123456789"),
        ("123 456 789", "123456789"),
        (None, None),
        ("", None),
        ("   ", None),
    ],
)
def test_parse_national_id(raw, expected):
    assert parse_national_id(raw) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("003050001234", "Mã tỉnh 003 trong số CCCD 003050001234 không tồn tại"),
        ("005050001234", "Mã tỉnh 005"),
        ("099050001234", "Mã tỉnh 099"),
        ("100050001234", "Mã tỉnh 100"),
        (3055001234, "12 chữ số"),  # padding gives province 003, which does not exist
        (99055001234, "12 chữ số"),  # padding gives province 099
        ("12345", "12 chữ số.*đang có 5"),
        ("1234567890123", "12 chữ số.*đang có 13"),
        ("02205500123A", "không phải chữ số"),
        ("CCCD 022055001234", "không phải chữ số"),
        ("２２０５５００１２３４", "không phải chữ số"),  # full-width digits
        (22055001234.5, "không hợp lệ"),
        (True, "không hợp lệ"),
    ],
)
def test_parse_national_id_errors(raw, message):
    with pytest.raises(CellError, match=message):
        parse_national_id(raw)


@pytest.mark.parametrize(
    ("raw", "digits"),
    [
        ("020050001234", 12),
        ("020 050 001 234", 12),
        ("'022055001234", 12),
        (22055001234, 11),
        (22055001234.0, 11),  # a number cell read as a float
        ("0201234", 7),
        ("CCCD 0220", 4),
        ("２２０５", 4),  # full-width digits are digits too (the ID itself is refused)
    ],
)
def test_id_digit_count_counts_the_digits_as_typed(raw, digits):
    assert id_digit_count(raw) == digits


def test_cell_error_is_a_user_error_with_the_message():
    with pytest.raises(Invalid) as caught:
        parse_national_id("003050001234")
    assert str(caught.value) == "Mã tỉnh 003 trong số CCCD 003050001234 không tồn tại."


@pytest.mark.parametrize(
    ("national_id", "birth_year", "gender", "fragments"),
    [
        ("020050001234", 1950, "M", None),
        ("020150001234", 1950, "F", None),
        ("020205001234", 2005, "M", None),
        ("020305001234", 2005, "F", None),
        ("020899001234", 1899, "M", None),
        ("020050001234", None, None, None),
        ("123456789", 1950, "F", None),  # CMND: nothing to compare
        (None, 1950, "M", None),
        ("020065001234", 1950, None, ["1965", "1950"]),
        ("020250001234", 1950, "M", ["2050"]),  # wrong century
        ("020050001234", None, "F", ["giới tính", "nam"]),
        ("020150001234", 1950, "M", ["nữ"]),
        ("020350001234", 1951, "M", ["2050", "1951", "nữ"]),
    ],
)
def test_national_id_warning(national_id, birth_year, gender, fragments):
    warning = national_id_warning(national_id, birth_year, gender)
    if fragments is None:
        assert warning is None
    else:
        assert warning.startswith(f"Số CCCD {national_id}")
        assert all(f in warning for f in fragments)


# --- birth dates ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("05/03/1950", (date(1950, 3, 5), 1950)),
        ("5/3/1950", (date(1950, 3, 5), 1950)),
        ("05-03-1950", (date(1950, 3, 5), 1950)),
        ("05.03.1950", (date(1950, 3, 5), 1950)),
        (" 05/03/1950 ", (date(1950, 3, 5), 1950)),
        ("05/03/1950 00:00:00", (date(1950, 3, 5), 1950)),
        ("1950-03-05", (date(1950, 3, 5), 1950)),
        ("1950-03-05 00:00:00", (date(1950, 3, 5), 1950)),
        ("1950-03-05T08:30", (date(1950, 3, 5), 1950)),
        ("29/02/1952", (date(1952, 2, 29), 1952)),
        (datetime(1950, 3, 5, 0, 0), (date(1950, 3, 5), 1950)),
        (date(1950, 3, 5), (date(1950, 3, 5), 1950)),
        (25569, (date(1970, 1, 1), 1970)),  # Excel serial (1900 date system)
        (25569.75, (date(1970, 1, 1), 1970)),  # serial with a time of day
        (18327, (date(1950, 3, 5), 1950)),
        (18327.0, (date(1950, 3, 5), 1950)),
        (5539, (date(1915, 3, 1), 1915)),  # a centenarian's birthday
        (1930, (None, 1930)),  # an int in the year range is a year, not a serial
        (1930.0, (None, 1930)),
        ("1930", (None, 1930)),
        (" 1930 ", (None, 1930)),
        (1850, (None, 1850)),
        (THIS_YEAR, (None, THIS_YEAR)),
        (None, (None, None)),
        ("", (None, None)),
        ("  ", (None, None)),
    ],
)
def test_parse_date(raw, expected):
    assert parse_date(raw) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("31/02/1950", "Ngày sinh '31/02/1950' không hợp lệ"),
        ("29/02/1950", "không hợp lệ"),
        ("05/13/1950", "không hợp lệ"),
        ("00/03/1950", "không hợp lệ"),
        ("ngày xưa", "không hợp lệ"),
        ("05/03/50", "không hợp lệ"),
        ("1950-13-01", "không hợp lệ"),
        ("1849", "Năm sinh '1849' không hợp lệ"),
        (1800, "Năm sinh '1800'"),
        (str(THIS_YEAR + 1), "Năm sinh"),
        (f"01/01/{THIS_YEAR + 1}", "Năm sinh"),
        ((date.today() + timedelta(days=1)).strftime("%d/%m/%Y"), "Ngày sinh|Năm sinh"),
        (date(1800, 1, 1), "Năm sinh"),
        (-5, "không hợp lệ"),
        (99_999_999, "không hợp lệ"),
        (True, "không hợp lệ"),
    ],
)
def test_parse_date_errors(raw, message):
    with pytest.raises(CellError, match=message):
        parse_date(raw)


# --- amounts --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (600000, 600_000),
        (600000.0, 600_000),
        (0, 0),
        ("600000", 600_000),
        ("600.000", 600_000),
        ("600,000", 600_000),
        ("600,000 đ", 600_000),
        ("600.000đ", 600_000),
        ("600.000 đồng", 600_000),
        ("1.234.567 VNĐ", 1_234_567),
        ("1.234.567 vnd", 1_234_567),
        ("1,234,567", 1_234_567),
        ("1234567", 1_234_567),
        ("600 000", 600_000),
        ("600\u00a0000 đ", 600_000),
        ("1.500.000.000", 1_500_000_000),
        ("600000.0", 600_000),
        (" 700.000 ", 700_000),
        (None, None),
        ("", None),
        ("  ", None),
    ],
)
def test_parse_amount(raw, expected):
    assert parse_amount(raw) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (-5, "không âm"),
        (-600000.0, "không âm"),
        ("-600.000", "không được âm"),
        (1.5, "số đồng nguyên"),
        ("1.5", "không đọc được"),
        ("600.50", "không đọc được"),
        ("6OO.000", "không đọc được"),
        ("năm trăm nghìn", "không đọc được"),
        ("1.234,567", "không đọc được"),  # mixed separators
        ("60.00.000", "không đọc được"),
        (True, "không hợp lệ"),
    ],
)
def test_parse_amount_errors(raw, message):
    with pytest.raises(CellError, match=message):
        parse_amount(raw)


# --- gender ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Nam", "M"),
        ("nam", "M"),
        ("NAM", "M"),
        ("M", "M"),
        ("male", "M"),
        ("Nữ", "F"),
        ("nữ", "F"),
        ("NỮ", "F"),
        ("nu", "F"),
        ("Nu\u0303", "F"),  # NFD
        ("F", "F"),
        ("female", "F"),
        (" Nữ ", "F"),
        (None, None),
        ("", None),
    ],
)
def test_parse_gender(raw, expected):
    assert parse_gender(raw) == expected


@pytest.mark.parametrize("raw", ["khác", "x", "1"])
def test_parse_gender_errors(raw):
    with pytest.raises(CellError, match=f"Giới tính '{raw}' không hợp lệ"):
        parse_gender(raw)


# --- display formats ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "expected"),
    [(1_234_567, "1.234.567 đ"), (600_000, "600.000 đ"), (999, "999 đ"), (0, "0 đ"), (None, "")],
)
def test_format_money(amount, expected):
    assert format_money(amount) == expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [(date(2026, 2, 3), "03/02/2026"), (date(1950, 12, 31), "31/12/1950"), (None, "")],
)
def test_format_date(day, expected):
    assert format_date(day) == expected


@pytest.mark.parametrize("amount", [0, 7, 600_000, 1_234_567, 2_751_000_000])
def test_formatted_money_parses_back(amount):
    assert parse_amount(format_money(amount)) == amount


def test_count_and_percent_formats():
    assert (
        format_count(5502) == "5.502" and format_count(1_234_567) == "1.234.567" and format_count(None) == ""
    )
    assert format_percent(66.66) == "66,7%" and format_percent(100) == "100,0%" and format_percent(None) == ""


def test_stored_moments_are_shown_in_vietnam_time():
    from datetime import UTC

    from data_layer.vn.formatting import format_datetime

    assert format_datetime(datetime(2026, 11, 26, 3, 29)) == "26/11/2026 10:29"  # SQLite: naive UTC
    assert format_datetime(datetime(2026, 12, 31, 20, 0, tzinfo=UTC)) == "01/01/2027 03:00"
    assert format_datetime(None) == ""


def test_clock_times_and_day_starts_are_vietnam_time():
    from datetime import UTC

    from data_layer.vn.formatting import format_time, local_day_start

    assert format_time(datetime(2026, 12, 3, 2, 33)) == "09:33"
    assert local_day_start(date(2026, 12, 3)) == datetime(2026, 12, 2, 17, 0, tzinfo=UTC)


def test_parse_day_reads_a_validity_date_of_any_year_and_names_the_value_in_its_error():
    from data_layer.vn.values import CellError, parse_day

    assert parse_day("01/07/2026") == date(2026, 7, 1)  # the future is fine (a card valid until…)
    assert parse_day("2026-12-31") == date(2026, 12, 31)
    assert parse_day(46000) == date(2025, 12, 9)  # an Excel serial
    assert parse_day(datetime(2026, 1, 2, 8, 30)) == date(2026, 1, 2)
    assert parse_day("  ") is None
    for bad, words in (("31/02/2026", "không phải một ngày có thật"), ("hết hạn", "dùng dd/mm/yyyy")):
        with pytest.raises(CellError, match=words) as caught:
            parse_day(bad, "Giá trị đến ngày")
        assert str(caught.value).startswith(f"Giá trị đến ngày '{bad}'")
