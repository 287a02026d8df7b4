"""Nhập danh sách: drop a ward's spreadsheet, check the preview, commit it (or undo a batch)."""

import pandas as pd
import streamlit as st

from data_layer.admin import reference
from data_layer.core.codes import BatchStatus, RowStatus
from data_layer.core.db import read_session, write
from data_layer.importing.batches import list_batches, undo_batch
from data_layer.importing.columns import FIELD_LABELS
from data_layer.importing.commit import commit_import
from data_layer.importing.error_report import error_report_xlsx
from data_layer.importing.preview import ImportRequest, preview_import
from data_layer.vn import labels
from data_layer.vn.formatting import format_money, format_month
from ui.feedback import run_write, set_flash, show_flash, shown_errors
from ui.session import require_scope

scope = require_scope()
st.title("Nhập danh sách")
show_flash()
if not scope.can_write:
    st.info("Tài khoản chỉ xem không nhập được danh sách.")
    st.stop()

with read_session() as session:
    wards = reference.list_wards(session, scope)
    campaigns = reference.list_campaigns(session)
    sources = reference.list_sources(session)
    categories = reference.list_categories(session)
if not wards:
    st.warning("Bạn chưa được gán phường/xã nào.")
    st.stop()

c1, c2, c3 = st.columns(3)
ward = c1.selectbox("Phường/xã", wards, format_func=lambda w: w.name)
campaign = c2.selectbox(
    "Đợt tặng quà (khi tệp là danh sách quà)",
    [None, *campaigns],
    format_func=lambda c: "— Danh sách đối tượng —" if c is None else c.name,
)
source = c3.selectbox(
    "Nguồn kinh phí",
    [None, *sources],
    disabled=campaign is None,
    format_func=lambda s: "— Theo cột 'Nguồn' trong tệp —" if s is None else s.name,
)
files = st.file_uploader(
    "Kéo thả tệp .xlsx, .xls, .ods hoặc .csv", type=["xlsx", "xls", "ods", "csv"], accept_multiple_files=True
)


def preview_of(upload, key: str):
    """Preview of one uploaded file with the user's column and category choices (cached per choice)."""
    mapping = st.session_state.get(f"{key}_mapping")
    category_map = st.session_state.get(f"{key}_categories", {})
    request = ImportRequest(
        file_name=upload.name,
        data=upload.getvalue(),
        ward_id=ward.id,
        campaign_id=campaign.id if campaign else None,
        source_id=source.id if (campaign and source) else None,
        mapping=mapping,
        category_map=category_map,
    )
    cache_key = (
        request.sha256,
        ward.id,
        request.campaign_id,
        request.source_id,
        tuple(sorted((mapping or {}).items())),
        tuple(sorted(category_map.items())),
    )
    cached = st.session_state.get(f"{key}_preview")
    if cached and cached[0] == cache_key:
        return cached[1]
    bar = st.progress(0.0, text="Đang đọc tệp…")
    with read_session() as session:
        preview = preview_import(session, scope, request, progress=lambda f, m: bar.progress(f, text=m))
    bar.empty()
    st.session_state[f"{key}_preview"] = (cache_key, preview)
    return preview


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
            )
        if st.button("Áp dụng cách nhận cột", key=f"{key}_apply"):
            st.session_state[f"{key}_mapping"] = chosen
            st.rerun()


def category_editor(preview, key: str) -> None:
    """Map category texts the catalogue does not know; the choice is remembered on commit."""
    if not preview.unknown_categories:
        return
    st.warning("Có nhóm đối tượng chưa có trong danh mục: chọn nhóm tương ứng (được ghi nhớ cho lần sau).")
    names = {c.id: c.name for c in categories}
    ids = [None, *names]
    chosen = dict(st.session_state.get(f"{key}_categories", {}))
    for text in preview.unknown_categories:
        chosen[text] = st.selectbox(
            f"'{text}'",
            ids,
            key=f"{key}_cat_{text}",
            format_func=lambda c: "(bỏ qua)" if c is None else names[c],
        )
    if st.button("Áp dụng nhóm đối tượng", key=f"{key}_cat_apply"):
        st.session_state[f"{key}_categories"] = {t: c for t, c in chosen.items() if c}
        st.rerun()


