"""A relief round's progress on a page (Tiến độ, Cứu trợ gạo): households, people and rice requested,
approved and delivered, in total, per ward and per hamlet. Rice in tonnes with three decimals (a
household's rice, on its own lists, in kg)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from data_layer.core.access import Scope
from data_layer.core.db import read_session
from data_layer.registry.wards import list_wards
from data_layer.relief.figures import hamlet_figures, round_figures
from data_layer.relief.rules import tonnes
from data_layer.vn.formatting import format_count, format_percent
from ui.widgets import CHOOSE_ONE, figure


def _share(delivered: int, approved: int) -> str:
    return format_percent(100 * delivered / approved) if approved else ""


def _lines(lines: list[dict], first: dict[str, str]) -> pd.DataFrame:
    """A table of figure lines, ``first`` naming each line's own columns (ward, hamlet)."""
    return pd.DataFrame(
        [
            {
                **{title: line[key] for title, key in first.items()},
                "Số hộ": format_count(line["households"]),
                "Số người thiếu đói": format_count(line["people"]),
                "Đề nghị (tấn)": tonnes(line["kg_requested"]),
                "Được duyệt (tấn)": tonnes(line["kg_approved"]),
                "Đã cấp (tấn)": tonnes(line["kg_delivered"]),
                "Tỷ lệ đã cấp": _share(line["kg_delivered"], line["kg_approved"]),
            }
            for line in lines
        ]
    )


def relief_progress(scope: Scope, round_id: int, *, key: str, ward_id: int | None = None) -> None:
    """The round's headline figures, a line per ward, and the hamlets of one ward: ``ward_id`` when the
    page has chosen one, else a commune office's own ward, else the ward an office picks here."""
    with read_session() as session:
        figures = round_figures(session, scope, round_id)
        wards = {w.id: w.name for w in list_wards(session, scope)}
    m = st.columns(5)
    figure(m[0], "Số hộ", format_count(figures["households"]))
    figure(m[1], "Số người thiếu đói", format_count(figures["people"]))
    figure(m[2], "Gạo đề nghị", f"{tonnes(figures['kg_requested'])} tấn")
    figure(m[3], "Gạo được duyệt", f"{tonnes(figures['kg_approved'])} tấn")
    share = _share(figures["kg_delivered"], figures["kg_approved"])
    figure(m[4], "Gạo đã cấp", f"{tonnes(figures['kg_delivered'])} tấn", share and f"{share} số được duyệt")
    if not figures["by_ward"]:
        st.info("Đợt này chưa có hộ nào.")
        return
    st.dataframe(_lines(figures["by_ward"], {"Phường/xã": "name"}), hide_index=True, width="stretch")
    if ward_id is None and len(wards) == 1:
        ward_id = next(iter(wards))
    elif ward_id is None:
        ward_id = st.selectbox(
            "Xem theo thôn/tổ của",
            [None, *wards],
            format_func=lambda w: "Chọn phường/xã" if w is None else wards[w],
            key=f"{key}_hamlets_of",
            placeholder=CHOOSE_ONE,
        )
    if ward_id is None:
        return
    with read_session() as session:
        hamlets = hamlet_figures(session, scope, round_id, ward_id)
    st.markdown(f"**Theo thôn/tổ — {wards[ward_id]}**")
    if hamlets:
        st.dataframe(_lines(hamlets, {"Thôn/Tổ": "hamlet"}), hide_index=True, width="stretch")
    else:
        st.caption(f"{wards[ward_id]} chưa có hộ nào trong đợt này.")
