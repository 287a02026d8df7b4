"""The lines one build writes into a payroll, in a few INSERT … SELECT statements (see ``payroll`` for
what the lines mean, ``due`` for the amounts due).

Per person (``allow_person``): the sum due for the earlier months, the month's amount, and what
locked payrolls already settled (the running total ``paidtally``, added to when a payroll is locked:
``core.tallies``), less what the agent's return says was not collected. Only people
whose two sums differ are priced month by month again (``allow_pick`` → ``allow_month_due``) to
write their signed monthly differences; everyone else costs one row.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Date,
    Integer,
    MetaData,
    Table,
    and_,
    bindparam,
    case,
    exists,
    func,
    insert,
    literal,
    or_,
    select,
    text,
)
from sqlmodel import Session

from data_layer.allowance import due, due_totals
from data_layer.allowance.months import add_months, month_index
from data_layer.allowance.reference import load_reference
from data_layer.core.codes import LineKind, PaymentMethod, PersonStatus, StopReason
from data_layer.core.models import Beneficiary, Entitlement, PaymentReturn, PayrollLine
from data_layer.core.schema import grouped_insert

_meta = MetaData()
PERSON = Table(
    "allow_person",
    _meta,
    Column("pid", Integer, primary_key=True, autoincrement=False),
    Column("eid", Integer),
    Column("w_from", Integer),
    Column("past", BigInteger),
    Column("now", BigInteger),
    Column("main", Integer),
    Column("settled", BigInteger),
    **due.TEMP,
)
PICK = Table("allow_pick", _meta, Column("pid", Integer, primary_key=True, autoincrement=False), **due.TEMP)
MONTH_DUE = Table(
    "allow_month_due",
    _meta,
    Column("pid", Integer),
    Column("mi", Integer),
    Column("due", BigInteger),
    **due.TEMP,
)
LINE_COLUMNS = (
    "payroll_id, beneficiary_id, entitlement_id, ward_id, for_month, kind, amount, group_id,"
    " payment_method, account_number, bank_name"
)
# how a person is paid: by account only with an account number
_ACCOUNT = f"e.payment_method = '{PaymentMethod.ACCOUNT}' AND e.account_number IS NOT NULL"
PAYMENT = (
    f"CASE WHEN {_ACCOUNT} THEN '{PaymentMethod.ACCOUNT}' ELSE '{PaymentMethod.CASH}' END,"
    f" CASE WHEN {_ACCOUNT} THEN e.account_number END, CASE WHEN {_ACCOUNT} THEN e.bank_name END"
)


WORK_MEM = "64MB"  # PostgreSQL, for the build's transaction only (the default 4MB spills to disk)
PAYS = f"l.kind IN ('{LineKind.CURRENT}', '{LineKind.ARREARS}')"  # money handed over (a line ``l``)
NOT_COLLECTED = (  # a line ``l`` the agent's return says was not collected
    f"({PAYS} AND EXISTS (SELECT 1 FROM paymentreturn r WHERE r.payroll_id = l.payroll_id"
    " AND r.beneficiary_id = l.beneficiary_id AND NOT r.collected))"
)


def _sql(statement: str):
    return text(statement).bindparams(bindparam("m", type_=Date))


def write_lines(session: Session, payroll_id: int, month: date, ward_ids: list[int] | None) -> None:
    """Price the entitlements of the wards (None: every ward) and write the payroll's lines."""
    connection = session.connection()
    starts = select(func.min(Entitlement.start_month))
    if ward_ids is not None:
        starts = starts.where(Entitlement.ward_id.in_(ward_ids))
    first = min(connection.execute(starts).scalar_one() or month, month)
    reference = load_reference(session)
    if connection.dialect.name == "postgresql":  # the sums per person hash in memory, not on disk
        connection.execute(text(f"SET LOCAL work_mem = '{WORK_MEM}'"))
        connection.execute(text("SET LOCAL jit = off"))  # compiling costs more than it saves here
        # the temporary tables' statistics from a small sample: the plans need their sizes, not fine detail
        connection.execute(text("SET LOCAL default_statistics_target = 10"))
    with due.due_tables(connection, PERSON, PICK, MONTH_DUE, *due_totals.TABLES):
        due.fill_reference(connection, reference, first, month)
        due.fill_entitlements(connection, ward_ids, month)
        due_totals.fill_totals(connection, month)
        _fill_people(connection, month)
        earliest = connection.execute(  # the earliest month paid to someone whose sums differ
            text("SELECT MIN(l.for_month) FROM allow_pick k JOIN payrollline l ON l.beneficiary_id = k.pid")
        ).scalar_one()
        if earliest is not None and date.fromisoformat(str(earliest)) < first:  # a start moved later
            due.fill_months(connection, reference, date.fromisoformat(str(earliest)), add_months(first, -1))
        params = {"payroll": payroll_id, "m": month, "now": month_index(month)}
        with grouped_insert(connection, "payrollline"):
            # in person order: the ledger's index and the entitlement key are then walked in order
            # (PostgreSQL at 500,000 people: 6.0 -> 4.5 s for the lines and their reference checks)
            connection.execute(
                _sql(
                    f"INSERT INTO payrollline ({LINE_COLUMNS}) SELECT :payroll, p.pid, p.eid, e.ward_id, :m,"
                    f" '{LineKind.CURRENT}', p.now, p.main, {PAYMENT}"
                    " FROM allow_person p JOIN entitlement e ON e.id = p.eid WHERE p.now > 0 ORDER BY p.pid"
                ),
                params,
            )
            _write_differences(connection, params)
            _write_funerals(connection, payroll_id, ward_ids)


