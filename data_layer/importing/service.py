"""Import a ward's spreadsheet: preview (read, check, match) and commit (one transaction), and undo.

The preview never writes. ``commit_import`` writes every accepted row in one transaction with
bulk Core statements: new people are inserted, people already in the ward (same national ID, or
same name + birth date when there is no ID) are updated, and a gift list adds one allocation per
person to the package of the chosen campaign/source/amount, never twice.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import bindparam, func, select, update
from sqlmodel import Session

from data_layer.core import audit
from data_layer.core.access import AccessDenied, Scope
from data_layer.core.db import bulk_insert
from data_layer.core.models import (
    Allocation,
    AuditEvent,
    Beneficiary,
    BeneficiaryCategory,
    Campaign,
    FundingSource,
    ImportBatch,
    Package,
    Ward,
    utcnow,
)
from data_layer.core.settings import get_settings
from data_layer.importing.categories import CategoryResolver, remember_aliases
from data_layer.importing.reader import FileReadError, mark_upper_font_cells, read_sheets
from data_layer.importing.rows import ParsedRow, parse_rows
from data_layer.importing.table import Table, legacy_encoding_of, locate_table
from data_layer.vn.formatting import format_money
from data_layer.vn.text import fold
from data_layer.vn.values import CellError, parse_amount

Progress = Callable[[float, str], None]
UPDATABLE = ("hamlet", "birth_date", "birth_year", "gender", "national_id", "bank_account", "phone", "note")


@dataclass
class ImportRequest:
    """What the user chose: the file, the ward, and (for a gift list) the campaign and source."""

    file_name: str
    data: bytes
    ward_id: int
    campaign_id: int | None = None
    source_id: int | None = None
    mapping: dict[int, str | None] | None = None
    category_map: dict[str, str] = field(default_factory=dict)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass
class ImportPreview:
    request: ImportRequest
    table: Table
    rows: list[ParsedRow]
    file_warnings: list[str]
    unknown_categories: list[str]
    already_imported: ImportBatch | None
    matches: dict[int, int]  # Excel row → id of the person it updates
    category_ids: dict[int, list[int]]

    @property
    def accepted(self) -> list[ParsedRow]:
        return [r for r in self.rows if not r.errors]

    def summary(self) -> dict:
        """Counts and errors in the shape of `ansinh import --json` (before commit)."""
        accepted = self.accepted
        return {
            "rows_read": len(self.rows),
            "accepted": len(accepted),
            "rejected": len(self.rows) - len(accepted),
            "warnings": sum(1 for r in accepted if r.warnings),
            "beneficiaries_created": sum(1 for r in accepted if r.row not in self.matches),
            "beneficiaries_matched": sum(1 for r in accepted if r.row in self.matches),
            "allocations_created": 0,
            "errors": [_error_entry(r) for r in self.rows if r.errors],
        }


def _error_entry(row: ParsedRow) -> dict:
    """One JSON error per rejected row; the column is named when all its errors are in one column."""
    columns = {column for column, _ in row.errors}
    if len(columns) == 1:
        return {"row": row.row, "column": row.errors[0][0], "message": " ".join(m for _, m in row.errors)}
    message = " ".join(f"{column}: {m}" if column else m for column, m in row.errors)
    return {"row": row.row, "column": None, "message": message}


def _ward_in_scope(session: Session, scope: Scope, ward_id: int) -> Ward:
    ward = session.execute(
        select(Ward).where(Ward.id == ward_id, scope.ward_clause(Ward.id))
    ).scalar_one_or_none()
    if ward is None:
        raise AccessDenied("Bạn không có quyền nhập danh sách cho phường/xã này.")
    return ward


def _check_footer(table: Table, rows: list[ParsedRow]) -> list[str]:
    amount_col = table.column_for("amount")
    if table.footer is None or amount_col is None:
        return []
    number, cells = table.footer
    raw = cells[amount_col.index] if amount_col.index < len(cells) else None
    try:
        declared = parse_amount(raw)
    except CellError:
        return [f"Dòng tổng cộng (dòng {number}) có số tiền không đọc được: '{raw}'."]
    computed = sum(r.amount or 0 for r in rows)
    if declared is not None and declared != computed:
        return [
            f"Dòng tổng cộng (dòng {number}) ghi {format_money(declared)} "
            f"nhưng tổng các dòng là {format_money(computed)}."
        ]
    return []


def _existing_people(session: Session, ward_id: int) -> tuple[dict, dict, dict]:
    by_id, by_name_date, by_name_year = {}, {}, {}
    rows = session.execute(
        select(
            Beneficiary.id,
            Beneficiary.national_id,
            Beneficiary.name_key,
            Beneficiary.birth_date,
            Beneficiary.birth_year,
        ).where(Beneficiary.ward_id == ward_id)
    )
    for pid, national_id, name_key, birth_date, birth_year in rows:
        if national_id:
            by_id[national_id] = pid
        if birth_date:
            by_name_date.setdefault((name_key, birth_date), pid)
        by_name_year.setdefault((name_key, birth_year), pid)
    return by_id, by_name_date, by_name_year


def _match(row: ParsedRow, by_id: dict, by_name_date: dict, by_name_year: dict) -> int | None:
    if row.national_id:
        return by_id.get(row.national_id)
    if row.birth_date:
        return by_name_date.get((row.name_key, row.birth_date))
    return by_name_year.get((row.name_key, row.birth_year))


def _flag_other_wards(session: Session, ward_id: int, rows: list[ParsedRow]) -> None:
    """Warn about people with the same national ID, or name + birth year, in another ward."""
    ids = {r.national_id for r in rows if r.national_id}
    keys = {r.name_key for r in rows if r.name_key}
    found_ids: dict[str, str] = {}
    found_names: dict[tuple[str, int | None], str] = {}
    for chunk in _chunks(sorted(ids)):
        for national_id, ward in session.execute(
            select(Beneficiary.national_id, Ward.name)
            .join(Ward, Ward.id == Beneficiary.ward_id)
            .where(Beneficiary.ward_id != ward_id, Beneficiary.national_id.in_(chunk))
        ):
            found_ids[national_id] = ward
    for chunk in _chunks(sorted(keys)):
        for name_key, year, ward in session.execute(
            select(Beneficiary.name_key, Beneficiary.birth_year, Ward.name)
            .join(Ward, Ward.id == Beneficiary.ward_id)
            .where(Beneficiary.ward_id != ward_id, Beneficiary.name_key.in_(chunk))
        ):
            found_names[(name_key, year)] = ward
    for row in rows:
        if row.national_id in found_ids:
            row.warnings.append(f"Số CCCD đã có trong danh sách của {found_ids[row.national_id]}.")
        elif (row.name_key, row.birth_year) in found_names and row.birth_year:
            ward = found_names[(row.name_key, row.birth_year)]
            row.warnings.append(f"Có thể trùng với một người ở {ward} (cùng họ tên, năm sinh).")


def _chunks(items: list, size: int = 5000):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def preview_import(
    session: Session, scope: Scope, request: ImportRequest, progress: Progress | None = None
) -> ImportPreview:
    """Read and check the file against the database; writes nothing.

    Raises FileReadError when the file cannot be read as a list at all.
    """
    report = progress or (lambda _f, _m: None)
    scope.require_ward(request.ward_id)
    _ward_in_scope(session, scope, request.ward_id)
    if request.campaign_id is not None and session.get(Campaign, request.campaign_id) is None:
        raise ValueError("Không tìm thấy đợt tặng quà đã chọn.")
    report(0.05, "Đang đọc tệp…")
    sheets = read_sheets(request.data, request.file_name, max_bytes=get_settings().max_upload_bytes)
    for sheet in sheets:
        if legacy_encoding_of(sheet) == "tcvn3":
            mark_upper_font_cells(request.data, request.file_name, sheet)
    report(0.3, "Đang tìm dòng tiêu đề…")
    table = locate_table(sheets)
    if not table.rows:
        raise FileReadError("Danh sách không có dòng dữ liệu nào dưới dòng tiêu đề.")
    report(0.4, "Đang kiểm tra từng dòng…")
    rows = parse_rows(table, request.mapping)
    report(0.7, "Đang đối chiếu với cơ sở dữ liệu…")
    resolver = CategoryResolver(session, request.category_map)
    unknown: dict[str, None] = {}
    category_ids: dict[int, list[int]] = {}
    for row in rows:
        ids = []
        for text in row.category_texts:
            if (cid := resolver.resolve(text)) is None:
                unknown.setdefault(text)
                row.warnings.append(f"Nhóm đối tượng '{text}' chưa có trong danh mục.")
            elif cid not in ids:
                ids.append(cid)
        category_ids[row.row] = ids
    if request.campaign_id is not None:
        _check_gift_rows(session, request, rows)
    accepted = [r for r in rows if not r.errors]
    by_id, by_name_date, by_name_year = _existing_people(session, request.ward_id)
    matches = {r.row: pid for r in accepted if (pid := _match(r, by_id, by_name_date, by_name_year))}
    _flag_other_wards(session, request.ward_id, accepted)
    already = (
        session.execute(
            select(ImportBatch)
            .where(ImportBatch.sha256 == request.sha256, ImportBatch.status == "committed")
            .order_by(ImportBatch.id.desc())
        )
        .scalars()
        .first()
    )
    report(1.0, "Xong.")
    return ImportPreview(
        request=request,
        table=table,
        rows=rows,
        file_warnings=_check_footer(table, rows),
        unknown_categories=list(unknown),
        already_imported=already,
        matches=matches,
        category_ids=category_ids,
    )


def _check_gift_rows(session: Session, request: ImportRequest, rows: list[ParsedRow]) -> None:
    sources = session.execute(select(FundingSource.id, FundingSource.code, FundingSource.name)).all()
    by_text = {fold(code): sid for sid, code, _ in sources} | {fold(name): sid for sid, _, name in sources}
    for row in rows:
        if row.errors:
            continue
        if row.amount is None:
            row.errors.append(("Mức quà", "Danh sách quà: thiếu mức quà (số tiền)."))
        if request.source_id is None:
            if not row.source_text:
                row.errors.append(("Nguồn kinh phí", "Chưa chọn nguồn kinh phí và dòng này không ghi nguồn."))
            elif fold(row.source_text) not in by_text:
                row.errors.append(("Nguồn kinh phí", f"Không nhận ra nguồn kinh phí '{row.source_text}'."))


@dataclass
class ImportResult:
    batch_id: int
    counts: dict


def commit_import(
    session: Session, scope: Scope, preview: ImportPreview, progress: Progress | None = None
) -> ImportResult:
    """Write every accepted row of the preview in the caller's transaction and record the batch."""
    report = progress or (lambda _f, _m: None)
    request = preview.request
    scope.require_ward(request.ward_id)
    _ward_in_scope(session, scope, request.ward_id)
    accepted = preview.accepted
    batch = ImportBatch(
        file_name=request.file_name[:300],
        sha256=request.sha256,
        user_id=scope.user_id,
        ward_id=request.ward_id,
        campaign_id=request.campaign_id,
        source_id=request.source_id,
        rows_read=len(preview.rows),
        accepted=len(accepted),
        rejected=len(preview.rows) - len(accepted),
        warnings=sum(1 for r in accepted if r.warnings),
    )
    session.add(batch)
    session.flush()
    if request.category_map:
        remember_aliases(session, request.category_map)
    report(0.1, "Đang ghi đối tượng mới…")
    person_of = _insert_new_people(session, batch, preview)
    report(0.5, "Đang cập nhật đối tượng đã có…")
    _update_matched_people(session, scope, batch, preview)
    person_of.update({r.row: preview.matches[r.row] for r in accepted if r.row in preview.matches})
    _add_categories(session, preview, person_of)
    report(0.8, "Đang ghi suất quà…")
    allocations = _add_allocations(session, batch, preview, person_of) if request.campaign_id else 0
    batch.beneficiaries_created = len(accepted) - len(preview.matches)
    batch.beneficiaries_matched = len(preview.matches)
    batch.allocations_created = allocations
    session.add(batch)
    # New rows carry import_batch_id; this event (the last of the batch) anchors "changed since".
    audit.record(
        session,
        scope,
        table="importbatch",
        row_id=batch.id,
        action="import",
        ward_id=batch.ward_id,
        new=f"{batch.file_name}: {batch.accepted} dòng",
        batch_id=batch.id,
    )
    session.flush()
    report(1.0, "Đã ghi xong.")
    counts = preview.summary() | {
        "beneficiaries_created": batch.beneficiaries_created,
        "beneficiaries_matched": batch.beneficiaries_matched,
        "allocations_created": allocations,
    }
    return ImportResult(batch_id=batch.id, counts=counts)


