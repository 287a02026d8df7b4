"""Thẻ BHYT (AppTest on the demo: the two months before this one sent; since then two clinic changes in
Tân Thanh, two newly poor people in Đông Kinh and a death recorded): what each role sees and may do."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from streamlit.runtime.media_file_manager import MediaFileManager

from data_layer.bhyt.lists import list_figures, month_lists
from data_layer.core.access import Scope
from data_layer.core.db import read_session
from data_layer.vn.formatting import format_money, local_today
from data_layer.vn.months import month_of
from tests.pages.conftest import app_as

PAGE = "pages/bhyt.py"
LOCK = "Khóa danh sách"


def _figures(ward_id: int | None = None) -> dict:
    month = month_of(local_today())
    with read_session() as session:
        return list_figures(month_lists(session, Scope.system(), month, ward_id), month)


def _metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_ward_officer_sees_its_ward_and_sends_the_month(demo_db):
    at = app_as("dongkinh", PAGE).run()
    assert not at.exception and not at.error
    assert [t.value for t in at.text_input if t.label == "Phường/xã"] == ["Phường Đông Kinh"]
    dk = next(w for w in _figures()["by_ward"] if w["ward"] == "DK")
    assert _metric(at, "Tăng") == str(dk["increases"]) == "2"
    assert _metric(at, "Số tiền đóng") == format_money(dk["premium"])
    increases = at.dataframe[0].value
    assert set(increases["Phường/xã"]) == {"Phường Đông Kinh"}
    assert list(increases["Mã đối tượng"]) == ["HN – hộ nghèo"] * 2
    button = next(b for b in at.button if b.label == LOCK)
    assert button.disabled
    at.checkbox[0].check().run()
    next(b for b in at.button if b.label == LOCK).click().run()
    assert not at.exception and not at.error
    assert at.success[0].value.startswith("Đã khóa danh sách thẻ BHYT tháng")
    dk_now = next(w for w in _figures()["by_ward"] if w["ward"] == "DK")
    assert dk_now == dk  # the sent list is the list that was shown
    at = app_as("dongkinh", PAGE).run()
    assert LOCK not in [b.label for b in at.button]
    assert any("đã gửi và khóa" in c.value for c in at.caption)


def test_viewer_reads_only(demo_db):
    at = app_as("xem", PAGE).run()
    assert not at.exception and not at.error
    assert LOCK not in [b.label for b in at.button] and not at.checkbox
    assert _metric(at, "Có thẻ trong tháng") == str(_figures()["covered"])


def test_province_sees_every_ward_and_sends_them_all(demo_db):
    at = app_as("soyte", PAGE).run()
    assert not at.exception and not at.error
    wards = at.dataframe[3].value
    assert len(wards) == len(_figures()["by_ward"]) and set(wards["Tình trạng"]) == {"Đang lập"}
    decreases = at.dataframe[1].value
    assert list(decreases["Ghi chú"])[0].startswith("Chết ngày")
    at.checkbox[0].check().run()
    next(b for b in at.button if b.label == LOCK).click().run()
    assert not at.exception and not at.error
    assert _figures()["status"] == "locked"


def test_the_list_is_built_only_when_its_button_is_clicked(demo_db, monkeypatch):
    import data_layer.bhyt.documents as documents

    calls: list[str] = []
    build = documents.list_xlsx
    monkeypatch.setattr(documents, "list_xlsx", lambda *a, **k: calls.append("list") or build(*a, **k))
    offered: dict[str, object] = {}
    add_deferred = MediaFileManager.add_deferred

    def record(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        offered[file_name] = data_callable
        return add_deferred(self, data_callable, mimetype, coordinates, file_name=file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", record)
    at = app_as("dongkinh", PAGE).run()
    assert not at.exception and calls == []
    (name,) = offered
    assert name.startswith("danh_sach_the_bhyt_phuong_dong_kinh_")
    sheet = load_workbook(io.BytesIO(offered[name]()))["Danh sách"]
    assert calls == ["list"]
    assert [sheet["A1"].value, sheet["A2"].value] == ["ỦY BAN NHÂN DÂN", "PHƯỜNG ĐÔNG KINH"]
