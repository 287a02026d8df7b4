"""Quản trị: users, wards, hamlets, funding sources and beneficiary categories (admin only)."""

import pandas as pd
import streamlit as st

from data_layer.admin.backup import last_backup
from data_layer.admin.users import add_user, list_users, reset_password, set_user_active
from data_layer.core.codes import Role
from data_layer.core.db import read_session
from data_layer.core.seals import last_check
from data_layer.registry.catalog import add_category, add_source, list_categories, list_sources, set_active
from data_layer.registry.wards import add_ward, list_wards
from data_layer.vn import labels
from data_layer.vn.formatting import format_count, format_datetime
from ui.feedback import run_write, show_flash
from ui.session import require_scope
from ui.unit_admin import hamlets_tab
from ui.widgets import CHOOSE_ONE

scope = require_scope()
if not scope.is_admin:
    st.error("Chỉ quản trị viên được mở trang này.")
    st.stop()

st.title("Quản trị")
show_flash()


def active_toggle(rows: list, label, key: str, setter) -> None:
    """A select box + buttons to deactivate or reactivate one row; ``setter(session, id, active)``."""
    if not rows:
        return
    choice = st.selectbox(
        "Chọn để ngừng/dùng lại", rows, format_func=label, key=f"{key}_pick", placeholder=CHOOSE_ONE
    )
    col1, col2 = st.columns(2)
    if col1.button("Ngừng sử dụng", key=f"{key}_off", disabled=not choice.active):
        run_write(lambda s: setter(s, choice.id, False), "Đã ngừng sử dụng.")
    if col2.button("Dùng lại", key=f"{key}_on", disabled=choice.active):
        run_write(lambda s: setter(s, choice.id, True), "Đã dùng lại.")


def reference_setter(table: str):
    return lambda session, row_id, active: set_active(session, scope, table, row_id, active)


with read_session() as session:
    users = list_users(session, scope)
    wards = list_wards(session, scope, include_inactive=True)
    sources = list_sources(session, include_inactive=True)
    categories = list_categories(session, include_inactive=True)
    newest_backup = last_backup(session)
    verified = last_check(session)
ward_names = {w.id: w.name for w in wards}
status_label = {True: "Đang dùng", False: "Ngừng"}

if newest_backup:
    at, what = newest_backup
    st.caption(f"Sao lưu gần nhất: {format_datetime(at)} (tệp {what}).")
else:
    st.caption("Chưa có bản sao lưu nào được ghi nhận: sao lưu bằng lệnh `ansinh db backup --out TỆP`.")
if verified is None:
    st.caption("Chưa kiểm tra chuỗi niêm phong lần nào: kiểm tra bằng lệnh `ansinh db verify`.")
elif verified.ok:
    st.caption(
        f"Kiểm tra niêm phong gần nhất: {format_datetime(verified.at)}, khớp "
        f"({format_count(verified.links)} mắt xích)."
    )
else:
    st.warning(
        f"Kiểm tra niêm phong gần nhất: {format_datetime(verified.at)}, KHÔNG khớp. {verified.problem}"
    )

tab_users, tab_wards, tab_hamlets, tab_sources, tab_categories = st.tabs(
    ["Người dùng", "Phường/xã", "Thôn/tổ", "Nguồn kinh phí", "Nhóm đối tượng"]
)

