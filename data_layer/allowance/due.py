"""What the entitled people of some wards are due, month by month, computed in SQL for everyone at
once (the rules of ``rules``, set-based: a few statements whatever the number of people).

The work happens in temporary tables of the write transaction (``due_tables``):

- ``allow_month``: every month from the earliest start to the payroll's month, with the standard,
  the pension level and the funeral amount in force (from the reference data, by Python).
- ``allow_band``: each group's coefficient versions as month ranges with up to four age bands (the
  lower age in years, the upper one in months, one more when no band continues it: rule 2 of ``rules``).
- ``allow_ent1`` / ``allow_entm`` (groups in ``allow_entg``): the entitlements with one group /
  with several, each with its months to pay as month indexes [w_from, w_to] (from the start month or the
  month after ``paid_until``, through the month of the stop date, of a death or move recorded in the
  registry, or the payroll's month) and the person's birth as a month index. Entitlements held by
  an open suspension are left out; months of an unpaid suspension are skipped.

``single_rows`` / ``multi_rows`` price an entitlement with one group / with several month by month
(the several-group ones grouped per month to apply rule 3); ``due_totals`` sums them, pricing most
one-group entitlements by month ranges instead. The month index is year × 12 + month − 1,
so a person is at least ``lo`` years old in month ``mi`` when mi ≥ birth index + 12 × lo (the
birthday's month counts as reached).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from functools import lru_cache

from sqlalchemy import (
    BigInteger,
    BindParameter,
    Column,
    Connection,
    Date,
    Integer,
    MetaData,
    String,
    Table,
    and_,
    case,
    exists,
    func,
    insert,
    literal,
    select,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.schema import CreateIndex, CreateTable
from sqlalchemy.sql.functions import FunctionElement

from data_layer.allowance.months import from_index, month_index
from data_layer.allowance.reference import MAX_BANDS
from data_layer.allowance.rules import PENSION_AGE, PENSION_AGE_POOR, POOR_CATEGORIES, Reference, value_in
from data_layer.core.codes import GroupKind, PersonStatus
from data_layer.core.models import (
    Beneficiary,
    BeneficiaryCategory,
    Category,
    Entitlement,
    EntitlementGroup,
    EntitlementSuspension,
    EntitlementTerm,
    EntitlementTermGroup,
)

_meta = MetaData()
TEMP = {"prefixes": ["TEMPORARY"], "postgresql_on_commit": "DROP"}


def _int(name: str, **kw) -> Column:
    return Column(name, Integer, **kw)


MONTHS = Table(
    "allow_month",
    _meta,
    _int("mi", primary_key=True, autoincrement=False),
    Column("month", Date, index=True),
    Column("standard", BigInteger),
    Column("pension", BigInteger),
    Column("funeral", BigInteger),
    **TEMP,
)
BANDS = Table(
    "allow_band",
    _meta,
    _int("id", primary_key=True),
    _int("group_id", index=True),
    _int("mi_from"),
    _int("mi_to"),
    Column("kind", String(20)),
    _int("stacks"),
    *[_int(f"{part}{k}") for k in range(1, MAX_BANDS + 1) for part in ("lo", "hi", "t")],
    **TEMP,
)
# rid: the entitlement (eid is −term id for an earlier term); page: the pension age (rules, rule 4)
_ENT_COLUMNS = ("rid", "pid", "children", "w_from", "w_to", "bidx", "gap", "page")
ENT1 = Table(  # entitlements with one group
    "allow_ent1",
    _meta,
    _int("eid", primary_key=True, autoincrement=False),
    *map(_int, _ENT_COLUMNS),
    _int("gid"),
    **TEMP,
)
ENTM = Table(  # entitlements with several groups, their groups in allow_entg
    "allow_entm", _meta, _int("eid", primary_key=True, autoincrement=False), *map(_int, _ENT_COLUMNS), **TEMP
)
ENTG = Table("allow_entg", _meta, _int("eid", primary_key=True), _int("gid", primary_key=True), **TEMP)
DUE = Table(
    "allow_due",
    _meta,
    _int("eid", primary_key=True, autoincrement=False),
    Column("past", BigInteger),
    Column("now", BigInteger),
    _int("main"),
    **TEMP,
)
TABLES = (MONTHS, BANDS, ENT1, ENTM, ENTG, DUE)
FAR = 10**6  # a month index later than any real month


@contextmanager
def due_tables(connection: Connection, *extra: Table) -> Iterator[None]:
    """Create the temporary tables (and ``extra`` ones) for one computation, drop them afterwards."""
    create, drop = _create_and_drop(connection.dialect, (*TABLES, *extra))
    for statement in (*drop, *create):
        connection.exec_driver_sql(statement)
    yield
    for statement in drop:
        connection.exec_driver_sql(statement)


@lru_cache(maxsize=16)  # per engine's dialect: a few
def _create_and_drop(dialect: Dialect, tables: tuple[Table, ...]) -> tuple[list[str], list[str]]:
    """The statements that create ``tables`` with their indexes, and those that drop them: one of each
    on PostgreSQL (one round trip instead of three per table: a payroll build's 11 tables took 29 ms
    there, now 17), one per table on SQLite, whose driver runs one statement at a time."""
    temporary = "pg_temp" if dialect.name == "postgresql" else "temp"  # never a real table
    names = [f"{temporary}.{table.name}" for table in tables]
    create = [str(CreateTable(table).compile(dialect=dialect)) for table in tables]
    indexes = [index for table in tables for index in table.indexes]
    create += [str(CreateIndex(index).compile(dialect=dialect)) for index in indexes]
    if dialect.name == "postgresql":
        return [";\n".join(create)], [f"DROP TABLE IF EXISTS {', '.join(names)}"]
    return create, [f"DROP TABLE IF EXISTS {name}" for name in names]


@contextmanager
def written_join_order(connection: Connection) -> Iterator[None]:
    """PostgreSQL joins the tables of the statements run inside in the order the SQL writes them
    (``MULTI_FROM``: an entitlement's months first; its own estimates would start from every group's
    every month); SQLite follows the written CROSS JOINs anyway."""
    if connection.dialect.name != "postgresql":
        yield
        return
    before = connection.execute(text("SELECT current_setting('join_collapse_limit')")).scalar_one()
    connection.execute(text("SELECT set_config('join_collapse_limit', '1', true)"))
    yield
    connection.execute(text("SELECT set_config('join_collapse_limit', :value, true)"), {"value": before})


def analyze(connection: Connection, *tables: Table) -> None:
    """PostgreSQL plans temporary tables without statistics unless told; SQLite needs nothing."""
    if connection.dialect.name == "postgresql":
        for table in tables:
            connection.execute(text(f"ANALYZE {table.name}"))


def fill_reference(connection: Connection, reference: Reference, first: date, last: date) -> None:
    """The months from ``first`` to ``last`` with their amounts, and the coefficient bands."""
    fill_months(connection, reference, first, last)
    bands = list(_band_rows(reference))
    if bands:
        connection.execute(insert(BANDS), bands)


def fill_months(connection: Connection, reference: Reference, first: date, last: date) -> None:
    """The months from ``first`` to ``last`` with their amounts (``allow_month``)."""
    months = []
    for mi in range(month_index(first), month_index(last) + 1):
        month = from_index(mi)
        standard = reference.standard_in(month)
        multiplier = value_in(reference.funeral_multipliers, month) or 0
        months.append(
            {
                "mi": mi,
                "month": month,
                "standard": standard,
                "pension": reference.pension_in(month),
                "funeral": multiplier * standard,
            }
        )
    connection.execute(insert(MONTHS), months)


def _band_rows(reference: Reference) -> Iterator[dict]:
    empty = {f"{part}{k}": None for k in range(1, MAX_BANDS + 1) for part in ("lo", "hi", "t")}
    for rule in reference.groups.values():
        base = {"group_id": rule.id, "kind": rule.kind, "stacks": int(rule.adds_to_children)}
        if rule.kind == GroupKind.PENSION:
            yield base | empty | {"mi_from": 0, "mi_to": FAR}
            continue
        starts = [month_index(start) for start, _ in rule.versions] + [FAR + 1]
        for (_start, bands), mi_from, next_from in zip(rule.versions, starts, starts[1:], strict=False):
            slots = dict(empty)
            starts = {band.min_age for band in bands}
            for k, band in enumerate(bands, start=1):
                # hi in months: the birthday's month of an age no band continues is still paid (rule 2)
                high = None if band.max_age is None else 12 * band.max_age + (band.max_age not in starts)
                slots |= {f"lo{k}": band.min_age, f"hi{k}": high, f"t{k}": band.tenths}
            yield base | slots | {"mi_from": mi_from, "mi_to": next_from - 1}


class _MonthIndex(FunctionElement):
    """A date column's month index (year × 12 + month − 1), compiled for each database: SQLite reads
    the ISO text it stores a date as (twice as fast as strftime), PostgreSQL extracts the fields."""

    type = Integer()
    inherit_cache = True
    name = "month_index"


@compiles(_MonthIndex)
def _month_index_extract(element, compiler, **kw) -> str:
    day = compiler.process(_column_of(element), **kw)
    return (
        f"(CAST(EXTRACT(YEAR FROM {day}) AS INTEGER) * 12 + CAST(EXTRACT(MONTH FROM {day}) AS INTEGER) - 1)"
    )


@compiles(_MonthIndex, "sqlite")
def _month_index_text(element, compiler, **kw) -> str:
    day = compiler.process(_column_of(element), **kw)
    return f"(CAST(substr({day}, 1, 4) AS INTEGER) * 12 + CAST(substr({day}, 6, 2) AS INTEGER) - 1)"


def _column_of(element):
    (column,) = element.clauses.clauses
    if isinstance(column, BindParameter):  # its text is written twice: a parameter would be bound once
        raise TypeError("month index of a column only")
    return column


def index_of(column):
    """A date column as a month index, in the database's own SQL (NULL for NULL)."""
    return _MonthIndex(column)


