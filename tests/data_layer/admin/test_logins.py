"""Revocable sessions and throttled logins, kept in the database (SQLite and PostgreSQL)."""

from datetime import timedelta

import pytest
from sqlmodel import func, select

from data_layer.admin import logins
from data_layer.admin.logins import (
    FREE_TRIES,
    WRONG,
    attempt_login,
    client_address,
    end_sessions,
    get_active_user,
    session_is_current,
)
from data_layer.admin.users import add_user, change_password, reset_password, set_user_active, verify_password
from data_layer.core.access import Scope
from data_layer.core.db import write_session
from data_layer.core.errors import Forbidden, Invalid
from data_layer.core.models import AuditEvent, utcnow
from data_layer.vn.formatting import as_utc

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
        assert (
            session_is_current(session, "lan", 0)
            and attempt_login(session, "10.0.0.1", "lan", "mat-khau-1").session_version == 0
        )
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


def test_unknown_and_known_names_cost_the_same_check_and_get_the_same_sentence(
    real_password_hashes, engine, lan, monkeypatch
):
    """An unknown name used to answer at once (no bcrypt) and never said "tạm khóa": both told a
    guesser which names exist. Now each try is one bcrypt check against a hash of the same cost. (Each
    hash checked is verified for real once, after: the eight checks of cost 12 took two seconds.)"""
    checks = []

    def counted(password, password_hash):
        checks.append(password_hash)
        return False  # every password tried is wrong

    monkeypatch.setattr(logins, "verify_password", counted)
    answers, now = {}, utcnow()
    with write_session(engine) as session:
        for name in ("lan", "khong-co-ai"):
            answers[name] = [
                attempt_login(session, "10.0.0.9", name, "sai", now=now).message for _ in range(6)
            ]
    assert answers["lan"] == answers["khong-co-ai"]
    assert answers["lan"][: FREE_TRIES + 1] == [WRONG] * (FREE_TRIES + 1)
    assert "thử lại sau 1 giây" in answers["lan"][FREE_TRIES + 1]  # no check while it must wait
    assert len(checks) == 2 * (FREE_TRIES + 1)
    assert {h[:7] for h in checks} == {"$2b$12$"}  # the algorithm and the app's cost, for both
    assert len(set(checks)) == 2  # lan's and the one checked for unknown names
    assert not any(verify_password("sai", h) for h in set(checks))  # both are real hashes


def test_a_guesser_waits_longer_and_longer_but_the_owner_is_never_locked_out(engine, lan):
    start = utcnow()
    waits = []
    with write_session(engine) as session:
        now = start
        for _ in range(30):  # 30 wrong passwords, each as soon as allowed
            assert attempt_login(session, "10.0.0.9", "lan", "sai", now=now).message == WRONG
            row = session.get(logins.LoginThrottle, ("10.0.0.9", "lan"))
            wait = (as_utc(row.blocked_until) - now).total_seconds() if row.blocked_until else 0
            waits.append(wait)
            now += timedelta(seconds=wait)
        assert waits[:8] == [0, 0, 0, 1, 2, 4, 8, 16] and max(waits) == 300  # doubling, at most 5 minutes
        refused = attempt_login(session, "10.0.0.9", "lan", "mat-khau-1", now=now - timedelta(seconds=1))
        assert not refused.ok and "thử lại sau" in refused.message  # even the right one, from the guesser
        owner = attempt_login(session, "192.168.1.20", "lan", "mat-khau-1", now=now)
        assert owner.ok and owner.session_version == get_active_user(session, "lan").session_version
        assert attempt_login(session, "10.0.0.9", "lan", "mat-khau-1", now=now).ok  # once the wait is over
        assert session.get(logins.LoginThrottle, ("10.0.0.9", "lan")) is None  # and it starts afresh


def test_a_pair_quiet_for_a_day_is_forgotten_so_sprayed_names_do_not_pile_up(engine, lan):
    start = utcnow()
    with write_session(engine) as session:
        for number in range(50):  # a guesser tries 50 names, twice each
            for _ in range(2):
                attempt_login(session, "10.0.0.9", f"ten-{number}", "sai", now=start)
        for _ in range(FREE_TRIES + 2):
            attempt_login(session, "10.0.0.9", "lan", "sai", now=start)
        assert session.exec(select(func.count()).select_from(logins.LoginThrottle)).one() == 51
        later = start + logins.FORGET_AFTER + timedelta(minutes=10)
        assert attempt_login(session, "10.0.0.7", "ai-do", "sai", now=later).message == WRONG
        rows = session.exec(select(logins.LoginThrottle)).all()
        assert [(r.client, r.username, r.failures) for r in rows] == [("10.0.0.7", "ai-do", 1)]
        assert attempt_login(session, "10.0.0.9", "lan", "sai", now=later).message == WRONG  # starts afresh


def test_the_client_address_comes_from_x_forwarded_for_only_through_a_trusted_proxy():
    assert client_address("203.0.113.7", "10.0.0.1", "") == "203.0.113.7"  # a spoofed header is ignored
    assert client_address("203.0.113.7", "10.0.0.1", "127.0.0.1") == "203.0.113.7"
    assert (
        client_address(None, "198.51.100.4", "127.0.0.1") == "198.51.100.4"
    )  # Streamlit: None is this machine
    assert client_address("10.1.2.3", "6.6.6.6, 198.51.100.4, 10.1.2.2", "10.1.0.0/16") == "198.51.100.4"
    assert client_address(None, None, "127.0.0.1") == "127.0.0.1"
