"""Approval on the pages: the notice that makes a ward's campaign figures read-only, and the
district's approve / unlock panel."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from data_layer.campaigns.approval import approval_states, approve_ward, lock_notice, unlock_ward
from data_layer.core.access import Scope
from data_layer.core.db import read_session
from data_layer.vn.formatting import format_count, format_datetime
from ui.feedback import confirm_button, run_write
from ui.widgets import CHOOSE_ONE


def locked(campaign, ward) -> bool:
    """Whether the ward's figures in the campaign are approved; if so, say so (the page then shows
    its controls disabled)."""
    with read_session() as session:
        notice = lock_notice(session, campaign.id, ward.id)
    if notice:
        st.warning(f"🔒 {notice} Muốn sửa, Phòng mở khóa ở trang Tình hình báo cáo (ghi rõ lý do).")
    return notice is not None


def _state_row(state) -> dict:
    unlocked = state.unlocked_at is not None
    return {
        "Phường/xã": state.ward,
        "Trạng thái": f"Đã duyệt {format_datetime(state.approved_at)}" if state.approved else "Chưa duyệt",
        "Người duyệt": state.approved_by or "",
        "Lần mở khóa gần nhất": f"{format_datetime(state.unlocked_at)} – {state.unlock_reason}"
        if unlocked
        else "",
        "Số thay đổi từ khi mở khóa": format_count(state.changes_since_unlock) if unlocked else "",
    }


def approval_panel(scope: Scope, campaign) -> None:
    """Each ward's approval state; managers approve a ward's results (locking them) or unlock them
    with a reason."""
    st.subheader("Duyệt số liệu")
    with read_session() as session:
        states = approval_states(session, scope, campaign.id)
    if not states:
        st.info("Chưa có phường/xã nào.")
        return
    st.dataframe(pd.DataFrame([_state_row(s) for s in states]), hide_index=True, width="stretch")
    if not scope.is_manager:
        return
    left, right = st.columns(2)
    with left:
        _approve_form(scope, campaign, [s for s in states if not s.approved])
    with right:
        _unlock_form(scope, campaign, [s for s in states if s.approved])


def _approve_form(scope: Scope, campaign, waiting: list) -> None:
    if not waiting:
        st.success("Mọi phường/xã đã được duyệt.")
        return
    target = st.selectbox(
        "Phường/xã cần duyệt", waiting, format_func=lambda s: s.ward, placeholder=CHOOSE_ONE
    )
    question = (
        f"Duyệt số liệu của {target.ward} trong đợt «{campaign.name}»? Sau khi duyệt, phường/xã "
        "không thêm, sửa, xóa quà của đợt được nữa (cho đến khi mở khóa)."
    )
    if confirm_button(
        "Duyệt và khóa số liệu",
        key=f"approve_{campaign.id}_{target.ward_id}",
        question=question,
        confirm="Duyệt",
    ):
        run_write(
            lambda s: approve_ward(s, scope, campaign.id, target.ward_id),
            f"Đã duyệt và khóa số liệu của {target.ward}.",
        )


def _unlock_form(scope: Scope, campaign, approved: list) -> None:
    if not approved:
        return
    with st.form(f"unlock_{campaign.id}"):
        target = st.selectbox(
            "Phường/xã cần mở khóa", approved, format_func=lambda s: s.ward, placeholder=CHOOSE_ONE
        )
        reason = st.text_input("Lý do mở khóa (bắt buộc)", max_chars=500)
        if st.form_submit_button("Mở khóa"):
            run_write(
                lambda s: unlock_ward(s, scope, campaign.id, target.ward_id, reason),
                f"Đã mở khóa số liệu của {target.ward}.",
            )
