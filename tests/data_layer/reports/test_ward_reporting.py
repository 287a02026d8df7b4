"""Campaign reporting (issue 15): calendar, ward sign-off snapshots, reporting rate, reported vs live
figures and the summary's basis; on SQLite and PostgreSQL."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from sqlalchemy import delete, select, update

from data_layer.campaigns.calendar import (
    add_milestone,
    copy_campaign,
    copy_plan,
    deadline,
    delete_milestone,
    expected_reports,
    list_milestones,
    update_milestone,
)
from data_layer.campaigns.delivery import mark_delivered
from data_layer.campaigns.lumps import add_lump
from data_layer.campaigns.setup import create_campaign
from data_layer.campaigns.sign_off import (
    changes_since,
    latest_sign_offs,
    sign_off,
    sign_off_history,
    ward_figures,
)
from data_layer.core.access import Scope
from data_layer.core.codes import FiguresBasis, ReportStatus
from data_layer.core.db import read_session, write_session
from data_layer.core.errors import Conflict, Forbidden, Invalid, Locked
from data_layer.core.models import Allocation, ApprovalEvent, AuditEvent, Campaign, WardReport
from data_layer.reports.daily import basis_text, daily_progress, daily_xlsx
from data_layer.reports.reporting_rate import reporting_grid
from data_layer.reports.summary import summary_basis, summary_workbook
from data_layer.vn.document import Office
from data_layer.vn.labels import label
from tests.conftest import source_id
from tests.data_layer.reports.test_reports import add_gifts, package

SYSTEM = Scope.system()
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def vn(day: int, hour: int, minute: int = 0, month: int = 1) -> datetime:
    """A moment of January (or ``month``) 2026 in Vietnam's time."""
    return datetime(2026, month, day, hour, minute, tzinfo=VN)


@pytest.fixture
def tet(engine, wards) -> int:
    """Daily reports 26/01 – 28/01/2026 due at 14:00; A: 10 gifts of 600.000 (4 delivered on 26/01)
    and a lump; B: 5 gifts of 300.000, none delivered."""
    with write_session(engine) as session:
        cid = create_campaign(
            session,
            SYSTEM,
            name="Tết 2026",
            year=2026,
            report_from=date(2026, 1, 26),
            report_to=date(2026, 1, 28),
            report_hour=14,
        ).id
        tw = package(session, cid, "TW", "Quà 600k", 600_000)
        tinh = package(session, cid, "TINH", "Quà 300k", 300_000)
        add_gifts(session, cid, tw, wards["A"], 600_000, 4, date(2026, 1, 26))
        add_gifts(session, cid, tw, wards["A"], 600_000, 6)
        add_gifts(session, cid, tinh, wards["B"], 300_000, 5)
        add_lump(
            session,
            SYSTEM,
            campaign_id=cid,
            ward_id=wards["A"],
            source_id=source_id(session, "XHH"),
            count=20,
            amount=10_000_000,
        )
    return cid


def deliver_more(engine, campaign_id: int, ward_id: int, count: int) -> None:
    with write_session(engine) as session:
        planned = session.execute(
            select(Allocation.id).where(
                Allocation.campaign_id == campaign_id,
                Allocation.ward_id == ward_id,
                Allocation.status == "planned",
            )
        ).scalars()
        mark_delivered(session, SYSTEM, list(planned)[:count], on=date(2026, 1, 27))


# --- calendar ---------------------------------------------------------------------------------------


def test_deadline_is_the_report_hour_in_vietnam_time(engine, tet):
    with read_session(engine) as session:
        campaign = session.get(Campaign, tet)
        assert deadline(campaign, date(2026, 1, 26)) == datetime(2026, 1, 26, 7, tzinfo=UTC)
        campaign.report_hour = None  # no hour set: 14:00
        assert deadline(campaign, date(2026, 1, 26)).astimezone(VN).hour == 14


