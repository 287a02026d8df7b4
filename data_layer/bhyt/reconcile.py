"""Reconciliation with the insurance agency (issue 24): the agency's list of the cards it issued
(CCCD or social-insurance number, card number, valid from / to, card type) compared with who An Sinh
says is covered in a month (``coverage``). Nothing is written: the result is read, shown and dropped.

Per ward, each row naming the person:

- ``missing_card``: covered in the month, but no card of the list is valid in it;
- ``not_entitled``: a card of a type the office pays (``reference.CARD_TYPES``) valid in the month (or
  later) for someone no longer covered (died, stopped, moved) or not in the registry at all (the office's
  view only: a ward cannot tell whose it is); other types (a pensioner's ``HT``) are not the office's;
- ``two_types``: the list holds two card types for one person (one card per person, Decree 20 art. 9.2);
- ``differs``: name, birth date or year, card type, social-insurance number or card number disagree.

``matched`` counts the covered people with one card type and nothing that differs.

The file is untrusted (``sheets.reader``: size, type, a sandboxed reader); every bad cell is refused
with a Vietnamese sentence naming its row and column, and nothing is compared until the file is clean.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import or_, select
from sqlmodel import Session

from data_layer.bhyt.coverage import Covered, coverage
from data_layer.bhyt.reference import CARD_TYPES
from data_layer.core.access import Scope
from data_layer.core.errors import Forbidden, Invalid
from data_layer.core.models import Beneficiary, Entitlement, Ward
from data_layer.sheets.reader import read_sheets
from data_layer.vn.formatting import format_date, format_month
from data_layer.vn.months import add_months, month_of
from data_layer.vn.text import fold
from data_layer.vn.values import (
    CellError,
    parse_date,
    parse_day,
    parse_health_card_no,
    parse_national_id,
    parse_social_insurance_no,
)

MAX_BYTES = 20 * 1024 * 1024
MAX_ERRORS_SHOWN = 20
KINDS = ("matched", "missing_card", "not_entitled", "two_types", "differs")
KIND_LABELS = {
    "missing_card": "Đủ điều kiện nhưng chưa có thẻ",
    "not_entitled": "Có thẻ nhưng không còn thuộc diện",
    "two_types": "Hai loại thẻ cho một người",
    "differs": "Thông tin không khớp",
}
KIND_SHORT = {
    "matched": "Khớp",
    "missing_card": "Chưa có thẻ",
    "not_entitled": "Không còn thuộc diện",
    "two_types": "Hai loại thẻ",
    "differs": "Không khớp",
}
# The list's columns: key → (the column's name in errors, the folded headers accepted)
COLUMNS = {
    "national_id": (
        "Số CCCD",
        ("so cccd", "cccd", "so cmnd/cccd", "cmnd/cccd", "so dinh danh", "so dinh danh ca nhan"),
    ),
    "social_insurance_no": ("Mã số BHXH", ("ma so bhxh", "ma bhxh", "so bhxh", "ma so bao hiem xa hoi")),
    "card_no": ("Số thẻ BHYT", ("so the bhyt", "ma the bhyt", "so the", "ma the")),
    "name": ("Họ và tên", ("ho va ten", "ho ten")),
    "birth": ("Ngày sinh", ("ngay sinh", "ngay thang nam sinh", "nam sinh")),
    "valid_from": ("Giá trị từ ngày", ("gia tri tu ngay", "tu ngay", "hieu luc tu ngay", "han the tu ngay")),
    "valid_to": (
        "Giá trị đến ngày",
        ("gia tri den ngay", "den ngay", "hieu luc den ngay", "han the den ngay"),
    ),
    "card_type": ("Loại thẻ", ("loai the", "ma doi tuong", "ma loai the")),
}


@dataclass(frozen=True)
class CardRow:
    """One card of the agency's list (its row number in the file for messages)."""

    row: int
    card_no: str
    card_type: str
    national_id: str | None
    social_insurance_no: str
    name: str | None
    birth_date: date | None
    birth_year: int | None
    valid_from: date | None
    valid_to: date | None

    def valid_in(self, month: date) -> bool:
        end = add_months(month, 1) - timedelta(days=1)
        return (self.valid_from is None or self.valid_from <= end) and (
            self.valid_to is None or self.valid_to >= month
        )

    def valid_from_month_on(self, month: date) -> bool:
        return self.valid_to is None or self.valid_to >= month


@dataclass(frozen=True)
class Finding:
    """A row of the reconciliation: what is wrong, for whom (None: nobody in the registry)."""

    kind: str
    ward_id: int | None
    ward: str
    person_id: int | None
    name: str
    national_id: str | None
    card_no: str | None
    detail: str


