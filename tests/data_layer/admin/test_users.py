"""Users: bcrypt hashes in the database, roles bound to wards, deactivated accounts cannot log in."""

import pytest
from sqlalchemy import select

from data_layer.admin.logins import authenticator_credentials, get_active_user
from data_layer.admin.users import add_user, hash_password, set_user_active, verify_password
from data_layer.core.access import Scope
from data_layer.core.db import write_session
from data_layer.core.errors import Forbidden, UserError
from data_layer.core.models import AuditEvent, User


def test_password_hash_is_salted_bcrypt():
    first, second = hash_password("mật khẩu 123"), hash_password("mật khẩu 123")
    assert first.startswith("$2b$") and first != second
    assert verify_password("mật khẩu 123", first)
    assert not verify_password("mat khau 123", first)
    assert not verify_password("x", "not-a-hash")


def test_add_user_stores_only_the_hash_and_audits(engine, wards, admin_scope):
    with write_session(engine) as session:
        user = add_user(
            session,
            admin_scope,
            username="Lan.Ward",
            password="bí-mật-123",
            role="ward",
            ward_id=wards["A"],
            name="Hoàng Thị Lan",
        )
    with write_session(engine) as session:
        stored = session.execute(select(User).where(User.id == user.id)).scalar_one()
        assert stored.username == "lan.ward" and stored.ward_id == wards["A"]
        assert "bí-mật" not in stored.password_hash and verify_password("bí-mật-123", stored.password_hash)
        events = session.execute(select(AuditEvent).where(AuditEvent.table_name == "user")).scalars().all()
        assert [e.action for e in events] == ["insert"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"username": "x", "password": "12345678", "role": "admin"}, "Tên đăng nhập"),
        ({"username": "bad name", "password": "12345678", "role": "admin"}, "Tên đăng nhập"),
        ({"username": "short", "password": "1234567", "role": "admin"}, "ít nhất 8"),
        ({"username": "nobody", "password": "12345678", "role": "boss"}, "Vai trò"),
        ({"username": "noward", "password": "12345678", "role": "ward"}, "gắn với một phường"),
        ({"username": "ghost", "password": "12345678", "role": "ward", "ward_id": 999999}, "Không tìm thấy"),
    ],
)
def test_add_user_rejects_bad_input(engine, wards, admin_scope, kwargs, message):
    with write_session(engine) as session, pytest.raises(UserError, match=message):
        add_user(session, admin_scope, **kwargs)


def test_duplicate_username_refused(engine, admin_scope):
    with write_session(engine) as session:
        add_user(session, admin_scope, username="quan", password="12345678", role="district")
    with write_session(engine) as session, pytest.raises(UserError, match="đã tồn tại"):
        add_user(session, admin_scope, username="QUAN", password="12345678", role="district")


def test_only_admin_manages_users(engine, wards):
    district = Scope(user_id=2, username="d", role="district", ward_ids=None)
    with write_session(engine) as session, pytest.raises(Forbidden):
        add_user(session, district, username="someone", password="12345678", role="admin")


def test_deactivated_user_cannot_log_in(engine, admin_scope):
    with write_session(engine) as session:
        user = add_user(session, admin_scope, username="xem", password="12345678", role="viewer")
        assert "xem" in authenticator_credentials(session)["usernames"]
        set_user_active(session, admin_scope, user.id, False)
    with write_session(engine) as session:
        assert get_active_user(session, "xem") is None
        credentials = authenticator_credentials(session)["usernames"]
        assert "xem" not in credentials


def test_admin_cannot_lock_themselves(engine):
    with write_session(engine) as session:
        admin = add_user(session, Scope.system(), username="root1", password="12345678", role="admin")
        own = Scope.for_user(admin)
        with pytest.raises(UserError, match="tự khóa"):
            set_user_active(session, own, admin.id, False)


def test_credentials_hold_hashes_not_passwords(engine, admin_scope):
    with write_session(engine) as session:
        add_user(session, admin_scope, username="quan", password="12345678", role="district", name="Quân")
        entry = authenticator_credentials(session)["usernames"]["quan"]
    assert entry["name"] == "Quân" and entry["password"].startswith("$2b$") and entry["roles"] == ["district"]