with tab_users:
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Tên đăng nhập": u.username,
                    "Họ tên": u.name,
                    "Vai trò": labels.label_of(Role, u.role),
                    "Phường/xã": ward_names.get(u.ward_id, ""),
                    "Trạng thái": status_label[u.active],
                }
                for u in users
            ]
        ),
        hide_index=True,
        width="stretch",
    )
    with st.form("add_user", clear_on_submit=True):
        st.subheader("Thêm người dùng")
        c1, c2 = st.columns(2)
        username = c1.text_input("Tên đăng nhập")
        name = c2.text_input("Họ tên")
        role = c1.selectbox("Vai trò", list(Role), format_func=labels.label, placeholder=CHOOSE_ONE)
        ward = c2.selectbox(
            "Phường/xã",
            [None, *[w for w in wards if w.active]],
            format_func=lambda w: "(không gắn)" if w is None else w.name,
            placeholder=CHOOSE_ONE,
        )
        password = st.text_input("Mật khẩu (ít nhất 8 ký tự)", type="password")
        if st.form_submit_button("Thêm"):
            run_write(
                lambda s: add_user(
                    s,
                    scope,
                    username=username,
                    password=password,
                    role=role,
                    ward_id=ward.id if ward else None,
                    name=name,
                ),
                f"Đã thêm người dùng {username}.",
            )
    active_toggle(
        users,
        lambda u: f"{u.username} – {u.name}",
        "user",
        lambda session, row_id, active: set_user_active(session, scope, row_id, active),
    )
    with st.form("reset_password", clear_on_submit=True):
        st.subheader("Đặt lại mật khẩu")
        c1, c2 = st.columns(2)
        account = c1.selectbox(
            "Người dùng", users, format_func=lambda u: f"{u.username} – {u.name}", placeholder=CHOOSE_ONE
        )
        new_password = c2.text_input("Mật khẩu mới (ít nhất 8 ký tự)", type="password")
        st.caption("Người đó phải đăng nhập lại ở mọi nơi; khóa do nhập sai mật khẩu cũng được gỡ.")
        if st.form_submit_button("Đặt lại mật khẩu"):
            run_write(
                lambda s: reset_password(s, scope, account.id, new_password),
                f"Đã đặt lại mật khẩu cho {account.username}.",
            )

with tab_wards:
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Mã": w.code,
                    "Tên": w.name,
                    "Đơn vị cấp trên": w.parent_unit or "",
                    "Trạng thái": status_label[w.active],
                }
                for w in wards
            ]
        ),
        hide_index=True,
        width="stretch",
    )
    with st.form("add_ward", clear_on_submit=True):
        st.subheader("Thêm phường/xã")
        c1, c2 = st.columns([1, 3])
        code = c1.text_input("Mã")
        name = c2.text_input("Tên phường/xã")
        if st.form_submit_button("Thêm"):
            run_write(lambda s: add_ward(s, scope, code, name), f"Đã lưu phường/xã {code}.")
    active_toggle(wards, lambda w: f"{w.code} – {w.name}", "ward", reference_setter("ward"))

with tab_hamlets:
    hamlets_tab(scope, wards)

with tab_sources:
    st.dataframe(
        pd.DataFrame([{"Mã": s.code, "Tên": s.name, "Trạng thái": status_label[s.active]} for s in sources]),
        hide_index=True,
        width="stretch",
    )
    with st.form("add_source", clear_on_submit=True):
        st.subheader("Thêm nguồn kinh phí")
        c1, c2 = st.columns([1, 3])
        code = c1.text_input("Mã")
        name = c2.text_input("Tên nguồn")
        if st.form_submit_button("Thêm"):
            run_write(lambda s: add_source(s, scope, code, name), f"Đã lưu nguồn {code}.")
    active_toggle(sources, lambda s: f"{s.code} – {s.name}", "source", reference_setter("fundingsource"))

with tab_categories:
    st.dataframe(
        pd.DataFrame(
            [
                {"Mã": c.code, "Tên": c.name, "Nhóm": c.group, "Trạng thái": status_label[c.active]}
                for c in categories
            ]
        ),
        hide_index=True,
        width="stretch",
    )
    with st.form("add_category", clear_on_submit=True):
        st.subheader("Thêm nhóm đối tượng")
        c1, c2, c3 = st.columns([1, 3, 2])
        code = c1.text_input("Mã")
        name = c2.text_input("Tên nhóm đối tượng")
        group = c3.text_input("Thuộc nhóm lớn")
        if st.form_submit_button("Thêm"):
            run_write(lambda s: add_category(s, scope, code, name, group), f"Đã lưu nhóm {code}.")
    active_toggle(categories, lambda c: f"{c.code} – {c.name}", "category", reference_setter("category"))
