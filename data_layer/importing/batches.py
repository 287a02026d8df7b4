"""Import batches: the list of recent imports, and undoing one while nobody has touched its rows."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import func, select, update
from sqlmodel import Session

from data_layer.core import audit
from data_layer.core.access import Scope
from data_layer.core.codes import Action, BatchStatus
from data_layer.core.db import one_of
from data_layer.core.errors import Conflict, NotFound
from data_layer.core.models import AuditEvent, Beneficiary, BeneficiaryCategory, ImportBatch
from data_layer.importing.kinds import ListKind


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


def undo_batch(
    session: Session, scope: Scope, batch_id: int, kinds: Iterable[type[ListKind]]
) -> dict[str, int]:
    """Remove what a batch created and restore what it changed, if nobody touched those rows since.
    ``kinds``: every kind of list the batch may be; each removes what it wrote (audited as one event)."""
    batch = session.execute(
        select(ImportBatch).where(ImportBatch.id == batch_id, scope.ward_clause(ImportBatch.ward_id))
    ).scalar_one_or_none()
    if batch is None:
        raise NotFound("Không tìm thấy lần nhập này (hoặc bạn không có quyền).")
    scope.require_ward(batch.ward_id)
    if batch.status != BatchStatus.COMMITTED:
        raise Conflict("Lần nhập này đã được hoàn tác trước đó.")
    refuse_if_touched(session, batch.id, Beneficiary)
    undone = [kind.undo(session, batch) for kind in kinds]
    created = list(
        session.execute(select(Beneficiary.id).where(Beneficiary.import_batch_id == batch.id)).scalars()
    )
    session.execute(
        BeneficiaryCategory.__table__.delete().where(
            one_of(session, BeneficiaryCategory.beneficiary_id, created)
        )
    )
    session.execute(
        Beneficiary.__table__.delete().where(one_of(session, Beneficiary.__table__.c.id, created))
    )
    restored = _restore_updates(session, batch.id)
    batch.status = BatchStatus.UNDONE
    session.add(batch)
    counts = {"beneficiaries_removed": len(created), "beneficiaries_restored": restored}
    for kind in undone:
        counts |= kind.counts
    audit.record(
        session,
        scope,
        table="importbatch",
        row_id=batch.id,
        action=Action.UNDO_IMPORT,
        ward_id=batch.ward_id,
        old=f"{batch.file_name}: bỏ {len(created)} người mới, khôi phục {restored} người"
        + "".join(f", {kind.words}" for kind in undone if kind.words),
    )
    session.flush()
    return counts


def refuse_if_touched(session: Session, batch_id: int, model) -> None:
    """Refuse the undo when someone has changed a row of ``model`` the batch wrote since."""
    if _touched_since(session, batch_id, model):
        raise Conflict("Không thể hoàn tác: một số dòng của lần nhập này đã được sửa hoặc phát quà sau đó.")


def _touched_since(session: Session, batch_id: int, model) -> bool:
    """Whether any row of ``model`` written by the batch has been changed by someone since."""
    table = model.__tablename__
    updated = select(AuditEvent.row_id).where(AuditEvent.batch_id == batch_id, AuditEvent.table_name == table)
    created = select(model.id).where(model.import_batch_id == batch_id)
    last_batch_event = (
        select(func.max(AuditEvent.id)).where(AuditEvent.batch_id == batch_id).scalar_subquery()
    )
    later = session.execute(
        select(func.count())
        .select_from(AuditEvent)
        .where(
            AuditEvent.table_name == table,
            AuditEvent.id > last_batch_event,
            AuditEvent.row_id.in_(updated.union(created)),
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
            AuditEvent.action == Action.UPDATE,
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
