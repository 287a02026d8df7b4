"""Nhập danh sách: drop a ward's spreadsheet, check the preview, commit it, see what was written
(and undo it after a confirmation)."""

import pandas as pd
import streamlit as st

from data_layer.allowance.register_import import AllowanceRegister
from data_layer.campaigns.gift_list import GiftList
from data_layer.campaigns.setup import list_campaigns
from data_layer.core.codes import BatchStatus, RowStatus
from data_layer.core.db import read_session, write
from data_layer.importing.batches import list_batches, undo_batch
from data_layer.importing.columns import FIELD_LABELS
from data_layer.importing.commit import commit_import
from data_layer.importing.eras import OLD_LIST_LABEL
from data_layer.importing.error_report import error_report_xlsx
from data_layer.importing.preview import ImportRequest, preview_import
from data_layer.registry.catalog import list_categories, list_sources
from data_layer.registry.wards import list_wards
from data_layer.relief.household_list import HouseholdList
from data_layer.vn import labels
from data_layer.vn.formatting import format_count, format_datetime, format_money, format_month
from ui.approval import locked
from ui.feedback import confirm_button, run_write, show_flash, shown_errors
from ui.session import require_scope
from ui.widgets import CHOOSE_ONE

RESULT_KEY = "import_result"
LIST_KINDS = (
    GiftList,
    AllowanceRegister,
    HouseholdList,
)  # what a batch of this page may be: each undoes its own rows

scope = require_scope()
st.title("Nhập danh sách")
show_flash()
if not scope.can_write:
    st.info("Tài khoản chỉ xem không nhập được danh sách.")
    st.stop()

with read_session() as session:
    wards = list_wards(session, scope)
    campaigns = list_campaigns(session)
    sources = list_sources(session)
    categories = list_categories(session)
if not wards:
    st.warning("Bạn chưa được gán phường/xã nào.")
    st.stop()
category_names = {c.id: c.name for c in categories}


def undo_button(batch_id: int, file_name: str, label: str, place: str) -> None:
    """Undo a batch after a confirmation; ``place`` tells apart the card's button and the list's (the
    same new batch is offered in both)."""
    question = (
        f"Hoàn tác lần nhập số {batch_id} ({file_name})? Những người lần nhập này thêm sẽ bị xóa, "
        "những thông tin nó đã sửa được trả lại như cũ, các suất quà nó tạo bị xóa."
    )
    if confirm_button(label, key=f"undo_{place}_{batch_id}", question=question, confirm="Hoàn tác"):
        st.session_state.pop(RESULT_KEY, None)
        run_write(
            lambda s: undo_batch(s, scope, batch_id, LIST_KINDS), f"Đã hoàn tác lần nhập số {batch_id}."
        )


def result_card(result: dict) -> None:
    """What the last commit wrote, with the way to see those people and to undo it."""
    counts = result["counts"]
    with st.container(border=True):
        st.success(f"Đã ghi tệp {result['file_name']} (lần nhập số {result['batch_id']}).")
        m = st.columns(5)
        m[0].metric("Dòng đã ghi", format_count(counts["accepted"]))
        m[1].metric("Người mới", format_count(counts["beneficiaries_created"]))
        m[2].metric("Đã có (cập nhật)", format_count(counts["beneficiaries_matched"]))
        m[3].metric("Suất quà", format_count(counts["allocations_created"]))
        m[4].metric("Dòng lỗi không ghi", format_count(counts["rejected"]))
        if counts["entitlements_created"] or counts["entitlements_updated"]:
            st.info(
                f"Chế độ trợ cấp hằng tháng: {format_count(counts['entitlements_created'])} mới, "
                f"{format_count(counts['entitlements_updated'])} sửa theo danh sách."
            )
        c1, c2 = st.columns(2)
        c1.page_link(
            "pages/beneficiaries.py",
            label="Xem những người vừa nhập",
            icon=":material/groups:",
            query_params={"batch": str(result["batch_id"])},
        )
        if c2.button("Nhập tệp khác"):
            st.session_state.pop(RESULT_KEY)
            st.rerun()
        undo_button(result["batch_id"], result["file_name"], "Hoàn tác lần nhập này", "card")


