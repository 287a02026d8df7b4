"""Campaign packages and the allocation rules engine, on SQLite and PostgreSQL."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, insert, select

from data_layer.campaigns.allocation import (
    apply_allocations,
    cross_ward_duplicates,
    ineligible_allocations,
    omissions,
    propose_allocations,
)
from data_layer.campaigns.calendar import copy_campaign
from data_layer.campaigns.delivery import allocation_rows, mark_delivered, mark_not_delivered
from data_layer.campaigns.lumps import add_lump, list_lumps
from data_layer.campaigns.rules import Rule, parse_ages
from data_layer.campaigns.setup import add_package, create_campaign, list_packages
from data_layer.campaigns.signing_list import import_signed_list, signing_list_xlsx
from data_layer.core.access import Scope
from data_layer.core.db import write_session
from data_layer.core.errors import Forbidden, UserError
from data_layer.core.models import Allocation, Beneficiary, BeneficiaryCategory, Category
from tests.conftest import source_id
from tests.data_layer.documents import assert_official_look, header_row, table

SYSTEM = Scope.system()


def person(
    session,
    ward_id,
    name,
    birth_year,
    categories=(),
    status="active",
    status_date=None,
    national_id=None,
    hamlet="Khối 1",
):
    pid = session.execute(
        insert(Beneficiary).returning(Beneficiary.id),
        [
            {
                "ward_id": ward_id,
                "name": name,
                "name_key": name.lower(),
                "birth_year": birth_year,
                "status": status,
                "status_date": status_date,
                "national_id": national_id,
                "hamlet": hamlet,
            }
        ],
    ).scalar_one()
    ids = dict(session.execute(select(Category.code, Category.id)).all())
    for code in categories:
        session.execute(insert(BeneficiaryCategory), [{"beneficiary_id": pid, "category_id": ids[code]}])
    return pid


@pytest.fixture
def season(engine, wards):
    """A Tết 2026 campaign: President's gift at two levels (TW) and longevity gifts by age (TINH)."""
    with write_session(engine) as session:
        campaign = create_campaign(session, SYSTEM, name="Tết 2026", year=2026, start_date=date(2026, 2, 1))
        cid = campaign.id
        add_package(
            session,
            SYSTEM,
            campaign_id=cid,
            source_id=source_id(session, "TW"),
            label="Mức 600.000đ",
            amount=600_000,
            rule=Rule(categories=["NCC_TB81", "NCC_BMVNAH"]),
            priority=1,
        )
        add_package(
            session,
            SYSTEM,
            campaign_id=cid,
            source_id=source_id(session, "TW"),
            label="Mức 300.000đ",
            amount=300_000,
            rule=Rule(categories=["NCC_TB81", "NCC_BMVNAH", "NCC_TB", "TNLS"]),
            priority=2,
        )
        add_package(
            session,
            SYSTEM,
            campaign_id=cid,
            source_id=source_id(session, "TINH"),
            label="Thọ 70, 75",
            amount=700_000,
            rule=Rule(ages=[70, 75]),
        )
        add_package(
            session,
            SYSTEM,
            campaign_id=cid,
            source_id=source_id(session, "TINH"),
            label="Thọ 100+",
            amount=1_700_000,
            rule=Rule(age_min=100),
        )
        a, b = wards["A"], wards["B"]
        ids = {
            "tb81": person(session, a, "Thương Binh Nặng", 1950, ["NCC_TB81"]),
            "tb": person(session, a, "Thương Binh Nhẹ", 1956, ["NCC_TB"]),  # age 70 → also longevity
            "ls": person(session, b, "Thân Nhân Liệt Sĩ", 1940, ["TNLS"]),
            "old": person(session, b, "Cụ Trăm Tuổi", 1920, []),  # 106 → 100+
            "young": person(session, a, "Người Trẻ", 1990, ["HN"]),  # nothing
            "died_before": person(session, a, "Mất Trước", 1952, ["NCC_TB"], "died", date(2026, 1, 10)),
            "died_after": person(session, a, "Mất Sau", 1952, ["NCC_TB"], "died", date(2026, 2, 5)),
            "moved": person(session, b, "Chuyển Đi", 1952, ["NCC_TB"], "moved", date(2025, 12, 1)),
        }
    return cid, ids


