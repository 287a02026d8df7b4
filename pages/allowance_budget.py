"""Dự toán trợ cấp: next year's monthly allowance from today's entitlements, with a what-if standard and
the expected funeral support, beside what this year's payrolls paid."""

from datetime import date

import altair as alt
import pandas as pd
import streamlit as st

from data_layer.allowance.estimate import estimate_year, expected_funerals, paid_in_year
from data_layer.allowance.months import month_arg
from data_layer.bhyt.estimate import estimate_premiums
from data_layer.core.access import Scope
from data_layer.core.db import read_session
from data_layer.core.versioning import data_version
from data_layer.vn.formatting import format_count, format_money, format_month
from data_layer.vn.values import parse_amount
from ui.feedback import shown_errors
from ui.session import require_scope
from ui.widgets import figure, money_axis

scope = require_scope()
st.title("Dự toán trợ cấp")
st.caption(
    "Tính từ những người đang hưởng hôm nay: số tháng × hệ số × mức chuẩn (tuổi thay đổi trong năm "
    "được tính), như thể không ai tăng, giảm."
)
today = date.today()


@st.cache_data(show_spinner="Đang tính dự toán…", max_entries=16)
def cached(scope: Scope, year: int, what_if, funerals: int, version: int):
    with read_session() as session:
        return estimate_year(session, scope, year, what_if=what_if, funerals=funerals), paid_in_year(
            session, scope, today.year
        )


@st.cache_data(show_spinner="Đang tính tiền đóng BHYT…", max_entries=16)
def cached_premiums(scope: Scope, year: int, version: int):
    with read_session() as session:
        return estimate_premiums(session, scope, year)


with read_session() as session:
    version = data_version(session)
    last_year_funerals = expected_funerals(session, scope, today.replace(day=1))

c1, c2, c3, c4 = st.columns(4)
year = c1.number_input("Năm dự toán", today.year, today.year + 5, today.year + 1)
amount_text = c2.text_input("Mức chuẩn giả định (đ, để trống nếu giữ nguyên)", "")
from_text = c3.text_input("Áp dụng từ tháng (MM/YYYY)", f"07/{year}")
funerals = c4.number_input(
    "Số ca hỗ trợ chi phí mai táng dự kiến",
    0,
    100_000,
    last_year_funerals,
    help="Mặc định: số ca 12 tháng qua",
)
what_if = None
if amount_text.strip():
    with shown_errors():
        what_if = (month_arg(from_text, "Áp dụng từ tháng"), parse_amount(amount_text))
    if what_if is None:
        st.stop()
plan, paid = cached(scope, int(year), what_if, int(funerals), version)

top, bottom = st.columns(2), st.columns(2)
people = f"{format_count(plan.people)} người đang hưởng"
figure(top[0], f"Dự toán năm {plan.year}", format_money(plan.total), people)
figure(top[1], "Trợ cấp hằng tháng", format_money(plan.allowance))
figure(
    bottom[0],
    "Hỗ trợ chi phí mai táng",
    format_money(plan.funeral_amount),
    f"{format_count(plan.funerals)} ca",
)
paid_detail = f"{paid.months} tháng đã lập; truy lĩnh {format_money(paid.arrears)}"
figure(bottom[1], f"Năm {paid.year}: đã chi trả", format_money(paid.total), paid_detail)
premiums = cached_premiums(scope, int(year), version)
insured = st.columns(2)
figure(
    insured[0],
    "Bảo hiểm y tế do ngân sách đóng",
    format_money(premiums.amount),
    f"{format_count(premiums.people)} người có thẻ; 4,5% lương cơ sở của từng tháng",
)
figure(insured[1], "Cộng trợ cấp và bảo hiểm y tế", format_money(plan.total + premiums.amount))
if what_if:
    st.info(f"Giả định mức chuẩn {format_money(what_if[1])} từ tháng {format_month(what_if[0])}.")

chart = pd.DataFrame([{"Tháng": format_month(month), "Tiền": amount} for month, amount in plan.by_month])
st.altair_chart(
    alt.Chart(chart)
    .mark_bar()
    .encode(x=alt.X("Tháng:N", sort=None), y=alt.Y("Tiền:Q", axis=money_axis("đồng"))),
    width="stretch",
)
g1, g2 = st.columns([3, 2])
g1.markdown("**Theo diện hưởng** (người nhiều diện tính ở diện có mức cao nhất)")
g1.dataframe(
    pd.DataFrame(
        [
            {
                "Diện": line.label,
                "Số người": format_count(line.people),
                "Kinh phí": format_money(line.amount),
                "Tên diện": line.detail,
            }
            for line in plan.by_group
        ]
    ),
    hide_index=True,
    width="stretch",
)
g2.markdown("**Theo phường/xã**")
g2.dataframe(
    pd.DataFrame(
        [
            {
                "Phường/xã": line.label,
                "Số người": format_count(line.people),
                "Kinh phí": format_money(line.amount),
            }
            for line in plan.by_ward
        ]
    ),
    hide_index=True,
    width="stretch",
)