def _insert_batch_rows(session: Session, model, values: list[dict], batch_id: int) -> list[int]:
    """Insert rows tagged with ``import_batch_id`` in one executemany; their ids in insertion order.

    COPY / executemany is several times faster than ORM inserts with RETURNING; ids come from one
    sequence/rowid in statement order, so ordering by id restores the input order.
    """
    bulk_insert(session, model.__table__, values)
    ids = session.execute(
        select(model.id).where(model.import_batch_id == batch_id).order_by(model.id)
    ).scalars()
    return list(ids)


def _insert_new_people(session: Session, batch: ImportBatch, preview: ImportPreview) -> dict[int, int]:
    new_rows = [r for r in preview.accepted if r.row not in preview.matches]
    if not new_rows:
        return {}
    now = utcnow()
    values = [
        {
            "ward_id": batch.ward_id,
            "name": r.name,
            "name_key": r.name_key,
            "hamlet": r.hamlet,
            "birth_date": r.birth_date,
            "birth_year": r.birth_year,
            "gender": r.gender,
            "national_id": r.national_id,
            "bank_account": r.bank_account,
            "phone": r.phone,
            "note": r.note,
            "status": "active",
            "version": 1,
            "import_batch_id": batch.id,
            "created_at": now,
            "updated_at": now,
        }
        for r in new_rows
    ]
    ids = _insert_batch_rows(session, Beneficiary, values, batch.id)
    return {r.row: pid for r, pid in zip(new_rows, ids, strict=True)}


