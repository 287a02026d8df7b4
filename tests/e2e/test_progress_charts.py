"""The progress page draws its Altair charts for the demo season."""

from playwright.sync_api import expect

from tests.e2e.conftest import login, open_menu_page, wait_idle


def test_progress_charts_render(page, server):
    login(page, server.url, "quan")
    open_menu_page(page, "Tiến độ")
    expect(page.locator(".vega-embed").first).to_be_visible()
    assert page.locator(".vega-embed").count() >= 3
    expect(page.get_by_text("Chất lượng dữ liệu: Đúng, Đủ, Sạch, Sống")).to_be_visible()


def test_what_if_change_updates_the_total(page, server):
    login(page, server.url, "quan")
    open_menu_page(page, "Dự toán")
    totals = page.get_by_test_id("stMetricValue")
    expect(totals.nth(1)).to_be_visible()
    before = totals.nth(1).inner_text()
    expect(page.locator(".vega-embed").first).to_be_visible()
    growth = page.get_by_label("Tăng/giảm số người (%)")
    growth.fill("20")
    growth.press("Enter")
    wait_idle(page)
    expect(totals.nth(1)).not_to_have_text(before)
    assert totals.nth(0).inner_text() == before  # the current total stays
