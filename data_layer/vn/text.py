"""Vietnamese text helpers: NFC normalisation, folding for search/matching, legacy-font repair.

Ward files typed in the legacy TCVN3 (ABC, .VnTime) or VNI (VNI-Times) fonts reach Excel as
Latin-1/cp1252 characters: "Trần Văn Đức" shows as "TrÇn V¨n §øc" (TCVN3) or "Traàn Vaên Ñöùc"
(VNI). ``detect_legacy`` recognises such a file from a sample of its cells and ``fix_legacy``
converts each cell back to Unicode.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from itertools import islice

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))
# On the way in: control characters go (tab and newline become spaces), a zero-width space separates
# words like a space, the invisible joiners and the byte-order mark go.
_CLEAN = {
    **dict.fromkeys([*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0)]),
    **dict.fromkeys(map(ord, "\t\n\r\u200b"), " "),
    **dict.fromkeys(map(ord, "\u200c\u200d\u2060\ufeff")),
}
# Characters that reorder text on screen: a name or note holding one may display something else
# than it stores, so such a value is refused rather than cleaned.
BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def normalize_text(value: str | None) -> str | None:
    """NFC; control characters dropped, zero-width spaces as spaces; whitespace trimmed and collapsed;
    blank → None."""
    if value is None:
        return None
    text = " ".join(unicodedata.normalize("NFC", value.translate(_CLEAN)).split())
    return text or None


def _fold_table() -> dict[int, str | None]:
    table: dict[int, str | None] = dict.fromkeys(range(0x300, 0x370))  # combining marks (NFD input)
    for code in [*range(0xC0, 0x250), *range(0x1E00, 0x1F00)]:
        base = unicodedata.normalize("NFD", chr(code))[0]
        if base.isascii() and base.isalpha():
            table[code] = base.lower()
    table.update({ord("đ"): "d", ord("Đ"): "d"})
    table.update(_ZERO_WIDTH)
    return table


_FOLD = _fold_table()


def _strip_marks(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch))


def fold(value: str | None) -> str:
    """Matching/search key: lower case, no diacritics (đ → d), single spaces. 'Hoà' and 'Hòa' fold alike."""
    text = (value or "").translate(_FOLD)
    if not text.isascii():  # letters outside the precomputed Latin/Vietnamese table
        text = _strip_marks(text)
    return " ".join(text.lower().split())


# Legacy text reaches us either as cp1252 glyphs ("“", "–") or, from tools that decode bytes as
# Latin-1, as C1 controls U+0080–U+009F. Both mean the same byte; TCVN3 and VNI use those bytes for
# punctuation (Word's smart quotes, dashes), so they become the cp1252 glyph.
_C1_AS_CP1252 = {
    b: bytes([b]).decode("cp1252") for b in range(0x80, 0xA0) if b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)
}

# --- TCVN3 ---------------------------------------------------------------------------------------
# TCVN 5712:1993 VN3, the encoding of the ABC fonts: 67 lower-case letters and 7 capitals without
# tone marks at 0xA1–0xFE, each written here as "<byte as Excel shows it><letter>". Taken from glibc
# iconv's TCVN5712-1 table, keeping only the VN3 codes: the capitals with tone marks glibc also puts
# at 0x01–0x17, 0x80–0x9F and a few codes above 0xA0 belong to VN1 and are never produced by the fonts.
_TCVN3_PAIRS = """
    ¡Ă ¢Â £Ê ¤Ô ¥Ơ ¦Ư §Đ ¨ă ©â ªê «ô ¬ơ \u00adư ®đ
    µà ¶ả ·ã ¸á ¹ạ »ằ ¼ẳ ½ẵ ¾ắ Æặ Çầ Èẩ Éẫ Êấ Ëậ
    Ìè Îẻ Ïẽ Ðé Ñẹ Òề Óể Ôễ Õế Öệ ×ì Øỉ Üĩ Ýí Þị
    ßò áỏ âõ ãó äọ åồ æổ çỗ èố éộ êờ ëở ìỡ íớ îợ
    ïù ñủ òũ óú ôụ õừ öử ÷ữ øứ ùự úỳ ûỷ üỹ ýý þỵ