class _Extreme(FunctionElement):
    """The largest (``greatest``) or smallest (``least``) of its arguments, none of them NULL:
    SQLite's scalar max()/min(), PostgreSQL's GREATEST/LEAST. One evaluation of each argument, where
    nested CASE expressions evaluated the inner ones again and again."""

    type = Integer()
    inherit_cache = True


class _Greatest(_Extreme):
    inherit_cache = True
    name = "greatest"


class _Least(_Extreme):
    inherit_cache = True
    name = "least"


def extreme(dialect: str, which: str, *values: str) -> str:
    """SQL text: the largest (``which`` "greatest") or smallest ("least") of ``values``, none of them
    NULL, in the database's own function (SQLite's scalar max()/min())."""
    name = {"greatest": "max", "least": "min"}[which] if dialect == "sqlite" else which
    return f"{name}({', '.join(values)})"


@compiles(_Greatest)
@compiles(_Least)
def _extreme(element, compiler, **kw) -> str:
    return extreme(compiler.dialect.name, element.name, compiler.process(element.clauses, **kw))


def _least(*values):
    """The smallest of values, a NULL value counting as no limit (the first must not be NULL)."""
    return _Least(values[0], *(func.coalesce(value, FAR) for value in values[1:]))


def poor_household(person_id):
    """SQL condition: the person is in a poor or near-poor household (registry categories)."""
    return exists().where(
        BeneficiaryCategory.beneficiary_id == person_id,
        BeneficiaryCategory.category_id == Category.id,
        Category.code.in_(POOR_CATEGORIES),
    )