def _update_matched_people(
    session: Session, scope: Scope, batch: ImportBatch, preview: ImportPreview
) -> None:
    matched = [r for r in preview.accepted if r.row in preview.matches]
    if not matched:
        return
    ids = [preview.matches[r.row] for r in matched]
    current = {}
    for chunk in _chunks(ids):
        for person in session.execute(select(Beneficiary).where(Beneficiary.id.in_(chunk))).scalars():
            current[person.id] = person
    now = utcnow()
    updates, events = [], []
    for row in matched:
        person = current[preview.matches[row.row]]
        changes = {
            f: getattr(row, f)
            for f in UPDATABLE
            if getattr(row, f) is not None and getattr(row, f) != getattr(person, f)
        }
        if not changes:
            continue
        updates.append(
            {
                "pid": person.id,
                **{f: getattr(person, f) for f in UPDATABLE},
                **changes,
                "version": person.version + 1,
                "updated_at": now,
            }
        )
        events += [
            {
                "user_id": scope.user_id,
                "at": now,
                "table_name": "beneficiary",
                "row_id": person.id,
                "ward_id": batch.ward_id,
                "action": "update",
                "field": f,
                "old": audit.as_text(getattr(person, f)),
                "new": audit.as_text(v),
                "batch_id": batch.id,
            }
            for f, v in changes.items()
        ]
    session.expunge_all()
    if updates:
        table = Beneficiary.__table__
        session.execute(
            update(table)
            .where(table.c.id == bindparam("pid"), table.c.ward_id == batch.ward_id)
            .values({f: bindparam(f) for f in (*UPDATABLE, "version", "updated_at")}),
            updates,
        )
        bulk_insert(session, AuditEvent.__table__, events)


