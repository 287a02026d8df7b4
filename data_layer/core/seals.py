"""Tamper evidence: a hash chain over what must never change, and its verification.

A link (``Seal``) is written in the transaction that makes a thing final: a payroll month locked, a
ward report signed (a campaign's or a relief round's), an approval event recorded, a ward's
health-insurance list sent. It holds the hash of the thing's content (the month with every line; the
report; the event; the list with every line) and its own hash over the previous link's hash, its kind,
its row and that content hash, so a link cannot be altered, removed or reordered without breaking the
ones after it.

The lock triggers (``core.locks``) refuse every change; ``verify`` shows one made behind them by
someone who can disable triggers (a database owner or superuser): it recomputes every content and
link and names the first that does not match, and anything final that has no link. Each verification
is recorded (``SealCheck``) for the *Quản trị* page.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlmodel import Session

from data_layer.core.codes import PayrollStatus, SealKind
from data_layer.core.models import (
    ApprovalEvent,
    BhytLine,
    BhytList,
    Payroll,
    PayrollLine,
    ReliefSignOff,
    Seal,
    SealCheck,
    WardReport,
    utcnow,
)

GENESIS = "0" * 64
_LINE_COLUMNS = (
    PayrollLine.id,
    PayrollLine.beneficiary_id,
    PayrollLine.entitlement_id,
    PayrollLine.ward_id,
    PayrollLine.for_month,
    PayrollLine.kind,
    PayrollLine.amount,
    PayrollLine.group_id,
    PayrollLine.payment_method,
    PayrollLine.account_number,
    PayrollLine.bank_name,
)
_BHYT_LINE_COLUMNS = tuple(
    getattr(BhytLine, c)
    for c in (
        "id",
        "beneficiary_id",
        "ward_id",
        "section",
        "card_type",
        "from_month",
        "to_month",
        "premium",
        "name",
        "birth_date",
        "birth_year",
        "gender",
        "national_id",
        "social_insurance_no",
        "hamlet",
        "clinic",
        "note",
    )
)
KIND_NAMES = {
    SealKind.PAYROLL: "danh sách chi trả",
    SealKind.BHYT_LIST: "danh sách thẻ BHYT đã gửi",
    SealKind.WARD_REPORT: "báo cáo đã chốt",
    SealKind.APPROVAL: "sự kiện duyệt/mở khóa",
    SealKind.RELIEF_SIGN_OFF: "báo cáo cứu trợ gạo đã chốt",
}


def _canonical(value):
    """A stored value as both databases give it back alike (moments in UTC, dates as ISO text)."""
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
        return moment.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def _hash_rows(rows) -> str:
    digest = hashlib.sha256()
    for row in rows:
        digest.update(json.dumps([_canonical(v) for v in row], ensure_ascii=False).encode())
        digest.update(b"\n")
    return digest.hexdigest()


def content_hash(session: Session, kind: str, ref_id: int) -> str | None:
    """The hash of the sealed thing as the database holds it now; None when it is gone."""
    if kind == SealKind.PAYROLL:
        head = session.execute(
            select(Payroll.id, Payroll.month, Payroll.status, Payroll.locked_by).where(Payroll.id == ref_id)
        ).first()
        if head is None:
            return None
        lines = session.execute(
            select(*_LINE_COLUMNS).where(PayrollLine.payroll_id == ref_id).order_by(PayrollLine.id)
        )
        return _hash_rows([tuple(head), *lines])
    if kind == SealKind.BHYT_LIST:
        head = session.execute(
            select(BhytList.id, BhytList.ward_id, BhytList.month, BhytList.status, BhytList.locked_by).where(
                BhytList.id == ref_id
            )
        ).first()
        if head is None:
            return None
        lines = session.execute(
            select(*_BHYT_LINE_COLUMNS).where(BhytLine.list_id == ref_id).order_by(BhytLine.id)
        )
        return _hash_rows([tuple(head), *lines])
    model, columns = {
        SealKind.WARD_REPORT: (
            WardReport,
            (
                "id",
                "campaign_id",
                "ward_id",
                "report_day",
                "milestone_id",
                "figures",
                "signed_by",
                "signed_at",
            ),
        ),
        SealKind.APPROVAL: (
            ApprovalEvent,
            ("id", "campaign_id", "ward_id", "seq", "action", "at", "user_id", "reason"),
        ),
        SealKind.RELIEF_SIGN_OFF: (
            ReliefSignOff,
            ("id", "round_id", "ward_id", "report", "figures", "signed_by", "signed_at"),
        ),
    }[kind]
    row = session.execute(select(*(getattr(model, c) for c in columns)).where(model.id == ref_id)).first()
    return None if row is None else _hash_rows([tuple(row)])


def link_hash(prev_hash: str, kind: str, ref_id: int, content: str) -> str:
    return hashlib.sha256(f"{prev_hash}|{kind}|{ref_id}|{content}".encode()).hexdigest()


def seal(session: Session, kind: SealKind, ref_id: int) -> Seal:
    """Append the link of a thing just made final (flushed in this transaction)."""
    last = session.execute(select(Seal.link_hash).order_by(Seal.id.desc()).limit(1)).scalar_one_or_none()
    prev = last or GENESIS
    content = content_hash(session, kind, ref_id)
    link = Seal(
        kind=kind,
        ref_id=ref_id,
        content_hash=content,
        prev_hash=prev,
        link_hash=link_hash(prev, kind, ref_id, content),
    )
    session.add(link)
    session.flush()
    return link


@dataclass(frozen=True)
class Verification:
    """The outcome of ``verify``: every link checked, and the first problem (None: all match)."""

    links: int
    problem: str | None = None
    link_id: int | None = None  # the first link that does not match
    kind: str | None = None
    ref_id: int | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None

    def as_json(self) -> dict:
        return {
            "ok": self.ok,
            "links": self.links,
            "problem": self.problem,
            "link": self.link_id,
            "kind": self.kind,
            "ref_id": self.ref_id,
        }


def _name(kind: str, ref_id: int) -> str:
    return f"{KIND_NAMES.get(kind, kind)} số {ref_id}"


def _final_things(session: Session) -> list[tuple[SealKind, int]]:
    """Everything that must carry a link: locked payrolls, signed reports (campaigns' and relief
    rounds'), approval events, sent BHYT lists."""
    payrolls = select(Payroll.id).where(Payroll.status == PayrollStatus.LOCKED).order_by(Payroll.id)
    lists = select(BhytList.id).where(BhytList.status == PayrollStatus.LOCKED).order_by(BhytList.id)
    reports = select(WardReport.id).order_by(WardReport.id)
    events = select(ApprovalEvent.id).order_by(ApprovalEvent.id)
    relief = select(ReliefSignOff.id).order_by(ReliefSignOff.id)
    return [
        *((SealKind.PAYROLL, i) for i in session.execute(payrolls).scalars()),
        *((SealKind.WARD_REPORT, i) for i in session.execute(reports).scalars()),
        *((SealKind.APPROVAL, i) for i in session.execute(events).scalars()),
        *((SealKind.RELIEF_SIGN_OFF, i) for i in session.execute(relief).scalars()),
        *((SealKind.BHYT_LIST, i) for i in session.execute(lists).scalars()),
    ]


def start_chain(session: Session) -> int:
    """When the chain is empty (a database from before it existed), seal what is already final;
    returns how many links were written. Once the chain has a link, anything final without one is
    reported by ``verify`` instead."""
    if session.execute(select(Seal.id).limit(1)).first() is not None:
        return 0
    things = _final_things(session)
    for kind, ref_id in things:
        seal(session, kind, ref_id)
    return len(things)


def _first_problem(session: Session) -> Verification:
    links = session.execute(select(Seal).order_by(Seal.id)).scalars().all()
    prev = GENESIS
    for link in links:
        where = f"Mắt xích {link.id} ({_name(link.kind, link.ref_id)})"
        if link.prev_hash != prev or link.link_hash != link_hash(
            link.prev_hash, link.kind, link.ref_id, link.content_hash
        ):
            problem = f"{where}: chuỗi niêm phong bị sửa, xóa hoặc đảo thứ tự."
            return Verification(len(links), problem, link.id, link.kind, link.ref_id)
        now = content_hash(session, link.kind, link.ref_id)
        if now != link.content_hash:
            change = "đã bị xóa" if now is None else "đã bị sửa sau khi niêm phong"
            return Verification(len(links), f"{where}: nội dung {change}.", link.id, link.kind, link.ref_id)
        prev = link.link_hash
    sealed = {(link.kind, link.ref_id) for link in links}
    final = _final_things(session)
    for kind, ref_id in final:
        if (kind, ref_id) not in sealed:
            problem = (
                f"{_name(kind, ref_id).capitalize()} không có trong chuỗi niêm phong (ghi ngoài ứng dụng)."
            )
            return Verification(len(links), problem, None, kind, ref_id)
    return Verification(len(links))


def verify(session: Session) -> Verification:
    """Recompute every link and content, name the first that does not match; recorded as a check."""
    found = _first_problem(session)
    session.add(SealCheck(at=utcnow(), ok=found.ok, links=found.links, problem=found.problem))
    return found


def last_check(session: Session) -> SealCheck | None:
    """The latest recorded verification, if any."""
    return session.execute(select(SealCheck).order_by(SealCheck.id.desc()).limit(1)).scalar_one_or_none()
