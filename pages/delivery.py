"""Phát quà: mark gifts delivered, signing lists (download and signed upload), lump gifts."""

from datetime import date

import pandas as pd
import streamlit as st

from data_layer.campaigns.delivery import (
    allocation_rows,
    mark_delivered,
    mark_not_delivered,
    save_allocation_changes,
    selection_text,
)
from data_layer.campaigns.lumps import add_lump, list_lumps
from data_layer.campaigns.setup import ended_notice, list_campaigns, list_packages
from data_layer.campaigns.signing_list import import_signed_list, signing_list_xlsx
from data_layer.core.codes import AllocationStatus, DeliveryMethod, NotDeliveredReason
from data_layer.core.db import read_session, write
from data_layer.registry.catalog import list_sources
from data_layer.registry.wards import list_wards
from data_layer.reports.file_names import report_file_name
from data_layer.vn import labels
from data_layer.vn.collation import hamlet_key
from data_layer.vn.formatting import format_count, format_date, format_money, format_percent
from data_layer.vn.values import parse_amount
from ui.approval import locked
from ui.downloads import reading, xlsx_download
from ui.feedback import confirm_button, run_write, set_flash, show_flash, shown_errors
from ui.session import require_scope
from ui.widgets import CHOOSE_ONE, EMPTY_CHOICE, choice_cell

FIELDS = {"Tình trạng": "status", "Ngày phát": "delivered_on", "Lý do": "reason", "Ghi chú": "note"}

scope = require_scope()
st.title("Phát quà")
show_flash()

with read_session() as session:
    campaigns = list_campaigns(session)
    wards = list_wards(session, scope)
    sources = list_sources(session)
if not campaigns or not wards:
    st.info("Chưa có đợt tặng quà hoặc bạn chưa được gán phường/xã.")
    st.stop()

c1, c2, c3, c4, c5 = st.columns([3, 2, 2, 3, 2])
campaign = c1.selectbox("Đợt tặng quà", campaigns, format_func=lambda c: c.name, placeholder=CHOOSE_ONE)
ward = c2.selectbox("Phường/xã", wards, format_func=lambda w: w.name, placeholder=CHOOSE_ONE)
editable = scope.can_write and not locked(campaign, ward)  # an approved ward's gifts are read-only
if editable and (notice := ended_notice(campaign, date.today())):
    st.warning(notice)
with read_session() as session:
    packages = list_packages(session, campaign.id)
    everyone = allocation_rows(session, scope, campaign.id, ward_id=ward.id)
hamlet = c3.selectbox(
    "Thôn/tổ",
    [None, *sorted({r.hamlet for r in everyone if r.hamlet}, key=hamlet_key)],
    format_func=lambda h: "Tất cả" if h is None else h,
    placeholder=CHOOSE_ONE,
)
package = c4.selectbox(
    "Mức quà",
    [None, *packages],
    format_func=lambda p: "Tất cả" if p is None else p.label,
    placeholder=CHOOSE_ONE,
)
status = c5.selectbox(
    "Tình trạng",
    [None, *AllocationStatus],
    format_func=lambda s: "Tất cả" if s is None else labels.label(s),
    placeholder=CHOOSE_ONE,
)
rows = [
    r
    for r in everyone
    if (hamlet is None or r.hamlet == hamlet)
    and (package is None or r.package_id == package.id)
    and (status is None or r.status == status)
]

done = [r for r in everyone if r.status == AllocationStatus.DELIVERED]
m = st.columns(4)
m[0].metric("Số suất", format_count(len(everyone)))
m[1].metric("Đã phát", format_count(len(done)))
m[2].metric("Tỷ lệ", format_percent(100 * len(done) / len(everyone)) if everyone else "–")
m[3].metric("Tiền đã phát", format_money(sum(r.amount for r in done)))

# The rows given to the grid stay fixed until saved or reloaded: editor positions refer to them.
view_key = (campaign.id, ward.id, hamlet, package.id if package else None, status)
if st.session_state.get("delivery_view") != view_key:
    st.session_state["delivery_view"] = view_key
    st.session_state["delivery_rows"] = rows
    st.session_state["delivery_round"] = st.session_state.get("delivery_round", 0) + 1