def _add_categories(session: Session, preview: ImportPreview, person_of: dict[int, int]) -> None:
    wanted = {
        (person_of[row], cid)
        for row, cids in preview.category_ids.items()
        if row in person_of
        for cid in cids
    }
    if not wanted:
        return
    people = sorted({pid for pid, _ in wanted})
    have = set()
    for chunk in _chunks(people):
        have |= set(
            session.execute(
                select(BeneficiaryCategory.beneficiary_id, BeneficiaryCategory.category_id).where(
                    BeneficiaryCategory.beneficiary_id.in_(chunk)
                )
            ).tuples()
        )
    missing = sorted(wanted - have)
    if missing:
        links = [{"beneficiary_id": p, "category_id": c} for p, c in missing]
        bulk_insert(session, BeneficiaryCategory.__table__, links)


def _package_for(session: Session, campaign_id: int, source_id: int, amount: int, cache: dict) -> int:
    key = (source_id, amount)
    if key not in cache:
        found = (
            session.execute(
                select(Package.id)
                .where(
                    Package.campaign_id == campaign_id,
                    Package.source_id == source_id,
                    Package.amount == amount,
                )
                .order_by(Package.priority, Package.id)
            )
            .scalars()
            .first()
        )
        if found is None:
            package = Package(
                campaign_id=campaign_id,
                source_id=source_id,
                amount=amount,
                label=f"Mức {amount:,}đ".replace(",", "."),
            )
            session.add(package)
            session.flush()
            found = package.id
        cache[key] = found
    return cache[key]


