"""The 'Nhập danh sách' page logic (AppTest); the upload itself is driven in tests/e2e."""

from tests.pages.conftest import app_as


def test_ward_staff_can_choose_only_their_ward(demo_db):
    at = app_as("dongkinh", "pages/import_lists.py").run()
    assert not at.exception
    assert at.selectbox[0].options == ["Phường Đông Kinh"]


def test_district_staff_choose_any_ward_and_a_campaign(demo_db):
    at = app_as("quan", "pages/import_lists.py").run()
    assert len(at.selectbox[0].options) == 6
    assert "Tết Nguyên đán Bính Ngọ 2026" in at.selectbox[1].options
    assert at.selectbox[2].disabled  # the source is chosen only for a gift list
    at.selectbox[1].select_index(1).run()
    assert not at.selectbox[2].disabled


def test_viewer_cannot_import(demo_db):
    at = app_as("xem", "pages/import_lists.py").run()
    assert any("chỉ xem" in i.value for i in at.info)
    assert not at.selectbox
