"""Wards (communes, wards, towns): the units a person, a list and a ward account belong to.

Today a flat list under the city; the administrative-unit tree (province → commune → hamlet) grows here.
"""

from __future__ import annotations

from sqlmodel import Session, select

from data_layer.core import audit
from data_layer.core.access import Scope
from data_layer.core.codes import Action
from data_layer.core.errors import NotFound
from data_layer.core.models import Ward
from data_layer.registry.catalog import clean_code, clean_name
from data_layer.vn.text import normalize_text


def add_ward(session: Session, scope: Scope, code: str, name: str, parent_unit: str | None = None) -> Ward:
    """Create a ward, or return the existing one with the same code (idempotent on CODE)."""
    scope.require_admin()
    code = clean_code(code)
    existing = session.exec(select(Ward).where(Ward.code == code)).first()
    if existing:
        return existing
    ward = Ward(code=code, name=clean_name(name), parent_unit=normalize_text(parent_unit))
    session.add(ward)
    session.flush()
    audit.record(
        session, scope, table="ward", row_id=ward.id, action=Action.INSERT, ward_id=ward.id, new=ward.name
    )
    return ward


def list_wards(session: Session, scope: Scope, *, include_inactive: bool = False) -> list[Ward]:
    """Wards the scope may see, by code."""
    query = select(Ward).where(scope.ward_clause(Ward.id)).order_by(Ward.code)
    if not include_inactive:
        query = query.where(Ward.active)
    return list(session.exec(query).all())


def get_ward_by_code(session: Session, scope: Scope, code: str) -> Ward:
    """The ward with this code, if the scope may see it (else a Vietnamese error)."""
    ward = session.exec(
        select(Ward).where(Ward.code == (code or "").strip().upper(), scope.ward_clause(Ward.id))
    ).first()
    if ward is None:
        raise NotFound(
            f"Không tìm thấy phường/xã có mã '{code}' (hoặc bạn không có quyền với phường/xã này)."
        )
    return ward