def test_milestones_expected_reports_and_copy(engine, tet):
    district = Scope(user_id=None, username="quan", role="district", ward_ids=None)
    with write_session(engine) as session:
        quick = add_milestone(
            session, district, campaign_id=tet, name="Báo cáo nhanh", due_date=date(2026, 2, 10)
        )
        final = add_milestone(session, district, campaign_id=tet, name="Tổng kết", due_date=date(2026, 2, 25))
        with pytest.raises(Conflict):
            add_milestone(session, district, campaign_id=tet, name="Tổng kết", due_date=date(2026, 3, 1))
        with pytest.raises(Invalid):
            add_milestone(session, district, campaign_id=tet, name="  ", due_date=date(2026, 3, 1))
        update_milestone(session, district, final.id, name="Báo cáo tổng kết", due_date=date(2026, 2, 27))
    with read_session(engine) as session:
        reports = expected_reports(session, tet)
    assert [r.name for r in reports] == [
        "Báo cáo ngày 26/01/2026",
        "Báo cáo ngày 27/01/2026",
        "Báo cáo ngày 28/01/2026",
        "Báo cáo nhanh",
        "Báo cáo tổng kết",
    ]
    assert reports[-1].deadline == datetime(2026, 2, 27, 14, tzinfo=VN)
    with write_session(engine) as session:
        audited = session.execute(
            select(AuditEvent.action).where(AuditEvent.table_name == "campaignmilestone")
        )
        assert sorted(audited.scalars()) == ["insert", "insert", "update", "update"]
        plan = copy_plan(session, tet, 2027)
        copy = copy_campaign(session, district, tet, name="Tết 2027", year=2027)
        copied = [(m.name, m.due_date) for m in list_milestones(session, copy.id)]
    # Tết Bính Ngọ 17/02/2026, Tết Đinh Mùi 06/02/2027: everything 11 days earlier, not a year later
    assert plan.how == (
        "Tết 17/02/2026 → Tết 06/02/2027: mọi ngày giữ khoảng cách đến Tết"
        " (sớm hơn 11 ngày so với cùng ngày tháng năm 2026)"
    )
    assert copied == [("Báo cáo nhanh", date(2027, 1, 30)), ("Báo cáo tổng kết", date(2027, 2, 16))]
    assert [(name, new) for name, _old, new in plan.milestones] == copied
    assert (copy.report_from, copy.report_to) == (date(2027, 1, 15), date(2027, 1, 17))
    assert plan.dates["report_from"] == (date(2026, 1, 26), date(2027, 1, 15))
    staff = Scope(user_id=None, username="a", role="ward", ward_ids=frozenset({1}))
    with write_session(engine) as session, pytest.raises(Forbidden):
        add_milestone(session, staff, campaign_id=tet, name="X", due_date=date(2026, 2, 1))
    with write_session(engine) as session:  # signed off: kept
        sign_off(session, SYSTEM, tet, _ward(session), milestone_id=quick.id, now=vn(26, 9))
    with write_session(engine) as session, pytest.raises(Conflict):
        delete_milestone(session, district, quick.id)
    with write_session(engine) as session:
        delete_milestone(session, district, final.id)
        assert [m.name for m in list_milestones(session, tet)] == ["Báo cáo nhanh"]


def _ward(session) -> int:
    from data_layer.core.models import Ward

    return session.execute(select(Ward.id).order_by(Ward.code)).scalars().first()


# --- sign-off -------------------------------------------------------------------------------------


def test_live_figures_of_another_ward_are_refused(engine, wards, tet):
    staff_b = Scope(user_id=None, username="b", role="ward", ward_ids=frozenset({wards["B"]}))
    with read_session(engine) as session, pytest.raises(Forbidden):
        ward_figures(session, staff_b, tet, wards["A"])


def test_snapshot_equals_live_figures_and_stays_after_edits(engine, wards, tet):
    with write_session(engine) as session:
        live = ward_figures(session, SYSTEM, tet, wards["A"])
        row = sign_off(session, SYSTEM, tet, wards["A"], now=vn(26, 10))
    assert (live.planned, live.planned_amount, live.delivered, live.delivered_amount) == (
        10,
        6_000_000,
        4,
        2_400_000,
    )
    assert (live.lump_count, live.lump_amount) == (20, 10_000_000)
    assert row.report_day == date(2026, 1, 26) and row.milestone_id is None
    deliver_more(engine, tet, wards["A"], 3)
    with read_session(engine) as session:
        sent = sign_off_history(session, SYSTEM, tet, wards["A"])[0]  # the newest, as the page shows it
        now = ward_figures(session, SYSTEM, tet, wards["A"])
    assert sent.figures == live and sent.report == "Báo cáo ngày 26/01/2026"
    assert sent.signed_at == vn(26, 10)
    assert now.delivered == 7
    changes = changes_since(sent.figures, now)
    assert [(c.item, c.reported.delivered, c.live.delivered) for c in changes] == [("Quà 600k", 4, 7)]
    assert changes_since(now, now) == []


