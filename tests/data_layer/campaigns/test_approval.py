"""Approval locks on SQLite and PostgreSQL: an approved ward's gifts in a campaign refuse every write
path (pages' functions, imports, undo, budget, raw SQL, bulk COPY), other wards and campaigns go on,
unlocking needs a reason and is audited."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import delete, func, insert, select, update
from sqlmodel import SQLModel

from data_layer.campaigns import approval
from data_layer.campaigns.allocation import apply_allocations, propose_allocations
from data_layer.campaigns.budget import Scenario, apply_scenario
from data_layer.campaigns.delivery import mark_delivered, mark_not_delivered, update_allocation
from data_layer.campaigns.gift_list import GiftList
from data_layer.campaigns.lumps import add_lump
from data_layer.campaigns.rules import Rule
from data_layer.campaigns.setup import add_package, create_campaign
from data_layer.campaigns.signing_list import import_signed_list, signing_list_xlsx
from data_layer.core import locks, tallies
from data_layer.core.access import Scope
from data_layer.core.codes import Action, CampaignStatus, NotDeliveredReason
from data_layer.core.db import bulk_insert, read_session, write_session
from data_layer.core.errors import Forbidden, Invalid, Locked
from data_layer.core.models import Allocation, ApprovalEvent, AuditEvent, Campaign, LumpGift, utcnow
from data_layer.core.versioning import data_version
from data_layer.importing.batches import undo_batch
from data_layer.importing.commit import commit_import
from data_layer.importing.preview import ImportRequest, preview_import
from data_layer.registry.editing import delete_person
from tests.conftest import source_id
from tests.data_layer.campaigns.test_allocation import person
from tests.data_layer.documents import header_row
from tests.data_layer.workbooks import ward_list, xlsx_bytes

SYSTEM = Scope.system()
GIFT_LIST = [
    [1, "Nguyễn Văn An", "05/03/1950", "Nam", "020050001234", "Khối 1", "Thương binh", "600.000"],
    [2, "Lê Thị Bình", "1948", "Nữ", "022148001235", "Khối 2", "Hộ nghèo", "600.000"],
]


@dataclass
class Season:
    campaign_id: int
    other_campaign_id: int
    package_id: int
    ward_a: int
    ward_b: int
    new_person_a: int  # qualifies, no gift yet (apply_allocations would give one)
    batch_a: int  # a gift-list import into ward A, committed before the approval

    def gifts(self, session, ward_id: int, campaign_id: int | None = None) -> list[int]:
        campaign_id = campaign_id or self.campaign_id
        return sorted(
            session.execute(
                select(Allocation.id).where(
                    Allocation.ward_id == ward_id, Allocation.campaign_id == campaign_id
                )
            ).scalars()
        )


def _import(session, ward_id, campaign_id, tw, rows=GIFT_LIST):
    request = ImportRequest(
        file_name="ds.xlsx",
        data=xlsx_bytes(ward_list(rows)),
        ward_id=ward_id,
        kind=GiftList(campaign_id, tw),
    )
    return commit_import(session, SYSTEM, preview_import(session, SYSTEM, request), repeat_ok=True)


@pytest.fixture
def season(engine, wards) -> Season:
    """Tết 2026 with gifts in wards A and B (a rule package, a gift-list import, a lump), ward A approved;
    a second campaign with a gift in ward A."""
    a, b = wards["A"], wards["B"]
    with write_session(engine) as session:
        tw = source_id(session, "TW")
        cid = create_campaign(session, SYSTEM, name="Tết 2026", year=2026).id
        other = create_campaign(session, SYSTEM, name="Tết 2027", year=2027).id
        package = add_package(
            session,
            SYSTEM,
            campaign_id=cid,
            source_id=tw,
            label="Thương binh",
            amount=600_000,
            rule=Rule(categories=["NCC_TB"]),
        ).id
        add_package(
            session,
            SYSTEM,
            campaign_id=other,
            source_id=tw,
            label="Thương binh",
            amount=600_000,
            rule=Rule(categories=["NCC_TB"]),
        )
        for ward_id in (a, b):
            person(session, ward_id, f"Thương Binh {ward_id}", 1950, ["NCC_TB"])
        apply_allocations(session, SYSTEM, cid)
        apply_allocations(session, SYSTEM, other)
        batch = _import(session, a, cid, tw).batch_id
        for ward_id in (a, b):
            add_lump(
                session, SYSTEM, campaign_id=cid, ward_id=ward_id, source_id=tw, count=10, amount=1_000_000
            )
        new_person = person(session, a, "Thương Binh Mới", 1952, ["NCC_TB"])
        approval.approve_ward(session, SYSTEM, cid, a)
    return Season(cid, other, package, a, b, new_person, batch)


def _lump(session, campaign_id: int, ward_id: int) -> None:
    add_lump(
        session,
        SYSTEM,
        campaign_id=campaign_id,
        ward_id=ward_id,
        source_id=source_id(session, "TW"),
        count=1,
        amount=100_000,
    )


def _signed_list(session, s: Season) -> bytes:
    ws = load_workbook(io.BytesIO(signing_list_xlsx(session, SYSTEM, s.campaign_id, ward_id=s.ward_a))).active
    header = header_row(ws)
    ws.cell(row=header + 1, column=8).value = "x"
    buffer = io.BytesIO()
    ws.parent.save(buffer)
    return buffer.getvalue()


def _new_gift(s: Season) -> dict:
    """A planned gift for ward A's newcomer, as raw column values."""
    return dict(
        campaign_id=s.campaign_id,
        package_id=s.package_id,
        beneficiary_id=s.new_person_a,
        ward_id=s.ward_a,
        amount=1,
        status="planned",
        version=1,
    )


