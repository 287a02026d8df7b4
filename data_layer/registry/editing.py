"""Inline editing of the registry: the Đối tượng grid's changes → checked, versioned, audited writes.

The page hands over the rows it showed (``PersonRow``, with ``id`` and ``version``) and the grid's
edited / added / deleted rows (positions in that list, not ids). Each row is validated with the
importer's own parsers and saved in its own savepoint: a row that fails, or whose version changed
since it was read (someone else saved first), is refused with a message and the other rows are
still saved. Writes are constrained to the user's wards in the SQL itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import delete, func, select, update
from sqlmodel import Session

from data_layer.core import audit
from data_layer.core.access import Scope
from data_layer.core.codes import Action, AllocationStatus, PersonStatus
from data_layer.core.errors import Conflict, Invalid, NotFound, UserError
from data_layer.core.models import Allocation, Beneficiary, BeneficiaryCategory, Category, PayrollLine, utcnow
from data_layer.registry.fields import EDITABLE, FIELDS
from data_layer.registry.queries import PersonRow, category_ids_of
from data_layer.vn import labels
from data_layer.vn.text import fold, normalize_text
from data_layer.vn.values import (
    CellError,
    card_matches_number,
    check_restored_national_id,
    parse_date,
    parse_gender,
    parse_health_card_no,
    parse_national_id,
    parse_social_insurance_no,
)


def _clean_text(key: str, value) -> str | None:
    text = normalize_text(str(value)) if value is not None else None
    limit = FIELDS[key].max_length
    if text and limit and len(text) > limit:
        raise CellError(f"dài {len(text)} ký tự, tối đa {limit}.")
    return text


def _clean_date(key: str, value) -> date | None:
    day = parse_date(value)[0]
    if day is None:
        raise CellError(f"'{value}' không phải ngày đủ ngày/tháng/năm (dd/mm/yyyy).")
    if key == "status_date" and day > date.today():
        raise CellError(f"'{value}' ở tương lai.")
    return day


def _clean_categories(value, known: set[int]) -> list[int]:
    ids = sorted({int(v) for v in value})
    if unknown := [c for c in ids if c not in known]:
        raise CellError("nhóm đối tượng không có trong danh mục: " + ", ".join(map(str, unknown)))
    return ids


def _clean_status(value) -> PersonStatus:
    status = labels.code_for(PersonStatus, str(value))
    if status is None:
        raise CellError(f"'{value}' không phải tình trạng hợp lệ.")
    return status


def clean_value(key: str, value, known_categories: set[int]):
    """One edited value checked with the importer's rules; returns what to store (Vietnamese
    ``CellError`` naming the column otherwise)."""
    try:
        if isinstance(value, str) and not value.strip():
            value = None
        if value is None or (FIELDS[key].kind == "categories" and not len(value)):
            if key in ("name", "status"):
                raise CellError("không được để trống.")
            return [] if key == "categories" else None
        kind = FIELDS[key].kind
        if kind == "date":
            return _clean_date(key, value)
        if kind == "year":
            return parse_date(int(value) if isinstance(value, float) else value)[1]
        if kind == "gender":
            return parse_gender(value)
        if kind == "national_id":
            return parse_national_id(value)
        if kind == "social_insurance_no":
            return parse_social_insurance_no(value)
        if kind == "health_card_no":
            return parse_health_card_no(value)
        if kind == "status":
            return _clean_status(value)
        if kind == "categories":
            return _clean_categories(value, known_categories)
        return _clean_text(key, value)
    except CellError as exc:
        raise CellError(f"Cột '{FIELDS[key].label}': {exc}") from None


def check_national_id_free(
    session: Session, ward_id: int, national_id: str | None, person_id: int | None
) -> None:
    """A national ID belongs to one person of a ward (the database enforces it too)."""
    if not national_id:
        return
    other = session.execute(
        select(Beneficiary.name).where(
            Beneficiary.ward_id == ward_id,
            Beneficiary.national_id == national_id,
            Beneficiary.id != (person_id or 0),
        )
    ).scalar_one_or_none()
    if other is not None:
        raise Conflict(f"Cột 'Số CCCD': {national_id} đã là số CCCD của {other} trong phường/xã này.")


def check_card_matches(values: dict) -> None:
    """The health-insurance card's last 10 digits are the person's social-insurance number."""
    card, number = values.get("health_card_no"), values.get("social_insurance_no")
    if not card_matches_number(card, number):
        raise CellError(
            f"Cột '{FIELDS['health_card_no'].label}': số thẻ {card} không khớp mã số BHXH {number} "
            "(10 chữ số cuối của số thẻ phải là mã số BHXH)."
        )


def check_status_change(values: dict) -> None:
    """A person leaving the lists (died, moved, ineligible) needs the date and the reason."""
    if values.get("status", PersonStatus.ACTIVE) != PersonStatus.ACTIVE and (
        not values.get("status_date") or not values.get("status_reason")
    ):
        raise Invalid(
            "Khi đổi tình trạng sang đã mất/chuyển đi/không còn đủ điều kiện, cần ghi ngày và lý do."
        )


@dataclass
class SaveResult:
    saved: int = 0
    saved_positions: list[int] = field(default_factory=list)  # edited rows (grid positions) now stored
    errors: dict[str, str] = field(default_factory=dict)  # "Dòng 3" / "Dòng mới 1" → message
    flagged_allocations: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def save_person_changes(
    session: Session,
    scope: Scope,
    shown: list[PersonRow],
    edited_rows: dict[int, dict],
    added_rows: list[dict],
    deleted_rows: list[int],
    *,
    default_ward_id: int | None = None,
) -> SaveResult:
    """Apply the grid's changes; each row commits or fails on its own."""
    scope.require_write()
    result = SaveResult()
    known = set(session.execute(select(Category.id)).scalars())

    def _update(row: PersonRow, changes: dict) -> None:
        result.flagged_allocations += update_person(session, scope, row.id, row.version, changes, known)

    for position, changes in sorted(edited_rows.items()):
        row = shown[position]
        if _savepoint(session, result, f"Dòng {position + 1}", lambda r=row, c=changes: _update(r, c)):
            result.saved_positions.append(position)
    for index, values in enumerate(added_rows, start=1):
        add = lambda v=values: insert_person(session, scope, v, default_ward_id, known)  # noqa: E731
        _savepoint(session, result, f"Dòng mới {index}", add)
    for position in sorted(deleted_rows):
        row = shown[position]
        _savepoint(
            session, result, f"Xóa dòng {position + 1}", lambda r=row: delete_person(session, scope, r.id)
        )
    return result


