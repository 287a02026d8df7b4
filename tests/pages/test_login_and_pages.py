"""Login gate, pages refused without login or to other roles, password and account changes (Streamlit
AppTest); every menu page of every role is opened in test_every_page."""

import pytest

from tests.pages.conftest import app_as
from ui.navigation import page_files


def test_login_form_shows_and_nothing_else(demo_db):
    at = app_as(None).run()
    assert not at.exception
    labels = [t.label for t in at.text_input]
    assert labels == ["Tên đăng nhập", "Mật khẩu"]
    assert not at.metric


def test_wrong_password_is_refused(demo_db):
    at = app_as(None).run()
    at.text_input[0].input("admin")
    at.text_input[1].input("sai-mat-khau")
    at.button[0].click().run()
    assert any("không đúng" in e.value for e in at.error)
    assert not at.metric


def test_correct_password_logs_in(demo_db):
    at = app_as(None).run()
    at.text_input[0].input("dongkinh")
    at.text_input[1].input("ansinh-demo")
    at.button[0].click().run()
    assert not at.exception
    assert at.session_state["authentication_status"] is True
    assert [m.label for m in at.metric][:2] == ["Phường/xã", "Đối tượng"]


@pytest.mark.parametrize("page", page_files())
def test_page_opened_directly_without_login_shows_nothing(demo_db, page):
    at = app_as(None, page).run()
    assert not at.exception
    assert any("đăng nhập" in w.value for w in at.warning)
    assert not at.metric and not at.dataframe and not at.text_input


def test_admin_page_is_refused_to_other_roles(demo_db):
    for username in ("quan", "dongkinh", "xem"):
        at = app_as(username, "pages/admin.py").run()
        assert any("Chỉ quản trị viên" in e.value for e in at.error)
        assert not at.dataframe


def test_ward_user_sees_only_their_ward_counts(demo_db):
    ward = app_as("dongkinh", "pages/home.py").run()
    admin = app_as("admin", "pages/home.py").run()
    assert ward.metric[0].value == "1"
    assert int(admin.metric[0].value) == 6
    assert int(ward.metric[1].value.replace(".", "")) < int(admin.metric[1].value.replace(".", ""))


def test_deactivated_user_is_logged_out(demo_db):
    from data_layer.admin.logins import get_active_user
    from data_layer.admin.users import set_user_active
    from data_layer.core.access import Scope
    from data_layer.core.db import write_session

    with write_session() as session:
        set_user_active(session, Scope.system(), get_active_user(session, "chilang").id, False)
    at = app_as("chilang").run()
    assert any("bị khóa" in e.value for e in at.error)
    assert not at.metric


def test_changing_the_password_ends_the_session_and_the_new_one_logs_in(demo_db):
    at = app_as("dongkinh", "pages/account.py").run()
    boxes = {t.label: t for t in at.text_input}
    boxes["Mật khẩu hiện tại"].input("ansinh-demo")
    boxes["Mật khẩu mới (ít nhất 8 ký tự)"].input("mat-khau-moi-1")
    boxes["Nhập lại mật khẩu mới"].input("mat-khau-moi-1")
    next(b for b in at.button if b.label == "Đổi mật khẩu").click().run()
    assert not at.exception
    assert any("đăng nhập" in w.value for w in at.warning)  # this session ended with the change
    login = app_as(None).run()
    login.text_input[0].input("dongkinh")
    login.text_input[1].input("ansinh-demo")
    login.button[0].click().run()
    assert any("không đúng" in e.value for e in login.error)
    login.text_input[0].input("dongkinh")
    login.text_input[1].input("mat-khau-moi-1")
    login.button[0].click().run()
    assert login.session_state["authentication_status"] is True and not login.exception


def test_a_throttled_browser_waits_and_the_owner_elsewhere_logs_in(demo_db):
    """Wrong passwords from this browser (AppTest: this machine) make it wait, with the same sentence
    whether the name exists or not; no account is locked: the owner's own browser logs in."""
    from datetime import timedelta

    from data_layer.admin.logins import attempt_login
    from data_layer.core.db import write_session
    from data_layer.core.models import LoginThrottle, utcnow

    with write_session() as session:
        for name in ("chilang", "khong-co-ai"):
            session.add(
                LoginThrottle(
                    client="127.0.0.1",
                    username=name,
                    failures=9,
                    blocked_until=utcnow() + timedelta(minutes=4),
                )
            )
    sentences = []
    for name in ("chilang", "khong-co-ai"):
        at = app_as(None).run()
        at.text_input[0].input(name)
        at.text_input[1].input("ansinh-demo")
        at.button[0].click().run()
        assert not at.session_state["authentication_status"] and not at.exception
        sentences.append([e.value for e in at.error])
    assert sentences[0] == sentences[1] and "thử lại sau 4 phút" in sentences[0][0]
    with write_session() as session:  # the owner, from the browser they always use
        assert attempt_login(session, "203.0.113.7", "chilang", "ansinh-demo").ok
