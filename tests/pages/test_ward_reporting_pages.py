"""'Báo cáo của phường' (a ward signs off and sees what it sent) and 'Tình hình báo cáo' (the
district's wards × reports grid) on the demo database."""

from datetime import date

from data_layer.campaigns.calendar import list_milestones
from data_layer.campaigns.setup import list_campaigns
from data_layer.campaigns.sign_off import latest_sign_offs
from data_layer.core.access import Scope
from data_layer.core.codes import FiguresBasis
from data_layer.core.db import read_session
from data_layer.registry.wards import get_ward_by_code
from data_layer.reports.summary import campaign_summary
from data_layer.vn.formatting import format_count, format_money
from tests.pages.conftest import open_page


def test_ward_signs_off_a_milestone_and_sees_what_it_sent(demo_db):
    with read_session() as session:
        campaign = list_campaigns(session)[0]
        final = next(m for m in list_milestones(session, campaign.id) if m.name == "Báo cáo tổng kết")
        ward = get_ward_by_code(session, Scope.system(), "DK")
    at = open_page("dongkinh", "pages/ward_report.py")
    assert not at.exception, at.exception
    boxes = {box.label: box for box in at.selectbox}
    assert boxes["Phường/xã"].options == ["Phường Đông Kinh"] and boxes["Phường/xã"].value.id == ward.id
    boxes["Kỳ báo cáo"].select(final).run()
    at.button(key="sign_off_milestone").click().run()
    assert not at.exception, at.exception
    assert any("Đã chốt số liệu 'Báo cáo tổng kết'" in s.value for s in at.success)
    with read_session() as session:
        sent = latest_sign_offs(session, Scope.system(), campaign.id, milestone_id=final.id)[ward.id]
    texts = [m.value for m in at.markdown]
    assert any("Báo cáo tổng kết" in t and "Hoàng Thị Lan" in t for t in texts)
    shown = at.dataframe[0].value
    assert shown.iloc[-1]["Đã phát (tiền)"] == format_money(
        sent.figures.delivered_amount + sent.figures.lump_amount
    )
    assert any("giống số liệu đã gửi" in s.value for s in at.success)
    history = at.dataframe[-1].value
    assert history.iloc[0]["Báo cáo"] == "Báo cáo tổng kết" and len(history) > 2


def test_district_sees_the_grid_overdue_wards_first(demo_db):
    at = open_page("quan", "pages/reporting.py")
    assert not at.exception, at.exception
    grid = at.dataframe[0].value
    grid = getattr(grid, "data", grid)  # a styled table
    assert list(grid["Phường/xã"])[0] == "Xã Hoàng Đồng" and list(grid["Phường/xã"])[-1] == "Phường Đông Kinh"
    assert grid.iloc[-1]["26/01"] == "Đúng hạn" and grid.iloc[0]["26/01"] == "Chưa báo cáo"
    assert "Muộn" in set(grid["28/01"])
    per_report = at.dataframe[1].value
    assert "Báo cáo nhanh trước Tết" in list(per_report["Kỳ báo cáo"])


def test_ward_staff_do_not_get_the_grid_in_their_menu(demo_db):
    from ui.navigation import PAGES

    roles = {file: roles for file, _title, _icon, roles in PAGES}
    assert "ward" not in roles["pages/reporting.py"] and "viewer" not in roles["pages/ward_report.py"]


def test_reports_page_states_its_basis(demo_db):
    at = open_page("quan", "pages/reports.py")
    assert not at.exception, at.exception
    assert "Số liệu trực tiếp" in [i.value for i in at.info]  # no ward approved in the demo
    at.date_input[0].set_value(date(2026, 1, 28)).run()
    assert "Số liệu trực tiếp" in [c.value for c in at.caption]
    at.radio[0].set_value(FiguresBasis.REPORTED).run()
    assert not at.exception, at.exception
    assert "Số liệu các phường/xã đã chốt đến 14:00 ngày 28/01/2026" in [c.value for c in at.caption]
    names = list(at.dataframe[-1].value["Phường/xã"])
    assert "Xã Hoàng Đồng (chưa báo cáo)" in names and "Phường Đông Kinh" in names


def test_the_result_report_counts_delivered_gifts_apart_from_the_plan(demo_db):
    at = open_page("quan", "pages/reports.py")
    assert not at.exception, at.exception
    campaign = at.selectbox[0].value
    with read_session() as session:
        summary = campaign_summary(session, Scope.system(), campaign.id)
    totals = [m.value for m in at.markdown if m.value.startswith("**Tổng cộng:")]
    assert summary["delivered_count"] < summary["total_count"] and len(totals) == 1
    planned, delivered = format_count(summary["total_count"]), format_count(summary["delivered_count"])
    assert f"đã trao {delivered}/{planned} suất = {format_money(summary['delivered_amount'])}" in totals[0]
    assert "còn lại" in totals[0]
    assert any("đã trao tận tay người nhận" in c.value for c in at.caption)
