"""Every menu page, for every role, opened once (Streamlit AppTest) and checked for everything a page
must never show: an error, a wrong or missing title, the login warning; a stored code (NCC_TB81, TW,
died, M) or None/NaN in any text, option, metric or table cell; Streamlit's English placeholder in a
box; a time in UTC instead of Vietnam's (UTC+7). One visit serves every check (each visit runs the
app twice): the checks' findings are kept apart, so a failure says which rule a page broke."""

from __future__ import annotations

import re
from datetime import datetime
from enum import StrEnum

import pandas as pd
import pytest
from sqlalchemy import DateTime, select
from sqlmodel import SQLModel

from data_layer.core import codes
from data_layer.core.db import read_session
from data_layer.core.models import Category, FundingSource, Ward
from data_layer.vn.formatting import as_utc, format_datetime
from tests.pages.conftest import DEMO_USERS, open_page
from ui.navigation import PAGES

CODE_SHAPED = re.compile(r"\b[A-Z]{2,}_[A-Z0-9_]+\b")
MISSING = {"None", "nan", "NaN", "NaT", "<NA>", "null"}
MOMENT = re.compile(r"\b\d{2}/\d{2}/\d{4},? \d{2}:\d{2}\b")
# The admin page manages the catalogue: its "Mã" columns show the codes being administered (and
# account names such as "admin"); it is still checked for missing values.
CODES_ADMINISTERED = {"pages/admin.py"}


def stored_codes() -> set[str]:
    """Every code the database stores: enum values and the catalogue's ward, source, category codes."""
    enums = {
        m.value
        for kind in vars(codes).values()
        if isinstance(kind, type) and issubclass(kind, StrEnum) and kind is not StrEnum
        for m in kind
    }
    with read_session() as session:
        catalogue = {
            *session.execute(select(Ward.code)).scalars(),
            *session.execute(select(FundingSource.code)).scalars(),
            *session.execute(select(Category.code)).scalars(),
        }
    return enums | catalogue


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


def texts_of(at) -> list[str]:
    """The strings a page shows: text elements, labels, options, metrics and table cells (a table's
    column names are left out: grids give them their Vietnamese headers in the column settings)."""
    found = [
        e.value
        for kind in ("title", "header", "subheader", "markdown", "caption", "text")
        for e in getattr(at, kind)
    ]
    found += [e.value for kind in ("info", "warning", "error", "success") for e in getattr(at, kind)]
    found += [m.label for m in at.metric] + [m.value for m in at.metric]
    for box in [*at.selectbox, *at.multiselect, *at.radio]:
        found += [box.label, *[str(o) for o in box.options]]
    found += [w.label for w in [*at.button, *at.text_input, *at.number_input, *at.checkbox, *at.date_input]]
    for frame in at.dataframe:
        value = frame.value
        if isinstance(value, pd.DataFrame):
            found += [str(v) for v in value.astype(object).where(value.notna(), "None").to_numpy().ravel()]
    return found


def code_problems(page: str, texts: list[str], known: set[str]) -> list[tuple]:
    """Texts of ``page`` that show a stored code, a code-shaped word or a missing value."""
    problems = []
    for text in texts:
        words = set(re.findall(r"[\w<>]+", text))
        codes_here = set() if page in CODES_ADMINISTERED else known
        shaped = [] if page in CODES_ADMINISTERED else CODE_SHAPED.findall(text)
        bare = {text.strip()} & (codes_here | MISSING) or (words & MISSING)
        if shaped or bare:
            problems.append((page, text[:80], ", ".join(shaped or sorted(bare))))
    return problems


def utc_problems(page: str, texts: list[str], wrong: set[str]) -> list[tuple]:
    """Texts of ``page`` that show a moment as only its UTC reading has it."""
    problems = []
    for text in texts:
        if shown := {m.replace(",", "") for m in MOMENT.findall(text)} & wrong:
            problems.append((page, text[:100], sorted(shown)))
    return problems


def boxes_without_placeholder(at) -> list[str]:
    """Boxes that would show Streamlit's English placeholder ("Choose options", "Choose an option", "No
    options to select") without a Vietnamese one of their own. Every select box counts: the browser shows
    an enabled box's hint too, while a run redraws it (seen in a browser test on a loaded machine)."""
    return [box.label for box in [*at.multiselect, *at.selectbox] if not box.proto.placeholder]


@pytest.mark.parametrize("role", list(DEMO_USERS))
def test_every_menu_page_of_each_role_renders_in_vietnamese_and_vietnam_time(demo_db, role):
    known, wrong = stored_codes(), utc_only_readings()
    assert wrong, "the demo stores moments whose UTC and Vietnam readings differ"
    found: dict[str, list] = {"titles": [], "codes": [], "placeholders": [], "utc": []}
    for page, title in [(file, title) for file, title, _, roles in PAGES if role in roles]:
        at = open_page(DEMO_USERS[role], page)
        assert not at.exception, (role, page, at.exception)
        if not (at.title[0].value.startswith(title) or page == "pages/home.py"):
            found["titles"].append((page, at.title[0].value))
        assert not at.warning or all("đăng nhập" not in w.value for w in at.warning), (role, page)
        texts = texts_of(at)
        found["codes"] += code_problems(page, texts, known)
        found["utc"] += utc_problems(page, texts, wrong)
        found["placeholders"] += [(page, label) for label in boxes_without_placeholder(at)]
        person = next((b for b in at.selectbox if b.label == "Người trong danh sách trên"), None)
        if person is not None and len(person.options) > 1:  # a person's panel: "Diện hưởng" (multiselect)
            person.select_index(1).run()
            found["placeholders"] += [(page, label) for label in boxes_without_placeholder(at)]
    found["codes"] = sorted(set(found["codes"]))[:40]
    assert found == {"titles": [], "codes": [], "placeholders": [], "utc": []}
