"""A relief round's reporting calendar on the Cứu trợ gạo page: each report's deadline and how many
wards sent it on time, late or not yet; the chosen ward's own status; the ward's sign-off ("Chốt số
liệu") of a report and what it last signed; form 10b's food part. The data layer computes; this draws."""

from __future__ import annotations

from collections import Counter

import pandas as pd
import streamlit as st

from data_layer.core.access import Scope
from data_layer.core.codes import ReportStatus
from data_layer.core.db import read_session
from data_layer.core.models import ReliefRound, Ward
from data_layer.registry.wards import list_wards
from data_layer.relief.calendar import calendar_note, reporting_calendar
from data_layer.relief.form_10b import form_10b_food, form_10b_xlsx, period_index, report_periods
from data_layer.relief.rules import tonnes
from data_layer.relief.sign_off import calendar_status, sign_off
from data_layer.reports.file_names import report_file_name
from data_layer.vn import labels
from data_layer.vn.document import Office
from data_layer.vn.formatting import format_count, format_datetime, format_money, local_today
from ui.downloads import xlsx_download
from ui.feedback import run_write
from ui.widgets import CHOOSE_ONE


def _ward_status(line) -> str:
    status = labels.label(line.status)
    if line.latest is None:
        return status
    return f"{status} (chốt gần nhất {format_datetime(line.latest.signed_at)})"


def relief_calendar(scope: Scope, relief: ReliefRound, ward: Ward) -> None:
    """The calendar table, the ward's sign-off control (staff who may write the ward) and its last
    signed figures."""
    st.subheader("Lịch báo cáo và chốt số liệu")
    with read_session() as session:
        lines = calendar_status(session, scope, relief.id)
    calendar = reporting_calendar(relief)
    st.caption(calendar_note(relief))
    rows = []
    for due in calendar:
        mine = [line for line in lines if line.due.report == due.report]
        counts = Counter(line.status for line in mine)
        own = next((line for line in mine if line.ward_id == ward.id), None)
        rows.append(
            {
                "Báo cáo": due.name,
                "Hạn nộp": format_datetime(due.deadline),
                "Cách nộp": "Chốt số liệu" if due.signed else "Nhập danh sách hộ",
                "Đúng hạn": format_count(counts[ReportStatus.ON_TIME]),
                "Muộn": format_count(counts[ReportStatus.LATE]),
                "Chưa báo cáo": format_count(counts[ReportStatus.MISSING]),
                "Chưa đến hạn": format_count(counts[ReportStatus.NOT_DUE]),
                ward.name: _ward_status(own) if own else "",
            }
        )
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    signed = [due for due in calendar if due.signed]
    if scope.can_write and scope.may_see_ward(ward.id) and signed:
        with st.form("relief_sign_off"):
            due = st.selectbox(
                "Kỳ báo cáo",
                signed,
                format_func=lambda d: f"{d.name} (hạn {format_datetime(d.deadline)})",
                placeholder=CHOOSE_ONE,
            )
            st.caption(
                "Số liệu hiện tại của phường/xã được lưu lại, không sửa được; chốt lại sẽ lưu bản mới."
            )
            if st.form_submit_button(f"Chốt số liệu của {ward.name}"):
                run_write(
                    lambda s: sign_off(s, scope, relief.id, ward.id, due.report),
                    f"Đã chốt số liệu '{due.name}' của {ward.name}.",
                )
    latest = [line.latest for line in lines if line.ward_id == ward.id and line.latest is not None]
    if latest:
        st.markdown(f"**Số liệu đã chốt gần nhất — {ward.name}**")
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "Báo cáo": labels.label(s.report),
                        "Chốt lúc": format_datetime(s.signed_at),
                        "Người chốt": s.signed_by or "Dòng lệnh",
                        "Số hộ": format_count(s.figures["households"]),
                        "Số người thiếu đói": format_count(s.figures["people"]),
                        "Được duyệt (tấn)": tonnes(s.figures["kg_approved"]),
                        "Đã cấp (tấn)": tonnes(s.figures["kg_delivered"]),
                        "Tình trạng": "Muộn" if s.late else "Đúng hạn",
                    }
                    for s in latest
                ]
            ),
            hide_index=True,
            width="stretch",
        )


def form_10b_panel(scope: Scope, rounds: list[ReliefRound]) -> None:
    """Form 10b's food part for a half-year or a year of the wards in scope, and its file."""
    periods = report_periods(rounds)
    with st.expander("Mẫu 10b — phần hỗ trợ lương thực", expanded=False):
        period = st.selectbox(
            "Kỳ báo cáo mẫu 10b",
            periods,
            index=period_index(periods, rounds),
            format_func=lambda p: p.name,
            placeholder=CHOOSE_ONE,
        )
        with read_session() as session:
            rows = form_10b_food(session, scope, period.first, period.last)
            wards = list_wards(session, scope)
        ward = wards[0].name if len(wards) == 1 else None
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "Chỉ tiêu": "Hỗ trợ lương thực (gạo)" if r.reason is None else labels.label(r.reason),
                        "Số hộ": format_count(r.households),
                        "Số người": format_count(r.people),
                        "Gạo (tấn)": tonnes(r.kg),
                        "Kinh phí": "" if r.money is None else format_money(r.money),
                    }
                    for r in rows
                ]
            ),
            hide_index=True,
            width="stretch",
        )
        st.caption("Kinh phí = số gạo đã cấp × đơn giá gạo của đợt; để trống khi có đợt chưa ghi đơn giá.")
        xlsx_download(
            "Tải mẫu 10b (.xlsx)",
            lambda: form_10b_xlsx(rows, Office.configured(), period.first, period.last, ward),
            report_file_name("mau_10b", period.name, local_today(), ward=ward),
        )
