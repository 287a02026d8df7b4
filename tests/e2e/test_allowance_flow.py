"""A ward officer imports the ward's allowance register and rebuilds the month; the district locks it;
the ward downloads its cash list with the new people, their arrears included."""

from datetime import date

from openpyxl import load_workbook
from playwright.sync_api import expect
from sqlalchemy import select

from data_layer.allowance.months import add_months, month_of
from data_layer.core.codes import PayrollStatus
from data_layer.core.db import get_engine, write_session
from data_layer.core.models import Payroll
from tests.data_layer.allowance.test_allowance_import import register
from tests.data_layer.documents import table
from tests.data_layer.workbooks import write
from tests.e2e.conftest import choose, enter_as, open_menu_page, reopen, wait_idle

THIS_MONTH = month_of(date.today())
START = add_months(THIS_MONTH, -3)  # three months ago: two months of arrears, and this month
ROWS = [
    [1, "Bế Thị Sổ Mới", "1950", "Nữ", "020150008881", "Khối 1", "5.5a", None, f"{START:%m/%Y}", None, None],
    [
        2,
        "Ma Văn Tài Khoản",
        "1952",
        "Nam",
        "020052008882",
        "Khối 2",
        "5.5a",
        None,
        f"{START:%m/%Y}",
        None,
        "88889999",
    ],
]


def test_import_register_build_lock_and_download(page, other_page, server, tmp_path):
    path = write(tmp_path, "so_tro_cap_dong_kinh.xlsx", register(ROWS))
    enter_as(page, server, "dongkinh")
    open_menu_page(page, "Nhập danh sách")
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(path))
    wait_idle(page)
    page.get_by_role("button", name="Ghi 2 dòng hợp lệ vào cơ sở dữ liệu").click()
    wait_idle(page)
    expect(page.get_by_text("Đã ghi tệp so_tro_cap_dong_kinh.xlsx").first).to_be_visible()
    expect(page.get_by_text("Chế độ trợ cấp hằng tháng: 2 mới, 0 sửa theo danh sách.")).to_be_visible()

    open_menu_page(page, "Chi trả hằng tháng")
    page.get_by_role("button", name=f"Lập lại danh sách của phường/xã mình tháng {THIS_MONTH:%m/%Y}").click()
    wait_idle(page)
    expect(page.get_by_text(f"Đã lập danh sách chi trả tháng {THIS_MONTH:%m/%Y}.").first).to_be_visible()

    district = other_page  # the district office, in its own browser
    enter_as(district, server, "quan")
    open_menu_page(district, "Chi trả hằng tháng")
    district.get_by_text("Đã kiểm tra: khóa tháng này (không sửa được nữa)").click()
    wait_idle(district)
    district.get_by_role("button", name="Khóa tháng").click()
    wait_idle(district)
    expect(district.get_by_text(f"Đã khóa danh sách chi trả tháng {THIS_MONTH:%m/%Y}.").first).to_be_visible()
    month_box = district.get_by_role("combobox", name="Tháng chi trả", exact=True)
    expect(month_box).to_have_value(f"Tháng {THIS_MONTH:%m/%Y} (đã khóa)")  # stays on the locked month
    with write_session(get_engine(server.db_url)) as session:
        status = session.execute(select(Payroll.status).where(Payroll.month == THIS_MONTH)).scalar_one()
    assert status == PayrollStatus.LOCKED

    reopen(page)  # the ward's next visit of Chi trả hằng tháng
    choose(page, "Tháng chi trả", f"Tháng {THIS_MONTH:%m/%Y} (đã khóa)")
    page.get_by_role("tab", name="Tải danh sách").click()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Tải danh sách chi trả tiền mặt (ký nhận) (.xlsx)").click()
    saved = tmp_path / "tien_mat.xlsx"
    download_info.value.save_as(saved)
    sheet = load_workbook(saved)["Tiền mặt"]
    assert [sheet["A1"].value, sheet["A2"].value] == ["ỦY BAN NHÂN DÂN", "PHƯỜNG ĐÔNG KINH"]
    rows = {r[1]: tuple(r) for r in table(sheet) if isinstance(r[0], int)}
    # aged 75 or so: 5.5a 1.5 × 500,000 a month; three months before this one are arrears
    assert rows["Bế Thị Sổ Mới"][5:9] == (750_000, 3 * 750_000, None, 4 * 750_000)
    assert "Ma Văn Tài Khoản" not in rows  # paid by account
