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

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))


def normalize_text(value: str | None) -> str | None:
    """NFC, zero-width characters removed, whitespace trimmed and collapsed; blank → None."""
    if value is None:
        return None
    text = " ".join(unicodedata.normalize("NFC", value.translate(_ZERO_WIDTH)).split())
    return text or None


def _fold_table() -> dict[int, str | None]:
    table: dict[int, str | None] = {c: None for c in range(0x300, 0x370)}  # combining marks (NFD input)
    for code in list(range(0xC0, 0x250)) + list(range(0x1E00, 0x1F00)):
        base = unicodedata.normalize("NFD", chr(code))[0]
        if base.isascii() and base.isalpha():
            table[code] = base.lower()
    table.update({ord("đ"): "d", ord("Đ"): "d"})
    table.update(_ZERO_WIDTH)
    return table


_FOLD = _fold_table()


def fold(value: str | None) -> str:
    """Matching/search key: lower case, no diacritics (đ → d), single spaces. 'Hoà' and 'Hòa' fold alike."""
    return " ".join((value or "").translate(_FOLD).lower().split())


# --- TCVN3 ---------------------------------------------------------------------------------------
# Byte of the TCVN3 (TCVN 5712 VN3) encoding as Excel shows it (cp1252, or Latin-1 for the five
# bytes cp1252 leaves undefined) → the Unicode character it stands for. Generated once from glibc
# iconv's TCVN5712-1 table; the control range 0x00–0x1F is left alone.
_TCVN3_SHOWN = (
    "€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ"
    "¡¢£¤¥¦§¨©ª«¬\u00ad®¯°±²³´µ¶·¸¹º»¼½¾¿À"
    "ÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖ×ØÙÚÛÜÝÞßà"
    "áâãäåæçèéêëìíîïðñòóôõö÷øùúûüþÿ"
)
_TCVN3_REAL = (
    "ÀẢÃÁẠẶẬÈẺẼÉẸỆÌỈĨÍỊÒỎÕÓỌỘỜỞỠỚỢÙỦŨ"
    "ĂÂÊÔƠƯĐăâêôơưđẰ\u0300\u0309\u0303\u0301\u0323àảãáạẲằẳẵắẴẮ"
    "ẦẨẪẤỀặầẩẫấậèỂẻẽéẹềểễếệìỉỄẾỒĩíịòỔ"
    "ỏõóọồổỗốộờởỡớợùỖủũúụừửữứựỳỷỹỵỐ"
)
_TCVN3 = {ord(s): r for s, r in zip(_TCVN3_SHOWN, _TCVN3_REAL, strict=True)}
_TCVN3.update(
    {
        b: _TCVN3[ord(bytes([b]).decode("cp1252"))]
        for b in range(0x80, 0xA0)
        if b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D) and ord(bytes([b]).decode("cp1252")) in _TCVN3
    }
)
# Symbols 0xA1–0xBF carry most TCVN3 letters and never occur in ordinary Vietnamese Unicode text.
_TCVN3_MARKERS = frozenset(chr(b) for b in range(0xA1, 0xC0))


def tcvn3_to_unicode(text: str, upper: bool = False) -> str:
    """Convert TCVN3 text; ``upper`` when the cell uses a capitals font such as .VnTimeH."""
    converted = unicodedata.normalize("NFC", text.translate(_TCVN3))
    return converted.upper() if upper else converted


# --- VNI -----------------------------------------------------------------------------------------
_GRAVE, _ACUTE, _HOOK, _TILDE, _DOT = "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"
_CIRCUMFLEX, _BREVE, _HORN = "\u0302", "\u0306", "\u031b"
_TONES = {"ø": _GRAVE, "ù": _ACUTE, "û": _HOOK, "õ": _TILDE, "ï": _DOT}
_CIRCUMFLEX_TONES = {"â": "", "à": _GRAVE, "á": _ACUTE, "å": _HOOK, "ã": _TILDE, "ä": _DOT}
_BREVE_TONES = {"ê": "", "è": _GRAVE, "é": _ACUTE, "ú": _HOOK, "ü": _TILDE, "ë": _DOT}


def _vni_table() -> dict[str, str]:
    table: dict[str, str] = {}

    def add(base: str, modifier: str, marks: str) -> None:
        for b, m in ((base, modifier), (base.upper(), modifier.upper()), (base.upper(), modifier)):
            table.setdefault(b + m, unicodedata.normalize("NFC", b + marks))

    for base in "aeouy":
        for modifier, tone in _TONES.items():
            add(base, modifier, tone)
    for base in "aeo":
        for modifier, tone in _CIRCUMFLEX_TONES.items():
            add(base, modifier, _CIRCUMFLEX + tone)
    for modifier, tone in _BREVE_TONES.items():
        add("a", modifier, _BREVE + tone)
    for vni, base in (("ô", "o"), ("ö", "u")):  # ơ and ư, alone or with a tone
        for modifier, tone in _TONES.items():
            for v, m, b in (
                (vni, modifier, base),
                (vni.upper(), modifier.upper(), base.upper()),
                (vni.upper(), modifier, base.upper()),
            ):
                table[v + m] = unicodedata.normalize("NFC", b + _HORN + tone)
    singles = {"ô": "ơ", "ö": "ư", "ñ": "đ", "æ": "ỉ", "ó": "ĩ", "ò": "ị", "î": "ỵ"}
    table.update(singles)
    table.update({k.upper(): v.upper() for k, v in singles.items()})
    return table


_VNI = _vni_table()
_VNI_PATTERN = re.compile("|".join(re.escape(k) for k in sorted(_VNI, key=len, reverse=True)))
# Latin-1 letters VNI uses as marks that Vietnamese Unicode text never contains.
_VNI_MARKERS = frozenset("øöñïûëäåæüîØÖÑÏÛËÄÅÆÜÎ")


def vni_to_unicode(text: str) -> str:
    """Convert VNI-Windows text (base letter followed by its mark characters) to NFC Unicode."""
    return unicodedata.normalize("NFC", _VNI_PATTERN.sub(lambda m: _VNI[m.group(0)], text))


_VIETNAMESE_ONLY = frozenset("ăđĩơũưĂĐĨƠŨƯ")

# --- detection -----------------------------------------------------------------------------------


def detect_legacy(texts: Iterable[str], threshold: float = 0.2) -> str | None:
    """'tcvn3', 'vni' or None: which legacy font a sample of cell texts was typed in.

    Counts the non-ASCII cells that carry a font's marker characters. A file with real Unicode
    Vietnamese letters (ă, đ, ơ, ư, ạ…) is not legacy, whatever foreign names ('Ñuñez') it holds.
    """
    tcvn3 = vni = total = unicode_vietnamese = 0
    for text in texts:
        if text.isascii():
            continue
        total += 1
        chars = set(text)
        if any(ch in _VIETNAMESE_ONLY or "\u1ea0" <= ch <= "\u1ef9" for ch in chars):
            unicode_vietnamese += 1
        elif chars & _TCVN3_MARKERS:
            tcvn3 += 1
        elif chars & _VNI_MARKERS:
            vni += 1
    if total < 2 or unicode_vietnamese / total >= 0.1:
        return None
    if tcvn3 / total >= threshold:
        return "tcvn3"
    if vni / total >= threshold:
        return "vni"
    return None


def fix_legacy(text: str, encoding: str | None, upper: bool = False) -> str:
    """Convert one cell's text from the detected legacy encoding (None: unchanged)."""
    if encoding == "tcvn3":
        return tcvn3_to_unicode(text, upper)
    if encoding == "vni":
        return vni_to_unicode(text)
    return text
