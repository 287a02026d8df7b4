"""Login and the current user's Scope, shared by app.py and every page.

streamlit-authenticator draws the login form and keeps the re-login cookie; An Sinh adds what the
library keeps in memory only: the session version in the cookie and in the page's session (checked
on every run, so logout, a password change or a deactivation ends every session at once). The
password is checked by ``admin.logins.attempt_login`` (the same work and sentence for every name,
wrong passwords throttled per client address and user name, no account lock-out).

The re-login cookie is written by a script in the page (the library's cookie manager is a browser
component too): it cannot be httpOnly, so its value is only a signed token naming the account and its
session version, void as soon as the account logs out anywhere.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import jwt
import streamlit as st
import streamlit.components.v1 as components
import streamlit_authenticator as stauth
import streamlit_authenticator.models.cookie_model as library_cookies

from data_layer.admin.logins import (
    WRONG,
    attempt_login,
    authenticator_credentials,
    client_address,
    end_sessions,
    get_active_user,
    session_is_current,
)
from data_layer.admin.users import scope_of
from data_layer.core.access import Scope
from data_layer.core.app_secrets import cookie_key
from data_layer.core.db import read_session, write
from data_layer.core.settings import get_settings
from ui.navigation import route_through_app

LOGIN_FIELDS = {
    "Form name": "Đăng nhập An Sinh",
    "Username": "Tên đăng nhập",
    "Password": "Mật khẩu",
    "Login": "Đăng nhập",
}
VERSION_KEY = "session_version"
COOKIE_PENDING = "login_cookie_pending"
COOKIE_CLEAR = "login_cookie_clear"
COOKIE_NAME = "ansinh_auth"
ATTEMPT_KEY = "login_attempt"


class _NoCookieComponent:
    """Stands in for the library's cookie manager. Its components (read every cookie, set, delete)
    each made the page run once more when they answered, which could swallow a click on the login
    button; cookies are read from the request instead (st.context.cookies) and written by
    ``write_login_cookie`` / ``clear_login_cookie`` with a script that triggers no run."""

    def __init__(self, key: str = "init"):
        self.cookies = dict(st.context.cookies)

    def set(self, *_args, **_kwargs) -> None:
        """Written by write_login_cookie instead."""

    def delete(self, *_args, **_kwargs) -> None:
        """Cleared by clear_login_cookie instead."""


library_cookies.stx = SimpleNamespace(CookieManager=_NoCookieComponent)


def _cookie_script(name: str, value: str, expires: datetime) -> None:
    """Set (or, with a past date, delete) a cookie of this site from a script that reruns nothing."""
    when = expires.astimezone(UTC).strftime("%a, %d %b %Y %H:%M:%S GMT")
    cookie = json.dumps(f"{name}={value}; expires={when}; path=/; SameSite=Strict")
    components.html(f"<script>parent.document.cookie = {cookie};</script>", height=0)


def _version_of(username: str | None) -> int | None:
    with read_session() as session:
        user = get_active_user(session, username)
        return user.session_version if user else None


def login_token(username: str, session_version: int | None, exp_date: float, key: str) -> str:
    """The re-login cookie's value: the account, its session version and the expiry (a timestamp),
    signed with ``key``."""
    payload = {"username": username, "exp_date": exp_date, "sv": session_version}
    return jwt.encode(payload, key, algorithm="HS256")


def _sign_versions(authenticator: stauth.Authenticate) -> None:
    """Make the library's re-login cookie carry the account's session version, and refuse a cookie
    whose version is no longer the account's."""
    model = authenticator.cookie_controller.cookie_model

    def encode() -> str:
        username = st.session_state["username"]
        return login_token(username, _version_of(username), model.exp_date, model.cookie_key)

    def decode():
        try:
            token = jwt.decode(model.token, model.cookie_key, algorithms=["HS256"])
        except jwt.PyJWTError:
            return False
        with read_session() as session:
            return token if session_is_current(session, token.get("username"), token.get("sv")) else False

    model._token_encode, model._token_decode = encode, decode