def preview_of(upload, key: str, ward, campaign, source, file_category_id, era):
    """Preview of one uploaded file with the user's choices (cached per choice)."""
    request = ImportRequest(
        file_name=upload.name,
        data=upload.getvalue(),
        ward_id=ward.id,
        kind=GiftList(campaign.id, source.id if source else None) if campaign else AllowanceRegister(),
        mapping=st.session_state.get(f"{key}_mapping"),
        category_map=st.session_state.get(f"{key}_categories", {}),
        file_category_id=file_category_id,
        era=era,
        hamlet_units=dict(st.session_state.get(f"{key}_hamlets", {})),
    )
    cache_key = (
        request.sha256,
        ward.id,
        request.kind,
        tuple(sorted((request.mapping or {}).items())),
        tuple(sorted(request.category_map.items())),
        file_category_id,
        era,
        tuple(sorted(request.hamlet_units.items())),
    )
    cached = st.session_state.get(f"{key}_preview")
    if cached and cached[0] == cache_key:
        return cached[1]
    bar = st.progress(0.0, text="Đang đọc tệp…")
    try:
        with read_session() as session:
            preview = preview_import(session, scope, request, progress=lambda f, m: bar.progress(f, text=m))
    finally:  # a refused file leaves no reading bar behind
        bar.empty()
    st.session_state[f"{key}_preview"] = (cache_key, preview)
    return preview


def hamlet_placement(preview, key: str) -> None:
    """A split old commune: ask once which of today's units each of its hamlets went to."""
    if not (preview.era and preview.era.split):
        return
    answers = st.session_state.setdefault(f"{key}_hamlets", {})
    to_ask = [*preview.hamlet_questions, *[h for h in answers if h not in preview.hamlet_questions]]
    if not to_ask:
        return
    units = dict(preview.era.split)
    st.warning(
        f"{preview.era.old_unit[1]} cũ đã được chia cho {', '.join(units.values())}: chọn mỗi thôn/tổ nay "
        "thuộc đơn vị nào (chỉ hỏi một lần; câu trả lời được ghi nhớ cho các danh sách sau)."
    )
    for number, hamlet in enumerate(to_ask):
        choice = st.selectbox(
            hamlet,
            [None, *units],
            format_func=lambda code: "— Chọn —" if code is None else units[code],
            key=f"{key}_hamlet_{number}",
            placeholder=CHOOSE_ONE,
        )
        if choice and answers.get(hamlet) != choice:
            answers[hamlet] = choice
            st.rerun()


def mapping_editor(preview, key: str) -> None:
    """Let the user correct which column holds which field."""
    options = [None, *FIELD_LABELS]
    with st.expander("Cột trong tệp → thông tin (sửa nếu nhận sai)"):
        current = {c.index: c.field for c in preview.table.columns}
        current.update(st.session_state.get(f"{key}_mapping") or {})
        chosen = {}
        cols = st.columns(3)
        for i, column in enumerate(c for c in preview.table.columns if c.header):
            chosen[column.index] = cols[i % 3].selectbox(
                column.header,
                options,
                index=options.index(current.get(column.index)),
                format_func=lambda f: "(bỏ qua)" if f is None else FIELD_LABELS[f],
                key=f"{key}_col{column.index}",
                placeholder=CHOOSE_ONE,
            )
        if st.button("Áp dụng cách nhận cột", key=f"{key}_apply"):
            st.session_state[f"{key}_mapping"] = chosen
            st.rerun()


def category_editor(preview, key: str) -> None:
    """Map category texts the catalogue does not know; the choice is remembered on commit."""
    if not preview.unknown_categories:
        return
    st.warning("Có nhóm đối tượng chưa có trong danh mục: chọn nhóm tương ứng (được ghi nhớ cho lần sau).")
    chosen = dict(st.session_state.get(f"{key}_categories", {}))
    for text in preview.unknown_categories:
        chosen[text] = st.selectbox(
            f"'{text}'",
            [None, *category_names],
            key=f"{key}_cat_{text}",
            format_func=lambda c: "(bỏ qua)" if c is None else category_names[c],
            placeholder=CHOOSE_ONE,
        )
    if st.button("Áp dụng nhóm đối tượng", key=f"{key}_cat_apply"):
        st.session_state[f"{key}_categories"] = {t: c for t, c in chosen.items() if c}
        st.rerun()