def _add_allocations(
    session: Session, batch: ImportBatch, preview: ImportPreview, person_of: dict[int, int]
) -> int:
    request = preview.request
    sources = session.execute(select(FundingSource.id, FundingSource.code, FundingSource.name)).all()
    by_text = {fold(code): sid for sid, code, _ in sources} | {fold(name): sid for sid, _, name in sources}
    packages: dict = {}
    wanted: dict[tuple[int, int], tuple[ParsedRow, int]] = {}
    for row in preview.accepted:
        source_id = request.source_id or by_text[fold(row.source_text)]
        package_id = _package_for(session, request.campaign_id, source_id, row.amount, packages)
        key = (package_id, person_of[row.row])
        if key in wanted:
            row.warnings.append(f"Người này đã có suất quà này ở dòng {wanted[key][0].row}: không tạo thêm.")
            continue
        wanted[key] = (row, row.amount)
    existing = set(
        session.execute(
            select(Allocation.package_id, Allocation.beneficiary_id).where(
                Allocation.package_id.in_(set(packages.values()))
            )
        ).tuples()
    )
    now = utcnow()
    values = [
        {
            "campaign_id": request.campaign_id,
            "package_id": package_id,
            "beneficiary_id": pid,
            "ward_id": batch.ward_id,
            "amount": amount,
            "status": "planned",
            "version": 1,
            "import_batch_id": batch.id,
            "created_at": now,
            "updated_at": now,
        }
        for (package_id, pid), (_row, amount) in wanted.items()
        if (package_id, pid) not in existing
    ]
    if values:
        bulk_insert(session, Allocation.__table__, values)
    return len(values)


# --- batches -------------------------------------------------------------------------------------


