"""The ``engine`` fixture's reset: what a test changed in the reference catalogue is put back for the
next test, and ids go on as right after seeding (PostgreSQL keeps reference tables nobody touched)."""

import pytest
from sqlalchemy import func, insert, select, update

from data_layer.core.access import Scope
from data_layer.core.db import write_session
from data_layer.core.models import FundingSource, Ward
from data_layer.registry.wards import add_ward
from tests.conftest import fresh_database


def _sources(engine) -> list[tuple]:
    with write_session(engine) as session:
        return session.execute(select(FundingSource.id, FundingSource.code, FundingSource.name)).all()


@pytest.mark.parametrize("change", ["update", "insert", "delete", "rolled back insert", "none"])
def test_the_next_test_gets_the_seeded_catalogue_back(request, engine, change):
    seeded, highest = _sources(engine), max(row.id for row in _sources(engine))
    with write_session(engine) as session:
        add_ward(session, Scope.system(), "A", "Phường A")  # a table emptied after every test
    try:
        with write_session(engine) as session:
            if change == "update":
                session.execute(update(FundingSource).where(FundingSource.code == "TW").values(name="Đổi"))
            elif change in ("insert", "rolled back insert"):
                session.execute(insert(FundingSource).values(code="THU", name="Nguồn thử"))
            elif change == "delete":
                session.execute(FundingSource.__table__.delete().where(FundingSource.code == "XHH"))
            if change == "rolled back insert":
                raise RuntimeError("rolled back")
    except RuntimeError:
        pass
    fresh_database(request, engine)  # what the next test's fixture does
    assert _sources(engine) == seeded
    with write_session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Ward)) == 0
        ward = add_ward(session, Scope.system(), "B", "Phường B").id
        source = session.execute(insert(FundingSource).values(code="MOI", name="Nguồn mới"))
    assert (ward, source.inserted_primary_key) == (1, (highest + 1,))
