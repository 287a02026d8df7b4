"""Cứu trợ gạo: a relief round's households at risk of hunger per ward (list, import of the ward's
list, approval by the office, rice delivered per household, signing list per hamlet) and its progress."""

from datetime import date

import pandas as pd
import streamlit as st

from data_layer.core.codes import Poverty, ReliefReason
from data_layer.core.db import read_session
from data_layer.importing.commit import commit_import
from data_layer.importing.preview import ImportRequest, preview_import
from data_layer.registry.wards import list_wards
from data_layer.relief.approval import approve_ward, approved_ward_ids
from data_layer.relief.documents import report_xlsx, signing_list_xlsx
from data_layer.relief.household_list import HouseholdList
from data_layer.relief.households import list_households, record_delivery
from data_layer.relief.rounds import RoundInput, add_round, list_rounds
from data_layer.relief.rules import KG_PER_PERSON_MONTH, MONTHS_LIMIT
from data_layer.reports.file_names import report_file_name
from data_layer.vn import labels
from data_layer.vn.document import Office
from data_layer.vn.formatting import format_count, format_date, format_money
from ui.downloads import reading, xlsx_download
from ui.feedback import run_write, show_flash
from ui.relief_progress import relief_progress
from ui.relief_reports import form_10b_panel, relief_calendar
from ui.session import require_scope
from ui.widgets import CHOOSE_ONE

scope = require_scope()
st.title("Cứu trợ gạo")
show_flash()


def new_round_form() -> None:
    """A manager adds a round (Tết: 1 month; other reasons: up to 3)."""
    with st.expander("Thêm đợt cứu trợ gạo", expanded=False), st.form("new_relief_round"):
        name = st.text_input("Tên đợt", placeholder="Tết Nguyên đán 2027")
        reason = st.selectbox(
            "Lý do",
            list(ReliefReason),
            format_func=lambda r: labels.label(r),
            key="relief_reason",
            placeholder=CHOOSE_ONE,
        )
        c1, c2, c3 = st.columns(3)
        months = c1.number_input("Số tháng hỗ trợ", min_value=1, max_value=3, value=1, step=1)
        kg = c2.number_input("Kg gạo/người/tháng", min_value=1, value=KG_PER_PERSON_MONTH, step=1)
        start = c3.date_input("Từ ngày", date.today(), format="DD/MM/YYYY")
        source = st.text_input("Nguồn gạo", placeholder="Dự trữ quốc gia, ngân sách địa phương, xã hội hóa…")
        c4, c5, c6 = st.columns(3)
        decision_no = c4.text_input("Số quyết định")
        decision_date = c5.date_input("Ngày quyết định", None, format="DD/MM/YYYY")
        price = c6.number_input("Đơn giá gạo (đồng/kg)", min_value=0, value=0, step=500)
        st.caption(
            f"Tết: tối đa {MONTHS_LIMIT[ReliefReason.TET]} tháng; lý do khác: tối đa 3 tháng mỗi đợt. "
            "Đơn giá gạo (để trống là 0) dùng để tính kinh phí trong mẫu 10b."
        )
        if st.form_submit_button("Thêm đợt"):
            data = RoundInput(
                name,
                reason,
                int(months),
                start,
                int(kg),
                source or None,
                decision_no or None,
                decision_date,
                int(price) or None,
            )
            run_write(lambda s: add_round(s, scope, data), f"Đã thêm đợt cứu trợ gạo '{name}'.")


with read_session() as session:
    rounds = list_rounds(session)
    wards = list_wards(session, scope)
if scope.is_manager:
    new_round_form()
if not rounds or not wards:
    st.info("Chưa có đợt cứu trợ gạo nào." if wards else "Bạn chưa được gán phường/xã.")
    st.stop()

c1, c2 = st.columns([3, 2])
relief = c1.selectbox("Đợt cứu trợ", rounds, format_func=lambda r: r.name, placeholder=CHOOSE_ONE)
ward = c2.selectbox("Phường/xã", wards, format_func=lambda w: w.name, placeholder=CHOOSE_ONE)
st.caption(
    f"{labels.label_of(ReliefReason, relief.reason)} · {relief.months} tháng × {relief.kg_per_person} "
    f"kg/người/tháng · từ {format_date(relief.start_date)}"
    + (f" · nguồn: {relief.source}" if relief.source else "")
    + (f" · QĐ số {relief.decision_no}" if relief.decision_no else "")
    + (f" · đơn giá {format_money(relief.rice_price)}/kg" if relief.rice_price else "")
)

with read_session() as session:
    approved = approved_ward_ids(session, relief.id)
    households = list_households(session, scope, relief.id, ward.id)

