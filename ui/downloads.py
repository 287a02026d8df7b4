"""Download buttons that build their file only when clicked.

Streamlit calls ``build`` on a thread of its own when the user clicks (deferred ``data``), without
rerunning the page: opening a page never builds a workbook, whatever the size of the data. The
callable runs outside the page script, so it opens its own read session and uses no ``st.*``.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st
from sqlmodel import Session

from data_layer.core.db import read_session

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def reading(build: Callable[[Session], bytes]) -> Callable[[], bytes]:
    """``build`` run in a read session of its own when called."""

    def run() -> bytes:  # a failure is logged by Streamlit, which tells the user the file failed
        with read_session() as session:
            return build(session)

    return run


def xlsx_download(label: str, build: Callable[[], bytes], file_name: str, *, key: str | None = None) -> None:
    """A button that builds the .xlsx with ``build()`` on click and hands it to the browser."""
    st.download_button(label, build, file_name=file_name, mime=XLSX_MIME, on_click="ignore", key=key)
