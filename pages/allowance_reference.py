"""Mức chuẩn trợ cấp: the dated standard, social pension level and funeral multiplier, the groups and
their coefficients by age; the admin changes them from a month on (earlier months keep their values,
a change back in time is paid or recovered by the next open payroll), a new value only after seeing
what it does (``standard_preview``) and confirming exactly that."""

import pandas as pd
import streamlit as st

from data_layer.allowance.months import month_arg, month_of
from data_layer.allowance.reference import (
    describe_band,
    list_groups,
    list_standards,
    set_coefficients,
    set_standard,
)
from data_layer.allowance.rules import Band
from data_layer.allowance.standard_preview import preview_standard
from data_layer.core.codes import GroupKind, StandardKind
from data_layer.core.db import read_session, write
from data_layer.vn import labels
from data_layer.vn.formatting import format_count, format_money, format_month, local_today
from data_layer.vn.values import parse_amount
from ui.feedback import run_write, show_flash, shown_errors
from ui.session import require_scope
from ui.widgets import CHOOSE_ONE

PREVIEW = "standard_preview"  # the value shown for confirmation: exactly what "Lưu mức mới" saves
scope = require_scope()
st.title("Mức chuẩn trợ cấp")
show_flash()
this_month = month_of(local_today())

with read_session() as session:
    standards = list_standards(session)
    groups = list_groups(session, this_month)


def coefficients_text(group) -> str:
    """'2,5 (dưới 4 tuổi); 1,5 (…)', '1,0 × số con', or the pension level for HTXH."""
    if group.kind == GroupKind.PENSION:
        return "Mức trợ cấp hưu trí xã hội (không nhân hệ số)"
    text = "; ".join(describe_band(b) for b in group.bands) or "—"
    return f"{text} × số con" if group.kind == GroupKind.PER_CHILD else text


def shown_value(row) -> str:
    return f"{row.amount} lần mức chuẩn" if row.kind == StandardKind.FUNERAL else format_money(row.amount)


st.subheader("Mức chuẩn, mức trợ cấp hưu trí xã hội, hỗ trợ chi phí mai táng")
st.dataframe(
    pd.DataFrame(
        [
            {
                "Loại": labels.label(row.kind),
                "Từ tháng": format_month(row.from_month),
                "Mức": shown_value(row),
            }
            for row in sorted(standards, key=lambda r: (list(StandardKind).index(r.kind), r.from_month))
        ]
    ),
    hide_index=True,
    width="stretch",
)
st.subheader(f"Diện hưởng và hệ số áp dụng tháng {format_month(this_month)}")
st.dataframe(
    pd.DataFrame(
        [
            {
                "Mã": g.code,
                "Diện hưởng": g.name,
                "Hệ số theo tuổi": coefficients_text(g),
                "Áp dụng từ tháng": format_month(g.version_from) or "—",
                "Cộng với 5.4": "Có" if g.adds_to_children else "",
            }
            for g in groups
        ]
    ),
    hide_index=True,
    width="stretch",
    height=40 + 35 * len(groups),
    column_config={
        "Mã": st.column_config.TextColumn(width="small"),
        "Diện hưởng": st.column_config.TextColumn(width="medium"),
        "Hệ số theo tuổi": st.column_config.TextColumn(width="large"),
        "Cộng với 5.4": st.column_config.TextColumn(
            width="small", help="Người đơn thân nuôi con (5.4) thuộc cả diện này được hưởng cả hai mức"
        ),
    },
)

if not scope.is_admin:
    st.caption("Chỉ quản trị viên được thay đổi mức chuẩn và hệ số.")
    st.stop()

