"""Trang chủ: the start of the day: the active campaign's progress and the work left in the user's
wards, each a link to the page that fixes it."""

import streamlit as st

from data_layer.core.access import Scope
from data_layer.core.codes import Problem
from data_layer.core.db import read_session
from data_layer.core.versioning import data_version
from data_layer.registry.wards import list_wards
from data_layer.reports.overview import day_work, overview
from data_layer.vn import labels
from data_layer.vn.formatting import format_count, format_money, format_percent
from ui.session import require_scope
from ui.widgets import figure

scope = require_scope()
st.title("An Sinh")
st.caption("Quản lý danh sách đối tượng và tặng quà Tết: đúng, đủ, kịp thời, đến tận tay.")


@st.cache_data(show_spinner="Đang tổng hợp việc cần làm…", max_entries=32)
def cached_day_work(scope: Scope, version: int):
    """The day's work, recomputed whenever any data changes."""
    with read_session() as session:
        return day_work(session, scope)


with read_session() as session:
    counts = overview(session, scope)
    wards = list_wards(session, scope)
    version = data_version(session)
work = cached_day_work(scope, version)

if not scope.sees_all_wards:
    st.info("Phạm vi của bạn: " + (", ".join(w.name for w in wards) or "chưa được gán phường/xã"))
cols = st.columns(4)
figure(cols[0], "Phường/xã", format_count(counts.wards))
figure(cols[1], "Đối tượng", format_count(counts.people))
figure(cols[2], "Đang hưởng", format_count(counts.active))
figure(cols[3], "Đợt tặng quà", format_count(counts.campaigns))

if work.campaign is not None and work.progress is not None:
    st.subheader(f"Đợt đang thực hiện: {work.campaign.name}")
    p = work.progress
    c = st.columns(3)
    figure(
        c[0],
        "Đã phát",
        f"{format_count(p.delivered)} / {format_count(p.planned)} suất",
        format_money(p.delivered_amount),
    )
    figure(c[1], "Tỷ lệ", format_percent(p.percent))
    figure(c[2], "Còn phải phát", f"{format_count(work.undelivered)} suất")
    if work.wards_behind:
        st.warning("Chậm tiến độ: " + ", ".join(work.wards_behind))
    st.page_link("pages/progress.py", label="Xem tiến độ chi tiết", icon=":material/monitoring:")

st.subheader("Việc cần làm")
todo = st.columns(2)
if work.campaign is not None:
    todo[0].page_link(
        "pages/campaigns.py",
        label=f"Đủ điều kiện nhưng chưa có quà: {format_count(work.without_gift)} người",
        icon=":material/person_add:",
        disabled=work.without_gift == 0,
    )
    todo[0].page_link(
        "pages/delivery.py",
        label=f"Quà chưa phát: {format_count(work.undelivered)} suất",
        icon=":material/local_shipping:",
        disabled=work.undelivered == 0,
    )
for problem in Problem:
    count = work.problems.get(problem, 0)
    todo[1].page_link(
        "pages/beneficiaries.py",
        label=f"{labels.label(problem)}: {format_count(count)}",
        icon=":material/filter_alt:",
        query_params={"problem": str(problem)},
        disabled=count == 0,
    )
if work.rejected_imports and scope.can_write:
    st.markdown("**Lần nhập gần đây còn dòng lỗi**")
    for batch in work.rejected_imports:
        rejected = format_count(batch.rejected)
        label = f"Lần nhập số {batch.id} – {batch.file_name}: {rejected} dòng lỗi chưa ghi"
        st.page_link("pages/import_lists.py", label=label, icon=":material/upload_file:")
if not (work.without_gift or work.undelivered or any(work.problems.values()) or work.rejected_imports):
    st.success("Không còn việc nào tồn đọng.")
