"""A ward officer drops a ward list on the import page, checks the preview and commits it."""

from playwright.sync_api import expect
from sqlalchemy import select

from data_layer.core.access import Scope
from data_layer.core.db import get_engine, write_session
from data_layer.core.models import Category
from data_layer.registry.wards import get_ward_by_code
from tests.conftest import people_of
from tests.data_layer.workbooks import ward_list, write, xlsx_bytes
from tests.e2e.conftest import enter_as, open_menu_page, wait_idle


def test_upload_preview_commit(page, server, tmp_path):
    rows = [
        [1, "Bế Văn Thử Nghiệm", "05/03/1950", "Nam", "020050009999", "Khối 1", "Thương binh", "600.000"],
        [2, "Ma Thị Kiểm Tra", "1948", "Nữ", "", "Khối 2", "Hộ nghèo", "600.000"],
        [3, "", "1948", "Nữ", "", "Khối 2", "", ""],
    ]
    path = write(tmp_path, "dong_kinh.xlsx", xlsx_bytes(ward_list(rows)))
    enter_as(page, server, "dongkinh")
    open_menu_page(page, "Nhập danh sách")
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(path))
    wait_idle(page)
    expect(page.get_by_role("heading", name="dong_kinh.xlsx")).to_be_visible()
    expect(page.get_by_role("button", name="Tải báo cáo lỗi (.xlsx)")).to_be_visible()
    page.get_by_role("button", name="Ghi 2 dòng hợp lệ vào cơ sở dữ liệu").click()
    wait_idle(page)
    expect(page.get_by_text("Đã ghi tệp dong_kinh.xlsx").first).to_be_visible()  # the result card
    expect(page.get_by_role("heading", name="dong_kinh.xlsx")).to_have_count(0)  # no second preview
    expect(page.get_by_test_id("stDataFrame").last).to_be_visible()
    page.get_by_role("link", name="Xem những người vừa nhập").click()
    wait_idle(page)
    expect(page.get_by_text("tổng 2 người")).to_be_visible()
    with write_session(get_engine(server.db_url)) as session:
        ward = get_ward_by_code(session, Scope.system(), "DK")
        names = {r.name for r in people_of(session, Scope.system(), ward.id)}
    assert {"Bế Văn Thử Nghiệm", "Ma Thị Kiểm Tra"} <= names


def test_a_list_of_the_elderly_gets_its_group_from_the_title(page, server, tmp_path):
    rows = [
        ["UBND PHƯỜNG ĐÔNG KINH"],
        ["DANH SÁCH NGƯỜI CAO TUỔI ĐƯỢC MỪNG THỌ"],
        [],
        ["STT", "Họ và tên", "Năm sinh", "Thôn/Tổ"],
        [1, "Bế Thị Mừng Thọ", 1946, "Khối 1"],
    ]
    path = write(tmp_path, "cao_tuoi.xlsx", xlsx_bytes(rows))
    enter_as(page, server, "dongkinh")
    open_menu_page(page, "Nhập danh sách")
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(path))
    wait_idle(page)
    group = page.get_by_role("combobox", name="Nhóm đối tượng cho cả tệp (cho các dòng không ghi nhóm)")
    expect(group).to_have_value("Người cao tuổi")  # suggested by the title row
    page.get_by_role("button", name="Ghi 1 dòng hợp lệ vào cơ sở dữ liệu").click()
    wait_idle(page)
    expect(page.get_by_text("Đã ghi tệp cao_tuoi.xlsx").first).to_be_visible()
    with write_session(get_engine(server.db_url)) as session:
        ward = get_ward_by_code(session, Scope.system(), "DK")
        person = next(p for p in people_of(session, Scope.system(), ward.id) if p.name == "Bế Thị Mừng Thọ")
        elderly = session.execute(select(Category.id).where(Category.code == "NCT")).scalar_one()
    assert person.categories == (elderly,)
