"""Báo cáo của phường: a ward signs off its figures ("Chốt số liệu") for today's daily report or a
milestone report, sees what it last sent, what changed since, and every earlier sign-off."""

import pandas as pd
import streamlit as st

from data_layer.campaigns.calendar import daily_report, deadline, is_report_day, list_milestones, vn_day
from data_layer.campaigns.setup import list_campaigns
from data_layer.campaigns.sign_off import (
    LUMP_ITEM,
    LumpFigures,
    PackageFigures,
    WardFigures,
    changes_since,
    sign_off,
    sign_off_history,
    ward_figures,
)
from data_layer.core.db import read_session
from data_layer.core.models import utcnow
from data_layer.registry.wards import list_wards
from data_layer.vn.formatting import format_count, format_date, format_datetime, format_money, format_time
from ui.feedback import run_write, show_flash
from ui.session import require_scope
from ui.widgets import CHOOSE_ONE

scope = require_scope()
st.title("Báo cáo của phường")
show_flash()

with read_session() as session:
    campaigns = list_campaigns(session)
    wards = list_wards(session, scope)
if not campaigns or not wards:
    st.info("Chưa có đợt tặng quà hoặc bạn chưa được gán phường/xã.")
    st.stop()

c1, c2 = st.columns([3, 2])
campaign = c1.selectbox("Đợt tặng quà", campaigns, format_func=lambda c: c.name, placeholder=CHOOSE_ONE)
ward = c2.selectbox("Phường/xã", wards, format_func=lambda w: w.name, placeholder=CHOOSE_ONE)


def figure_rows(figures: WardFigures) -> pd.DataFrame:
    """A ward's figures as a table: a line per package, a line per source of lump gifts, the total."""
    rows = [
        {
            "Nguồn kinh phí": p.source,
            "Mức quà": p.package,
            "Kế hoạch (suất)": format_count(p.planned),
            "Kế hoạch (tiền)": format_money(p.planned_amount),
            "Đã phát (suất)": format_count(p.delivered),
            "Đã phát (tiền)": format_money(p.delivered_amount),
        }
        for p in figures.packages
    ]
    rows += [
        {
            "Nguồn kinh phí": lump.source,
            "Mức quà": LUMP_ITEM,
            "Kế hoạch (suất)": "",
            "Kế hoạch (tiền)": "",
            "Đã phát (suất)": format_count(lump.count),
            "Đã phát (tiền)": format_money(lump.amount),
        }
        for lump in figures.lumps
    ]
    rows.append(
        {
            "Nguồn kinh phí": "Tổng cộng",
            "Mức quà": "",
            "Kế hoạch (suất)": format_count(figures.planned),
            "Kế hoạch (tiền)": format_money(figures.planned_amount),
            "Đã phát (suất)": format_count(figures.delivered + figures.lump_count),
            "Đã phát (tiền)": format_money(figures.delivered_amount + figures.lump_amount),
        }
    )
    return pd.DataFrame(rows)


def line_text(line: PackageFigures | LumpFigures | None) -> str:
    if line is None:
        return "(không có)"
    if isinstance(line, LumpFigures):
        return f"{format_count(line.count)} suất = {format_money(line.amount)}"
    return (
        f"kế hoạch {format_count(line.planned)} suất = {format_money(line.planned_amount)}; "
        f"đã phát {format_count(line.delivered)} suất = {format_money(line.delivered_amount)}"
    )


with read_session() as session:
    live = ward_figures(session, scope, campaign.id, ward.id)
    history = sign_off_history(session, scope, campaign.id, ward.id)
    milestones = list_milestones(session, campaign.id)

st.subheader("Chốt số liệu")
today = vn_day(utcnow())
if not scope.can_write:
    st.caption("Tài khoản chỉ xem không chốt số liệu được.")
else:
    c1, c2 = st.columns(2)
    with c1:
        if is_report_day(campaign, today):
            report = daily_report(campaign, today)
            st.markdown(f"**{report.name}** · hạn {format_time(report.deadline)} ngày {format_date(today)}")
            if st.button("Chốt số liệu", type="primary", key="sign_off_daily"):
                run_write(
                    lambda s: sign_off(s, scope, campaign.id, ward.id),
                    f"Đã chốt số liệu {report.name.lower()} của {ward.name}.",
                )
        else:
            window = f"{format_date(campaign.report_from) or '…'} – {format_date(campaign.report_to) or '…'}"
            st.caption(f"Hôm nay ({format_date(today)}) ngoài kỳ báo cáo hằng ngày của đợt ({window}).")
    with c2:
        if milestones:
            milestone = st.selectbox(
                "Kỳ báo cáo",
                milestones,
                format_func=lambda m: f"{m.name} (hạn {format_date(m.due_date)})",
                placeholder=CHOOSE_ONE,
            )
            due = deadline(campaign, milestone.due_date)
            late = utcnow() > due
            if late:
                st.caption(
                    f"Đã quá hạn {format_time(due)} ngày {format_date(milestone.due_date)}: "
                    "lần chốt này ghi là nộp muộn."
                )
            if st.button("Chốt số liệu kỳ này", key="sign_off_milestone"):
                run_write(
                    lambda s: sign_off(s, scope, campaign.id, ward.id, milestone_id=milestone.id),
                    f"Đã chốt số liệu '{milestone.name}' của {ward.name}" + (" (nộp muộn)." if late else "."),
                )
        else:
            st.caption("Đợt này chưa có kỳ báo cáo nào ngoài báo cáo hằng ngày.")

st.subheader("Số liệu đã gửi lần gần nhất")
if not history:
    st.info(f"{ward.name} chưa chốt số liệu lần nào trong đợt này.")
else:
    last = history[0]
    st.markdown(
        f"**{last.report}** · chốt lúc {format_datetime(last.signed_at)}"
        + (" · **nộp muộn** (sau hạn)" if last.late else "")
        + (f" · người chốt: {last.signed_by}" if last.signed_by else "")
    )
    st.dataframe(figure_rows(last.figures), hide_index=True, width="stretch")
    changes = changes_since(last.figures, live)
    st.subheader("Thay đổi từ lần gửi gần nhất")
    if not changes:
        st.success("Số liệu hiện tại giống số liệu đã gửi.")
    else:
        st.warning(f"Có {format_count(len(changes))} dòng đã thay đổi từ lần chốt gần nhất: hãy chốt lại.")
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "Nguồn kinh phí": c.source,
                        "Mức quà": c.item,
                        "Đã gửi": line_text(c.reported),
                        "Hiện tại": line_text(c.live),
                    }
                    for c in changes
                ]
            ),
            hide_index=True,
            width="stretch",
        )

with st.expander("Số liệu hiện tại của phường/xã"):
    st.dataframe(figure_rows(live), hide_index=True, width="stretch")

if history:
    st.subheader("Các lần chốt số liệu")
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Báo cáo": h.report,
                    "Chốt lúc": format_datetime(h.signed_at) + (" (muộn)" if h.late else ""),
                    "Người chốt": h.signed_by or "Quản trị (dòng lệnh)",
                    "Đã phát (suất)": format_count(h.figures.delivered + h.figures.lump_count),
                    "Đã phát (tiền)": format_money(h.figures.delivered_amount + h.figures.lump_amount),
                }
                for h in history
            ]
        ),
        hide_index=True,
        width="stretch",
    )
