"""District staff create a campaign and package and auto-allocate; ward staff hand the gifts out."""

import re

from playwright.sync_api import expect
from sqlalchemy import func, select

from data_layer.core.db import get_engine, write_session
from data_layer.core.models import Allocation, Campaign
from tests.e2e.conftest import choose, enter_as, logout, open_menu_page, wait_idle


def test_create_campaign_allocate_and_deliver(page, server):
    enter_as(page, server, "quan")
    open_menu_page(page, "Đợt tặng quà")
    page.get_by_text("Tạo đợt mới").click()
    page.get_by_label("Tên đợt (ví dụ: Tết Nguyên đán Đinh Mùi 2027)").fill("Mừng thọ thử nghiệm")
    page.get_by_role("button", name="Tạo đợt").click()
    wait_idle(page)
    expect(page.get_by_text("Đã tạo đợt 'Mừng thọ thử nghiệm'.").first).to_be_visible()
    choose(page, "Đợt tặng quà", "Mừng thọ thử nghiệm")
    page.get_by_text("Thêm mức quà", exact=True).click()
    page.get_by_label("Tên mức quà (ví dụ: Quà Chủ tịch nước – mức 600.000 đ)").fill("Quà thọ 80")
    page.get_by_label("Số tiền (đ)").fill("900.000")
    page.get_by_label("Tuổi (ví dụ: 70, 75, 100+)").fill("80, 85")
    page.get_by_role("button", name="Lưu mức quà").click()
    wait_idle(page)
    expect(page.get_by_text("Đã thêm mức quà.").first).to_be_visible()
    page.get_by_role("button", name="Xem trước phân bổ").click()
    wait_idle(page)
    expect(page.get_by_text("Tổng:")).to_be_visible()
    page.get_by_role("button", name="Ghi phân bổ").click()
    wait_idle(page)
    expect(page.get_by_text("Đã phân bổ").first).to_be_visible()
    with write_session(get_engine(server.db_url)) as session:
        campaign_id = session.execute(
            select(Campaign.id).where(Campaign.name == "Mừng thọ thử nghiệm")
        ).scalar_one()
        allocated = session.execute(
            select(func.count()).select_from(Allocation).where(Allocation.campaign_id == campaign_id)
        ).scalar_one()
    assert allocated > 0
    logout(page)

    enter_as(page, server, "dongkinh")
    open_menu_page(page, "Phát quà")
    choose(page, "Đợt tặng quà", "Mừng thọ thử nghiệm")
    page.get_by_text(re.compile(r"^Mọi suất đang lọc")).click()
    wait_idle(page)
    page.get_by_role("button", name="Đánh dấu đã phát").click()
    wait_idle(page)  # a look before money moves: how many, how much, who
    expect(page.get_by_text(re.compile(r"^Ghi đã phát ngày .* cho \d+ suất = [\d.]+ đ: "))).to_be_visible()
    page.get_by_role("button", name="Ghi đã phát").click()
    wait_idle(page)
    expect(page.get_by_text("Đã ghi nhận phát").first).to_be_visible()
    with write_session(get_engine(server.db_url)) as session:
        delivered = session.execute(
            select(func.count())
            .select_from(Allocation)
            .where(Allocation.campaign_id == campaign_id, Allocation.status == "delivered")
        ).scalar_one()
    assert 0 < delivered < allocated  # only Đông Kinh's gifts