def held():
    """SQL condition: the entitlement's payments are held by an open suspension."""
    return exists().where(
        EntitlementSuspension.entitlement_id == Entitlement.id, EntitlementSuspension.to_month.is_(None)
    )


def _most(*values):
    """The largest of values, a NULL value counting as no limit (the first must not be NULL)."""
    return _Greatest(values[0], *(func.coalesce(value, -FAR) for value in values[1:]))


def _group_counts(table, key):
    """Per owner (entitlement or term): its number of groups and its smallest group id."""
    return (
        select(key.label("owner"), func.count().label("n"), func.min(table.group_id).label("gid"))
        .group_by(key)
        .subquery()
    )


def fill_entitlements(connection: Connection, ward_ids: list[int] | None, payroll_month: date) -> None:
    """The entitlements of the wards (None: all) not held, with their months to pay and groups: the
    current groups from ``terms_from`` (or the start), each earlier term (``EntitlementTerm``) as a
    row of its own keyed by −term id, over its own months."""
    e, b, t = Entitlement, Beneficiary, EntitlementTerm
    start, paid = index_of(e.start_month), index_of(e.paid_until) + 1
    registry_end = case(
        (and_(b.status != PersonStatus.ACTIVE, b.status_date.is_not(None)), index_of(b.status_date))
    )
    gap = exists().where(
        EntitlementSuspension.entitlement_id == e.id,
        EntitlementSuspension.to_month.is_not(None),
        EntitlementSuspension.back_pay.is_(False),
    )
    last = (literal(month_index(payroll_month)), index_of(e.stop_date), registry_end)
    person = [
        case((b.birth_date.is_not(None), index_of(b.birth_date)), else_=b.birth_year * 12),
        case((gap, 1), else_=0),
        case((poor_household(b.id), PENSION_AGE_POOR), else_=PENSION_AGE),
    ]
    where = [~held()] + ([e.ward_id.in_(ward_ids)] if ward_ids is not None else [])
    names = ["eid", *_ENT_COLUMNS]
    current = _group_counts(EntitlementGroup, EntitlementGroup.entitlement_id)
    terms = _group_counts(EntitlementTermGroup, EntitlementTermGroup.term_id)
    sources = (
        (
            current,
            select(
                e.id,
                e.id,
                e.beneficiary_id,
                e.children,
                _most(start, paid, index_of(e.terms_from)),
                _least(*last),
                *person,
            )
            .join(b, b.id == e.beneficiary_id)
            .join(current, current.c.owner == e.id),
        ),
        (
            terms,
            select(
                -t.id,
                e.id,
                e.beneficiary_id,
                t.children,
                _most(start, paid, index_of(t.from_month)),
                _least(*last, index_of(t.to_month)),
                *person,
            )
            .join(e, e.id == t.entitlement_id)
            .join(b, b.id == e.beneficiary_id)
            .join(terms, terms.c.owner == t.id),
        ),
    )
    # one group: n < 2 rather than n = 1, the same rows, but PostgreSQL guesses a third of the owners for
    # it (for "= 1" a two-hundredth: then it joined every person and suspension row by row)
    for counts, base in sources:
        connection.execute(
            insert(ENT1).from_select(
                [*names, "gid"], base.add_columns(counts.c.gid).where(counts.c.n < 2, *where)
            )
        )
        connection.execute(insert(ENTM).from_select(names, base.where(counts.c.n > 1, *where)))
    connection.execute(
        text(
            "INSERT INTO allow_entg (eid, gid) SELECT g.entitlement_id, g.group_id FROM entitlementgroup g"
            " JOIN allow_entm x ON x.eid = g.entitlement_id"
            " UNION ALL SELECT -g.term_id, g.group_id FROM entitlementtermgroup g JOIN allow_entm x"
            " ON x.eid = -g.term_id"
        )
    )
    analyze(connection, MONTHS, BANDS, ENT1, ENTM, ENTG)


