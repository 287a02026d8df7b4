"""Báo cáo: campaign summary, daily progress and registry exports, every figure computed from the data."""

from datetime import date

import pandas as pd
import streamlit as st

from data_layer.admin import reference
from data_layer.core.db import read_session
from data_layer.core.settings import get_settings
from data_layer.registry.queries import Filters
from data_layer.reports.daily import daily_progress, daily_xlsx
from data_layer.reports.exports import allocations_xlsx, beneficiaries_xlsx
from data_layer.reports.summary import campaign_summary, summary_xlsx, ward_summaries
from data_layer.vn.formatting import format_count, format_date, format_money, format_percent
from ui.session import require_scope

scope = require_scope()
st.title("Báo cáo")

with read_session() as session:
    campaigns = reference.list_campaigns(session)
if not campaigns:
    st.info("Chưa có đợt tặng quà nào.")
    st.stop()
campaign = st.selectbox("Đợt tặng quà", campaigns, format_func=lambda c: c.name)
org = get_settings().org_name

tab_summary, tab_daily, tab_exports = st.tabs(["Kết quả tặng quà", "Tiến độ theo ngày", "Xuất danh sách"])

with tab_summary:
    with read_session() as session:
        summary = campaign_summary(session, scope, campaign.id)
        workbook = summary_xlsx(summary, ward_summaries(session, scope, campaign.id), org)
    total = f"{format_count(summary['total_count'])} suất = {format_money(summary['total_amount'])}"
    st.markdown(f"**Tổng cộng: {total}**")
    for source in summary["by_source"]:
        st.markdown(
            f"**{source['name']}**: {format_count(source['count'])} suất = {format_money(source['amount'])}"
        )
        lines = [
            f"- Mức {format_money(x['amount'])}: {format_count(x['count'])} suất = {format_money(x['total'])}"
            for x in source["levels"]
        ]
        lines += [
            f"- Quà tập thể{': ' + x['note'] if x['note'] else ''}: {format_count(x['count'])} suất = "
            f"{format_money(x['amount'])}"
            for x in source["lumps"]
        ]
        st.markdown("\n".join(lines))
    if summary["longevity"]:
        st.markdown("**Mừng thọ theo độ tuổi**")
        st.markdown(
            "\n".join(
                f"- Tuổi {x['age']}: {format_count(x['count'])} người x {format_money(x['amount'])}"
                f" = {format_money(x['total'])}"
                for x in summary["longevity"]
            )
        )
    st.download_button("Tải báo cáo kết quả (.xlsx)", workbook, file_name="bao_cao_ket_qua.xlsx")

with tab_daily:
    on = st.date_input("Đến ngày", min(date.today(), campaign.report_to or date.today()), format="DD/MM/YYYY")
    with read_session() as session:
        rows = daily_progress(session, scope, campaign.id, on)
        daily = daily_xlsx(session, scope, campaign.id, on, org)
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Phường/xã": r.label,
                    "Kế hoạch": format_count(r.planned),
                    "Tiền kế hoạch": format_money(r.planned_amount),
                    "Đã phát": format_count(r.delivered),
                    "Tiền đã phát": format_money(r.delivered_amount),
                    "%": format_percent(r.percent),
                    "Quà tập thể": format_count(r.lump_count),
                }
                for r in rows
            ]
        ),
        hide_index=True,
        width="stretch",
    )
    st.download_button(
        f"Tải báo cáo tiến độ đến {format_date(on)} (.xlsx)", daily, file_name=f"tien_do_{on:%Y%m%d}.xlsx"
    )

with tab_exports:
    with read_session() as session:
        registry = beneficiaries_xlsx(session, scope, Filters())
        gifts = allocations_xlsx(session, scope, campaign.id)
    st.download_button("Tải danh sách đối tượng (.xlsx)", registry, file_name="doi_tuong.xlsx")
    st.download_button("Tải danh sách suất quà của đợt (.xlsx)", gifts, file_name="suat_qua.xlsx")
    st.caption(
        "Muốn lọc danh sách đối tượng theo thôn/tổ, nhóm hay tình trạng: dùng bộ lọc ở trang Đối tượng."
    )