def _fill_people(connection: Connection, month: date) -> None:
    """Per person: first month to pay, sums due, what locked payrolls settled (all months: a start
    month corrected later recovers what was paid before it); the people whose sums differ are
    picked (``allow_pick``)."""
    # with what locked payrolls paid (their lines are all for months before this one: months are built
    # in order), joined before the grouping: PostgreSQL cannot estimate how many groups a union makes
    # (it guessed 200 and probed paidtally once per person), but it knows the entitlements' count
    connection.execute(
        text(
            "INSERT INTO allow_person (pid, eid, w_from, past, now, main, settled)"
            " SELECT e.pid, coalesce(MAX(CASE WHEN d.now > 0 THEN e.eid END), MAX(e.eid)),"
            " MIN(e.w_from), SUM(coalesce(d.past, 0)), SUM(coalesce(d.now, 0)), MAX(d.main),"
            " coalesce(MAX(t.amount), 0)"
            " FROM (SELECT eid, pid, w_from FROM allow_ent1"
            " UNION ALL SELECT eid, pid, w_from FROM allow_entm) e"
            " LEFT JOIN allow_due d ON d.eid = e.eid LEFT JOIN paidtally t ON t.beneficiary_id = e.pid"
            " GROUP BY e.pid"
        )
    )
    # less the lines the agent's return says were not collected (paid again as arrears). CROSS JOIN:
    # SQLite starts from the few returns not collected (its partial index), never from the ledger;
    # PostgreSQL reads it as an inner join
    uncollected = (
        "SELECT l.beneficiary_id AS pid, SUM(l.amount) AS amount"
        " FROM paymentreturn r CROSS JOIN payrollline l WHERE NOT r.collected"
        " AND l.payroll_id = r.payroll_id AND l.beneficiary_id = r.beneficiary_id"
        f" AND l.for_month < :m AND {PAYS} GROUP BY l.beneficiary_id"
    )
    connection.execute(
        _sql(
            f"UPDATE allow_person SET settled = settled - s.amount FROM ({uncollected}) s"
            " WHERE allow_person.pid = s.pid"
        ),
        {"m": month},
    )
    connection.execute(
        text("INSERT INTO allow_pick (pid) SELECT pid FROM allow_person WHERE past <> settled")
    )
    due.analyze(connection, PERSON, PICK)