def register_cells(row) -> dict:
    """The monthly allowance register's columns of a preview row."""
    return {"Diện hưởng": "; ".join(row.allowance_groups), "Hưởng từ tháng": format_month(row.start_month)}


def rows_table(preview) -> None:
    register = any(r.allowance_groups for r in preview.rows)  # a monthly allowance register
    frame = pd.DataFrame(
        [
            {
                "Ghi chú kiểm tra": " ".join(
                    [f"{c}: {msg}" if c else msg for c, msg in r.errors] + r.warnings
                ),
                "Dòng": r.row,
                "Trạng thái": labels.label(RowStatus(r.status)),
                "Họ và tên": r.name or "",
                "Ngày/năm sinh": r.birth_date.strftime("%d/%m/%Y") if r.birth_date else (r.birth_year or ""),
                "Số CCCD": r.national_id or "",
                "Thôn/tổ": r.hamlet or "",
                "Nhóm đối tượng": "; ".join(category_names[c] for c in preview.category_ids.get(r.row, [])),
                "Mức quà": format_money(r.amount),
                **(
                    {
                        "Diện hưởng": "; ".join(r.allowance_groups),
                        "Hưởng từ tháng": format_month(r.start_month),
                    }
                    if register
                    else {}
                ),
            }
            for r in preview.rows
        ]
    ).astype(str)
    st.dataframe(frame, hide_index=True, width="stretch", height=min(600, 40 + 35 * len(frame)))


def show_preview(preview, key: str) -> None:
    summary = preview.summary()
    m = st.columns(5)
    m[0].metric("Số dòng", format_count(summary["rows_read"]))
    m[1].metric("Nhận", format_count(summary["accepted"]))
    m[2].metric("Loại (lỗi)", format_count(summary["rejected"]))
    m[3].metric("Người mới", format_count(summary["beneficiaries_created"]))
    m[4].metric("Đã có (cập nhật)", format_count(summary["beneficiaries_matched"]))
    if preview.table.legacy_encoding:
        st.info(f"Tệp gõ bằng phông cũ ({preview.table.legacy_encoding.upper()}): đã chuyển sang Unicode.")
    if preview.already_imported:
        st.warning(f"Tệp này đã được nhập vào phường/xã này (lần nhập số {preview.already_imported.id}).")
    for warning in preview.file_warnings:
        st.warning(warning)
    rows_table(preview)
    if summary["rejected"] or summary["warnings"] or preview.file_warnings:
        st.download_button(
            "Tải báo cáo lỗi (.xlsx)",
            error_report_xlsx(preview.rows, preview.file_warnings),
            file_name=f"loi_{preview.request.file_name.rsplit('.', 1)[0]}.xlsx",
            key=f"{key}_errors",
        )


def commit(preview, repeat_ok: bool) -> None:
    bar = st.progress(0.0, text="Đang ghi…")
    with shown_errors():
        result = write(
            lambda session: commit_import(
                session, scope, preview, progress=lambda f, m: bar.progress(f, text=m), repeat_ok=repeat_ok
            )
        )
        for k in [k for k in st.session_state if str(k).startswith("upload_")]:
            del st.session_state[k]
        st.session_state["uploader_round"] = st.session_state.get("uploader_round", 0) + 1  # empties the box
        st.session_state[RESULT_KEY] = {
            "batch_id": result.batch_id,
            "file_name": preview.request.file_name,
            "counts": result.counts,
        }
        st.rerun()
    bar.empty()


