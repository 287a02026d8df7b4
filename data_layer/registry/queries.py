"""Reads of the beneficiary registry, always restricted to the caller's scope."""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, String, cast, func, or_, select
from sqlmodel import Session

from data_layer.core.access import Scope
from data_layer.core.codes import AllocationStatus, PersonStatus, Problem
from data_layer.core.db import one_of
from data_layer.core.errors import Invalid
from data_layer.core.models import (
    Allocation,
    AuditEvent,
    Beneficiary,
    BeneficiaryCategory,
    SharedNameYear,
    Ward,
)
from data_layer.vn.collation import hamlet_key, person_key, person_order, text_key, text_order
from data_layer.vn.text import fold

CHUNK = 5000  # people read at a time by iter_people_columns
SEARCH_LIMIT = 100  # characters of a search text: a name or a CCCD is far shorter


@dataclass
class Filters:
    """What the Đối tượng page narrows the registry to (every field optional)."""

    ward_id: int | None = None
    hamlet: str | None = None
    category_id: int | None = None
    status: PersonStatus | None = None
    search: str | None = None
    problem: Problem | None = None
    batch_id: int | None = None  # people one import created or updated


@dataclass
class PersonRow:
    """One person as the registry shows them (category ids, ward name)."""

    id: int
    version: int
    ward_id: int
    ward: str
    name: str
    birth_date: date | None
    birth_year: int | None
    gender: str | None
    national_id: str | None
    hamlet: str | None
    categories: tuple[int, ...]
    status: str
    status_date: date | None
    status_reason: str | None
    social_insurance_no: str | None
    health_card_no: str | None
    clinic: str | None
    bank_account: str | None
    phone: str | None
    note: str | None


def problem_condition(problem: Problem) -> ColumnElement[bool]:
    """WHERE clause of one data-quality problem (same definitions as the progress tallies)."""
    if problem == Problem.MISSING_ID:
        return Beneficiary.national_id.is_(None)
    if problem == Problem.INVALID_ID:
        return Beneficiary.national_id.is_not(None) & func.length(Beneficiary.national_id).not_in([9, 12])
    if problem == Problem.NO_HAMLET:
        return Beneficiary.hamlet.is_(None)
    if problem == Problem.POSSIBLE_DUPLICATES:
        return (
            select(SharedNameYear.people)
            .where(
                SharedNameYear.name_key == Beneficiary.name_key,
                SharedNameYear.birth_year == Beneficiary.birth_year,
                SharedNameYear.ward_id == Beneficiary.ward_id,
            )
            .exists()
        )
    if problem == Problem.DEAD_WITH_GIFTS:
        pending = select(Allocation.beneficiary_id).where(Allocation.status == AllocationStatus.PLANNED)
        return (Beneficiary.status == PersonStatus.DIED) & Beneficiary.id.in_(pending)
    raise Invalid(f"Không có loại lỗi dữ liệu '{problem}'.")


def search_condition(text: str | None) -> ColumnElement[bool] | None:
    """People whose name contains ``text`` (without diacritics), or whose CCCD contains its digits;
    ``%`` and ``_`` are searched as themselves. A text over ``SEARCH_LIMIT`` characters is refused."""
    if text and len(text) > SEARCH_LIMIT:
        raise Invalid(f"Từ khóa tìm kiếm dài quá {SEARCH_LIMIT} ký tự: hãy gõ ngắn hơn.")
    if not text or not (needle := fold(text)):
        return None
    digits = "".join(ch for ch in text if ch.isdigit())
    matches = [Beneficiary.name_key.contains(needle, autoescape=True)]
    if len(digits) >= 3:
        matches.append(Beneficiary.national_id.contains(digits, autoescape=True))
    return or_(*matches)


def _conditions(scope: Scope, filters: Filters) -> list:
    conditions = [scope.ward_clause(Beneficiary.ward_id)]
    if filters.ward_id is not None:
        conditions.append(Beneficiary.ward_id == filters.ward_id)
    if filters.hamlet:
        conditions.append(Beneficiary.hamlet == filters.hamlet)
    if filters.status:
        conditions.append(Beneficiary.status == filters.status)
    if filters.batch_id is not None:  # people the import created, and those it updated
        updated = select(AuditEvent.row_id).where(
            AuditEvent.batch_id == filters.batch_id, AuditEvent.table_name == "beneficiary"
        )
        conditions.append(or_(Beneficiary.import_batch_id == filters.batch_id, Beneficiary.id.in_(updated)))
    if filters.category_id is not None:
        conditions.append(
            Beneficiary.id.in_(
                select(BeneficiaryCategory.beneficiary_id).where(
                    BeneficiaryCategory.category_id == filters.category_id
                )
            )
        )
    if (found := search_condition(filters.search)) is not None:
        conditions.append(found)
    if filters.problem:
        conditions.append(problem_condition(filters.problem))
    return conditions


