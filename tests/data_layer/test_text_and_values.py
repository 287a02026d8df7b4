"""Pure text and cell-value rules: legacy fonts, folding, CCCD, dates, amounts, display formats."""

import subprocess
import unicodedata
from datetime import date, datetime

import pytest

from data_layer.vn.formatting import format_count, format_date, format_money, format_percent
from data_layer.vn.text import detect_legacy, fold, normalize_text, tcvn3_to_unicode, vni_to_unicode
from data_layer.vn.values import (
    CellError,
    national_id_warning,
    parse_amount,
    parse_date,
    parse_gender,
    parse_national_id,
)
from tests.data_layer.workbooks import as_tcvn3

NAMES = [
    "Trần Văn Đức",
    "Nguyễn Thị Hường",
    "Phạm Ngọc Ưng",
    "Lê Thị Ước",
    "Họ và tên",
    "Ngày tháng năm sinh",
    "Số CCCD",
    "Tổ dân phố",
    "Đặng Quốc Việt",
    "Bùi Thị Xuân",
    "Ông Ích Khiêm",
    "Huỳnh Ửng Ỷ",
]


@pytest.mark.parametrize("text", NAMES)
def test_tcvn3_round_trip_through_glibc(text):
    assert tcvn3_to_unicode(as_tcvn3(text.lower())) == text.lower()


def test_tcvn3_examples_and_capitals_font():
    assert tcvn3_to_unicode("TrÇn V¨n §øc") == "Trần Văn Đức"
    assert tcvn3_to_unicode(as_tcvn3("trần văn đức"), upper=True) == "TRẦN VĂN ĐỨC"
    assert "\xad" in as_tcvn3("ư")  # TCVN3 'ư' is the soft hyphen that tools hide


@pytest.mark.parametrize(
    ("vni", "unicode_text"),
    [
        ("Traàn Vaên Ñöùc", "Trần Văn Đức"),
        ("Nguyeãn Thò Höôøng", "Nguyễn Thị Hường"),
        ("Hoï vaø teân", "Họ và tên"),
        ("Ñoái töôïng", "Đối tượng"),
        ("Thoân/Toå daân phoá", "Thôn/Tổ dân phố"),
        ("Ngaøy thaùng naêm sinh", "Ngày tháng năm sinh"),
        ("Chuû tòch nöôùc", "Chủ tịch nước"),
        ("Meï Vieät Nam anh huøng", "Mẹ Việt Nam anh hùng"),
        ("Bình, Lyù, Kyû, Myõ, Hoàng, Ñaëng", "Bình, Lý, Kỷ, Mỹ, Hồng, Đặng"),
        ("TRAÀN VAÊN ÑÖÙC", "TRẦN VĂN ĐỨC"),
    ],
)
def test_vni_to_unicode(vni, unicode_text):
    assert vni_to_unicode(vni) == unicode_text


def test_detection():
    assert detect_legacy([as_tcvn3(n) for n in NAMES]) == "tcvn3"
    assert detect_legacy(["Traàn Vaên Ñöùc", "Hoï vaø teân", "Soá CCCD"]) == "vni"
    assert detect_legacy(NAMES) is None
    assert detect_legacy(["Name", "Date of birth", "ID"]) is None
    # a foreign name with ñ/ö in a Unicode file is not VNI
    assert detect_legacy(["Nguyễn Văn Ñuñez", "Trần Văn An", "Lê Thị Bình", "Müller Hoàng"]) is None


def test_normalize_and_fold():
    nfd = unicodedata.normalize("NFD", "  Nguyễn\u00a0 Thị\u200b  Hường ")
    assert normalize_text(nfd) == "Nguyễn Thị Hường"
    assert normalize_text("   ") is None and normalize_text(None) is None
    assert fold("NGUYỄN Thị  Hường") == "nguyen thi huong" == fold(nfd)
    assert fold("Hoà") == fold("Hòa") == "hoa"
    assert fold("Đặng Đức") == "dang duc"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("020050001234", "020050001234"),
        (22055001234, "022055001234"),  # typed as a number: leading zero lost
        (22055001234.0, "022055001234"),
        ("1055001234", "001055001234"),  # two zeros lost, Hà Nội
        ("022 055.001-234", "022055001234"),
        ("'079123456789", "079123456789"),
        ("123456789", "123456789"),  # old CMND
        ("101050001234", "101050001234"),  # birth registered abroad
        (None, None),
        ("  ", None),
    ],
)
def test_parse_national_id(raw, expected):
    assert parse_national_id(raw) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("003050001234", "Mã tỉnh 003"),
        ("099050001234", "Mã tỉnh 099"),
        ("12345", "12 chữ số"),
        ("02205500123A", "không phải chữ số"),
        (3055001234, "12 chữ số"),
    ],
)
def test_parse_national_id_errors(raw, message):
    with pytest.raises(CellError, match=message):
        parse_national_id(raw)


def test_national_id_warnings():
    assert national_id_warning("020050001234", 1950, "M") is None
    assert "1965" in national_id_warning("020065001234", 1950, None)
    assert "nam" in national_id_warning("020050001234", None, "F")
    assert national_id_warning("020350001234", 2050, "F") is None
    assert national_id_warning("123456789", 1950, "M") is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("05/03/1950", (date(1950, 3, 5), 1950)),
        ("5/3/1950", (date(1950, 3, 5), 1950)),
        ("05-03-1950", (date(1950, 3, 5), 1950)),
        ("05.03.1950", (date(1950, 3, 5), 1950)),
        ("1950-03-05", (date(1950, 3, 5), 1950)),
        (datetime(1950, 3, 5, 0, 0), (date(1950, 3, 5), 1950)),
        (date(1950, 3, 5), (date(1950, 3, 5), 1950)),
        (18327, (date(1950, 3, 5), 1950)),  # Excel serial
        (18327.0, (date(1950, 3, 5), 1950)),
        (1950, (None, 1950)),
        ("1950", (None, 1950)),
        (None, (None, None)),
    ],
)
def test_parse_date(raw, expected):
    assert parse_date(raw) == expected


@pytest.mark.parametrize("raw", ["31/02/1950", "1800", "ngày xưa", "05/13/1950", -5, 99_999_999])
def test_parse_date_errors(raw):
    with pytest.raises(CellError):
        parse_date(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (600000, 600_000),
        (600000.0, 600_000),
        ("600.000", 600_000),
        ("600,000 đ", 600_000),
        ("600.000đ", 600_000),
        ("1.234.567 VNĐ", 1_234_567),
        ("1,234,567", 1_234_567),
        ("600 000", 600_000),
        ("1234567", 1_234_567),
        (None, None),
        ("", None),
    ],
)
def test_parse_amount(raw, expected):
    assert parse_amount(raw) == expected


@pytest.mark.parametrize("raw", ["6OO.000", -5, 1.5, "1.5", "năm trăm"])
def test_parse_amount_errors(raw):
    with pytest.raises(CellError):
        parse_amount(raw)


def test_parse_gender():
    assert [parse_gender(v) for v in ("Nam", "nữ", "NU", "M", None)] == ["M", "F", "F", "M", None]
    with pytest.raises(CellError):
        parse_gender("khác giới")


def test_display_formats():
    assert format_money(1_234_567) == "1.234.567 đ" and format_money(None) == ""
    assert format_count(5502) == "5.502" and format_date(date(2026, 2, 3)) == "03/02/2026"
    assert format_percent(66.66) == "66,7%" and format_percent(None) == ""


def test_iconv_is_available_for_the_tcvn3_fixtures():
    assert subprocess.run(["iconv", "--version"], capture_output=True).returncode == 0
