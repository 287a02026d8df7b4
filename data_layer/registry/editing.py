"""Inline editing of the registry: st.data_editor changes → checked, versioned, audited writes.

The page hands over the rows it showed (with their ``id`` and ``version``) and the editor's
``edited_rows`` / ``added_rows`` / ``deleted_rows`` (positions in that frame, not ids). Each row
is validated with the importer's own parsers and saved on its own: a row that fails or whose
version changed since it was read (someone else saved first) is refused with a message and the
other rows are still saved. Writes are constrained to the user's wards in the SQL itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import delete, func, or_, select, update
from sqlmodel import Session

from data_layer.core import audit
from data_layer.core.access import AccessDenied, Scope
from data_layer.core.models import (
    BENEFICIARY_STATUSES,
    Allocation,
    AuditEvent,
    Beneficiary,
    BeneficiaryCategory,
    Category,
    SharedNameYear,
    User,
    Ward,
    utcnow,
)
from data_layer.vn.text import fold, normalize_text
from data_layer.vn.values import CellError, parse_date, parse_gender, parse_national_id

STATUS_LABELS = {
    "active": "Đang hưởng",
    "died": "Đã mất",
    "moved": "Chuyển đi",
    "ineligible": "Không còn đủ điều kiện",
}
STATUS_CODES = {label: code for code, label in STATUS_LABELS.items()}
# The "Đúng, Đủ, Sạch, Sống" problems the progress page counts (registry_quality keys), as filters.
PROBLEM_LABELS = {
    "missing_id": "Thiếu CCCD",
    "invalid_id": "CCCD sai độ dài",
    "no_hamlet": "Chưa có thôn/tổ",
    "possible_duplicates": "Có thể trùng phường/xã khác",
    "dead_with_gifts": "Đã mất còn quà chưa phát",
}
EDITABLE = (
    "name",
    "birth_date",
    "birth_year",
    "gender",
    "national_id",
    "hamlet",
    "categories",
    "status",
    "status_date",
    "status_reason",
    "bank_account",
    "phone",
    "note",
)
FIELD_LABELS = {
    "name": "Họ và tên",
    "birth_date": "Ngày sinh",
    "birth_year": "Năm sinh",
    "gender": "Giới tính",
    "national_id": "Số CCCD",
    "hamlet": "Thôn/tổ",
    "categories": "Đối tượng",
    "status": "Tình trạng",
    "status_date": "Ngày thay đổi",
    "status_reason": "Lý do",
    "bank_account": "Số tài khoản",
    "phone": "Điện thoại",
    "note": "Ghi chú",
    "ward_id": "Phường/xã",
}


@dataclass
class Filters:
    ward_id: int | None = None
    hamlet: str | None = None
    category: str | None = None
    status: str | None = None
    search: str | None = None
    problem: str | None = None  # a key of PROBLEM_LABELS


def _problem_condition(problem: str):
    """WHERE clause of one data-quality problem (same definitions as the progress tallies)."""
    if problem == "missing_id":
        return Beneficiary.national_id.is_(None)
    if problem == "invalid_id":
        return Beneficiary.national_id.is_not(None) & func.length(Beneficiary.national_id).not_in([9, 12])
    if problem == "no_hamlet":
        return Beneficiary.hamlet.is_(None)
    if problem == "possible_duplicates":
        return (
            select(SharedNameYear.people)
            .where(
                SharedNameYear.name_key == Beneficiary.name_key,
                SharedNameYear.birth_year == Beneficiary.birth_year,
                SharedNameYear.ward_id == Beneficiary.ward_id,
            )
            .exists()
        )
    if problem == "dead_with_gifts":
        pending = select(Allocation.beneficiary_id).where(Allocation.status == "planned")
        return (Beneficiary.status == "died") & Beneficiary.id.in_(pending)
    raise ValueError(f"Không có loại lỗi dữ liệu '{problem}'.")


def _conditions(scope: Scope, filters: Filters) -> list:
    conditions = [scope.ward_clause(Beneficiary.ward_id)]
    if filters.ward_id is not None:
        conditions.append(Beneficiary.ward_id == filters.ward_id)
    if filters.hamlet:
        conditions.append(Beneficiary.hamlet == filters.hamlet)
    if filters.status:
        conditions.append(Beneficiary.status == filters.status)
    if filters.category:
        conditions.append(
            Beneficiary.id.in_(
                select(BeneficiaryCategory.beneficiary_id)
                .join(Category, Category.id == BeneficiaryCategory.category_id)
                .where(Category.code == filters.category)
            )
        )
    if filters.search and (needle := fold(filters.search)):
        digits = "".join(ch for ch in filters.search if ch.isdigit())
        matches = [Beneficiary.name_key.contains(needle, autoescape=True)]
        if len(digits) >= 3:
            matches.append(Beneficiary.national_id.contains(digits, autoescape=True))
        conditions.append(or_(*matches))
    if filters.problem:
        conditions.append(_problem_condition(filters.problem))
    return conditions


def beneficiary_page(
    session: Session, scope: Scope, filters: Filters, *, page: int = 0, page_size: int = 200
) -> tuple[list[dict], int]:
    """One page of the filtered registry (by name) and the number of matching people."""
    conditions = _conditions(scope, filters)
    total = session.execute(select(func.count()).select_from(Beneficiary).where(*conditions)).scalar_one()
    people = session.execute(
        select(Beneficiary, Ward.code)
        .join(Ward, Ward.id == Beneficiary.ward_id)
        .where(*conditions)
        .order_by(Beneficiary.name_key, Beneficiary.id)
        .offset(page * page_size)
        .limit(page_size)
    ).all()
    codes: dict[int, list[str]] = {}
    if people:
        for person_id, code in session.execute(
            select(BeneficiaryCategory.beneficiary_id, Category.code)
            .join(Category, Category.id == BeneficiaryCategory.category_id)
            .where(BeneficiaryCategory.beneficiary_id.in_([p.id for p, _ in people]))
            .order_by(Category.code)
        ):
            codes.setdefault(person_id, []).append(code)
    rows = [
        {
            "id": p.id,
            "version": p.version,
            "ward": ward_code,
            "name": p.name,
            "birth_date": p.birth_date,
            "birth_year": p.birth_year,
            "gender": p.gender,
            "national_id": p.national_id,
            "hamlet": p.hamlet,
            "categories": ", ".join(codes.get(p.id, [])),
            "status": p.status,
            "status_date": p.status_date,
            "status_reason": p.status_reason,
            "bank_account": p.bank_account,
            "phone": p.phone,
            "note": p.note,
        }
        for p, ward_code in people
    ]
    return rows, total


def hamlets(session: Session, scope: Scope, ward_id: int | None = None) -> list[str]:
    conditions = [scope.ward_clause(Beneficiary.ward_id), Beneficiary.hamlet.is_not(None)]
    if ward_id is not None:
        conditions.append(Beneficiary.ward_id == ward_id)
    return list(
        session.execute(
            select(Beneficiary.hamlet).where(*conditions).distinct().order_by(Beneficiary.hamlet)
        ).scalars()
    )


# --- validation --------------------------------------------------------------------------------


def _clean(field_name: str, value, category_ids: dict[str, int]):
    """Validate one edited value with the importer's rules; returns the value to store."""
    if isinstance(value, str):
        value = normalize_text(value)
    if value is None or value == "":
        if field_name == "name":
            raise CellError("Thiếu họ và tên.")
        if field_name == "status":
            raise CellError("Thiếu tình trạng.")
        return [] if field_name == "categories" else None
    if field_name == "birth_date":
        day = parse_date(value)[0]
        if day is None:
            raise CellError(
                f"Ngày sinh '{value}' không hợp lệ: ghi đủ ngày/tháng/năm (hoặc dùng cột Năm sinh)."
            )
        return day
    if field_name == "birth_year":
        return parse_date(int(value) if isinstance(value, float) else value)[1]
    if field_name == "status_date":
        day = parse_date(value)[0]
        if day is None or day > date.today():
            raise CellError(f"Ngày thay đổi '{value}' không hợp lệ.")
        return day
    if field_name == "gender":
        return parse_gender(value)
    if field_name == "national_id":
        return parse_national_id(value)
    if field_name == "status":
        value = STATUS_CODES.get(value, value)
        if value not in BENEFICIARY_STATUSES:
            raise CellError(f"Tình trạng '{value}' không hợp lệ.")
        return value
    if field_name == "categories":
        codes = sorted({c.strip().upper() for c in str(value).replace(";", ",").split(",") if c.strip()})
        if unknown := [c for c in codes if c not in category_ids]:
            raise CellError("Nhóm đối tượng không có trong danh mục: " + ", ".join(unknown))
        return codes
    return str(value)


