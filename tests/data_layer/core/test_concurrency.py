"""Concurrent writers through the one write path (SQLite and PostgreSQL): no duplicate from two imports
at once, no "database is locked" for simultaneous saves, no deadlock reaching a user."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from sqlalchemy import func, select

from data_layer.campaigns.allocation import apply_allocations
from data_layer.campaigns.delivery import allocation_rows, mark_delivered
from data_layer.campaigns.setup import add_package, create_campaign
from data_layer.core.access import Scope
from data_layer.core.db import read_session, write, write_session
from data_layer.core.errors import Conflict
from data_layer.core.models import Beneficiary
from data_layer.importing.commit import commit_import
from data_layer.importing.preview import ImportRequest, preview_import
from data_layer.registry.editing import save_person_changes
from data_layer.registry.queries import Filters, people_page
from tests.conftest import source_id
from tests.data_layer.workbooks import ward_list, xlsx_bytes

SYSTEM = Scope.system()


def big_list(rows: int) -> bytes:
    people = [
        [i, f"Người Thứ {i}", "1950", "Nam", f"020050{i:06d}", f"Tổ {i % 9}", "Hộ nghèo", ""]
        for i in range(1, rows + 1)
    ]
    return xlsx_bytes(ward_list(people))


def count_people(engine) -> int:
    with read_session(engine) as session:
        return session.execute(select(func.count()).select_from(Beneficiary)).scalar_one()


def test_two_imports_of_the_same_list_at_once_create_nobody_twice(engine, wards):
    """Both previews are made before either commit: each commit must match again under the write lock."""
    request = ImportRequest(file_name="ds.xlsx", data=big_list(3000), ward_id=wards["A"])
    previews_ready = threading.Barrier(2)

    def import_once():
        with read_session(engine) as session:
            preview = preview_import(session, SYSTEM, request)
        previews_ready.wait()
        return write(lambda s: commit_import(s, SYSTEM, preview, repeat_ok=True).counts, engine=engine)

    with ThreadPoolExecutor(2) as pool:
        outcomes = list(pool.map(lambda _: import_once(), range(2)))
    assert count_people(engine) == 3000
    assert sorted(o["beneficiaries_created"] for o in outcomes) == [0, 3000]


def test_the_same_national_id_twice_in_a_ward_is_a_conflict(engine, wards):
    """The unique index holds even for a write path that forgot to check."""
    person = {"name": "An", "name_key": "an", "national_id": "020050001234"}
    with pytest.raises(Conflict, match="đã có trong danh sách"), write_session(engine) as session:
        session.add(Beneficiary(ward_id=wards["A"], **person))
        session.add(Beneficiary(ward_id=wards["A"], **person))
    with write_session(engine) as session:
        session.add(Beneficiary(ward_id=wards["A"], **person))
        session.add(Beneficiary(ward_id=wards["B"], **person))  # another ward may hold the same ID
        session.add(Beneficiary(ward_id=wards["A"], name="Bình", name_key="binh"))
        session.add(Beneficiary(ward_id=wards["A"], name="Chi", name_key="chi"))  # no ID: no limit
    assert count_people(engine) == 4


def test_four_people_saving_grid_edits_at_once_all_succeed(engine, wards):
    with write_session(engine) as session:
        session.add_all(
            Beneficiary(ward_id=wards["A"], name=f"Người {i}", name_key=f"nguoi {i}") for i in range(4)
        )
    failures = []

    def editor(index: int) -> None:
        for round_ in range(100):
            with read_session(engine) as session:
                row = next(p for p in people_page(session, SYSTEM, Filters()) if p.name == f"Người {index}")
            try:
                result = write(
                    lambda s, r=row, n=round_: save_person_changes(
                        s, SYSTEM, [r], {0: {"note": f"lần {n}"}}, [], []
                    ),
                    engine=engine,
                )
                if not result.ok:
                    failures.append(result.errors)
            except Exception as exc:  # noqa: BLE001 - every failure is counted, whatever its kind
                failures.append(repr(exc))

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(editor, range(4)))
    assert failures == []
    with read_session(engine) as session:
        assert {p.note for p in people_page(session, SYSTEM, Filters())} == {"lần 99"}


def test_twenty_people_marking_deliveries_at_once_meet_no_deadlock(engine, wards):
    with write_session(engine) as session:
        session.add_all(
            Beneficiary(
                ward_id=wards["A" if i % 2 else "B"], name=f"Hộ {i}", name_key=f"ho {i}", birth_year=1950
            )
            for i in range(200)
        )
        cid = create_campaign(session, SYSTEM, name="Tết", year=2026).id
        for code in ("TW", "TINH"):  # two gifts a person: writers touch the same running totals
            add_package(
                session,
                SYSTEM,
                campaign_id=cid,
                source_id=source_id(session, code),
                label=code,
                amount=300_000,
                everyone=True,
            )
        apply_allocations(session, SYSTEM, cid)
        ids = [r.id for r in allocation_rows(session, SYSTEM, cid)]
    shares = [ids[i::20] for i in range(20)]
    errors = []

    def deliverer(share: list[int]) -> None:
        for allocation_id in share:
            try:
                write(
                    lambda s, a=allocation_id: mark_delivered(s, SYSTEM, [a], on=date(2026, 2, 1)),
                    engine=engine,
                )
            except Exception as exc:  # noqa: BLE001 - a deadlock or lock error reaching the user fails the test
                errors.append(repr(exc))

    with ThreadPoolExecutor(20) as pool:
        list(pool.map(deliverer, shares))
    assert errors == []
    with read_session(engine) as session:
        assert sum(r.status == "delivered" for r in allocation_rows(session, SYSTEM, cid)) == 400
