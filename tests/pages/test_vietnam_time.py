"""Every time a page shows is Vietnam's (UTC+7): a page that prints a stored moment as stored (UTC)
shows a date and hour that only the UTC reading of some stored moment has."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from sqlalchemy import DateTime, select
from sqlmodel import SQLModel

from data_layer.core.db import read_session
from data_layer.vn.formatting import as_utc, format_datetime
from tests.pages.conftest import DEMO_USERS, open_page
from tests.pages.test_speaks_vietnamese import texts_of
from ui.navigation import PAGES

MOMENT = re.compile(r"\b\d{2}/\d{2}/\d{4},? \d{2}:\d{2}\b")


def stored_moments() -> set[datetime]:
    """Every moment the database stores, in every date-time column of every table."""
    found: set[datetime] = set()
    with read_session() as session:
        for table in SQLModel.metadata.sorted_tables:
            for column in table.columns:
                if isinstance(getattr(column.type, "impl", column.type), DateTime):
                    found |= {as_utc(m) for m in session.execute(select(column)).scalars() if m}
    return found


def utc_only_readings() -> set[str]:
    """dd/mm/yyyy HH:MM readings that some stored moment has in UTC and none has in Vietnam's time."""
    moments = stored_moments()
    return {f"{m:%d/%m/%Y %H:%M}" for m in moments} - {format_datetime(m) for m in moments}


@pytest.mark.parametrize("role", list(DEMO_USERS))
def test_every_time_on_every_page_is_vietnam_time(demo_db, role):
    wrong = utc_only_readings()
    assert wrong, "the demo stores moments whose UTC and Vietnam readings differ"
    problems = []
    for page in [file for file, _title, _icon, roles in PAGES if role in roles]:
        at = open_page(DEMO_USERS[role], page)
        assert not at.exception, (page, at.exception)
        for text in texts_of(at):
            if shown := {m.replace(",", "") for m in MOMENT.findall(text)} & wrong:
                problems.append((page, text[:100], sorted(shown)))
    assert problems == []