def allocations_of(engine, campaign_id):
    with write_session(engine) as session:
        rows = session.execute(
            select(Allocation.beneficiary_id, Allocation.amount).where(Allocation.campaign_id == campaign_id)
        ).all()
    return sorted((b, a) for b, a in rows)


def test_rules_priorities_ages_and_deaths(engine, season):
    cid, ids = season
    with write_session(engine) as session:
        proposal = propose_allocations(session, SYSTEM, cid)
        assert apply_allocations(session, SYSTEM, cid) == len(proposal.rows)
    expected = sorted(
        [
            (ids["tb81"], 600_000),  # highest TW level only, not also 300.000
            (ids["tb"], 300_000),
            (ids["tb"], 700_000),  # TW + longevity 70 from another source
            (ids["ls"], 300_000),
            (ids["old"], 1_700_000),
            (ids["died_after"], 300_000),  # died after the campaign started: still given
        ]
    )
    assert allocations_of(engine, cid) == expected


def test_rerun_adds_only_what_is_missing(engine, season, wards):
    cid, _ = season
    with write_session(engine) as session:
        apply_allocations(session, SYSTEM, cid)
    with write_session(engine) as session:
        assert propose_allocations(session, SYSTEM, cid).rows == []
        newcomer = person(session, wards["A"], "Người Mới", 1952, ["TNLS"])
    with write_session(engine) as session:
        again = propose_allocations(session, SYSTEM, cid)
        assert [(r["beneficiary_id"], r["amount"]) for r in again.rows] == [(newcomer, 300_000)]
        assert [o.name for o in omissions(session, SYSTEM, cid)] == ["Người Mới"]


def test_ward_scope_limits_the_proposal(engine, season, wards):
    cid, ids = season
    staff = Scope(user_id=None, username="b", role="ward", ward_ids=frozenset({wards["B"]}))
    with write_session(engine) as session:
        proposal = propose_allocations(session, staff, cid)
        assert {r["beneficiary_id"] for r in proposal.rows} == {ids["ls"], ids["old"]}
        summary = proposal.by_ward_and_package(session)
        assert {(s.ward, s.count, s.amount) for s in summary} == {
            ("Phường B", 1, 300_000),
            ("Phường B", 1, 1_700_000),
        }
    viewer = Scope(user_id=None, username="v", role="viewer", ward_ids=None)
    with write_session(engine) as session, pytest.raises(Forbidden):
        apply_allocations(session, viewer, cid)


def test_budget_cap_holds_people_back(engine, wards):
    with write_session(engine) as session:
        cid = create_campaign(session, SYSTEM, name="Đợt nhỏ", year=2026).id
        add_package(
            session,
            SYSTEM,
            campaign_id=cid,
            source_id=source_id(session, "XA"),
            label="Quà xã",
            amount=500_000,
            rule=Rule(categories=["HN"]),
            budget=1_000_000,
        )
        for i in range(3):
            person(session, wards["A"], f"Hộ Nghèo {i}", 1970, ["HN"])
        proposal = propose_allocations(session, SYSTEM, cid)
    assert len(proposal.rows) == 2 and sum(proposal.over_budget.values()) == 1


def test_ineligible_and_cross_ward_duplicates(engine, season, wards):
    cid, ids = season
    with write_session(engine) as session:
        apply_allocations(session, SYSTEM, cid)
        twin_a = person(session, wards["A"], "Song Trùng", 1945, ["TNLS"], national_id="020045000001")
        twin_b = person(session, wards["B"], "Song Trùng", 1945, ["TNLS"], national_id="020045000001")
        apply_allocations(session, SYSTEM, cid)
        session.execute(
            Beneficiary.__table__.update().where(Beneficiary.id == ids["tb81"]).values(status="died")
        )
    with write_session(engine) as session:
        assert [r.name for r in ineligible_allocations(session, SYSTEM, cid)] == ["Thương Binh Nặng"]
        dupes = cross_ward_duplicates(session, SYSTEM, cid)
        assert len(dupes) == 1 and {ward for _name, _id, ward in dupes[0].people} == {"Phường A", "Phường B"}
        assert twin_a != twin_b