# --- the price of one entitlement-group-month (x: entitlement row, v: band, m: month) -------------

# age ≥ lo ⇔ mi ≥ bidx + 12 × lo (the birthday's month counts as reached); no birth: no age band matches
TENTHS = (
    "(CASE "
    + " ".join(
        f"WHEN v.t{k} IS NOT NULL AND (v.lo{k} IS NULL OR m.mi >= x.bidx + 12 * v.lo{k})"
        f" AND (v.hi{k} IS NULL OR m.mi < x.bidx + v.hi{k}) THEN v.t{k}"
        for k in range(1, MAX_BANDS + 1)
    )
    + " ELSE 0 END)"
)
# the social pension pays from the month the person reaches the pension age (rule 4; no birth: never)
PENSION = "(CASE WHEN m.mi >= x.bidx + 12 * x.page THEN m.pension ELSE 0 END)"
# one group alone: its own amount is the person's (rules 1 and 3 with a single group)
SINGLE_DUE = (
    f"(CASE v.kind WHEN 'pension' THEN {PENSION}"
    f" WHEN 'per_child' THEN (m.standard * {TENTHS} * coalesce(x.children, 0) + 5) / 10"
    f" ELSE (m.standard * {TENTHS} + 5) / 10 END)"
)
GAP = (  # a month of a suspension not paid back is not due
    "(x.gap = 0 OR NOT EXISTS (SELECT 1 FROM entitlementsuspension s WHERE s.entitlement_id = x.rid"
    " AND NOT s.back_pay AND s.to_month IS NOT NULL AND m.month BETWEEN s.from_month AND s.to_month))"
)
SINGLE_FROM = (
    "allow_ent1 x CROSS JOIN allow_band v CROSS JOIN allow_month m WHERE v.group_id = x.gid"
    " AND m.mi BETWEEN (CASE WHEN x.w_from > v.mi_from THEN x.w_from ELSE v.mi_from END)"
    f" AND (CASE WHEN x.w_to < v.mi_to THEN x.w_to ELSE v.mi_to END) AND {GAP}"
)
# entitlement → its months → its groups → each group's band version of the month: rows come out in
# (entitlement, month) order, so SQLite groups them without sorting
MULTI_FROM = (
    "allow_entm x CROSS JOIN allow_month m CROSS JOIN allow_entg g CROSS JOIN allow_band v"
    " WHERE m.mi BETWEEN x.w_from AND x.w_to AND g.eid = x.eid AND v.group_id = g.gid"
    f" AND m.mi BETWEEN v.mi_from AND v.mi_to AND {GAP}"
)