def list_batches(session: Session, scope: Scope, limit: int = 50) -> list[ImportBatch]:
    """Recent import batches of the wards in scope, newest first."""
    return list(
        session.execute(
            select(ImportBatch)
            .where(scope.ward_clause(ImportBatch.ward_id))
            .order_by(ImportBatch.id.desc())
            .limit(limit)
        ).scalars()
    )


def undo_batch(session: Session, scope: Scope, batch_id: int) -> dict[str, int]:
    """Remove what a batch created and restore what it changed, if nobody touched those rows since."""
    batch = session.execute(
        select(ImportBatch).where(ImportBatch.id == batch_id, scope.ward_clause(ImportBatch.ward_id))
    ).scalar_one_or_none()
    if batch is None:
        raise ValueError("Không tìm thấy lần nhập này (hoặc bạn không có quyền).")
    scope.require_ward(batch.ward_id)
    if batch.status != "committed":
        raise ValueError("Lần nhập này đã được hoàn tác trước đó.")
    if _touched_since(session, batch.id, "beneficiary") or _touched_since(session, batch.id, "allocation"):
        raise ValueError("Không thể hoàn tác: một số dòng của lần nhập này đã được sửa hoặc phát quà sau đó.")
    allocations = session.execute(
        Allocation.__table__.delete().where(Allocation.__table__.c.import_batch_id == batch.id)
    ).rowcount
    created = list(
        session.execute(select(Beneficiary.id).where(Beneficiary.import_batch_id == batch.id)).scalars()
    )
    for chunk in _chunks(created):
        session.execute(
            BeneficiaryCategory.__table__.delete().where(BeneficiaryCategory.beneficiary_id.in_(chunk))
        )
        session.execute(Beneficiary.__table__.delete().where(Beneficiary.__table__.c.id.in_(chunk)))
    restored = _restore_updates(session, batch.id)
    batch.status = "undone"
    session.add(batch)
    session.flush()
    return {
        "beneficiaries_removed": len(created),
        "beneficiaries_restored": restored,
        "allocations_removed": allocations,
    }


def _touched_since(session: Session, batch_id: int, table: str) -> bool:
    """Whether any row of ``table`` written by the batch has been changed by someone since."""
    model = {"beneficiary": Beneficiary, "allocation": Allocation}[table]
    updated = select(AuditEvent.row_id).where(AuditEvent.batch_id == batch_id, AuditEvent.table_name == table)
    created = select(model.id).where(model.import_batch_id == batch_id)
    batch_rows = updated.union(created)
    last_batch_event = (
        select(func.max(AuditEvent.id)).where(AuditEvent.batch_id == batch_id).scalar_subquery()
    )
    later = session.execute(
        select(func.count())
        .select_from(AuditEvent)
        .where(
            AuditEvent.table_name == table,
            AuditEvent.id > last_batch_event,
            AuditEvent.row_id.in_(batch_rows),
        )
    ).scalar_one()
    return later > 0


def _from_text(field_name: str, text: str | None):
    """Turn an audit event's text back into the column's value."""
    if text is None:
        return None
    if field_name == "birth_date":
        return date.fromisoformat(text)
    if field_name == "birth_year":
        return int(text)
    return text


def _restore_updates(session: Session, batch_id: int) -> int:
    events = session.execute(
        select(AuditEvent.row_id, AuditEvent.field, AuditEvent.old).where(
            AuditEvent.batch_id == batch_id,
            AuditEvent.action == "update",
            AuditEvent.table_name == "beneficiary",
        )
    ).all()
    by_person: dict[int, dict] = {}
    for row_id, field_name, old in events:
        by_person.setdefault(row_id, {})[field_name] = old
    for person_id, changes in by_person.items():
        session.execute(
            update(Beneficiary)
            .where(Beneficiary.id == person_id)
            .values({f: _from_text(f, v) for f, v in changes.items()} | {"version": Beneficiary.version + 1})
        )
    return len(by_person)
