"""Logging in: the credentials the login form checks, revocable sessions, and throttling of wrong
passwords, all kept in the database.

Every account has a session version. A login records it (in the page's session and in the signed
re-login cookie); logout, a password change and deactivation raise it, so every session and cookie
holding an older one is void, on every browser. Wrong passwords are counted per account: each one
costs a growing delay, and after ``LOCK_AFTER`` in a row the account is locked for ``LOCK_MINUTES``.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, select

from data_layer.core.models import User, utcnow

LOCK_AFTER = 5
LOCK_MINUTES = 15
MAX_DELAY_SECONDS = 8


def get_active_user(session: Session, username: str | None) -> User | None:
    """The active account with this user name, or None."""
    if not username:
        return None
    return session.exec(select(User).where(User.username == username.lower(), User.active)).first()


def session_is_current(session: Session, username: str | None, version: int | None) -> bool:
    """Whether a session (or cookie) of ``username`` carrying ``version`` is still valid."""
    user = get_active_user(session, username)
    return user is not None and version == user.session_version


def locked_until(user: User, now: datetime | None = None) -> datetime | None:
    """When the account's login lock ends, if it is locked now."""
    until = user.locked_until
    if until is not None and until.tzinfo is None:  # SQLite gives naive UTC datetimes back
        until = until.replace(tzinfo=(now or utcnow()).tzinfo)
    return until if until is not None and until > (now or utcnow()) else None


def authenticator_credentials(session: Session) -> dict:
    """Active users in the shape streamlit-authenticator expects (hashes only, never passwords).
    A locked account is given ``LOCK_AFTER`` failed attempts, so the form refuses it before checking."""
    users = session.exec(select(User).where(User.active)).all()
    return {
        "usernames": {
            u.username: {
                "name": u.name,
                "password": u.password_hash,
                "email": f"{u.username}@ansinh.local",
                "roles": [u.role],
                "failed_login_attempts": LOCK_AFTER if locked_until(u) else 0,
            }
            for u in users
        }
    }


def record_failed_login(session: Session, username: str) -> float:
    """Count one wrong password for ``username`` (nothing for an unknown name); returns how many
    seconds to wait before answering. The ``LOCK_AFTER``-th in a row locks the account."""
    user = get_active_user(session, username)
    if user is None:
        return 1.0
    user.failed_logins += 1
    delay = min(0.5 * 2 ** (user.failed_logins - 1), MAX_DELAY_SECONDS)
    if user.failed_logins >= LOCK_AFTER:
        user.locked_until = utcnow() + timedelta(minutes=LOCK_MINUTES)
        user.failed_logins = 0
    session.add(user)
    return delay


def record_login(session: Session, username: str) -> int:
    """A successful login: the wrong-password count starts again; returns the session version."""
    user = get_active_user(session, username)
    if user is None:
        return -1
    user.failed_logins, user.locked_until = 0, None
    session.add(user)
    return user.session_version


def end_sessions(session: Session, username: str | None) -> None:
    """Logout: every session and re-login cookie of the account becomes void."""
    if user := get_active_user(session, username):
        user.session_version += 1
        session.add(user)
