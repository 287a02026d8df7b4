"""Chi trả hằng tháng: build the month's payroll, see its totals and what changed, lock it, and download
each ward's lists for the payment agent and the half-yearly forms 10a, 10c and 10d."""

from datetime import date

import pandas as pd
import streamlit as st

from data_layer.allowance.forms import default_period
from data_layer.allowance.payment_lists import (
    accounts_without_bank,
    months_text,
    no_bank_message,
    ward_lists_xlsx,
)
from data_layer.allowance.payroll import (
    build_payroll,
    changed_since_build,
    landing_month,
    lock_payroll,
    payroll_months,
)
from data_layer.allowance.payroll_details import adjustments, changes
from data_layer.allowance.payroll_figures import group_figures, payroll_figures
from data_layer.core.access import Scope
from data_layer.core.codes import LineKind, PayrollStatus
from data_layer.core.db import read_session
from data_layer.core.versioning import data_version
from data_layer.registry.wards import list_wards
from data_layer.reports.forms_10cd import FORM_NAMES, form_document, form_rows, next_form_deadline
from data_layer.vn import labels
from data_layer.vn.document import Office
from data_layer.vn.formatting import (
    format_count,
    format_date,
    format_datetime,
    format_money,
    format_month,
    local_today,
)
from ui.agent_return_panel import agent_return_panel
from ui.downloads import reading, xlsx_download
from ui.feedback import run_write, show_flash
from ui.session import require_scope
from ui.widgets import CHOOSE_ONE, figure

CHANGE_LABELS = {"added": "Tăng", "removed": "Giảm", "changed": "Thay đổi mức"}
MONTH, FOCUS = "payroll_month", "payroll_focus"  # the month shown; the month to show after a lock

scope = require_scope()
st.title("Chi trả hằng tháng")
show_flash()


@st.cache_data(show_spinner="Đang tính biểu mẫu…", max_entries=16)
def cached_form(scope: Scope, form: str, first: date, last: date, ward_id: int | None, version: int):
    """A form's rows, re-read whenever the data version changes (every tab runs on every rerun)."""
    with read_session() as session:
        return form_rows(session, scope, form, first, last, ward_id)


@st.cache_data(show_spinner=False, max_entries=32)
def details(scope: Scope, month: date, version: int):
    """The month's figures and person lists, re-read whenever the data version changes."""
    with read_session() as session:
        return (
            payroll_figures(session, scope, month),
            group_figures(session, scope, month),
            changes(session, scope, month),
            adjustments(session, scope, month),
        )


with read_session() as session:
    months = payroll_months(session, local_today())
    wards = list_wards(session, scope)
    version = data_version(session)
statuses = dict(months)
if (focus := st.session_state.pop(FOCUS, None)) is not None:  # the month just locked stays in view
    st.session_state[MONTH] = focus
if st.session_state.get(MONTH) not in statuses:
    st.session_state[MONTH] = landing_month(months, builds=scope.can_write)


def month_label(month: date) -> str:
    status = statuses[month]
    state = "chưa lập" if status is None else labels.label_of(PayrollStatus, status).lower()
    return f"Tháng {format_month(month)} ({state})"


month = st.selectbox(
    "Tháng chi trả", list(statuses), format_func=month_label, key=MONTH, placeholder=CHOOSE_ONE
)
status = statuses[month]
figures, by_group, changed, adjusted = details(scope, month, version)
with read_session() as session:
    stale = changed_since_build(session, scope, month)


if stale is not None:  # the notice, the rebuild button beside it, then the lock
    note, c1, c2 = st.columns([3, 2, 2])
    note.warning(stale.message(several=scope.sees_all_wards))
else:
    c1, c2 = st.columns([3, 2])
if scope.can_write and status != PayrollStatus.LOCKED:
    what = "danh sách của phường/xã mình" if not scope.sees_all_wards else "danh sách mọi phường/xã"
    if c1.button(f"Lập {'lại ' if status else ''}{what} tháng {format_month(month)}", type="primary"):
        run_write(
            lambda s: build_payroll(s, scope, month), f"Đã lập danh sách chi trả tháng {format_month(month)}."
        )
