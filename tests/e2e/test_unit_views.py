"""Each office watches its child units (issue 23): a commune office (phường/xã) its tổ dân phố, the
province's Sở Y tế its communes; both log in and open Tiến độ without an error box."""

import re

from playwright.sync_api import Locator, expect

from tests.e2e.conftest import choose, enter_as, open_menu_page

DEMO_CAMPAIGN = "Tết Nguyên đán Bính Ngọ 2026"


def cell(grid: Locator, text: str) -> Locator:
    """The grid's cells showing exactly ``text`` (Streamlit's grid draws on a canvas and keeps its cells in
    an accessible table that is not visible, so role queries, which skip hidden elements, miss them)."""
    return grid.locator("[role=gridcell]").filter(has_text=re.compile(f"^{re.escape(text)}$"))


def test_commune_office_watches_its_hamlets(page, server):
    enter_as(page, server, "dongkinh")
    open_menu_page(page, "Tiến độ")
    choose(page, "Đợt tặng quà", DEMO_CAMPAIGN)
    expect(page.get_by_text("Kế hoạch và đã phát theo thôn/tổ dân phố", exact=False)).to_be_visible()
    grid = page.get_by_test_id("stDataFrame").first
    for hamlet in ("Khối 1", "Khối 2", "Khối 3", "Khối 4"):
        expect(cell(grid, hamlet)).to_have_count(1)
    expect(cell(grid, "Phường Đông Kinh")).to_have_count(0)


def test_province_officer_watches_the_communes(page, server):
    enter_as(page, server, "soyte")
    open_menu_page(page, "Tiến độ")
    choose(page, "Đợt tặng quà", DEMO_CAMPAIGN)
    expect(page.get_by_text("Kế hoạch và đã phát theo phường/xã", exact=False)).to_be_visible()
    grid = page.get_by_test_id("stDataFrame").first
    expect(cell(grid, "Phường Đông Kinh")).to_have_count(1)
    expect(cell(grid, "Khối 1")).to_have_count(0)
