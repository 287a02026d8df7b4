"""A person's monthly allowance on a page (Đối tượng, Trợ cấp hằng tháng): their entitlements, and
for staff the forms to grant, correct, stop, suspend and resume one. The data layer checks and
writes; this only draws the forms and hands over what was typed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pandas as pd
import streamlit as st

from data_layer.allowance.entitlement_rows import EntitlementFilters, EntitlementRow, entitlement_rows
from data_layer.allowance.entitlement_status import FuneralReceiver, resume, stop, suspend
from data_layer.allowance.entitlements import EntitlementInput, grant, grant_refusal, update_entitlement
from data_layer.allowance.months import month_arg, month_of
from data_layer.allowance.reference import list_groups
from data_layer.core.access import Scope
from data_layer.core.codes import EntitlementStatus, PaymentMethod, StopReason
from data_layer.core.db import read_session
from data_layer.vn import labels
from data_layer.vn.formatting import format_date, format_money, format_month
from ui.feedback import run_write
from ui.widgets import CHOOSE_ONE


def status_text(row: EntitlementRow) -> str:
    """'Đang hưởng', 'Tạm dừng từ 03/2025', 'Đã mất (10/06/2025)'."""
    if row.status == EntitlementStatus.STOPPED:
        return f"{labels.label_of(StopReason, row.stop_reason)} ({format_date(row.stop_date)})"
    if row.status == EntitlementStatus.SUSPENDED:
        return f"Tạm dừng từ {format_month(row.suspended_from)}"
    status = labels.label_of(EntitlementStatus, row.status)
    return f"{status} ({row.note})" if row.note else status


def history_frame(rows: list[EntitlementRow], month: date) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "Diện hưởng": r.groups,
                "Số con": str(r.children) if r.children else "",  # one type a column (Arrow)
                "Hưởng từ tháng": format_month(r.start_month),
                "Đã nhận đến tháng": format_month(r.paid_until),
                "Hình thức nhận": labels.label_of(PaymentMethod, r.payment_method),
                f"Mức tháng {format_month(month)}": format_money(r.amount),
                "Tình trạng": status_text(r),
            }
            for r in rows
        ]
    )


def _group_options(month: date) -> dict[int, str]:
    with read_session() as session:
        return {g.id: f"{g.code} – {g.name}" for g in list_groups(session, month, include_inactive=False)}


def _input_form(
    key: str, current: EntitlementRow | None, month: date
) -> Callable[[], tuple[EntitlementInput, date | None]] | None:
    """The entitlement fields (prefilled from ``current``), and for a correction the month changed
    groups or children apply from; once the form is sent, a function reading them (months typed as
    MM/YYYY are read there, inside the write, so a wrong one is shown)."""
    groups = _group_options(month)
    with st.form(key):
        chosen = st.multiselect(
            "Diện hưởng",
            list(groups),
            default=list(current.group_ids) if current else [],
            format_func=groups.get,
            placeholder="Chọn diện hưởng",
        )
        c1, c2, c3 = st.columns(3)
        start = c1.text_input(
            "Hưởng từ tháng (MM/YYYY)", format_month(current.start_month) if current else ""
        )
        paid = c2.text_input(
            "Đã nhận đến tháng (nếu có)", format_month(current.paid_until) if current else ""
        )
        children = c3.number_input("Số con (diện 5.4)", 0, 20, (current.children or 0) if current else 0)
        decision_no = c1.text_input("Số quyết định", (current.decision_no or "") if current else "")
        decision_date = c2.date_input(
            "Ngày quyết định", current.decision_date if current else None, format="DD/MM/YYYY"
        )
        proxy = c3.text_input("Người nhận thay", (current.proxy_name or "") if current else "")
        methods = labels.options(PaymentMethod)
        method = c1.selectbox(
            "Hình thức nhận",
            list(methods),
            index=list(methods).index(current.payment_method) if current else 0,
            format_func=methods.get,
            placeholder=CHOOSE_ONE,
        )
        account = c2.text_input("Số tài khoản", (current.account_number or "") if current else "")
        bank = c3.text_input("Ngân hàng", (current.bank_name or "") if current else "")
        applies = (
            ""
            if current is None
            else c1.text_input(
                "Diện hưởng, số con áp dụng từ tháng (MM/YYYY)",
                help="Để trống: từ tháng chi trả đầu tiên chưa khóa (không tính lại các tháng đã chi trả).",
            )
        )
        if not st.form_submit_button("Lưu chế độ hưởng", type="primary"):
            return None

    def read() -> tuple[EntitlementInput, date | None]:
        data = EntitlementInput(
            groups=tuple(chosen),
            start_month=month_arg(start, "Hưởng từ tháng"),
            children=children or None,
            paid_until=month_arg(paid, "Đã nhận đến tháng") if paid.strip() else None,
            decision_no=decision_no,
            decision_date=decision_date,
            payment_method=method,
            account_number=account,
            bank_name=bank,
            proxy_name=proxy,
        )
        return data, month_arg(applies, "Áp dụng từ tháng") if applies.strip() else None

    return read


def _status_forms(scope: Scope, row: EntitlementRow) -> None:
    """Stop, suspend or resume the entitlement shown."""
    if row.status == EntitlementStatus.SUSPENDED:
        with st.form(f"resume_{row.id}"):
            c1, c2 = st.columns(2)
            month = c1.text_input("Hưởng lại từ tháng (MM/YYYY)", format_month(month_of(date.today())))
            back_pay = c2.checkbox("Truy lĩnh các tháng tạm dừng", value=True)
            if st.form_submit_button("Cho hưởng lại"):
                run_write(
                    lambda s: resume(
                        s, scope, row.id, month=month_arg(month, "Hưởng lại từ tháng"), back_pay=back_pay
                    ),
                    "Đã cho hưởng lại.",
                )
    elif row.status == EntitlementStatus.ACTIVE:
        with st.form(f"suspend_{row.id}"):
            c1, c2 = st.columns(2)
            month = c1.text_input("Tạm dừng từ tháng (MM/YYYY)", format_month(month_of(date.today())))
            reason = c2.text_input("Lý do tạm dừng")
            if st.form_submit_button("Tạm dừng hưởng"):
                run_write(
                    lambda s: suspend(
                        s, scope, row.id, from_month=month_arg(month, "Tạm dừng từ tháng"), reason=reason
                    ),
                    "Đã tạm dừng hưởng.",
                )
    with st.form(f"stop_{row.id}"):
        c1, c2 = st.columns(2)
        on = c1.date_input("Ngày dừng hưởng (ngày mất, ngày chuyển đi…)", date.today(), format="DD/MM/YYYY")
        reasons = labels.options(StopReason)
        reason = c2.selectbox("Lý do", list(reasons), format_func=reasons.get, placeholder=CHOOSE_ONE)
        r1, r2, r3 = st.columns(3)
        receiver = FuneralReceiver(
            r1.text_input("Người nhận hỗ trợ mai táng (khi đã mất)"),
            r2.text_input("Quan hệ với người mất"),
            r3.text_input("Số CCCD người nhận"),
        )
        st.caption(
            "Tháng có ngày dừng vẫn được hưởng; từ tháng sau thì dừng. "
            "Đã mất hoặc chuyển đi được ghi cả vào sổ đối tượng."
        )
        if st.form_submit_button("Dừng hưởng"):
            run_write(
                lambda s: stop(s, scope, row.id, on=on, reason=reason, receiver=receiver), "Đã dừng hưởng."
            )


def entitlement_panel(scope: Scope, person_id: int, ward_id: int, key: str) -> None:
    """The person's entitlements, and the forms staff of the person's ward may use."""
    month = month_of(date.today())
    with read_session() as session:
        rows = entitlement_rows(session, scope, EntitlementFilters(), month, person_id=person_id)
    if rows:
        st.dataframe(history_frame(rows, month), hide_index=True, width="stretch")
    else:
        st.caption("Người này chưa có chế độ trợ cấp hằng tháng.")
    if not (scope.can_write and scope.may_see_ward(ward_id)):
        return
    current = next((r for r in rows if r.status != EntitlementStatus.STOPPED), None)
    if current is None:
        with read_session() as session:
            refusal = grant_refusal(session, scope, person_id)
        if refusal:  # the dead are not offered a new entitlement
            st.caption(refusal)
            return
        st.markdown("**Thêm chế độ hưởng**")
        data = _input_form(f"{key}_grant", None, month)
        if data is not None:
            run_write(lambda s: grant(s, scope, person_id, data()[0]), "Đã thêm chế độ hưởng.")
        return
    edit, status = st.tabs(["Sửa chế độ đang hưởng", "Dừng, tạm dừng, hưởng lại"])
    with edit:
        st.caption(
            "Diện hưởng và số con áp dụng từ tháng ghi ở ô «áp dụng từ tháng»; các thông tin khác áp dụng cho"
            " mọi tháng đã hưởng: chênh lệch được truy lĩnh hoặc truy thu tháng sau."
        )
        data = _input_form(f"{key}_edit_{current.id}", current, month)
        if data is not None:
            run_write(
                lambda s: update_entitlement(
                    s, scope, current.id, current.version, data()[0], applies_from=data()[1]
                ),
                lambda changed: f"Đã sửa {len(changed)} thông tin." if changed else "Không có gì thay đổi.",
            )
    with status:
        _status_forms(scope, current)
