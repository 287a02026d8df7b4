"""Commit an import: write every row the preview accepted, in the caller's transaction.

Nothing from the preview is trusted that may have changed since: people are matched again inside
the transaction (the write path runs one writer at a time), so two imports of the same file at
once cannot create anyone twice, and a person deleted since the preview is simply created again.
New people are inserted in bulk, people already in the ward are updated (audited per field); then the
list's kind writes what the list means to its domain (a gift list's gifts, a register's allowances).
"""

from __future__ import annotations

from dataclasses import dataclass
from operator import attrgetter

from sqlalchemy import bindparam, select, update
from sqlmodel import Session

from data_layer.core import audit
from data_layer.core.access import Scope
from data_layer.core.bulk import bulk_work
from data_layer.core.codes import Action, PersonStatus
from data_layer.core.db import bulk_insert, insert_columns, one_of
from data_layer.core.errors import Conflict
from data_layer.core.models import AuditEvent, Beneficiary, BeneficiaryCategory, ImportBatch, utcnow
from data_layer.importing.categories import remember_aliases
from data_layer.importing.kinds import Counts
from data_layer.importing.matching import WardPeople
from data_layer.importing.preview import ImportPreview, Progress, previous_batch, ward_in_scope
from data_layer.importing.rows import ParsedRow
from data_layer.registry.fields import IMPORTED
from data_layer.registry.hamlet_placements import place_hamlet
from data_layer.registry.hamlets import canonical_names, ensure_hamlets
from data_layer.vn.text import fold


@dataclass
class ImportResult:
    batch_id: int
    counts: Counts


@bulk_work()
def commit_import(
    session: Session,
    scope: Scope,
    preview: ImportPreview,
    progress: Progress | None = None,
    *,
    repeat_ok: bool = False,
) -> ImportResult:
    """Write every accepted row of the preview and record the batch. A file already committed to
    the ward is refused unless ``repeat_ok`` (the user confirmed: matching makes it harmless)."""
    report = progress or (lambda _f, _m: None)
    request = preview.request
    ward_in_scope(session, scope, request.ward_id)
    if not repeat_ok and (earlier := previous_batch(session, request)):
        raise Conflict(
            f"Tệp này đã được nhập vào phường/xã này (lần nhập số {earlier.id}). "
            "Xác nhận nhập lại nếu thật sự muốn: người đã có sẽ chỉ được cập nhật, không tạo trùng."
        )
    accepted = preview.accepted
    matches = WardPeople.load(session, request.ward_id).matches(accepted)
    batch = _new_batch(session, scope, preview)
    if request.category_map:
        remember_aliases(session, scope, request.category_map, batch.id)
    report(0.1, "Đang ghi đối tượng mới…")
    old_unit = preview.era.old_unit if preview.era else None
    if old_unit and preview.era.split:  # the user's answers, remembered for the next lists
        for hamlet, code in request.hamlet_units.items():
            place_hamlet(session, scope, old_unit[0], hamlet, code)
    spelled = canonical_names(session, batch.ward_id)  # a merged hamlet's spelling → the kept name
    for row in accepted:
        row.hamlet = spelled.get(fold(row.hamlet), row.hamlet)
    new_rows = [r for r in accepted if r.row not in matches]
    person_of = _insert_new_people(session, batch, new_rows, preview.old_units)
    report(0.5, "Đang cập nhật đối tượng đã có…")
    _update_matched_people(session, scope, batch, [r for r in accepted if r.row in matches], matches)
    person_of.update(matches)
    _add_categories(session, preview.category_ids, person_of, set(matches.values()))
    report(0.8, "Đang hoàn tất…")
    kind_counts = {}
    if request.kind is not None:
        kind_counts = request.kind.write(session, scope, batch, accepted, preview.checked, person_of)
    # the hamlets as units; a new hamlet is named by its first spelling in the list
    ensure_hamlets(session, batch.ward_id, dict.fromkeys(r.hamlet for r in accepted))
    batch.beneficiaries_created = len(accepted) - len(matches)
    batch.beneficiaries_matched = len(matches)
    session.add(batch)
    # New rows carry import_batch_id; this event (the last of the batch) anchors "changed since".
    audit.record(
        session,
        scope,
        table="importbatch",
        row_id=batch.id,
        action=Action.IMPORT,
        ward_id=batch.ward_id,
        new=f"{batch.file_name}: {batch.accepted} dòng",
        batch_id=batch.id,
    )
    session.flush()
    report(1.0, "Đã ghi xong.")
    counts = preview.summary()
    counts.update(
        beneficiaries_created=batch.beneficiaries_created,
        beneficiaries_matched=batch.beneficiaries_matched,
        **kind_counts,
    )
    return ImportResult(batch_id=batch.id, counts=counts)