def _write_differences(connection: Connection, params: dict) -> None:
    """The picked people's signed differences month by month: arrears lines when their net is
    positive, recovery lines when it is negative."""
    picked = " AND m.mi < :now AND x.pid IN (SELECT pid FROM allow_pick)"
    for rows in (due.single_rows(picked), due.multi_rows(picked)):
        with due.written_join_order(connection):
            insert_rows = f"INSERT INTO allow_month_due (pid, mi, due) SELECT pid, mi, due FROM ({rows}) r"
            connection.execute(text(insert_rows), params)
    settled = (
        "SELECT l.beneficiary_id AS pid, m.mi, -l.amount AS due FROM payrollline l"
        " JOIN allow_pick k ON k.pid = l.beneficiary_id JOIN allow_person p ON p.pid = l.beneficiary_id"
        " JOIN allow_month m ON m.month = l.for_month"
        f" WHERE l.kind <> '{LineKind.FUNERAL}' AND l.for_month < :m"
        f" AND l.payroll_id <> :payroll AND NOT {NOT_COLLECTED}"
    )
    differences = (
        "SELECT pid, mi, SUM(due) AS diff"
        f" FROM (SELECT pid, mi, due FROM allow_month_due UNION ALL {settled}) u"
        " GROUP BY pid, mi HAVING SUM(due) <> 0"
    )
    connection.execute(
        _sql(
            f"INSERT INTO payrollline ({LINE_COLUMNS}) SELECT :payroll, p.pid, p.eid, e.ward_id, m.month,"
            f" CASE WHEN p.past > p.settled THEN '{LineKind.ARREARS}' ELSE '{LineKind.RECOVERY}' END,"
            f" d.diff, NULL, {PAYMENT}"
            f" FROM ({differences}) d JOIN allow_person p ON p.pid = d.pid"
            " JOIN allow_month m ON m.mi = d.mi JOIN entitlement e ON e.id = p.eid"
        ),
        params,
    )


def death_date():
    """SQL: the date a person died while entitled (a stop for death, or a death recorded in the
    registry within the entitlement's months), else NULL."""
    e, b = Entitlement, Beneficiary
    recorded = and_(
        b.status == PersonStatus.DIED,
        b.status_date.is_not(None),
        or_(e.stop_date.is_(None), b.status_date <= e.stop_date),
    )
    return case((e.stop_reason == StopReason.DIED, e.stop_date), (recorded, b.status_date))


def _write_funerals(connection: Connection, payroll_id: int, ward_ids: list[int] | None) -> None:
    """Funeral support for a person who died while entitled: multiplier × standard of the month of
    death (``allow_month.funeral``), less what earlier payrolls paid them as funeral support: once,
    then the difference when the standard of that month is raised later (issue 21 §1.5)."""
    e, b = Entitlement, Beneficiary
    died = death_date()
    where = [died.is_not(None), died >= e.start_month, ~due.held()]
    if ward_ids is not None:
        where.append(e.ward_id.in_(ward_ids))
    deaths = (
        select(
            e.beneficiary_id.label("pid"),
            func.max(e.id).label("eid"),
            func.min(died).label("died"),
        )
        .join(b, b.id == e.beneficiary_id)
        .where(*where)
        .group_by(e.beneficiary_id)
        .subquery()
    )
    paid = func.coalesce(
        select(func.sum(PayrollLine.amount))
        .where(
            PayrollLine.beneficiary_id == deaths.c.pid,
            PayrollLine.kind == LineKind.FUNERAL,
            ~exists().where(  # not collected (the agent's return): paid again
                PaymentReturn.payroll_id == PayrollLine.payroll_id,
                PaymentReturn.beneficiary_id == PayrollLine.beneficiary_id,
                PaymentReturn.collected.is_(False),
            ),
        )
        .scalar_subquery(),
        0,
    )
    month, paying = due.MONTHS.c, Entitlement.__table__.alias("paying")
    rows = (
        select(
            literal(payroll_id),
            deaths.c.pid,
            deaths.c.eid,
            paying.c.ward_id,  # the ward of the entitlement the line names, never another one's
            month.month,
            literal(LineKind.FUNERAL.value),
            month.funeral - paid,
            literal(PaymentMethod.CASH.value),
        )
        .join(due.MONTHS, month.mi == due.index_of(deaths.c.died))
        .join(paying, paying.c.id == deaths.c.eid)
        .where(month.funeral > paid)
    )
    columns = ["payroll_id", "beneficiary_id", "entitlement_id", "ward_id", "for_month", "kind", "amount"]
    connection.execute(insert(PayrollLine).from_select([*columns, "payment_method"], rows))
