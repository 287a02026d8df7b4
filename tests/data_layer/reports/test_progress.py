"""Progress aggregates checked against a hand-computed fixture, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import insert, select

from data_layer.campaigns.allocation import apply_allocations
from data_layer.campaigns.delivery import allocation_rows, mark_delivered
from data_layer.campaigns.lumps import add_lump
from data_layer.campaigns.rules import Rule
from data_layer.campaigns.setup import add_package, create_campaign, list_packages
from data_layer.core.access import Scope
from data_layer.core.codes import Problem
from data_layer.core.db import write_session
from data_layer.core.models import Beneficiary, BeneficiaryCategory, Category
from data_layer.core.versioning import data_version
from data_layer.registry.hamlets import ensure_hamlets, merge_hamlets
from data_layer.registry.queries import Filters, count_people, people_page
from data_layer.reports.progress import campaign_progress, category_counts, registry_quality
from tests.conftest import source_id

TINH, TW = "Tỉnh/Thành phố trực thuộc Trung ương", "Trung ương (quà của Chủ tịch nước)"

SYSTEM = Scope.system()


@pytest.fixture
def season(engine, wards):
    """Ward A: 3 poor households, 2 delivered; ward B: 2 poor households + 1 invalid, none delivered."""
    with write_session(engine) as session:
        hn = session.execute(select(Category.id).where(Category.code == "HN")).scalar_one()
        tb = session.execute(select(Category.id).where(Category.code == "NCC_TB")).scalar_one()
        people = [
            (wards["A"], "A1", hn, "020050000001", "Khối 1", "111"),
            (wards["A"], "A2", hn, None, "Khối 1", None),
            (wards["A"], "A3", hn, "12345", None, None),
            (wards["B"], "B1", hn, "020050000004", "Thôn 1", "222"),
            (wards["B"], "A1", hn, "020050000005", "Thôn 1", None),  # same name + year as A1
            (wards["B"], "B3", tb, "020050000006", "Thôn 2", None),
        ]
        for ward_id, name, category, national_id, hamlet, bank in people:
            person = {"ward_id": ward_id, "name": name, "name_key": name.lower(), "birth_year": 1950}
            person |= {"national_id": national_id, "hamlet": hamlet, "bank_account": bank}
            pid = session.execute(insert(Beneficiary).returning(Beneficiary.id), [person]).scalar_one()
            session.execute(insert(BeneficiaryCategory), [{"beneficiary_id": pid, "category_id": category}])
        cid = create_campaign(
            session, SYSTEM, name="Tết", year=2026, report_from=date(2026, 2, 1), report_to=date(2026, 2, 11)
        ).id
        for code, label, amount, category in (
            ("TINH", "Hộ nghèo", 500_000, "HN"),
            ("TW", "Thương binh", 300_000, "NCC_TB"),
        ):
            source = source_id(session, code)
            rule = Rule(categories=[category])
            add_package(
                session, SYSTEM, campaign_id=cid, source_id=source, label=label, amount=amount, rule=rule
            )
        apply_allocations(session, SYSTEM, cid)
        rows = {r.name + r.ward: r.id for r in allocation_rows(session, SYSTEM, cid)}
        mark_delivered(session, SYSTEM, [rows["A1Phường A"]], on=date(2026, 2, 2))
        mark_delivered(session, SYSTEM, [rows["A2Phường A"]], on=date(2026, 2, 4))
        add_lump(
            session,
            SYSTEM,
            campaign_id=cid,
            ward_id=wards["B"],
            source_id=source_id(session, "XHH"),
            count=10,
            amount=3_000_000,
        )
    return cid


def test_campaign_progress_figures(engine, season):
    with write_session(engine) as session:
        progress = campaign_progress(session, SYSTEM, season, today=date(2026, 2, 6))
    assert (progress.total.planned, progress.total.planned_amount) == (6, 5 * 500_000 + 300_000)
    assert (progress.total.delivered, progress.total.delivered_amount, progress.total.percent) == (
        2,
        1_000_000,
        33.3,
    )
    assert (progress.lump_count, progress.lump_amount) == (10, 3_000_000)
    assert progress.expected_percent == 50.0
    wards = {w.label: w for w in progress.wards}
    assert (wards["Phường A"].planned, wards["Phường A"].delivered, wards["Phường A"].percent) == (
        3,
        2,
        66.7,
    )
    assert wards["Phường B"].delivered_amount == 0 and wards["Phường B"].behind
    assert not wards["Phường A"].behind
    assert [w.label for w in progress.wards] == ["Phường B", "Phường A"]  # least done first
    sources = {s.label: (s.planned, s.planned_amount) for s in progress.sources}
    assert sources == {TINH: (5, 2_500_000), TW: (1, 300_000)}
    assert [(d.day, d.count) for d in progress.per_day] == [
        (date(2026, 2, 2), 1),
        (date(2026, 2, 4), 1),
    ]


def test_progress_filtered_by_source_or_package(engine, season):
    """TINH (Hộ nghèo, 500.000 đ): 5 planned, 2 delivered; TW (Thương binh): 1 planned; XHH: lumps only."""
    with write_session(engine) as session:
        tinh = campaign_progress(session, SYSTEM, season, source_id=source_id(session, "TINH"))
        tw = campaign_progress(session, SYSTEM, season, source_id=source_id(session, "TW"))
        xhh = campaign_progress(session, SYSTEM, season, source_id=source_id(session, "XHH"))
        package = next(p for p in list_packages(session, season) if p.label == "Thương binh")
        one = campaign_progress(session, SYSTEM, season, package_id=package.id)
    assert (tinh.total.planned, tinh.total.planned_amount, tinh.total.delivered, tinh.total.percent) == (
        5,
        2_500_000,
        2,
        40.0,
    )
    assert (tinh.lump_count, len(tinh.per_day)) == (0, 2)
    assert (tw.total.planned, tw.total.delivered, tw.per_day) == (1, 0, [])
    assert [w.label for w in tw.wards] == ["Phường B"]
    assert (xhh.total.planned, xhh.lump_count, xhh.lump_amount) == (0, 10, 3_000_000)
    assert (one.total.planned, one.total.planned_amount, one.lump_count) == (1, 300_000, 0)
    # the per-source breakdown stays whole, to choose a filter from
    assert [s.label for s in tw.sources] == [TW, TINH]


def test_progress_is_scoped(engine, season, wards):
    staff_b = Scope(user_id=None, username="b", role="ward", ward_ids=frozenset({wards["B"]}))
    with write_session(engine) as session:
        progress = campaign_progress(session, staff_b, season)
        assert (progress.total.planned, progress.total.delivered, progress.lump_count) == (3, 0, 10)
        # the commune office watches its hamlets, not itself
        assert [(w.label, w.planned) for w in progress.wards] == [("Thôn 1", 2), ("Thôn 2", 1)]
        assert progress.unit_title == "Thôn/tổ dân phố"
        assert [q.ward for q in registry_quality(session, staff_b)] == ["Phường B"]


def test_commune_office_progress_groups_by_hamlet(engine, season, wards):
    """Ward A's office sees Khối 1 (A1 and A2, both delivered) and the person without a hamlet; a
    second spelling of Khối 1 and a merged spelling count in Khối 1; the totals stay the ward's."""
    office_a = Scope(user_id=None, username="a", role="ward", ward_ids=frozenset({wards["A"]}))
    viewer_a = Scope(user_id=None, username="x", role="viewer", ward_ids=frozenset({wards["A"]}))
    with write_session(engine) as session:
        people = Beneficiary.__table__
        session.execute(people.update().where(Beneficiary.name == "A2").values(hamlet="KHỐI  1"))
        ensure_hamlets(session, wards["A"], ["Khối 1", "K1"])
        merge_hamlets(session, SYSTEM, wards["A"], "Khối 1", "K1")
        session.execute(Beneficiary.__table__.update().where(Beneficiary.name == "A3").values(hamlet="K1"))
    with write_session(engine) as session:
        progress = campaign_progress(session, office_a, season)
        whole = campaign_progress(session, SYSTEM, season)
        as_viewer = campaign_progress(session, viewer_a, season)
    assert [(w.label, w.planned, w.delivered, w.planned_amount) for w in progress.wards] == [
        ("Khối 1", 3, 2, 1_500_000)
    ]
    assert [(w.label, w.planned) for w in as_viewer.wards] == [("Khối 1", 3)]
    ward_a = next(w for w in whole.wards if w.label == "Phường A")
    assert (progress.total.planned, progress.total.delivered_amount) == (
        ward_a.planned,
        ward_a.delivered_amount,
    )
    with write_session(engine) as session:
        session.execute(Beneficiary.__table__.update().where(Beneficiary.name == "A3").values(hamlet=None))
        progress = campaign_progress(session, office_a, season)
    assert [(w.label, w.planned) for w in progress.wards] == [("Không ghi thôn/tổ", 1), ("Khối 1", 2)]


