"""A ward signs off a report, the district sees the reporting grid change and approves the ward, the
ward's Phát quà turns read-only; the district unlocks it again with a reason."""

from playwright.sync_api import Page, expect

from tests.e2e.conftest import choose, enter_as, open_menu_page, reopen, wait_idle

WARD_USER, WARD = "chilang", "Phường Lương Văn Tri"
CAMPAIGN = "Tết Nguyên đán Bính Ngọ 2026"  # the demo's (other tests add campaigns that may be listed first)


def _late_reports(page: Page) -> str:
    metric = page.get_by_test_id("stMetric").filter(has_text="Báo cáo muộn")
    return metric.get_by_test_id("stMetricValue").inner_text()


def test_sign_off_grid_approve_lock_and_unlock(page, other_page, server):
    district = page  # the district office and the ward work side by side, each in its own browser
    enter_as(district, server, "quan")
    open_menu_page(district, "Tình hình báo cáo")
    choose(district, "Đợt tặng quà", CAMPAIGN)
    late_before = int(_late_reports(district))

    ward = other_page
    enter_as(ward, server, WARD_USER)
    open_menu_page(ward, "Báo cáo của phường")
    choose(ward, "Đợt tặng quà", CAMPAIGN)
    choose(ward, "Kỳ báo cáo", "Báo cáo tổng kết (hạn 25/02/2026)")
    ward.get_by_role("button", name="Chốt số liệu kỳ này").click()
    wait_idle(ward)
    expect(ward.get_by_text("Đã chốt số liệu 'Báo cáo tổng kết'").first).to_be_visible()

    reopen(district)
    choose(district, "Đợt tặng quà", CAMPAIGN)
    assert int(_late_reports(district)) == late_before + 1  # due 25/02/2026, sent today: late
    expect(district.get_by_role("heading", name="Duyệt số liệu")).to_be_visible()
    choose(district, "Phường/xã cần duyệt", WARD)
    district.get_by_role("button", name="Duyệt và khóa số liệu").click()
    wait_idle(district)
    district.get_by_role("button", name="Duyệt", exact=True).click()
    wait_idle(district)
    expect(district.get_by_text(f"Đã duyệt và khóa số liệu của {WARD}.").first).to_be_visible()

    open_menu_page(ward, "Phát quà")
    choose(ward, "Đợt tặng quà", CAMPAIGN)
    expect(ward.get_by_text(f"Số liệu của {WARD} trong đợt")).to_be_visible()
    expect(ward.get_by_role("button", name="Đánh dấu đã phát")).to_have_count(0)
    expect(ward.get_by_role("button", name="Ghi quà tập thể")).to_have_count(0)

    choose(district, "Phường/xã cần mở khóa", WARD)
    district.get_by_label("Lý do mở khóa (bắt buộc)").fill("Hội Chữ thập đỏ báo thêm 5 suất")
    district.get_by_role("button", name="Mở khóa").click()
    wait_idle(district)
    expect(district.get_by_text(f"Đã mở khóa số liệu của {WARD}.").first).to_be_visible()

    reopen(ward)
    choose(ward, "Đợt tặng quà", CAMPAIGN)
    expect(ward.get_by_role("button", name="Đánh dấu đã phát")).to_be_visible()
    expect(ward.get_by_text(f"Số liệu của {WARD} trong đợt")).to_have_count(0)
