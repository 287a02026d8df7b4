"""Quản trị › Thôn/tổ: a ward's hamlets (merge two spellings of one hamlet) and the remembered answers
for the hamlets of split old communes (change where one went)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from data_layer.core.access import Scope
from data_layer.core.db import read_session
from data_layer.core.models import Ward
from data_layer.registry.hamlet_placements import list_placements, place_hamlet
from data_layer.registry.hamlets import list_hamlets, merge_hamlets
from data_layer.vn.formatting import format_count, format_datetime
from ui.feedback import run_write
from ui.widgets import CHOOSE_ONE


def hamlets_tab(scope: Scope, wards: list[Ward]) -> None:
    """The tab: hamlets of one ward with their people, the merge form, then the placements."""
    active = [w for w in wards if w.active]
    if not active:
        st.info("Chưa có phường/xã nào.")
        return
    ward = st.selectbox(
        "Phường/xã", active, format_func=lambda w: w.name, key="hamlet_ward", placeholder=CHOOSE_ONE
    )
    with read_session() as session:
        hamlets = list_hamlets(session, scope, ward.id)
        placements = list_placements(session, scope)
    _merge_section(scope, ward, hamlets)
    st.divider()
    _placements_section(scope, placements)


def _merge_section(scope: Scope, ward: Ward, hamlets: list) -> None:
    st.subheader(f"Thôn/tổ dân phố của {ward.name}")
    if not hamlets:
        st.info("Phường/xã này chưa có thôn/tổ nào (thôn/tổ được tạo khi nhập danh sách).")
        return
    st.dataframe(
        pd.DataFrame([{"Thôn/tổ": h.name, "Số người": format_count(people)} for h, people in hamlets]),
        hide_index=True,
        width="stretch",
    )
    if len(hamlets) < 2:
        return
    names = [h.name for h, _people in hamlets]
    with st.form("merge_hamlets"):
        st.markdown("**Gộp hai cách viết của cùng một thôn/tổ**")
        c1, c2 = st.columns(2)
        keep = c1.selectbox("Tên giữ lại", names, key="merge_keep", placeholder=CHOOSE_ONE)
        merged = c2.selectbox(
            "Tên gộp vào (không dùng nữa)", names, index=1, key="merge_gone", placeholder=CHOOSE_ONE
        )
        st.caption(
            "Người của tên gộp vào chuyển sang tên giữ lại (ghi nhật ký); danh sách nhập sau viết theo "
            "tên cũ cũng được ghi vào tên giữ lại."
        )
        sure = st.checkbox("Đã kiểm tra: hai tên là một thôn/tổ", key="merge_sure")
        if st.form_submit_button("Gộp thôn/tổ"):
            if not sure:
                st.warning("Hãy đánh dấu 'Đã kiểm tra' trước khi gộp.")
            else:
                run_write(
                    lambda s: merge_hamlets(s, scope, ward.id, keep, merged),
                    lambda moved: f"Đã gộp {merged} vào {keep}: {format_count(moved)} người được chuyển.",
                )


def _placements_section(scope: Scope, placements: list) -> None:
    st.subheader("Thôn/tổ của phường/xã cũ đã chia cho nhiều đơn vị")
    if not placements:
        st.info(
            "Chưa có câu trả lời nào: khi nhập danh sách lập trước 01/7/2025 của một phường/xã cũ đã chia, "
            "trang Nhập danh sách hỏi mỗi thôn/tổ nay thuộc đơn vị nào và ghi nhớ ở đây."
        )
        return
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Phường/xã cũ": f"{p.old_unit} ({p.old_unit_code})",
                    "Thôn/tổ": p.hamlet,
                    "Nay thuộc": f"{p.new_unit} ({p.new_unit_code})",
                    "Người chọn": p.decided_by or "Dòng lệnh",
                    "Lúc": format_datetime(p.decided_at),
                }
                for p in placements
            ]
        ),
        hide_index=True,
        width="stretch",
    )
    st.markdown("**Sửa nơi một thôn/tổ cũ đã về**")
    c1, c2 = st.columns(2)
    chosen = c1.selectbox(
        "Thôn/tổ",
        placements,
        format_func=lambda p: f"{p.hamlet} – {p.old_unit} cũ (nay: {p.new_unit})",
        key="placement_pick",
        placeholder=CHOOSE_ONE,
    )
    names = dict(chosen.choices) or {chosen.new_unit_code: chosen.new_unit}
    codes = list(names)
    new_code = c2.selectbox(
        "Nay thuộc",
        codes,
        index=codes.index(chosen.new_unit_code) if chosen.new_unit_code in codes else 0,
        format_func=lambda code: f"{names[code]} ({code})",
        key=f"placement_new_{chosen.old_unit_code}_{chosen.hamlet}",
        placeholder=CHOOSE_ONE,
    )
    if st.button("Lưu nơi đã về", disabled=new_code == chosen.new_unit_code, key="placement_save"):
        run_write(
            lambda s: place_hamlet(s, scope, chosen.old_unit_code, chosen.hamlet, new_code),
            f"Đã ghi: {chosen.hamlet} của {chosen.old_unit} cũ nay thuộc {names[new_code]}.",
        )
