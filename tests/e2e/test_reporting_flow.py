"""A ward signs off a report, the district sees the reporting grid change and approves the ward, the
ward's Phát quà turns read-only; the district unlocks it again with a reason."""

from playwright.sync_api import Page, expect

from tests.e2e.conftest import choose, login, logout, open_menu_page, wait_idle

WARD_USER, WARD = "chilang", "Phường Lương Văn Tri"
CAMPAIGN = "Tết Nguyên đán Bính Ngọ 2026"  # the demo's (other tests add campaigns that may be listed first)


def _late_reports(page: Page) -> str:
    metric = page.get_by_test_id("stMetric").filter(has_text="Báo cáo muộn")
    return metric.get_by_test_id("stMetricValue").inner_text()


def test_sign_off_grid_approve_lock_and_unlock(page, server):
    login(page, server.url, "quan")
    open_menu_page(page, "Tình hình báo cáo")
    choose(page, "Đợt tặng quà", CAMPAIGN)
    late_before = int(_late_reports(page))
    logout(page)

    login(page, server.url, WARD_USER)
    open_menu_page(page, "Báo cáo của phường")
    choose(page, "Đợt tặng quà", CAMPAIGN)
    choose(page, "Kỳ báo cáo", "Báo cáo tổng kết (hạn 25/02/2026)")
    page.get_by_role("button", name="Chốt số liệu kỳ này").click()
    wait_idle(page)
    expect(page.get_by_text("Đã chốt số liệu 'Báo cáo tổng kết'").first).to_be_visible()
    logout(page)

    login(page, server.url, "quan")
    open_menu_page(page, "Tình hình báo cáo")
    choose(page, "Đợt tặng quà", CAMPAIGN)
    assert int(_late_reports(page)) == late_before + 1  # due 25/02/2026, sent today: late
    expect(page.get_by_role("heading", name="Duyệt số liệu")).to_be_visible()
    choose(page, "Phường/xã cần duyệt", WARD)
    page.get_by_role("button", name="Duyệt và khóa số liệu").click()
    wait_idle(page)
    page.get_by_role("button", name="Duyệt", exact=True).click()
    wait_idle(page)
    expect(page.get_by_text(f"Đã duyệt và khóa số liệu của {WARD}.").first).to_be_visible()
    logout(page)

    login(page, server.url, WARD_USER)
    open_menu_page(page, "Phát quà")
    choose(page, "Đợt tặng quà", CAMPAIGN)
    expect(page.get_by_text(f"Số liệu của {WARD} trong đợt")).to_be_visible()
    expect(page.get_by_role("button", name="Đánh dấu đã phát")).to_have_count(0)
    expect(page.get_by_role("button", name="Ghi quà tập thể")).to_have_count(0)
    logout(page)

    login(page, server.url, "quan")
    open_menu_page(page, "Tình hình báo cáo")
    choose(page, "Đợt tặng quà", CAMPAIGN)
    choose(page, "Phường/xã cần mở khóa", WARD)
    page.get_by_label("Lý do mở khóa (bắt buộc)").fill("Hội Chữ thập đỏ báo thêm 5 suất")
    page.get_by_role("button", name="Mở khóa").click()
    wait_idle(page)
    expect(page.get_by_text(f"Đã mở khóa số liệu của {WARD}.").first).to_be_visible()
    logout(page)

    login(page, server.url, WARD_USER)
    open_menu_page(page, "Phát quà")
    choose(page, "Đợt tặng quà", CAMPAIGN)
    expect(page.get_by_role("button", name="Đánh dấu đã phát")).to_be_visible()
    expect(page.get_by_text(f"Số liệu của {WARD} trong đợt")).to_have_count(0)
