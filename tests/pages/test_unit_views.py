"""Figures group by the child units of the viewer's unit (issue 23): the commune office's pages by its
tổ dân phố, the province's and the district's by commune (AppTest on the demo data)."""

from __future__ import annotations

from data_layer.campaigns.setup import list_campaigns
from data_layer.core.access import Scope
from data_layer.core.db import read_session
from data_layer.reports.progress import campaign_progress
from data_layer.vn.formatting import format_count
from tests.pages.conftest import app_as, open_page

DONG_KINH = ["Khối 1", "Khối 2", "Khối 3", "Khối 4"]


def _grid(at, column: str):
    return next(d.value for d in at.dataframe if column in d.value.columns)


def test_progress_page_of_a_commune_office_lists_its_hamlets(demo_db):
    at = open_page("dongkinh", "pages/progress.py")
    assert not at.exception
    grid = _grid(at, "Thôn/tổ dân phố")
    assert sorted(grid["Thôn/tổ dân phố"]) == DONG_KINH
    with read_session() as session:
        campaign = list_campaigns(session)[0]
        whole = campaign_progress(session, Scope.system(), campaign.id)
    dong_kinh = next(w for w in whole.wards if w.label == "Phường Đông Kinh")
    planned = sum(int(n.replace(".", "")) for n in grid["Kế hoạch"])
    assert planned == dong_kinh.planned  # the hamlets add up to the ward
    assert any("theo thôn/tổ dân phố" in s.value for s in at.subheader)


def test_progress_page_of_the_province_lists_its_communes(demo_db):
    at = open_page("soyte", "pages/progress.py")
    assert not at.exception
    assert "Phường Đông Kinh" in list(_grid(at, "Phường/xã")["Phường/xã"])
    assert not any(d for d in at.dataframe if "Thôn/tổ dân phố" in d.value.columns)


def test_payroll_page_of_a_commune_office_groups_by_hamlet(demo_db):
    at = app_as("dongkinh", "pages/payroll.py").run()
    assert not at.exception
    assert "Theo thôn/tổ" in [t.label for t in at.tabs]
    grid = _grid(at, "Thôn/tổ dân phố")
    assert set(grid["Thôn/tổ dân phố"]) <= set(DONG_KINH) and len(grid) >= 2
    total = sum(int(n.replace(".", "")) for n in grid["Số người"])
    shown = [c.value for c in at.caption]
    assert f"{format_count(total)} người hưởng tháng này" in shown  # the hamlets add up to the ward
    district = app_as("quan", "pages/payroll.py").run()
    assert "Theo phường/xã" in [t.label for t in district.tabs]
    assert len(_grid(district, "Phường/xã")) == 6


def test_daily_report_of_a_commune_office_goes_by_hamlet_live_and_by_ward_signed(demo_db):
    from data_layer.core.codes import FiguresBasis

    at = open_page("dongkinh", "pages/reports.py")
    assert not at.exception
    live = at.dataframe[-1].value
    assert list(live["Thôn/tổ dân phố"])[:4] == DONG_KINH and list(live["Thôn/tổ dân phố"])[-1] == "Tổng cộng"
    at.radio[0].set_value(FiguresBasis.REPORTED).run()
    assert not at.exception
    assert list(at.dataframe[-1].value["Phường/xã"])[0].startswith("Phường Đông Kinh")
