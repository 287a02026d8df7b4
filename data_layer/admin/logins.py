"""Logging in: the credentials the login form checks, revocable sessions, and throttling of wrong
passwords, all kept in the database.

Every account has a session version. A login records it (in the page's session and in the signed
re-login cookie); logout, a password change and deactivation raise it, so every session and cookie
holding an older one is void, on every browser.

A login attempt (``attempt_login``) reveals nothing about which user names exist: an unknown name
costs the same bcrypt work as a known one (a check against a dummy hash) and gets the same sentence.
Wrong passwords slow the guesser, never lock the owner out: they are counted per client address and
user name; after ``FREE_TRIES`` each one makes that pair wait (1 s, doubling up to 5 minutes) before
its next try is even checked. The owner, from another address, logs in as usual. A pair quiet for
``FORGET_AFTER`` is forgotten (its row deleted at the next wrong password anyone types), so a guesser
spraying names cannot grow the table without end.
"""

from __future__ import annotations

import ipaddress
import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from sqlmodel import Session, delete, select

from data_layer.admin.users import hash_password, verify_password
from data_layer.core.models import LoginThrottle, User, utcnow
from data_layer.vn.formatting import as_utc

FREE_TRIES = 3
FIRST_DELAY_SECONDS = 1
MAX_DELAY_SECONDS = 300
FORGET_AFTER = timedelta(days=1)
WRONG = "Tên đăng nhập hoặc mật khẩu không đúng."
CLIENT_LIMIT = 64
USERNAME_LIMIT = 60


@dataclass(frozen=True)
class LoginAttempt:
    """The outcome of a login attempt: ``ok``, else the sentence to show (the same for every name)."""

    ok: bool
    message: str | None = None
    session_version: int | None = None


@cache
def _dummy_hash() -> str:
    """A bcrypt hash of the same cost as the accounts', checked for unknown names."""
    return hash_password("an-sinh-khong-co-tai-khoan-nay")


def _wait_message(seconds: int) -> str:
    wait = f"{seconds} giây" if seconds < 60 else f"{(seconds + 59) // 60} phút"
    return f"Đăng nhập sai nhiều lần từ máy này: thử lại sau {wait}."


def attempt_login(session: Session, client: str, username: str, password: str, now: datetime | None = None):
    """Check ``username`` / ``password`` coming from ``client`` (its address); returns a ``LoginAttempt``.
    A pair (client, name) that must wait is refused before any check; a wrong password counts one
    failure for the pair, the right one clears it."""
    now = now or utcnow()
    name = (username or "").strip().lower()[:USERNAME_LIMIT]
    key = (client or "?")[:CLIENT_LIMIT]
    throttle = session.get(LoginThrottle, (key, name))
    if throttle and throttle.blocked_until and as_utc(throttle.blocked_until) > now:
        return LoginAttempt(
            False, _wait_message(math.ceil((as_utc(throttle.blocked_until) - now).total_seconds()))
        )
    user = get_active_user(session, name)
    right = verify_password(password or "", user.password_hash if user else _dummy_hash())
    if right and user is not None:
        if throttle:
            session.delete(throttle)
            session.flush()
        return LoginAttempt(True, session_version=user.session_version)
    session.exec(delete(LoginThrottle).where(LoginThrottle.blocked_until < now - FORGET_AFTER))
    throttle = session.get(LoginThrottle, (key, name)) or LoginThrottle(client=key, username=name, failures=0)
    throttle.failures += 1
    delay = 0  # free tries: the next one is allowed at once; the moment dates the row for forgetting
    if throttle.failures > FREE_TRIES:
        delay = min(FIRST_DELAY_SECONDS * 2 ** (throttle.failures - FREE_TRIES - 1), MAX_DELAY_SECONDS)
    throttle.blocked_until = now + timedelta(seconds=delay)
    session.add(throttle)
    session.flush()
    return LoginAttempt(False, WRONG)


def client_address(peer: str | None, forwarded_for: str | None, trusted_proxies: str) -> str:
    """The address a login comes from: the connection's peer (``None``: this machine), or, when the peer
    is a trusted proxy (``ANSINH_TRUSTED_PROXIES``: addresses or networks, comma-separated), the
    right-most address of X-Forwarded-For that is not itself a trusted proxy."""
    networks = [
        ipaddress.ip_network(p.strip(), strict=False) for p in trusted_proxies.split(",") if p.strip()
    ]

    def trusted(address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in networks)

    address = peer or "127.0.0.1"
    if not trusted(address) or not forwarded_for:
        return address
    for hop in reversed([h.strip() for h in forwarded_for.split(",") if h.strip()]):
        if not trusted(hop):
            return hop
    return address


def get_active_user(session: Session, username: str | None) -> User | None:
    """The active account with this user name, or None."""
    if not username:
        return None
    return session.exec(select(User).where(User.username == username.lower(), User.active)).first()


def session_is_current(session: Session, username: str | None, version: int | None) -> bool:
    """Whether a session (or cookie) of ``username`` carrying ``version`` is still valid."""
    user = get_active_user(session, username)
    return user is not None and version == user.session_version


def authenticator_credentials(session: Session) -> dict:
    """Active users in the shape streamlit-authenticator expects (hashes only, never passwords); the
    password itself is checked by ``attempt_login``."""
    users = session.exec(select(User).where(User.active)).all()
    return {
        "usernames": {
            u.username: {
                "name": u.name,
                "password": u.password_hash,
                "email": f"{u.username}@ansinh.local",
                "roles": [u.role],
            }
            for u in users
        }
    }


def end_sessions(session: Session, username: str | None) -> None:
    """Logout: every session and re-login cookie of the account becomes void."""
    if user := get_active_user(session, username):
        user.session_version += 1
        session.add(user)
