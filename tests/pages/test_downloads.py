"""Báo cáo, Phát quà and Dự toán build a workbook only when its download button is clicked."""

from __future__ import annotations

import importlib
import io

import pytest
from openpyxl import load_workbook
from streamlit.runtime.media_file_manager import MediaFileManager

from tests.pages.conftest import app_as

BUILDERS = {
    "pages/reports.py": [
        ("data_layer.reports.summary", "summary_workbook"),
        ("data_layer.reports.daily", "daily_xlsx"),
        ("data_layer.reports.exports", "beneficiaries_xlsx"),
        ("data_layer.reports.exports", "allocations_xlsx"),
    ],
    "pages/delivery.py": [("data_layer.campaigns.signing_list", "signing_list_xlsx")],
    "pages/budget.py": [("data_layer.reports.scenario_sheet", "scenario_xlsx")],
}


@pytest.fixture
def built(monkeypatch) -> list[tuple[str, bytes]]:
    """Every workbook builder of these pages, wrapped to record each call and the file it built."""
    calls: list[tuple[str, bytes]] = []

    def recording(build, name):
        def recorded(*args, **kwargs):
            data = build(*args, **kwargs)
            calls.append((name, data))
            return data

        return recorded

    for module_name, name in (b for builders in BUILDERS.values() for b in builders):
        module = importlib.import_module(module_name)
        monkeypatch.setattr(module, name, recording(getattr(module, name), name))
    return calls


@pytest.fixture
def offered(monkeypatch) -> dict[str, object]:
    """The files the page offers for download: file name → what Streamlit calls on a click."""
    found: dict[str, object] = {}
    add_deferred = MediaFileManager.add_deferred

    def record(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        found[file_name] = data_callable
        return add_deferred(self, data_callable, mimetype, coordinates, file_name=file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", record)
    return found


def named(offered: dict[str, object], prefix: str):
    return next(build for name, build in offered.items() if name.startswith(prefix))


@pytest.mark.parametrize("page", list(BUILDERS))
def test_opening_a_page_builds_no_workbook(demo_db, built, offered, page):
    at = app_as("dongkinh" if page == "pages/delivery.py" else "quan", page).run()
    assert not at.exception
    assert len(at.get("download_button")) == len(offered) == len(BUILDERS[page])
    assert all(name.endswith(".xlsx") for name in offered)
    assert built == []


def test_a_click_builds_the_report_with_its_name(demo_db, built, offered):
    at = app_as("dongkinh", "pages/reports.py").run()
    assert not at.exception
    named(offered, "bao_cao_ket_qua_tet_nguyen_dan_binh_ngo_2026_dk_")()
    assert [name for name, _ in built] == ["summary_workbook"]
    workbook = load_workbook(io.BytesIO(built[0][1]))
    # a ward officer's own ward only, then its tổ dân phố, each issued by the ward
    assert workbook.sheetnames == ["Tổng hợp", "Phường Đông Kinh", "Khối 1", "Khối 2", "Khối 3", "Khối 4"]
    assert workbook["Phường Đông Kinh"]["A2"].value == "PHƯỜNG ĐÔNG KINH"
    assert workbook["Khối 2"]["A2"].value == "PHƯỜNG ĐÔNG KINH"
    assert "Khối 2, Phường Đông Kinh" in [c.value for c in workbook["Khối 2"]["A"]]


def test_the_signing_list_button_builds_the_wards_list(demo_db, built, offered):
    at = app_as("dongkinh", "pages/delivery.py").run()
    assert not at.exception
    named(offered, "ky_nhan_tet_nguyen_dan_binh_ngo_2026_dk_")()
    assert [name for name, _ in built] == ["signing_list_xlsx"]
    ws = load_workbook(io.BytesIO(built[0][1])).active
    assert [ws["A1"].value, ws["A2"].value] == ["ỦY BAN NHÂN DÂN", "PHƯỜNG ĐÔNG KINH"]


def test_the_payroll_page_builds_its_files_only_when_clicked(demo_db, offered, monkeypatch):
    import data_layer.allowance.payment_lists as payment_lists
    import data_layer.reports.forms_10cd as forms

    calls: list[str] = []
    for module, name in ((payment_lists, "ward_lists_xlsx"), (forms, "form_document")):
        build = getattr(module, name)
        monkeypatch.setattr(
            module, name, lambda *a, _build=build, _name=name, **k: calls.append(_name) or _build(*a, **k)
        )
    at = app_as("quan", "pages/payroll.py").run()
    assert not at.exception and len(offered) == 4 and calls == []
    cash = load_workbook(io.BytesIO(named(offered, "chi_tra_tien_mat_")()))["Tiền mặt"]
    assert calls == ["ward_lists_xlsx"] and cash["A1"].value == "ỦY BAN NHÂN DÂN"
    form = load_workbook(io.BytesIO(named(offered, "mau_10a_tat_ca_")()))["Mẫu 10a"]
    assert calls[-1] == "form_document" and form["A1"].value == "UBND THÀNH PHỐ"