# Every way An Sinh writes a ward's gifts in a campaign. A new write path belongs here.
WRITE_PATHS = {
    "mark_delivered": lambda session, s: mark_delivered(
        session, SYSTEM, s.gifts(session, s.ward_a), on=date(2026, 2, 3)
    ),
    "mark_not_delivered": lambda session, s: mark_not_delivered(
        session, SYSTEM, s.gifts(session, s.ward_a), reason=NotDeliveredReason.DIED
    ),
    "edit_gift": lambda session, s: update_allocation(
        session,
        SYSTEM,
        s.gifts(session, s.ward_a)[0],
        session.get(Allocation, s.gifts(session, s.ward_a)[0]).version,
        {"note": "sửa sau khi duyệt"},
    ),
    "add_lump": lambda session, s: _lump(session, s.campaign_id, s.ward_a),
    "import_gift_list": lambda session, s: _import(
        session,
        s.ward_a,
        s.campaign_id,
        source_id(session, "TW"),
        [[1, "Phạm Văn Mới", "1951", "Nam", "020051009999", "Khối 3", "Thương binh", "600.000"]],
    ),
    "undo_import": lambda session, s: undo_batch(session, SYSTEM, s.batch_a, (GiftList,)),
    "upload_signed_list": lambda session, s: import_signed_list(
        session, SYSTEM, _signed_list(session, s), "ky_nhan.xlsx", default_date=date(2026, 2, 4)
    ),
    "apply_budget": lambda session, s: apply_scenario(
        session, SYSTEM, s.campaign_id, Scenario(amounts={s.package_id: 700_000})
    ),
    "delete_person_with_gift": lambda session, s: delete_person(
        session, SYSTEM, session.get(Allocation, s.gifts(session, s.ward_a)[0]).beneficiary_id
    ),
    "sql_insert": lambda session, s: session.execute(insert(Allocation).values(**_new_gift(s))),
    "sql_update": lambda session, s: session.execute(
        update(Allocation).where(Allocation.ward_id == s.ward_a).values(amount=1)
    ),
    "sql_delete_lump": lambda session, s: session.execute(
        delete(LumpGift).where(LumpGift.ward_id == s.ward_a)
    ),
    "bulk_insert": lambda session, s: bulk_insert(
        session,
        Allocation.__table__,
        [
            _new_gift(s)
            | dict.fromkeys(
                ("delivered_on", "delivered_by", "delivery_method", "reason", "note", "import_batch_id")
            )
            | {"created_at": utcnow(), "updated_at": utcnow()}
        ],
    ),
}


