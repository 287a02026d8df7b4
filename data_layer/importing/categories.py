"""Map the free category texts of ward files ("Thương binh", "Hộ nghèo", "BTXH"…) to catalogue codes.

Order: a mapping remembered from an earlier import (CategoryAlias), the catalogue's own code or
name, then built-in keywords. Texts that match nothing are shown to the user, whose choice is
remembered for next time.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session

from data_layer.core.models import Category, CategoryAlias
from data_layer.vn.text import fold

# (folded keyword found in the text, category code); first match wins, so specific keywords come first.
KEYWORDS = [
    ("ba me viet nam anh hung", "NCC_BMVNAH"),
    ("me vnah", "NCC_BMVNAH"),
    ("bmvnah", "NCC_BMVNAH"),
    ("anh hung", "NCC_AH"),
    ("lao thanh cach mang", "NCC_LTCM"),
    ("tien khoi nghia", "NCC_LTCM"),
    ("chat doc hoa hoc", "NCC_CDHH"),
    ("da cam", "NCC_CDHH"),
    ("81%", "NCC_TB81"),
    ("thuong binh", "NCC_TB"),
    ("benh binh", "NCC_TB"),
    ("hai liet si", "TNLS2"),
    ("2 liet si", "TNLS2"),
    ("liet si", "TNLS"),
    ("than nhan", "TNNCC"),
    ("nguoi co cong", "NCC_KHAC"),
    ("ncc", "NCC_KHAC"),
    ("can ngheo", "HCN"),
    ("thoat ngheo", "HTN"),
    ("ho ngheo", "HN"),
    ("ngheo", "HN"),
    ("thieu doi", "TD"),
    ("khuyet tat", "NKT"),
    ("nkt", "NKT"),
    ("bao tro", "BTXH"),
    ("btxh", "BTXH"),
    ("tro cap", "BTXH"),
    ("cao tuoi", "NCT"),
    ("nct", "NCT"),
    ("mung tho", "NCT"),
    ("tre em", "TE"),
    ("mo coi", "TE"),
    ("thanh nien xung phong", "TNXP"),
    ("tnxp", "TNXP"),
    ("cuu chien binh", "CCB"),
    ("ccb", "CCB"),
    ("lao dong", "NLD"),
]


class CategoryResolver:
    """Resolve category texts to category ids, caching the catalogue and remembered aliases."""

    def __init__(self, session: Session, overrides: dict[str, int] | None = None):
        categories = session.execute(select(Category.id, Category.code, Category.name)).all()
        self.id_by_code = {code: cid for cid, code, _ in categories}
        self.by_key = {fold(code): cid for cid, code, _ in categories}
        self.by_key.update({fold(name): cid for cid, _, name in categories})
        aliases = session.execute(select(CategoryAlias.text_key, CategoryAlias.category_id)).all()
        self.by_key.update(dict(aliases))
        self._memo: dict[str, int | None] = {}
        known = set(self.id_by_code.values())
        self.overrides = {fold(text): cid for text, cid in (overrides or {}).items() if cid in known}

    def resolve(self, text: str) -> int | None:
        """The category id a text means, or None when nothing matches (memoised: lists repeat texts)."""
        if text not in self._memo:
            self._memo[text] = self._resolve(text)
        return self._memo[text]

    def _resolve(self, text: str) -> int | None:
        key = fold(text)
        if key in self.overrides:
            return self.overrides[key]
        if key in self.by_key:
            return self.by_key[key]
        padded = f" {key} "
        for keyword, code in KEYWORDS:
            if (
                f" {keyword} " in padded if keyword.isalnum() else keyword in key
            ) and code in self.id_by_code:
                return self.id_by_code[code]
        return None


def remember_aliases(session: Session, mapping: dict[str, int]) -> None:
    """Store the user's text → category choices so the next import maps them by itself."""
    known = set(session.execute(select(Category.id)).scalars())
    existing = set(session.execute(select(CategoryAlias.text_key)).scalars())
    for text, category_id in mapping.items():
        key = fold(text)
        if key and key not in existing and category_id in known:
            session.add(CategoryAlias(text_key=key, category_id=category_id))
            existing.add(key)
    session.flush()
