"""Properties of the payroll on SQLite and PostgreSQL, on random people, groups and reference data:

- the set-based SQL pays what the rules (``allowance.rules``, pure Python) say, month by month;
- a payroll's total is the sum of its lines paid out, and its recoveries the recovery lines;
- rebuilding an open month writes the same lines again.

Each example runs in one transaction rolled back at the end.
"""

from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from data_layer.allowance.entitlements import EntitlementInput, grant
from data_layer.allowance.months import add_months, months_from
from data_layer.allowance.payroll import build_payroll, lock_payroll
from data_layer.allowance.payroll_figures import payroll_figures
from data_layer.allowance.reference import (
    code_key,
    group_ids_by_code,
    load_reference,
    set_coefficients,
    set_standard,
)
from data_layer.allowance.rules import PENSION_AGE_POOR, Band, Person, age_in_month, monthly_amount
from data_layer.core import tallies
from data_layer.core.codes import LineKind, StandardKind
from data_layer.core.db import write_session
from data_layer.core.models import Beneficiary, Payroll, PayrollLine
from tests.data_layer.allowance_helpers import SYSTEM, M

CODES = ["5.1", "5.2", "5.3", "5.4", "5.5a", "5.5b", "5.5c", "5.5d", "5.6a", "5.6b", "5.7", "5.8", "HTXH"]
PAYROLL = M(7, 2025)
SETTINGS = settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

months = st.integers(0, 42).map(lambda n: add_months(M(1, 2022), n))  # 01/2022 … 07/2025
people = st.lists(
    st.tuples(
        st.one_of(st.dates(date(1925, 1, 1), date(2024, 12, 28)), st.integers(1925, 2024)),
        st.lists(st.sampled_from(CODES), min_size=1, max_size=3, unique=True),
        st.integers(1, 4),
        months,
        st.one_of(st.none(), months),
    ),
    min_size=1,
    max_size=8,
)
# any đồng amount (not round): the SQL rounds each month as the rules do
retroactive_standard = st.one_of(st.none(), st.tuples(months, st.integers(360_001, 700_000)))
new_coefficients = st.one_of(
    st.none(), st.tuples(st.sampled_from(["5.1", "5.6a", "5.5a"]), months, st.integers(5, 40))
)


def _setup(session, ward_id: int, people_drawn, standard, coefficients) -> dict[int, Person]:
    """People with their entitlements, and the reference data changed as drawn."""
    if standard:
        set_standard(session, SYSTEM, StandardKind.STANDARD, *standard)
    ids = group_ids_by_code(session)
    if coefficients:
        code, start, tenths = coefficients
        set_coefficients(
            session, SYSTEM, ids[code_key(code)], start, [Band(None, 10, tenths), Band(10, None, tenths + 3)]
        )
    drawn = {}
    for n, (birth, codes, children, start, paid_until) in enumerate(people_drawn):
        born = birth if isinstance(birth, date) else None
        row = Beneficiary(
            ward_id=ward_id,
            name=f"Người {n}",
            name_key=f"nguoi {n}",
            birth_date=born,
            birth_year=born.year if born else birth,
        )
        session.add(row)
        session.flush()
        if "HTXH" in codes and (age_in_month(born, row.birth_year, start) or 0) < PENSION_AGE_POOR:
            codes = [c for c in codes if c != "HTXH"] or ["5.8"]  # a grant under 70 is refused
        group_ids = tuple(ids[code_key(c)] for c in codes)
        data = EntitlementInput(groups=group_ids, start_month=start, children=children, paid_until=paid_until)
        grant(session, SYSTEM, row.id, data)
        drawn[row.id] = (
            Person(tuple(sorted(group_ids)), born, row.birth_year, children if "5.4" in codes else None),
            start,
            paid_until,
        )
    return drawn


def _lines(session, month: date) -> list[tuple[int, str, date, int]]:
    rows = session.execute(
        select(PayrollLine.beneficiary_id, PayrollLine.kind, PayrollLine.for_month, PayrollLine.amount)
        .join(Payroll, Payroll.id == PayrollLine.payroll_id)
        .where(Payroll.month == month)
    ).all()
    return sorted(tuple(r) for r in rows)


@SETTINGS
@given(people_drawn=people, standard=retroactive_standard, coefficients=new_coefficients)
def test_the_sql_pays_what_the_rules_say(engine, wards, people_drawn, standard, coefficients):
    with write_session(engine) as session:
        drawn = _setup(session, wards["A"], people_drawn, standard, coefficients)
        build_payroll(session, SYSTEM, PAYROLL)
        reference = load_reference(session)
        expected = []
        for pid, (who, start, paid_until) in drawn.items():
            first = max(start, add_months(paid_until, 1)) if paid_until else start
            for month in months_from(first, PAYROLL) if first <= PAYROLL else []:
                if amount := monthly_amount(reference, who, month):
                    kind = LineKind.CURRENT if month == PAYROLL else LineKind.ARREARS
                    expected.append((pid, kind, month, amount))
        assert _lines(session, PAYROLL) == sorted(expected)
        session.rollback()


@SETTINGS
@given(people_drawn=people, standard=retroactive_standard, deaths=st.lists(st.integers(0, 7), max_size=3))
def test_total_is_the_sum_of_the_lines_and_rebuilding_changes_nothing(
    engine, wards, people_drawn, standard, deaths
):
    from data_layer.allowance.entitlement_status import stop

    with write_session(engine) as session:
        drawn = _setup(session, wards["A"], people_drawn, None, None)
        build_payroll(session, SYSTEM, M(6, 2025))
        lock_payroll(session, SYSTEM, M(6, 2025))
        if standard:  # a retroactive change after a locked month: arrears
            set_standard(session, SYSTEM, StandardKind.STANDARD, *standard)
        entitlements = sorted(drawn)
        for n in sorted(set(deaths)):  # deaths recorded late: recoveries and funeral support
            if n < len(entitlements):
                _stop_latest(session, stop, entitlements[n], drawn)
        build_payroll(session, SYSTEM, PAYROLL)
        first = _lines(session, PAYROLL)
        build_payroll(session, SYSTEM, PAYROLL)
        assert _lines(session, PAYROLL) == first
        found = payroll_figures(session, SYSTEM, PAYROLL)
        paid = sum(amount for _, kind, _, amount in first if kind != LineKind.RECOVERY)
        assert found.total == paid == found.amount + found.arrears + found.funeral
        assert found.recoveries == -sum(amount for _, kind, _, amount in first if kind == LineKind.RECOVERY)
        assert found.people == sum(1 for _, kind, _, _ in first if kind == LineKind.CURRENT)
        assert found.cash + found.account == found.amount + found.arrears
        lock_payroll(session, SYSTEM, PAYROLL)  # the running total of what was paid follows the locks
        assert tallies.check(session.connection()) == []
        session.rollback()


def _stop_latest(session, stop, person_id: int, drawn) -> None:
    from data_layer.core.models import Entitlement

    entitlement = session.execute(
        select(Entitlement).where(Entitlement.beneficiary_id == person_id)
    ).scalar_one()
    start = drawn[person_id][1]
    if start <= M(5, 2025):
        stop(session, SYSTEM, entitlement.id, on=date(2025, 5, 20), reason="died")
