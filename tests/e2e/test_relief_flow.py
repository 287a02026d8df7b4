"""Cứu trợ gạo in the browser: a ward officer imports the ward's household list into the demo's Tết
relief round and signs off its report after Tết; the district office approves the ward, downloads the
round's report and follows the round on Tiến độ, per ward and per hamlet."""

import io

from openpyxl import load_workbook
from playwright.sync_api import expect

from data_layer.core.access import Scope
from data_layer.core.codes import ReliefReport
from data_layer.core.db import get_engine, read_session
from data_layer.demo.relief import ROUND
from data_layer.registry.wards import list_wards
from data_layer.relief.figures import round_figures
from data_layer.relief.rounds import get_round_by_name
from data_layer.relief.sign_off import latest_sign_offs
from tests.data_layer.relief.test_relief import household_file
from tests.data_layer.workbooks import write
from tests.e2e.conftest import choose, enter_as, open_menu_page, pick, wait_idle


def _figures(db_url: str) -> dict:
    with read_session(get_engine(db_url)) as session:
        return round_figures(session, Scope.system(), get_round_by_name(session, ROUND).id)


def _signed(db_url: str, report: ReliefReport) -> dict:
    with read_session(get_engine(db_url)) as session:
        relief = get_round_by_name(session, ROUND)
        signed = latest_sign_offs(session, Scope.system(), relief.id)
        ward = next(w for w in list_wards(session, Scope.system()) if w.code == "DK")
        return signed[(ward.id, report)].figures


def test_ward_imports_its_households_then_the_office_approves_and_reports(page, other_page, server, tmp_path):
    before = next(w for w in _figures(server.db_url)["by_ward"] if w["ward"] == "DK")
    rows = [  # 3 × 15 = 45 kg and 2 × 15 = 30 kg (a Tết round: one month)
        [1, "Hoàng Văn Thiếu", None, "Khối 1", 4, 3, "Nghèo"],
        [2, "Nông Thị Đói", None, "Khối 2", 2, 2, None],
        [3, "Lưu Văn Quá", None, "Khối 2", 2, 5, None],  # more lacking food than people: refused
    ]
    path = write(tmp_path, "ho_thieu_doi.xlsx", household_file(rows))
    enter_as(page, server, "dongkinh")
    open_menu_page(page, "Cứu trợ gạo")
    page.get_by_text("Nhập danh sách hộ thiếu đói của phường/xã").click()
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(path))
    wait_idle(page)
    page.get_by_role("button", name="Nhập danh sách").click()
    wait_idle(page)
    success = page.get_by_test_id("stAlertContentSuccess")  # the flash (also shown as a toast)
    expect(success.get_by_text("Đã nhập 2 hộ mới, cập nhật 0 hộ; 1 dòng bị loại.")).to_be_visible()
    expect(success.get_by_text("Dòng 7, cột 'Số người thiếu đói'")).to_be_visible()
    after = next(w for w in _figures(server.db_url)["by_ward"] if w["ward"] == "DK")
    assert (after["households"], after["kg_requested"]) == (
        before["households"] + 2,
        before["kg_requested"] + 75,
    )
    pick(page, "Kỳ báo cáo", "Báo cáo trong và sau Tết (hạn 21/02/2026 10:00)")  # in a form: runs nothing
    page.get_by_role("button", name="Chốt số liệu của Phường Đông Kinh").click()
    wait_idle(page)
    success = page.get_by_test_id("stAlertContentSuccess")
    expect(
        success.get_by_text("Đã chốt số liệu 'Báo cáo trong và sau Tết' của Phường Đông Kinh.")
    ).to_be_visible()
    assert _signed(server.db_url, ReliefReport.AFTER_TET)["households"] == after["households"]
    page = other_page  # the district office, in its own browser
    enter_as(page, server, "quan")
    open_menu_page(page, "Cứu trợ gạo")
    choose(page, "Phường/xã", "Phường Đông Kinh")
    page.get_by_text("Đã kiểm tra danh sách của Phường Đông Kinh: duyệt và khóa").click()
    wait_idle(page)
    page.get_by_role("button", name="Duyệt số gạo của phường/xã").click()
    wait_idle(page)
    success = page.get_by_test_id("stAlertContentSuccess")
    expect(success.get_by_text(f"Đã duyệt {after['households']} hộ của Phường Đông Kinh.")).to_be_visible()
    expect(page.get_by_text("đã được duyệt và khóa")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("button", name="Tải báo cáo đợt (.xlsx)").click()
    book = load_workbook(io.BytesIO(open(download.value.path(), "rb").read()))
    figures = _figures(server.db_url)
    total = next(r for r in book["Tổng hợp"].iter_rows(values_only=True) if r[1] == "Tổng cộng")
    assert total[2:] == (
        figures["households"],
        figures["people"],
        figures["kg_requested"] / 1000,
        figures["kg_approved"] / 1000,
        figures["kg_delivered"] / 1000,
    )
    open_menu_page(page, "Tiến độ")
    choose(page, "Xem theo thôn/tổ của", "Phường Đông Kinh")
    expect(page.get_by_text("Theo thôn/tổ — Phường Đông Kinh")).to_be_visible()
