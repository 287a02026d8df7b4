"""Progress charts, the what-if budget and the report download, as a person uses them."""

import re

from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.e2e.conftest import choose, enter_as, open_menu_page, wait_idle

DEMO_CAMPAIGN = "Tết Nguyên đán Bính Ngọ 2026"


def test_progress_charts_render(page, server):
    enter_as(page, server, "quan")
    open_menu_page(page, "Tiến độ")
    choose(page, "Đợt tặng quà", DEMO_CAMPAIGN)
    # at least three charts; each is drawn a moment after the run that sent it (counting at once was flaky)
    expect(page.locator(".vega-embed").nth(2)).to_be_visible()
    expect(page.get_by_text("Chất lượng dữ liệu: Đúng, Đủ, Sạch, Sống")).to_be_visible()


def test_what_if_change_updates_the_total(page, server):
    enter_as(page, server, "quan")
    open_menu_page(page, "Dự toán")
    choose(page, "Đợt tặng quà", DEMO_CAMPAIGN)
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


def test_download_the_summary_report(page, server, tmp_path):
    enter_as(page, server, "quan")
    open_menu_page(page, "Báo cáo")
    choose(page, "Đợt tặng quà", DEMO_CAMPAIGN)
    expect(page.get_by_text("Tổng cộng:").first).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Tải báo cáo kết quả (.xlsx)").click()
    download = download_info.value
    assert download.suggested_filename.startswith("bao_cao_ket_qua_tet_nguyen_dan_binh_ngo_2026_")
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    workbook = load_workbook(path)  # built when the button was clicked, not when the page opened
    assert workbook.sheetnames[0] == "Tổng hợp"
    assert workbook["Tổng hợp"]["A5"].value == "BÁO CÁO KẾT QUẢ TẶNG QUÀ"
    assert workbook["Tổng hợp"]["C1"].value == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"


def test_a_data_quality_count_opens_those_people(page, server):
    enter_as(page, server, "quan")
    open_menu_page(page, "Tiến độ")
    link = page.get_by_role("link", name=re.compile(r"^Thiếu CCCD: [\d.]+$"))
    expect(link).to_be_visible()
    count = link.inner_text().split(": ")[1]
    link.click()
    wait_idle(page)
    expect(page.get_by_role("heading", name="Đối tượng")).to_be_visible()
    expect(page.get_by_text(f"tổng {count} người")).to_be_visible()
    expect(page.get_by_role("combobox", name="Lỗi dữ liệu", exact=True)).to_have_value("Thiếu CCCD")