if scope.is_manager and status == PayrollStatus.OPEN:
    sure = c2.checkbox("Đã kiểm tra: khóa tháng này (không sửa được nữa)")
    if c2.button("Khóa tháng", disabled=not sure):
        st.session_state[FOCUS] = month
        run_write(
            lambda s: lock_payroll(s, scope, month), f"Đã khóa danh sách chi trả tháng {format_month(month)}."
        )
if figures is None:
    st.info(f"Chưa lập danh sách chi trả tháng {format_month(month)}.")
    st.stop()
if figures.status == PayrollStatus.LOCKED:
    st.caption(f"Đã khóa lúc {format_datetime(figures.locked_at)}: số liệu không thay đổi nữa.")
else:
    st.caption(
        f"Lập lần cuối lúc {format_datetime(figures.built_at)}. Còn lập lại được cho đến khi tháng được khóa."
    )

top, bottom = st.columns(3), st.columns(3)
figure(
    top[0], "Tổng chi", format_money(figures.total), f"{format_count(figures.people)} người hưởng tháng này"
)
figure(top[1], "Tiền mặt", format_money(figures.cash), "trợ cấp tháng và truy lĩnh")
figure(top[2], "Chuyển khoản", format_money(figures.account), "trợ cấp tháng và truy lĩnh")
figure(bottom[0], "Trợ cấp tháng", format_money(figures.amount))
figure(bottom[1], "Truy lĩnh", format_money(figures.arrears))
figure(bottom[2], "Hỗ trợ chi phí mai táng", format_money(figures.funeral))
if figures.recoveries:
    st.warning(
        f"Truy thu (báo cáo để thu hồi, không trừ vào tiền chi trả): {format_money(figures.recoveries)}."
    )

by_hamlet = scope.watches_hamlets  # a commune office watches its hamlets, others their communes
tab_wards, tab_groups, tab_changes, tab_adjust, tab_lists, tab_form = st.tabs(
    [
        "Theo thôn/tổ" if by_hamlet else "Theo phường/xã",
        "Theo diện",
        "Tăng, giảm",
        "Truy lĩnh, truy thu",
        "Tải danh sách",
        "Biểu mẫu 10a, 10c, 10d",
    ]
)
with tab_wards:
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Thôn/tổ dân phố" if by_hamlet else "Phường/xã": unit,
                    "Số người": format_count(w.people),
                    "Trợ cấp tháng": format_money(w.amount),
                    "Truy lĩnh": format_money(w.arrears),
                    "Hỗ trợ chi phí mai táng": format_money(w.funeral),
                    "Tổng chi": format_money(w.total),
                    "Tiền mặt": format_money(w.cash),
                    "Chuyển khoản": format_money(w.account),
                    "Truy thu": format_money(w.recoveries),
                }
                for unit, w in (
                    [(h.hamlet, h) for h in figures.by_hamlet]
                    if by_hamlet
                    else [(w.ward, w) for w in figures.by_ward]
                )
            ]
        ),
        hide_index=True,
        width="stretch",
    )
with tab_groups:
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Diện hưởng": f"{g.code} – {g.name}" if g.code else "—",
                    "Số người": format_count(g.people),
                    "Trợ cấp tháng": format_money(g.amount),
                }
                for g in by_group
            ]
        ),
        hide_index=True,
        width="stretch",
    )
    st.caption("Người thuộc nhiều diện được tính ở diện cho mức hưởng cao nhất của tháng.")
with tab_changes:
    if not changed:
        st.info("Không có thay đổi so với tháng trước (hoặc đây là tháng đầu tiên).")
    else:
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "Tăng/giảm": CHANGE_LABELS[c.change],
                        "Họ và tên": c.name,
                        "Phường/xã": c.ward,
                        "Ngày/năm sinh": c.birth,
                        "Áp dụng từ tháng": format_month(c.applies_from),
                        "Mức tháng trước": format_money(c.before),
                        "Mức tháng này": format_money(c.after),
                        "Tiền phát sinh kỳ này": format_money(c.money),
                        "Lý do": c.reason,
                    }
                    for c in changed
                ]
            ),
            hide_index=True,
            width="stretch",
        )
with tab_adjust:
    if not adjusted:
        st.info("Tháng này không có truy lĩnh, truy thu.")
    else:
        st.caption("Truy thu chỉ để báo cáo và thu hồi, không trừ vào tiền chi trả của ai.")
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "Loại": labels.label_of(LineKind, a.kind),
                        "Họ và tên": a.name,
                        "Phường/xã": a.ward,
                        "Số tiền": format_money(a.net),
                        "Các tháng (chênh lệch)": months_text(a.months),
                    }
                    for a in adjusted
                ]
            ),
            hide_index=True,
            width="stretch",
        )