def _ward_state(engine, s: Season, ward_id: int, campaign_id: int | None = None):
    campaign_id = campaign_id or s.campaign_id
    with read_session(engine) as session:
        gifts = session.execute(
            select(Allocation.id, Allocation.amount, Allocation.status, Allocation.note, Allocation.version)
            .where(Allocation.ward_id == ward_id, Allocation.campaign_id == campaign_id)
            .order_by(Allocation.id)
        ).all()
        lumps = session.execute(
            select(LumpGift.id, LumpGift.amount)
            .where(LumpGift.ward_id == ward_id, LumpGift.campaign_id == campaign_id)
            .order_by(LumpGift.id)
        ).all()
        return gifts, lumps, data_version(session)


@pytest.mark.parametrize("path", WRITE_PATHS)
def test_every_write_path_refuses_an_approved_ward(engine, season, path):
    before = _ward_state(engine, season, season.ward_a)
    with pytest.raises(Locked) as refused, write_session(engine) as session:
        WRITE_PATHS[path](session, season)
    assert "duyệt" in str(refused.value) and "mở khóa" in str(refused.value)
    assert _ward_state(engine, season, season.ward_a) == before  # nothing written, not even the version


def test_other_wards_and_campaigns_are_not_locked(engine, season):
    with write_session(engine) as session:
        assert mark_delivered(session, SYSTEM, season.gifts(session, season.ward_b), on=date(2026, 2, 3)) == 1
        assert (
            mark_delivered(
                session,
                SYSTEM,
                season.gifts(session, season.ward_a, season.other_campaign_id),
                on=date(2026, 2, 3),
            )
            == 1
        )
        _lump(session, season.campaign_id, season.ward_b)


def test_rule_allocation_leaves_approved_wards_as_they_are(engine, season):
    with write_session(engine) as session:
        newcomer_b = person(session, season.ward_b, "Thương Binh Mới B", 1953, ["NCC_TB"])
        proposal = propose_allocations(session, SYSTEM, season.campaign_id)
        assert proposal.locked_wards == {season.ward_a}
        assert [r["beneficiary_id"] for r in proposal.rows] == [newcomer_b]  # not ward A's newcomer
        assert apply_allocations(session, SYSTEM, season.campaign_id) == 1


def test_the_early_check_names_ward_and_campaign(engine, season):
    with read_session(engine) as session, pytest.raises(Locked, match="Phường A.*Tết 2026"):
        approval.require_open(session, season.campaign_id, season.ward_a)
    with read_session(engine) as session:
        approval.require_open(session, season.campaign_id, season.ward_b)
        approval.require_open(session, season.other_campaign_id, season.ward_a)


def test_unlock_needs_a_reason_is_audited_and_counts_changes_after_it(engine, season):
    s = season
    with pytest.raises(Invalid, match="lý do"), write_session(engine) as session:
        approval.unlock_ward(session, SYSTEM, s.campaign_id, s.ward_a, "   ")
    with write_session(engine) as session:
        approval.unlock_ward(session, SYSTEM, s.campaign_id, s.ward_a, "Sót một người, bổ sung")
    with write_session(engine) as session:  # the ward may write again
        assert mark_delivered(session, SYSTEM, s.gifts(session, s.ward_a), on=date(2026, 2, 5)) == 3
    with read_session(engine) as session:
        state = {x.ward_id: x for x in approval.approval_states(session, SYSTEM, s.campaign_id)}[s.ward_a]
        events = session.execute(
            select(AuditEvent.action, AuditEvent.new)
            .where(AuditEvent.table_name == "approvalevent")
            .order_by(AuditEvent.id)
        ).all()
    assert not state.approved and state.unlock_reason == "Sót một người, bổ sung"
    assert state.changes_since_unlock == 3  # three gifts marked delivered
    assert events == [(Action.APPROVE, None), (Action.UNLOCK, "Sót một người, bổ sung")]
    with write_session(engine) as session:  # approved again: locked again, the history kept
        approval.approve_ward(session, SYSTEM, s.campaign_id, s.ward_a)
        assert session.execute(select(func.count()).select_from(ApprovalEvent)).scalar_one() == 3
    with pytest.raises(Locked), write_session(engine) as session:
        mark_not_delivered(session, SYSTEM, s.gifts(session, s.ward_a), reason=NotDeliveredReason.DIED)