"""
_TCVN3: dict[int, str] = {ord(pair[0]): pair[1] for pair in _TCVN3_PAIRS.split()}
_TCVN3.update(_C1_AS_CP1252)


def tcvn3_to_unicode(s: str, upper: bool = False) -> str:
    """Convert TCVN3 text; ``upper`` when the cell uses a capitals font such as .VnTimeH."""
    converted = unicodedata.normalize("NFC", s.translate(_TCVN3))
    return converted.upper() if upper else converted


# --- VNI -----------------------------------------------------------------------------------------
# VNI-Windows writes a base letter followed by mark characters ("aù" = á, "aâ" = â, "aá" = ấ), with
# single characters for ơ ư đ and for i/ỵ with tones. Capitals use the upper-case mark characters.
# Cross-checked with the MIT-licensed npm package vietnamese-conversion (src/charsets.ts).
_VNI_LOWER = """
    áaù àaø ảaû ãaõ ạaï  ăaê ắaé ằaè ẳaú ẵaü ặaë  âaâ ấaá ầaà ẩaå ẫaã ậaä
    éeù èeø ẻeû ẽeõ ẹeï  êeâ ếeá ềeà ểeå ễeã ệeä
    ỉæ ĩó ịò
    óoù òoø ỏoû õoõ ọoï  ôoâ ốoá ồoà ổoå ỗoã ộoä  ơô ớôù ờôø ởôû ỡôõ ợôï
    úuù ùuø ủuû ũuõ ụuï  ưö ứöù ừöø ửöû ữöõ ựöï
    ýyù ỳyø ỷyû ỹyõ ỵî  đñ
"""


def _vni_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for entry in _VNI_LOWER.split():
        letter, code = entry[0], entry[1:]
        table[code] = letter
        table[code.upper()] = letter.upper()
        table[code[0].upper() + code[1:]] = letter.upper()  # capital base, lower-case marks
    return table


_VNI = _vni_table()
# Longest sequences first, so "oâ" wins over "o" and "ôù" over "ô".
_VNI_PATTERN = re.compile("|".join(map(re.escape, sorted(_VNI, key=len, reverse=True))))


def vni_to_unicode(s: str) -> str:
    """Convert VNI-Windows text (base letter followed by its mark characters) to NFC Unicode."""
    text = s.translate(_C1_AS_CP1252)
    return unicodedata.normalize("NFC", _VNI_PATTERN.sub(lambda m: _VNI[m.group(0)], text))


# --- detection -----------------------------------------------------------------------------------
# Real Vietnamese Unicode: letters outside Latin-1 (ă đ ĩ ũ ơ ư, ạ…ỹ) or combining marks (NFD).
_UNICODE_VIETNAMESE = re.compile("[ăđĩũơưĂĐĨŨƠƯ\u1ea0-\u1ef9\u0300-\u036f]")
# TCVN3: one of its letters at 0xA1–0xBE ("V¨n", "§øc", "Hoµng") touching another letter.
_TCVN3_MARKS = "".join(chr(code) for code in _TCVN3 if 0xA1 <= code <= 0xBE)
_TCVN3_EVIDENCE = re.compile(
    f"[A-Za-z\u00c0-\u00ff{_TCVN3_MARKS}][{_TCVN3_MARKS}]|[{_TCVN3_MARKS}][A-Za-z\u00c0-\u00ff]"
)
# VNI: a vowel followed by its mark characters ("aø", "eâ", "öù"); lone ñ/ö in foreign names do not count.
_VNI_EVIDENCE = re.compile("|".join(map(re.escape, sorted((k for k in _VNI if len(k) == 2), reverse=True))))
_SAMPLE_CELLS = 5000
_MIN_EVIDENCE = 3
_MIN_SHARE = 0.2


def detect_legacy(texts: Iterable[str]) -> str | None:
    """'tcvn3', 'vni' or None: the legacy font a sample of cell texts was typed in.

    Counts the non-ASCII cells carrying each font's tell-tale sequences. The font wins when it has at
    least three such cells, a fifth of the non-ASCII cells, and more cells than real Unicode
    Vietnamese (ă, đ, ơ, ư, ạ…), so Unicode files with a few foreign names ('Muñoz', 'Müller') and
    plain English files are left alone.
    """
    tcvn3 = vni = unicode_vietnamese = non_ascii = 0
    for text in islice(texts, _SAMPLE_CELLS):
        if text.isascii():
            continue
        non_ascii += 1
        if _UNICODE_VIETNAMESE.search(text):
            unicode_vietnamese += 1
        elif _TCVN3_EVIDENCE.search(text):
            tcvn3 += 1
        elif _VNI_EVIDENCE.search(text):
            vni += 1
    count, encoding = (tcvn3, "tcvn3") if tcvn3 >= vni else (vni, "vni")
    if count >= _MIN_EVIDENCE and count >= _MIN_SHARE * non_ascii and count > unicode_vietnamese:
        return encoding
    return None


def fix_legacy(s: str, encoding: str | None, upper: bool = False) -> str:
    """Convert one cell's text from the detected legacy encoding (None: unchanged).

    A cell already holding Unicode Vietnamese (typed later into a legacy file) is left as it is.
    """
    if encoding is None or _UNICODE_VIETNAMESE.search(s):
        return s
    if encoding == "tcvn3":
        return tcvn3_to_unicode(s, upper)
    if encoding == "vni":
        return vni_to_unicode(s)
    raise ValueError(f"unknown legacy encoding {encoding!r}")
