"""Thẻ BHYT in the browser: a ward officer reads the month's list (the demo's two newly poor people are
its increases), downloads the .xlsx for the insurance agency and sends (locks) the month.
The reconciliation with the agency's file is added by the reconciliation's own test."""

import io

from openpyxl import load_workbook
from playwright.sync_api import expect

from data_layer.bhyt.lists import list_figures, month_lists
from data_layer.core.access import Scope
from data_layer.core.db import get_engine, read_session
from data_layer.vn.formatting import format_money, format_month, local_today
from data_layer.vn.months import month_of
from tests.e2e.conftest import assert_no_error_box, enter_as, open_menu_page, wait_idle


def _ward_figures(db_url: str, code: str) -> tuple[str, dict]:
    month = month_of(local_today())
    with read_session(get_engine(db_url)) as session:
        figures = list_figures(month_lists(session, Scope.system(), month), month)
    return figures["status"], next(w for w in figures["by_ward"] if w["ward"] == code)


def test_ward_officer_downloads_and_sends_the_months_list(page, server):
    status, before = _ward_figures(server.db_url, "DK")
    assert (status, before["increases"]) == ("open", 2)
    month = format_month(month_of(local_today()))
    enter_as(page, server, "dongkinh")
    open_menu_page(page, "Thẻ BHYT")
    expect(page.get_by_text(f"Danh sách tháng {month}: đang lập")).to_be_visible()
    expect(page.get_by_text(format_money(before["premium"])).first).to_be_visible()
    page.get_by_role("tab", name="Tải danh sách").click()
    with page.expect_download() as download:
        page.get_by_role("button", name=f"Tải danh sách tháng {month} (.xlsx)").click()
    assert download.value.suggested_filename.startswith("danh_sach_the_bhyt_phuong_dong_kinh_")
    book = load_workbook(io.BytesIO(open(download.value.path(), "rb").read()))
    rows = [[c for c in row if c is not None] for row in book["Danh sách"].iter_rows(values_only=True)]
    assert ["I. TĂNG: 2 người"] in rows
    assert [f"Số người có thẻ trong tháng: {before['covered']}", before["premium"]] in rows
    page.get_by_text(f"Đã gửi cơ quan BHXH: khóa danh sách tháng {month} của Phường Đông Kinh").click()
    wait_idle(page)
    page.get_by_role("button", name="Khóa danh sách").click()
    wait_idle(page)
    success = page.get_by_test_id("stAlertContentSuccess")
    expect(success.get_by_text(f"Đã khóa danh sách thẻ BHYT tháng {month} (1 phường/xã).")).to_be_visible()
    expect(page.get_by_text("Danh sách đã gửi và khóa")).to_be_visible()
    _, after = _ward_figures(server.db_url, "DK")
    assert after == before
    assert_no_error_box(page)
