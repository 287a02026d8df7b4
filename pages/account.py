"""Tài khoản: who is logged in, and changing one's own password (every session then logs in again)."""

import streamlit as st

from data_layer.admin.users import change_password
from data_layer.core.db import write
from data_layer.vn.labels import label
from ui.feedback import set_flash, show_flash, shown_errors
from ui.session import require_scope

scope = require_scope()
st.title("Tài khoản")
show_flash()
st.markdown(f"**{st.session_state.get('name') or scope.username}** ({scope.username}) · {label(scope.role)}")

with st.form("change_password", clear_on_submit=True):
    st.subheader("Đổi mật khẩu")
    current = st.text_input("Mật khẩu hiện tại", type="password")
    new = st.text_input("Mật khẩu mới (ít nhất 8 ký tự)", type="password")
    repeated = st.text_input("Nhập lại mật khẩu mới", type="password")
    st.caption("Sau khi đổi, mọi nơi đang đăng nhập bằng tài khoản này (cả máy khác) phải đăng nhập lại.")
    if st.form_submit_button("Đổi mật khẩu"):
        with shown_errors():
            write(lambda s: change_password(s, scope, current, new, repeated))
            set_flash("Đã đổi mật khẩu. Hãy đăng nhập lại bằng mật khẩu mới.")
            st.rerun()
