"""Administrative unit names as people type them, reduced to keys that compare alike.

"Phường Quang Trung", "P. Quang Trung", "phường  quang trung" and "QUANG TRUNG" share one key; so do
"Phường 15", "P15" and "P.15"; "Hoà"/"Hòa" and "Thuỷ"/"Thủy" (tone mark on either vowel) too. The
unit's kind (phường, xã, thị trấn, đặc khu, tỉnh, thành phố…) is kept apart from the key, so a search
that names it can prefer that kind. Pure functions, no database.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from data_layer.vn.text import fold, normalize_text

# Kind words, longest first, as their folded spelling → the kind's own name. "p"/"tt"/"x" only when
# followed by a dot or a number ("P. Tân Định", "P15", "TT.Xuân Mai"), never inside a word ("Phú").
_KINDS = [
    ("thanh pho truc thuoc trung uong", "thành phố"),
    ("thi tran", "thị trấn"),
    ("dac khu", "đặc khu"),
    ("thanh pho", "thành phố"),
    ("thi xa", "thị xã"),
    ("phuong", "phường"),
    ("quan", "quận"),
    ("huyen", "huyện"),
    ("tinh", "tỉnh"),
    ("xa", "xã"),
    ("tp", "thành phố"),
    ("tx", "thị xã"),
    ("tt", "thị trấn"),
    ("p", "phường"),
    ("q", "quận"),
    ("h", "huyện"),
    ("x", "xã"),
]
_ABBREVIATIONS = {"tp", "tx", "tt", "p", "q", "h", "x"}
_KIND_RE = re.compile(
    r"^(?:" + "|".join(re.escape(word) for word, _ in _KINDS) + r")(?:(?<=[a-z])\.\s*|\s+|(?=\d))"
)
_KIND_OF = dict(_KINDS)
_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
_CODE_SUFFIX = re.compile(r"\s*\((\d+)\)\s*$")


@dataclass(frozen=True)
class UnitName:
    """A typed unit name taken apart: its kind word (if any) and two keys of the rest.

    ``key`` keeps the letters' marks but not where the tone sits (Hoà = Hòa); ``loose`` drops every
    mark (for names typed without them)."""

    kind: str | None
    key: str
    loose: str


def _tone_free_placement(text: str) -> str:
    """Each word's tone mark moved to its end, so 'hoà' and 'hòa', 'thuỷ' and 'thủy' are one string."""
    words = []
    for word in unicodedata.normalize("NFD", text).split():
        tones = "".join(ch for ch in word if ch in _TONES)
        words.append("".join(ch for ch in word if ch not in _TONES) + tones)
    return unicodedata.normalize("NFC", " ".join(words))


def _number(core: str) -> str:
    """'15' and '015' alike (Phường 15 = P015); other names unchanged."""
    return str(int(core)) if core.isdigit() else core


def split_code(text: str | None) -> tuple[str, str | None]:
    """'Tỉnh Lạng Sơn (20)' → ('Tỉnh Lạng Sơn', '20'); text without a code in brackets → (text, None)."""
    clean = normalize_text(text) or ""
    match = _CODE_SUFFIX.search(clean)
    if not match:
        return clean, None
    return clean[: match.start()].strip(), match.group(1)


@lru_cache(maxsize=1 << 16)  # a catalogue load names each of its 13,000 units once per table row
def unit_name(text: str | None) -> UnitName:
    """The kind and keys of a unit name as typed ('P.15', 'TT. Xuân Mai', 'Tỉnh Quảng Ninh')."""
    clean = (normalize_text(text) or "").lower()
    folded = fold(clean)
    kind = None
    match = _KIND_RE.match(folded)
    if match and (len(folded) > match.end() or match.group(0).strip(". ") not in _ABBREVIATIONS):
        word = folded[: match.end()].strip(". ")
        rest = folded[match.end() :].strip()
        if rest:
            kind = _KIND_OF[word]
            # the kind word has as many characters folded as typed: cut the typed text at the same place
            clean = clean[match.end() :].strip()
            folded = rest
    clean = clean.replace(".", " ").replace("-", " ")
    folded = folded.replace(".", " ").replace("-", " ")
    return UnitName(
        kind=kind,
        key=_number(" ".join(_tone_free_placement(clean).split())),
        loose=_number(" ".join(folded.split())),
    )


def kind_of(text: str | None) -> str | None:
    """The kind word a name starts with ('phường', 'xã', 'thị trấn', 'đặc khu', …), if any."""
    return unit_name(text).kind
