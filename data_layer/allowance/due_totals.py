"""Per entitlement: the sum due for the months before the payroll's, the payroll month's amount and
its main group (``allow_due``), from the tables ``due`` fills.

An entitlement with one group (nearly all) is priced by month ranges, so its cost does not grow with
the months it has been paid: within one coefficient version and one age band its monthly amount is
the same function of the month's standard (or pension), so the sum over a range is a difference of
two running sums (``allow_cum``: per multiplier, each month's amount and the running total), rounded
month by month as ``due.SINGLE_DUE`` rounds. ``allow_seg`` holds each entitlement's ranges: one per
coefficient version and band it meets, cut to its months to pay. The few entitlements with several
groups (rule 3 combines the groups month by month) and those with an unpaid suspension (its months
are skipped) are priced month by month (``due.single_rows`` / ``due.multi_rows``).
"""

from __future__ import annotations

from datetime import date
from functools import partial

from sqlalchemy import BigInteger, Column, Connection, Integer, MetaData, Table, text

from data_layer.allowance import due
from data_layer.allowance.months import month_index
from data_layer.allowance.reference import MAX_BANDS

_meta = MetaData()
PENSION = -1  # the multiplier of the social pension: the month's pension level itself
SEGMENTS = Table(
    "allow_seg",
    _meta,
    *(Column(name, Integer) for name in ("eid", "gid", "mult", "a", "b")),
    **due.TEMP,
)
CUMULATIVE = Table(
    "allow_cum",
    _meta,
    Column("mult", Integer, primary_key=True, autoincrement=False),
    Column("mi", Integer, primary_key=True, autoincrement=False),
    Column("amount", BigInteger),  # the month's amount: (standard × mult + 5) / 10, or the pension
    Column("cum", BigInteger),  # the amounts from the first month through this one
    **due.TEMP,
)
TABLES = (SEGMENTS, CUMULATIVE)


def fill_totals(connection: Connection, payroll_month: date) -> None:
    """Fill ``allow_due`` for every entitlement row of ``allow_ent1`` / ``allow_entm`` (the tables of
    ``TABLES`` must exist: pass them to ``due.due_tables``)."""
    now = month_index(payroll_month)
    _fill_segments(connection)
    connection.execute(
        text(
            "INSERT INTO allow_cum (mult, mi, amount, cum) SELECT mult, mi, amount,"
            " SUM(amount) OVER (PARTITION BY mult ORDER BY mi) FROM (SELECT k.mult, m.mi,"
            f" CASE WHEN k.mult = {PENSION} THEN m.pension ELSE (m.standard * k.mult + 5) / 10 END AS amount"
            " FROM (SELECT DISTINCT mult FROM allow_seg) k CROSS JOIN allow_month m) a"
        )
    )
    due.analyze(connection, SEGMENTS, CUMULATIVE)
    last_past = due.extreme(connection.dialect.name, "least", "s.b", str(now - 1))
    connection.execute(
        text(
            "INSERT INTO allow_due (eid, past, now, main) SELECT s.eid,"
            f" SUM(CASE WHEN s.a <= {last_past} THEN c1.cum - c0.cum + c0.amount ELSE 0 END),"
            f" SUM(CASE WHEN s.a <= {now} AND {now} <= s.b THEN cn.amount ELSE 0 END),"
            f" MAX(CASE WHEN s.a <= {now} AND {now} <= s.b AND cn.amount > 0 THEN s.gid END)"
            " FROM allow_seg s"
            " LEFT JOIN allow_cum c0 ON c0.mult = s.mult AND c0.mi = s.a"
            f" LEFT JOIN allow_cum c1 ON c1.mult = s.mult AND c1.mi = {last_past}"
            f" LEFT JOIN allow_cum cn ON cn.mult = s.mult AND cn.mi = {now}"
            " GROUP BY s.eid"
        )
    )
    aggregate = (
        f"SELECT eid, SUM(CASE WHEN mi < {now} THEN due ELSE 0 END),"
        f" SUM(CASE WHEN mi = {now} THEN due ELSE 0 END),"
        f" MAX(CASE WHEN mi = {now} AND due > 0 THEN main END)"
    )
    for rows in (due.single_rows(" AND x.gap = 1"), due.multi_rows(main_in=now)):
        with due.written_join_order(connection):
            connection.execute(
                text(f"INSERT INTO allow_due (eid, past, now, main) {aggregate} FROM ({rows}) r GROUP BY eid")
            )
    due.analyze(connection, due.DUE)


def _fill_segments(connection: Connection) -> None:
    """``allow_seg``: for each one-group entitlement without an unpaid suspension, the month ranges
    [a, b] it is due at one multiplier: per coefficient version of its group, per age band (the
    band's months for the person's birth: from the month of the lower age, to the month before the
    upper one, which already holds the birthday's month a band no other continues pays: see
    ``due.BANDS``), cut to the entitlement's months; the social pension from the pension age."""
    most = partial(due.extreme, connection.dialect.name, "greatest")
    least = partial(due.extreme, connection.dialect.name, "least")
    joined = (
        " FROM allow_ent1 x JOIN allow_band v ON v.group_id = x.gid"
        " AND v.mi_from <= x.w_to AND v.mi_to >= x.w_from WHERE x.gap = 0"
    )
    branches = [
        f"SELECT x.eid, x.gid, {PENSION} AS mult,"
        f" {most('x.w_from', 'v.mi_from', 'x.bidx + 12 * x.page')} AS a, {least('x.w_to', 'v.mi_to')} AS b"
        f"{joined} AND v.kind = 'pension' AND x.bidx IS NOT NULL"
    ]
    for k in range(1, MAX_BANDS + 1):
        lo, hi, tenths = f"v.lo{k}", f"v.hi{k}", f"v.t{k}"
        lower = f"CASE WHEN {lo} IS NULL THEN x.w_from ELSE x.bidx + 12 * {lo} END"
        upper = f"CASE WHEN {hi} IS NULL THEN x.w_to ELSE x.bidx + {hi} - 1 END"
        branches.append(
            f"SELECT x.eid, x.gid, CASE WHEN v.kind = 'per_child' THEN {tenths} * coalesce(x.children, 0)"
            f" ELSE {tenths} END AS mult,"
            f" {most('x.w_from', 'v.mi_from', lower)} AS a, {least('x.w_to', 'v.mi_to', upper)} AS b"
            f"{joined} AND v.kind <> 'pension' AND {tenths} IS NOT NULL"
            f" AND (x.bidx IS NOT NULL OR ({lo} IS NULL AND {hi} IS NULL))"
        )
    union = " UNION ALL ".join(branches)
    connection.execute(
        text(f"INSERT INTO allow_seg (eid, gid, mult, a, b) SELECT * FROM ({union}) r WHERE a <= b")
    )
