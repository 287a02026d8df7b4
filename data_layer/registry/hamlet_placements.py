"""Where the hamlets of a split old commune went: asked once per old commune and hamlet when an old
list is imported, remembered for later lists, editable by an admin."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session

from data_layer.core import audit
from data_layer.core.access import Scope
from data_layer.core.codes import Action
from data_layer.core.errors import Invalid
from data_layer.core.models import AdminUnit, HamletPlacement, User, utcnow
from data_layer.registry.unit_catalog import NEW, OLD, successors_of
from data_layer.vn.collation import hamlet_key as hamlet_order
from data_layer.vn.collation import text_key
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


def choices_of(session: Session, old_unit_code: str) -> tuple[tuple[str, str], ...]:
    """Today's units (code, name) the old commune(s) of this code went into, by code."""
    names = session.execute(
        select(AdminUnit.name).where(AdminUnit.era == OLD, AdminUnit.code == old_unit_code)
    ).scalars()
    found = {code: name for old in names for code, name, _all in successors_of(session, old_unit_code, old)}
    return tuple(sorted(found.items()))


def place_hamlet(session: Session, scope: Scope, old_unit_code: str, hamlet: str, new_unit_code: str) -> None:
    """Record (or change) where a hamlet of an old commune went. A first answer comes with an import
    by anyone who may write; changing a remembered answer is an admin's."""
    scope.require_write()
    allowed = dict(choices_of(session, old_unit_code))
    if allowed and new_unit_code not in allowed:
        raise Invalid(
            f"Đơn vị {new_unit_code} không nằm trong các đơn vị mà đơn vị cũ {old_unit_code} đã nhập vào "
            f"({', '.join(allowed.values())})."
        )
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


@dataclass(frozen=True)
class PlacementRow:
    """A remembered answer as an admin reviews it: the old commune and hamlet, today's unit it went to,
    the units it may go to (the old commune's successors), who answered and when."""

    old_unit_code: str
    old_unit: str  # the old commune's name in the catalogue (its code when the catalogue lacks it)
    hamlet: str
    new_unit_code: str
    new_unit: str
    choices: tuple[tuple[str, str], ...]  # (code, name) of today's units the old commune went into
    decided_by: str
    decided_at: datetime


def list_placements(session: Session, scope: Scope) -> list[PlacementRow]:
    """Every remembered answer (admins only), by old commune then hamlet."""
    scope.require_admin()
    rows = session.execute(
        select(HamletPlacement, User.name).join(User, User.id == HamletPlacement.decided_by, isouter=True)
    ).all()
    codes = {p.old_unit_code for p, _ in rows} | {p.new_unit_code for p, _ in rows}
    units = session.execute(
        select(AdminUnit.era, AdminUnit.code, AdminUnit.name).where(AdminUnit.code.in_(sorted(codes)))
    ).all()
    old_names: dict[str, str] = {}
    new_names: dict[str, str] = {}
    for era, code, name in sorted(units):
        (old_names if era == OLD else new_names if era == NEW else {}).setdefault(code, name)
    choices = {code: choices_of(session, code) for code in old_names}
    found = [
        PlacementRow(
            old_unit_code=p.old_unit_code,
            old_unit=old_names.get(p.old_unit_code, p.old_unit_code),
            hamlet=p.hamlet,
            new_unit_code=p.new_unit_code,
            new_unit=new_names.get(p.new_unit_code, p.new_unit_code),
            choices=choices.get(p.old_unit_code, ()),
            decided_by=who or "",
            decided_at=p.decided_at,
        )
        for p, who in rows
    ]
    return sorted(found, key=lambda r: (text_key(r.old_unit), r.old_unit_code, hamlet_order(r.hamlet)))
