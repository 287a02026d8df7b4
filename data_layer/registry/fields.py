"""The beneficiary's fields, declared once: the Đối tượng grid, inline editing, imports, exports and
the CLI's JSON all read this table (label, kind of value, editable, updated by a re-import)."""

from __future__ import annotations

from dataclasses import dataclass

from data_layer.core.codes import Gender, PersonStatus
from data_layer.core.models import Beneficiary
from data_layer.vn import labels
from data_layer.vn.formatting import format_date


@dataclass(frozen=True)
class PersonField:
    """One column of the registry as users see it."""

    key: str  # attribute of a PersonRow (a Beneficiary column, or "ward" / "categories")
    label: str
    # text, date, year, gender, national_id, social_insurance_no, health_card_no, status, categories, ward
    kind: str
    editable: bool = True
    imported: bool = False  # an import updates it on a person already in the ward

    @property
    def max_length(self) -> int | None:
        """The column's length limit in the database (None: unlimited or not a text column)."""
        column = Beneficiary.__table__.columns.get(self.key)
        return getattr(column.type, "length", None) if column is not None else None


PERSON_FIELDS = (
    PersonField("ward", "Phường/xã", "ward", editable=False),
    PersonField("name", "Họ và tên", "text"),
    PersonField("birth_date", "Ngày sinh", "date", imported=True),
    PersonField("birth_year", "Năm sinh", "year", imported=True),
    PersonField("gender", "Giới tính", "gender", imported=True),
    PersonField("national_id", "Số CCCD", "national_id", imported=True),
    PersonField("hamlet", "Thôn/tổ", "text", imported=True),
    PersonField("categories", "Nhóm đối tượng", "categories"),
    PersonField("status", "Tình trạng", "status"),
    PersonField("status_date", "Ngày thay đổi", "date"),
    PersonField("status_reason", "Lý do", "text"),
    PersonField("social_insurance_no", "Mã số BHXH", "social_insurance_no", imported=True),
    PersonField("health_card_no", "Số thẻ BHYT", "health_card_no", imported=True),
    PersonField("clinic", "Nơi KCB ban đầu", "text", imported=True),
    PersonField("bank_account", "Số tài khoản", "text", imported=True),
    PersonField("phone", "Điện thoại", "text", imported=True),
    PersonField("note", "Ghi chú", "text", imported=True),
)
FIELDS = {f.key: f for f in PERSON_FIELDS}
EDITABLE = tuple(f.key for f in PERSON_FIELDS if f.editable)
IMPORTED = tuple(f.key for f in PERSON_FIELDS if f.imported)


def shown(person, key: str, category_names: dict[int, str]):
    """A person's field as users read it: names for codes and categories, dd/mm/yyyy dates, '' for
    empty (``person`` is a ``PersonRow``)."""
    value = shown_column(key, [getattr(person, key)], category_names)[0]
    return "" if value is None else value


def shown_column(key: str, values: list, category_names: dict[int, str]) -> list:
    """``shown`` for a whole column of people at once (one pass per field, not per cell), None for
    empty."""
    kind = FIELDS[key].kind
    if kind == "date":
        return [None if day is None else format_date(day) for day in values]
    if kind in ("gender", "status"):
        return list(map(labels.LABELS[Gender if kind == "gender" else PersonStatus].get, values))
    if kind == "categories":  # people share a few combinations: each joined once
        joined = {ids: "; ".join(category_names.get(c, "") for c in ids) for ids in set(values) if ids}
        return list(map(joined.get, values))
    return [None if value == "" else value for value in values]


def as_json(person, category_codes: dict[int, str]) -> dict:
    """A person as the CLI's JSON gives them: ids, ISO dates, category codes."""
    record = {"id": person.id, "ward_id": person.ward_id}
    for f in PERSON_FIELDS:
        value = getattr(person, f.key)
        if f.key == "ward":
            continue
        if f.kind == "categories":
            value = [category_codes[c] for c in value]
        elif f.kind == "date" and value is not None:
            value = value.isoformat()
        record[f.key] = value
    return record
