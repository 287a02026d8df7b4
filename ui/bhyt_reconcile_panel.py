"""The reconciliation on the Thẻ BHYT page: upload the insurance agency's list of issued cards and see,
per ward, who is entitled without a card, cards of people no longer entitled, two card types for one
person and data that disagree, each row linking to the person. Read-only: nothing is written."""

from __future__ import annotations

from datetime import date
from urllib.parse import quote

import pandas as pd
import streamlit as st

from data_layer.bhyt.reconcile import KIND_LABELS, KIND_SHORT, finding_rows, reconcile_file
from data_layer.core.access import Scope
from data_layer.core.db import read_session
from data_layer.vn.formatting import format_count, format_month
from ui.feedback import shown_errors
from ui.widgets import figure

REGISTRY_PAGE = "/beneficiaries"


@st.cache_data(show_spinner="Đang đối chiếu…", max_entries=4)
def _reconciled(scope: Scope, data: bytes, name: str, month: date, ward_id: int | None, version: int):
    with read_session() as session:
        return reconcile_file(session, scope, data, name, month, ward_id)


def bhyt_reconcile_panel(scope: Scope, month: date, ward_id: int | None, version: int) -> None:
    """Upload the agency's list and show the reconciliation for ``month`` (one ward, or every ward)."""
    st.subheader("Đối chiếu với danh sách thẻ của cơ quan BHXH")
    st.caption(
        "Tải lên danh sách thẻ BHYT cơ quan BHXH đã cấp (các cột Số CCCD hoặc Mã số BHXH, Số thẻ BHYT, "
        "Giá trị từ ngày, Giá trị đến ngày, Loại thẻ) để so với những người được ngân sách đóng BHYT tháng "
        f"{format_month(month)}. Tệp chỉ dùng để đối chiếu, không ghi vào dữ liệu."
    )
    upload = st.file_uploader(
        "Danh sách thẻ đã cấp (.xlsx, .xls, .ods, .csv)",
        type=["xlsx", "xls", "ods", "csv"],
        key="bhyt_reconcile_file",
    )
    if upload is None:
        return
    with shown_errors():
        result = _reconciled(scope, upload.getvalue(), upload.name, month, ward_id, version)
        st.markdown(f"**{result.sentence()}**")
        counts = result.counts()
        cols = st.columns(5)
        for col, (kind, label) in zip(cols, KIND_SHORT.items(), strict=True):
            figure(col, label, format_count(counts[kind]), "thẻ" if kind == "not_entitled" else "người")
        for tab, kind in zip(st.tabs(list(KIND_LABELS.values())), KIND_LABELS, strict=True):
            with tab:
                rows = finding_rows(result, kind)
                if not rows:
                    st.info("Không có ai.")
                    continue
                table = pd.DataFrame(rows)
                table["Xem"] = [f"{REGISTRY_PAGE}?q={quote(s)}" if s else None for s in table.pop("search")]
                st.dataframe(
                    table,
                    hide_index=True,
                    width="stretch",
                    column_config={"Xem": st.column_config.LinkColumn("Xem", display_text="Mở hồ sơ")},
                )
