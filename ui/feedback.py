"""The one place pages run data-layer calls that can fail: user errors are shown in Vietnamese,
bugs are logged and shown as a short apology, never as a traceback; writes go through the write
path and rerun the page so everything on screen shows the new data."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import streamlit as st
from sqlmodel import Session

from data_layer.core.db import write
from data_layer.core.errors import UserError

log = logging.getLogger("ansinh.pages")
_FLASH_KEY = "_flash_message"
BUG_MESSAGE = (
    "Đã xảy ra lỗi, mã tham chiếu {reference}. Đây là lỗi của phần mềm, không phải do dữ liệu của bạn: "
    "lỗi đã được ghi lại. Hãy báo quản trị kèm mã tham chiếu này."
)


def show_flash() -> None:
    """Show (once) the success message left by the last write: at the top of the page and as a toast,
    which is seen where the user is (under a long grid the top of the page is scrolled away)."""
    if message := st.session_state.pop(_FLASH_KEY, None):
        st.success(message)
        st.toast(message, icon="✅")


def set_flash(message: str) -> None:
    """Leave a success message for the next run (call before st.rerun())."""
    st.session_state[_FLASH_KEY] = message


@contextmanager
def shown_errors() -> Iterator[None]:
    """Run the block; a user error is shown as its Vietnamese sentence, a bug as an apology with a short
    reference that is also in the server log (never Streamlit's English error box). Either way the page
    goes on after the block. app.py runs every page inside it, so nothing escapes to Streamlit."""
    try:
        yield
    except UserError as exc:
        st.error(str(exc))
    except Exception:
        reference = secrets.token_hex(4).upper()
        log.exception("page error, reference %s", reference)
        st.error(BUG_MESSAGE.format(reference=reference))


def run_write(action: Callable[[Session], object], success: str | Callable[[object], str]) -> bool:
    """Run ``action`` through the write path; on success leave ``success`` (or ``success(result)``)
    for the next run and rerun the page so every table and counter shows the new data."""
    with shown_errors():
        result = write(action)
        set_flash(success(result) if callable(success) else success)
        st.rerun()
    return False


def confirm_button(
    label: str,
    *,
    key: str,
    question: str,
    confirm: str = "Xác nhận",
    details: Callable[[], None] | None = None,
    disabled: bool = False,
    primary: bool = False,
) -> bool:
    """A button that asks first: the first click shows the question (and ``details``), "Xác nhận"
    returns True once, "Hủy" drops it. Works without dialogs, so page tests can drive it too."""
    pending = f"{key}_pending"
    if disabled:
        st.session_state.pop(pending, None)
    if st.button(label, key=f"{key}_ask", disabled=disabled, type="primary" if primary else "secondary"):
        st.session_state[pending] = True
    if not st.session_state.get(pending):
        return False
    with st.container(border=True):
        st.warning(question)
        if details:
            details()
        yes, no = st.columns(2)
        if yes.button(confirm, type="primary", key=f"{key}_yes"):
            st.session_state.pop(pending, None)
            return True
        if no.button("Hủy", key=f"{key}_no"):
            st.session_state.pop(pending, None)
            st.rerun()
    return False