def import_one(upload, number: int, ward, campaign, source) -> None:
    key = f"upload_{number}_{upload.file_id}"
    st.subheader(upload.name)
    if (suggestion := st.session_state.pop(f"{key}_suggested", None)) is not None:
        st.session_state[f"{key}_file_group"] = suggestion  # set before the box is drawn in this run
    file_category_id = st.selectbox(
        "Nhóm đối tượng cho cả tệp (cho các dòng không ghi nhóm)",
        [None, *category_names],
        format_func=lambda c: "— Không —" if c is None else category_names[c],
        key=f"{key}_file_group",
        placeholder=CHOOSE_ONE,
    )
    old_list = st.checkbox(
        OLD_LIST_LABEL,
        key=f"{key}_old",
        help="Tên phường/xã cũ trong tiêu đề được đối chiếu với bảng chuyển đổi đơn vị hành chính; "
        "mỗi người giữ mã và tên đơn vị cũ. Không chọn: thời kỳ theo ngày tháng trong tiêu đề.",
    )
    preview = None
    with shown_errors():
        preview = preview_of(
            upload, key, ward, campaign, source, file_category_id, "old" if old_list else None
        )
    if preview is None:
        return
    if preview.suggested_category_id and not st.session_state.get(f"{key}_suggestion_done"):
        st.session_state[f"{key}_suggestion_done"] = True  # offered once; the user may change it
        if file_category_id is None:
            st.session_state[f"{key}_suggested"] = preview.suggested_category_id
            st.rerun()
    if preview.era and preview.era.old_unit:
        code, name = preview.era.old_unit
        st.info(
            f"Danh sách lập trước 01/7/2025 của {name} (mã cũ {code}), nay thuộc {ward.name}: "
            "mỗi người mới giữ mã và tên đơn vị cũ."
        )
    hamlet_placement(preview, key)
    mapping_editor(preview, key)
    category_editor(preview, key)
    show_preview(preview, key)
    repeat_ok = preview.already_imported is None or st.checkbox(
        "Tôi muốn nhập lại tệp này (người đã có chỉ được cập nhật, không tạo trùng)", key=f"{key}_repeat"
    )
    if st.button(
        f"Ghi {format_count(len(preview.accepted))} dòng hợp lệ vào cơ sở dữ liệu",
        key=f"{key}_commit",
        type="primary",
        disabled=not preview.accepted or not repeat_ok,
    ):
        commit(preview, repeat_ok=preview.already_imported is not None)


def recent_batches() -> None:
    st.subheader("Các lần nhập gần đây")
    with read_session() as session:
        batches = list_batches(session, scope)
    if not batches:
        st.caption("Chưa có lần nhập nào.")
        return
    ward_names = {w.id: w.name for w in wards}
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Số": b.id,
                    "Tệp": b.file_name,
                    "Phường/xã": ward_names.get(b.ward_id, ""),
                    "Lúc": format_datetime(b.created_at),
                    "Nhận": b.accepted,
                    "Loại": b.rejected,
                    "Người mới": b.beneficiaries_created,
                    "Cập nhật": b.beneficiaries_matched,
                    "Suất quà": b.allocations_created,
                    "Trạng thái": labels.label_of(BatchStatus, b.status),
                }
                for b in batches
            ]
        ),
        hide_index=True,
        width="stretch",
    )
    undoable = [b for b in batches if b.status == BatchStatus.COMMITTED]
    if undoable:
        target = st.selectbox(
            "Hoàn tác lần nhập",
            undoable,
            format_func=lambda b: f"Số {b.id} – {b.file_name}",
            placeholder=CHOOSE_ONE,
        )
        undo_button(target.id, target.file_name, "Hoàn tác", "list")


if result := st.session_state.get(RESULT_KEY):
    result_card(result)
else:
    c1, c2, c3 = st.columns(3)
    ward = c1.selectbox("Phường/xã", wards, format_func=lambda w: w.name, placeholder=CHOOSE_ONE)
    campaign = c2.selectbox(
        "Đợt tặng quà (khi tệp là danh sách quà)",
        [None, *campaigns],
        format_func=lambda c: "— Danh sách đối tượng —" if c is None else c.name,
        placeholder=CHOOSE_ONE,
    )
    source = c3.selectbox(
        "Nguồn kinh phí",
        [None, *sources],
        disabled=campaign is None,
        format_func=lambda s: "— Theo cột 'Nguồn' trong tệp —" if s is None else s.name,
        placeholder="— Theo cột 'Nguồn' trong tệp —",  # a disabled box shows it, never "Choose an option"
    )
    gifts_locked = campaign is not None and locked(campaign, ward)  # an approved ward's gifts
    files = st.file_uploader(
        "Kéo thả tệp .xlsx, .xls, .ods hoặc .csv",
        type=["xlsx", "xls", "ods", "csv"],
        accept_multiple_files=True,
        disabled=gifts_locked,
        key=f"uploader_{st.session_state.get('uploader_round', 0)}",
    )
    for number, upload in enumerate([] if gifts_locked else files or []):
        import_one(upload, number, ward, campaign, source)
st.divider()
recent_batches()
