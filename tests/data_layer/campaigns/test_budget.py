"""What-if budget arithmetic (pure integers) and scenarios stored on both databases."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from data_layer.campaigns.allocation import apply_allocations
from data_layer.campaigns.budget import (
    Line,
    Scenario,
    apply_scenario,
    baseline,
    compute,
    list_scenarios,
    save_scenario,
    scaled,
    scenario_changes,
    source_caps,
)
from data_layer.campaigns.rules import Rule
from data_layer.campaigns.setup import add_package, create_campaign
from data_layer.core.access import Scope
from data_layer.core.db import write_session
from data_layer.core.errors import Forbidden
from data_layer.core.models import AuditEvent, Beneficiary, BeneficiaryCategory, Category, Package, User
from data_layer.reports.scenario_sheet import scenario_xlsx
from tests.conftest import source_id

SYSTEM = Scope.system()
LINES = [
    Line(1, "TW", "Trung ương", "600k", 600_000, {"A": 22, "B": 10}),
    Line(2, "TW", "Trung ương", "300k", 300_000, {"A": 5}),
    Line(3, "TINH", "Tỉnh", "500k", 500_000, {"A": 5502}),
]


def test_compute_baseline_and_changes():
    base = compute(LINES, Scenario())
    assert base["total_count"] == 22 + 10 + 5 + 5502
    assert base["total"] == 32 * 600_000 + 5 * 300_000 + 5502 * 500_000  # 2.751.000.000 for the 5.502 line
    assert next(p for p in base["packages"] if p["package_id"] == 3)["total"] == 2_751_000_000
    changed = compute(
        LINES,
        Scenario(
            amounts={2: 400_000},
            removed=[1],
            caps={"TW": 1_000_000},
            added=[{"source": "XA", "label": "Quà xã", "amount": 200_000, "count": 3}],
        ),
    )
    sources = {s["source"]: s for s in changed["sources"]}
    assert sources["TW"]["total"] == 2_000_000 and sources["TW"]["over"] == 1_000_000
    assert sources["XA"]["total"] == 600_000 and sources["XA"]["cap"] is None
    assert changed["total"] == 2_000_000 + 600_000 + 2_751_000_000
    wards = {w["ward"]: w["total"] for w in changed["wards"]}
    assert "B" not in wards and wards["A"] == 5 * 400_000 + 2_751_000_000


def test_growth_is_integer_rounding():
    assert scaled(100, 5) == 105 and scaled(10, 5) == 11 and scaled(9, 5) == 9 and scaled(0, 50) == 0
    grown = compute(LINES, Scenario(growth_percent=10))
    assert grown["total_count"] == scaled(22, 10) + scaled(10, 10) + scaled(5, 10) + scaled(5502, 10)
    assert all(isinstance(p["total"], int) for p in grown["packages"])


def test_xlsx_export_has_the_figures():
    import io

    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(scenario_xlsx("Thử", compute(LINES, Scenario())))).active
    values = [c.value for row in ws.iter_rows() for c in row]
    assert 2_751_000_000 in values and "Tổng cộng" in values
    assert {"NGƯỜI LẬP", "THỦ TRƯỞNG ĐƠN VỊ", "(Ký tên, đóng dấu)"} <= set(values)  # signable


@pytest.fixture
def campaign(engine, wards):
    with write_session(engine) as session:
        cid = create_campaign(session, SYSTEM, name="Tết", year=2026).id
        add_package(
            session,
            SYSTEM,
            campaign_id=cid,
            source_id=source_id(session, "TINH"),
            label="Hộ nghèo",
            amount=500_000,
            rule=Rule(categories=["HN"]),
            budget=2_000_000,
        )
        hn = session.execute(select(Category.id).where(Category.code == "HN")).scalar_one()
        for i, ward in enumerate(["A", "A", "B"]):
            person = Beneficiary(ward_id=wards[ward], name=f"Hộ {i}", name_key=f"ho {i}", birth_year=1960)
            session.add(person)
            session.flush()
            session.add(BeneficiaryCategory(beneficiary_id=person.id, category_id=hn))
    return cid


def test_baseline_counts_allocations_and_eligible_people(engine, campaign, wards):
    with write_session(engine) as session:
        before = baseline(session, SYSTEM, campaign)
        assert [(line.label, line.counts) for line in before] == [
            ("Hộ nghèo", {"Phường A": 2, "Phường B": 1})
        ]
        apply_allocations(session, SYSTEM, campaign)
    with write_session(engine) as session:
        assert baseline(session, SYSTEM, campaign)[0].counts == {"Phường A": 2, "Phường B": 1}
        assert source_caps(session, SYSTEM, campaign) == {"TINH": 2_000_000}
        one_ward = Scope(user_id=None, username="w", role="ward", ward_ids=frozenset({-1}))
        assert source_caps(session, one_ward, campaign) == {}  # the city's budgets are no ward's cap
        staff_b = Scope(user_id=None, username="b", role="ward", ward_ids=frozenset({wards["B"]}))
        assert baseline(session, staff_b, campaign)[0].counts == {"Phường B": 1}


def test_save_compare_and_apply(engine, campaign):
    with write_session(engine) as session:
        package_id = session.execute(select(Package.id)).scalar_one()
        save_scenario(session, SYSTEM, campaign, "Tăng mức", Scenario(amounts={package_id: 600_000}))
        save_scenario(session, SYSTEM, campaign, "Tăng mức", Scenario(amounts={package_id: 700_000}))
        stored = list_scenarios(session, campaign)
        assert [s.name for s in stored] == ["Tăng mức"]
        scenario = Scenario.from_json(stored[0].content)
        assert scenario.amounts == {package_id: 700_000}
        officer = User(username="w", name="W", password_hash="x", role="ward")
        session.add(officer)
        session.flush()
        ward_staff = Scope.for_user(officer)
        with pytest.raises(Forbidden):
            apply_scenario(session, ward_staff, campaign, scenario)
        with pytest.raises(Forbidden, match="người khác lập"):  # a ward officer cannot overwrite it either
            save_scenario(session, ward_staff, campaign, "Tăng mức", Scenario())
        save_scenario(session, ward_staff, campaign, "Của phường", Scenario())
        assert [
            (c.old, c.new, c.planned_gifts) for c in scenario_changes(session, SYSTEM, campaign, scenario)
        ] == [(500_000, 700_000, 0)]
        assert len(apply_scenario(session, SYSTEM, campaign, scenario)) == 1
    with write_session(engine) as session:
        assert session.execute(select(Package.amount)).scalar_one() == 700_000
        saves = session.execute(select(AuditEvent.action).where(AuditEvent.table_name == "budgetscenario"))
        assert list(saves.scalars()) == ["insert", "update", "insert"]


def test_applying_amounts_moves_planned_gifts_and_keeps_delivered_ones(engine, campaign):
    from datetime import date

    from data_layer.campaigns.delivery import allocation_rows, mark_delivered

    with write_session(engine) as session:
        apply_allocations(session, SYSTEM, campaign)
        gifts = allocation_rows(session, SYSTEM, campaign)
        mark_delivered(session, SYSTEM, [gifts[0].id], on=date(2026, 2, 1))
        package_id = session.execute(select(Package.id)).scalar_one()
        change = scenario_changes(session, SYSTEM, campaign, Scenario(amounts={package_id: 600_000}))[0]
        assert (change.old, change.new, change.planned_gifts, change.delivered_gifts) == (
            500_000,
            600_000,
            2,
            1,
        )
        other_ward = Scope(user_id=None, username="x", role="ward", ward_ids=frozenset({-1}))
        seen = scenario_changes(session, other_ward, campaign, Scenario(amounts={package_id: 600_000}))[0]
        assert (seen.planned_gifts, seen.delivered_gifts) == (0, 0)  # no other ward's gifts counted
        apply_scenario(session, SYSTEM, campaign, Scenario(amounts={package_id: 600_000}))
    with write_session(engine) as session:
        amounts = sorted((r.status, r.amount) for r in allocation_rows(session, SYSTEM, campaign))
    assert amounts == [("delivered", 500_000), ("planned", 600_000), ("planned", 600_000)]