shown = st.session_state["delivery_rows"]
frame = pd.DataFrame(
    [
        {
            "Chọn": False,
            "Họ và tên": r.name,
            "Năm sinh": r.birth_year,
            "Thôn/tổ": r.hamlet or "",
            "Mức quà": r.package,
            "Số tiền": format_money(r.amount),
            "Tình trạng": labels.label_of(AllocationStatus, r.status),
            "Ngày phát": format_date(r.delivered_on),
            "Lý do": choice_cell(labels.label_of(NotDeliveredReason, r.reason)),
            "Ghi chú": r.note or "",
        }
        for r in shown
    ],
    columns=[
        "Chọn",
        "Họ và tên",
        "Năm sinh",
        "Thôn/tổ",
        "Mức quà",
        "Số tiền",
        "Tình trạng",
        "Ngày phát",
        "Lý do",
        "Ghi chú",
    ],
)
grid_key = f"delivery_grid_{st.session_state['delivery_round']}"
if not shown:  # an empty grid would say "empty" in English
    st.info("Không có suất quà nào theo bộ lọc đã chọn.")
edited = (
    frame
    if not shown
    else st.data_editor(
        frame,
        hide_index=True,
        width="stretch",
        key=grid_key,
        disabled=["Họ và tên", "Năm sinh", "Thôn/tổ", "Mức quà", "Số tiền"] if editable else True,
        column_config={
            "Chọn": st.column_config.CheckboxColumn("Chọn", help="Chọn để cập nhật hàng loạt bên dưới"),
            "Năm sinh": st.column_config.NumberColumn(format="%d"),
            "Tình trạng": st.column_config.SelectboxColumn(
                options=list(labels.options(AllocationStatus).values()), required=True
            ),
            "Ngày phát": st.column_config.TextColumn(
                help="Ghi dạng ngày/tháng/năm, ví dụ 03/02/2026", max_chars=10
            ),
            "Lý do": st.column_config.SelectboxColumn(
                options=[EMPTY_CHOICE, *labels.options(NotDeliveredReason).values()]
            ),
        },
    )
)
grid_changes = {
    int(p): {
        FIELDS[c]: (v.isoformat() if hasattr(v, "isoformat") else v)
        for c, v in changes.items()
        if c in FIELDS
    }
    for p, changes in (st.session_state.get(grid_key) or {}).get("edited_rows", {}).items()
}
grid_changes = {p: c for p, c in grid_changes.items() if c}
if editable and st.button("Lưu sửa trong bảng", disabled=not grid_changes):
    with shown_errors():
        refused = write(lambda s: save_allocation_changes(s, scope, shown, grid_changes))
        for label, message in refused.items():
            st.error(f"{label}: {message}")
        if not refused:
            st.session_state.pop("delivery_view")
            set_flash(f"Đã lưu {format_count(len(grid_changes))} suất.")
            st.rerun()
selected = [shown[i].id for i in edited.index[edited["Chọn"]]] if len(edited) else []