@dataclass
class Reconciliation:
    month: date
    cards: int  # rows of the list read
    matched: int = 0
    findings: list[Finding] = field(default_factory=list)

    def of(self, kind: str, ward_id: int | None = None) -> list[Finding]:
        return [f for f in self.findings if f.kind == kind and (ward_id is None or f.ward_id == ward_id)]

    def counts(self) -> dict[str, int]:
        """The exact JSON of ``ansinh bhyt reconcile --json``."""
        found = {kind: len(self.of(kind)) for kind in KINDS[1:]}
        return {"matched": self.matched, **found}

    def sentence(self) -> str:
        c = self.counts()
        return (
            f"Đối chiếu {self.cards} thẻ với danh sách tháng {format_month(self.month)}: "
            f"{c['matched']} người khớp, "
            f"{c['missing_card']} người chưa có thẻ, {c['not_entitled']} thẻ của người không còn thuộc diện, "
            f"{c['two_types']} người có hai loại thẻ, {c['differs']} người có thông tin không khớp."
        )


# --- reading the agency's list -------------------------------------------------------------------


def _header_columns(row: list) -> dict[str, int]:
    names = [" ".join(fold(str(v or "")).replace("\n", " ").split()) for v in row]
    found = {}
    for key, (_, accepted) in COLUMNS.items():
        for index, name in enumerate(names):
            if name in accepted:
                found.setdefault(key, index)
    return found


def _cell(row: list, column: dict[str, int], key: str):
    index = column.get(key)
    return row[index] if index is not None and index < len(row) else None


def _parse(row: list, column: dict[str, int], number: int, errors: list[str]) -> CardRow | None:
    """A card of the list (None for a blank or total row); bad cells are added to ``errors``."""
    values: dict[str, object] = {}
    parsers = {
        "card_no": parse_health_card_no,
        "national_id": parse_national_id,
        "social_insurance_no": parse_social_insurance_no,
        "valid_from": lambda v: parse_day(v, "Giá trị từ ngày"),
        "valid_to": lambda v: parse_day(v, "Giá trị đến ngày"),
        "birth": parse_date,
    }
    for key, parse in parsers.items():
        try:
            values[key] = parse(_cell(row, column, key))
        except CellError as exc:
            errors.append(f"Dòng {number}, cột {COLUMNS[key][0]}: {exc}")
            return None
    card_no = values["card_no"]
    if card_no is None:
        if values["national_id"] or values["social_insurance_no"]:
            errors.append(f"Dòng {number}, cột Số thẻ BHYT: thiếu số thẻ.")
        return None  # a blank, title or total row
    number_in_card = card_no[-10:]
    social = values["social_insurance_no"] or number_in_card
    if social != number_in_card:
        errors.append(f"Dòng {number}, cột Mã số BHXH: {social} khác 10 chữ số cuối của số thẻ {card_no}.")
        return None
    card_type = str(_cell(row, column, "card_type") or "").strip().upper() or card_no[:2]
    if card_type != card_no[:2]:
        errors.append(f"Dòng {number}, cột Loại thẻ: '{card_type}' khác hai chữ đầu của số thẻ {card_no}.")
        return None
    valid_from, valid_to = values["valid_from"], values["valid_to"]
    if valid_from and valid_to and valid_to < valid_from:
        errors.append(f"Dòng {number}, cột Giá trị đến ngày: {format_date(valid_to)} trước ngày bắt đầu.")
        return None
    name = " ".join(str(_cell(row, column, "name") or "").split()) or None
    birth_date, birth_year = values["birth"]
    return CardRow(
        number,
        card_no,
        card_type,
        values["national_id"],
        social,
        name,
        birth_date,
        birth_year,
        valid_from,
        valid_to,
    )


def read_card_list(data: bytes, file_name: str) -> list[CardRow]:
    """The cards of the agency's list: the first sheet with a header row naming the card number and a
    CCCD or social-insurance number column (Vietnamese errors naming row and column)."""
    for sheet in read_sheets(data, file_name, max_bytes=MAX_BYTES):
        for at, row in enumerate(sheet.rows[:30]):
            column = _header_columns(row)
            if "card_no" not in column:
                continue
            cards: list[CardRow] = []
            errors: list[str] = []
            for number, values in enumerate(sheet.rows[at + 1 :], start=at + 2):
                if card := _parse(values, column, number, errors):
                    cards.append(card)
            if errors:
                more = len(errors) - MAX_ERRORS_SHOWN
                shown = errors[:MAX_ERRORS_SHOWN] + ([f"… và {more} lỗi khác."] if more > 0 else [])
                raise Invalid(f"Danh sách thẻ có {len(errors)} lỗi, chưa đối chiếu:\n" + "\n".join(shown))
            return cards
    raise Invalid(
        "Không tìm thấy dòng tiêu đề có cột Số thẻ BHYT (và Số CCCD hoặc Mã số BHXH) trong tệp của cơ quan "
        "BHXH."
    )


