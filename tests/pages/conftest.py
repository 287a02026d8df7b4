"""AppTest helpers: the demo database, seeded once per test run and copied for every test, and a way
to act as a logged-in user."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from streamlit.components.v2 import manifest_scanner
from streamlit.testing.v1 import AppTest

from data_layer.admin.logins import get_active_user
from data_layer.core.db import read_session
from tests.conftest import REPO_ROOT
from ui.session import VERSION_KEY

DEMO_USERS = {"admin": "admin", "province": "soyte", "district": "quan", "ward": "dongkinh", "viewer": "xem"}


@pytest.fixture(scope="session", autouse=True)
def components_scanned_once() -> Iterator[None]:
    """Each new AppTest looks for installed Streamlit components by reading the metadata of every
    installed package (about 0.1 s of CPU; 228 times, 27 s, in a run). The packages do not change during
    a run: the worker's first scan serves every AppTest after it."""
    found = manifest_scanner.scan_component_manifests()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(manifest_scanner, "scan_component_manifests", lambda max_workers=None: list(found))
        yield


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
