"""Wards: the commune-level units (phường, xã, đặc khu) a person, a list and a ward account belong to.

A ward has a local code (what the office typed: "DK") and, when it is one of today's communes in the
catalogue, its official code and province: ``ansinh ward add 06811 "Phường Uông Bí"`` takes both from
the catalogue, and every ``--ward CODE`` accepts the local code or the official one. A province officer's
wards are the province's (``province_ward_ids``).
"""

from __future__ import annotations

from sqlalchemy import case, or_
from sqlmodel import Session, select

from data_layer.core import audit
from data_layer.core.access import Scope
from data_layer.core.codes import Action
from data_layer.core.errors import NotFound
from data_layer.core.models import AdminUnit, Ward
from data_layer.registry.catalog import clean_code, clean_name
from data_layer.vn.text import normalize_text


def add_ward(session: Session, scope: Scope, code: str, name: str, parent_unit: str | None = None) -> Ward:
    """Create a ward, or return the existing one with the same code (idempotent on CODE, local or
    official). A CODE that is one of today's official commune codes gives the ward that code and its
    province; any other CODE is a local code."""
    scope.require_admin()
    code = clean_code(code)
    existing = session.exec(select(Ward).where(or_(Ward.code == code, Ward.official_code == code))).first()
    if existing:
        return existing
    official = (
        session.exec(select(AdminUnit).where(AdminUnit.era == "new", AdminUnit.code == code)).first()
        if code.isdigit()
        else None
    )
    ward = Ward(
        code=code,
        name=clean_name(name),
        parent_unit=normalize_text(parent_unit),
        official_code=official.code if official else None,
        province_code=official.province_code if official else None,
    )
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
    """The ward with this local or official code, if the scope may see it (else a Vietnamese error).
    A local code wins over another ward's equal official code."""
    code = (code or "").strip().upper()
    ward = session.exec(
        select(Ward)
        .where(or_(Ward.code == code, Ward.official_code == code), scope.ward_clause(Ward.id))
        .order_by(case((Ward.code == code, 0), else_=1))
    ).first()
    if ward is None:
        raise NotFound(
            f"Không tìm thấy phường/xã có mã '{code}' (hoặc bạn không có quyền với phường/xã này)."
        )
    return ward


def province_ward_ids(session: Session, province_code: str) -> frozenset[int]:
    """The wards of a province (by official province code): a province officer's scope."""
    return frozenset(session.exec(select(Ward.id).where(Ward.province_code == province_code)).all())
