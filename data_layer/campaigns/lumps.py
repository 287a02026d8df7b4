"""Lump gifts: un-named gifts an association reports only as totals (count, money) per ward."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlmodel import Session

from data_layer.campaigns.approval import require_open
from data_layer.campaigns.setup import campaign_or_missing
from data_layer.core import audit
from data_layer.core.access import Scope
from data_layer.core.codes import Action
from data_layer.core.errors import Invalid, NotFound
from data_layer.core.models import FundingSource, LumpGift, Ward
from data_layer.vn.collation import text_order
from data_layer.vn.formatting import format_money
from data_layer.vn.text import normalize_text


@dataclass
class LumpRow:
    id: int
    ward: str
    source: str  # funding source name
    count: int
    amount: int
    note: str | None


def add_lump(
    session: Session,
    scope: Scope,
    *,
    campaign_id: int,
    ward_id: int,
    source_id: int,
    count: int,
    amount: int,
    note: str | None = None,
) -> LumpGift:
    """Record un-named gifts reported as totals (count, money) by an association."""
    scope.require_ward(ward_id)
    if session.get(Ward, ward_id) is None:
        raise NotFound("Không tìm thấy phường/xã.")
    campaign_or_missing(session, campaign_id)
    require_open(session, campaign_id, ward_id)
    if session.get(FundingSource, source_id) is None:
        raise NotFound("Không tìm thấy nguồn kinh phí.")
    if count <= 0:
        raise Invalid("Số suất phải lớn hơn 0.")
    if amount < 0:
        raise Invalid("Số tiền không được âm.")
    lump = LumpGift(
        campaign_id=campaign_id,
        ward_id=ward_id,
        source_id=source_id,
        count=count,
        amount=amount,
        note=normalize_text(note),
        created_by=scope.user_id,
    )
    session.add(lump)
    session.flush()
    audit.record(
        session,
        scope,
        table="lumpgift",
        row_id=lump.id,
        action=Action.INSERT,
        ward_id=ward_id,
        new=f"{count} suất = {format_money(amount)}",
    )
    return lump


def list_lumps(session: Session, scope: Scope, campaign_id: int) -> list[LumpRow]:
    """The campaign's lump gifts in the scope, by ward."""
    rows = session.execute(
        select(LumpGift, Ward.name, FundingSource.name)
        .join(Ward, Ward.id == LumpGift.ward_id)
        .join(FundingSource, FundingSource.id == LumpGift.source_id)
        .where(LumpGift.campaign_id == campaign_id, scope.ward_clause(LumpGift.ward_id))
        .order_by(*text_order(Ward.name), LumpGift.id)
    )
    return [LumpRow(g.id, w, s, g.count, g.amount, g.note) for g, w, s in rows]
