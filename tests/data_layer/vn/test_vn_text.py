"""Vietnamese text helpers: normalisation, folding, TCVN3/VNI repair and legacy-font detection."""

import subprocess
import unicodedata

import pytest

from data_layer.vn.text import (
    detect_legacy,
    fix_legacy,
    fold,
    normalize_text,
    tcvn3_to_unicode,
    vni_to_unicode,
)

# Upper-case letters here carry no tone mark: TCVN3 (VN3) has codes only for Ă Â Ê Ô Ơ Ư Đ.
SAMPLES = [
    "Trần Văn Đức",
    "Nguyễn Thị Hường",
    "Phạm Ngọc Ưng",
    "Lê Thị Ước",
    "Họ và tên",
    "Ngày tháng năm sinh",
    "Số CCCD",
    "Tổ dân phố",
    "Đối tượng",
    "Mức quà",
    "Thôn/Tổ",
    "Ghi chú",
    "Ông Văn Khiêm",
    "Bà mẹ Việt Nam anh hùng",
    "Thương binh, bệnh binh",
    "Hộ nghèo, hộ cận nghèo",
    "Người cao tuổi",
    "Đặng Quốc Việt",
    "Bùi Thị Xuân",
    "Huỳnh Thúc Kháng",
    "Thừa Thiên Huế",
    "Quảng Ngãi",
    "Khánh Hòa",
    "Ăn Ơn Âm Êm Ôn Ưng",
    "kỷ niệm, mỹ, lỵ, quý, kỳ",
]
ALL_VN3_LETTERS = (
    "aàảãáạ ăằẳẵắặ âầẩẫấậ eèẻẽéẹ êềểễếệ iìỉĩíị oòỏõóọ ôồổỗốộ ơờởỡớợ uùủũúụ ưừửữứự yỳỷỹýỵ đ ĂÂÊÔƠƯĐ"
)


def as_shown_in_excel(text: str) -> str:
    """``text`` typed in the .VnTime font, as openpyxl reads it: glibc TCVN5712-1 bytes shown as Latin-1."""
    raw = subprocess.run(
        ["iconv", "-f", "UTF-8", "-t", "TCVN5712-1"], input=text.encode(), capture_output=True, check=True
    ).stdout
    assert all(b in b"\t\n\r" or 0x20 <= b < 0x80 or b >= 0xA0 for b in raw), "not a VN3 sample"
    return raw.decode("latin-1")


# --- normalisation and folding ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Nguyễn   Thị\tHường\n", "Nguyễn Thị Hường"),
        ("Nguyễn\u00a0Thị\u200b Hường", "Nguyễn Thị Hường"),
        (unicodedata.normalize("NFD", "Nguyễn Thị Hường"), "Nguyễn Thị Hường"),
        ("\ufeffSố CCCD", "Số CCCD"),
        ("Ho\u0300a", "Hòa"),
        ("   ", None),
        ("\u200b", None),
        ("", None),
        (None, None),
    ],
)
def test_normalize_text(raw, expected):
    result = normalize_text(raw)
    assert result == expected
    assert result is None or unicodedata.is_normalized("NFC", result)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Nguyễn Thị Hường", "nguyen thi huong"),
        ("NGUYỄN  THỊ\u00a0HƯỜNG", "nguyen thi huong"),
        (unicodedata.normalize("NFD", "Nguyễn Thị Hường"), "nguyen thi huong"),
        ("Đặng Đức đoàn", "dang duc doan"),
        ("Hoà", "hoa"),
        ("Hòa", "hoa"),
        ("Thuỷ", "thuy"),
        ("Thủy", "thuy"),
        ("  Tổ dân phố số 4 ", "to dan pho so 4"),
        ("Zürich Ñuñez", "zurich nunez"),
        ("Ǹ Ḿ", "n m"),
        ("Крым", "крым"),
        ("", ""),
        (None, ""),
    ],
)
def test_fold(raw, expected):
    assert fold(raw) == expected


def test_fold_handles_mixed_case_and_nfd():
    names = ["Nguyễn Thị Hường", "TRẦN VĂN ĐỨC", unicodedata.normalize("NFD", "Phạm Ngọc Ưng")]
    assert [fold(n) for n in names] == ["nguyen thi huong", "tran van duc", "pham ngoc ung"]


# --- TCVN3 ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", SAMPLES)
def test_tcvn3_round_trip(text):
    shown = as_shown_in_excel(text)
    assert shown != text
    converted = tcvn3_to_unicode(shown)
    assert converted == text
    assert unicodedata.is_normalized("NFC", converted)


