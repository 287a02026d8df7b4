"""AppTest helpers: a demo database per test and a way to act as a logged-in user."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from data_layer.cli import main as ansinh
from tests.conftest import REPO_ROOT

DEMO_USERS = {"admin": "admin", "district": "quan", "ward": "dongkinh", "viewer": "xem"}


@pytest.fixture
def demo_db(tmp_sqlite_env):
    assert ansinh(["db", "init", "--demo"]) == 0
    return tmp_sqlite_env


def app_as(username: str | None, page: str = "app.py") -> AppTest:
    """An AppTest of ``page`` with ``username`` already logged in (None: nobody)."""
    at = AppTest.from_file(str(REPO_ROOT / page), default_timeout=30)
    if username:
        at.session_state["authentication_status"] = True
        at.session_state["username"] = username
        at.session_state["name"] = username
    return at


def open_page(username: str, page: str) -> AppTest:
    """``page`` reached through app.py's menu (st.navigation), as a logged-in user opens it.

    Needed where a page links to other pages (st.page_link knows only pages the menu declared).
    """
    at = app_as(username).run()
    assert not at.exception, at.exception
    return at.switch_page(page).run()
