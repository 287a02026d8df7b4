"""Hamlets (thôn, tổ dân phố) as units under their ward: created from the Thôn/Tổ column of imports,
matched by folded name ("Khối 1", "khối  1", "KHOI 1" are one hamlet), merged by an admin when two
spellings mean one hamlet (people move to the kept spelling, audited; later lists follow)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from sqlalchemy import func, select, update
from sqlmodel import Session

from data_layer.core import audit
from data_layer.core.access import Scope
from data_layer.core.codes import Action
from data_layer.core.errors import Invalid, NotFound
from data_layer.core.models import Beneficiary, Hamlet, utcnow
from data_layer.vn.text import fold, normalize_text


def ensure_hamlets(session: Session, ward_id: int, names: Iterable[str | None]) -> None:
    """Create the ward's hamlets that ``names`` spell and the ward does not know yet."""
    known = set(session.execute(select(Hamlet.name_key).where(Hamlet.ward_id == ward_id)).scalars())
    for name in names:
        clean = normalize_text(name)
        if clean and (key := fold(clean)) not in known:
            session.add(Hamlet(ward_id=ward_id, name=clean, name_key=key))
            known.add(key)
    session.flush()


def canonical_names(session: Session, ward_id: int) -> dict[str, str]:
    """Folded spelling of a merged hamlet → the name of the hamlet it was merged into."""
    kept = Hamlet.__table__.alias("kept")
    rows = session.execute(
        select(Hamlet.name_key, kept.c.name)
        .join(kept, kept.c.id == Hamlet.merged_into_id)
        .where(Hamlet.ward_id == ward_id)
    ).all()
    return dict(rows)


NO_HAMLET = "Chưa ghi thôn/tổ"


def hamlet_namer(session: Session, ward_id: int) -> Callable[[str | None], str]:
    """How a spelling of the ward's Thôn/Tổ column is shown when figures group by hamlet: the name of
    its hamlet unit (the kept one when it was merged), "Chưa ghi thôn/tổ" for people without one. A
    spelling no hamlet unit knows (people written outside an import) is shown as the first of its
    spellings in the registry, so all of them still count as one hamlet."""
    kept = Hamlet.__table__.alias("kept")
    names = dict(
        session.execute(
            select(Hamlet.name_key, func.coalesce(kept.c.name, Hamlet.name))
            .join(kept, kept.c.id == Hamlet.merged_into_id, isouter=True)
            .where(Hamlet.ward_id == ward_id)
        ).all()
    )
    for spelling in session.execute(
        select(Beneficiary.hamlet)
        .where(Beneficiary.ward_id == ward_id, Beneficiary.hamlet.is_not(None))
        .distinct()
        .order_by(Beneficiary.hamlet)
    ).scalars():
        if clean := normalize_text(spelling):
            names.setdefault(fold(clean), clean)

    def name_of(spelling: str | None) -> str:
        clean = normalize_text(spelling)
        if not clean:
            return NO_HAMLET
        return names.get(fold(clean), clean)

    return name_of


def list_hamlets(session: Session, scope: Scope, ward_id: int) -> list[tuple[Hamlet, int]]:
    """The ward's hamlets (merged spellings left out) with their number of people, by name."""
    if not scope.may_see_ward(ward_id):
        return []
    counts: dict[str, int] = {}
    for hamlet, count in session.execute(
        select(Beneficiary.hamlet, func.count())
        .where(Beneficiary.ward_id == ward_id)
        .group_by(Beneficiary.hamlet)
    ).all():
        key = fold(hamlet)
        counts[key] = counts.get(key, 0) + count
    hamlets = session.execute(
        select(Hamlet).where(Hamlet.ward_id == ward_id, Hamlet.merged_into_id.is_(None)).order_by(Hamlet.name)
    ).scalars()
    return [(h, counts.get(h.name_key, 0)) for h in hamlets]


def merge_hamlets(session: Session, scope: Scope, ward_id: int, keep: str, merged: str) -> int:
    """Merge the spelling ``merged`` into the hamlet ``keep`` of the ward (admins only): its people get
    the kept name (versioned, audited), and later lists spelled that way follow. Returns people moved."""
    scope.require_admin()
    rows = {h.name_key: h for h in session.execute(select(Hamlet).where(Hamlet.ward_id == ward_id)).scalars()}
    kept, gone = rows.get(fold(keep)), rows.get(fold(merged))
    if kept is None or gone is None:
        raise NotFound(f"Không tìm thấy thôn/tổ '{keep if kept is None else merged}' trong phường/xã này.")
    if kept.id == gone.id or kept.merged_into_id is not None:
        raise Invalid("Chọn hai thôn/tổ khác nhau, giữ lại thôn/tổ chưa bị gộp.")
    people = session.execute(
        select(Beneficiary.id, Beneficiary.hamlet).where(Beneficiary.ward_id == ward_id)
    ).all()
    moved = [(pid, old) for pid, old in people if fold(old) == gone.name_key]
    for pid, old in moved:
        session.execute(
            update(Beneficiary)
            .where(Beneficiary.id == pid)
            .values(hamlet=kept.name, version=Beneficiary.version + 1, updated_at=utcnow())
        )
        audit.record(
            session,
            scope,
            table="beneficiary",
            row_id=pid,
            action=Action.UPDATE,
            ward_id=ward_id,
            field="hamlet",
            old=old,
            new=kept.name,
        )
    for alias in [h for h in rows.values() if h.merged_into_id == gone.id]:
        alias.merged_into_id = kept.id
        session.add(alias)
    gone.merged_into_id = kept.id
    session.add(gone)
    audit.record(
        session,
        scope,
        table="hamlet",
        row_id=gone.id,
        action=Action.UPDATE,
        ward_id=ward_id,
        field="merged_into_id",
        old=gone.name,
        new=kept.name,
    )
    session.flush()
    return len(moved)