def test_tcvn3_every_letter_of_the_encoding():
    assert tcvn3_to_unicode(as_shown_in_excel(ALL_VN3_LETTERS)) == ALL_VN3_LETTERS


@pytest.mark.parametrize(
    ("shown", "expected"),
    [
        ("TrÇn V¨n §øc", "Trần Văn Đức"),
        ("NguyÔn ThÞ H\u00adêng", "Nguyễn Thị Hường"),  # ư is 0xAD, the soft hyphen
        ("Hä vµ tªn", "Họ và tên"),
        ("Sè CCCD", "Số CCCD"),
        # bytes 0x80–0x9F are punctuation, whether shown as cp1252 glyphs or as C1 controls
        ("“Th\u00ad¬ng binh” – 600.000®…", "“Thương binh” – 600.000đ…"),
        ("\x93Th\u00ad¬ng binh\x94 \x96 600.000®\x85", "“Thương binh” – 600.000đ…"),
        ("25°C, 1/2", "25°C, 1/2"),  # 0xB0 is not a VN3 code: left alone
        ("STT 1 2 3", "STT 1 2 3"),
    ],
)
def test_tcvn3_examples(shown, expected):
    assert tcvn3_to_unicode(shown) == expected


def test_tcvn3_capitals_font():
    assert tcvn3_to_unicode(as_shown_in_excel("trần văn đức"), upper=True) == "TRẦN VĂN ĐỨC"
    assert tcvn3_to_unicode("Danh s¸ch ®èi t\u00adîng", upper=True) == "DANH SÁCH ĐỐI TƯỢNG"
    assert fix_legacy("TrÇn V¨n §øc", "tcvn3", upper=True) == "TRẦN VĂN ĐỨC"


# --- VNI ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("vni", "expected"),
    [
        ("Traàn Vaên Ñöùc", "Trần Văn Đức"),
        ("Nguyeãn Thò Höôøng", "Nguyễn Thị Hường"),
        ("Hoï vaø teân", "Họ và tên"),
        ("Ngaøy thaùng naêm sinh", "Ngày tháng năm sinh"),
        ("Soá CCCD", "Số CCCD"),
        ("Toå daân phoá", "Tổ dân phố"),
        ("Phaïm Ngoïc Öng", "Phạm Ngọc Ưng"),
        ("Leâ Thò Öôùc", "Lê Thị Ước"),
        ("Ñoái töôïng", "Đối tượng"),
        ("Baø meï Vieät Nam anh huøng", "Bà mẹ Việt Nam anh hùng"),
        ("Thöøa Thieân Hueá, Quaûng Ngaõi, Khaùnh Hoøa", "Thừa Thiên Huế, Quảng Ngãi, Khánh Hòa"),
        ("Ngöôøi coù coâng, thuôû aáy", "Người có công, thuở ấy"),
        # every vowel with every tone
        ("Ba Baù Baø Baû Baõ Baï", "Ba Bá Bà Bả Bã Bạ"),
        ("Laêm Laém Laèm Laúm Laüm Laëm", "Lăm Lắm Lằm Lẳm Lẵm Lặm"),
        ("Taâm Taám Taàm Taåm Taãm Taäm", "Tâm Tấm Tầm Tẩm Tẫm Tậm"),
        ("Me Meù Meø Meû Meõ Meï", "Me Mé Mè Mẻ Mẽ Mẹ"),
        ("Leâ Leá Leà Leå Leã Leä", "Lê Lế Lề Lể Lễ Lệ"),
        ("Bi Bí Bì Bæ Bó Bò", "Bi Bí Bì Bỉ Bĩ Bị"),
        ("Bo Boù Boø Boû Boõ Boï", "Bo Bó Bò Bỏ Bõ Bọ"),
        ("Toâ Toá Toà Toå Toã Toä", "Tô Tố Tồ Tổ Tỗ Tộ"),
        ("Mô Môù Môø Môû Môõ Môï", "Mơ Mớ Mờ Mở Mỡ Mợ"),
        ("Cu Cuù Cuø Cuû Cuõ Cuï", "Cu Cú Cù Củ Cũ Cụ"),
        ("Tö Töù Töø Töû Töõ Töï", "Tư Tứ Từ Tử Tữ Tự"),
        ("Ky Kyù Kyø Kyû Kyõ Kî", "Ky Ký Kỳ Kỷ Kỹ Kỵ"),
        # capitals use the upper-case mark characters
        ("TRAÀN VAÊN ÑÖÙC", "TRẦN VĂN ĐỨC"),
        ("ÑAËNG THÒ ÖÙNG", "ĐẶNG THỊ ỨNG"),
        ("AÙ AØ AÛ AÕ AÏ AÊ AÉ AÈ AÚ AÜ AË AÂ AÁ AÀ AÅ AÃ AÄ", "Á À Ả Ã Ạ Ă Ắ Ằ Ẳ Ẵ Ặ Â Ấ Ầ Ẩ Ẫ Ậ"),
        ("EÙ EØ EÛ EÕ EÏ EÂ EÁ EÀ EÅ EÃ EÄ", "É È Ẻ Ẽ Ẹ Ê Ế Ề Ể Ễ Ệ"),
        ("Í Ì Æ Ó Ò", "Í Ì Ỉ Ĩ Ị"),
        ("OÙ OØ OÛ OÕ OÏ OÂ OÁ OÀ OÅ OÃ OÄ", "Ó Ò Ỏ Õ Ọ Ô Ố Ồ Ổ Ỗ Ộ"),
        ("Ô ÔÙ ÔØ ÔÛ ÔÕ ÔÏ", "Ơ Ớ Ờ Ở Ỡ Ợ"),
        ("UÙ UØ UÛ UÕ UÏ Ö ÖÙ ÖØ ÖÛ ÖÕ ÖÏ", "Ú Ù Ủ Ũ Ụ Ư Ứ Ừ Ử Ữ Ự"),
        ("YÙ YØ YÛ YÕ Î", "Ý Ỳ Ỷ Ỹ Ỵ"),
        ("Aùnh Öôùc", "Ánh Ước"),  # capital base with lower-case marks (after Excel's PROPER)
        ("“Traàn” \x96 600.000ñ", "“Trần” – 600.000đ"),
        ("STT 1/2", "STT 1/2"),
    ],
)
def test_vni_to_unicode(vni, expected):
    converted = vni_to_unicode(vni)
    assert converted == expected
    assert unicodedata.is_normalized("NFC", converted)


