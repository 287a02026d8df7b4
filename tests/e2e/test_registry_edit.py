"""A ward officer edits a name in the registry grid (double-click, type, save), reloads and finds it."""

from playwright.sync_api import expect
from sqlalchemy import select

from data_layer.core.db import get_engine, write_session
from data_layer.core.models import Beneficiary
from tests.e2e.conftest import enter_as, open_menu_page, wait_idle

NEW_NAME = "Hoàng Thị Đã Sửa"


def test_double_click_edit_save_reload(page, server):
    enter_as(page, server, "dongkinh")
    open_menu_page(page, "Đối tượng")
    grid = page.get_by_test_id("stDataFrame").first
    expect(grid).to_be_visible()
    page.wait_for_timeout(500)  # let the canvas grid settle before aiming at a cell
    box = grid.bounding_box()
    # header row ~35 px; then the row-marker column, the (read-only) ward column, the name column
    page.mouse.dblclick(box["x"] + 175, box["y"] + 35 + 17)
    editor = page.locator("textarea.gdg-input")  # the grid's cell editor overlay
    expect(editor).to_be_visible()
    editor.fill(NEW_NAME)
    editor.press("Enter")
    wait_idle(page)
    page.get_by_role("button", name="Lưu thay đổi").click()
    wait_idle(page)
    expect(page.get_by_text("Đã lưu 1 thay đổi").first).to_be_visible()
    page.reload()
    wait_idle(page)
    page.get_by_label("Tìm theo họ tên hoặc số CCCD (không cần dấu)").fill("hoang thi da sua")
    page.keyboard.press("Enter")
    wait_idle(page)
    expect(page.get_by_text("tổng 1 người")).to_be_visible()
    with write_session(get_engine(server.db_url)) as session:
        assert session.execute(select(Beneficiary.id).where(Beneficiary.name == NEW_NAME)).scalars().all()
