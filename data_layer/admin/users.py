"""User accounts: bcrypt-hashed passwords stored in the database, roles and ward binding."""

from __future__ import annotations

import bcrypt
from sqlmodel import Session, select

from data_layer.core import audit
from data_layer.core.access import ROLES_NEEDING_WARD, Scope
from data_layer.core.codes import Action, Role
from data_layer.core.errors import Conflict, Invalid, NotFound
from data_layer.core.models import User, Ward
from data_layer.vn.text import normalize_text

MIN_PASSWORD_LENGTH = 8


def hash_password(password: str) -> str:
    """bcrypt hash of a password (a fresh salt each time)."""
    return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt()).decode("ascii")


def verify_password(password: str, password_hash: str) -> bool:
    try:
        return bcrypt.checkpw(password.encode("utf-8"), password_hash.encode("ascii"))
    except ValueError:
        return False


def _clean_username(username: str) -> str:
    username = (username or "").strip().lower()
    if not (3 <= len(username) <= 60) or not all(
        ch.isascii() and (ch.isalnum() or ch in "._-") for ch in username
    ):
        raise Invalid(
            f"Tên đăng nhập '{username}' không hợp lệ: 3–60 ký tự gồm chữ không dấu, số, '.', '_' hoặc '-'."
        )
    return username


def add_user(
    session: Session,
    scope: Scope,
    *,
    username: str,
    password: str,
    role: str,
    ward_id: int | None = None,
    name: str | None = None,
) -> User:
    """Create a user; ward staff must be bound to a ward."""
    scope.require_admin()
    username = _clean_username(username)
    if role not in Role.__members__.values():
        raise Invalid(f"Vai trò '{role}' không hợp lệ (admin, district, ward, viewer).")
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise Invalid(f"Mật khẩu phải có ít nhất {MIN_PASSWORD_LENGTH} ký tự.")
    if ward_id is not None and session.get(Ward, ward_id) is None:
        raise NotFound("Không tìm thấy phường/xã.")
    if role in ROLES_NEEDING_WARD and ward_id is None:
        raise Invalid("Cán bộ phường/xã phải gắn với một phường/xã (--ward MÃ).")
    if session.exec(select(User).where(User.username == username)).first():
        raise Conflict(f"Tên đăng nhập '{username}' đã tồn tại.")
    user = User(
        username=username,
        name=normalize_text(name) or username,
        password_hash=hash_password(password),
        role=role,
        ward_id=ward_id,
    )
    session.add(user)
    session.flush()
    audit.record(
        session,
        scope,
        table="user",
        row_id=user.id,
        action=Action.INSERT,
        ward_id=ward_id,
        new=f"{username} ({role})",
    )
    return user


def list_users(session: Session, scope: Scope) -> list[User]:
    scope.require_admin()
    return list(session.exec(select(User).order_by(User.username)).all())


def set_user_active(session: Session, scope: Scope, user_id: int, active: bool) -> None:
    """Deactivate (or reactivate) an account; a deactivated user can no longer log in."""
    scope.require_admin()
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("Không tìm thấy người dùng.")
    if user.id == scope.user_id and not active:
        raise Invalid("Bạn không thể tự khóa tài khoản của mình.")
    if user.active != active:
        audit.record(
            session,
            scope,
            table="user",
            row_id=user.id,
            action=Action.UPDATE,
            field="active",
            old=user.active,
            new=active,
        )
        user.active = active
        session.add(user)
        session.flush()


def get_active_user(session: Session, username: str | None) -> User | None:
    """The active account with this user name, or None."""
    if not username:
        return None
    return session.exec(select(User).where(User.username == username.lower(), User.active)).first()


def authenticator_credentials(session: Session) -> dict:
    """Active users in the shape streamlit-authenticator expects (hashes only, never passwords)."""
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
