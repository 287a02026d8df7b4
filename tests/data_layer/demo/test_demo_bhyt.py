"""The demo's health-insurance changes are written in a few statements, however many people are covered."""

import random
from datetime import date

from sqlalchemy import event

from data_layer.bhyt.coverage import coverage
from data_layer.core.access import Scope
from data_layer.core.db import get_engine, write_session
from data_layer.demo import bhyt


def test_the_demos_changes_since_last_month_read_the_people_without_gifts_once(demo_db):
    """It asked the database who has no gift waiting once per covered person (155 times on the demo:
    1.1 s of `ansinh db init --demo` on PostgreSQL)."""
    engine = get_engine(demo_db)
    this_month = date.today().replace(day=1)
    statements = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    with write_session(engine) as session:
        covered, _ = coverage(session, Scope.system(), this_month)
        assert len(covered) > 100  # the demo covers enough people for a per-person query to show
        event.listen(engine, "before_cursor_execute", count)
        try:
            bhyt._changes_since(session, random.Random(1), covered, this_month)
        finally:
            event.remove(engine, "before_cursor_execute", count)
        session.rollback()
    assert 0 < len(statements) <= 10, len(statements)
