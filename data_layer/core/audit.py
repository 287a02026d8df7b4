"""Audit trail: every insert, update and delete leaves an AuditEvent."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlmodel import Session

from data_layer.core.access import Scope
from data_layer.core.models import AuditEvent


def as_text(value: Any) -> str | None:
    """How a value is written into an audit event's old/new text."""
    if value is None:
        return None
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


def record(
    session: Session,
    scope: Scope,
    *,
    table: str,
    row_id: int | None,
    action: str,
    ward_id: int | None = None,
    field: str | None = None,
    old: Any = None,
    new: Any = None,
    batch_id: int | None = None,
) -> None:
    """Add one audit event to the session (written with the change it describes)."""
    session.add(
        AuditEvent(
            user_id=scope.user_id,
            table_name=table,
            row_id=row_id,
            ward_id=ward_id,
            action=action,
            field=field,
            old=as_text(old),
            new=as_text(new),
            batch_id=batch_id,
        )
    )