def _savepoint(session: Session, result: SaveResult, label: str, action: Callable[[], object]) -> bool:
    """Run one row's write in a savepoint: on failure only that row is rolled back."""
    try:
        with session.begin_nested():
            action()
    except UserError as exc:
        result.errors[label] = str(exc)
        return False
    result.saved += 1
    return True


def person_in_scope(session: Session, scope: Scope, person_id: int) -> Beneficiary:
    """The person if they are in the user's wards and the user may change them."""
    person = session.execute(
        select(Beneficiary).where(Beneficiary.id == person_id, scope.ward_clause(Beneficiary.ward_id))
    ).scalar_one_or_none()
    if person is None:
        raise NotFound("Không tìm thấy người này hoặc bạn không có quyền (phường/xã khác).")
    scope.require_ward(person.ward_id)
    return person


def _set_categories(session: Session, person_id: int, category_ids: list[int]) -> None:
    session.execute(delete(BeneficiaryCategory).where(BeneficiaryCategory.beneficiary_id == person_id))
    if category_ids:
        session.execute(
            BeneficiaryCategory.__table__.insert(),
            [{"beneficiary_id": person_id, "category_id": c} for c in category_ids],
        )


def _category_text(session: Session, category_ids) -> str:
    """Category names as the audit log keeps them ("Hộ nghèo; Người cao tuổi")."""
    names = dict(session.execute(select(Category.id, Category.name)).all())
    return "; ".join(names[c] for c in sorted(category_ids))


def _checked_changes(session: Session, current: Beneficiary, changes: dict, known: set[int]) -> dict:
    """The grid's changes to one person, each value and the person as a whole checked."""
    values = {k: clean_value(k, v, known) for k, v in changes.items() if k in EDITABLE}
    kept = (
        "status",
        "status_date",
        "status_reason",
        "birth_year",
        "gender",
        "social_insurance_no",
        "health_card_no",
    )
    merged = {f: getattr(current, f) for f in kept}
    merged |= values
    check_status_change(merged)
    check_card_matches(merged)
    if values.get("national_id"):
        check_national_id_free(session, current.ward_id, values["national_id"], current.id)
        try:
            check_restored_national_id(
                changes["national_id"], values["national_id"], merged["birth_year"], merged["gender"]
            )
        except CellError as exc:
            raise CellError(f"Cột '{FIELDS['national_id'].label}': {exc}") from None
    return values


