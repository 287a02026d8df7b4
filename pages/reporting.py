"""Tình hình báo cáo: which ward sent which report of a campaign, on time or late (wards × reports),
with the reporting rate per report and per ward; wards with the most missing reports first."""

import pandas as pd
import streamlit as st

from data_layer.campaigns.setup import list_campaigns
from data_layer.core.codes import ReportStatus
from data_layer.core.db import read_session
from data_layer.reports.reporting_rate import reporting_grid
from data_layer.vn import labels
from data_layer.vn.formatting import format_count, format_datetime, format_percent, format_time
from ui.approval import approval_panel
from ui.feedback import show_flash
from ui.session import require_scope
from ui.widgets import CHOOSE_ONE

COLOURS = {
    ReportStatus.ON_TIME: "background-color: #d4edda",
    ReportStatus.LATE: "background-color: #fff3cd",
    ReportStatus.MISSING: "background-color: #f8d7da",
    ReportStatus.NOT_DUE: "",
}
STATUS_STYLES = {labels.label(status): style for status, style in COLOURS.items()}

scope = require_scope()
st.title("Tình hình báo cáo")
show_flash()

with read_session() as session:
    campaigns = list_campaigns(session)
if not campaigns:
    st.info("Chưa có đợt tặng quà nào.")
    st.stop()
campaign = st.selectbox("Đợt tặng quà", campaigns, format_func=lambda c: c.name, placeholder=CHOOSE_ONE)


def show_grid(grid) -> None:
    """Headline rates, the wards × reports grid (overdue wards first) and the per-report table."""
    headline(grid)
    ward_table(grid)
    report_table(grid)


def headline(grid) -> None:
    due = [c for c in grid.reports if c.due]
    sent = sum(c.on_time + c.late for c in due)
    expected = sum(c.wards for c in due)
    m1, m2, m3 = st.columns(3)
    m1.metric("Tỷ lệ báo cáo (các kỳ đã đến hạn)", format_percent(100 * sent / expected) if expected else "–")
    m2.metric("Báo cáo muộn", format_count(sum(c.late for c in due)))
    m3.metric("Chưa báo cáo (đã quá hạn)", format_count(sum(c.missing for c in due)))
    hour = format_time(grid.reports[0].report.deadline)
    st.caption(
        f"Tính đến {format_datetime(grid.now)}. Hạn nộp mỗi kỳ: {hour} ngày của kỳ. Đúng hạn = lần chốt "
        "đầu tiên trước hạn; phường/xã có nhiều kỳ chưa báo cáo nhất xếp trước."
    )


def ward_table(grid) -> None:
    st.subheader("Theo phường/xã")
    table = pd.DataFrame(
        [
            {
                "Phường/xã": row.ward,
                **{
                    c.report.short_name: labels.label(cell.status)
                    for c, cell in zip(grid.reports, row.cells, strict=True)
                },
                "Chưa báo cáo": format_count(row.missing),
                "Tỷ lệ": format_percent(row.rate) if row.rate is not None else "–",
            }
            for row in grid.wards
        ]
    )
    report_columns = [c.report.short_name for c in grid.reports]
    st.dataframe(
        table.style.map(lambda value: STATUS_STYLES.get(value, ""), subset=report_columns),
        hide_index=True,
        width="stretch",
    )


def report_table(grid) -> None:
    st.subheader("Theo kỳ báo cáo")
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Kỳ báo cáo": c.report.name,
                    "Hạn nộp": format_datetime(c.report.deadline),
                    "Đúng hạn": format_count(c.on_time),
                    "Muộn": format_count(c.late),
                    "Chưa báo cáo": format_count(c.missing) if c.due else "Chưa đến hạn",
                    "Tỷ lệ": format_percent(c.rate) if c.rate is not None else "–",
                }
                for c in grid.reports
            ]
        ),
        hide_index=True,
        width="stretch",
    )


with read_session() as session:
    grid = reporting_grid(session, scope, campaign.id)
if not grid.reports:
    st.info(
        "Đợt này chưa có lịch báo cáo (kỳ báo cáo hằng ngày hoặc các kỳ báo cáo): đặt ở trang Đợt tặng quà."
    )
elif grid.wards:
    show_grid(grid)
approval_panel(scope, campaign)