def _check_status(values: dict) -> None:
    if values.get("status", "active") != "active" and (
        not values.get("status_date") or not values.get("status_reason")
    ):
        raise CellError(
            "Khi đổi tình trạng sang đã mất/chuyển đi/không còn đủ điều kiện, cần ghi ngày và lý do."
        )


# --- saving ------------------------------------------------------------------------------------


@dataclass
class SaveResult:
    saved: int = 0
    saved_positions: list[int] = field(default_factory=list)  # edited rows (frame positions) now stored
    errors: dict[str, str] = field(default_factory=dict)  # "sửa dòng 3" / "thêm dòng 1" → message
    flagged_allocations: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def save_beneficiary_changes(
    session: Session,
    scope: Scope,
    shown: list[dict],
    edited_rows: dict,
    added_rows: list[dict],
    deleted_rows: list[int],
    *,
    default_ward_id: int | None = None,
) -> SaveResult:
    """Apply the data_editor state to the database; each row commits or fails on its own."""
    scope.require_write()
    result = SaveResult()
    category_ids = dict(session.execute(select(Category.code, Category.id)).all())
    for position, changes in sorted(edited_rows.items(), key=lambda kv: int(kv[0])):
        row = shown[int(position)]
        update_row = lambda r=row, c=changes: _update_person(session, scope, r, c, category_ids, result)  # noqa: E731
        if _savepoint(session, result, f"Dòng {int(position) + 1}", update_row):
            result.saved_positions.append(int(position))
    for index, values in enumerate(added_rows, start=1):
        _savepoint(
            session,
            result,
            f"Dòng mới {index}",
            lambda v=values: _insert_person(session, scope, v, default_ward_id, category_ids),
        )
    for position in sorted(deleted_rows):
        row = shown[int(position)]
        _savepoint(
            session, result, f"Xóa dòng {int(position) + 1}", lambda r=row: _delete_person(session, scope, r)
        )
    return result