with tab_lists:
    ward = st.selectbox(
        "Phường/xã", wards, format_func=lambda w: w.name, key="payroll_ward", placeholder=CHOOSE_ONE
    )
    if ward is not None:
        with read_session() as session:
            unnamed = accounts_without_bank(session, scope, month, ward.id)
        if unnamed:
            st.warning(no_bank_message(unnamed))
        files = [
            ("Danh sách chi trả tiền mặt (ký nhận)", "cash", "chi_tra_tien_mat"),
            *([] if unnamed else [("Danh sách chuyển khoản", "bank", "chuyen_khoan")]),
            ("Báo cáo tăng, giảm", "changes", "tang_giam"),
        ]
        for column, (title, sheet, prefix) in zip(st.columns(3), files, strict=False):
            with column:
                xlsx_download(
                    f"Tải {title.lower()} (.xlsx)",
                    reading(lambda s, sheet=sheet: ward_lists_xlsx(s, scope, month, ward.id, (sheet,))),
                    f"{prefix}_{month:%Y_%m}_{ward.code}.xlsx",
                    key=f"{prefix}_{month:%Y_%m}_{ward.code}",
                )


def forms_tab(period: tuple[date, date]) -> None:
    """Form 10a, 10c or 10d of every ward or one ward for a chosen period, and its file."""
    form = st.radio(
        "Biểu mẫu", list(FORM_NAMES), format_func=FORM_NAMES.get, horizontal=True, key="form_kind"
    )
    st.caption(
        "Biểu mẫu 6 tháng, phường, xã gửi trước ngày 15/6 và 15/12 (tỉnh có thể quy định sớm hơn); kỳ tới: "
        f"trước ngày {format_date(next_form_deadline(local_today()))}."
    )
    choices = sorted(m for m, s in months if s is not None)
    if scope.sees_all_wards:
        f0, f1, f2 = st.columns(3)
        chosen = f0.selectbox(
            "Phạm vi",
            [None, *wards],
            format_func=lambda w: "Tất cả phường, xã" if w is None else w.name,
            key="form_ward",
            placeholder=CHOOSE_ONE,
        )
    else:
        f1, f2 = st.columns(2)
        chosen = wards[0] if len(wards) == 1 else None
    first = f1.selectbox(
        "Từ tháng",
        choices,
        index=choices.index(period[0]),
        format_func=format_month,
        key="form_first",
        placeholder=CHOOSE_ONE,
    )
    last = f2.selectbox(
        "Đến tháng",
        choices,
        index=choices.index(period[1]),
        format_func=format_month,
        key="form_last",
        placeholder=CHOOSE_ONE,
    )
    if first > last:
        st.warning("Từ tháng phải trước hoặc bằng Đến tháng.")
        return
    ward_id, ward_name = (chosen.id, chosen.name) if chosen else (None, None)
    rows = cached_form(scope, form, first, last, ward_id, version)
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "STT": r.number,
                    "Chỉ tiêu": r.label,
                    "Tổng số (người)": "" if r.people is None else format_count(r.people),
                    "Nam": "" if r.male is None else format_count(r.male),
                    "Nữ": "" if r.female is None else format_count(r.female),
                    "Kinh phí": "" if r.cost is None else format_money(r.cost),
                }
                for r in rows
            ]
        ),
        hide_index=True,
        width="stretch",
        height=40 + 35 * len(rows),
    )
    xlsx_download(
        f"Tải mẫu {form} (.xlsx)",
        reading(
            lambda s: form_document(
                form,
                form_rows(s, scope, form, first, last, ward_id),
                Office.configured(local_today()),
                ward_name,
                first,
                last,
            )
        ),
        f"mau_{form}_{chosen.code if chosen else 'tat_ca'}_{first:%Y%m}_{last:%Y%m}.xlsx",
    )


with tab_form:
    if (period := default_period(months)) is None:
        st.info("Chưa có tháng nào đã lập danh sách chi trả.")
    else:
        forms_tab(period)
if figures.status == PayrollStatus.LOCKED:
    agent_return_panel(scope, month, wards)
