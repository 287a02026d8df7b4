"""Đối tượng: the registry of the user's scope, filtered and paged, edited like a spreadsheet.

Edits stay on the grid until saved: while some are unsaved, a bar says how many and where, and a
change of filter or page waits until they are saved or dropped.
"""

import math

import pandas as pd
import streamlit as st

from data_layer.core.codes import Gender, PersonStatus, Problem
from data_layer.core.db import read_session, write
from data_layer.registry.catalog import list_categories
from data_layer.registry.editing import save_person_changes
from data_layer.registry.fields import FIELDS, PERSON_FIELDS
from data_layer.registry.queries import SEARCH_LIMIT, Filters, count_people, hamlets, people_page
from data_layer.registry.wards import list_wards
from data_layer.vn import labels
from data_layer.vn.formatting import format_count, format_date
from ui.entitlement_panel import entitlement_panel
from ui.feedback import confirm_button, set_flash, show_flash, shown_errors
from ui.session import require_scope
from ui.widgets import CHOOSE_ONE, EMPTY_CHOICE, choice_cell, chosen

PAGE_SIZE = 200

scope = require_scope()
st.title("Đối tượng")
show_flash()

with read_session() as session:
    wards = list_wards(session, scope)
    categories = list_categories(session)
if not wards:
    st.info("Bạn chưa được gán phường/xã.")
    st.stop()
category_names = {c.id: c.name for c in categories}


def chosen_filters() -> tuple[Filters, object]:
    """The filter bar (the progress page links here with ?ward=&problem=, the import page with ?batch=,
    the reconciliation of health-insurance cards with ?q=)."""
    linked_ward, linked_problem = st.query_params.get("ward"), st.query_params.get("problem")
    linked_batch = int(st.query_params["batch"]) if st.query_params.get("batch", "").isdigit() else None
    if linked_batch:
        st.info(f"Đang xem những người lần nhập số {linked_batch} đã thêm hoặc cập nhật.")
        st.page_link("pages/beneficiaries.py", label="Xem cả danh sách", icon=":material/filter_alt_off:")
    ward_options = [None, *wards] if len(wards) > 1 else wards
    f1, f2, f3, f4, f5, f6 = st.columns([2, 2, 2, 2, 2, 3])
    ward = f1.selectbox(
        "Phường/xã",
        ward_options,
        index=next((i for i, w in enumerate(ward_options) if w and str(w.id) == linked_ward), 0),
        format_func=lambda w: "Tất cả" if w is None else w.name,
        placeholder=CHOOSE_ONE,
    )
    with read_session() as session:
        hamlet_options = hamlets(session, scope, ward.id if ward else None)
    hamlet = f2.selectbox(
        "Thôn/tổ",
        [None, *hamlet_options],
        format_func=lambda h: "Tất cả" if h is None else h,
        placeholder=CHOOSE_ONE,
    )
    category_id = f3.selectbox(
        "Nhóm đối tượng",
        [None, *category_names],
        format_func=lambda c: "Tất cả" if c is None else category_names[c],
        placeholder=CHOOSE_ONE,
    )
    status = f4.selectbox(
        "Tình trạng",
        [None, *PersonStatus],
        format_func=lambda s: "Tất cả" if s is None else labels.label(s),
        placeholder=CHOOSE_ONE,
    )
    problems = [None, *Problem]
    problem = f5.selectbox(
        "Lỗi dữ liệu",
        problems,
        index=problems.index(Problem(linked_problem))
        if linked_problem in Problem.__members__.values()
        else 0,
        format_func=lambda p: "Tất cả" if p is None else labels.label(p),
        placeholder=CHOOSE_ONE,
    )
    search = f6.text_input(  # other pages link a person here with ?q=<CCCD or name>
        "Tìm theo họ tên hoặc số CCCD (không cần dấu)",
        value=st.query_params.get("q", "")[:SEARCH_LIMIT],
        max_chars=SEARCH_LIMIT,
    )
    filters = Filters(
        ward_id=ward.id if ward else None,
        hamlet=hamlet,
        category_id=category_id,
        status=status,
        search=search or None,
        problem=problem,
        batch_id=linked_batch,
    )
    return filters, ward