def _savepoint(session: Session, result: SaveResult, label: str, action) -> bool:
    """Run one row's write in a savepoint: on failure only that row is rolled back."""
    try:
        with session.begin_nested():
            action()
    except (CellError, ValueError, AccessDenied) as exc:
        result.errors[label] = str(exc)
        return False
    result.saved += 1
    return True


def _set_categories(session: Session, person_id: int, codes: list[str], category_ids: dict[str, int]) -> None:
    session.execute(delete(BeneficiaryCategory).where(BeneficiaryCategory.beneficiary_id == person_id))
    if codes:
        session.execute(
            BeneficiaryCategory.__table__.insert(),
            [{"beneficiary_id": person_id, "category_id": category_ids[c]} for c in codes],
        )


def _labelled(field_name: str, exc: CellError) -> CellError:
    return CellError(f"Cột '{FIELD_LABELS.get(field_name, field_name)}': {exc}")


def _update_person(
    session: Session, scope: Scope, row: dict, changes: dict, category_ids: dict, result: SaveResult
) -> None:
    current = session.execute(
        select(Beneficiary).where(Beneficiary.id == row["id"], scope.ward_clause(Beneficiary.ward_id))
    ).scalar_one_or_none()
    if current is None:
        raise AccessDenied("Không tìm thấy người này hoặc bạn không có quyền sửa (phường/xã khác).")
    values = {}
    for field_name, raw in changes.items():
        if field_name not in EDITABLE:
            continue
        try:
            values[field_name] = _clean(field_name, raw, category_ids)
        except CellError as exc:
            raise _labelled(field_name, exc) from None
    merged = {f: getattr(current, f) for f in ("status", "status_date", "status_reason")} | values
    _check_status(merged)
    if current.version != row["version"]:
        other = {f: audit.as_text(getattr(current, f)) for f in values if f != "categories"}
        shown_other = "; ".join(f"{FIELD_LABELS[f]} = {v or '(trống)'}" for f, v in other.items())
        raise ValueError(
            f"Người khác đã sửa người này trước bạn ({shown_other or 'đã thay đổi'}). "
            "Tải lại trang để xem giá trị mới; thay đổi của bạn chưa được lưu."
        )
    categories = values.pop("categories", None)
    if "name" in values:
        values["name_key"] = fold(values["name"])
    if "birth_date" in values and values["birth_date"]:
        values["birth_year"] = values["birth_date"].year
    old = {f: getattr(current, f) for f in values}
    updated = session.execute(
        update(Beneficiary)
        .where(
            Beneficiary.id == current.id,
            Beneficiary.version == row["version"],
            scope.ward_clause(Beneficiary.ward_id),
        )
        .values(**values, version=Beneficiary.version + 1, updated_at=utcnow())
    ).rowcount
    if updated != 1:
        raise ValueError("Người khác vừa sửa người này: tải lại trang rồi sửa lại.")
    for f, new in values.items():
        if f != "name_key" and old[f] != new:
            audit.record(
                session,
                scope,
                table="beneficiary",
                row_id=current.id,
                action="update",
                ward_id=current.ward_id,
                field=f,
                old=old[f],
                new=new,
            )
    if categories is not None:
        before = ", ".join(
            sorted(c for c, cid in category_ids.items() if cid in _category_ids_of(session, current.id))
        )
        _set_categories(session, current.id, categories, category_ids)
        audit.record(
            session,
            scope,
            table="beneficiary",
            row_id=current.id,
            action="update",
            ward_id=current.ward_id,
            field="categories",
            old=before,
            new=", ".join(categories),
        )
    if values.get("status", "active") != "active":
        result.flagged_allocations += session.execute(
            select(func.count())
            .select_from(Allocation)
            .where(Allocation.beneficiary_id == current.id, Allocation.status == "planned")
        ).scalar_one()


