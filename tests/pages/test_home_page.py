"""Trang chủ: the day's work of the user's wards, with figures the data layer computes."""

from data_layer.admin.logins import get_active_user
from data_layer.core.access import Scope
from data_layer.core.db import read_session
from data_layer.reports.overview import day_work
from data_layer.vn.formatting import format_count
from tests.pages.conftest import open_page


def links(at) -> list[str]:
    return [link.proto.label for link in at.get("page_link")]


def test_a_ward_officer_sees_their_campaign_and_work_left(demo_db):
    with read_session() as session:
        work = day_work(session, Scope.for_user(get_active_user(session, "dongkinh")))
    at = open_page("dongkinh", "pages/home.py")
    assert not at.exception
    assert any(h.value == f"Đợt đang thực hiện: {work.campaign.name}" for h in at.subheader)
    assert f"Quà chưa phát: {format_count(work.undelivered)} suất" in links(at)
    assert f"Thiếu CCCD: {format_count(work.problems['missing_id'])}" in links(at)
    assert 0 < work.undelivered < work.progress.planned


def test_the_district_sees_every_ward(demo_db):
    with read_session() as session:
        ward_work = day_work(session, Scope.for_user(get_active_user(session, "dongkinh")))
        all_work = day_work(session, Scope.for_user(get_active_user(session, "quan")))
    assert all_work.undelivered > ward_work.undelivered
    at = open_page("quan", "pages/home.py")
    assert f"Quà chưa phát: {format_count(all_work.undelivered)} suất" in links(at)