def test_delivery_marks_are_scoped_and_audited(engine, season, wards):
    cid, ids = season
    with write_session(engine) as session:
        apply_allocations(session, SYSTEM, cid)
        rows = {r.beneficiary_id: r for r in allocation_rows(session, SYSTEM, cid)}
    staff_a = Scope(user_id=None, username="a", role="ward", ward_ids=frozenset({wards["A"]}))
    with write_session(engine) as session:
        assert mark_delivered(session, staff_a, [rows[ids["tb81"]].id], on=date(2026, 2, 3), by="Lan") == 1
        with pytest.raises(UserError, match="không có quyền"):
            mark_delivered(session, staff_a, [rows[ids["ls"]].id], on=date(2026, 2, 3))
        assert mark_not_delivered(session, staff_a, [rows[ids["died_after"]].id], reason="died") == 1
    with write_session(engine) as session:
        after = {r.beneficiary_id: r for r in allocation_rows(session, SYSTEM, cid)}
    assert after[ids["tb81"]].status == "delivered" and after[ids["tb81"]].delivered_on == date(2026, 2, 3)
    assert after[ids["tb81"]].version == 2
    assert after[ids["died_after"]].status == "not_delivered" and after[ids["died_after"]].reason == "died"
    assert after[ids["ls"]].status == "planned"


def test_lumps(engine, season, wards):
    cid, _ = season
    with write_session(engine) as session:
        add_lump(
            session,
            SYSTEM,
            campaign_id=cid,
            ward_id=wards["A"],
            source_id=source_id(session, "XHH"),
            count=3072,
            amount=1_485_600_000,
            note="Hội Chữ thập đỏ",
        )
        xhh = source_id(session, "XHH")
        with pytest.raises(UserError, match="lớn hơn 0"):
            add_lump(session, SYSTEM, campaign_id=cid, ward_id=wards["A"], source_id=xhh, count=0, amount=0)
        staff_b = Scope(user_id=None, username="b", role="ward", ward_ids=frozenset({wards["B"]}))
        with pytest.raises(Forbidden):
            add_lump(session, staff_b, campaign_id=cid, ward_id=wards["A"], source_id=xhh, count=1, amount=1)
        assert list_lumps(session, staff_b, cid) == []
        assert [(g.count, g.amount) for g in list_lumps(session, SYSTEM, cid)] == [(3072, 1_485_600_000)]


def test_copy_campaign_keeps_packages(engine, season):
    cid, _ = season
    with write_session(engine) as session:
        copy = copy_campaign(session, SYSTEM, cid, name="Tết 2027", year=2027)
        assert copy.start_date == date(2027, 1, 21)  # 16 days before Tết, as 01/02/2026 was
        labels = [p.label for p in list_packages(session, copy.id)]
    assert sorted(labels) == ["Mức 300.000đ", "Mức 600.000đ", "Thọ 100+", "Thọ 70, 75"]


def test_parse_ages():
    assert parse_ages("70, 75; 100+") == ([70, 75], 100)
    with pytest.raises(UserError, match="không hợp lệ"):
        parse_ages("bảy mươi")


def test_signing_list_cells_and_round_trip(engine, season, wards, monkeypatch):
    monkeypatch.setenv("ANSINH_ORG_NAME", "UBND THÀNH PHỐ LẠNG SƠN")
    monkeypatch.setenv("ANSINH_ORG_PLACE", "Lạng Sơn")
    cid, ids = season
    with write_session(engine) as session:
        apply_allocations(session, SYSTEM, cid)
        data = signing_list_xlsx(session, SYSTEM, cid, ward_id=wards["A"])
    ws = load_workbook(io.BytesIO(data)).active
    header = header_row(ws)
    assert [c.value for c in ws[header]] == [
        "STT",
        "Họ và tên",
        "Năm sinh",
        "Địa chỉ",
        "Đối tượng",
        "Mức quà",
        "Ký nhận",
        "Đã nhận",
        "Mã suất",
    ]
    body = table(ws)
    assert [r[0] for r in body[:4]] == [1, 2, 3, 4]
    assert {r[1] for r in body[:4]} == {"Thương Binh Nặng", "Thương Binh Nhẹ", "Mất Sau"}
    totals = header + 5
    assert ws.cell(row=totals, column=2).value == "Tổng cộng: 4 suất"
    assert ws.cell(row=totals, column=6).value == 600_000 + 300_000 + 700_000 + 300_000
    assert ws.cell(row=header + 1, column=6).number_format == "#,##0"
    assert ws.column_dimensions["I"].hidden and not ws.column_dimensions["H"].hidden
    # the round trip: the clerk ticks two rows ("x" and a date) and uploads the file back
    ws.cell(row=header + 1, column=8).value = "x"
    ws.cell(row=header + 2, column=8).value = "03/02/2026"
    buffer = io.BytesIO()
    ws.parent.save(buffer)
    with write_session(engine) as session:
        result = import_signed_list(
            session, SYSTEM, buffer.getvalue(), "ky_nhan.xlsx", default_date=date(2026, 2, 4)
        )
    assert result.delivered == 2 and result.errors == []
    with write_session(engine) as session:
        delivered = session.execute(select(Allocation.delivered_on).where(Allocation.status == "delivered"))
        assert sorted(delivered.scalars()) == [date(2026, 2, 3), date(2026, 2, 4)]
        # uploading the same file again changes nothing
        again = import_signed_list(
            session, SYSTEM, buffer.getvalue(), "ky_nhan.xlsx", default_date=date(2026, 2, 5)
        )
        assert again.delivered == 0
        assert (
            session.execute(
                select(func.count()).select_from(Allocation).where(Allocation.status == "delivered")
            ).scalar_one()
            == 2
        )


