"""The month after the payroll (issue 21 §2): the district uploads the payment agent's return of a
ward with two people not collected; the next payroll carries their money as arrears; one of them,
not collected for three months running, is listed for suspension."""

from datetime import date

from openpyxl import load_workbook
from playwright.sync_api import expect
from sqlalchemy import select

from data_layer.allowance.agent_return import record_unpaid
from data_layer.allowance.months import add_months, month_of
from data_layer.allowance.payment_lists import cash_rows
from data_layer.core.access import Scope
from data_layer.core.db import get_engine, write_session
from data_layer.core.models import Payroll, PayrollLine, Ward
from tests.data_layer.workbooks import write, xlsx_bytes
from tests.e2e.conftest import choose, enter_as, open_menu_page, wait_idle

THIS_MONTH = month_of(date.today())
LAST = add_months(THIS_MONTH, -1)
SYSTEM = Scope.system()


def test_district_imports_an_agents_return_and_the_next_month_carries_it(page, server, tmp_path):
    engine = get_engine(server.db_url)
    with write_session(engine) as session:
        ward = session.execute(select(Ward).where(Ward.code == "DK")).scalar_one()
        ward_id, ward_name = ward.id, ward.name
        last = cash_rows(session, SYSTEM, LAST, ward_id)
        earlier = [
            {r.beneficiary_id for r in cash_rows(session, SYSTEM, add_months(LAST, -n), ward_id)}
            for n in (1, 2)
        ]
        stt = {r.beneficiary_id: n for n, r in enumerate(last, start=1)}
        away = next(r for r in last if r.amount and all(r.beneficiary_id in months for months in earlier))
        other = next(r for r in last if r.amount and r.beneficiary_id != away.beneficiary_id)
        for n in (2, 1):  # the returns of the two months before: away did not collect
            record_unpaid(session, SYSTEM, add_months(LAST, -n), ward_id, {away.beneficiary_id})
    unpaid = [[stt[r.beneficiary_id], r.name] for r in (away, other)]
    path = write(
        tmp_path, "chua_nhan.xlsx", xlsx_bytes([["DANH SÁCH CHƯA NHẬN"], ["STT", "Họ và tên"], *unpaid])
    )

    enter_as(page, server, "quan")
    open_menu_page(page, "Chi trả hằng tháng")
    choose(page, "Tháng chi trả", f"Tháng {LAST:%m/%Y} (đã khóa)")
    choose(page, "Phường/xã của danh sách trả về", ward_name)
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(path))
    wait_idle(page)
    page.get_by_role("button", name="Ghi kết quả từ tệp").click()
    wait_idle(page)
    expect(page.get_by_text(f"Tháng {LAST:%m/%Y}: {len(last) - 2} người đã nhận").first).to_be_visible()
    expect(page.get_by_text("2 người chưa nhận", exact=False).first).to_be_visible()
    expect(page.get_by_text("Đề nghị tạm dừng", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Tạm dừng 1 người từ tháng sau")).to_be_visible()
    expect(
        page.get_by_role("button", name="Tải danh sách đề nghị tạm dừng (.xlsx, Chủ tịch ký)")
    ).to_be_visible()
    with page.expect_download() as listed:  # the list the chairman signs names the person
        page.get_by_role("button", name="Tải danh sách đề nghị tạm dừng (.xlsx, Chủ tịch ký)").click()
    assert listed.value.suggested_filename.startswith("de_nghi_tam_dung_")
    listed.value.save_as(tmp_path / "de_nghi_tam_dung.xlsx")
    proposal = load_workbook(tmp_path / "de_nghi_tam_dung.xlsx").active
    assert [proposal.cell(r, 2).value for r in range(1, proposal.max_row + 1)].count(away.name) == 1

    choose(page, "Tháng chi trả", f"Tháng {THIS_MONTH:%m/%Y} (đang lập)")
    page.get_by_role("button", name=f"Lập lại danh sách mọi phường/xã tháng {THIS_MONTH:%m/%Y}").click()
    wait_idle(page)
    expect(page.get_by_text(f"Đã lập danh sách chi trả tháng {THIS_MONTH:%m/%Y}.").first).to_be_visible()
    with write_session(engine) as session:
        carried = session.execute(
            select(PayrollLine.beneficiary_id, PayrollLine.amount)
            .join(Payroll, Payroll.id == PayrollLine.payroll_id)
            .where(Payroll.month == THIS_MONTH, PayrollLine.kind == "arrears", PayrollLine.for_month == LAST)
        ).all()
    carried = dict(carried)
    # each line not collected is paid again for its own month: last month's own amount for last month
    assert carried[other.beneficiary_id] == other.amount
    assert carried[away.beneficiary_id] == away.amount
