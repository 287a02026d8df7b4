"""A payroll's figures (read-only, aggregated in the database): totals per ward and payment method,
per group, and the JSON of ``ansinh payroll build --json``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import case, func, select
from sqlmodel import Session

from data_layer.allowance.payroll import payroll_of
from data_layer.core.access import Scope
from data_layer.core.codes import LineKind, PaymentMethod
from data_layer.core.models import AllowanceGroup, Beneficiary, PaymentReturn, PayrollLine, Ward
from data_layer.registry.hamlets import hamlet_namer
from data_layer.vn.collation import hamlet_key
from data_layer.vn.formatting import format_month


@dataclass
class Figures:
    """People paid for the month and the money of a payroll (or of one ward of it)."""

    people: int = 0
    amount: int = 0
    arrears: int = 0
    recoveries: int = 0
    funeral: int = 0
    cash: int = 0  # amount + arrears paid in cash
    account: int = 0  # amount + arrears paid into accounts

    @property
    def total(self) -> int:
        return self.amount + self.arrears + self.funeral

    def add(self, other: Figures) -> None:
        for name in ("people", "amount", "arrears", "recoveries", "funeral", "cash", "account"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class WardFigures(Figures):
    ward_id: int = 0
    ward_code: str = ""
    ward: str = ""
    # the agent's return of a locked month: money (month, arrears, funeral) collected / not collected
    paid: int = 0
    unpaid: int = 0


@dataclass
class HamletFigures(Figures):
    """A commune office's payroll figures of one of its hamlets (thôn/tổ dân phố)."""

    hamlet: str = ""
    paid: int = 0
    unpaid: int = 0


@dataclass
class PayrollFigures(Figures):
    month: date | None = None
    status: str = ""
    built_at: datetime | None = None
    locked_at: datetime | None = None
    by_ward: list[WardFigures] = field(default_factory=list)
    # a commune office's figures per hamlet (empty for province, district and admin scopes)
    by_hamlet: list[HamletFigures] = field(default_factory=list)

    def as_json(self) -> dict:
        """The contract of ``ansinh payroll build --json``."""
        wards = [
            {
                "ward": w.ward_code,
                **_money(w),
                "cash": w.cash,
                "account": w.account,
                "paid": w.paid,
                "unpaid": w.unpaid,
            }
            for w in self.by_ward
        ]
        return {"month": format_month(self.month), "status": self.status, **_money(self), "by_ward": wards}


def _money(figures: Figures) -> dict:
    names = ("people", "amount", "arrears", "recoveries", "funeral")
    return {name: getattr(figures, name) for name in names} | {"total": figures.total}


def _sum_of(kind: LineKind, sign: int = 1):
    return func.coalesce(func.sum(case((PayrollLine.kind == kind, PayrollLine.amount * sign), else_=0)), 0)


def payroll_figures(session: Session, scope: Scope, month: date) -> PayrollFigures | None:
    """The figures of the month's payroll for the wards of the scope (None: not built)."""
    payroll = payroll_of(session, month)
    if payroll is None:
        return None
    wards = {w.id: w for w in session.execute(select(Ward)).scalars()}
    by_ward: dict[int, WardFigures] = {}
    for ward_id, part in _grouped(session, scope, payroll.id, PayrollLine.ward_id):
        ward = wards[ward_id]
        by_ward.setdefault(ward_id, WardFigures(ward_id=ward_id, ward_code=ward.code, ward=ward.name)).add(
            part
        )
    for ward_id, collected, money in _returned(session, scope, payroll.id, PaymentReturn.ward_id):
        if ward_id in by_ward:
            setattr(by_ward[ward_id], "paid" if collected else "unpaid", int(money or 0))
    figures = PayrollFigures(
        month=payroll.month,
        status=payroll.status,
        built_at=payroll.built_at,
        locked_at=payroll.locked_at,
        by_ward=sorted(by_ward.values(), key=lambda w: w.ward_code),
    )
    for ward_figures in figures.by_ward:
        figures.add(ward_figures)
    if scope.watches_hamlets:
        figures.by_hamlet = _by_hamlet(session, scope, payroll.id)
    return figures


