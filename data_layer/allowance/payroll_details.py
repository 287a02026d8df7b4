"""A payroll person by person (read-only): who is paid what and how, arrears and recoveries with the
months they cover, and who was added or removed since the previous payroll (báo tăng/giảm), with why.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import case, exists, func, select
from sqlmodel import Session

from data_layer.allowance.entitlements import group_codes, group_ids_of
from data_layer.allowance.months import add_months
from data_layer.allowance.payroll import payroll_of
from data_layer.allowance.reference import load_reference
from data_layer.core.access import Scope
from data_layer.core.codes import EntitlementStatus, LineKind, PersonStatus, StopReason
from data_layer.core.models import (
    Beneficiary,
    Entitlement,
    EntitlementSuspension,
    Payroll,
    PayrollLine,
    Ward,
)
from data_layer.vn import labels
from data_layer.vn.collation import person_key, text_key
from data_layer.vn.formatting import as_utc, format_date, format_month


@dataclass
class Person:
    """Who a line is about, as lists show them."""

    beneficiary_id: int
    name: str
    ward: str
    hamlet: str | None
    birth: str  # dd/mm/yyyy or the year
    gender: str | None
    national_id: str | None


@dataclass
class PaymentRow(Person):
    """What one person receives from a payroll (recoveries are reported apart, never deducted)."""

    groups: str = ""
    amount: int = 0
    arrears: int = 0
    funeral: int = 0
    payment_method: str = ""
    account_number: str | None = None
    bank_name: str | None = None
    proxy_name: str | None = None

    @property
    def total(self) -> int:
        return self.amount + self.arrears + self.funeral


@dataclass
class AdjustmentRow(Person):
    """A person's arrears (truy lĩnh) or recovery (truy thu): the net, and each month's difference."""

    kind: str = ""
    net: int = 0  # positive: paid as arrears, or recovered
    months: list[tuple[date, int]] = field(default_factory=list)


@dataclass
class ChangeRow(Person):
    """Someone added to, removed from, or paid a different amount than in the previous payroll: from
    which month the change applies (the earliest month of their arrears or recovery lines in this
    payroll, else the payroll's month) and the money it makes in this payroll (the month's amount
    less last month's, plus arrears, less recoveries)."""

    change: str = ""  # "added", "removed", "changed"
    before: int = 0
    after: int = 0
    reason: str = ""
    applies_from: date | None = None
    money: int = 0


def _listed(person: Person) -> tuple:
    """A person's place in a list: ward, then hamlet and name in Vietnamese order."""
    return *text_key(person.ward), person_key(person.hamlet, person.name)


def _people(session: Session, ids: set[int]) -> dict[int, Person]:
    found = {}
    for start in range(0, len(ids), 5000):
        chunk = sorted(ids)[start : start + 5000]
        for b, ward in session.execute(
            select(Beneficiary, Ward.name)
            .join(Ward, Ward.id == Beneficiary.ward_id)
            .where(Beneficiary.id.in_(chunk))
        ):
            birth = format_date(b.birth_date) if b.birth_date else str(b.birth_year or "")
            found[b.id] = Person(b.id, b.name, ward, b.hamlet, birth, b.gender, b.national_id)
    return found


def _line_conditions(scope: Scope, payroll_id: int, ward_id: int | None) -> list:
    conditions = [PayrollLine.payroll_id == payroll_id, scope.ward_clause(PayrollLine.ward_id)]
    if ward_id is not None:
        conditions.append(PayrollLine.ward_id == ward_id)
    return conditions


def _kind_sum(kind: LineKind):
    return func.coalesce(func.sum(case((PayrollLine.kind == kind, PayrollLine.amount), else_=0)), 0)


def payment_rows(session: Session, scope: Scope, month: date, ward_id: int | None = None) -> list[PaymentRow]:
    """Everyone the month's payroll pays (month, arrears, funeral), by ward then name."""
    payroll = payroll_of(session, month)
    if payroll is None:
        return []
    rows = session.execute(
        select(
            PayrollLine.beneficiary_id,
            func.max(PayrollLine.entitlement_id),
            _kind_sum(LineKind.CURRENT),
            _kind_sum(LineKind.ARREARS),
            _kind_sum(LineKind.FUNERAL),
            func.max(case((PayrollLine.kind != LineKind.FUNERAL, PayrollLine.payment_method))),
            func.max(PayrollLine.account_number),
            func.max(PayrollLine.bank_name),
        )
        .where(*_line_conditions(scope, payroll.id, ward_id), PayrollLine.kind != LineKind.RECOVERY)
        .group_by(PayrollLine.beneficiary_id)
    ).all()
    people = _people(session, {r[0] for r in rows})
    entitlement_ids = sorted({r[1] for r in rows if r[1]})
    groups = group_ids_of(session, entitlement_ids)
    # who receives the money in the person's stead: the proxy; for funeral support, the recorded
    # receiver; and the account the entitlement names now (see _bank_named_since)
    entitled = {
        eid: (proxy, f"{receiver} ({relation})" if receiver and relation else receiver, account, bank)
        for eid, proxy, receiver, relation, account, bank in session.execute(
            select(
                Entitlement.id,
                Entitlement.proxy_name,
                Entitlement.funeral_receiver,
                Entitlement.funeral_relation,
                Entitlement.account_number,
                Entitlement.bank_name,
            ).where(Entitlement.id.in_(entitlement_ids))
        )
    }
    reference = load_reference(session)
    found = [
        PaymentRow(
            **vars(people[pid]),
            groups=group_codes(reference, groups.get(eid, ())),
            amount=int(amount),
            arrears=int(arrears),
            funeral=int(funeral),
            payment_method=method or "cash",
            account_number=account,
            bank_name=bank or _bank_named_since(entitled.get(eid), account),
            proxy_name=(funeral and entitled.get(eid, (None, None))[1]) or entitled.get(eid, (None,))[0],
        )
        for pid, eid, amount, arrears, funeral, method, account, bank in rows
        if amount or arrears or funeral
    ]
    return sorted(found, key=lambda r: (*_listed(r), r.beneficiary_id))


def _bank_named_since(entitled: tuple | None, account: str | None) -> str | None:
    """The bank of the account a line pays into, named on the entitlement after the payroll was built
    (a locked payroll keeps its lines; the bank's name identifies the account, it is not money)."""
    if entitled is None or account is None:
        return None
    *_receivers, entitled_account, bank = entitled
    return bank if entitled_account == account else None


def adjustments(
    session: Session, scope: Scope, month: date, ward_id: int | None = None
) -> list[AdjustmentRow]:
    """Each person's arrears or recovery in the month's payroll, with the months it covers."""
    payroll = payroll_of(session, month)
    if payroll is None:
        return []
    lines = session.execute(
        select(PayrollLine.beneficiary_id, PayrollLine.kind, PayrollLine.for_month, PayrollLine.amount)
        .where(
            *_line_conditions(scope, payroll.id, ward_id),
            PayrollLine.kind.in_([LineKind.ARREARS, LineKind.RECOVERY]),
        )
        .order_by(PayrollLine.beneficiary_id, PayrollLine.for_month)
    ).all()
    by_person: dict[int, list] = defaultdict(list)
    for pid, kind, for_month, amount in lines:
        by_person[pid].append((kind, for_month, amount))
    people = _people(session, set(by_person))
    found = []
    for pid, entries in by_person.items():
        net = sum(amount for _, _, amount in entries)
        found.append(
            AdjustmentRow(
                **vars(people[pid]),
                kind=entries[0][0],
                net=abs(net),
                months=[(m, a) for _, m, a in entries],
            )
        )
    return sorted(found, key=lambda r: (r.kind, *_listed(r), r.beneficiary_id))


def previous_payroll(session: Session, month: date) -> Payroll | None:
    """The latest payroll of a month before ``month``."""
    return (
        session.execute(select(Payroll).where(Payroll.month < month).order_by(Payroll.month.desc()))
        .scalars()
        .first()
    )


def changes(session: Session, scope: Scope, month: date, ward_id: int | None = None) -> list[ChangeRow]:
    """People added, removed or paid another amount for the month than in the previous payroll, with
    the reason, the month the change applies from and the money it makes (báo cáo tăng/giảm), by
    section (added, removed, changed), then by that month. Empty for the first payroll."""
    payroll, before = payroll_of(session, month), previous_payroll(session, month)
    if payroll is None or before is None:
        return []
    now_amounts = _current_amounts(session, scope, payroll.id, ward_id)
    before_amounts = _current_amounts(session, scope, before.id, ward_id)
    changed = {
        pid
        for pid in now_amounts.keys() | before_amounts.keys()
        if now_amounts.get(pid, (0, None))[0] != before_amounts.get(pid, (0, None))[0]
    }
    people = _people(session, changed)
    entitlements = _latest_entitlements(session, changed)
    differences = _differences(session, scope, payroll.id, ward_id, changed)
    found = []
    for pid in changed:
        after, eid = now_amounts.get(pid, (0, None))
        earlier = before_amounts.get(pid, (0, None))[0]
        kind = "added" if not earlier else "removed" if not after else "changed"
        reason = _reason(session, kind, entitlements.get(pid), month, before)
        first, net = differences.get(pid, (month, 0))
        found.append(
            ChangeRow(
                **vars(people[pid]),
                change=kind,
                before=earlier,
                after=after,
                reason=reason,
                applies_from=min(first, month),
                money=after - earlier + net,
            )
        )
    order = {"added": 0, "removed": 1, "changed": 2}
    return sorted(found, key=lambda r: (order[r.change], r.applies_from, *_listed(r), r.beneficiary_id))


def _differences(
    session: Session, scope: Scope, payroll_id: int, ward_id: int | None, person_ids: set[int]
) -> dict[int, tuple[date, int]]:
    """Per person: the earliest month of their arrears or recovery lines in the payroll and the
    lines' signed sum."""
    found = {}
    ids = sorted(person_ids)
    for start in range(0, len(ids), 5000):
        rows = session.execute(
            select(PayrollLine.beneficiary_id, func.min(PayrollLine.for_month), func.sum(PayrollLine.amount))
            .where(
                *_line_conditions(scope, payroll_id, ward_id),
                PayrollLine.kind.in_([LineKind.ARREARS, LineKind.RECOVERY]),
                PayrollLine.beneficiary_id.in_(ids[start : start + 5000]),
            )
            .group_by(PayrollLine.beneficiary_id)
        )
        found |= {pid: (first, int(net)) for pid, first, net in rows}
    return found


def _current_amounts(session: Session, scope: Scope, payroll_id: int, ward_id: int | None) -> dict:
    rows = session.execute(
        select(PayrollLine.beneficiary_id, PayrollLine.amount, PayrollLine.entitlement_id).where(
            *_line_conditions(scope, payroll_id, ward_id), PayrollLine.kind == LineKind.CURRENT
        )
    )
    return {pid: (amount, eid) for pid, amount, eid in rows}


def _latest_entitlements(
    session: Session, person_ids: set[int]
) -> dict[int, tuple[Entitlement, Beneficiary]]:
    found = {}
    for e, b in session.execute(
        select(Entitlement, Beneficiary)
        .join(Beneficiary, Beneficiary.id == Entitlement.beneficiary_id)
        .where(Entitlement.beneficiary_id.in_(sorted(person_ids)))
        .order_by(Entitlement.start_month)
    ):
        found[b.id] = (e, b)
    return found


def _reason(session: Session, kind: str, found, month: date, before: Payroll) -> str:
    """Why a person was added, removed or paid another amount (in Vietnamese)."""
    if kind == "changed":
        return "Thay đổi mức hưởng (mức chuẩn, hệ số theo tuổi hoặc diện hưởng)"
    if found is None:
        return ""
    entitlement, person = found
    if kind == "added":
        return _added_reason(session, entitlement, month, before)
    if entitlement.stop_date is not None and entitlement.stop_date < month:
        next_month = add_months(entitlement.stop_date.replace(day=1), 1)
        reason = labels.label_of(StopReason, entitlement.stop_reason)
        return (
            f"{reason} ({format_date(entitlement.stop_date)}): dừng hưởng từ tháng {format_month(next_month)}"
        )
    if person.status != PersonStatus.ACTIVE:
        return f"{labels.label_of(PersonStatus, person.status)} ({format_date(person.status_date)})"
    if entitlement.status == EntitlementStatus.SUSPENDED:
        return "Tạm dừng hưởng"
    return "Hết độ tuổi hưởng của diện"


def _added_reason(session: Session, entitlement: Entitlement, month: date, before: Payroll) -> str:
    if entitlement.start_month == month:
        return f"Hưởng mới từ tháng {format_month(month)}"
    if as_utc(entitlement.created_at) > as_utc(before.locked_at or before.built_at):
        start = format_month(entitlement.start_month)
        return f"Quyết định mới: hưởng từ tháng {start}, truy lĩnh các tháng trước"
    resumed = exists().where(
        EntitlementSuspension.entitlement_id == entitlement.id,
        EntitlementSuspension.to_month >= before.month,
        EntitlementSuspension.to_month < month,
    )
    if session.execute(select(resumed)).scalar_one():
        return "Hưởng lại sau tạm dừng"
    return "Đủ điều kiện hưởng theo độ tuổi"
