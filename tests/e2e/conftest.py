"""Browser tests: a real `streamlit run` on a free port, driven by Debian's Chromium through Playwright."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect, sync_playwright
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from sqlalchemy import text

from data_layer.admin.logins import get_active_user
from data_layer.core.db import get_engine, read_session
from tests.conftest import REPO_ROOT, copy_sqlite
from ui.session import COOKIE_NAME, login_token

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
DEMO_PASSWORD = "ansinh-demo"
E2E_COOKIE_KEY = "e2e-only-cookie-key-0123456789abcdef"
# Counts the script runs that finished without asking for another run (Streamlit's own message: a
# ForwardMsg whose field 6, script_finished, is not 2, FINISHED_EARLY_FOR_RERUN), so that a test waits
# for the run its action caused, st.rerun() included, instead of sleeping. Streamlit shows
# data-test-script-state="notRunning" for a moment between a run and the rerun it asked for.
COUNT_RUNS = """
window.__ansinhRunsFinished = 0;
window.__ansinhRunsSeen = 0;
const countFinishedRun = (bytes) => {
  let i = 0;
  const varint = () => {
    let value = 0, shift = 0, byte;
    do { byte = bytes[i++]; value += (byte & 0x7f) * 2 ** shift; shift += 7; } while (byte & 0x80);
    return value;
  };
  while (i < bytes.length) {
    const key = varint(), field = Math.floor(key / 8), wire = key % 8;
    if (wire === 0) {
      const value = varint();
      if (field === 6 && value !== 2) window.__ansinhRunsFinished += 1;
    }
    else if (wire === 2) { const length = varint(); i += length; }  // not i += varint(): i is read first
    else if (wire === 1) i += 8;
    else if (wire === 5) i += 4;
    else return;
  }
};
const NativeWebSocket = window.WebSocket;
window.WebSocket = class extends NativeWebSocket {
  constructor(...args) {
    super(...args);
    this.addEventListener("message", (event) => {
      if (event.data instanceof ArrayBuffer) countFinishedRun(new Uint8Array(event.data));
    });
  }
};
"""
IDLE_AFTER_A_NEW_RUN = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return window.__ansinhRunsFinished > window.__ansinhRunsSeen
    && app !== null && app.getAttribute("data-test-script-state") === "notRunning";
}"""
ERROR_BOX_TEXTS = ("This app has encountered an error", "mã tham chiếu")
# The texts of the error boxes on the page: Streamlit's own, and any element whose text holds one of the
# words (the innermost, for the message). One script: three locator counts after every run cost the
# browser 10-30 ms on a page with a table, and three round trips.
ERROR_BOXES = """(words) => {
  const found = [...document.querySelectorAll('[data-testid="stException"]')].map((box) => box.innerText);
  const text = (node) => node.textContent.replace(/\\s+/g, " ").toLowerCase();
  const page = text(document.body);
  for (const word of words.map((w) => w.toLowerCase())) {
    if (!page.includes(word)) continue;
    const holders = [...document.body.querySelectorAll("*")].filter((el) => text(el).includes(word));
    found.push(holders.length ? holders[holders.length - 1].innerText : word);
  }
  return found;
}"""
# expect() waits 5 s by default, apart from the context's timeout: a login on a loaded 2-core machine
# takes longer (bcrypt, the first run of a page). Give assertions the same patience as actions.
expect.set_options(timeout=20_000)


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    url: str
    db_url: str
    process: subprocess.Popen

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def start_server(
    workdir: Path,
    *,
    demo: bool = True,
    db_url: str | None = None,
    cookie_key: bool = True,
    template: str | None = None,
    port: int | None = None,
) -> Server:
    """Serve the app on a free port, on a database (default: a SQLite file in ``workdir``) that is a
    copy of the SQLite file ``template`` when given, else made by `ansinh db init --demo`; with
    ``demo=False``, the database is served as it is (set up before, by the test or another server).

    ``cookie_key=False`` leaves ANSINH_COOKIE_KEY unset: the server finds its key as in production;
    ``port`` serves on that port (a restarted server's address), else on a free one."""
    db_url = db_url or f"sqlite:///{workdir / 'e2e.db'}"
    env = {**os.environ, "ANSINH_DATABASE_URL": db_url, "ANSINH_DATA_DIR": str(workdir / "data")}
    env.pop("ANSINH_COOKIE_KEY", None)
    if cookie_key:
        env["ANSINH_COOKIE_KEY"] = E2E_COOKIE_KEY
    if template:
        copy_sqlite(template, db_url)
    elif demo:
        init = [sys.executable, "-m", "data_layer.cli", "db", "init", "--demo"]
        subprocess.run(init, cwd=REPO_ROOT, env=env, check=True, capture_output=True)
    port = port or _free_port()
    log = open(workdir / "streamlit.log", "w")  # noqa: SIM115 - closed with the process
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "app.py",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
            "--server.fileWatcherType",
            "none",
        ],
        cwd=REPO_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return Server(url=url, db_url=db_url, process=process)
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError("streamlit did not start:\n" + (workdir / "streamlit.log").read_text())


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    assert Path(CHROMIUM).exists(), "Chromium is missing: `make test` installs Debian's chromium package"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def running_server(tmp_path_factory, demo_template) -> Iterator[Server]:
    server = start_server(tmp_path_factory.mktemp("e2e"), template=demo_template)
    yield server
    server.stop()