st.subheader("Tiến độ")
relief_progress(scope, relief.id, key="relief_page", ward_id=ward.id)
xlsx_download(
    "Tải báo cáo đợt (.xlsx)",
    reading(lambda s: report_xlsx(s, scope, relief.id, Office.configured())),
    report_file_name("bao_cao_cuu_tro_gao", relief.name, date.today()),
)

st.subheader(f"Hộ thiếu đói — {ward.name}")
is_approved = ward.id in approved
if is_approved:
    st.warning(f"Số liệu của {ward.name} trong đợt này đã được duyệt và khóa: chỉ còn ghi nhận cấp gạo.")
if households:
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Thôn/Tổ": h.hamlet or "",
                    "Họ tên chủ hộ": h.head_name,
                    "Số CCCD": h.national_id or "",
                    "Hộ nghèo/cận nghèo": labels.label_of(Poverty, h.poverty),
                    "Số nhân khẩu": h.household_size,
                    "Số người thiếu đói": h.people_lacking_food,
                    "Đề nghị (kg)": h.kg_requested,
                    "Được duyệt (kg)": "" if h.kg_approved is None else h.kg_approved,
                    "Đã nhận (kg)": "" if h.kg_delivered is None else h.kg_delivered,
                    "Ngày nhận": format_date(h.delivered_on),
                }
                for h in households
            ]
        ),
        hide_index=True,
    )
    xlsx_download(
        "Tải danh sách ký nhận theo thôn/tổ (.xlsx)",
        reading(lambda s: signing_list_xlsx(s, scope, relief.id, ward.id, Office.configured())),
        report_file_name("ky_nhan_gao", relief.name, date.today(), ward=ward.name),
    )
else:
    st.info(f"{ward.name} chưa có hộ nào trong đợt này.")

if scope.can_write and not is_approved:
    with st.expander("Nhập danh sách hộ thiếu đói của phường/xã", expanded=not households):
        st.caption(
            "Các cột: Họ tên chủ hộ, Số CCCD, Thôn/Tổ, Số nhân khẩu, Số người thiếu đói, Hộ nghèo/cận nghèo. "
            "Hộ đã có trong đợt được cập nhật theo danh sách mới."
        )
        upload = st.file_uploader("Tệp danh sách (.xlsx, .xls, .ods, .csv)", key="relief_upload")
        if upload is not None and st.button("Nhập danh sách", type="primary"):
            request = ImportRequest(
                upload.name, upload.getvalue(), ward.id, kind=HouseholdList(relief.id, ward.id)
            )

            def import_list(session):
                preview = preview_import(session, scope, request)
                return preview, commit_import(session, scope, preview, repeat_ok=True)

            def imported(result) -> str:
                preview, done = result
                rejected = "".join(
                    f" Dòng {e['row']}"
                    + (f", cột '{e['column']}'" if e["column"] else "")
                    + f": {e['message']}"
                    for e in preview.summary()["errors"]
                )
                return (
                    f"Đã nhập {format_count(done.counts['households_created'])} hộ mới, cập nhật "
                    f"{format_count(done.counts['households_corrected'])} hộ; "
                    f"{format_count(preview.summary()['rejected'])} dòng bị loại.{rejected}"
                )

            run_write(import_list, imported)

if scope.is_manager and not is_approved and households:
    sure = st.checkbox(f"Đã kiểm tra danh sách của {ward.name}: duyệt và khóa")
    if st.button("Duyệt số gạo của phường/xã", disabled=not sure):
        run_write(
            lambda s: approve_ward(s, scope, relief.id, ward.id),
            lambda n: f"Đã duyệt {format_count(n)} hộ của {ward.name}.",
        )

if scope.can_write and is_approved and households:
    with st.form("relief_delivery"):
        st.markdown("**Ghi nhận cấp gạo cho hộ**")
        household = st.selectbox(
            "Hộ",
            households,
            format_func=lambda h: (
                f"{h.head_name} — {h.hamlet or ''} (duyệt {h.kg_approved} kg"
                + (f", đã nhận {h.kg_delivered} kg)" if h.kg_delivered else ")")
            ),
            placeholder=CHOOSE_ONE,
        )
        c1, c2 = st.columns(2)
        kg = c1.number_input("Số gạo đã nhận (kg)", min_value=1, value=household.kg_approved or 1, step=1)
        day = c2.date_input("Ngày nhận", date.today(), format="DD/MM/YYYY")
        if st.form_submit_button("Ghi nhận đã nhận gạo"):
            run_write(
                lambda s: record_delivery(s, scope, household.id, int(kg), day),
                f"Đã ghi nhận {kg} kg gạo cho hộ {household.head_name}.",
            )

relief_calendar(scope, relief, ward)
form_10b_panel(scope, rounds)
