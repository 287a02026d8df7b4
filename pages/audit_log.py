"""Nhật ký: who changed what and when, with the old and new values; revert one change."""

from datetime import date, timedelta

import pandas as pd
import streamlit as st

from data_layer.core.db import session_scope
from data_layer.registry.editing import FIELD_LABELS, audit_log, revert_event
from ui.feedback import run_write, show_flash
from ui.session import require_scope

TABLES = {
    "beneficiary": "Đối tượng",
    "allocation": "Suất quà",
    "lumpgift": "Quà tập thể",
    "importbatch": "Nhập tệp",
    "campaign": "Đợt tặng quà",
    "package": "Mức quà",
    "user": "Người dùng",
    "ward": "Phường/xã",
}
ACTIONS = {
    "insert": "Thêm",
    "update": "Sửa",
    "delete": "Xóa",
    "import": "Nhập tệp",
    "deliver": "Phát quà",
    "not_deliver": "Không phát được",
    "auto_allocate": "Phân bổ tự động",
}

scope = require_scope()
st.title("Nhật ký thay đổi")
show_flash()

c1, c2 = st.columns(2)
table = c1.selectbox(
    "Loại dữ liệu", [None, *TABLES], format_func=lambda t: "Tất cả" if t is None else TABLES[t]
)
since = c2.date_input("Từ ngày", date.today() - timedelta(days=30), format="DD/MM/YYYY")
with session_scope() as session:
    events = audit_log(session, scope, table=table, since=since)

if not events:
    st.info("Không có thay đổi nào trong khoảng này.")
    st.stop()
st.dataframe(
    pd.DataFrame(
        [
            {
                "Số": e["id"],
                "Lúc": e["at"].strftime("%d/%m/%Y %H:%M"),
                "Người thực hiện": e["user"],
                "Dữ liệu": TABLES.get(e["table"], e["table"]),
                "Mã dòng": e["row_id"],
                "Thao tác": ACTIONS.get(e["action"], e["action"]),
                "Trường": FIELD_LABELS.get(e["field"], e["field"] or ""),
                "Giá trị cũ": e["old"],
                "Giá trị mới": e["new"],
            }
            for e in events
        ]
    ),
    hide_index=True,
    width="stretch",
)

revertible = [e for e in events if e["table"] == "beneficiary" and e["action"] == "update"]
if scope.can_write and revertible:
    event = st.selectbox(
        "Hoàn tác một lần sửa thông tin đối tượng",
        revertible,
        format_func=lambda e: (
            f"Số {e['id']}: {FIELD_LABELS.get(e['field'])} '{e['old'] or ''}' → '{e['new'] or ''}'"
        ),
    )
    if st.button("Hoàn tác thay đổi này"):
        run_write(lambda s: revert_event(s, scope, event["id"]), f"Đã hoàn tác thay đổi số {event['id']}.")