def test_district_and_province_still_group_by_commune(engine, season, wards):
    province = Scope(user_id=None, username="p", role="province", ward_ids=frozenset({wards["B"]}))
    district = Scope(user_id=None, username="d", role="district", ward_ids=None)
    with write_session(engine) as session:
        assert [w.label for w in campaign_progress(session, province, season).wards] == ["Phường B"]
        by_commune = campaign_progress(session, district, season)
    assert [w.label for w in by_commune.wards] == ["Phường B", "Phường A"]
    assert by_commune.unit_title == "Phường/xã"


def test_registry_quality_counts(engine, season):
    with write_session(engine) as session:
        session.execute(Beneficiary.__table__.update().where(Beneficiary.name == "B3").values(status="died"))
    with write_session(engine) as session:
        quality = {q.ward: q for q in registry_quality(session, SYSTEM)}
        names = dict(session.execute(select(Category.code, Category.name)).all())
        counts = {(c.ward, c.category): c.count for c in category_counts(session, SYSTEM)}
    a, b = quality["Phường A"], quality["Phường B"]
    assert (a.people, a.missing_id, a.invalid_id, a.no_hamlet) == (3, 1, 1, 1)
    assert (a.cashless, a.cashless_share) == (1, 0.333)
    assert (a.possible_duplicates, b.possible_duplicates) == (1, 1)
    assert (a.dead_with_gifts, b.dead_with_gifts) == (0, 1)
    assert counts[("Phường A", names["HN"])] == 3 and counts[("Phường B", names["HN"])] == 2
    assert ("Phường B", names["NCC_TB"]) not in counts  # the only invalid soldier died: active people only


