"""Login gate and the current user's Scope, shared by app.py and every page."""

from __future__ import annotations

import streamlit as st
import streamlit_authenticator as stauth

from data_layer.admin.users import authenticator_credentials, get_active_user
from data_layer.core.access import Scope
from data_layer.core.db import read_session
from data_layer.core.settings import cookie_key, get_settings

LOGIN_FIELDS = {
    "Form name": "Đăng nhập An Sinh",
    "Username": "Tên đăng nhập",
    "Password": "Mật khẩu",
    "Login": "Đăng nhập",
}


def _authenticator() -> stauth.Authenticate:
    with read_session() as session:
        credentials = authenticator_credentials(session)
    settings = get_settings()
    return stauth.Authenticate(
        credentials,
        cookie_name="ansinh_auth",
        cookie_key=cookie_key(settings),
        cookie_expiry_days=settings.cookie_expiry_days,
        auto_hash=False,
        login_sleep_time=0,
    )


def current_scope() -> Scope | None:
    """Scope of the logged-in, still active user; None when nobody is logged in."""
    if not st.session_state.get("authentication_status"):
        return None
    with read_session() as session:
        user = get_active_user(session, st.session_state.get("username"))
        return Scope.for_user(user) if user else None


def require_scope() -> Scope:
    """First line of every page: without a logged-in user the page shows nothing and stops."""
    scope = current_scope()
    if scope is None:
        st.warning("Vui lòng đăng nhập để sử dụng An Sinh.")
        st.markdown("[Đến trang đăng nhập](/)")
        st.stop()
    return scope


def login_gate() -> tuple[Scope, stauth.Authenticate]:
    """Show the login form until a valid user logs in; returns their Scope and the authenticator."""
    authenticator = _authenticator()
    try:
        authenticator.login(location="main", fields=LOGIN_FIELDS, key="login")
    except stauth.LoginError as exc:
        st.error(f"Không đăng nhập được: {exc}")
    status = st.session_state.get("authentication_status")
    if status is False:
        st.error("Tên đăng nhập hoặc mật khẩu không đúng.")
    scope = current_scope()
    if scope is None:
        if status:
            st.error("Tài khoản đã bị khóa.")
            authenticator.logout(location="unrendered")
        elif st.session_state.get("logged_out"):
            st.info("Bạn đã đăng xuất.")
        st.stop()
    st.session_state.pop("logged_out", None)
    return scope, authenticator
