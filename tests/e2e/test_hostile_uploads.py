"""Hostile files dropped on the upload boxes: a Vietnamese refusal, no traceback, the server alive."""

import urllib.request

import pytest
from playwright.sync_api import expect

from tests import hostile_files
from tests.data_layer.workbooks import write
from tests.e2e.conftest import choose, enter_as, open_menu_page, wait_idle

HOSTILE = {
    "o_cuoi_trang.xlsx": (hostile_files.far_cell, "vượt giới hạn"),
    "bom_nen.xlsx": (hostile_files.zip_bomb, "giải nén ra"),
    "o_qua_dai.xlsx": (lambda: hostile_files.long_name(40_000), "tối đa 32.767"),
}


def alive(server) -> bool:
    with urllib.request.urlopen(f"{server.url}/_stcore/health", timeout=10) as response:
        return response.status == 200


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_list_upload(page, server, tmp_path, name):
    builder, message = HOSTILE[name]
    enter_as(page, server, "dongkinh")
    open_menu_page(page, "Nhập danh sách")
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(write(tmp_path, name, builder())))
    wait_idle(page)
    expect(page.get_by_test_id("stAlert").filter(has_text=message)).to_be_visible()
    assert alive(server)
    open_menu_page(page, "Trang chủ")  # the app still answers this session
    expect(page.get_by_test_id("stMetric").first).to_be_visible()


def test_hostile_signed_list_upload(page, server, tmp_path):
    enter_as(page, server, "dongkinh")
    open_menu_page(page, "Phát quà")
    choose(page, "Đợt tặng quà", "Tết Nguyên đán Bính Ngọ 2026")
    uploader = page.get_by_test_id("stFileUploaderDropzoneInput").last
    uploader.set_input_files(str(write(tmp_path, "da_ky.xlsx", hostile_files.far_cell())))
    wait_idle(page)
    page.get_by_role("button", name="Ghi nhận danh sách đã ký").click()
    wait_idle(page)
    expect(page.get_by_test_id("stAlert").filter(has_text="vượt giới hạn")).to_be_visible()
    assert alive(server)
