"""The progress page draws its Altair charts for the demo season."""

from playwright.sync_api import expect

from tests.e2e.conftest import login, open_menu_page


def test_progress_charts_render(page, server):
    login(page, server.url, "quan")
    open_menu_page(page, "Tiến độ")
    expect(page.locator(".vega-embed").first).to_be_visible()
    assert page.locator(".vega-embed").count() >= 3
    expect(page.get_by_text("Chất lượng dữ liệu: Đúng, Đủ, Sạch, Sống")).to_be_visible()