def test_signing_list_prints_for_elderly_people_on_a4(engine, season, wards, monkeypatch):
    """The ward's name in the letterhead, Times New Roman 13, rows tall enough to sign, long group names
    wrapped, A4 portrait across the page at full size, the header row on every page, the clerk's
    columns left off the print, a totals row and the signatures."""
    monkeypatch.setenv("ANSINH_ORG_NAME", "UBND THÀNH PHỐ LẠNG SƠN")
    monkeypatch.setenv("ANSINH_ORG_PLACE", "Lạng Sơn")
    cid, ids = season
    with write_session(engine) as session:
        long_group = session.execute(select(Category).where(Category.code == "NCC_TB81")).scalar_one()
        long_group.name = "Thương binh, người hưởng chính sách như thương binh, bệnh binh (tỷ lệ từ 81%)"
        session.add(long_group)
        apply_allocations(session, SYSTEM, cid)
        data = signing_list_xlsx(session, SYSTEM, cid, ward_id=wards["A"])
    ws = load_workbook(io.BytesIO(data)).active
    assert_official_look(ws, ["ỦY BAN NHÂN DÂN", "PHƯỜNG A"])  # the ward hands the gifts over
    assert "DANH SÁCH KÝ NHẬN QUÀ" in [ws.cell(row=r, column=1).value for r in range(4, 8)]
    header = header_row(ws)
    area = ws.print_area.removeprefix("'Ký nhận'!$A$1:$G$")  # "Đã nhận", "Mã suất" are not printed
    assert int(area) >= ws.max_row  # with room under the signatures
    printed = sum(ws.column_dimensions[c].width for c in "ABCDEFG")
    assert printed <= 80  # Times New Roman 13 fits A4 portrait at ≥ 95 %: ≥ 12 pt on paper
    rows = range(header + 1, header + 5)
    assert all(ws.row_dimensions[r].height >= 30 for r in rows)
    wrapped = next(r for r in rows if "81%" in (ws.cell(row=r, column=5).value or ""))
    assert (
        ws.cell(row=wrapped, column=5).alignment.wrap_text
        and ws.cell(row=wrapped, column=2).alignment.wrap_text
    )
    assert ws.row_dimensions[wrapped].height >= 4 * 17  # the long group name's lines all show
    assert all(ws.cell(row=r, column=c).font.sz == 13 for r in rows for c in range(1, 8))
    totals = header + 5
    assert ws.cell(row=totals, column=2).font.b and ws.cell(row=totals, column=6).font.b
    closing = [c.value for row in ws.iter_rows(min_row=totals + 1) for c in row if c.value]
    assert closing == [
        "Lạng Sơn, ngày …… tháng …… năm ……",
        "NGƯỜI LẬP DANH SÁCH",
        "TM. ỦY BAN NHÂN DÂN",
        "(Ký, ghi rõ họ tên)",
        "CHỦ TỊCH",
        "(Ký tên, đóng dấu)",
    ]