@pytest.fixture
def server(running_server, demo_template) -> Server:
    """The shared server, its database put back to the demo data for this test (no test sees what
    another wrote). The data version moves on, never back: the server's caches, keyed by it, cannot
    serve figures of an earlier test."""
    engine = get_engine(running_server.db_url)
    with engine.connect() as conn:
        version = conn.execute(text("SELECT data_version FROM databasestate WHERE id = 1")).scalar_one()
    engine.dispose()
    copy_sqlite(demo_template, running_server.db_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE databasestate SET data_version = :v WHERE id = 1"), {"v": version + 1})
    engine.dispose()
    return running_server


def new_browser_context(browser: Browser) -> BrowserContext:
    """A fresh browser profile (no cookies) whose pages count Streamlit's script runs (see wait_idle)."""
    context = browser.new_context(
        viewport={"width": 1400, "height": 1000}, locale="vi-VN", accept_downloads=True
    )
    context.set_default_timeout(20_000)
    context.add_init_script(COUNT_RUNS)
    return context


@dataclass
class Tab:
    """A browser tab kept from test to test, in a browser profile of its own (see the ``page`` fixture)."""

    context: BrowserContext
    page: Page | None = None

    def lend(self) -> Iterator[Page]:
        """The tab for one test, emptied afterwards; a tab that will not empty is closed, and the next
        test opens another."""
        if self.page is None or self.page.is_closed():
            self.page = self.context.new_page()
        page = self.page
        try:
            yield page
            if page.url.startswith("http"):  # what the last action drew has settled by now
                assert_no_error_box(page)
        finally:
            self._empty()

    def _empty(self) -> None:
        """Leave the tab as a new one: no page open, no cookies, nothing stored, no other tab a test
        opened in the same profile."""
        for extra in self.context.pages:
            if extra is not self.page:
                extra.close()
        try:
            if self.page.url.startswith("http"):
                self.page.evaluate("() => { localStorage.clear(); sessionStorage.clear(); }")
            self.page.goto("about:blank")
        except PlaywrightError:
            self.page.close()
        self.context.clear_cookies()


@pytest.fixture(scope="session")
def worker_tabs(browser) -> Iterator[dict[str, Tab]]:
    """The worker's tabs by name, each in its own browser profile, made when a test first asks."""
    tabs: dict[str, Tab] = {}
    yield tabs
    for tab in tabs.values():
        tab.context.close()


def _tab(worker_tabs: dict[str, Tab], browser: Browser, name: str) -> Tab:
    if name not in worker_tabs:
        worker_tabs[name] = Tab(new_browser_context(browser))
    return worker_tabs[name]


@pytest.fixture
def page(worker_tabs, browser) -> Iterator[Page]:
    """A tab with no cookies and nothing stored, as a new visitor's browser has. It is one of the
    worker's tabs, emptied after each test: its renderer keeps Streamlit's scripts compiled, so a test's
    page loads and first visits cost about a third less browser time than in a new tab (a walk through
    the 18 pages of the province: 7.7 against 11.2 core-seconds)."""
    yield from _tab(worker_tabs, browser, "page").lend()


@pytest.fixture
def other_page(worker_tabs, browser) -> Iterator[Page]:
    """A second visitor's tab, in another browser profile than ``page`` (its own cookies)."""
    yield from _tab(worker_tabs, browser, "other_page").lend()


def wait_idle(page: Page) -> None:
    """Wait until a script run that finished after the previous wait (the one the last action caused;
    one that only asked for a rerun does not count) has left the app idle, then check that no error box
    is on the page. The browser may draw the run's last elements a moment later: assert them with
    ``expect``, which waits; the ``page`` fixture checks for error boxes once more at the end."""
    page.wait_for_function(IDLE_AFTER_A_NEW_RUN, timeout=60_000)
    # Marked apart from the wait, not inside its script: that let the next click come a few ms sooner,
    # and a form's submit right after a page switch was then lost (4 of 48 campaign flows under load).
    page.evaluate("window.__ansinhRunsSeen = window.__ansinhRunsFinished")
    assert_no_error_box(page)


def error_boxes(page: Page) -> list[str]:
    """The texts of the error boxes on the page (Streamlit's, or An Sinh's apology for a bug)."""
    return page.evaluate(ERROR_BOXES, list(ERROR_BOX_TEXTS))


def assert_no_error_box(page: Page) -> None:
    """Neither Streamlit's English error box nor An Sinh's apology for a bug is on the page."""
    assert error_boxes(page) == [], "error box on the page"


def login(page: Page, base_url: str, username: str, password: str = DEMO_PASSWORD) -> None:
    page.goto(base_url)
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("button", name="Đăng xuất")).to_be_visible()
    wait_idle(page)


