"""The bulk paths used by imports: driver executemany, one-parameter IN lists, paused GC."""

from __future__ import annotations

import gc
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import insert, select, text

from data_layer.core.access import Scope
from data_layer.core.bulk import bulk_work
from data_layer.core.codes import PersonStatus
from data_layer.core.db import bulk_insert, get_engine, one_of, write_session
from data_layer.core.errors import Conflict
from data_layer.core.models import Beneficiary
from data_layer.core.schema import upgrade_schema
from data_layer.registry.wards import add_ward


def person(ward_id: int, n: int, **values) -> dict:
    row = {
        "ward_id": ward_id,
        "name": f"Người {n}",
        "name_key": f"nguoi {n}",
        "hamlet": "Khối 1",
        "birth_date": date(1950, 1, 1 + n % 28),
        "birth_year": 1950,
        "gender": "F",
        "national_id": f"{n:012d}",
        "status": PersonStatus.ACTIVE,
        "status_date": None,
        "status_reason": None,
        "bank_account": None,
        "phone": None,
        "note": None,
        "import_batch_id": None,
        "version": 1,
        "created_at": datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),  # no microseconds: SQLAlchemy writes .000000
        "updated_at": datetime(2026, 1, 2, 3, 4, 5, 678, tzinfo=UTC),
    }
    return row | values


def stored(engine, ids: list[int]) -> list[tuple]:
    columns = "name, birth_date, status, created_at, updated_at, national_id"
    with engine.connect() as conn:
        wanted = ",".join(map(str, ids))
        rows = conn.execute(text(f"SELECT {columns} FROM beneficiary WHERE id IN ({wanted})"))
        return [tuple(r) for r in rows]


def test_bulk_insert_stores_what_a_sqlalchemy_insert_stores(engine, wards):
    """The driver path converts every value as the column type does (dates, times, enums)."""
    with write_session(engine) as session:
        bulk_insert(session, Beneficiary.__table__, [person(wards["A"], 1)])
        twin = person(wards["A"], 2, name="Người 1", birth_date=date(1950, 1, 2))
        session.execute(insert(Beneficiary.__table__), [twin])
        ids = list(session.execute(select(Beneficiary.id).order_by(Beneficiary.id)).scalars())
    ours, theirs = stored(engine, ids)
    assert ours[:-1] == theirs[:-1]  # all but the national ID, which differs on purpose
    assert ours[2] == "active"


def test_bulk_insert_refusal_is_a_conflict_and_writes_nothing(engine, wards):
    rows = [person(wards["A"], 1), person(wards["A"], 2, national_id=f"{1:012d}")]
    with pytest.raises(Conflict):
        with write_session(engine) as session:
            bulk_insert(session, Beneficiary.__table__, rows)
    with write_session(engine) as session:
        assert session.execute(select(Beneficiary.id)).first() is None


@pytest.mark.parametrize("count", [0, 1, 12_000])
def test_one_of_matches_any_number_of_values(engine, wards, count):
    with write_session(engine) as session:
        bulk_insert(session, Beneficiary.__table__, [person(wards["A"], n) for n in range(1, 12_001)])
        wanted_ids = [f"{n:012d}" for n in range(1, count + 1)] + ["999999999999"]
        found = session.execute(
            select(Beneficiary.national_id).where(one_of(session, Beneficiary.national_id, wanted_ids))
        ).scalars()
        assert sorted(found) == wanted_ids[:count]
        ids = list(session.execute(select(Beneficiary.id).order_by(Beneficiary.id).limit(count)).scalars())
        by_id = session.execute(select(Beneficiary.id).where(one_of(session, Beneficiary.id, ids))).scalars()
        assert sorted(by_id) == ids


def test_bulk_work_pauses_the_cycle_collector_and_restores_it():
    assert gc.isenabled()
    with bulk_work():
        assert not gc.isenabled()
        with bulk_work():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner block does not switch it back on early
    assert gc.isenabled()
    gc.disable()
    try:
        with bulk_work():
            pass
        assert not gc.isenabled()  # left as the caller had it
    finally:
        gc.enable()
    with pytest.raises(ZeroDivisionError), bulk_work():
        raise ZeroDivisionError
    assert gc.isenabled()


def test_a_bulk_insert_that_grows_a_table_gives_postgresql_its_new_size(pg_url):
    """After a first import, PostgreSQL plans the next queries (in the same transaction and after it) for
    the rows it now holds: a report joined thousands of gifts to thousands of people row by row, for
    seconds, while the statistics still said the tables were empty (until autovacuum came by)."""
    from tests.conftest import clear_database

    engine = get_engine(pg_url)
    upgrade_schema(engine)
    clear_database(engine)
    with engine.begin() as conn:
        conn.execute(text("ANALYZE beneficiary"))  # the statistics of an empty table
    with write_session(engine) as session:
        ward = add_ward(session, Scope.system(), "A", "Phường A").id
        bulk_insert(session, Beneficiary.__table__, [person(ward, n) for n in range(3000)])
        plan = session.execute(text("EXPLAIN SELECT * FROM beneficiary WHERE ward_id = :w"), {"w": ward})
        assert "rows=3000" in plan.scalars().first()
        bulk_insert(session, Beneficiary.__table__, [person(ward, n) for n in range(3000, 3010)])  # a few
    with engine.connect() as conn:
        counted = conn.execute(text("SELECT reltuples FROM pg_class WHERE relname = 'beneficiary'")).scalar()
    assert counted == 3000  # a few more rows are left to autovacuum