with st.form("standard"):
    st.markdown(
        "**Đặt mức mới từ một tháng** (ví dụ tỉnh quyết định mức chuẩn cao hơn, kể cả cho các tháng đã qua)"
    )
    c1, c2, c3 = st.columns(3)
    kinds = labels.options(StandardKind)
    kind = c1.selectbox("Loại", list(kinds), format_func=kinds.get, placeholder=CHOOSE_ONE)
    start = c2.text_input("Từ tháng (MM/YYYY)", format_month(this_month))
    value = c3.text_input("Mức (đồng; với hỗ trợ chi phí mai táng: số lần mức chuẩn)")
    if st.form_submit_button("Xem trước thay đổi"):
        with shown_errors():
            st.session_state[PREVIEW] = write(
                lambda s: preview_standard(
                    s, scope, kind, month_arg(start, "Từ tháng"), parse_amount(value), today=local_today()
                )
            )

if (preview := st.session_state.get(PREVIEW)) is not None:
    with st.container(border=True):
        st.warning("Kiểm tra trước khi lưu: mức mới sẽ làm những việc sau.")
        st.markdown("\n".join(f"- {sentence}" for sentence in preview.sentences()))
        if preview.by_ward:
            st.dataframe(
                pd.DataFrame(
                    [
                        {
                            "Phường/xã": w.ward,
                            "Số người": format_count(w.people),
                            "Truy lĩnh": format_money(w.arrears),
                            "Truy thu": format_money(w.recoveries),
                            f"Trợ cấp tháng {format_month(preview.next_month)} thay đổi": format_money(
                                w.monthly
                            ),
                        }
                        for w in [*preview.by_ward, preview.total]
                    ]
                ),
                hide_index=True,
                width="stretch",
            )
        yes, no = st.columns(2)
        if yes.button("Lưu mức mới", type="primary"):
            del st.session_state[PREVIEW]
            run_write(
                lambda s: set_standard(s, scope, preview.kind, preview.from_month, preview.amount),
                f"Đã lưu mức mới từ tháng {format_month(preview.from_month)}.",
            )
        if no.button("Hủy"):
            del st.session_state[PREVIEW]
            st.rerun()

editable = [g for g in groups if g.kind != GroupKind.PENSION]
group = st.selectbox(
    "Sửa hệ số của diện", editable, format_func=lambda g: f"{g.code} – {g.name}", placeholder=CHOOSE_ONE
)
with st.form("coefficients"):
    start = st.text_input("Áp dụng từ tháng (MM/YYYY)", format_month(this_month), key="coefficients_from")
    table = st.data_editor(
        pd.DataFrame(
            [{"Từ tuổi": b.min_age, "Đến dưới tuổi": b.max_age, "Hệ số": b.tenths / 10} for b in group.bands],
            columns=["Từ tuổi", "Đến dưới tuổi", "Hệ số"],
        ),
        num_rows="dynamic",
        hide_index=True,
        column_config={
            "Từ tuổi": st.column_config.NumberColumn(min_value=0, max_value=150, step=1, format="%d"),
            "Đến dưới tuổi": st.column_config.NumberColumn(min_value=1, max_value=150, step=1, format="%d"),
            "Hệ số": st.column_config.NumberColumn(min_value=0.0, max_value=10.0, step=0.1, format="%.1f"),
        },
        key=f"bands_{group.id}",
    )
    st.caption("Để trống ô tuổi nếu không giới hạn. Ngoài mọi mức tuổi, diện này không được hưởng.")
    if st.form_submit_button("Lưu hệ số"):
        bands = [
            Band(
                None if pd.isna(row["Từ tuổi"]) else int(row["Từ tuổi"]),
                None if pd.isna(row["Đến dưới tuổi"]) else int(row["Đến dưới tuổi"]),
                round(float(row["Hệ số"]) * 10),
            )
            for _, row in table.iterrows()
            if not pd.isna(row["Hệ số"])
        ]
        run_write(
            lambda s: set_coefficients(s, scope, group.id, month_arg(start, "Áp dụng từ tháng"), bands),
            f"Đã lưu hệ số diện {group.code}.",
        )