def test_inline_allocation_edits_lock_validate_and_audit(engine, season, wards):
    from data_layer.campaigns.delivery import save_allocation_changes
    from data_layer.core.models import AuditEvent

    cid, ids = season
    with write_session(engine) as session:
        apply_allocations(session, SYSTEM, cid)
    with write_session(engine) as session:
        first = allocation_rows(session, SYSTEM, cid, ward_id=wards["A"])
        second = allocation_rows(session, SYSTEM, cid, ward_id=wards["A"])
    with write_session(engine) as session:
        errors = save_allocation_changes(
            session,
            SYSTEM,
            first,
            {
                0: {"status": "Đã phát", "delivered_on": "2026-02-03", "note": "Nhận tại nhà"},
                1: {"status": "Không phát được"},  # no reason
                2: {"status": "Đã phát", "delivered_on": "2999-01-01"},  # future
            },
        )
    assert set(errors) == {"Dòng 2", "Dòng 3"} and "lý do" in errors["Dòng 2"]
    with write_session(engine) as session:
        assert (
            "Người khác đã sửa"
            in save_allocation_changes(session, SYSTEM, second, {0: {"note": "x"}})["Dòng 1"]
        )
        staff_b = Scope(user_id=None, username="b", role="ward", ward_ids=frozenset({wards["B"]}))
        assert (
            "không có quyền" in save_allocation_changes(session, staff_b, first, {3: {"note": "x"}})["Dòng 4"]
        )
        after = allocation_rows(session, SYSTEM, cid, ward_id=wards["A"])[0]
        fields = set(
            session.execute(
                select(AuditEvent.field).where(
                    AuditEvent.row_id == after.id, AuditEvent.table_name == "allocation"
                )
            ).scalars()
        )
    assert (after.status, after.delivered_on, after.note) == (
        "delivered",
        date(2026, 2, 3),
        "Nhận tại nhà",
    )
    assert {"status", "delivered_on", "note"} <= fields


def test_ward_staff_apply_only_their_own_ward(engine, season, wards):
    cid, ids = season
    staff_b = Scope(user_id=None, username="b", role="ward", ward_ids=frozenset({wards["B"]}))
    with write_session(engine) as session:
        assert apply_allocations(session, staff_b, cid) == 2
        stored = {r.beneficiary_id for r in allocation_rows(session, SYSTEM, cid)}
    assert stored == {ids["ls"], ids["old"]}  # ward B's people only, whatever the page had proposed


def test_the_signed_list_gives_no_hint_about_other_wards(engine, season, wards):
    """An id of another ward's gift, delivered or not, and an id that does not exist get one answer."""
    cid, ids = season
    with write_session(engine) as session:
        apply_allocations(session, SYSTEM, cid)
        rows = {r.beneficiary_id: r for r in allocation_rows(session, SYSTEM, cid)}
        mark_delivered(session, SYSTEM, [rows[ids["old"]].id], on=date(2026, 2, 2))
        data = signing_list_xlsx(session, SYSTEM, cid, ward_id=wards["A"])
    workbook = load_workbook(io.BytesIO(data))
    ws = workbook.active
    foreign = [rows[ids["ls"]].id, rows[ids["old"]].id, 999_999]  # ward B planned, ward B delivered, none
    for offset, allocation_id in enumerate(foreign):
        ws.cell(row=30 + offset, column=8, value="x")
        ws.cell(row=30 + offset, column=9, value=allocation_id)
    buffer = io.BytesIO()
    workbook.save(buffer)
    staff_a = Scope(user_id=None, username="a", role="ward", ward_ids=frozenset({wards["A"]}))
    with write_session(engine) as session:
        result = import_signed_list(
            session, staff_a, buffer.getvalue(), "ky.xlsx", default_date=date(2026, 2, 4)
        )
    assert result.delivered == 0
    assert [(e["row"], e["message"]) for e in result.errors] == [
        (row, "Mã suất không có trong danh sách của bạn.") for row in (30, 31, 32)
    ]


def test_the_audit_log_names_the_person_of_a_gift(engine, season):
    from data_layer.registry.history import audit_log

    cid, ids = season
    with write_session(engine) as session:
        apply_allocations(session, SYSTEM, cid)
        gift = next(r for r in allocation_rows(session, SYSTEM, cid) if r.beneficiary_id == ids["tb81"])
        mark_delivered(session, SYSTEM, [gift.id], on=date(2026, 2, 3))
    with write_session(engine) as session:
        entry = next(e for e in audit_log(session, SYSTEM, table="allocation") if e.row_id == gift.id)
    assert entry.record == "Suất quà của Thương Binh Nặng (Mức 600.000đ)"
