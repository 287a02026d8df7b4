"""Reference data of the monthly allowance, dated and edited by the admin, never constants in code:
the standard (mức chuẩn), the social pension level, the funeral multiplier, the groups and their
coefficients by age band. ``SEED_*`` below is only the initial content ``ansinh db init`` inserts
where missing (Decree 20/2021 Art. 5–6, Decree 76/2024, Decree 176/2025); seeding never changes a
row that exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, select
from sqlmodel import Session

from data_layer.allowance.rules import Band, GroupRule, Reference
from data_layer.core import audit
from data_layer.core.access import Scope
from data_layer.core.codes import Action, GroupKind, StandardKind
from data_layer.core.errors import Invalid, NotFound
from data_layer.core.models import AllowanceGroup, AllowanceStandard, GroupCoefficient
from data_layer.vn.formatting import format_month

MAX_BANDS = 4  # age bands per group version (the payroll's SQL reads them as four slots)

SEED_STANDARDS = [
    (StandardKind.STANDARD, date(2014, 1, 1), 270_000),
    (StandardKind.STANDARD, date(2021, 7, 1), 360_000),
    (StandardKind.STANDARD, date(2024, 7, 1), 500_000),
    (StandardKind.PENSION, date(2025, 7, 1), 500_000),
    (StandardKind.FUNERAL, date(2014, 1, 1), 20),
]
SEED_COEFFICIENTS_FROM = date(2014, 1, 1)
C, P, H = GroupKind.COEFFICIENT, GroupKind.PER_CHILD, GroupKind.PENSION
# code, name, kind, adds to a single parent's per-child rate, bands (min age, max age, tenths)
SEED_GROUPS = [
    ("5.1", "Trẻ em dưới 16 tuổi không có nguồn nuôi dưỡng", C, False, [(0, 4, 25), (4, 16, 15)]),
    ("5.2", "Người từ 16 đến 22 tuổi đang đi học, trước đó thuộc diện 5.1", C, False, [(16, 23, 15)]),
    ("5.3", "Trẻ em nhiễm HIV thuộc hộ nghèo", C, False, [(0, 4, 25), (4, 16, 20)]),
    ("5.4", "Người đơn thân thuộc hộ nghèo, cận nghèo đang nuôi con", P, False, [(None, None, 10)]),
    (
        "5.5a",
        "Người cao tuổi thuộc hộ nghèo không có người có nghĩa vụ phụng dưỡng",
        C,
        True,
        [(60, 80, 15), (80, None, 20)],
    ),
    (
        "5.5b",
        "Người từ 75 đến 80 tuổi thuộc hộ nghèo, cận nghèo vùng đặc biệt khó khăn",
        C,
        True,
        [(75, 80, 10)],
    ),
    ("5.5c", "Người từ 80 tuổi không có lương hưu, trợ cấp BHXH hằng tháng", C, True, [(80, None, 10)]),
    ("5.5d", "Người cao tuổi diện 5.5a được chăm sóc tại cộng đồng", C, True, [(60, None, 30)]),
    ("5.6a", "Người khuyết tật đặc biệt nặng", C, True, [(0, 16, 25), (16, 60, 20), (60, None, 25)]),
    ("5.6b", "Người khuyết tật nặng", C, True, [(0, 16, 20), (16, 60, 15), (60, None, 20)]),
    ("5.7", "Trẻ em dưới 3 tuổi thuộc hộ nghèo, cận nghèo vùng đặc biệt khó khăn", C, False, [(0, 3, 15)]),
    ("5.8", "Người nhiễm HIV thuộc hộ nghèo không có nguồn thu nhập ổn định", C, True, [(None, None, 15)]),
    ("HTXH", "Trợ cấp hưu trí xã hội", H, False, []),
]


def seed(session: Session) -> None:
    """Insert the seeded standards, groups and coefficients that are missing (rows that exist, even
    edited, stay as they are; a group that has coefficients gets none added)."""
    have = set(session.execute(select(AllowanceStandard.kind, AllowanceStandard.from_month)).all())
    session.add_all(
        AllowanceStandard(kind=kind, from_month=start, amount=amount)
        for kind, start, amount in SEED_STANDARDS
        if (kind, start) not in have
    )
    groups = {g.code: g for g in session.execute(select(AllowanceGroup)).scalars()}
    for code, name, kind, adds, _bands in SEED_GROUPS:
        if code not in groups:
            groups[code] = AllowanceGroup(code=code, name=name, kind=kind, adds_to_children=adds)
            session.add(groups[code])
    session.flush()
    with_rows = set(session.execute(select(GroupCoefficient.group_id)).scalars())
    for code, _name, _kind, _adds, bands in SEED_GROUPS:
        if groups[code].id not in with_rows:
            session.add_all(
                GroupCoefficient(group_id=groups[code].id, from_month=SEED_COEFFICIENTS_FROM, **_band(b))
                for b in bands
            )
    session.flush()


def _band(band: tuple[int | None, int | None, int]) -> dict:
    return {"min_age": band[0], "max_age": band[1], "tenths": band[2]}


def load_reference(session: Session) -> Reference:
    """Every standard and group, as the rules read them."""
    series: dict[str, list[tuple[date, int]]] = {k: [] for k in StandardKind}
    for kind, start, amount in session.execute(
        select(AllowanceStandard.kind, AllowanceStandard.from_month, AllowanceStandard.amount).order_by(
            AllowanceStandard.from_month
        )
    ):
        series[kind].append((start, amount))
    versions: dict[int, dict[date, list[Band]]] = {}
    for row in session.execute(
        select(GroupCoefficient).order_by(GroupCoefficient.from_month, GroupCoefficient.min_age)
    ).scalars():
        versions.setdefault(row.group_id, {}).setdefault(row.from_month, []).append(
            Band(row.min_age, row.max_age, row.tenths)
        )
    groups = {
        g.id: GroupRule(
            id=g.id,
            code=g.code,
            name=g.name,
            kind=GroupKind(g.kind),
            adds_to_children=g.adds_to_children,
            versions=tuple((start, tuple(bands)) for start, bands in sorted(versions.get(g.id, {}).items())),
        )
        for g in session.execute(select(AllowanceGroup)).scalars()
    }
    return Reference(
        standards=tuple(series[StandardKind.STANDARD]),
        pensions=tuple(series[StandardKind.PENSION]),
        funeral_multipliers=tuple(series[StandardKind.FUNERAL]),
        groups=groups,
    )


@dataclass(frozen=True)
class StandardRow:
    id: int
    kind: StandardKind
    from_month: date
    amount: int


def list_standards(session: Session) -> list[StandardRow]:
    """Every dated value, by kind then month."""
    rows = session.execute(
        select(AllowanceStandard).order_by(AllowanceStandard.kind, AllowanceStandard.from_month)
    ).scalars()
    return [StandardRow(r.id, StandardKind(r.kind), r.from_month, r.amount) for r in rows]


def checked_value(kind: str, amount: int | None) -> StandardKind:
    """The kind of a value about to be set, once the kind and the amount are known to be valid."""
    if kind not in StandardKind.__members__.values():
        raise Invalid(f"Loại mức '{kind}' không hợp lệ.")
    limit = 100 if kind == StandardKind.FUNERAL else 100_000_000
    if amount is None:
        raise Invalid("Chưa nhập mức.")
    if not 0 < amount <= limit:
        raise Invalid(f"Giá trị {amount} không hợp lệ (từ 1 đến {limit:,}).".replace(",", "."))
    return StandardKind(kind)


def set_standard(session: Session, scope: Scope, kind: StandardKind, from_month: date, amount: int) -> None:
    """Set the standard, the pension level or the funeral multiplier from ``from_month`` on
    (retroactive months show up as arrears in the next open payroll). Admin only; audited."""
    scope.require_admin()
    kind = checked_value(kind, amount)
    from_month = from_month.replace(day=1)
    row = session.execute(
        select(AllowanceStandard).where(
            AllowanceStandard.kind == kind, AllowanceStandard.from_month == from_month
        )
    ).scalar_one_or_none()
    old = row.amount if row else None
    if row is None:
        row = AllowanceStandard(kind=kind, from_month=from_month, amount=amount)
    row.amount = amount
    session.add(row)
    session.flush()
    audit.record(
        session,
        scope,
        table="allowancestandard",
        row_id=row.id,
        action=Action.INSERT if old is None else Action.UPDATE,
        field="amount",
        old=old,
        new=f"{amount} từ {format_month(from_month)}",
    )


@dataclass(frozen=True)
class GroupRow:
    """A group as the reference page shows it, with its version in force in a month."""

    id: int
    code: str
    name: str
    kind: GroupKind
    adds_to_children: bool
    active: bool
    version_from: date | None
    bands: tuple[Band, ...]


def list_groups(session: Session, month: date, *, include_inactive: bool = True) -> list[GroupRow]:
    """The groups by code, each with the coefficients in force in ``month``."""
    reference = load_reference(session)
    rows = session.execute(select(AllowanceGroup).order_by(AllowanceGroup.code)).scalars()
    found = []
    for g in rows:
        if g.active or include_inactive:
            rule = reference.groups[g.id]
            starts = [start for start, _ in rule.versions if start <= month]
            kind = GroupKind(g.kind)
            since = starts[-1] if starts else None
            found.append(
                GroupRow(
                    g.id, g.code, g.name, kind, g.adds_to_children, g.active, since, rule.bands_in(month)
                )
            )
    return found


def set_coefficients(
    session: Session, scope: Scope, group_id: int, from_month: date, bands: list[Band]
) -> None:
    """Replace a group's coefficients from ``from_month`` on with ``bands`` (one version: the bands
    of an earlier version stay for the months before). Admin only; audited."""
    scope.require_admin()
    group = session.get(AllowanceGroup, group_id)
    if group is None:
        raise NotFound("Không tìm thấy diện hưởng.")
    if group.kind == GroupKind.PENSION:
        raise Invalid("Trợ cấp hưu trí xã hội không có hệ số: sửa mức trợ cấp hưu trí xã hội.")
    check_bands(bands)
    from_month = from_month.replace(day=1)
    session.execute(
        delete(GroupCoefficient).where(
            GroupCoefficient.group_id == group_id, GroupCoefficient.from_month == from_month
        )
    )
    session.add_all(
        GroupCoefficient(group_id=group_id, from_month=from_month, **_band((b.min_age, b.max_age, b.tenths)))
        for b in bands
    )
    session.flush()
    audit.record(
        session,
        scope,
        table="groupcoefficient",
        row_id=group_id,
        action=Action.UPDATE,
        field="coefficients",
        new=f"{group.code} từ {format_month(from_month)}: " + "; ".join(describe_band(b) for b in bands),
    )


def check_bands(bands: list[Band]) -> None:
    """Age bands must be few, with coefficients of 0–10 and no age in two bands."""
    if not bands or len(bands) > MAX_BANDS:
        raise Invalid(f"Cần từ 1 đến {MAX_BANDS} mức hệ số theo tuổi.")
    ordered = sorted(bands, key=lambda b: -1 if b.min_age is None else b.min_age)
    for number, band in enumerate(ordered, start=1):
        if not 0 <= band.tenths <= 100:
            raise Invalid(f"Mức {number}: hệ số phải từ 0 đến 10.")
        if band.max_age is not None and band.max_age <= (band.min_age or 0):
            raise Invalid(f"Mức {number}: tuổi 'đến' phải lớn hơn tuổi 'từ'.")
    for before, after in zip(ordered, ordered[1:], strict=False):
        if before.max_age is None or after.min_age is None or after.min_age < before.max_age:
            raise Invalid("Các mức hệ số theo tuổi bị chồng lên nhau.")


def describe_band(band: Band) -> str:
    """'2,5 (dưới 4 tuổi)', '1,5 (từ 4 đến dưới 16 tuổi)', '1,5'."""
    value = f"{band.tenths // 10},{band.tenths % 10}"
    if band.min_age is None and band.max_age is None:
        return value
    if band.min_age in (None, 0):
        return f"{value} (dưới {band.max_age} tuổi)" if band.max_age is not None else value
    if band.max_age is None:
        return f"{value} (từ {band.min_age} tuổi)"
    return f"{value} (từ {band.min_age} đến dưới {band.max_age} tuổi)"


def group_ids_by_code(session: Session) -> dict[str, int]:
    """Group id by its code folded (lower case, no spaces): '5.5A' and '5.5 a' both find 5.5a."""
    return {
        code_key(code): gid for gid, code in session.execute(select(AllowanceGroup.id, AllowanceGroup.code))
    }


def code_key(text: str) -> str:
    return "".join(str(text).split()).casefold()