def test_later_sign_off_supersedes_and_both_are_kept(engine, wards, tet):
    with write_session(engine) as session:
        first = sign_off(session, SYSTEM, tet, wards["A"], now=vn(27, 9))
    deliver_more(engine, tet, wards["A"], 2)
    with write_session(engine) as session:
        second = sign_off(session, SYSTEM, tet, wards["A"], now=vn(27, 11))
    with read_session(engine) as session:
        latest = latest_sign_offs(session, SYSTEM, tet, report_day=date(2026, 1, 27))
        history = sign_off_history(session, SYSTEM, tet, wards["A"])
    assert latest[wards["A"]].id == second.id and latest[wards["A"]].figures.delivered == 6
    assert [h.id for h in history] == [second.id, first.id]
    assert history[1].figures.delivered == 4


def test_daily_sign_off_only_inside_the_window(engine, wards, tet):
    with write_session(engine) as session, pytest.raises(Invalid, match="ngoài kỳ báo cáo"):
        sign_off(session, SYSTEM, tet, wards["A"], now=vn(29, 9))
    # 25/01 18:00 UTC is already 26/01 01:00 in Vietnam: the report of 26/01
    with write_session(engine) as session:
        row = sign_off(session, SYSTEM, tet, wards["A"], now=datetime(2026, 1, 25, 18, tzinfo=UTC))
    assert row.report_day == date(2026, 1, 26)


def test_ward_staff_sign_off_their_own_ward_only(engine, wards, tet):
    staff_a = Scope(user_id=None, username="a", role="ward", ward_ids=frozenset({wards["A"]}))
    viewer = Scope(user_id=None, username="v", role="viewer", ward_ids=None)
    with write_session(engine) as session:
        sign_off(session, staff_a, tet, wards["A"], now=vn(26, 9))
    for scope in (staff_a, viewer):
        with write_session(engine) as session, pytest.raises(Forbidden):
            sign_off(session, scope, tet, wards["B"], now=vn(26, 9))
    with read_session(engine) as session:
        assert set(latest_sign_offs(session, staff_a, tet, report_day=date(2026, 1, 26))) == {wards["A"]}
        audited = session.execute(select(AuditEvent.action).where(AuditEvent.table_name == "wardreport"))
        assert list(audited.scalars()) == ["sign_off"]


@pytest.mark.parametrize("change", ["update", "delete"])
def test_a_signed_report_never_changes(engine, wards, tet, change):
    with write_session(engine) as session:
        sign_off(session, SYSTEM, tet, wards["A"], now=vn(26, 9))
    statement = update(WardReport).values(figures="{}") if change == "update" else delete(WardReport)
    with pytest.raises(Locked, match="không sửa hay xóa"), write_session(engine) as session:
        session.execute(statement)
    with read_session(engine) as session:
        assert sign_off_history(session, SYSTEM, tet, wards["A"])[0].figures.delivered == 4


# --- reporting rate -------------------------------------------------------------------------------


