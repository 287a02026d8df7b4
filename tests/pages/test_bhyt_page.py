"""Thẻ BHYT (AppTest on the demo: the two months before this one sent; since then two clinic changes in
Tân Thanh, two newly poor people in Đông Kinh and a death recorded): what each role sees and may do."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from streamlit.runtime.media_file_manager import MediaFileManager

from data_layer.bhyt.lists import list_figures, month_lists
from data_layer.core.access import Scope
from data_layer.core.codes import BhytSection
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
    month = month_of(local_today())
    with read_session() as session:
        covered = [
            line
            for w in month_lists(session, Scope.system(), month)
            for line in w.section(BhytSection.COVERED)
        ]
    missing = sum(1 for line in covered if not line.social_insurance_no)
    assert 0 < missing < len(covered)  # the demo leaves about one in ten without a number
    assert [w.value for w in at.warning if "chưa có mã số BHXH" in w.value] == [
        f"{missing} người có thẻ chưa có mã số BHXH: bổ sung ở trang Đối tượng (cột Mã số BHXH) "
        "hoặc nhập danh sách có cột Mã số BHXH."
    ]


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


def test_admin_records_a_base_salary_others_only_read_it(demo_db):
    """2.600.000 đ from 01/2027 → 117.000 đ per person and month (4,5%)."""
    at = app_as("xem", PAGE).run()
    assert "Lưu lương cơ sở" not in [b.label for b in at.button]
    table = next(d.value for d in at.dataframe if "Lương cơ sở" in d.value.columns)
    assert list(table["Lương cơ sở"])[:3] == ["2.530.000 đ", "2.340.000 đ", "1.800.000 đ"]
    at = app_as("admin", PAGE).run()
    next(t for t in at.text_input if t.label == "Áp dụng từ tháng (MM/YYYY)").input("01/2027")
    next(t for t in at.text_input if t.label == "Lương cơ sở (đ)").input("2.600.000")
    next(b for b in at.button if b.label == "Lưu lương cơ sở").click().run()
    assert not at.exception and not at.error
    assert at.success[0].value == "Đã lưu lương cơ sở từ tháng 01/2027."
    table = next(d.value for d in at.dataframe if "Lương cơ sở" in d.value.columns)
    assert table.iloc[0].to_dict() == {
        "Từ tháng": "01/2027",
        "Lương cơ sở": "2.600.000 đ",
        "Tiền đóng mỗi người mỗi tháng": "117.000 đ",
    }


def test_the_budget_estimate_adds_the_years_premiums(demo_db):
    """Dự toán trợ cấp: next year's premiums of the people covered today, at 2.530.000 đ × 4,5% =
    113.850 đ per person and month (no change of base salary recorded after 07/2026), and the sum."""
    from data_layer.bhyt.estimate import estimate_premiums

    at = app_as("quan", "pages/allowance_budget.py").run()
    assert not at.exception and not at.error
    year = local_today().year + 1
    with read_session() as session:
        plan = estimate_premiums(session, Scope.system(), year)
    assert plan.amount == sum(people for _, people, _ in plan.by_month) * 113_850
    assert _metric(at, "Bảo hiểm y tế do ngân sách đóng") == format_money(plan.amount)
    total = _metric(at, f"Dự toán năm {year}")
    combined = _metric(at, "Cộng trợ cấp và bảo hiểm y tế")
    as_int = lambda text: int(text.removesuffix(" đ").replace(".", ""))  # noqa: E731
    assert as_int(combined) == as_int(total) + plan.amount