def editor_key() -> str:
    return f"registry_editor_{st.session_state.get('registry_editor_round', 0)}"


def pending_changes() -> dict:
    """The grid's unsaved edits (positions in the rows shown), as Streamlit keeps them."""
    state = st.session_state.get(editor_key()) or {}
    return {
        k: state.get(k) or ({} if k == "edited_rows" else [])
        for k in ("edited_rows", "added_rows", "deleted_rows")
    }


def pending_count(changes: dict) -> int:
    return len(changes["edited_rows"]) + len(changes["added_rows"]) + len(changes["deleted_rows"])


def rows_to_show(filters: Filters, total: int) -> list:
    """The rows given to the editor: fixed until saved or dropped (editor positions refer to them)."""
    waiting = pending_count(pending_changes()) and "registry_rows" in st.session_state
    wanted = (f"{filters}", st.session_state.get("registry_page", 0))
    if st.session_state.get("registry_view") != wanted and waiting:
        st.warning(
            "Bộ lọc hoặc trang mới chưa được áp dụng: hãy lưu hoặc bỏ các thay đổi chưa lưu bên dưới trước."
        )
        return st.session_state["registry_rows"]
    if st.session_state.get("registry_view") != wanted or "registry_rows" not in st.session_state:
        with read_session() as session:
            rows = people_page(session, scope, filters, page=wanted[1], page_size=PAGE_SIZE)
        st.session_state.update(registry_view=wanted, registry_rows=rows)
        st.session_state["registry_editor_round"] = st.session_state.get("registry_editor_round", 0) + 1
    return st.session_state["registry_rows"]


def grid_value(person, key: str):
    value = getattr(person, key)
    kind = FIELDS[key].kind
    if kind == "gender":
        return choice_cell(labels.label_of(Gender, value))
    if kind == "status":
        return labels.label_of(PersonStatus, value)
    if kind == "categories":
        return [str(c) for c in value]
    if kind == "date":
        return format_date(value)  # typed back as dd/mm/yyyy
    if kind == "year":
        return str(value) if value else ""
    return value or ""  # an empty cell shows empty, never "None"


def column_config(field):
    label = field.label
    if field.kind == "date":
        return st.column_config.TextColumn(
            label, help="Ghi dạng ngày/tháng/năm, ví dụ 05/03/1950", max_chars=10
        )
    if field.kind == "year":
        return st.column_config.TextColumn(label, max_chars=4)
    if field.kind == "gender":
        return st.column_config.SelectboxColumn(
            label, options=[EMPTY_CHOICE, *labels.options(Gender).values()]
        )
    if field.kind == "status":
        return st.column_config.SelectboxColumn(label, options=list(labels.options(PersonStatus).values()))
    if field.kind == "categories":
        return st.column_config.MultiselectColumn(
            label, options=[str(c) for c in category_names], format_func=lambda c: category_names[int(c)]
        )
    return st.column_config.TextColumn(
        label, disabled=not field.editable, required=field.key == "name", max_chars=field.max_length
    )


def draw_grid(shown: list) -> None:
    columns = [f.key for f in PERSON_FIELDS]
    frame = pd.DataFrame([{k: grid_value(p, k) for k in columns} for p in shown], columns=columns)
    st.data_editor(
        frame,
        column_config={f.key: column_config(f) for f in PERSON_FIELDS},
        hide_index=True,
        width="stretch",
        key=editor_key(),
        num_rows="dynamic" if scope.can_write else "fixed",
        disabled=not scope.can_write,
        height=560,
    )


def stored(key: str, value):
    """A grid value as the data layer takes it (category ids as numbers; text as typed)."""
    value = chosen(value)
    if key == "categories" and value is not None:
        return [int(c) for c in value]
    return value