def authenticator() -> stauth.Authenticate:
    """The login form and re-login cookie, with the accounts as the database holds them now."""
    with read_session() as session:
        credentials = authenticator_credentials(session)
    settings = get_settings()
    auth = stauth.Authenticate(
        credentials,
        cookie_name=COOKIE_NAME,
        cookie_key=cookie_key(settings),
        cookie_expiry_days=settings.cookie_expiry_days,
        auto_hash=False,
        login_sleep_time=0,
    )
    _sign_versions(auth)
    auth.authentication_controller.authentication_model.check_credentials = _check_credentials
    return auth


def _client() -> str:
    """The browser's address (through a trusted proxy: the address it forwarded for)."""
    peer, forwarded = st.context.ip_address, st.context.headers.get("X-Forwarded-For")
    peer, forwarded = (x if isinstance(x, str) else None for x in (peer, forwarded))  # AppTest: no socket
    return client_address(peer, forwarded, get_settings().trusted_proxies)


def _check_credentials(username: str, password: str) -> bool:
    """The library's password check, replaced by ``attempt_login`` (its outcome kept for the form)."""
    attempt = write(lambda s: attempt_login(s, _client(), username, password))
    st.session_state[ATTEMPT_KEY] = attempt
    return attempt.ok


def restore_login(auth: stauth.Authenticate) -> None:
    """A new browser session with a valid re-login cookie is logged in before the menu is built, so a
    reloaded or bookmarked page opens that page, not the login page."""
    if st.session_state.get("authentication_status"):
        return
    if token := auth.cookie_controller.get_cookie():
        auth.authentication_controller.login(token=token)
        st.session_state[VERSION_KEY] = _version_of(st.session_state.get("username"))


def current_scope() -> Scope | None:
    """Scope of the logged-in user, if the account is active and the session still current."""
    if not st.session_state.get("authentication_status"):
        return None
    with read_session() as session:
        user = get_active_user(session, st.session_state.get("username"))
        if user is None or st.session_state.get(VERSION_KEY) != user.session_version:
            return None
        return scope_of(session, user)


def require_scope() -> Scope:
    """First line of every page: without a logged-in user the page shows nothing and stops."""
    route_through_app()
    scope = current_scope()
    if scope is None:
        st.warning("Vui lòng đăng nhập để sử dụng An Sinh.")
        st.markdown("[Đến trang đăng nhập](/)")
        st.stop()
    return scope


def show_login(auth: stauth.Authenticate) -> None:
    """The login form (or a re-login from the cookie); the password is checked by ``attempt_login``."""
    auth.login(location="main", fields=LOGIN_FIELDS, key="login")
    status = st.session_state.get("authentication_status")
    attempt = st.session_state.pop(ATTEMPT_KEY, None)
    if status is False:
        st.error(attempt.message if attempt and attempt.message else WRONG)
    elif status:
        st.session_state[VERSION_KEY] = (
            attempt.session_version if attempt else _version_of(st.session_state.get("username"))
        )
        if current_scope() is None:
            st.error("Tài khoản đã bị khóa.")
            log_out(auth)
            return
        st.session_state[COOKIE_PENDING] = True  # written by the first page run: a rerun drops it here
        st.rerun()


def write_login_cookie(auth: stauth.Authenticate) -> None:
    """After a login, set the re-login cookie (signed, with the account's session version) once, from
    the first page run that reaches the browser; after a logout, clear it."""
    model = auth.cookie_controller.cookie_model
    if st.session_state.pop(COOKIE_PENDING, False) and model.cookie_expiry_days:
        model.exp_date = model._set_exp_date()
        expires = datetime.now(UTC) + timedelta(days=model.cookie_expiry_days)
        _cookie_script(model.cookie_name, model._token_encode(), expires)
    if st.session_state.pop(COOKIE_CLEAR, False):
        _cookie_script(model.cookie_name, "", datetime(1970, 1, 1, tzinfo=UTC))


def log_out(auth: stauth.Authenticate) -> None:
    """End the session here and everywhere else (the cookie too): the account's version goes up."""
    username = st.session_state.get("username")
    if username:
        write(lambda s: end_sessions(s, username))
    st.session_state.pop(VERSION_KEY, None)
    st.session_state[COOKIE_CLEAR] = True  # the login page's first run clears it
    auth.logout(location="unrendered")