if editable:
    st.markdown(
        f"**Cập nhật {format_count(len(selected))} suất đã chọn** "
        "(hoặc tích 'mọi suất đang lọc' để cập nhật tất cả các dòng đang hiển thị)"
    )
    every = st.checkbox(f"Mọi suất đang lọc ({format_count(len(rows))})")
    chosen = set(selected)
    targets = rows if every else [r for r in shown if r.id in chosen]
    ids = [r.id for r in targets]
    a1, a2, a3 = st.columns(3)
    on = a1.date_input("Ngày phát", date.today(), format="DD/MM/YYYY", max_value=date.today())
    method = a2.selectbox("Hình thức", list(DeliveryMethod), format_func=labels.label, placeholder=CHOOSE_ONE)
    reason = a3.selectbox(
        "Lý do không phát được", list(NotDeliveredReason), format_func=labels.label, placeholder=CHOOSE_ONE
    )
    how = f"{format_date(on)} ({labels.label(method)})"
    b1, b2 = st.columns(2)
    with b1:
        if confirm_button(
            "Đánh dấu đã phát",
            key="bulk_delivered",
            question=f"Ghi đã phát ngày {how} cho {selection_text(targets)}?",
            confirm="Ghi đã phát",
            disabled=not targets,
            primary=True,
        ):
            st.session_state.pop("delivery_view", None)  # the grid shows fresh rows after the write
            run_write(
                lambda s: mark_delivered(
                    s, scope, ids, on=on, by=st.session_state.get("name"), method=method
                ),
                f"Đã ghi nhận phát {selection_text(targets, names=0)}.",
            )
    with b2:
        if confirm_button(
            "Đánh dấu không phát được",
            key="bulk_not_delivered",
            question=f"Ghi không phát được ({labels.label(reason).lower()}) cho {selection_text(targets)}?",
            confirm="Ghi không phát được",
            disabled=not targets,
        ):
            st.session_state.pop("delivery_view", None)
            run_write(
                lambda s: mark_not_delivered(s, scope, ids, reason=reason),
                f"Đã ghi {format_count(len(ids))} suất không phát được.",
            )

st.subheader("Danh sách ký nhận")
xlsx_download(
    "Tải danh sách ký nhận (.xlsx, in A4)",
    reading(
        lambda s: signing_list_xlsx(
            s, scope, campaign.id, ward_id=ward.id, hamlet=hamlet, package_id=package.id if package else None
        )
    ),
    report_file_name("ky_nhan", campaign.name, date.today(), ward=f"{ward.code} {hamlet or ''}"),
)
if editable:
    signed = st.file_uploader("Tải lên danh sách đã ký (cột 'Đã nhận' ghi x hoặc ngày nhận)", type=["xlsx"])
    default_day = st.date_input(
        "Ngày nhận cho các dòng chỉ ghi 'x'", date.today(), format="DD/MM/YYYY", max_value=date.today()
    )
    for error in st.session_state.pop("signed_errors", []):
        st.error(f"Dòng {error['row']}, cột '{error['column']}': {error['message']}")
    if signed is not None and st.button("Ghi nhận danh sách đã ký"):
        with shown_errors():
            result = write(
                lambda s: import_signed_list(
                    s,
                    scope,
                    signed.getvalue(),
                    signed.name,
                    default_date=default_day,
                    delivered_by=st.session_state.get("name"),
                )
            )
            st.session_state.pop("delivery_view", None)
            st.session_state["signed_errors"] = result.errors
            set_flash(f"Đã ghi nhận {format_count(result.delivered)} suất đã phát.")
            st.rerun()

st.subheader("Quà tập thể (chỉ có tổng số)")
with read_session() as session:
    lumps = list_lumps(session, scope, campaign.id)
if lumps:
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Phường/xã": g.ward,
                    "Nguồn": g.source,
                    "Số suất": format_count(g.count),
                    "Số tiền": format_money(g.amount),
                    "Ghi chú": g.note or "",
                }
                for g in lumps
            ]
        ),
        hide_index=True,
        width="stretch",
    )
if editable:
    with st.form("lump", clear_on_submit=True):
        l1, l2, l3, l4 = st.columns([2, 1, 1, 3])
        source = l1.selectbox("Nguồn", sources, format_func=lambda s: s.name, placeholder=CHOOSE_ONE)
        count = l2.number_input("Số suất", 1, 1_000_000, 1)
        amount_text = l3.text_input("Tổng tiền (đ)")
        note = l4.text_input("Ghi chú (đơn vị tặng, mức quà)")
        if st.form_submit_button("Ghi quà tập thể"):
            run_write(
                lambda s: add_lump(
                    s,
                    scope,
                    campaign_id=campaign.id,
                    ward_id=ward.id,
                    source_id=source.id,
                    count=int(count),
                    amount=parse_amount(amount_text) or 0,
                    note=note or None,
                ),
                f"Đã ghi {format_count(int(count))} suất quà tập thể.",
            )
