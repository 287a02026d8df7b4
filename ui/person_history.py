"""A person's allowance history on a page (Trợ cấp hằng tháng): the changes with the month each
applies from and who made it, and the money of each payroll month (``allowance.person_history``)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from data_layer.allowance.person_history import PersonHistory, person_history
from data_layer.core.access import Scope
from data_layer.core.db import read_session
from data_layer.vn.formatting import format_datetime, format_money, format_month


def changes_frame(history: PersonHistory) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "Áp dụng từ tháng": format_month(c.month) if c.month else "Mọi tháng",
                "Thay đổi": c.what,
                "Người thực hiện": c.who,
                "Thời điểm ghi": format_datetime(c.at),
            }
            for c in history.changes
        ]
    )


def months_frame(history: PersonHistory) -> pd.DataFrame:
    def money(amount: int) -> str:
        return format_money(amount) if amount else ""

    return pd.DataFrame(
        [
            {
                "Tháng chi trả": format_month(m.month),
                "Trợ cấp tháng": money(m.amount),
                "Truy lĩnh": money(m.arrears),
                "Truy thu": money(m.recovery),
                "Hỗ trợ mai táng": money(m.funeral),
                "Đã nhận": money(m.paid),
                "Chưa nhận": money(m.unpaid),
                "Kết quả chi trả": m.result,
            }
            for m in reversed(history.months)  # the latest month first
        ]
    )


def person_history_section(scope: Scope, person_id: int) -> None:
    """The section: changes, then money month by month."""
    with read_session() as session:
        history = person_history(session, scope, person_id)
    st.markdown(f"**Lịch sử trợ cấp của {history.name}**")
    if history.changes:
        st.dataframe(changes_frame(history), hide_index=True, width="stretch")
    else:
        st.caption("Chưa có thay đổi nào được ghi.")
    st.markdown("**Tiền từng tháng**")
    if history.months:
        st.dataframe(months_frame(history), hide_index=True, width="stretch")
    else:
        st.caption("Chưa có trong danh sách chi trả tháng nào.")