def show_preview(preview, key: str) -> None:
    summary = preview.summary()
    m = st.columns(5)
    m[0].metric("Số dòng", summary["rows_read"])
    m[1].metric("Nhận", summary["accepted"])
    m[2].metric("Loại (lỗi)", summary["rejected"])
    m[3].metric("Người mới", summary["beneficiaries_created"])
    m[4].metric("Đã có (cập nhật)", summary["beneficiaries_matched"])
    if preview.table.legacy_encoding:
        st.info(f"Tệp gõ bằng phông cũ ({preview.table.legacy_encoding.upper()}): đã chuyển sang Unicode.")
    if preview.already_imported:
        st.warning(f"Tệp này đã được nhập trước đây (lần nhập số {preview.already_imported.id}).")
    for warning in preview.file_warnings:
        st.warning(warning)
    register = any(r.allowance_groups for r in preview.rows)  # a monthly allowance register
    frame = pd.DataFrame(
        [
            {
                "Dòng": r.row,
                "Trạng thái": labels.label(RowStatus(r.status)),
                "Họ và tên": r.name,
                "Ngày/năm sinh": r.birth_date.strftime("%d/%m/%Y") if r.birth_date else r.birth_year,
                "CCCD": r.national_id or "",
                "Thôn/tổ": r.hamlet,
                "Đối tượng": ", ".join(r.category_texts),
                "Mức quà": format_money(r.amount) if r.amount is not None else "",
                **(
                    {
                        "Diện hưởng": "; ".join(r.allowance_groups),
                        "Hưởng từ tháng": format_month(r.start_month),
                    }
                    if register
                    else {}
                ),
                "Ghi chú kiểm tra": " ".join(
                    [f"{c}: {msg}" if c else msg for c, msg in r.errors] + r.warnings
                ),
            }
            for r in preview.rows
        ]
    )
    st.dataframe(frame, hide_index=True, width="stretch", height=min(600, 40 + 35 * len(frame)))
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
        counts = result.counts
        entitlements = counts["entitlements_created"] + counts["entitlements_updated"]
        set_flash(
            f"Đã ghi {counts['accepted']} dòng ({counts['beneficiaries_created']} người mới, "
            f"{counts['beneficiaries_matched']} cập nhật, {counts['allocations_created']} suất quà"
            + (
                f", {counts['entitlements_created']} chế độ trợ cấp mới, {counts['entitlements_updated']} sửa"
                if entitlements
                else ""
            )
            + f"); {counts['rejected']} dòng lỗi không ghi. Lần nhập số {result.batch_id}."
        )
        for k in [k for k in st.session_state if str(k).startswith("upload_")]:
            del st.session_state[k]
        st.rerun()
    bar.empty()


for number, upload in enumerate(files or []):
    key = f"upload_{number}_{upload.file_id}"
    st.subheader(upload.name)
    preview = None
    with shown_errors():
        preview = preview_of(upload, key)
    if preview is None:
        continue
    mapping_editor(preview, key)
    category_editor(preview, key)
    show_preview(preview, key)
    repeat_ok = preview.already_imported is None or st.checkbox(
        "Tôi muốn nhập lại tệp này (người đã có chỉ được cập nhật, không tạo trùng)", key=f"{key}_repeat"
    )
    if st.button(
        f"Ghi {len(preview.accepted)} dòng hợp lệ vào cơ sở dữ liệu",
        key=f"{key}_commit",
        type="primary",
        disabled=not preview.accepted or not repeat_ok,
    ):
        commit(preview, repeat_ok=preview.already_imported is not None)

st.divider()
st.subheader("Các lần nhập gần đây")
with read_session() as session:
    batches = list_batches(session, scope)
ward_names = {w.id: w.name for w in wards}
if batches:
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Số": b.id,
                    "Tệp": b.file_name,
                    "Phường/xã": ward_names.get(b.ward_id, ""),
                    "Lúc": b.created_at.strftime("%d/%m/%Y %H:%M"),
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
            "Hoàn tác lần nhập", undoable, format_func=lambda b: f"Số {b.id} – {b.file_name}"
        )
        if st.button("Hoàn tác"):
            run_write(lambda s: undo_batch(s, scope, target.id), f"Đã hoàn tác lần nhập số {target.id}.")
else:
    st.caption("Chưa có lần nhập nào.")
