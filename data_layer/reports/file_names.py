"""Names of the files An Sinh offers for download: what, which campaign (and ward), which day.

ASCII without diacritics, so they survive every e-mail client, USB stick and Windows share:
``bao_cao_ket_qua_tet_nguyen_dan_binh_ngo_2026_2026-11-26.xlsx``.
"""

from __future__ import annotations

import re
from datetime import date

from data_layer.vn.text import fold


def slug(text: str) -> str:
    """'Tết Nguyên đán Bính Ngọ 2026' → 'tet_nguyen_dan_binh_ngo_2026' (folded, words joined by _)."""
    return re.sub(r"[^a-z0-9]+", "_", fold(text)).strip("_")


def report_file_name(kind: str, campaign: str | None, day: date, *, ward: str | None = None) -> str:
    """``<kind>_<campaign>[_<ward>]_<yyyy-mm-dd>.xlsx``; ``kind`` is already a slug (bao_cao_ket_qua)."""
    parts = [kind, slug(campaign or ""), slug(ward or ""), day.isoformat()]
    return "_".join(p for p in parts if p) + ".xlsx"
