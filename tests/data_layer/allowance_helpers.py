"""Helpers of the monthly allowance tests: people, entitlements, payrolls, and their lines read back."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from data_layer.allowance.entitlements import EntitlementInput, grant
from data_layer.allowance.payroll import build_payroll, lock_payroll
from data_layer.allowance.payroll_figures import payroll_figures
from data_layer.allowance.reference import code_key, group_ids_by_code
from data_layer.core.access import Scope
from data_layer.core.codes import PaymentMethod
from data_layer.core.db import write_session
from data_layer.core.models import Beneficiary, Payroll, PayrollLine
from data_layer.vn.text import fold

SYSTEM = Scope.system()


def M(month: int, year: int) -> date:  # noqa: N802 - reads like the months in the issue: M(7, 2024)
    return date(year, month, 1)


def person(
    engine, ward_id: int, name: str, *, born: date | None = None, year: int | None = None, **extra
) -> int:
    """A person of the registry (active); returns their id."""
    with write_session(engine) as session:
        row = Beneficiary(
            ward_id=ward_id,
            name=name,
            name_key=fold(name),
            birth_date=born,
            birth_year=born.year if born else year,
            **extra,
        )
        session.add(row)
        session.flush()
        return row.id


def groups(engine, *codes: str) -> tuple[int, ...]:
    with write_session(engine) as session:
        ids = group_ids_by_code(session)
    return tuple(ids[code_key(c)] for c in codes)


def entitle(
    engine, person_id: int, codes: tuple[str, ...], start: date, scope: Scope = SYSTEM, **extra
) -> int:
    """Grant an entitlement in the given groups from ``start``; returns its id."""
    data = EntitlementInput(groups=groups(engine, *codes), start_month=start, **extra)
    with write_session(engine) as session:
        return grant(session, scope, person_id, data).id


def entitle_by_account(engine, person_id: int, codes: tuple[str, ...], start: date, account: str) -> int:
    return entitle(
        engine,
        person_id,
        codes,
        start,
        payment_method=PaymentMethod.ACCOUNT,
        account_number=account,
        bank_name="BIDV",
    )


def build(engine, month: date, scope: Scope = SYSTEM) -> None:
    with write_session(engine) as session:
        build_payroll(session, scope, month)


def lock(engine, month: date, scope: Scope = SYSTEM) -> None:
    with write_session(engine) as session:
        lock_payroll(session, scope, month)


def build_and_lock(engine, *months: date) -> None:
    for month in months:
        build(engine, month)
        lock(engine, month)


def lines(engine, month: date, person_id: int | None = None) -> list[tuple[str, str, int]]:
    """(kind, MM/YYYY of the month paid, amount) of a payroll's lines, sorted."""
    with write_session(engine) as session:
        query = select(
            PayrollLine.kind, PayrollLine.for_month, PayrollLine.amount, PayrollLine.beneficiary_id
        ).join(Payroll, Payroll.id == PayrollLine.payroll_id)
        rows = session.execute(query.where(Payroll.month == month)).all()
    return sorted(
        (kind, for_month.strftime("%m/%Y"), amount)
        for kind, for_month, amount, pid in rows
        if person_id is None or pid == person_id
    )


def figures(engine, month: date, scope: Scope = SYSTEM):
    with write_session(engine) as session:
        return payroll_figures(session, scope, month)
