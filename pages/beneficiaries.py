"""Đối tượng: the registry of the user's scope, filtered and paged, edited like a spreadsheet."""

import math

import pandas as pd
import streamlit as st

from data_layer.admin import reference
from data_layer.core.db import session_scope
from data_layer.registry.editing import (
    FIELD_LABELS,
    PROBLEM_LABELS,
    STATUS_LABELS,
    Filters,
    beneficiary_page,
    hamlets,
    save_beneficiary_changes,
)
from data_layer.vn.formatting import format_count
from ui.feedback import set_flash, show_flash
from ui.session import require_scope

PAGE_SIZE = 200
GENDERS = {"M": "Nam", "F": "Nữ"}

scope = require_scope()
st.title("Đối tượng")
show_flash()

with session_scope() as session:
    wards = reference.list_wards(session, scope)
    categories = reference.list_categories(session)
if not wards:
    st.info("Bạn chưa được gán phường/xã.")
    st.stop()

# The progress page links here with ?ward=ID&problem=KEY to open the people behind a count.
linked_ward = st.query_params.get("ward")
linked_problem = st.query_params.get("problem")
ward_options = [None, *wards] if len(wards) > 1 else wards
f1, f2, f3, f4, f5, f6 = st.columns([2, 2, 2, 2, 2, 3])
ward = f1.selectbox(
    "Phường/xã",
    ward_options,
    index=next((i for i, w in enumerate(ward_options) if w and str(w.id) == linked_ward), 0),
    format_func=lambda w: "Tất cả" if w is None else w.name,
)
with session_scope() as session:
    hamlet_options = hamlets(session, scope, ward.id if ward else None)
hamlet = f2.selectbox("Thôn/tổ", [None, *hamlet_options], format_func=lambda h: "Tất cả" if h is None else h)
category = f3.selectbox(
    "Nhóm đối tượng",
    [None, *[c.code for c in categories]],
    format_func=lambda c: "Tất cả" if c is None else c,
)
status = f4.selectbox(
    "Tình trạng", [None, *STATUS_LABELS], format_func=lambda s: "Tất cả" if s is None else STATUS_LABELS[s]
)
problem_options = [None, *PROBLEM_LABELS]
problem = f5.selectbox(
    "Lỗi dữ liệu",
    problem_options,
    index=problem_options.index(linked_problem) if linked_problem in PROBLEM_LABELS else 0,
    format_func=lambda p: "Tất cả" if p is None else PROBLEM_LABELS[p],
)
search = f6.text_input("Tìm theo họ tên hoặc số CCCD (không cần dấu)")
filters = Filters(
    ward_id=ward.id if ward else None,
    hamlet=hamlet,
    category=category,
    status=status,
    search=search or None,
    problem=problem,
)

key = f"{filters}"
if st.session_state.get("registry_filters") != key:
    st.session_state["registry_filters"] = key
    st.session_state["registry_page"] = 0
    st.session_state.pop("registry_rows", None)

with session_scope() as session:
    _, total = beneficiary_page(session, scope, filters, page=0, page_size=1)
pages = max(1, math.ceil(total / PAGE_SIZE))
page = (
    st.number_input(
        f"Trang (tổng {format_count(total)} người, {pages} trang)",
        1,
        pages,
        st.session_state["registry_page"] + 1,
    )
    - 1
)
if page != st.session_state["registry_page"]:
    st.session_state["registry_page"] = page
    st.session_state.pop("registry_rows", None)

# The rows given to the editor stay fixed until they are saved: editor positions refer to them.
if "registry_rows" not in st.session_state:
    with session_scope() as session:
        st.session_state["registry_rows"] = beneficiary_page(
            session, scope, filters, page=page, page_size=PAGE_SIZE
        )[0]
    st.session_state["registry_editor_round"] = st.session_state.get("registry_editor_round", 0) + 1
shown = st.session_state["registry_rows"]

