"""Inline editing: diff application, validation, optimistic locking, audit, revert and scope."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from data_layer.campaigns.allocation import apply_allocations
from data_layer.campaigns.delivery import allocation_rows, mark_delivered
from data_layer.campaigns.rules import Rule
from data_layer.campaigns.setup import add_package, create_campaign
from data_layer.core.access import Scope
from data_layer.core.db import read_session, write_session
from data_layer.core.errors import Forbidden, Invalid, UserError
from data_layer.core.models import AuditEvent, Beneficiary, Category
from data_layer.registry.editing import save_person_changes
from data_layer.registry.history import audit_log, revert_event
from data_layer.registry.queries import Filters, count_people, people_page
from tests.conftest import source_id

SYSTEM = Scope.system()


def category_ids(engine, *codes: str) -> list[int]:
    with read_session(engine) as session:
        ids = dict(session.execute(select(Category.code, Category.id)).all())
    return [ids[c] for c in codes]


@pytest.fixture
def registry(engine, wards):
    with write_session(engine) as session:
        save_person_changes(
            session,
            SYSTEM,
            [],
            {},
            [
                {
                    "name": "Nguyễn Văn An",
                    "birth_year": 1950,
                    "national_id": "020050001234",
                    "hamlet": "Khối 2",
                    "categories": category_ids(engine, "NCC_TB"),
                    "gender": "M",
                    "ward_id": wards["A"],
                },
                {
                    "name": "Lê Thị Bình",
                    "birth_date": "1948-05-02",
                    "hamlet": "Khối 1",
                    "categories": category_ids(engine, "HN", "NCT"),
                    "ward_id": wards["A"],
                },
                {"name": "Trần Văn Cường", "birth_year": 1960, "hamlet": "Thôn 1", "ward_id": wards["B"]},
            ],
            [],
        )
    return wards


def page_of(engine, scope=SYSTEM, **filters):
    with write_session(engine) as session:
        return people_page(session, scope, Filters(**filters)), count_people(
            session, scope, Filters(**filters)
        )


def test_filters_and_diacritic_insensitive_search(engine, registry):
    rows, total = page_of(engine, ward_id=registry["A"])
    assert total == 2 and [r.name for r in rows] == ["Lê Thị Bình", "Nguyễn Văn An"]
    assert [r.name for r in page_of(engine, search="nguyen van")[0]] == ["Nguyễn Văn An"]
    assert [r.name for r in page_of(engine, search="BINH")[0]] == ["Lê Thị Bình"]
    assert [r.name for r in page_of(engine, search="0500012")[0]] == ["Nguyễn Văn An"]
    (nct,) = category_ids(engine, "NCT")
    assert [r.name for r in page_of(engine, category_id=nct)[0]] == ["Lê Thị Bình"]
    assert [r.categories for r in page_of(engine, category_id=nct)[0]] == [
        tuple(sorted(category_ids(engine, "HN", "NCT")))
    ]
    assert page_of(engine, hamlet="Thôn 1")[1] == 1


def test_an_over_long_search_is_refused_in_vietnamese_and_wildcards_are_plain(engine, registry):
    """100,000 characters used to raise "LIKE or GLOB pattern too complex" on SQLite."""
    with pytest.raises(Invalid, match="Từ khóa tìm kiếm dài quá 100 ký tự"):
        page_of(engine, search="a" * 100_000)
    assert page_of(engine, search="%")[1] == 0 and page_of(engine, search="_")[1] == 0
    assert page_of(engine, search="a" * 100)[1] == 0


def test_edit_positions_map_to_ids_and_only_changed_rows_are_written(engine, registry):
    shown, _ = page_of(engine, ward_id=registry["A"])  # [Bình, An]
    with write_session(engine) as session:
        result = save_person_changes(
            session, SYSTEM, shown, {1: {"hamlet": "Khối 9", "birth_year": 1951}}, [], []
        )
    assert result.ok and result.saved == 1
    after = {r.name: r for r in page_of(engine, ward_id=registry["A"])[0]}
    assert after["Nguyễn Văn An"].hamlet == "Khối 9" and after["Nguyễn Văn An"].version == 2
    assert after["Lê Thị Bình"].version == 1
    with write_session(engine) as session:
        events = session.execute(
            select(AuditEvent.field, AuditEvent.old, AuditEvent.new).where(AuditEvent.action == "update")
        ).all()
    assert sorted(events) == [("birth_year", "1950", "1951"), ("hamlet", "Khối 2", "Khối 9")]


def test_invalid_edit_is_refused_with_the_column_and_other_rows_still_saved(engine, registry):
    shown, _ = page_of(engine, ward_id=registry["A"])
    edits = {0: {"national_id": "003050001234"}, 1: {"note": "Đã xác minh"}}
    with write_session(engine) as session:
        result = save_person_changes(session, SYSTEM, shown, edits, [], [])
    assert result.saved == 1 and list(result.errors) == ["Dòng 1"]
    assert "Số CCCD" in result.errors["Dòng 1"] and "003" in result.errors["Dòng 1"]
    after = {r.name: r for r in page_of(engine, ward_id=registry["A"])[0]}
    assert after["Lê Thị Bình"].national_id is None and after["Nguyễn Văn An"].note == "Đã xác minh"


def test_two_people_editing_the_same_row(engine, registry):
    first_view, _ = page_of(engine, ward_id=registry["A"])
    second_view, _ = page_of(engine, ward_id=registry["A"])
    with write_session(engine) as session:
        assert save_person_changes(session, SYSTEM, first_view, {1: {"hamlet": "Khối 5"}}, [], []).ok
    with write_session(engine) as session:
        result = save_person_changes(session, SYSTEM, second_view, {1: {"hamlet": "Khối 7"}}, [], [])
    assert result.saved == 0
    assert "Người khác đã sửa" in result.errors["Dòng 2"] and "Khối 5" in result.errors["Dòng 2"]
    assert page_of(engine, search="nguyen van an")[0][0].hamlet == "Khối 5"


def test_status_change_needs_date_and_reason_and_flags_gifts(engine, registry):
    with write_session(engine) as session:
        cid = create_campaign(session, SYSTEM, name="Tết", year=2026).id
        add_package(
            session,
            SYSTEM,
            campaign_id=cid,
            source_id=source_id(session, "TW"),
            label="300k",
            amount=300_000,
            rule=Rule(categories=["NCC_TB"]),
        )
        apply_allocations(session, SYSTEM, cid)
    shown, _ = page_of(engine, ward_id=registry["A"])
    with write_session(engine) as session:
        refused = save_person_changes(session, SYSTEM, shown, {1: {"status": "died"}}, [], [])
        assert "cần ghi ngày và lý do" in refused.errors["Dòng 2"]
        done = save_person_changes(
            session,
            SYSTEM,
            shown,
            {1: {"status": "died", "status_date": "2026-01-05", "status_reason": "Mất ngày 05/01"}},
            [],
            [],
        )
    assert done.ok and done.flagged_allocations == 1


def test_add_and_delete_rows(engine, registry):
    shown, _ = page_of(engine, ward_id=registry["A"])
    with write_session(engine) as session:
        result = save_person_changes(
            session,
            SYSTEM,
            shown,
            {},
            [{"name": "Người Mới", "birth_year": 1970}, {"birth_year": 1971}],
            [0],
            default_ward_id=registry["A"],
        )
    assert result.saved == 2 and "Họ và tên" in result.errors["Dòng mới 2"]
    names = [r.name for r in page_of(engine, ward_id=registry["A"])[0]]
    assert names == ["Nguyễn Văn An", "Người Mới"]  # people without a hamlet come last


def test_delete_refused_when_gifts_were_delivered(engine, registry):
    with write_session(engine) as session:
        cid = create_campaign(session, SYSTEM, name="Tết", year=2026).id
        add_package(
            session,
            SYSTEM,
            campaign_id=cid,
            source_id=source_id(session, "TW"),
            label="300k",
            amount=300_000,
            rule=Rule(categories=["NCC_TB"]),
        )
        apply_allocations(session, SYSTEM, cid)
        mark_delivered(
            session, SYSTEM, [r.id for r in allocation_rows(session, SYSTEM, cid)], on=date(2026, 2, 1)
        )
    shown, _ = page_of(engine, search="nguyen van an")
    with write_session(engine) as session:
        result = save_person_changes(session, SYSTEM, shown, {}, [], [0])
    assert "không xóa được" in result.errors["Xóa dòng 1"]
    assert page_of(engine, search="nguyen van an")[1] == 1


def test_ward_staff_cannot_touch_other_wards_even_with_forged_state(engine, registry):
    staff_a = Scope(user_id=None, username="a", role="ward", ward_ids=frozenset({registry["A"]}))
    assert page_of(engine, staff_a)[1] == 2
    forged, _ = page_of(engine, ward_id=registry["B"])  # rows of ward B the page never showed to this user
    with write_session(engine) as session:
        result = save_person_changes(
            session,
            staff_a,
            forged,
            {0: {"name": "Đổi Tên"}},
            [{"name": "X"}],
            [0],
            default_ward_id=registry["B"],
        )
    assert result.saved == 0 and len(result.errors) == 3
    assert page_of(engine, ward_id=registry["B"])[0][0].name == "Trần Văn Cường"
    viewer = Scope(user_id=None, username="v", role="viewer", ward_ids=None)
    with write_session(engine) as session, pytest.raises(Forbidden):
        save_person_changes(session, viewer, forged, {0: {"name": "Đổi Tên"}}, [], [])


def test_audit_log_and_revert(engine, registry):
    shown, _ = page_of(engine, search="nguyen van an")
    with write_session(engine) as session:
        save_person_changes(
            session,
            SYSTEM,
            shown,
            {0: {"hamlet": "Khối 3", "categories": category_ids(engine, "NCC_TB", "TNLS")}},
            [],
            [],
        )
    with write_session(engine) as session:
        log = audit_log(session, SYSTEM, table="beneficiary")
        hamlet_event = next(e for e in log if e.field == "hamlet")
        categories_event = next(e for e in log if e.field == "categories")
        tb, ls = (session.get(Category, c).name for c in category_ids(engine, "NCC_TB", "TNLS"))
        assert (categories_event.old, categories_event.new) == (tb, f"{tb}; {ls}")
        assert hamlet_event.record == "Nguyễn Văn An"
        revert_event(session, SYSTEM, hamlet_event.id)
        revert_event(session, SYSTEM, categories_event.id)
    person = page_of(engine, search="nguyen van an")[0][0]
    assert person.hamlet == "Khối 2" and person.categories == tuple(category_ids(engine, "NCC_TB"))
    with write_session(engine) as session, pytest.raises(UserError, match="đã được sửa tiếp"):
        revert_event(session, SYSTEM, hamlet_event.id)
    staff_b = Scope(user_id=None, username="b", role="ward", ward_ids=frozenset({registry["B"]}))
    with write_session(engine) as session:
        assert all(e.field != "hamlet" for e in audit_log(session, staff_b))
        total = session.execute(select(func.count()).select_from(Beneficiary)).scalar_one()
    assert total == 3


def test_a_national_id_already_in_the_ward_is_refused_naming_its_holder(engine, registry):
    shown, _ = page_of(engine, ward_id=registry["A"])  # [Bình, An (020050001234)]
    with write_session(engine) as session:
        result = save_person_changes(
            session,
            SYSTEM,
            shown,
            {0: {"national_id": "020050001234"}},
            [{"name": "Chi", "national_id": "020050001234"}],
            [],
            default_ward_id=registry["A"],
        )
    assert result.saved == 0
    assert (
        "đã là số CCCD của Nguyễn Văn An" in result.errors["Dòng 1"]
        and "Nguyễn Văn An" in result.errors["Dòng mới 1"]
    )


def test_viewers_cannot_revert(engine, registry):
    shown, _ = page_of(engine, search="nguyen van an")
    with write_session(engine) as session:
        save_person_changes(session, SYSTEM, shown, {0: {"hamlet": "Khối 3"}}, [], [])
    with write_session(engine) as session:
        event = next(e for e in audit_log(session, SYSTEM) if e.field == "hamlet")
        viewer = Scope(user_id=None, username="v", role="viewer", ward_ids=None)
        with pytest.raises(Forbidden):
            revert_event(session, viewer, event.id)
