"""User accounts: bcrypt-hashed passwords stored in the database, roles and ward binding."""

from __future__ import annotations

import bcrypt
from sqlmodel import Session, select

from data_layer.core import audit
from data_layer.core.access import ROLES_NEEDING_WARD, Scope
from data_layer.core.codes import Action, Role
from data_layer.core.errors import Conflict, Invalid, NotFound
from data_layer.core.models import User, Ward
from data_layer.registry.wards import province_ward_ids
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
    province_code: str | None = None,
) -> User:
    """Create a user; ward staff must be bound to a ward, province staff to a province (its official
    2-digit code, e.g. 22 for Quảng Ninh)."""
    scope.require_admin()
    username = _clean_username(username)
    if role not in Role.__members__.values():
        raise Invalid(f"Vai trò '{role}' không hợp lệ (admin, province, district, ward, viewer).")
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise Invalid(f"Mật khẩu phải có ít nhất {MIN_PASSWORD_LENGTH} ký tự.")
    if ward_id is not None and session.get(Ward, ward_id) is None:
        raise NotFound("Không tìm thấy phường/xã.")
    if role in ROLES_NEEDING_WARD and ward_id is None:
        raise Invalid("Cán bộ phường/xã phải gắn với một phường/xã (--ward MÃ).")
    province_code = (province_code or "").strip().zfill(2) if province_code else None
    if role == Role.PROVINCE and not (province_code and province_code.isdigit() and len(province_code) == 2):
        raise Invalid("Cán bộ cấp tỉnh phải gắn với một tỉnh/thành phố: mã tỉnh 2 chữ số (--province MÃ).")
    if session.exec(select(User).where(User.username == username)).first():
        raise Conflict(f"Tên đăng nhập '{username}' đã tồn tại.")
    user = User(
        username=username,
        name=normalize_text(name) or username,
        password_hash=hash_password(password),
        role=role,
        ward_id=ward_id,
        province_code=province_code if role == Role.PROVINCE else None,
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


def scope_of(session: Session, user: User) -> Scope:
    """The Scope of a stored user (a province officer's wards read from the database)."""
    wards = province_ward_ids(session, user.province_code or "") if user.role == Role.PROVINCE else None
    return Scope.for_user(user, province_wards=wards)


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
        user.session_version += 1  # a deactivated user's open sessions end at their next click
        session.add(user)
        session.flush()


def _set_password(session: Session, scope: Scope, user: User, password: str) -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise Invalid(f"Mật khẩu phải có ít nhất {MIN_PASSWORD_LENGTH} ký tự.")
    user.password_hash = hash_password(password)
    user.session_version += 1  # every session of the account, on every browser, must log in again
    session.add(user)
    session.flush()
    audit.record(session, scope, table="user", row_id=user.id, action=Action.UPDATE, field="password")


def change_password(session: Session, scope: Scope, current: str, new: str, repeated: str) -> None:
    """The logged-in user changes their own password (the current one is checked)."""
    user = session.get(User, scope.user_id) if scope.user_id is not None else None
    if user is None:
        raise NotFound("Không tìm thấy tài khoản của bạn.")
    if not verify_password(current or "", user.password_hash):
        raise Invalid("Mật khẩu hiện tại không đúng.")
    if new != repeated:
        raise Invalid("Hai lần nhập mật khẩu mới không khớp.")
    if new == current:
        raise Invalid("Mật khẩu mới phải khác mật khẩu hiện tại.")
    _set_password(session, scope, user, new)


def reset_password(session: Session, scope: Scope, user_id: int, new: str) -> None:
    """An admin sets a new password for an account (it also lifts a login lock)."""
    scope.require_admin()
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("Không tìm thấy người dùng.")
    _set_password(session, scope, user, new)