def test_each_problem_count_opens_exactly_those_people(engine, season, wards):
    """The quality counts link to the registry filtered by the same problem: the totals agree."""
    with write_session(engine) as session:
        session.execute(Beneficiary.__table__.update().where(Beneficiary.name == "B3").values(status="died"))
    with write_session(engine) as session:
        quality = {q.ward_id: q for q in registry_quality(session, SYSTEM)}
        for ward_id in wards.values():
            for problem in Problem:
                total = count_people(session, SYSTEM, Filters(ward_id=ward_id, problem=problem))
                assert total == getattr(quality[ward_id], problem), (ward_id, problem)
        duplicates = people_page(session, SYSTEM, Filters(problem=Problem.POSSIBLE_DUPLICATES))
        assert sorted((r.name, r.ward) for r in duplicates) == [("A1", "Phường A"), ("A1", "Phường B")]
        dead = people_page(session, SYSTEM, Filters(problem=Problem.DEAD_WITH_GIFTS))
        assert [r.name for r in dead] == ["B3"]


def test_data_version_moves_with_every_write(engine, season):
    with write_session(engine) as session:
        before = data_version(session)
        rows = allocation_rows(session, SYSTEM, season, status="planned")
        mark_delivered(session, SYSTEM, [rows[0].id], on=date(2026, 2, 5))
    with write_session(engine) as session:
        assert data_version(session) > before