def test_on_time_late_missing_not_due_around_the_deadline(engine, wards, tet):
    with write_session(engine) as session:
        sign_off(session, SYSTEM, tet, wards["A"], now=vn(26, 13, 59))  # 26/01: on time
        sign_off(session, SYSTEM, tet, wards["B"], now=vn(26, 14, 1))  # 26/01: late
        sign_off(session, SYSTEM, tet, wards["B"], now=vn(26, 15))  # later, changes nothing
        # 26/01 23:30 UTC is 27/01 06:30 in Vietnam: A's report of 27/01, on time
        sign_off(session, SYSTEM, tet, wards["A"], now=datetime(2026, 1, 26, 23, 30, tzinfo=UTC))
    with read_session(engine) as session:
        grid = reporting_grid(session, SYSTEM, tet, now=vn(27, 14, 1))
    by_ward = {row.ward_id: row for row in grid.wards}
    a = [cell.status for cell in by_ward[wards["A"]].cells]
    b = [cell.status for cell in by_ward[wards["B"]].cells]
    assert a == [ReportStatus.ON_TIME, ReportStatus.ON_TIME, ReportStatus.NOT_DUE]
    assert b == [ReportStatus.LATE, ReportStatus.MISSING, ReportStatus.NOT_DUE]
    assert [row.ward_id for row in grid.wards] == [wards["B"], wards["A"]]  # overdue first
    assert (by_ward[wards["A"]].rate, by_ward[wards["B"]].rate) == (100.0, 50.0)
    assert [c.rate for c in grid.reports] == [100.0, 50.0, 0.0]
    assert [c.due for c in grid.reports] == [True, True, False]
    assert by_ward[wards["B"]].cells[0].signed_at == vn(26, 14, 1)
    with read_session(engine) as session:  # one minute earlier, 27/01 is not due yet for B
        before = reporting_grid(session, SYSTEM, tet, now=vn(27, 13, 59))
    b_before = next(row for row in before.wards if row.ward_id == wards["B"])
    assert b_before.cells[1].status == ReportStatus.NOT_DUE and b_before.rate == 100.0
    assert [label(s) for s in ReportStatus] == ["Đúng hạn", "Muộn", "Chưa báo cáo", "Chưa đến hạn"]


def test_grid_of_ward_staff_shows_their_ward(engine, wards, tet):
    staff_b = Scope(user_id=None, username="b", role="ward", ward_ids=frozenset({wards["B"]}))
    with read_session(engine) as session:
        grid = reporting_grid(session, staff_b, tet, now=vn(28, 15))
    assert [row.ward_id for row in grid.wards] == [wards["B"]]
    assert [cell.status for cell in grid.wards[0].cells] == [ReportStatus.MISSING] * 3


# --- reported vs live -----------------------------------------------------------------------------


def test_daily_report_reported_and_live_differ_after_a_late_edit(engine, wards, tet):
    with write_session(engine) as session:
        sign_off(session, SYSTEM, tet, wards["A"], now=vn(27, 10))
        sign_off(session, SYSTEM, tet, wards["A"], now=vn(27, 16))  # after the deadline: not counted
    deliver_more(engine, tet, wards["A"], 5)  # after the sign-offs
    on = date(2026, 1, 27)
    with read_session(engine) as session:
        live = {r.label: r for r in daily_progress(session, SYSTEM, tet, on)}
        reported = {r.label: r for r in daily_progress(session, SYSTEM, tet, on, basis=FiguresBasis.REPORTED)}
        data = daily_xlsx(session, SYSTEM, tet, on, Office("UBND", day=on), basis=FiguresBasis.REPORTED)
        live_data = daily_xlsx(session, SYSTEM, tet, on, Office("UBND", day=on))
        stated = basis_text(session, tet, on, FiguresBasis.REPORTED)
    assert live["Phường A"].delivered == 9 and reported["Phường A"].delivered == 4
    assert reported["Phường A"].lump_amount == 10_000_000 and not reported["Phường A"].not_reported
    assert reported["Phường B"].not_reported and reported["Phường B"].planned == 0
    assert reported["Tổng cộng"].delivered == 4
    assert stated == "Số liệu các phường/xã đã chốt đến 14:00 ngày 27/01/2026"
    texts = [
        c for row in load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True) for c in row if c
    ]
    assert stated in texts and "Phường B (chưa báo cáo)" in texts
    live_texts = [
        c for row in load_workbook(io.BytesIO(live_data)).active.iter_rows(values_only=True) for c in row
    ]
    assert "Số liệu trực tiếp" in live_texts


def test_cli_report_daily_basis(engine, wards, tet, tmp_path, capsys):
    from data_layer.cli import main

    with write_session(engine) as session:
        sign_off(session, SYSTEM, tet, wards["A"], now=vn(27, 10))
    url = engine.url.render_as_string(hide_password=False)
    out = tmp_path / "daily.xlsx"
    args = [
        "report",
        "daily",
        "--campaign",
        "Tết 2026",
        "--date",
        "27/01/2026",
        "--out",
        str(out),
        "--db",
        url,
    ]
    assert main([*args, "--basis", "reported"]) == 0
    assert "đã chốt đến 14:00 ngày 27/01/2026" in capsys.readouterr().out
    assert main(args) == 0
    assert "Số liệu trực tiếp" in capsys.readouterr().out