def enter_as(page: Page, server: Server, username: str) -> None:
    """Open the app as ``username``, logged in by a valid re-login cookie as a returning user's browser
    is: a second quicker than the form, for tests about what comes after the login. The form itself
    (and the cookie it writes) is tested by ``login`` in test_login_navigation and test_vietnamese_only."""
    with read_session(get_engine(server.db_url)) as session:
        version = get_active_user(session, username).session_version
    expires = (datetime.now() + timedelta(days=1)).timestamp()  # the library compares local timestamps
    token = login_token(username, version, expires, E2E_COOKIE_KEY)
    page.context.add_cookies([{"name": COOKIE_NAME, "value": token, "url": server.url}])
    page.goto(server.url)
    expect(page.get_by_role("button", name="Đăng xuất")).to_be_visible()
    wait_idle(page)


def logout(page: Page) -> None:
    page.get_by_role("button", name="Đăng xuất").click()
    # a saved change's message shows twice, in the success box and in a toast: tests look at the first
    expect(page.get_by_text("Bạn đã đăng xuất.").first).to_be_visible()
    expect(page.get_by_label("Tên đăng nhập")).to_be_visible()
    wait_idle(page)


def reopen(page: Page) -> None:
    """Load the page's address again, as F5 does: a new session, logged in by the login cookie (read
    from the request in its first run), with none of the last session's choices."""
    page.reload()
    wait_idle(page)
    expect(page.get_by_role("button", name="Đăng xuất")).to_be_visible()


def choose(page: Page, label: str, option: str) -> None:
    """Pick ``option`` in the select box labelled ``label`` and wait for the run it causes."""
    if pick(page, label, option):
        wait_idle(page)


def pick(page: Page, label: str, option: str, attempts: int = 3) -> bool:
    """Pick ``option`` in the select box labelled ``label``; False when it was already chosen. Waits for
    nothing after: a box in a form runs nothing until the form is sent.

    A box's open list closes when the page scrolls, and the page still scrolls a little after a run has
    ended (a table or chart above the box takes its final height): the option is then gone before it
    is clicked. So the list is opened again, a few times, until the box shows the option."""
    box = page.get_by_role("combobox", name=label, exact=True)
    if box.input_value() == option:
        return False  # picking it again would run nothing
    entry = page.get_by_role("option", name=option, exact=True)
    for _ in range(attempts - 1):
        try:
            _open_and_click(box, entry, timeout=5_000)
            return True
        except PlaywrightTimeoutError:
            if box.input_value() == option:
                return True  # the click landed as the list closed
    _open_and_click(box, entry)
    return True


def _open_and_click(box: Locator, entry: Locator, timeout: float | None = None) -> None:
    box.scroll_into_view_if_needed()  # a box low on the page: its list opens where it can be clicked
    if not entry.is_visible():
        box.click()
    entry.click(timeout=timeout)


def open_menu_page(page: Page, title: str) -> None:
    """Open the menu entry ``title`` (nothing to wait for when it is the page on screen)."""
    link = page.get_by_test_id("stSidebarNavLink").filter(has=page.get_by_text(title, exact=True))
    if link.get_attribute("href").rstrip("/") == page.url.split("?")[0].rstrip("/"):
        return
    link.click()
    wait_idle(page)
