"""Báo cáo: campaign summary, daily progress and registry exports, every figure computed from the data.

Figures are read once per data version; every .xlsx is built only when its button is clicked, so
the page opens in the same time whatever the size of the registry.
"""

from datetime import date

import pandas as pd
import streamlit as st

from data_layer.campaigns.setup import list_campaigns
from data_layer.core.codes import FiguresBasis
from data_layer.core.db import read_session
from data_layer.core.versioning import data_version
from data_layer.registry.queries import Filters
from data_layer.registry.wards import list_wards
from data_layer.reports.daily import basis_text, daily_progress, daily_xlsx, unit_of_lines
from data_layer.reports.exports import allocations_xlsx, beneficiaries_xlsx
from data_layer.reports.file_names import report_file_name
from data_layer.reports.summary import COUNTED, campaign_summary, result_text, summary_basis, summary_workbook
from data_layer.vn import labels
from data_layer.vn.document import Office
from data_layer.vn.formatting import format_count, format_date, format_money, format_percent
from ui.downloads import reading, xlsx_download
from ui.session import require_scope
from ui.widgets import CHOOSE_ONE

scope = require_scope()
st.title("Báo cáo")

with read_session() as session:
    campaigns = list_campaigns(session)
    wards = list_wards(session, scope)
    version = data_version(session)
if not campaigns:
    st.info("Chưa có đợt tặng quà nào.")
    st.stop()
campaign = st.selectbox("Đợt tặng quà", campaigns, format_func=lambda c: c.name, placeholder=CHOOSE_ONE)
ward_code = wards[0].code if scope.ward_ids is not None and len(wards) == 1 else None  # ward staff's files


@st.cache_data(show_spinner="Đang tổng hợp…", max_entries=32)
def load_summary(scope, campaign_id: int, version: int) -> dict:
    """The campaign's figures, read again whenever the data version changes."""
    with read_session() as session:
        return campaign_summary(session, scope, campaign_id)


@st.cache_data(show_spinner="Đang tổng hợp…", max_entries=32)
def load_basis(scope, campaign_id: int, version: int):
    """The summary's basis (approved or live) and each ward's approval state."""
    with read_session() as session:
        return summary_basis(session, scope, campaign_id)


@st.cache_data(show_spinner="Đang tổng hợp…", max_entries=32)
def load_daily(scope, campaign_id: int, on: date, basis: FiguresBasis, version: int) -> tuple[list, str]:
    with read_session() as session:
        return daily_progress(session, scope, campaign_id, on, basis=basis), basis_text(
            session, campaign_id, on, basis
        )


def level_text(line: dict) -> str:
    """A gift level's result: delivered of planned, the money delivered, what remains."""
    return result_text(line["count"], line["delivered"], line["delivered_total"])


def file_name(kind: str, campaign_name: str | None, day: date) -> str:
    return report_file_name(kind, campaign_name, day, ward=ward_code)


tab_summary, tab_daily, tab_exports = st.tabs(["Kết quả tặng quà", "Tiến độ theo ngày", "Xuất danh sách"])

with tab_summary:
    summary = load_summary(scope, campaign.id, version)
    basis = load_basis(scope, campaign.id, version)
    st.info(basis.text)
    st.caption(COUNTED)
    total = result_text(summary["total_count"], summary["delivered_count"], summary["delivered_amount"])
    st.markdown(f"**Tổng cộng: {total}**")
    for source in summary["by_source"]:
        figures = result_text(source["count"], source["delivered_count"], source["delivered_amount"])
        lines = [f"- Mức {format_money(x['amount'])}: {level_text(x)}" for x in source["levels"]]
        lines += [
            f"- Quà tập thể{': ' + x['note'] if x['note'] else ''}: "
            f"đã trao {format_count(x['count'])} suất = {format_money(x['amount'])}"
            for x in source["lumps"]
        ]
        st.markdown(f"**{source['name']}**: {figures}\n\n" + "\n".join(lines))
    if summary["longevity"]:
        st.markdown("**Mừng thọ theo độ tuổi**")
        st.markdown(
            "\n".join(
                f"- {x['label']}, mức {format_money(x['amount'])}: {level_text(x)}"
                for x in summary["longevity"]
            )
        )
    if basis.wards:
        with st.expander("Tình trạng duyệt của các phường/xã"):
            st.dataframe(
                pd.DataFrame([{"Phường/xã": w.ward, "Tình trạng duyệt": w.label} for w in basis.wards]),
                hide_index=True,
                width="stretch",
            )
    xlsx_download(
        "Tải báo cáo kết quả (.xlsx)",
        reading(lambda s: summary_workbook(s, scope, campaign.id, Office.configured(date.today()))),
        file_name("bao_cao_ket_qua", campaign.name, date.today()),
    )

with tab_daily:
    c1, c2 = st.columns(2)
    on = c1.date_input("Đến ngày", min(date.today(), campaign.report_to or date.today()), format="DD/MM/YYYY")
    daily_basis = c2.radio(
        "Số liệu",
        [FiguresBasis.LIVE, FiguresBasis.REPORTED],
        format_func=lambda b: labels.label(FiguresBasis(b)),
        horizontal=True,
        help="Số liệu đã chốt: lần chốt gần nhất của mỗi phường/xã đến giờ hạn báo cáo của ngày.",
    )
    rows, stated = load_daily(scope, campaign.id, on, daily_basis, version)
    st.caption(stated)
    st.dataframe(
        pd.DataFrame(
            [
                {
                    unit_of_lines(scope, daily_basis): r.shown_label,
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
    xlsx_download(
        f"Tải báo cáo tiến độ đến {format_date(on)} (.xlsx)",
        reading(
            lambda s: daily_xlsx(
                s, scope, campaign.id, on, Office.configured(date.today()), basis=daily_basis
            )
        ),
        file_name("tien_do", campaign.name, on),
    )

with tab_exports:
    xlsx_download(
        "Tải danh sách đối tượng (.xlsx)",
        reading(lambda s: beneficiaries_xlsx(s, scope, Filters())),
        file_name("doi_tuong", None, date.today()),
    )
    xlsx_download(
        "Tải danh sách suất quà của đợt (.xlsx)",
        reading(lambda s: allocations_xlsx(s, scope, campaign.id)),
        file_name("suat_qua", campaign.name, date.today()),
    )
    st.caption(
        "Muốn lọc danh sách đối tượng theo thôn/tổ, nhóm hay tình trạng: dùng bộ lọc ở trang Đối tượng."
    )
