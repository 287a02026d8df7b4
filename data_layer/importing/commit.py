"""Commit an import: write every row the preview accepted, in the caller's transaction.

Nothing from the preview is trusted that may have changed since: people are matched again inside
the transaction (the write path runs one writer at a time), so two imports of the same file at
once cannot create anyone twice, and a person deleted since the preview is simply created again.
New people are inserted in bulk, people already in the ward are updated (audited per field), a gift
list adds one allocation per person to the package of the chosen campaign/source/amount, never twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from operator import attrgetter

from sqlalchemy import bindparam, select, update
from sqlmodel import Session

from data_layer.allowance import register_import
from data_layer.core import audit
from data_layer.core.access import Scope
from data_layer.core.bulk import bulk_work
from data_layer.core.codes import Action, AllocationStatus, PersonStatus
from data_layer.core.db import bulk_insert, insert_columns, one_of
from data_layer.core.errors import Conflict
from data_layer.core.models import (
    Allocation,
    AuditEvent,
    Beneficiary,
    BeneficiaryCategory,
    ImportBatch,
    Package,
    utcnow,
)
from data_layer.importing.categories import remember_aliases
from data_layer.importing.matching import WardPeople
from data_layer.importing.preview import (
    ImportPreview,
    Progress,
    previous_batch,
    source_ids_by_text,
    ward_in_scope,
)
from data_layer.importing.rows import ParsedRow
from data_layer.registry.fields import IMPORTED
from data_layer.vn.formatting import format_money
from data_layer.vn.text import fold


@dataclass
class ImportResult:
    batch_id: int
    counts: dict


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
        remember_aliases(session, request.category_map)
    report(0.1, "Đang ghi đối tượng mới…")
    person_of = _insert_new_people(session, batch, [r for r in accepted if r.row not in matches])
    report(0.5, "Đang cập nhật đối tượng đã có…")
    _update_matched_people(session, scope, batch, [r for r in accepted if r.row in matches], matches)
    person_of.update(matches)
    _add_categories(session, preview.category_ids, person_of, set(matches.values()))
    report(0.8, "Đang ghi suất quà…")
    allocations = _add_allocations(session, batch, preview, person_of) if request.campaign_id else 0
    entitlements = register_import.apply(session, scope, batch.id, accepted, preview.register, person_of)
    batch.beneficiaries_created = len(accepted) - len(matches)
    batch.beneficiaries_matched = len(matches)
    batch.allocations_created = allocations
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
    counts = preview.summary() | {
        "beneficiaries_created": batch.beneficiaries_created,
        "beneficiaries_matched": batch.beneficiaries_matched,
        "allocations_created": allocations,
        **entitlements,
    }
    return ImportResult(batch_id=batch.id, counts=counts)


def _new_batch(session: Session, scope: Scope, preview: ImportPreview) -> ImportBatch:
    request, accepted = preview.request, preview.accepted
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
    return batch


def _insert_new_people(session: Session, batch: ImportBatch, rows: list[ParsedRow]) -> dict[int, int]:
    """Insert the new people in one COPY/executemany; Excel row → their id (ids come from one
    sequence/rowid in statement order, so they follow the rows)."""
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


def _package_for(session: Session, campaign_id: int, source_id: int, amount: int, cache: dict) -> int:
    """The campaign's package of this source and amount, created (named by its amount) if missing."""
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
                label=f"Mức {format_money(amount)}",
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
    by_text = source_ids_by_text(session)
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
            "status": AllocationStatus.PLANNED,
            "version": 1,
            "import_batch_id": batch.id,
            "created_at": now,
            "updated_at": now,
        }
        for (package_id, pid), (_row, amount) in wanted.items()
        if (package_id, pid) not in existing
    ]
    bulk_insert(session, Allocation.__table__, values)
    return len(values)
