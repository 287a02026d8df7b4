"""Trang chủ: headline counts for the user's scope."""

import streamlit as st

from data_layer.admin.reference import list_wards
from data_layer.core.db import session_scope
from data_layer.registry.queries import home_counts
from data_layer.vn.formatting import format_count
from ui.session import require_scope

scope = require_scope()
st.title("An Sinh")
st.caption("Quản lý danh sách đối tượng và tặng quà Tết: đúng, đủ, kịp thời, đến tận tay.")

with session_scope() as session:
    counts = home_counts(session, scope)
    wards = list_wards(session, scope)

cols = st.columns(4)
cols[0].metric("Phường/xã", format_count(counts["wards"]))
cols[1].metric("Đối tượng", format_count(counts["beneficiaries"]))
cols[2].metric("Đang hưởng", format_count(counts["active_beneficiaries"]))
cols[3].metric("Đợt tặng quà", format_count(counts["campaigns"]))

if not scope.sees_all_wards:
    st.info("Phạm vi của bạn: " + (", ".join(w.name for w in wards) or "chưa được gán phường/xã"))