def _category_ids_of(session: Session, person_id: int) -> set[int]:
    return set(
        session.execute(
            select(BeneficiaryCategory.category_id).where(BeneficiaryCategory.beneficiary_id == person_id)
        ).scalars()
    )


def _insert_person(
    session: Session, scope: Scope, values: dict, default_ward_id: int | None, category_ids: dict
) -> None:
    ward_id = values.get("ward_id") or default_ward_id
    if ward_id is None:
        raise CellError("Chọn phường/xã cho người mới.")
    scope.require_ward(ward_id)
    clean = {}
    for field_name in EDITABLE:
        try:
            clean[field_name] = _clean(
                field_name, values.get(field_name, "active" if field_name == "status" else None), category_ids
            )
        except CellError as exc:
            raise _labelled(field_name, exc) from None
    _check_status(clean)
    categories = clean.pop("categories")
    if clean["birth_date"]:
        clean["birth_year"] = clean["birth_date"].year
    person = Beneficiary(ward_id=ward_id, name_key=fold(clean["name"]), **clean)
    session.add(person)
    session.flush()
    _set_categories(session, person.id, categories, category_ids)
    audit.record(
        session,
        scope,
        table="beneficiary",
        row_id=person.id,
        action="insert",
        ward_id=ward_id,
        new=person.name,
    )