def test_summary_states_its_basis(engine, wards, tet):
    with read_session(engine) as session:
        basis = summary_basis(session, SYSTEM, tet)
    assert basis.text == "Số liệu trực tiếp" and [w.label for w in basis.wards] == ["Chưa duyệt"] * 2
    with write_session(engine) as session:
        session.add(ApprovalEvent(campaign_id=tet, ward_id=wards["A"], seq=1, action="approve", at=vn(28, 9)))
    with read_session(engine) as session:
        basis = summary_basis(session, SYSTEM, tet)
    assert basis.text == "Số liệu trực tiếp"
    assert [w.label for w in basis.wards] == ["Đã duyệt 28/01/2026", "Chưa duyệt"]
    with write_session(engine) as session:
        session.add(
            ApprovalEvent(campaign_id=tet, ward_id=wards["B"], seq=1, action="approve", at=vn(30, 23, 30))
        )
    with read_session(engine) as session:
        basis = summary_basis(session, SYSTEM, tet)
        data = summary_workbook(session, SYSTEM, tet, Office("UBND", day=date(2026, 2, 1)))
    assert basis.approved and basis.text == "Số liệu đã duyệt ngày 30/01/2026"
    book = load_workbook(io.BytesIO(data))
    assert basis.text in [c for row in book["Tổng hợp"].iter_rows(values_only=True) for c in row]
    assert "Đã duyệt 28/01/2026" in [c for row in book["Phường A"].iter_rows(values_only=True) for c in row]
    with write_session(engine) as session:  # an unlocked approval no longer counts
        session.add(ApprovalEvent(campaign_id=tet, ward_id=wards["B"], seq=2, action="unlock", at=vn(31, 8)))
    with read_session(engine) as session:
        assert summary_basis(session, SYSTEM, tet).text == "Số liệu trực tiếp"


def test_a_campaign_not_tied_to_tet_keeps_its_days(engine):
    with write_session(engine) as session:
        cid = create_campaign(
            session, SYSTEM, name="Mừng thọ 2026", year=2026, kind="longevity", start_date=date(2026, 10, 1)
        ).id
        add_milestone(session, SYSTEM, campaign_id=cid, name="Tổng kết", due_date=date(2026, 10, 15))
        plan = copy_plan(session, cid, 2027)
        copy = copy_campaign(session, SYSTEM, cid, name="Mừng thọ 2027", year=2027)
        assert copy.start_date == date(2027, 10, 1)
    assert plan.how == "Giữ ngày và tháng, năm 2027" and plan.milestones == [
        ("Tổng kết", date(2026, 10, 15), date(2027, 10, 15))
    ]


def test_a_sign_off_after_the_deadline_is_marked_late(engine, wards, tet):
    with write_session(engine) as session:
        quick = add_milestone(
            session, SYSTEM, campaign_id=tet, name="Báo cáo nhanh", due_date=date(2026, 2, 10)
        )
        sign_off(session, SYSTEM, tet, wards["A"], now=vn(27, 13, 59))  # daily report due 14:00
        sign_off(session, SYSTEM, tet, wards["A"], now=vn(28, 14, 1))
        sign_off(session, SYSTEM, tet, wards["A"], milestone_id=quick.id, now=vn(10, 14, 30, month=2))
        sign_off(session, SYSTEM, tet, wards["B"], milestone_id=quick.id, now=vn(10, 9, month=2))
    with read_session(engine) as session:
        a = sign_off_history(session, SYSTEM, tet, wards["A"])
        b = sign_off_history(session, SYSTEM, tet, wards["B"])
    assert [(h.report, h.late) for h in a] == [
        ("Báo cáo nhanh", True),
        ("Báo cáo ngày 28/01/2026", True),
        ("Báo cáo ngày 27/01/2026", False),
    ]
    assert [(h.report, h.late) for h in b] == [("Báo cáo nhanh", False)]
