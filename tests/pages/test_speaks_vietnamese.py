"""Every page, for every role, shows names and labels: no stored code (NCC_TB81, TW, died, M), no
None/NaN, in any text, option, metric or table cell the page draws (AppTest sees all of them)."""

from __future__ import annotations

import re
from enum import StrEnum

import pandas as pd
import pytest
from sqlalchemy import select

from data_layer.core import codes
from data_layer.core.db import read_session
from data_layer.core.models import Category, FundingSource, Ward
from tests.pages.conftest import DEMO_USERS, open_page
from ui.navigation import PAGES

CODE_SHAPED = re.compile(r"\b[A-Z]{2,}_[A-Z0-9_]+\b")
MISSING = {"None", "nan", "NaN", "NaT", "<NA>", "null"}


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


# The admin page manages the catalogue: its "Mã" columns show the codes being administered (and
# account names such as "admin"); it is still checked for missing values.
CODES_ADMINISTERED = {"pages/admin.py"}


@pytest.mark.parametrize("role", list(DEMO_USERS))
def test_no_code_and_no_missing_value_on_any_page(demo_db, role):
    known = stored_codes()
    visible = [file for file, _title, _icon, roles in PAGES if role in roles]
    problems = []
    for page in visible:
        at = open_page(DEMO_USERS[role], page)
        assert not at.exception, (page, at.exception)
        for text in texts_of(at):
            words = set(re.findall(r"[\w<>]+", text))
            codes_here = set() if page in CODES_ADMINISTERED else known
            shaped = [] if page in CODES_ADMINISTERED else CODE_SHAPED.findall(text)
            bare = {text.strip()} & (codes_here | MISSING) or (words & MISSING)
            if shaped or bare:
                problems.append((page, text[:80], ", ".join(shaped or sorted(bare))))
    assert sorted(set(problems))[:40] == []


def _boxes_without_placeholder(at) -> list[str]:
    """Boxes that would show Streamlit's English placeholder ("Choose options", "Choose an option"):
    a multiselect, or a disabled selectbox, without a Vietnamese placeholder of its own."""
    boxes = [*at.multiselect, *(b for b in at.selectbox if b.proto.disabled)]
    return [box.label for box in boxes if not box.proto.placeholder]


@pytest.mark.parametrize("role", list(DEMO_USERS))
def test_no_box_falls_back_to_an_english_placeholder(demo_db, role):
    problems = []
    for page in [file for file, _title, _icon, roles in PAGES if role in roles]:
        at = open_page(DEMO_USERS[role], page)
        problems += [(page, label) for label in _boxes_without_placeholder(at)]
        person = next((b for b in at.selectbox if b.label == "Người trong danh sách trên"), None)
        if person is not None and len(person.options) > 1:  # a person's panel: "Diện hưởng" (multiselect)
            person.select_index(1).run()
            problems += [(page, label) for label in _boxes_without_placeholder(at)]
    assert problems == []