def _delete_person(session: Session, scope: Scope, row: dict) -> None:
    person = session.execute(
        select(Beneficiary).where(Beneficiary.id == row["id"], scope.ward_clause(Beneficiary.ward_id))
    ).scalar_one_or_none()
    if person is None:
        raise AccessDenied("Không tìm thấy người này hoặc bạn không có quyền xóa (phường/xã khác).")
    scope.require_ward(person.ward_id)
    delivered = session.execute(
        select(func.count())
        .select_from(Allocation)
        .where(Allocation.beneficiary_id == person.id, Allocation.status == "delivered")
    ).scalar_one()
    if delivered:
        raise ValueError(f"{person.name} đã nhận {delivered} suất quà: không xóa được, hãy đổi tình trạng.")
    session.execute(delete(Allocation).where(Allocation.beneficiary_id == person.id))
    session.execute(delete(BeneficiaryCategory).where(BeneficiaryCategory.beneficiary_id == person.id))
    session.execute(delete(Beneficiary).where(Beneficiary.id == person.id))
    audit.record(
        session,
        scope,
        table="beneficiary",
        row_id=person.id,
        action="delete",
        ward_id=person.ward_id,
        old=f"{person.name} ({person.birth_year or ''}, {person.national_id or ''})",
    )


# --- audit log ---------------------------------------------------------------------------------


def audit_log(
    session: Session,
    scope: Scope,
    *,
    table: str | None = None,
    user_id: int | None = None,
    since: date | None = None,
    limit: int = 500,
) -> list[dict]:
    """Recent audit events of the wards in scope (city-wide events only for unrestricted users)."""
    conditions = [
        or_(
            scope.ward_clause(AuditEvent.ward_id),
            AuditEvent.ward_id.is_(None) if scope.sees_all_wards else False,
        )
    ]
    if table:
        conditions.append(AuditEvent.table_name == table)
    if user_id is not None:
        conditions.append(AuditEvent.user_id == user_id)
    if since:
        conditions.append(func.date(AuditEvent.at) >= since)
    rows = session.execute(
        select(AuditEvent, User.username)
        .outerjoin(User, User.id == AuditEvent.user_id)
        .where(*conditions)
        .order_by(AuditEvent.id.desc())
        .limit(limit)
    )
    return [
        {
            "id": e.id,
            "at": e.at,
            "user": name or "hệ thống",
            "table": e.table_name,
            "row_id": e.row_id,
            "action": e.action,
            "field": e.field,
            "old": e.old,
            "new": e.new,
        }
        for e, name in rows
    ]


def revert_event(session: Session, scope: Scope, event_id: int) -> None:
    """Undo one field change of a beneficiary, if the field still holds the value that change wrote."""
    event = session.get(AuditEvent, event_id)
    if event is None or event.table_name != "beneficiary" or event.action != "update" or not event.field:
        raise ValueError("Chỉ hoàn tác được một lần sửa thông tin đối tượng.")
    person = session.execute(
        select(Beneficiary).where(Beneficiary.id == event.row_id, scope.ward_clause(Beneficiary.ward_id))
    ).scalar_one_or_none()
    if person is None:
        raise AccessDenied("Không tìm thấy người này hoặc bạn không có quyền sửa.")
    category_ids = dict(session.execute(select(Category.code, Category.id)).all())
    if event.field == "categories":
        now = ", ".join(
            sorted(c for c, cid in category_ids.items() if cid in _category_ids_of(session, person.id))
        )
    else:
        now = audit.as_text(getattr(person, event.field))
    if now != event.new:
        raise ValueError(
            f"Không hoàn tác được: '{FIELD_LABELS.get(event.field)}' đã được sửa tiếp sau đó "
            f"(hiện là '{now or '(trống)'}')."
        )
    row = {"id": person.id, "version": person.version}
    result = SaveResult()
    _update_person(session, scope, row, {event.field: event.old}, category_ids, result)
