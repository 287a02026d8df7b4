"""The official unit catalogue in the database: loading the conversion table (idempotent, says what
changed) and resolving a name as people type it, in either era, to today's units.

Old era: an old commune that went whole into one new unit resolves to it; a split one resolves to the
new unit that took "toàn bộ dân số" when the table names one, else it is ambiguous with every
candidate. A bare code resolves only within its era: most new codes were some other old commune's.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import bindparam, delete, select, update
from sqlmodel import Session

from data_layer.core import audit
from data_layer.core.access import Scope
from data_layer.core.codes import Action
from data_layer.core.db import bulk_insert, one_of
from data_layer.core.errors import Invalid
from data_layer.core.models import AdminUnit, UnitSuccession
from data_layer.registry.unit_names import unit_name
from data_layer.registry.unit_table import Succession

OLD, NEW = "old", "new"
ERAS = (OLD, NEW)
_UNIT_FIELDS = ("name", "loose_key", "province_code", "province", "district_code", "district")


@dataclass
class LoadReport:
    """What a load changed (all zero: the catalogue already was this table)."""

    units_added: int = 0
    units_changed: int = 0
    units_removed: int = 0
    links_added: int = 0
    links_changed: int = 0
    links_removed: int = 0
    warnings: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(
            (
                self.units_added,
                self.units_changed,
                self.units_removed,
                self.links_added,
                self.links_changed,
                self.links_removed,
            )
        )

    def lines(self) -> list[str]:
        """The report in Vietnamese, one line per fact."""
        if not self.changed:
            lines = ["Danh mục đơn vị hành chính không thay đổi (đã giống bảng này)."]
        else:
            lines = [
                f"Đơn vị hành chính: thêm {self.units_added}, sửa {self.units_changed}, "
                f"bỏ {self.units_removed}.",
                f"Quan hệ cũ → mới: thêm {self.links_added}, sửa {self.links_changed}, "
                f"bỏ {self.links_removed}.",
            ]
        return lines + self.warnings


UnitKey = tuple[str, str, str]  # era, code, name key


def _units_of(table: Iterable[Succession]) -> tuple[dict[UnitKey, dict], dict[tuple[UnitKey, UnitKey], dict]]:
    units: dict[UnitKey, dict] = {}
    links: dict[tuple[UnitKey, UnitKey], dict] = {}
    for row in table:
        new = unit_name(row.new_name)
        new_key = (NEW, row.new_code, new.key)
        units.setdefault(
            new_key,
            {
                "name": row.new_name,
                "loose_key": new.loose,
                "province_code": row.province_code,
                "province": row.province,
                "district_code": None,
                "district": None,
            },
        )
        if row.old_code is None:
            continue
        old = unit_name(row.old_name)
        old_key = (OLD, row.old_code, old.key)
        units.setdefault(
            old_key,
            {
                "name": row.old_name or "",
                "loose_key": old.loose,
                "province_code": row.old_province_code or "",
                "province": row.old_province or "",
                "district_code": row.old_district_code,
                "district": row.old_district,
            },
        )
        link = links.setdefault((old_key, new_key), {"note": row.note, "all_people": False})
        link["all_people"] = link["all_people"] or row.all_people
    return units, links


def _code_warnings(units: dict[UnitKey, dict]) -> list[str]:
    """Old codes the table gives two names (a fault of the table: both names are kept)."""
    names: dict[str, list[str]] = {}
    for (era, code, _key), unit in units.items():
        if era == OLD:
            names.setdefault(code, []).append(unit["name"])
    return [
        f"Lưu ý: bảng ghi mã xã cũ {code} cho nhiều tên ({', '.join(sorted(found))}); giữ cả hai."
        for code, found in sorted(names.items())
        if len(found) > 1
    ]


_UNITS = AdminUnit.__table__
_LINKS = UnitSuccession.__table__


def _sync_units(session: Session, units: dict[UnitKey, dict], report: LoadReport) -> dict[UnitKey, int]:
    """Units added, changed, removed (with their links) so the table equals ``units``; their ids."""
    stored = {
        (row.era, row.code, row.name_key): row
        for row in session.execute(
            select(
                _UNITS.c.id,
                _UNITS.c.era,
                _UNITS.c.code,
                _UNITS.c.name_key,
                *(_UNITS.c[f] for f in _UNIT_FIELDS),
            )
        )
    }
    gone = [row.id for key, row in stored.items() if key not in units]
    if gone:
        session.execute(delete(_LINKS).where(one_of(session, _LINKS.c.old_unit_id, gone)))
        session.execute(delete(_LINKS).where(one_of(session, _LINKS.c.new_unit_id, gone)))
        session.execute(delete(_UNITS).where(one_of(session, _UNITS.c.id, gone)))
    changed = [
        {"unit_id": stored[key].id, **unit}
        for key, unit in units.items()
        if key in stored and any(getattr(stored[key], f) != unit[f] for f in _UNIT_FIELDS)
    ]
    if changed:
        session.execute(
            update(_UNITS)
            .where(_UNITS.c.id == bindparam("unit_id"))
            .values({f: bindparam(f) for f in _UNIT_FIELDS}),
            changed,
        )
    added = [{"era": k[0], "code": k[1], "name_key": k[2], **u} for k, u in units.items() if k not in stored]
    bulk_insert(session, _UNITS, added)
    report.units_removed, report.units_changed, report.units_added = len(gone), len(changed), len(added)
    return {
        (row.era, row.code, row.name_key): row.id
        for row in session.execute(select(_UNITS.c.id, _UNITS.c.era, _UNITS.c.code, _UNITS.c.name_key))
    }


def _sync_links(session: Session, wanted: dict[tuple[int, int], dict], report: LoadReport) -> None:
    have = {
        (row.old_unit_id, row.new_unit_id): (row.note, row.all_people)
        for row in session.execute(select(_LINKS))
    }
    gone = [{"old": p[0], "new": p[1]} for p in have if p not in wanted]
    pair = (_LINKS.c.old_unit_id == bindparam("old")) & (_LINKS.c.new_unit_id == bindparam("new"))
    if gone:
        session.execute(delete(_LINKS).where(pair), gone)
    changed = [
        {"old": p[0], "new": p[1], **link}
        for p, link in wanted.items()
        if p in have and have[p] != (link["note"], link["all_people"])
    ]
    if changed:
        session.execute(
            update(_LINKS).where(pair).values(note=bindparam("note"), all_people=bindparam("all_people")),
            changed,
        )
    added = [
        {"old_unit_id": p[0], "new_unit_id": p[1], **link} for p, link in wanted.items() if p not in have
    ]
    bulk_insert(session, _LINKS, added)
    report.links_removed, report.links_changed, report.links_added = len(gone), len(changed), len(added)


def load_catalog(session: Session, scope: Scope, table: Iterable[Succession], *, source: str) -> LoadReport:
    """Make the catalogue equal to ``table``: units and old → new links added, changed or removed.
    Loading the same table again changes nothing."""
    scope.require_admin()
    units, links = _units_of(table)
    report = LoadReport(warnings=_code_warnings(units))
    ids = _sync_units(session, units, report)
    _sync_links(session, {(ids[old], ids[new]): link for (old, new), link in links.items()}, report)
    if report.changed:
        audit.record(
            session,
            scope,
            table="adminunit",
            row_id=None,
            action=Action.IMPORT,
            new=f"{source}: " + " ".join(report.lines()[:2]),
        )
    session.flush()
    return report


def catalog_is_empty(session: Session) -> bool:
    return session.execute(select(AdminUnit.id).limit(1)).first() is None


# --- resolving -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Resolution:
    """``found`` (one new unit), ``ambiguous`` (several, every candidate listed) or ``unknown``."""

    status: str
    units: list[dict]

    def as_json(self) -> dict:
        return {"status": self.status, "units": self.units}


def _unit_json(unit: AdminUnit) -> dict:
    entry = {
        "code": unit.code,
        "name": unit.name,
        "province": unit.province,
        "province_code": unit.province_code,
    }
    if unit.era == OLD:
        entry["district"] = unit.district
    return entry


def _matches(typed: str | None, candidates: Iterable[str], *, loose: bool = True) -> set[str]:
    """Of the candidate names, those that are the typed name: exact key if any, else without marks."""
    wanted = unit_name(typed)
    names = list(candidates)
    exact = {n for n in names if unit_name(n).key == wanted.key}
    if exact or not loose:
        return exact
    return {n for n in names if unit_name(n).loose == wanted.loose}


def _narrow(units: list[AdminUnit], typed: str) -> list[AdminUnit]:
    """Exact names (tone placement aside) before names typed without marks; the typed kind first."""
    wanted = unit_name(typed)
    exact = [u for u in units if u.name_key == wanted.key] or units
    if wanted.kind:
        exact = [u for u in exact if unit_name(u.name).kind == wanted.kind] or exact
    return exact


def _candidates(
    session: Session, *, name: str, province: str, district: str | None, era: str
) -> list[AdminUnit]:
    provinces = dict(
        session.execute(
            select(AdminUnit.province, AdminUnit.province_code).where(AdminUnit.era == era).distinct()
        ).all()
    )
    typed_province = (province or "").strip()
    codes = (
        {typed_province.zfill(2)}
        if typed_province.isdigit()
        else {provinces[n] for n in _matches(typed_province, provinces)}
    )
    if not codes:
        return []
    query = select(AdminUnit).where(AdminUnit.era == era, one_of(session, AdminUnit.province_code, codes))
    bare = (name or "").strip()
    if bare.isdigit():  # a bare code, read in the era asked for
        return list(session.execute(query.where(AdminUnit.code == bare.zfill(5))).scalars())
    units = list(session.execute(query.where(AdminUnit.loose_key == unit_name(name).loose)).scalars())
    if district and era == OLD:
        kept = _matches(district, {u.district or "" for u in units})
        units = [u for u in units if (u.district or "") in kept]
    return _narrow(units, name)


def _successors(session: Session, old: AdminUnit) -> list[tuple[AdminUnit, UnitSuccession]]:
    rows = session.execute(
        select(AdminUnit, UnitSuccession)
        .join(UnitSuccession, UnitSuccession.new_unit_id == AdminUnit.id)
        .where(UnitSuccession.old_unit_id == old.id)
        .order_by(AdminUnit.code)
    ).all()
    if len(rows) > 1:
        takers = [r for r in rows if r[1].all_people]
        if len(takers) == 1:
            return [tuple(takers[0])]
    return [tuple(r) for r in rows]


def resolve(
    session: Session, *, name: str, province: str, era: str, district: str | None = None
) -> Resolution:
    """Today's unit(s) for a name (or a code) typed in ``era`` ('old': before 1/7/2025; 'new')."""
    if era not in ERAS:
        raise Invalid("Thời kỳ phải là 'old' (trước 01/7/2025) hoặc 'new' (từ 01/7/2025).")
    units = _candidates(session, name=name, province=province, district=district, era=era)
    if era == NEW:
        found = [_unit_json(u) for u in units]
    else:
        found = []
        for old in units:
            for new, link in _successors(session, old):
                found.append({**_unit_json(new), "from": _unit_json(old), "note": link.note})
    codes = {u["code"] for u in found}
    status = "unknown" if not codes else "found" if len(codes) == 1 else "ambiguous"
    return Resolution(status=status, units=found)


