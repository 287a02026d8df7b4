"""Đối tượng: the registry of the user's scope, filtered and paged, edited like a spreadsheet."""

import math

import pandas as pd
import streamlit as st

from data_layer.admin import reference
from data_layer.core.codes import Gender, PersonStatus, Problem
from data_layer.core.db import read_session, write
from data_layer.registry.editing import save_person_changes
from data_layer.registry.fields import FIELDS, PERSON_FIELDS
from data_layer.registry.queries import Filters, count_people, hamlets, people_page
from data_layer.vn import labels
from data_layer.vn.formatting import format_count
from ui.entitlement_panel import entitlement_panel
from ui.feedback import set_flash, show_flash, shown_errors
from ui.session import require_scope

PAGE_SIZE = 200

scope = require_scope()
st.title("Đối tượng")
show_flash()

with read_session() as session:
    wards = reference.list_wards(session, scope)
    categories = reference.list_categories(session)
if not wards:
    st.info("Bạn chưa được gán phường/xã.")
    st.stop()
category_names = {c.id: c.name for c in categories}

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
with read_session() as session:
    hamlet_options = hamlets(session, scope, ward.id if ward else None)
hamlet = f2.selectbox("Thôn/tổ", [None, *hamlet_options], format_func=lambda h: "Tất cả" if h is None else h)
category_id = f3.selectbox(
    "Nhóm đối tượng",
    [None, *category_names],
    format_func=lambda c: "Tất cả" if c is None else category_names[c],
)
status = f4.selectbox(
    "Tình trạng", [None, *PersonStatus], format_func=lambda s: "Tất cả" if s is None else labels.label(s)
)
problem_options = [None, *Problem]
problem = f5.selectbox(
    "Lỗi dữ liệu",
    problem_options,
    index=problem_options.index(Problem(linked_problem))
    if linked_problem in Problem.__members__.values()
    else 0,
    format_func=lambda p: "Tất cả" if p is None else labels.label(p),
)
search = f6.text_input("Tìm theo họ tên hoặc số CCCD (không cần dấu)")
filters = Filters(
    ward_id=ward.id if ward else None,
    hamlet=hamlet,
    category_id=category_id,
    status=status,
    search=search or None,
    problem=problem,
)

key = f"{filters}"
if st.session_state.get("registry_filters") != key:
    st.session_state["registry_filters"] = key
    st.session_state["registry_page"] = 0
    st.session_state.pop("registry_rows", None)

with read_session() as session:
    total = count_people(session, scope, filters)
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
    with read_session() as session:
        st.session_state["registry_rows"] = people_page(
            session, scope, filters, page=page, page_size=PAGE_SIZE
        )
    st.session_state["registry_editor_round"] = st.session_state.get("registry_editor_round", 0) + 1
shown = st.session_state["registry_rows"]


def grid_value(person, key: str):
    value = getattr(person, key)
    kind = FIELDS[key].kind
    if kind == "gender":
        return labels.label_of(Gender, value) or None
    if kind == "status":
        return labels.label_of(PersonStatus, value)
    if kind == "categories":
        return [str(c) for c in value]
    return value


columns = [f.key for f in PERSON_FIELDS]
frame = pd.DataFrame([{k: grid_value(p, k) for k in columns} for p in shown], columns=columns)
for date_key in ("birth_date", "status_date"):
    frame[date_key] = pd.to_datetime(frame[date_key])


def column_config(field):
    label = field.label
    if field.kind == "date":
        return st.column_config.DateColumn(label, format="DD/MM/YYYY")
    if field.kind == "year":
        return st.column_config.NumberColumn(label, format="%d", min_value=1850)
    if field.kind == "gender":
        return st.column_config.SelectboxColumn(label, options=list(labels.options(Gender).values()))
    if field.kind == "status":
        return st.column_config.SelectboxColumn(label, options=list(labels.options(PersonStatus).values()))
    if field.kind == "categories":
        return st.column_config.MultiselectColumn(
            label, options=[str(c) for c in category_names], format_func=lambda c: category_names[int(c)]
        )
    return st.column_config.TextColumn(
        label, disabled=not field.editable, required=field.key == "name", max_chars=field.max_length
    )


editor_key = f"registry_editor_{st.session_state['registry_editor_round']}"
st.data_editor(
    frame,
    column_config={f.key: column_config(f) for f in PERSON_FIELDS},
    hide_index=True,
    width="stretch",
    key=editor_key,
    num_rows="dynamic" if scope.can_write else "fixed",
    disabled=not scope.can_write,
    height=560,
)


def stored(key: str, value):
    """A grid value as the data layer takes it (dates as ISO text, category ids as numbers)."""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if key == "categories" and value is not None:
        return [int(c) for c in value]
    return value


if scope.can_write:
    default_ward = ward or (wards[0] if len(wards) == 1 else None)
    state = st.session_state.get(editor_key) or {}
    changed = bool(state.get("edited_rows") or state.get("added_rows") or state.get("deleted_rows"))
    if st.button("Lưu thay đổi", type="primary", disabled=not changed):
        edited = {int(p): {k: stored(k, v) for k, v in c.items()} for p, c in state["edited_rows"].items()}
        added = [{k: stored(k, v) for k, v in row.items()} for row in state["added_rows"]]
        with shown_errors():
            result = write(
                lambda session: save_person_changes(
                    session,
                    scope,
                    shown,
                    edited,
                    added,
                    [int(p) for p in state["deleted_rows"]],
                    default_ward_id=default_ward.id if default_ward else None,
                )
            )
            if result.ok:
                st.session_state.pop("registry_rows")
                note = (
                    f" Lưu ý: {result.flagged_allocations} suất quà chưa phát của người đã đổi tình trạng "
                    "cần rà soát (trang Đợt tặng quà → Rà soát)."
                    if result.flagged_allocations
                    else ""
                )
                set_flash(f"Đã lưu {format_count(result.saved)} thay đổi.{note}")
                st.rerun()
            for position in result.saved_positions:  # keep the grid, but these rows are now stored
                shown[position].version += 1
            st.warning(
                f"Đã lưu {result.saved} thay đổi; {len(result.errors)} dòng chưa lưu (vẫn giữ trên bảng):"
            )
            for label, message in result.errors.items():
                st.error(f"{label}: {message}")
    if st.button("Tải lại dữ liệu (bỏ các thay đổi chưa lưu)"):
        st.session_state.pop("registry_rows", None)
        st.rerun()
    if default_ward is None:
        st.caption("Người thêm mới cần chọn một phường/xã ở bộ lọc trước khi lưu.")

# --- monthly allowance: the entitlement of one person of the page ---
st.subheader("Trợ cấp hằng tháng")
person = st.selectbox(
    "Xem, thêm hoặc sửa chế độ trợ cấp của một người trong trang",
    [None, *shown],
    format_func=lambda p: "— Chọn —" if p is None else f"{p.name} ({p.ward}, {p.birth_year or ''})",
    key="registry_allowance_person",
)
if person is not None:
    entitlement_panel(scope, person.id, person.ward_id, key="registry_allowance")
