"""Small display helpers shared by pages."""

from __future__ import annotations

import altair as alt

# Vega expression: thousands separated by '.', as Vietnamese writes money.
VN_NUMBER_LABEL = "replace(format(datum.value, ',.0f'), /,/g, '.')"


def figure(column, label: str, value: str, detail: str | None = None) -> None:
    """A headline number with an optional second line (no up/down arrow: it is not a change)."""
    column.metric(label, value)
    if detail:
        column.caption(detail)


def money_axis(title: str) -> alt.Axis:
    """An Altair axis whose labels read 10.000.000."""
    return alt.Axis(title=title, labelExpr=VN_NUMBER_LABEL)


# A select cell of a grid left empty shows Streamlit's grey "None": it holds this dash instead.
EMPTY_CHOICE = "—"


def choice_cell(label: str | None) -> str:
    """What a select cell of a grid shows for a label that may be missing."""
    return label or EMPTY_CHOICE


def chosen(value):
    """A select cell's value as the data layer takes it (the dash means nothing chosen)."""
    return None if value == EMPTY_CHOICE else value


# What an empty select box shows (Streamlit's own hints are English: "Choose an option", "No options
# to select"): every select box of the app passes one of these.
CHOOSE_ONE = "— Chọn —"
CHOOSE_SOME = "— Chọn một hoặc nhiều —"