def old_units_into(session: Session, name: str, new_code: str) -> list[AdminUnit]:
    """The old communes called ``name`` (as typed: "PHƯỜNG QUANG TRUNG") that went, whole or in part,
    into today's unit ``new_code``: what an old list's ward is, seen from the ward it is imported into."""
    typed = unit_name(name)
    new_unit = select(AdminUnit.id).where(AdminUnit.era == NEW, AdminUnit.code == new_code).scalar_subquery()
    units = list(
        session.execute(
            select(AdminUnit)
            .join(UnitSuccession, UnitSuccession.old_unit_id == AdminUnit.id)
            .where(
                AdminUnit.era == OLD,
                AdminUnit.loose_key == typed.loose,
                UnitSuccession.new_unit_id.in_(new_unit),
            )
            .order_by(AdminUnit.code)
        ).scalars()
    )
    return _narrow(units, name)


def successors_of(session: Session, old_code: str, old_name: str) -> list[tuple[str, str, bool]]:
    """Today's units an old commune went into: (code, name, took all the people), by code."""
    old = (
        select(AdminUnit.id)
        .where(AdminUnit.era == OLD, AdminUnit.code == old_code, AdminUnit.name == old_name)
        .scalar_subquery()
    )
    rows = session.execute(
        select(AdminUnit.code, AdminUnit.name, UnitSuccession.all_people)
        .join(UnitSuccession, UnitSuccession.new_unit_id == AdminUnit.id)
        .where(UnitSuccession.old_unit_id.in_(old))
        .order_by(AdminUnit.code)
    ).all()
    return [tuple(r) for r in rows]
