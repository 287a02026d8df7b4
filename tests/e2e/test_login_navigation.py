"""A person logs in, walks through every menu page, logs out; direct URLs without login show nothing."""

from playwright.sync_api import expect

from tests.e2e.conftest import login, logout, open_menu_page, start_server, wait_idle
from ui.navigation import PAGES

ROLE_USERS = {"admin": "admin", "district": "quan", "ward": "dongkinh", "viewer": "xem"}


def test_admin_logs_in_visits_every_page_and_logs_out(page, server):
    login(page, server.url, "admin")
    for _file, title, _icon, _roles in PAGES:
        open_menu_page(page, title)
        expect(page.get_by_test_id("stException")).to_have_count(0)
        expect(page.get_by_role("heading", level=1).first).to_be_visible()
    logout(page)
    page.goto(server.url)  # a new session must not be logged in again by a left-over cookie
    expect(page.get_by_label("Tên đăng nhập")).to_be_visible()
    expect(page.get_by_test_id("stMetric")).to_have_count(0)


def test_a_login_cookie_is_void_after_logout(browser, page, server):
    """The re-login cookie carries the account's session version: logout raises it on the server."""
    login(page, server.url, "quan")
    saved = [c for c in page.context.cookies() if c["name"] == "ansinh_auth"]
    assert saved

    def visit_with_saved_cookie():
        context = browser.new_context()
        context.add_cookies(saved)
        visitor = context.new_page()
        visitor.goto(server.url)
        wait_idle(visitor)
        return context, visitor

    context, visitor = visit_with_saved_cookie()  # still valid: it logs a new browser in
    expect(visitor.get_by_role("button", name="Đăng xuất")).to_be_visible()
    context.close()
    logout(page)
    expect(page.get_by_test_id("stSidebarNav")).to_have_count(0)  # no menu left from the last user
    context, visitor = visit_with_saved_cookie()
    expect(visitor.get_by_label("Tên đăng nhập")).to_be_visible()
    expect(visitor.get_by_role("button", name="Đăng xuất")).to_have_count(0)
    context.close()


def test_menu_depends_on_role(page, server):
    for role, username in ROLE_USERS.items():
        login(page, server.url, username)
        nav = page.get_by_test_id("stSidebarNav")
        visible = [title for _file, title, _icon, roles in PAGES if role in roles]
        for _file, title, _icon, _roles in PAGES:
            # Streamlit shows no menu at all when a role has a single page
            shown = title in visible and len(visible) > 1
            expect(nav.get_by_text(title, exact=True)).to_have_count(1 if shown else 0)
        logout(page)


def test_ward_user_sees_only_their_ward(page, server):
    login(page, server.url, "dongkinh")
    metrics = page.get_by_test_id("stMetricValue")
    expect(metrics.first).to_have_text("1")
    expect(page.get_by_text("Phạm vi của bạn: Phường Đông Kinh")).to_be_visible()
    expect(page.get_by_text("Phường Chi Lăng")).to_have_count(0)


def test_page_urls_on_a_fresh_server_show_nothing_without_login(browser, tmp_path):
    fresh = start_server(tmp_path)
    try:
        context = browser.new_context()
        page = context.new_page()
        for file, _title, _icon, _roles in PAGES:
            page.goto(f"{fresh.url}/{file.removeprefix('pages/').removesuffix('.py')}")
            wait_idle(page)
            expect(page.get_by_test_id("stException")).to_have_count(0)
            expect(page.get_by_test_id("stMetric")).to_have_count(0)
            expect(page.get_by_test_id("stDataFrame")).to_have_count(0)
            expect(page.get_by_role("button", name="Đăng xuất")).to_have_count(0)
            body = page.locator("body").inner_text()
            assert "đăng nhập" in body.lower()
            assert "Nguyễn" not in body and "Phường Đông Kinh" not in body
        context.close()
    finally:
        fresh.stop()
