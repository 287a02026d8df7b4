"""Nhật ký: who changed what and when, with the old and new values; revert one change."""

from datetime import date, timedelta

import pandas as pd
import streamlit as st

from data_layer.core.codes import Action
from data_layer.core.db import read_session
from data_layer.registry.history import audit_log, field_name, revert_event, shown_value
from data_layer.vn import labels
from data_layer.vn.formatting import format_datetime
from ui.feedback import confirm_button, run_write, show_flash
from ui.session import require_scope
from ui.widgets import CHOOSE_ONE

scope = require_scope()
st.title("Nhật ký thay đổi")
show_flash()

c1, c2 = st.columns(2)
table = c1.selectbox(
    "Loại dữ liệu",
    [None, *labels.RECORD_LABELS],
    format_func=lambda t: "Tất cả" if t is None else labels.RECORD_LABELS[t],
    placeholder=CHOOSE_ONE,
)
since = c2.date_input("Từ ngày", date.today() - timedelta(days=30), format="DD/MM/YYYY")
with read_session() as session:
    events = audit_log(session, scope, table=table, since=since)

if not events:
    st.info("Không có thay đổi nào trong khoảng này.")
    st.stop()
st.dataframe(
    pd.DataFrame(
        [
            {
                "Số": e.id,
                "Lúc": format_datetime(e.at),
                "Người thực hiện": e.user,
                "Dữ liệu": labels.RECORD_LABELS.get(e.table, ""),
                "Bản ghi": e.record,
                "Thao tác": labels.label_of(Action, e.action),
                "Trường": field_name(e.table, e.field),
                "Giá trị cũ": shown_value(e.field, e.old),
                "Giá trị mới": shown_value(e.field, e.new),
            }
            for e in events
        ]
    ),
    hide_index=True,
    width="stretch",
)


revertible = [e for e in events if e.revertible]
if scope.can_write and revertible:
    event = st.selectbox(
        "Hoàn tác một lần sửa thông tin đối tượng",
        revertible,
        format_func=lambda e: (
            f"Số {e.id} – {e.record}: {field_name(e.table, e.field)} "
            f"'{shown_value(e.field, e.old)}' → '{shown_value(e.field, e.new)}'"
        ),
        placeholder=CHOOSE_ONE,
    )
    before, now = (
        shown_value(event.field, event.old) or "(trống)",
        shown_value(event.field, event.new) or "(trống)",
    )
    question = (
        f"Trả '{field_name(event.table, event.field)}' của {event.record} về '{before}' (hiện là '{now}')?"
    )
    if confirm_button(
        "Hoàn tác thay đổi này", key=f"revert_{event.id}", question=question, confirm="Hoàn tác"
    ):
        run_write(lambda s: revert_event(s, scope, event.id), f"Đã hoàn tác thay đổi số {event.id}.")
