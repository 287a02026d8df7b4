"""Logins, cookies and addresses: a voided cookie, a role's wards, direct URLs without login show nothing,
a restarted server's menu. Every role's walk through its menu is in test_vietnamese_only."""

from playwright.sync_api import expect

from tests.e2e.conftest import login, logout, open_menu_page, start_server, wait_idle
from ui.navigation import PAGES


def test_a_login_cookie_is_void_after_logout(page, other_page, server):
    """The re-login cookie carries the account's session version: logout raises it on the server."""
    login(page, server.url, "quan")
    saved = [c for c in page.context.cookies() if c["name"] == "ansinh_auth"]
    assert saved
    visitor = other_page  # another browser, given the saved cookie

    def visit_with_saved_cookie():
        visitor.context.clear_cookies()
        visitor.context.add_cookies(saved)
        visitor.goto(server.url)
        wait_idle(visitor)

    visit_with_saved_cookie()  # still valid: it logs a new browser in
    expect(visitor.get_by_role("button", name="Đăng xuất")).to_be_visible()
    logout(page)
    expect(page.get_by_test_id("stSidebarNav")).to_have_count(0)  # no menu left from the last user
    visit_with_saved_cookie()
    expect(visitor.get_by_label("Tên đăng nhập")).to_be_visible()
    expect(visitor.get_by_role("button", name="Đăng xuất")).to_have_count(0)


def test_province_officer_sees_the_wards_of_the_province(page, server):
    """The demo's Sở Y tế account: every ward of Lạng Sơn (all six demo wards), campaign approvals."""
    login(page, server.url, "soyte")
    expect(page.get_by_test_id("stMetricValue").first).to_have_text("6")
    expect(page.get_by_text("Phường Đông Kinh").first).to_be_visible()
    open_menu_page(page, "Tình hình báo cáo")
    expect(page.get_by_role("heading", level=1).first).to_be_visible()


def test_ward_user_sees_only_their_ward(page, server):
    login(page, server.url, "dongkinh")
    metrics = page.get_by_test_id("stMetricValue")
    expect(metrics.first).to_have_text("1")
    expect(page.get_by_text("Phạm vi của bạn: Phường Đông Kinh")).to_be_visible()
    expect(page.get_by_text("Phường Lương Văn Tri")).to_have_count(0)


def test_page_urls_without_login_show_nothing(page, server):
    """Every page's address opened without a login cookie shows the login form and no data (the first
    visit of a freshly started server is test_a_bookmarked_page_opened_first_on_a_restarted_server…)."""
    for file, _title, _icon, _roles in PAGES:
        page.goto(f"{server.url}/{file.removeprefix('pages/').removesuffix('.py')}")
        wait_idle(page)
        expect(page.get_by_label("Tên đăng nhập")).to_be_visible()
        expect(page.get_by_test_id("stMetric")).to_have_count(0)
        expect(page.get_by_test_id("stDataFrame")).to_have_count(0)
        expect(page.get_by_role("button", name="Đăng xuất")).to_have_count(0)
        body = page.locator("body").inner_text()
        assert "đăng nhập" in body.lower()
        assert "Nguyễn" not in body and "Phường Đông Kinh" not in body
        assert "Page not found" not in body and "does not seem to exist" not in body


def test_a_bookmarked_page_opened_first_on_a_restarted_server_has_the_vietnamese_menu(
    page, other_page, tmp_path, demo_template
):
    """The first visit of a freshly started server goes to /budget (a bookmark after a restart): no menu
    of English file names, neither for that visitor nor for later ones, before or after logging in."""
    file_names = ["allowance budget", "ward report", "import lists", "audit log"]

    def menu_is_vietnamese(page) -> None:
        nav = page.get_by_test_id("stSidebarNav")
        expect(nav.get_by_text("Dự toán", exact=True)).to_be_visible()
        for name in file_names:
            expect(nav.get_by_text(name)).to_have_count(0)

    fresh = start_server(tmp_path, template=demo_template)
    try:
        page.goto(f"{fresh.url}/budget")
        wait_idle(page)
        expect(page.get_by_label("Tên đăng nhập")).to_be_visible()
        expect(page.get_by_test_id("stSidebarNav")).to_have_count(0)
        page.get_by_label("Tên đăng nhập").fill("quan")
        page.get_by_label("Mật khẩu").fill("ansinh-demo")
        page.get_by_role("button", name="Đăng nhập").click()
        wait_idle(page)
        menu_is_vietnamese(page)
        fresh.stop()
        # the same database (the login cookie is still good) and address, as a restart leaves them
        fresh = start_server(tmp_path, demo=False, port=int(fresh.url.rsplit(":", 1)[1]))
        page.goto(f"{fresh.url}/budget")
        wait_idle(page)
        expect(page.get_by_role("heading", name="Dự toán", level=1)).to_be_visible()
        menu_is_vietnamese(page)
        visitor = other_page  # a later visitor, in another browser
        visitor.goto(f"{fresh.url}/progress")
        wait_idle(visitor)
        expect(visitor.get_by_label("Tên đăng nhập")).to_be_visible()
        assert not any(name in visitor.locator("body").inner_text() for name in file_names)
    finally:
        fresh.stop()


def test_an_address_outside_the_role_says_so_in_vietnamese(page, server):
    login(page, server.url, "dongkinh")
    page.goto(f"{server.url}/admin")
    wait_idle(page)
    expect(page.get_by_text("Trang này không dành cho tài khoản của bạn.")).to_be_visible()
    expect(page.get_by_text("Page not found")).to_have_count(0)
    expect(page.get_by_test_id("stSidebarNav").get_by_text("Quản trị", exact=True)).to_have_count(0)