def test_only_managers_approve_and_twice_is_refused(engine, season):
    ward_staff = Scope(user_id=None, username="a", role="ward", ward_ids=frozenset({season.ward_a}))
    with pytest.raises(Forbidden), write_session(engine) as session:
        approval.approve_ward(session, ward_staff, season.campaign_id, season.ward_b)
    with pytest.raises(Forbidden), write_session(engine) as session:
        approval.unlock_ward(session, ward_staff, season.campaign_id, season.ward_a, "muốn sửa")
    with pytest.raises(Invalid, match="đã được duyệt"), write_session(engine) as session:
        approval.approve_ward(session, SYSTEM, season.campaign_id, season.ward_a)


def test_closing_the_campaign_approves_every_ward_with_gifts(engine, season, wards):
    with write_session(engine) as session:
        assert approval.close_campaign(session, SYSTEM, season.campaign_id) == 1  # B; A already
        assert session.get(Campaign, season.campaign_id).status == CampaignStatus.CLOSED
        assert approval.approved_ward_ids(session, season.campaign_id) == {season.ward_a, season.ward_b}
    with pytest.raises(Locked), write_session(engine) as session:
        mark_delivered(session, SYSTEM, season.gifts(session, season.ward_b), on=date(2026, 2, 3))


def test_signed_reports_never_change(engine, season):
    from data_layer.core.models import WardReport

    with write_session(engine) as session:
        session.add(WardReport(campaign_id=season.campaign_id, ward_id=season.ward_a, figures="{}"))
    for statement in (update(WardReport).values(figures="[]"), delete(WardReport)):
        with pytest.raises(Locked, match="chốt"), write_session(engine) as session:
            session.execute(statement)


def test_every_table_of_a_wards_campaign_figures_or_a_payroll_is_locked_for_every_writer():
    """A new table holding a ward's figures in a campaign, or a payroll's, must join the locks (or say
    why not), and every locked table refuses insert, update and delete on both databases, REPLACE on
    SQLite (a check of the row it would displace) and TRUNCATE on PostgreSQL."""
    # history, the locks themselves, and running totals kept by the locked tables' triggers
    not_figures = {"importbatch", "wardreport", "approvalevent", *tallies.TABLES}
    per_ward_and_campaign = {
        name
        for name, table in SQLModel.metadata.tables.items()
        if {"ward_id", "campaign_id"} <= set(table.c.keys())
    }
    assert per_ward_and_campaign - not_figures == set(locks.LOCKED_TABLES)
    payroll_tables = {
        name
        for name, table in SQLModel.metadata.tables.items()
        if name == "payroll" or any(fk.column.table.name == "payroll" for fk in table.foreign_keys)
    }
    paid_marks = {"paymentreturn"}  # the agent's return: the one thing written about a locked month
    assert payroll_tables - paid_marks <= locks.locked_table_names()
    assert {"payroll", "payrollline", "wardreport", "approvalevent", "seal"} <= locks.locked_table_names()
    kinds = {(t.table, t.op, bool(t.sqlite), bool(t.postgres)) for t in locks.triggers()}
    for table in locks.locked_table_names():
        for op in ("insert", "update", "delete"):
            assert (table, op, True, False) in kinds and (table, op, False, True) in kinds, (table, op)
        assert (table, "truncate", False, True) in kinds, table
    for spec in locks.TABLES:  # SQLite: an insert or update that would push out a locked row is refused
        sqlite = {t.op: t.sqlite for t in locks.triggers() if t.table == spec.table and t.sqlite}
        for key in spec.keys:
            for op in ("insert", "update"):
                assert all(f"t.{c} = NEW.{c}" in sqlite[op] for c in key), (spec.table, key, op)