def _grouped(session: Session, scope: Scope, payroll_id: int, unit) -> list[tuple[object, Figures]]:
    """(unit, figures of one payment method) per ``unit`` (a ward id or the person's Thôn/Tổ column)."""
    query = select(
        unit,
        PayrollLine.payment_method,
        func.coalesce(func.sum(case((PayrollLine.kind == LineKind.CURRENT, 1), else_=0)), 0),
        _sum_of(LineKind.CURRENT),
        _sum_of(LineKind.ARREARS),
        _sum_of(LineKind.RECOVERY, -1),
        _sum_of(LineKind.FUNERAL),
    ).where(PayrollLine.payroll_id == payroll_id, scope.ward_clause(PayrollLine.ward_id))
    if unit is Beneficiary.hamlet:
        query = query.join(Beneficiary, Beneficiary.id == PayrollLine.beneficiary_id)
    found = []
    for key, method, people, amount, arrears, recoveries, funeral in session.execute(
        query.group_by(unit, PayrollLine.payment_method)
    ).all():
        part = Figures(people=int(people), amount=int(amount), arrears=int(arrears))
        part.recoveries, part.funeral = int(recoveries), int(funeral)
        paid = part.amount + part.arrears
        part.cash, part.account = (paid, 0) if method == PaymentMethod.CASH else (0, paid)
        found.append((key, part))
    return found


def _returned(session: Session, scope: Scope, payroll_id: int, unit) -> list:
    """The agent's return per ``unit`` (a ward id or the Thôn/Tổ column): (unit, collected, money)."""
    query = (
        select(unit, PaymentReturn.collected, func.sum(PayrollLine.amount))
        .join(
            PayrollLine,
            (PayrollLine.payroll_id == PaymentReturn.payroll_id)
            & (PayrollLine.beneficiary_id == PaymentReturn.beneficiary_id),
        )
        .where(
            PaymentReturn.payroll_id == payroll_id,
            PayrollLine.kind != LineKind.RECOVERY,
            scope.ward_clause(PaymentReturn.ward_id),
        )
    )
    if unit is Beneficiary.hamlet:
        query = query.join(Beneficiary, Beneficiary.id == PaymentReturn.beneficiary_id)
    return list(session.execute(query.group_by(unit, PaymentReturn.collected)).all())


def _by_hamlet(session: Session, scope: Scope, payroll_id: int) -> list[HamletFigures]:
    """A commune office's payroll per hamlet (spellings of one hamlet together), in hamlet order."""
    (ward_id,) = scope.ward_ids
    name_of = hamlet_namer(session, ward_id)
    by_hamlet: dict[str, HamletFigures] = {}
    for spelling, part in _grouped(session, scope, payroll_id, Beneficiary.hamlet):
        name = name_of(spelling)
        by_hamlet.setdefault(name, HamletFigures(hamlet=name)).add(part)
    for spelling, collected, money in _returned(session, scope, payroll_id, Beneficiary.hamlet):
        line = by_hamlet.get(name_of(spelling))
        if line is not None:
            attribute = "paid" if collected else "unpaid"
            setattr(line, attribute, getattr(line, attribute) + int(money or 0))
    unnamed = by_hamlet.pop(name_of(None), None)  # people without a hamlet last
    ordered = sorted(by_hamlet.values(), key=lambda h: hamlet_key(h.hamlet))
    return ordered + ([unnamed] if unnamed else [])


@dataclass(frozen=True)
class GroupFigures:
    group_id: int | None
    code: str
    name: str
    people: int
    amount: int


def group_figures(
    session: Session, scope: Scope, month: date, ward_id: int | None = None
) -> list[GroupFigures]:
    """People and the month's amount per group (the group whose rate each person's amount follows)."""
    payroll = payroll_of(session, month)
    if payroll is None:
        return []
    conditions = [
        PayrollLine.payroll_id == payroll.id,
        PayrollLine.kind == LineKind.CURRENT,
        scope.ward_clause(PayrollLine.ward_id),
    ]
    if ward_id is not None:
        conditions.append(PayrollLine.ward_id == ward_id)
    rows = session.execute(
        select(
            AllowanceGroup.id,
            AllowanceGroup.code,
            AllowanceGroup.name,
            func.count(),
            func.sum(PayrollLine.amount),
        )
        .join(AllowanceGroup, AllowanceGroup.id == PayrollLine.group_id, isouter=True)
        .where(*conditions)
        .group_by(AllowanceGroup.id, AllowanceGroup.code, AllowanceGroup.name)
        .order_by(AllowanceGroup.code)
    ).all()
    return [
        GroupFigures(gid, code or "", name or "", int(n), int(amount or 0))
        for gid, code, name, n, amount in rows
    ]