def describe(changes: dict, shown: list) -> str:
    """Where the unsaved edits are: "Nguyễn Văn An: Thôn/tổ, Ghi chú · 1 người mới · xóa Lê Thị Bình"."""
    parts = [
        f"{shown[int(p)].name}: " + ", ".join(FIELDS[k].label for k in c if k in FIELDS)
        for p, c in changes["edited_rows"].items()
    ]
    if changes["added_rows"]:
        parts.append(f"{len(changes['added_rows'])} người mới")
    parts += [f"xóa {shown[int(p)].name}" for p in changes["deleted_rows"]]
    return " · ".join(parts)


def save(changes: dict, shown: list, default_ward) -> None:
    edited = {int(p): {k: stored(k, v) for k, v in c.items()} for p, c in changes["edited_rows"].items()}
    added = [{k: stored(k, v) for k, v in row.items()} for row in changes["added_rows"]]
    deleted = [int(p) for p in changes["deleted_rows"]]
    with shown_errors():
        result = write(
            lambda session: save_person_changes(
                session,
                scope,
                shown,
                edited,
                added,
                deleted,
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
        st.warning(f"Đã lưu {result.saved} thay đổi; {len(result.errors)} dòng chưa lưu (vẫn giữ trên bảng):")
        for label, message in result.errors.items():
            st.error(f"{label}: {message}")


def pending_bar(shown: list, default_ward) -> None:
    """How many edits are unsaved and where, with Lưu (asking first when people are deleted) and Bỏ."""
    changes = pending_changes()
    if not (count := pending_count(changes)):
        st.caption("Nhấp đúp vào một ô để sửa; thêm người ở dòng cuối bảng.")
        return
    st.warning(f"{format_count(count)} thay đổi chưa lưu — {describe(changes, shown)}")
    c1, c2 = st.columns(2)
    if changes["deleted_rows"]:
        names = ", ".join(shown[int(p)].name for p in changes["deleted_rows"])
        if confirm_button(
            "Lưu thay đổi",
            key="save_with_deletions",
            question=f"Xóa hẳn {names} khỏi danh sách?",
            confirm="Lưu và xóa",
        ):
            save(changes, shown, default_ward)
    elif c1.button("Lưu thay đổi", type="primary"):
        save(changes, shown, default_ward)
    if c2.button("Bỏ các thay đổi chưa lưu"):
        st.session_state.pop("registry_rows", None)
        st.rerun()


filters, ward = chosen_filters()
if st.session_state.get("registry_filters_seen") != f"{filters}" and not pending_count(pending_changes()):
    st.session_state["registry_filters_seen"] = f"{filters}"
    st.session_state["registry_page_box"] = 1  # new filters start on the first page
with read_session() as session:
    total = count_people(session, scope, filters)
pages = max(1, math.ceil(total / PAGE_SIZE))
st.session_state["registry_page"] = (
    st.number_input(
        f"Trang (tổng {format_count(total)} người, {pages} trang)", 1, pages, 1, key="registry_page_box"
    )
    - 1
)
shown = rows_to_show(filters, total)
draw_grid(shown)
if scope.can_write:
    default_ward = ward or (wards[0] if len(wards) == 1 else None)
    pending_bar(shown, default_ward)
    if default_ward is None:
        st.caption("Người thêm mới cần chọn một phường/xã ở bộ lọc trước khi lưu.")

# --- monthly allowance: the entitlement of one person of the page ---
st.subheader("Trợ cấp hằng tháng")
person = st.selectbox(
    "Xem, thêm hoặc sửa chế độ trợ cấp của một người trong trang",
    [None, *shown],
    format_func=lambda p: "— Chọn —" if p is None else f"{p.name} ({p.ward}, {p.birth_year or ''})",
    key="registry_allowance_person",
    placeholder=CHOOSE_ONE,
)
if person is not None:
    entitlement_panel(scope, person.id, person.ward_id, key="registry_allowance")
