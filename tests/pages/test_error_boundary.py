"""Every page runs inside app.py's one error boundary: no English error box, whatever a page raises."""

import logging
import re

from data_layer.core.errors import NotFound
from data_layer.reports import overview
from tests.pages.conftest import app_as


def test_a_bug_inside_a_page_shows_a_vietnamese_apology_with_the_reference_in_the_log(
    demo_db, monkeypatch, caplog
):
    def broken(*_args, **_kwargs):
        raise RuntimeError("a bug in a read")

    monkeypatch.setattr(overview, "overview", broken)
    with caplog.at_level(logging.ERROR, logger="ansinh.pages"):
        at = app_as("quan").run()  # Trang chủ, through app.py's menu
    assert not at.exception
    [shown] = [e.value for e in at.error]
    reference = re.search(r"mã tham chiếu ([0-9A-F]{8})", shown).group(1)
    logged = [r for r in caplog.records if reference in r.getMessage()]
    assert logged and "a bug in a read" in logged[0].exc_text
    assert "RuntimeError" not in shown and "Traceback" not in shown
    assert at.sidebar.button[0].label == "Đăng xuất"  # the frame around the page still works


def test_a_user_error_inside_a_page_shows_its_sentence(demo_db, monkeypatch):
    def missing(*_args, **_kwargs):
        raise NotFound("Không tìm thấy phường/xã này.")

    monkeypatch.setattr(overview, "overview", missing)
    at = app_as("dongkinh").run()
    assert not at.exception
    assert [e.value for e in at.error] == ["Không tìm thấy phường/xã này."]
