"""Trang chủ: headline counts for the user's scope."""

import streamlit as st

from data_layer.admin.reference import list_wards
from data_layer.core.db import read_session
from data_layer.reports.overview import overview
from data_layer.vn.formatting import format_count
from ui.session import require_scope

scope = require_scope()
st.title("An Sinh")
st.caption("Quản lý danh sách đối tượng và tặng quà Tết: đúng, đủ, kịp thời, đến tận tay.")

with read_session() as session:
    counts = overview(session, scope)
    wards = list_wards(session, scope)

cols = st.columns(4)
cols[0].metric("Phường/xã", format_count(counts.wards))
cols[1].metric("Đối tượng", format_count(counts.people))
cols[2].metric("Đang hưởng", format_count(counts.active))
cols[3].metric("Đợt tặng quà", format_count(counts.campaigns))

if not scope.sees_all_wards:
    st.info("Phạm vi của bạn: " + (", ".join(w.name for w in wards) or "chưa được gán phường/xã"))
