"""The month after a locked payroll on the payroll page: the payment agent's return of a ward (upload
the list it sent back, or tick who did not collect) and the people listed for suspension after three
months not collected, with its document for the chairman to sign. The data layer reads, checks and
writes; this only draws."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from data_layer.allowance.agent_return import (
    confirm_suspensions,
    record_return_file,
    record_unpaid,
    suspension_candidates,
)
from data_layer.allowance.months import add_months
from data_layer.allowance.payment_lists import cash_rows
from data_layer.allowance.suspension_list import suspension_list_xlsx, suspension_rows
from data_layer.core.access import Scope
from data_layer.core.db import read_session
from data_layer.vn.formatting import format_money, format_month
from ui.downloads import reading, xlsx_download
from ui.feedback import confirm_button, run_write
from ui.widgets import CHOOSE_ONE


def agent_return_panel(scope: Scope, month: date, wards: list) -> None:
    """The agent's return and the suspension list of a locked month, for staff who may write."""
    st.subheader(f"Kết quả chi trả tháng {format_month(month)}")
    if not scope.can_write or not wards:
        return
    ward = st.selectbox(
        "Phường/xã của danh sách trả về",
        wards,
        format_func=lambda w: w.name,
        key="return_ward",
        placeholder=CHOOSE_ONE,
    )
    if ward is None:
        return
    upload = st.file_uploader(
        "Danh sách đơn vị chi trả gửi lại (.xlsx): cột «Đã nhận» ghi x, hoặc danh sách chưa nhận",
        type=["xlsx"],
        key=f"return_file_{ward.id}",
    )
    if upload is not None and st.button("Ghi kết quả từ tệp", type="primary", key="return_upload"):
        data, name = upload.getvalue(), upload.name
        run_write(lambda s: record_return_file(s, scope, month, ward.id, data, name), lambda r: r.sentence())
    with read_session() as session:
        people = cash_rows(session, scope, month, ward.id)
        listed = suspension_candidates(session, scope, month, ward.id)
    names = {p.beneficiary_id: f"{p.name} – {format_money(p.total)}" for p in people}
    with st.form(f"return_ticks_{ward.id}"):
        unpaid = st.multiselect(
            "Người chưa nhận (đánh dấu)",
            list(names),
            format_func=names.get,
            placeholder="Chọn người chưa nhận",
        )
        if st.form_submit_button("Ghi kết quả theo đánh dấu"):
            run_write(lambda s: record_unpaid(s, scope, month, ward.id, set(unpaid)), lambda r: r.sentence())
    st.markdown("**Đề nghị tạm dừng** (không nhận trợ cấp liên tục từ 03 tháng trở lên)")
    if not listed:
        st.caption("Không có ai.")
        return
    with read_session() as session:
        rows = suspension_rows(session, scope, month, ward.id)
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Họ và tên": r.name,
                    "Thôn/tổ": r.hamlet or "",
                    "Diện hưởng": r.groups,
                    "Các tháng chưa nhận": r.months,
                    "Số tiền chưa nhận": format_money(r.unpaid),
                }
                for r in rows
            ]
        ),
        hide_index=True,
        width="stretch",
    )
    xlsx_download(
        "Tải danh sách đề nghị tạm dừng (.xlsx, Chủ tịch ký)",
        reading(lambda s: suspension_list_xlsx(s, scope, month, ward.id)),
        f"de_nghi_tam_dung_{month:%Y_%m}_{ward.code}.xlsx",
        key=f"suspension_list_{month:%Y_%m}_{ward.code}",
    )
    chosen = {c.beneficiary_id for c in listed}
    question = f"Tạm dừng chi trả {len(chosen)} người trên từ tháng {format_month(add_months(month, 1))}?"
    if confirm_button(f"Tạm dừng {len(chosen)} người từ tháng sau", key="return_suspend", question=question):
        run_write(
            lambda s: confirm_suspensions(s, scope, month, ward.id, chosen),
            lambda n: f"Đã tạm dừng {n} người.",
        )