def update_person(
    session: Session, scope: Scope, person_id: int, version: int, changes: dict, known: set[int]
) -> int:
    """Update one person if ``version`` is still current; returns their planned gifts when the
    change takes them off the lists (to be reviewed)."""
    current = person_in_scope(session, scope, person_id)
    values = _checked_changes(session, current, changes, known)
    if current.version != version:
        other = "; ".join(
            f"{FIELDS[k].label} = {audit.as_text(getattr(current, k)) or '(trống)'}"
            for k in values
            if k != "categories"
        )
        raise Conflict(
            f"Người khác đã sửa người này trước bạn ({other or 'đã thay đổi'}). "
            "Tải lại trang để xem giá trị mới; thay đổi của bạn chưa được lưu."
        )
    categories = values.pop("categories", None)
    if "name" in values:
        values["name_key"] = fold(values["name"])
    if values.get("birth_date"):
        values["birth_year"] = values["birth_date"].year
    old = {k: getattr(current, k) for k in values}
    updated = session.execute(
        update(Beneficiary)
        .where(
            Beneficiary.id == current.id,
            Beneficiary.version == version,
            scope.ward_clause(Beneficiary.ward_id),
        )
        .values(**values, version=Beneficiary.version + 1, updated_at=utcnow())
    ).rowcount
    if updated != 1:
        raise Conflict("Người khác vừa sửa người này: tải lại trang rồi sửa lại.")
    changes = {k: (old[k], new) for k, new in values.items() if k != "name_key" and old[k] != new}
    if categories is not None:
        before = category_ids_of(session, [current.id]).get(current.id, ())
        _set_categories(session, current.id, categories)
        changes["categories"] = (_category_text(session, before), _category_text(session, categories))
    for key, (before_value, after_value) in changes.items():
        audit.record(
            session,
            scope,
            table="beneficiary",
            row_id=current.id,
            action=Action.UPDATE,
            ward_id=current.ward_id,
            field=key,
            old=before_value,
            new=after_value,
        )
    if values.get("status", PersonStatus.ACTIVE) == PersonStatus.ACTIVE:
        return 0
    return session.execute(
        select(func.count())
        .select_from(Allocation)
        .where(Allocation.beneficiary_id == current.id, Allocation.status == AllocationStatus.PLANNED)
    ).scalar_one()


def insert_person(
    session: Session, scope: Scope, values: dict, default_ward_id: int | None, known: set[int]
) -> Beneficiary:
    """Add one person typed into the grid (ward: the row's, else the page's chosen ward)."""
    ward_id = values.get("ward_id") or default_ward_id
    if ward_id is None:
        raise Invalid("Chọn phường/xã cho người mới.")
    scope.require_ward(ward_id)
    clean = {
        k: clean_value(k, values.get(k, PersonStatus.ACTIVE if k == "status" else None), known)
        for k in EDITABLE
    }
    check_status_change(clean)
    check_card_matches(clean)
    check_national_id_free(session, ward_id, clean["national_id"], None)
    categories = clean.pop("categories")
    if clean["birth_date"]:
        clean["birth_year"] = clean["birth_date"].year
    person = Beneficiary(ward_id=ward_id, name_key=fold(clean["name"]), **clean)
    session.add(person)
    session.flush()
    _set_categories(session, person.id, categories)
    audit.record(
        session,
        scope,
        table="beneficiary",
        row_id=person.id,
        action=Action.INSERT,
        ward_id=ward_id,
        new=person.name,
    )
    return person


def delete_person(session: Session, scope: Scope, person_id: int) -> None:
    """Remove a person entered by mistake (refused once they received a gift: change the status)."""
    person = person_in_scope(session, scope, person_id)
    delivered = session.execute(
        select(func.count())
        .select_from(Allocation)
        .where(Allocation.beneficiary_id == person.id, Allocation.status == AllocationStatus.DELIVERED)
    ).scalar_one()
    if delivered:
        raise Invalid(f"{person.name} đã nhận {delivered} suất quà: không xóa được, hãy đổi tình trạng.")
    paid = session.execute(
        select(PayrollLine.id).where(PayrollLine.beneficiary_id == person.id).limit(1)
    ).first()
    if paid:
        raise Invalid(f"{person.name} đã có trong danh sách chi trả: không xóa được, hãy dừng hưởng.")
    session.execute(delete(Allocation).where(Allocation.beneficiary_id == person.id))
    session.execute(delete(BeneficiaryCategory).where(BeneficiaryCategory.beneficiary_id == person.id))
    session.execute(delete(Beneficiary).where(Beneficiary.id == person.id))
    audit.record(
        session,
        scope,
        table="beneficiary",
        row_id=person.id,
        action=Action.DELETE,
        ward_id=person.ward_id,
        old=f"{person.name} ({person.birth_year or ''}, {person.national_id or ''})",
    )
