"""Trợ cấp hằng tháng: who receives the monthly allowance or social pension, how much this month, and
one person's entitlement to grant, correct, stop, suspend or resume, with their history (changes by
month, who made them, the money of each month)."""

import math
from datetime import date

import pandas as pd
import streamlit as st

from data_layer.allowance.entitlement_rows import EntitlementFilters, count_entitlements, entitlement_rows
from data_layer.allowance.months import month_of
from data_layer.allowance.reference import list_groups
from data_layer.core.codes import EntitlementStatus, Gender, PaymentMethod
from data_layer.core.db import read_session
from data_layer.registry.queries import SEARCH_LIMIT, Filters, people_page
from data_layer.registry.wards import list_wards
from data_layer.vn import labels
from data_layer.vn.formatting import format_count, format_date, format_money, format_month
from ui.entitlement_panel import entitlement_panel, status_text
from ui.feedback import show_flash
from ui.person_history import person_history_section
from ui.session import require_scope
from ui.widgets import CHOOSE_ONE

PAGE_SIZE = 200

scope = require_scope()
st.title("Trợ cấp hằng tháng")
show_flash()
this_month = month_of(date.today())

with read_session() as session:
    wards = list_wards(session, scope)
    groups = list_groups(session, this_month)
if not wards:
    st.info("Bạn chưa được gán phường/xã.")
    st.stop()

f1, f2, f3, f4 = st.columns([2, 3, 2, 3])
ward = f1.selectbox(
    "Phường/xã",
    [None, *wards] if len(wards) > 1 else wards,
    format_func=lambda w: "Tất cả" if w is None else w.name,
    placeholder=CHOOSE_ONE,
)
group_names = {g.id: f"{g.code} – {g.name}" for g in groups}
group_id = f2.selectbox(
    "Diện hưởng",
    [None, *group_names],
    format_func=lambda g: "Tất cả" if g is None else group_names[g],
    placeholder=CHOOSE_ONE,
)
status = f3.selectbox(
    "Tình trạng",
    [None, *EntitlementStatus],
    format_func=lambda s: "Tất cả" if s is None else labels.label(s),
    placeholder=CHOOSE_ONE,
)
search = f4.text_input("Tìm theo họ tên hoặc số CCCD (không cần dấu)", max_chars=SEARCH_LIMIT)
filters = EntitlementFilters(
    ward_id=ward.id if ward else None, group_id=group_id, status=status, search=search or None
)

with read_session() as session:
    total = count_entitlements(session, scope, filters)
pages = max(1, math.ceil(total / PAGE_SIZE))
page = st.number_input(f"Trang (tổng {format_count(total)} chế độ hưởng, {pages} trang)", 1, pages, 1) - 1
with read_session() as session:
    rows = entitlement_rows(session, scope, filters, this_month, page=page, page_size=PAGE_SIZE)

m = st.columns(3)
m[0].metric("Chế độ hưởng (theo bộ lọc)", format_count(total))
m[1].metric(
    f"Đang hưởng tháng {format_month(this_month)} (trang này)", format_count(sum(1 for r in rows if r.amount))
)
m[2].metric(f"Tiền tháng {format_month(this_month)} (trang này)", format_money(sum(r.amount for r in rows)))

amount_label = f"Mức tháng {format_month(this_month)}"
table = pd.DataFrame(
    [
        {
            "Họ và tên": r.name,
            **({"Phường/xã": r.ward} if len(wards) > 1 else {}),
            "Ngày/năm sinh": format_date(r.birth_date) or (str(r.birth_year) if r.birth_year else ""),
            "Giới tính": labels.label_of(Gender, r.gender),
            "Diện hưởng": r.groups,
            "Số con": str(r.children) if r.children else "",
            "Từ tháng": format_month(r.start_month),
            "Nhận qua": labels.label_of(PaymentMethod, r.payment_method),
            amount_label: format_money(r.amount),
            "Tình trạng": status_text(r),
        }
        for r in rows
    ]
)
if rows:
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        height=min(560, 40 + 35 * len(rows)),
        column_config={"Tình trạng": st.column_config.TextColumn(width="large")},
    )
else:
    st.info("Không có chế độ hưởng nào theo bộ lọc này.")

st.subheader("Xem, sửa chế độ của một người")
# chosen by entitlement id: the row changes when the person's entitlement is saved, the choice stays
listed = {r.id: r for r in rows}
chosen_id = st.selectbox(
    "Người trong danh sách trên",
    [None, *listed],
    key="allowances_chosen",
    format_func=lambda i: (
        "— Chọn —" if i is None else f"{listed[i].name} ({listed[i].ward}, {listed[i].groups})"
    ),
    placeholder=CHOOSE_ONE,
)
if chosen_id is not None:
    chosen = listed[chosen_id]
    entitlement_panel(scope, chosen.beneficiary_id, chosen.ward_id, key="allowances_person")
    person_history_section(scope, chosen.beneficiary_id)

if scope.can_write:
    st.subheader("Thêm người hưởng mới")
    needle = st.text_input(
        "Tìm người trong sổ đối tượng (họ tên hoặc số CCCD)", key="allowances_find", max_chars=SEARCH_LIMIT
    )
    if needle.strip():
        with read_session() as session:
            found = people_page(session, scope, Filters(search=needle), page_size=20)
        person = st.selectbox(
            "Người tìm thấy",
            [None, *found],
            format_func=lambda p: "— Chọn —" if p is None else f"{p.name} ({p.ward}, {p.birth_year or ''})",
            placeholder=CHOOSE_ONE,
        )
        if person is not None:
            entitlement_panel(scope, person.id, person.ward_id, key="allowances_new")