# --- comparing -----------------------------------------------------------------------------------


def _people(session: Session, scope: Scope, cards: list[CardRow]):
    """The registry's people of the scope whom the cards name, by CCCD, social-insurance number or card."""
    ids = sorted({c.national_id for c in cards if c.national_id})
    socials = sorted({c.social_insurance_no for c in cards})
    numbers = sorted({c.card_no for c in cards})
    found = []
    for start in range(0, max(len(ids), len(socials), len(numbers), 1), 2000):
        part = slice(start, start + 2000)
        found += session.execute(
            select(
                Beneficiary.id,
                Beneficiary.ward_id,
                Beneficiary.name,
                Beneficiary.birth_date,
                Beneficiary.birth_year,
                Beneficiary.national_id,
                Beneficiary.social_insurance_no,
                Beneficiary.health_card_no,
            ).where(
                scope.ward_clause(Beneficiary.ward_id),
                or_(
                    Beneficiary.national_id.in_(ids[part]),
                    Beneficiary.social_insurance_no.in_(socials[part]),
                    Beneficiary.health_card_no.in_(numbers[part]),
                ),
            )
        ).all()
    return {p.id: p for p in found}


def _owner(card: CardRow, people: dict, covered: dict[int, Covered]) -> int | None:
    """The person a card names: by CCCD, else social-insurance number, else card number; among several
    rows of one person (a move) the one covered, else the latest."""
    for key, value in (
        ("national_id", card.national_id),
        ("social_insurance_no", card.social_insurance_no),
        ("health_card_no", card.card_no),
    ):
        if value is None:
            continue
        candidates = [p.id for p in people.values() if getattr(p, key) == value]
        if candidates:
            return max(candidates, key=lambda pid: (pid in covered, pid))
    return None


def _differences(person, card: CardRow, expected: str) -> list[str]:
    found = []
    if card.name and fold(card.name) != fold(person.name):
        found.append(f"Họ và tên: {card.name} (BHXH) – {person.name} (An Sinh)")
    if card.birth_date and person.birth_date and card.birth_date != person.birth_date:
        found.append(
            f"Ngày sinh: {format_date(card.birth_date)} (BHXH) – {format_date(person.birth_date)} (An Sinh)"
        )
    elif card.birth_year and person.birth_year and card.birth_year != person.birth_year:
        found.append(f"Năm sinh: {card.birth_year} (BHXH) – {person.birth_year} (An Sinh)")
    if card.card_type != expected:
        found.append(f"Loại thẻ: {card.card_type} (BHXH) – {expected} (An Sinh)")
    if person.social_insurance_no and person.social_insurance_no != card.social_insurance_no:
        found.append(
            f"Mã số BHXH: {card.social_insurance_no} (BHXH) – {person.social_insurance_no} (An Sinh)"
        )
    elif person.health_card_no and person.health_card_no != card.card_no:
        found.append(f"Số thẻ BHYT: {card.card_no} (BHXH) – {person.health_card_no} (An Sinh)")
    return found


def _entitled_elsewhere(session: Session, month: date, wards_of: dict[str | None, int]) -> set[str]:
    """The CCCDs (of ``wards_of``: CCCD → the ward of the registry row a card named) that another ward
    pays an allowance or the social pension in ``month``: a person who moved, whatever the user's
    scope (only this yes or no is read from the other ward)."""
    ids = sorted(n for n in wards_of if n)
    found: set[str] = set()
    for start in range(0, len(ids), 2000):
        rows = session.execute(
            select(Beneficiary.national_id, Entitlement.ward_id)
            .join(Entitlement, Entitlement.beneficiary_id == Beneficiary.id)
            .where(
                Beneficiary.national_id.in_(ids[start : start + 2000]),
                Entitlement.start_month <= month,
                or_(Entitlement.stop_date.is_(None), Entitlement.stop_date >= month),
            )
        )
        found |= {national_id for national_id, ward in rows if ward != wards_of[national_id]}
    return found