def category_ids_of(session: Session, person_ids: Iterable[int]) -> dict[int, tuple[int, ...]]:
    """The category ids of each person (sorted)."""
    found: dict[int, list[int]] = defaultdict(list)
    for person_id, category_id in (
        session.connection()
        .execute(
            select(BeneficiaryCategory.beneficiary_id, BeneficiaryCategory.category_id)
            .where(one_of(session, BeneficiaryCategory.beneficiary_id, sorted(set(person_ids))))
            .order_by(BeneficiaryCategory.category_id)
        )
        .all()
    ):
        found[person_id].append(category_id)
    return {pid: tuple(cids) for pid, cids in found.items()}


_PERSON_COLUMNS = [
    getattr(Beneficiary, name)
    for name in PersonRow.__dataclass_fields__
    if name not in ("ward", "categories")
]


def _person_query(scope: Scope, filters: Filters):
    """The registry's rows (columns, not ORM objects: cheaper by thousands) in the page's order."""
    return (
        select(*_PERSON_COLUMNS, Ward.name.label("ward"))
        .join(Ward, Ward.id == Beneficiary.ward_id)
        .where(*_conditions(scope, filters))
        .order_by(
            *text_order(Ward.name),
            Ward.id,
            *person_order(Beneficiary.hamlet, Beneficiary.name),
            Beneficiary.id,
        )
    )


def _rows(session: Session, people) -> list[PersonRow]:
    categories = category_ids_of(session, (p.id for p in people))
    return [PersonRow(**p._mapping, categories=categories.get(p.id, ())) for p in people]


def count_people(session: Session, scope: Scope, filters: Filters) -> int:
    """How many people of the scope match the filters."""
    query = select(func.count()).select_from(Beneficiary).where(*_conditions(scope, filters))
    return session.execute(query).scalar_one()


def people_page(
    session: Session, scope: Scope, filters: Filters, *, page: int = 0, page_size: int = 200
) -> list[PersonRow]:
    """One page of the filtered registry, in list order (ward, hamlet, given name: Vietnamese order)."""
    query = _person_query(scope, filters).offset(page * page_size).limit(page_size)
    return _rows(session, session.execute(query).all())


def iter_people_columns(
    session: Session, scope: Scope, filters: Filters, *, chunk: int = CHUNK
) -> Iterator[dict[str, list]]:
    """The whole filtered registry in the page's order, ``chunk`` people at a time, for exports.
    Each chunk maps every ``PersonRow`` field to its values (columns: no object per person).

    The order is taken in Python (``person_key``, the same order as the page's SQL) from the five
    columns it needs, held for everyone at once (the export's peak memory stays about 115 MB at
    50,000 people); the people's rows are then read ``chunk`` at a time by id. Computing the
    Vietnamese sort keys of every row was most of the database's time (PostgreSQL's ``translate``
    over the alphabet, in a server-side cursor without parallel workers; SQLite calling Python per
    row). Each chunk is its own statement: on PostgreSQL a person edited during the export shows the
    edit, one removed is left out."""
    connection = session.connection()  # Core rows: the ORM's per-row handling is not needed here
    order = _ordered_ids(
        connection.execute(
            select(Beneficiary.id, Ward.name, Ward.id, Beneficiary.hamlet, Beneficiary.name)
            .join(Ward, Ward.id == Beneficiary.ward_id)
            .where(*_conditions(scope, filters))
        ).all()
    )
    categories = (  # "3,1": one text per person, read with the person (no second query per chunk)
        select(func.aggregate_strings(cast(BeneficiaryCategory.category_id, String), ","))
        .where(BeneficiaryCategory.beneficiary_id == Beneficiary.id)
        .scalar_subquery()
        .label("categories")
    )
    query = select(*_PERSON_COLUMNS, Ward.name.label("ward"), categories).join(
        Ward, Ward.id == Beneficiary.ward_id
    )
    for start in range(0, len(order), chunk):
        ids = order[start : start + chunk]
        result = connection.execute(query.where(one_of(session, Beneficiary.id, ids)))
        keys = list(result.keys())
        found = {person[0]: person for person in result.all()}
        people = [found[i] for i in ids if i in found]  # one removed meanwhile is left out
        columns = dict(zip(keys, map(list, zip(*people, strict=True)), strict=True))
        columns["categories"] = list(map(_category_ids, columns["categories"]))
        yield columns


@functools.lru_cache(maxsize=1 << 12)  # people share a few combinations of categories
def _category_ids(joined: str | None) -> tuple[int, ...]:
    """Category ids aggregated as "3,1" → (1, 3), sorted as ``category_ids_of`` gives them."""
    return tuple(sorted(map(int, joined.split(",")))) if joined else ()


def _ordered_ids(people: list) -> list[int]:
    """The ids of (id, ward name, ward id, hamlet, name) rows in the page's order (``_person_query``)."""
    people.sort(key=lambda p: (*text_key(p[1]), p[2], *person_key(p[3], p[4]), p[0]))
    return [p[0] for p in people]


def hamlets(session: Session, scope: Scope, ward_id: int | None = None) -> list[str]:
    """The hamlets named in the registry of the scope (optionally one ward), sorted."""
    conditions = [scope.ward_clause(Beneficiary.ward_id), Beneficiary.hamlet.is_not(None)]
    if ward_id is not None:
        conditions.append(Beneficiary.ward_id == ward_id)
    query = select(Beneficiary.hamlet).where(*conditions).distinct()
    return sorted(session.execute(query).scalars(), key=hamlet_key)