def single_rows(where: str = "") -> str:
    """eid, pid, mi, due, main group of the one-group entitlements, one row per month."""
    return f"SELECT x.eid, x.pid, m.mi, {SINGLE_DUE} AS due, x.gid AS main FROM {SINGLE_FROM}{where}"


def multi_rows(where: str = "", main_in: int | None = None) -> str:
    """eid, pid, mi, due, main group of the several-group entitlements, one row per month (rule 3;
    the main group is the one whose own amount is largest, ties to the lowest id, worked out only for
    the month index ``main_in``: the payroll's month; None for none)."""
    own = (
        f"(CASE WHEN v.kind = 'pension' THEN {PENSION} ELSE (m.standard * {TENTHS}"
        " * (CASE WHEN v.kind = 'per_child' THEN coalesce(x.children, 0) ELSE 1 END) + 5) / 10 END)"
    )
    per_month = (
        "SELECT x.eid AS eid, MAX(x.pid) AS pid, m.mi AS mi, MAX(m.standard) AS standard,"
        " MAX(m.pension) AS pension,"
        f" SUM(CASE WHEN v.kind = 'per_child' THEN {TENTHS} * coalesce(x.children, 0) ELSE 0 END) AS pc,"
        f" MAX(CASE WHEN v.kind = 'coefficient' THEN {TENTHS} ELSE 0 END) AS mx,"
        f" MAX(CASE WHEN v.stacks = 1 THEN {TENTHS} ELSE 0 END) AS st,"
        f" MAX(CASE WHEN v.kind = 'pension' AND {PENSION} > 0 THEN 1 ELSE 0 END) AS hp,"
        f" MAX({_only_in(main_in, own)} * 10000 + 9999 - g.gid) AS enc"
        f" FROM {MULTI_FROM}{where} GROUP BY x.eid, m.mi"
    )
    allowance = (
        "((standard * (CASE WHEN pc > 0 AND st > 0 THEN pc + mx WHEN pc > mx THEN pc ELSE mx END) + 5) / 10)"
    )
    return (
        f"SELECT eid, pid, mi, CASE WHEN hp = 1 AND pension > {allowance} THEN pension ELSE {allowance} END"
        f" AS due, CASE WHEN enc >= 10000 THEN 9999 - enc % 10000 END AS main FROM ({per_month}) p"
    )


def _only_in(month_index_: int | None, expression: str) -> str:
    """``expression`` in that month only (0 otherwise; always 0 for None)."""
    if month_index_ is None:
        return "0"
    return f"(CASE WHEN m.mi = {int(month_index_)} THEN {expression} ELSE 0 END)"