# --- detection and dispatch -----------------------------------------------------------------------

ENGLISH = ["No.", "Full name", "Date of birth", "ID number", "Address", "Amount", "Total"]
VNI_SAMPLE = ["STT", "Hoï vaø teân", "Ngaøy sinh", "Traàn Vaên Ñöùc", "Nguyeãn Thò Höôøng", "Toå 4", "1950"]


def test_detects_tcvn3():
    assert detect_legacy(["STT", "1", *map(as_shown_in_excel, SAMPLES)]) == "tcvn3"


def test_detects_vni():
    assert detect_legacy(VNI_SAMPLE) == "vni"


@pytest.mark.parametrize(
    "texts",
    [
        SAMPLES,
        [unicodedata.normalize("NFD", s) for s in SAMPLES],
        ENGLISH,
        [],
        # Unicode file with a few foreign names
        [*SAMPLES, "Muñoz", "Müller", "Gödel", "Noël", "José Peña"],
        # unaccented Vietnamese plus foreign names, symbols and punctuation
        ["Nguyen Van A", "Tran Thi B", "Muñoz", "Müller", "Zoë", "naïve", "25°C", "© 2024", "“quoted” – …"],
        # too little to go on
        ["Traàn Vaên Ñöùc", "Hoï vaø teân"],
    ],
)
def test_no_legacy_detected(texts):
    assert detect_legacy(texts) is None


def test_a_few_unicode_cells_in_a_legacy_file_are_kept():
    cells = [*map(as_shown_in_excel, SAMPLES), "Nguyễn Văn Mới"]
    assert detect_legacy(cells) == "tcvn3"
    assert [fix_legacy(c, "tcvn3") for c in cells] == [*SAMPLES, "Nguyễn Văn Mới"]
    assert fix_legacy("Nguyễn Văn Mới", "vni") == "Nguyễn Văn Mới"


def test_fix_legacy_dispatch():
    assert fix_legacy("TrÇn V¨n §øc", "tcvn3") == "Trần Văn Đức"
    assert fix_legacy("Traàn Vaên Ñöùc", "vni") == "Trần Văn Đức"
    assert fix_legacy("Traàn Vaên Ñöùc", None) == "Traàn Vaên Ñöùc"
    with pytest.raises(ValueError):
        fix_legacy("x", "viqr")
