"""Map the free category texts of ward files ("Thương binh", "Hộ nghèo", "BTXH"…) to catalogue codes.

Order: a mapping remembered from an earlier import (CategoryAlias), the catalogue's own code or
name, then built-in keywords. Texts that match nothing are shown to the user, whose choice maps
them in that import; a district officer's or admin's choice is also remembered city-wide for next
time (audited), a ward officer's is not (it would change how every ward's files are read).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session

from data_layer.core import audit
from data_layer.core.access import Scope
from data_layer.core.codes import Action
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


def remember_aliases(session: Session, scope: Scope, mapping: dict[str, int], batch_id: int | None) -> int:
    """Store a manager's text → category choices (city-wide, each audited) so the next import maps
    them by itself; a ward officer's choices are not stored. Returns how many were stored."""
    if not scope.is_manager:
        return 0
    codes = dict(session.execute(select(Category.id, Category.code)).tuples().all())
    existing = set(session.execute(select(CategoryAlias.text_key)).scalars())
    stored = 0
    for text, category_id in mapping.items():
        key = fold(text)
        if key and key not in existing and category_id in codes:
            alias = CategoryAlias(text_key=key, category_id=category_id)
            session.add(alias)
            session.flush()
            audit.record(
                session,
                scope,
                table="categoryalias",
                row_id=alias.id,
                action=Action.INSERT,
                new=f"{text} → {codes[category_id]}",
                batch_id=batch_id,
            )
            existing.add(key)
            stored += 1
    return stored
