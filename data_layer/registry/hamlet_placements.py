"""Where the hamlets of a split old commune went: asked once per old commune and hamlet when an old
list is imported, remembered for later lists, editable by an admin."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session

from data_layer.core import audit
from data_layer.core.access import Scope
from data_layer.core.codes import Action
from data_layer.core.models import HamletPlacement, utcnow
from data_layer.vn.text import fold, normalize_text


def hamlet_key(hamlet: str | None) -> str:
    """One key for the spellings of a hamlet ("Tổ 3", "tổ  3", "TO 3")."""
    return fold(hamlet)


def placements(session: Session, old_unit_code: str) -> dict[str, str]:
    """Remembered answers for an old commune: hamlet key → today's unit code."""
    rows = session.execute(
        select(HamletPlacement.hamlet_key, HamletPlacement.new_unit_code).where(
            HamletPlacement.old_unit_code == old_unit_code
        )
    ).all()
    return dict(rows)


def place_hamlet(session: Session, scope: Scope, old_unit_code: str, hamlet: str, new_unit_code: str) -> None:
    """Record (or change) where a hamlet of an old commune went. A first answer comes with an import
    by anyone who may write; changing a remembered answer is an admin's."""
    scope.require_write()
    key = hamlet_key(hamlet)
    found = session.execute(
        select(HamletPlacement).where(
            HamletPlacement.old_unit_code == old_unit_code, HamletPlacement.hamlet_key == key
        )
    ).scalar_one_or_none()
    if found is not None and found.new_unit_code == new_unit_code:
        return
    if found is not None:
        scope.require_admin()
        old = found.new_unit_code
        found.new_unit_code, found.decided_by, found.decided_at = new_unit_code, scope.user_id, utcnow()
    else:
        old = None
        found = HamletPlacement(
            old_unit_code=old_unit_code,
            hamlet_key=key,
            hamlet=normalize_text(hamlet) or key,
            new_unit_code=new_unit_code,
            decided_by=scope.user_id,
        )
    session.add(found)
    session.flush()
    audit.record(
        session,
        scope,
        table="hamletplacement",
        row_id=found.id,
        action=Action.UPDATE if old else Action.INSERT,
        field="new_unit_code",
        old=old,
        new=f"{old_unit_code}/{found.hamlet} → {new_unit_code}",
    )
