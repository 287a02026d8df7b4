"""Revocable sessions and throttled logins, kept in the database (SQLite and PostgreSQL)."""

from datetime import timedelta

import pytest

from data_layer.admin.logins import (
    LOCK_AFTER,
    authenticator_credentials,
    end_sessions,
    get_active_user,
    locked_until,
    record_failed_login,
    record_login,
    session_is_current,
)
from data_layer.admin.users import add_user, change_password, reset_password, set_user_active, verify_password
from data_layer.core.access import Scope
from data_layer.core.db import write_session
from data_layer.core.errors import Forbidden, Invalid
from data_layer.core.models import AuditEvent, utcnow

ADMIN = Scope.system()


@pytest.fixture
def lan(engine, wards):
    with write_session(engine) as session:
        user = add_user(
            session, ADMIN, username="lan", password="mat-khau-1", role="ward", ward_id=wards["A"]
        )
    return user.id


def version(engine, username="lan") -> int:
    with write_session(engine) as session:
        return get_active_user(session, username).session_version


def test_logout_password_change_and_deactivation_void_every_session(engine, lan):
    with write_session(engine) as session:
        assert session_is_current(session, "lan", 0) and record_login(session, "lan") == 0
        end_sessions(session, "lan")  # logout
        assert not session_is_current(session, "lan", 0) and session_is_current(session, "lan", 1)
    lan_scope = Scope(user_id=lan, username="lan", role="ward", ward_ids=frozenset())
    with write_session(engine) as session:
        change_password(session, lan_scope, "mat-khau-1", "mat-khau-2", "mat-khau-2")
    assert version(engine) == 2
    with write_session(engine) as session:
        reset_password(session, ADMIN, lan, "mat-khau-3")
        assert verify_password("mat-khau-3", get_active_user(session, "lan").password_hash)
    assert version(engine) == 3
    with write_session(engine) as session:
        set_user_active(session, ADMIN, lan, False)
        assert not session_is_current(session, "lan", 4) and not session_is_current(session, "lan", 3)
        fields = [e.field for e in session.query(AuditEvent).filter(AuditEvent.table_name == "user")]
    assert fields.count("password") == 2  # audited, without the hash


def test_change_password_checks_the_current_one_and_the_repeat(engine, lan):
    lan_scope = Scope(user_id=lan, username="lan", role="ward", ward_ids=frozenset())
    with write_session(engine) as session:
        with pytest.raises(Invalid, match="hiện tại không đúng"):
            change_password(session, lan_scope, "sai", "mat-khau-2", "mat-khau-2")
        with pytest.raises(Invalid, match="không khớp"):
            change_password(session, lan_scope, "mat-khau-1", "mat-khau-2", "mat-khau-x")
        with pytest.raises(Invalid, match="ít nhất 8"):
            change_password(session, lan_scope, "mat-khau-1", "ngan", "ngan")
        with pytest.raises(Forbidden):
            reset_password(session, lan_scope, lan, "mat-khau-9")
    assert version(engine) == 0


def test_wrong_passwords_slow_down_then_lock_the_account(engine, lan):
    delays = []
    with write_session(engine) as session:
        for _ in range(LOCK_AFTER - 1):
            delays.append(record_failed_login(session, "lan"))
        assert delays == [0.5, 1.0, 2.0, 4.0] and locked_until(get_active_user(session, "lan")) is None
        assert authenticator_credentials(session)["usernames"]["lan"]["failed_login_attempts"] == 0
        record_failed_login(session, "lan")  # the fifth in a row
        user = get_active_user(session, "lan")
        until = locked_until(user)
        assert until is not None and timedelta(minutes=14) < until - utcnow() <= timedelta(minutes=15)
        assert authenticator_credentials(session)["usernames"]["lan"]["failed_login_attempts"] == LOCK_AFTER
        assert locked_until(user, now=until + timedelta(seconds=1)) is None  # the lock ends by itself
        assert record_failed_login(session, "nobody") == 1.0  # unknown names cost a delay too
        record_login(session, "lan")
        assert locked_until(get_active_user(session, "lan")) is None
