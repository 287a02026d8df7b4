"""An approved ward's campaign pages (AppTest on the demo season): read-only, saying why."""

from sqlalchemy import select

from data_layer.campaigns.approval import approve_ward
from data_layer.campaigns.setup import list_campaigns
from data_layer.core.access import Scope
from data_layer.core.db import write_session
from data_layer.core.models import Ward
from tests.pages.conftest import app_as, open_page

WRITE_BUTTONS = {
    "Đánh dấu đã phát",
    "Đánh dấu không phát được",
    "Lưu sửa trong bảng",
    "Ghi nhận danh sách đã ký",
}


def _approve(code: str):
    """Approve the ward in the campaign the pages open on; returns that campaign."""
    with write_session() as session:
        campaign = list_campaigns(session)[0]
        ward_id = session.execute(select(Ward.id).where(Ward.code == code)).scalar_one()
        approve_ward(session, Scope.system(), campaign.id, ward_id)
    return campaign


def test_delivery_page_is_read_only_for_an_approved_ward(demo_db):
    at = app_as("dongkinh", "pages/delivery.py").run()
    assert WRITE_BUTTONS & {b.label for b in at.button}  # open before the approval
    campaign = _approve("DK")
    at = app_as("dongkinh", "pages/delivery.py").run()
    assert not at.exception
    assert any("đã được duyệt" in w.value and campaign.name in w.value for w in at.warning)
    assert not WRITE_BUTTONS & {b.label for b in at.button}
    assert "Ghi quà tập thể" not in {b.label for b in at.button}  # the lump form is gone too
    assert at.dataframe or at.get("data_editor")  # the figures are still shown


def test_other_wards_stay_open_for_the_district(demo_db):
    _approve("DK")
    at = app_as("quan", "pages/delivery.py").run()
    assert at.selectbox[1].value.code != "DK"  # the page opens on another ward: open
    approved = [w.value for w in at.warning if "đã được duyệt" in w.value]  # (the demo's Tết ended long ago)
    assert not approved and WRITE_BUTTONS & {b.label for b in at.button}
    at.selectbox[1].select_index(at.selectbox[1].options.index("Phường Đông Kinh")).run()
    assert any("đã được duyệt" in w.value for w in at.warning)


def test_gift_list_upload_is_disabled_for_an_approved_ward(demo_db):
    campaign = _approve("DK")
    at = app_as("dongkinh", "pages/import_lists.py").run()
    at.selectbox[1].select(campaign).run()
    assert any("đã được duyệt" in w.value for w in at.warning)
    at.selectbox[1].select(None).run()  # a plain registry import is still possible
    assert not at.warning


def test_district_approves_then_unlocks_with_a_reason_on_the_reporting_page(demo_db):
    at = open_page("quan", "pages/reporting.py")
    assert not at.exception, at.exception
    target = next(box for box in at.selectbox if box.label == "Phường/xã cần duyệt")
    target.select_index(target.options.index("Phường Đông Kinh")).run()
    next(b for b in at.button if b.label == "Duyệt và khóa số liệu").click().run()
    assert any("Phường Đông Kinh" in w.value and "không thêm, sửa, xóa quà" in w.value for w in at.warning)
    next(b for b in at.button if b.label == "Duyệt").click().run()
    assert not at.exception, at.exception
    assert any("Đã duyệt và khóa số liệu của Phường Đông Kinh" in s.value for s in at.success)
    states = at.dataframe[-1].value.set_index("Phường/xã")
    assert states.loc["Phường Đông Kinh", "Trạng thái"].startswith("Đã duyệt ")

    unlock = next(box for box in at.selectbox if box.label == "Phường/xã cần mở khóa")
    assert unlock.options == ["Phường Đông Kinh"]
    next(b for b in at.button if b.label == "Mở khóa").click().run()  # no reason: refused
    assert any("Cần ghi lý do mở khóa" in e.value for e in at.error)
    next(t for t in at.text_input if t.label == "Lý do mở khóa (bắt buộc)").input("Bổ sung 2 người sót")
    next(b for b in at.button if b.label == "Mở khóa").click().run()  # the form sends both
    assert any("Đã mở khóa số liệu của Phường Đông Kinh" in s.value for s in at.success)
    states = at.dataframe[-1].value.set_index("Phường/xã")
    assert states.loc["Phường Đông Kinh", "Trạng thái"] == "Chưa duyệt"
    assert "Bổ sung 2 người sót" in states.loc["Phường Đông Kinh", "Lần mở khóa gần nhất"]
    assert states.loc["Phường Đông Kinh", "Số thay đổi từ khi mở khóa"] == "0"


def test_viewer_sees_approval_states_without_controls(demo_db):
    _approve("DK")
    at = open_page("xem", "pages/reporting.py")
    assert not at.exception, at.exception
    states = at.dataframe[-1].value.set_index("Phường/xã")
    assert states.loc["Phường Đông Kinh", "Trạng thái"].startswith("Đã duyệt ")
    assert not {"Duyệt và khóa số liệu", "Mở khóa"} & {b.label for b in at.button}
