"""Run one write from a page and report the outcome in Vietnamese, surviving the rerun that follows."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st
from sqlmodel import Session

from data_layer.core.access import AccessDenied
from data_layer.core.db import session_scope

_FLASH_KEY = "_flash_message"


def show_flash() -> None:
    """Show (once) the success message left by the last write."""
    if message := st.session_state.pop(_FLASH_KEY, None):
        st.success(message)


def set_flash(message: str) -> None:
    """Leave a success message for the next run (call before st.rerun())."""
    st.session_state[_FLASH_KEY] = message


def run_write(action: Callable[[Session], object], success: str) -> bool:
    """Run ``action`` in one transaction; on success rerun the page so every table shows the new data."""
    try:
        with session_scope() as session:
            action(session)
    except (ValueError, AccessDenied) as exc:
        st.error(str(exc))
        return False
    set_flash(success)
    st.rerun()
    return True