def _new_batch(session: Session, scope: Scope, preview: ImportPreview) -> ImportBatch:
    request, accepted = preview.request, preview.accepted
    batch = ImportBatch(
        file_name=request.file_name[:300],
        sha256=request.sha256,
        user_id=scope.user_id,
        ward_id=request.ward_id,
        rows_read=len(preview.rows),
        accepted=len(accepted),
        rejected=len(preview.rows) - len(accepted),
        warnings=sum(1 for r in accepted if r.warnings),
    )
    session.add(batch)
    session.flush()
    return batch


def _insert_new_people(
    session: Session, batch: ImportBatch, rows: list[ParsedRow], old_units: dict[int, tuple[str, str]]
) -> dict[int, int]:
    """Insert the new people in one COPY/executemany (each with the old commune an old list names);
    Excel row → their id (ids come from one sequence/rowid in statement order, so they follow the rows)."""
    if not rows:
        return {}
    now = utcnow()
    columns = {f: list(map(attrgetter(f), rows)) for f in ("name", "name_key", *IMPORTED)}
    fixed = {
        "ward_id": batch.ward_id,
        "status": PersonStatus.ACTIVE,
        "version": 1,
        "import_batch_id": batch.id,
        "created_at": now,
        "updated_at": now,
    }
    if old_units:
        columns["old_unit_code"] = [old_units.get(r.row, (None, None))[0] for r in rows]
        columns["old_unit_name"] = [old_units.get(r.row, (None, None))[1] for r in rows]
    insert_columns(session, Beneficiary.__table__, columns | {k: [v] * len(rows) for k, v in fixed.items()})
    ids = session.execute(
        select(Beneficiary.id).where(Beneficiary.import_batch_id == batch.id).order_by(Beneficiary.id)
    ).scalars()
    return {r.row: pid for r, pid in zip(rows, ids, strict=True)}


def _update_matched_people(
    session: Session, scope: Scope, batch: ImportBatch, rows: list[ParsedRow], matches: dict[int, int]
) -> None:
    if not rows:
        return
    ids = [matches[r.row] for r in rows]
    current = {
        p.id: p
        for p in session.execute(select(Beneficiary).where(one_of(session, Beneficiary.id, ids))).scalars()
    }
    now = utcnow()
    updates, events = [], []
    for row in rows:
        person = current[matches[row.row]]
        changes = {
            f: getattr(row, f)
            for f in IMPORTED
            if getattr(row, f) is not None and getattr(row, f) != getattr(person, f)
        }
        if not changes:
            continue
        updates.append(
            {
                "pid": person.id,
                **{f: getattr(person, f) for f in IMPORTED},
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
                "action": Action.UPDATE,
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
            .values({f: bindparam(f) for f in (*IMPORTED, "version", "updated_at")}),
            updates,
        )
        bulk_insert(session, AuditEvent.__table__, events)


def _add_categories(
    session: Session, category_ids: dict[int, list[int]], person_of: dict[int, int], matched: set[int]
) -> None:
    """Link every person to the groups of their row; only people already in the ward (``matched``)
    can have links before the import."""
    wanted = {(person_of[row], cid) for row, cids in category_ids.items() if row in person_of for cid in cids}
    if not wanted:
        return
    have = set(
        session.execute(
            select(BeneficiaryCategory.beneficiary_id, BeneficiaryCategory.category_id).where(
                one_of(session, BeneficiaryCategory.beneficiary_id, sorted(matched))
            )
        ).tuples()
    )
    if missing := sorted(wanted - have):
        links = [{"beneficiary_id": p, "category_id": c} for p, c in missing]
        bulk_insert(session, BeneficiaryCategory.__table__, links)
