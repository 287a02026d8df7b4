"""AppTest helpers: the demo database, seeded once per test run and copied for every test, and a way
to act as a logged-in user."""

from __future__ import annotations

import sqlite3
from contextlib import closing

import pytest
from streamlit.testing.v1 import AppTest

from data_layer.admin.logins import get_active_user
from data_layer.cli import main as ansinh
from data_layer.core.db import read_session
from tests.conftest import REPO_ROOT
from ui.session import VERSION_KEY

DEMO_USERS = {"admin": "admin", "province": "soyte", "district": "quan", "ward": "dongkinh", "viewer": "xem"}


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory) -> str:
    """A demo database built once (`ansinh db init --demo`), to be copied by each test."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    assert ansinh(["db", "init", "--demo", "--db", f"sqlite:///{path}"]) == 0
    return str(path)


@pytest.fixture
def demo_db(tmp_sqlite_env, demo_template) -> str:
    """A private copy of the demo database behind ANSINH_DATABASE_URL (SQLite's backup API copies
    what is still in the write-ahead log too)."""
    with (
        closing(sqlite3.connect(demo_template)) as source,
        closing(sqlite3.connect(tmp_sqlite_env.removeprefix("sqlite:///"))) as target,
    ):
        source.backup(target)
    return tmp_sqlite_env


def app_as(username: str | None, page: str = "app.py") -> AppTest:
    """An AppTest of ``page`` with ``username`` already logged in (None: nobody)."""
    at = AppTest.from_file(str(REPO_ROOT / page), default_timeout=30)
    if username:
        at.session_state["authentication_status"] = True
        at.session_state["username"] = username
        at.session_state["name"] = username
        with read_session() as session:  # as a login records it
            user = get_active_user(session, username)
            at.session_state[VERSION_KEY] = user.session_version if user else None
    return at


def open_page(username: str, page: str) -> AppTest:
    """``page`` reached through app.py's menu (st.navigation), as a logged-in user opens it.

    Needed where a page links to other pages (st.page_link knows only pages the menu declared).
    """
    at = app_as(username).run()
    assert not at.exception, at.exception
    return at.switch_page(page).run()