def reconcile(
    session: Session, scope: Scope, cards: list[CardRow], month: date, ward_id: int | None = None
) -> Reconciliation:
    """Compare the agency's cards with who is covered in ``month`` in the scope's wards (or one ward)."""
    month = month_of(month)
    if ward_id is not None and not scope.may_see_ward(ward_id):
        raise Forbidden("Bạn không có quyền với dữ liệu của phường/xã này.")
    covered, ended = coverage(session, scope, month, [ward_id] if ward_id is not None else None)
    people = _people(session, scope, cards)
    if ward_id is not None:
        people = {pid: p for pid, p in people.items() if p.ward_id == ward_id}
    ward_names = dict(session.execute(select(Ward.id, Ward.name)).all())
    result = Reconciliation(month=month, cards=len(cards))
    by_person: dict[int, list[CardRow]] = defaultdict(list)

    def finding(kind: str, pid: int | None, card: CardRow | None, detail: str) -> None:
        person = people.get(pid) if pid is not None else None
        ward = person.ward_id if person else covered[pid].ward_id if pid in covered else None
        result.findings.append(
            Finding(
                kind,
                ward,
                ward_names.get(ward, "Không rõ phường/xã"),
                pid,
                person.name if person else covered[pid].name if pid in covered else (card.name or ""),
                person.national_id
                if person
                else covered[pid].national_id
                if pid in covered
                else card.national_id,
                card.card_no if card else None,
                detail,
            )
        )

    for card in cards:
        pid = _owner(card, people, covered)
        if pid is None:
            office = scope.sees_all_wards and ward_id is None
            if office and card.card_type in CARD_TYPES and card.valid_from_month_on(month):
                finding("not_entitled", None, card, f"Dòng {card.row}: không có trong danh sách đối tượng.")
            continue
        by_person[pid].append(card)
    paid_elsewhere = _entitled_elsewhere(
        session,
        month,
        {people[pid].national_id: people[pid].ward_id for pid in by_person if pid not in covered},
    )
    for pid, person_cards in by_person.items():
        valid = [c for c in person_cards if c.valid_in(month)]
        if pid not in covered:
            still = [c for c in person_cards if c.card_type in CARD_TYPES and c.valid_from_month_on(month)]
            if still and people[pid].national_id in paid_elsewhere:
                continue  # moved: the ward that pays now keeps the card (its own reconciliation)
            if still:
                why = ended[pid].reason if pid in ended else "Không thuộc diện ngân sách đóng BHYT"
                until = max((c.valid_to for c in still if c.valid_to), default=None)
                detail = why + (f"; thẻ còn giá trị đến {format_date(until)}" if until else "")
                finding("not_entitled", pid, still[0], detail)
            continue
        if not valid:
            continue  # an expired card only: missing_card below
        types = sorted({c.card_type for c in valid})
        problems = False
        if len(types) > 1:
            problems = True
            numbers = ", ".join(c.card_no for c in valid)
            finding("two_types", pid, valid[0], f"{len(types)} loại thẻ: {', '.join(types)} ({numbers})")
        differs = [d for c in valid for d in _differences(people[pid], c, covered[pid].card_type)]
        if len(types) > 1:
            differs = [d for d in differs if not d.startswith("Loại thẻ")]
        if differs:
            problems = True
            finding("differs", pid, valid[0], "; ".join(dict.fromkeys(differs)))
        result.matched += not problems
    for pid, person in covered.items():
        if any(c.valid_in(month) for c in by_person.get(pid, ())):
            continue
        expired = [c.valid_to for c in by_person.get(pid, ()) if c.valid_to and c.valid_to < month]
        detail = f"Cần thẻ {person.card_type}" + (
            f" từ tháng {format_month(person.start)}" if person.start else ""
        )
        if expired:
            detail += f"; thẻ đã hết hạn ngày {format_date(max(expired))}"
        finding("missing_card", pid, None, detail)
    result.findings.sort(key=lambda f: (f.ward, KINDS.index(f.kind), fold(f.name)))
    return result


def reconcile_file(
    session: Session,
    scope: Scope,
    data: bytes,
    file_name: str,
    month: date,
    ward_id: int | None = None,
) -> Reconciliation:
    """Read the agency's list and compare it (``ansinh bhyt reconcile``, the page's upload)."""
    return reconcile(session, scope, read_card_list(data, file_name), month, ward_id)


def finding_rows(result: Reconciliation, kind: str, ward_id: int | None = None) -> list[dict]:
    """The rows of one kind as the page shows them (``search``: what finds the person in the registry)."""
    return [
        {
            "Phường/xã": f.ward,
            "Họ và tên": f.name,
            "Số CCCD": f.national_id or "",
            "Số thẻ BHYT": f.card_no or "",
            "Chi tiết": f.detail,
            "search": f.national_id or f.name if f.person_id is not None else None,
        }
        for f in result.of(kind, ward_id)
    ]