columns = [
    "ward",
    "name",
    "birth_date",
    "birth_year",
    "gender",
    "national_id",
    "hamlet",
    "categories",
    "status",
    "status_date",
    "status_reason",
    "bank_account",
    "phone",
    "note",
]
frame = pd.DataFrame(
    [{**r, "gender": GENDERS.get(r["gender"]), "status": STATUS_LABELS[r["status"]]} for r in shown],
    columns=columns,
)
frame["birth_date"] = pd.to_datetime(frame["birth_date"])
frame["status_date"] = pd.to_datetime(frame["status_date"])
config = {
    "ward": st.column_config.TextColumn("Phường/xã", disabled=True),
    "name": st.column_config.TextColumn(FIELD_LABELS["name"], required=True),
    "birth_date": st.column_config.DateColumn(FIELD_LABELS["birth_date"], format="DD/MM/YYYY"),
    "birth_year": st.column_config.NumberColumn(FIELD_LABELS["birth_year"], format="%d", min_value=1850),
    "gender": st.column_config.SelectboxColumn(FIELD_LABELS["gender"], options=list(GENDERS.values())),
    "national_id": st.column_config.TextColumn(FIELD_LABELS["national_id"], max_chars=15),
    "hamlet": st.column_config.TextColumn(FIELD_LABELS["hamlet"]),
    "categories": st.column_config.TextColumn(
        FIELD_LABELS["categories"],
        help="Mã nhóm, cách nhau bởi dấu phẩy: " + ", ".join(c.code for c in categories),
    ),
    "status": st.column_config.SelectboxColumn(FIELD_LABELS["status"], options=list(STATUS_LABELS.values())),
    "status_date": st.column_config.DateColumn(FIELD_LABELS["status_date"], format="DD/MM/YYYY"),
    "status_reason": st.column_config.TextColumn(FIELD_LABELS["status_reason"]),
    "bank_account": st.column_config.TextColumn(FIELD_LABELS["bank_account"]),
    "phone": st.column_config.TextColumn(FIELD_LABELS["phone"]),
    "note": st.column_config.TextColumn(FIELD_LABELS["note"]),
}
editor_key = f"registry_editor_{st.session_state['registry_editor_round']}"
st.data_editor(
    frame,
    column_config=config,
    hide_index=True,
    width="stretch",
    key=editor_key,
    num_rows="dynamic" if scope.can_write else "fixed",
    disabled=not scope.can_write,
    height=560,
)

if scope.can_write:
    default_ward = ward or (wards[0] if len(wards) == 1 else None)
    state = st.session_state.get(editor_key) or {}
    changed = bool(state.get("edited_rows") or state.get("added_rows") or state.get("deleted_rows"))
    if st.button("Lưu thay đổi", type="primary", disabled=not changed):
        edited = {
            int(p): {c: (v.isoformat() if hasattr(v, "isoformat") else v) for c, v in changes.items()}
            for p, changes in state["edited_rows"].items()
        }
        with session_scope() as session:
            result = save_beneficiary_changes(
                session,
                scope,
                shown,
                edited,
                state["added_rows"],
                state["deleted_rows"],
                default_ward_id=default_ward.id if default_ward else None,
            )
        if result.ok:
            st.session_state.pop("registry_rows")
            note = (
                f" Lưu ý: {result.flagged_allocations} suất quà chưa phát của người đã đổi tình trạng cần rà "
                "soát (trang Đợt tặng quà → Rà soát)."
                if result.flagged_allocations
                else ""
            )
            set_flash(f"Đã lưu {format_count(result.saved)} thay đổi.{note}")
            st.rerun()
        for position in result.saved_positions:  # keep the frame, but these rows are now stored
            shown[position]["version"] += 1
        st.warning(f"Đã lưu {result.saved} thay đổi; {len(result.errors)} dòng chưa lưu (vẫn giữ trên bảng):")
        for label, message in result.errors.items():
            st.error(f"{label}: {message}")
    if st.button("Tải lại dữ liệu (bỏ các thay đổi chưa lưu)"):
        st.session_state.pop("registry_rows", None)
        st.rerun()
    if default_ward is None:
        st.caption("Người thêm mới cần chọn một phường/xã ở bộ lọc trước khi lưu.")
