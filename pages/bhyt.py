"""Thẻ BHYT: the month's health-insurance list for the insurance agency (increases, decreases,
adjustments) per ward and for the office, sending (locking) it, and the .xlsx to send."""

from datetime import date

import pandas as pd
import streamlit as st

from data_layer.bhyt.documents import list_xlsx
from data_layer.bhyt.lists import list_figures, lock_month, month_lists
from data_layer.bhyt.reference import load_base_salaries, set_base_salary
from data_layer.bhyt.screen import base_salary_rows, month_choices, section_rows, ward_rows, without_number
from data_layer.core.access import Scope
from data_layer.core.codes import BhytListStatus, BhytSection
from data_layer.core.db import read_session
from data_layer.core.versioning import data_version
from data_layer.registry.wards import list_wards
from data_layer.reports.file_names import slug
from data_layer.vn import labels
from data_layer.vn.document import Office
from data_layer.vn.formatting import format_count, format_money, format_month, local_today
from data_layer.vn.months import month_arg
from data_layer.vn.values import parse_amount
from ui.bhyt_reconcile_panel import bhyt_reconcile_panel
from ui.downloads import reading, xlsx_download
from ui.feedback import run_write, show_flash
from ui.session import require_scope
from ui.widgets import CHOOSE_ONE, figure

ALL = "Tất cả phường/xã"

scope = require_scope()
st.title("Thẻ BHYT")
st.caption(
    "Bảo hiểm y tế do ngân sách đóng cho người hưởng trợ cấp hằng tháng, trợ cấp hưu trí xã hội và người "
    "thuộc hộ nghèo, cận nghèo: danh sách tăng, giảm, điều chỉnh gửi cơ quan BHXH hằng tháng."
)
show_flash()


@st.cache_data(show_spinner="Đang lập danh sách…", max_entries=32)
def cached(scope: Scope, month: date, ward_id: int | None, version: int):
    with read_session() as session:
        return month_lists(session, scope, month, ward_id)


with read_session() as session:
    wards = list_wards(session, scope)
    version = data_version(session)
    salaries = load_base_salaries(session)
c1, c2 = st.columns(2)
month = c1.selectbox(
    "Tháng",
    month_choices(local_today()),
    index=1,
    format_func=lambda m: f"Tháng {format_month(m)}",
    placeholder=CHOOSE_ONE,
)
names = {w.id: w.name for w in wards}
if len(wards) > 1:
    chosen = c2.selectbox(
        "Phường/xã",
        [None, *names],
        format_func=lambda i: ALL if i is None else names[i],
        placeholder=CHOOSE_ONE,
    )
else:
    chosen = wards[0].id if wards else None
    c2.text_input("Phường/xã", names.get(chosen, ""), disabled=True)
lists = cached(scope, month, chosen, version)
figures = list_figures(lists, month)

status = labels.label_of(BhytListStatus, figures["status"])
st.markdown(f"**Danh sách tháng {format_month(month)}: {status}**")
counts, money = st.columns(3), st.columns([1, 2])
figure(counts[0], "Tăng", format_count(figures["increases"]), "người")
figure(counts[1], "Giảm", format_count(figures["decreases"]), "người")
figure(counts[2], "Điều chỉnh", format_count(figures["adjustments"]), "người")
figure(money[0], "Có thẻ trong tháng", format_count(figures["covered"]), "người")
figure(money[1], "Số tiền đóng", format_money(figures["premium"]), "4,5% lương cơ sở mỗi người mỗi tháng")

if missing := without_number(lists):
    st.warning(
        f"{format_count(missing)} người có thẻ chưa có mã số BHXH: bổ sung ở trang Đối tượng "
        "(cột Mã số BHXH) hoặc nhập danh sách có cột Mã số BHXH."
    )
if scope.can_write and figures["status"] != "locked":
    what = names.get(chosen) if chosen else "mọi phường/xã chưa gửi"
    sure = st.checkbox(f"Đã gửi cơ quan BHXH: khóa danh sách tháng {format_month(month)} của {what}")
    if st.button("Khóa danh sách", disabled=not sure, type="primary"):
        run_write(
            lambda s: lock_month(s, scope, month, chosen),
            lambda done: f"Đã khóa danh sách thẻ BHYT tháng {format_month(month)} ({len(done)} phường/xã).",
        )
elif figures["status"] == "locked":
    st.caption("Danh sách đã gửi và khóa: thay đổi sau đó được ghi vào mục Điều chỉnh của tháng sau.")

titles = {
    BhytSection.INCREASE: "I. Tăng",
    BhytSection.DECREASE: "II. Giảm",
    BhytSection.ADJUSTMENT: "III. Điều chỉnh",
}
tabs = st.tabs([*titles.values(), "Theo phường/xã", "Tải danh sách"])
for tab, (section, title) in zip(tabs, titles.items(), strict=False):
    with tab:
        rows = section_rows(lists, section)
        if rows:
            st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
        else:
            st.info(f"Không có ai trong mục {title} tháng {format_month(month)}.")
with tabs[3]:
    st.dataframe(pd.DataFrame(ward_rows(lists)), hide_index=True, width="stretch")
with tabs[4]:
    office = Office.configured(local_today())
    ward_part = slug(names[chosen]) if chosen else "tat_ca"
    xlsx_download(
        f"Tải danh sách tháng {format_month(month)} (.xlsx)",
        reading(lambda s: list_xlsx(s, month_lists(s, scope, month, chosen), month, office)),
        f"danh_sach_the_bhyt_{ward_part}_{month:%Y-%m}.xlsx",
    )

bhyt_reconcile_panel(scope, month, chosen, version)
with st.expander("Lương cơ sở (tính tiền đóng BHYT)"):
    st.dataframe(pd.DataFrame(base_salary_rows(salaries)), hide_index=True, width="stretch")
    if scope.is_admin:
        with st.form("base_salary"):
            b1, b2 = st.columns(2)
            start = b1.text_input("Áp dụng từ tháng (MM/YYYY)", format_month(month))
            amount = b2.text_input("Lương cơ sở (đ)", "")
            st.caption("Danh sách đã gửi giữ số tiền đã gửi; các tháng chưa gửi tính theo mức mới.")
            if st.form_submit_button("Lưu lương cơ sở"):
                run_write(
                    lambda s: set_base_salary(
                        s, scope, month_arg(start, "Áp dụng từ tháng"), parse_amount(amount)
                    ),
                    f"Đã lưu lương cơ sở từ tháng {start}.",
                )
