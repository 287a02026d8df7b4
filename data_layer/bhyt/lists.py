"""Each ward's monthly list for the insurance agency: I. Tăng (new coverage), II. Giảm (coverage ended),
III. Điều chỉnh (identity, address, clinic or card type changed), compared with the ward's last sent
list; and the month's covered people with their premium.

An open month is computed from the live data. Sending a month (``lock_month``) stores every line and
the covered people as sent (``bhytlist`` / ``bhytline``), locked by the database; later corrections
appear in the next month's Điều chỉnh (or Giảm, with the premiums already paid for months after the end
given back as a negative amount).

Money: a covered person costs the month's premium (4.5% of that month's base salary); a person added
now whose coverage began earlier (after the last sent month) also costs those earlier months, each at
its own base salary. The list's premium is the sum over the covered people plus the Giảm refunds.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date

from sqlalchemy import select, update
from sqlmodel import Session

from data_layer.bhyt.coverage import IDENTITY, Covered, Ended, coverage
from data_layer.bhyt.reference import BaseSalaries, load_base_salaries
from data_layer.core import audit, seals
from data_layer.core.access import Scope
from data_layer.core.codes import Action, BhytListStatus, BhytSection, Gender, PayrollStatus, SealKind
from data_layer.core.errors import Invalid, NotFound
from data_layer.core.models import BhytLine, BhytList, Ward, utcnow
from data_layer.vn.collation import person_key
from data_layer.vn.formatting import format_date
from data_layer.vn.labels import label_of
from data_layer.vn.months import add_months, months_from

CHANGE_LABELS = {
    "name": "Họ và tên",
    "birth_date": "Ngày sinh",
    "birth_year": "Năm sinh",
    "gender": "Giới tính",
    "national_id": "Số CCCD",
    "social_insurance_no": "Mã số BHXH",
    "hamlet": "Thôn/tổ",
    "clinic": "Nơi KCB ban đầu",
    "card_type": "Mã đối tượng",
}


@dataclass
class ListLine:
    """One person on a list: a Tăng / Giảm / Điều chỉnh line, or a covered person (section ``covered``)."""

    section: str
    beneficiary_id: int
    ward_id: int
    card_type: str
    from_month: date | None
    to_month: date | None
    premium: int
    name: str
    birth_date: date | None
    birth_year: int | None
    gender: str | None
    national_id: str | None
    social_insurance_no: str | None
    hamlet: str | None
    clinic: str | None
    note: str | None = None


STORED = tuple(f.name for f in fields(ListLine))


@dataclass
class WardList:
    """A ward's list of a month: sent (locked, as stored) or open (as the data stand now)."""

    ward_id: int
    ward_code: str
    ward_name: str
    month: date
    locked: bool
    lines: list[ListLine] = field(default_factory=list)  # every section, covered people included

    def section(self, section: BhytSection) -> list[ListLine]:
        return [line for line in self.lines if line.section == section]

    @property
    def covered(self) -> int:
        return len(self.section(BhytSection.COVERED))

    @property
    def premium(self) -> int:
        """The covered people's premiums (with earlier months of new ones) plus the Giảm refunds."""
        return sum(
            line.premium for line in self.lines if line.section in (BhytSection.COVERED, BhytSection.DECREASE)
        )

    def figures(self) -> dict:
        """The ward's counts and money, as ``bhyt list --json`` gives them."""
        return {
            "ward": self.ward_code,
            "increases": len(self.section(BhytSection.INCREASE)),
            "decreases": len(self.section(BhytSection.DECREASE)),
            "adjustments": len(self.section(BhytSection.ADJUSTMENT)),
            "covered": self.covered,
            "premium": self.premium,
        }


def _wards(session: Session, scope: Scope, ward_id: int | None) -> list[Ward]:
    query = select(Ward).where(scope.ward_clause(Ward.id)).order_by(Ward.code)
    if ward_id is not None:
        query = query.where(Ward.id == ward_id)
    wards = list(session.execute(query).scalars())
    if ward_id is not None and not wards:
        raise NotFound("Không tìm thấy phường/xã này trong phạm vi của bạn.")
    return wards


def _stored_lines(session: Session, list_id: int) -> list[ListLine]:
    rows = session.execute(
        select(BhytLine).where(BhytLine.list_id == list_id).order_by(BhytLine.id)
    ).scalars()
    return [ListLine(**{name: getattr(row, name) for name in STORED}) for row in rows]


def _sent(session: Session, ward_ids: list[int], month: date) -> dict[int, BhytList]:
    """Each ward's list of exactly ``month`` when it was sent."""
    rows = session.execute(
        select(BhytList).where(
            BhytList.ward_id.in_(ward_ids), BhytList.month == month, BhytList.status == PayrollStatus.LOCKED
        )
    ).scalars()
    return {row.ward_id: row for row in rows}


def _baselines(session: Session, ward_ids: list[int], month: date) -> dict[int, BhytList]:
    """Each ward's last list sent before ``month``."""
    found: dict[int, BhytList] = {}
    for row in session.execute(
        select(BhytList)
        .where(
            BhytList.ward_id.in_(ward_ids), BhytList.month < month, BhytList.status == PayrollStatus.LOCKED
        )
        .order_by(BhytList.month)
    ).scalars():
        found[row.ward_id] = row
    return found


def _line(section: BhytSection, person: Covered | ListLine, **values) -> ListLine:
    base = {name: getattr(person, name) for name in ("beneficiary_id", "ward_id", "card_type", *IDENTITY)}
    return ListLine(section=section, **(base | {"from_month": None, "to_month": None, "premium": 0} | values))


def _changes(before: ListLine, now: Covered) -> list[str]:
    """What changed since the sent list, in words ("Ngày sinh: 01/01/1950 → 01/02/1950")."""

    def shown(name: str, value) -> str:
        if value is None or value == "":
            return "(trống)"
        if name == "birth_date":
            return format_date(value)
        if name == "gender":
            return label_of(Gender, value)
        return str(value)

    dated = before.birth_date is not None and now.birth_date is not None  # the year goes with the date
    return [
        f"{label}: {shown(name, getattr(before, name))} → {shown(name, getattr(now, name))}"
        for name, label in CHANGE_LABELS.items()
        if getattr(before, name) != getattr(now, name) and not (name == "birth_year" and dated)
    ]


def _open_lines(
    month: date,
    current: dict[int, Covered],
    ended: dict[int, Ended],
    sent: dict[int, ListLine],
    sent_month: date | None,
    salaries: BaseSalaries,
) -> list[ListLine]:
    """The sections of an open month, compared with the covered people of the last list sent, of
    ``sent_month`` (None: none sent yet, so every covered person is new from this month)."""
    lines: list[ListLine] = []
    rate = salaries.premium_in(month)
    for pid, person in current.items():
        if pid in sent:
            lines.append(_line(BhytSection.COVERED, person, from_month=month, to_month=month, premium=rate))
            if changed := _changes(sent[pid], person):
                note = "; ".join(changed)
                lines.append(_line(BhytSection.ADJUSTMENT, person, from_month=month, note=note))
            continue
        first = month if sent_month is None else add_months(sent_month, 1)
        if person.start is not None and person.start > first:
            first = person.start
        premium = salaries.premium_over(months_from(first, month))
        lines.append(_line(BhytSection.COVERED, person, from_month=first, to_month=month, premium=premium))
        lines.append(
            _line(BhytSection.INCREASE, person, from_month=first, to_month=person.end, premium=premium)
        )
    for pid, line in sent.items():
        if pid in current:
            continue
        why = ended.get(pid) or Ended(None, "Không còn thuộc diện được ngân sách đóng BHYT")
        last = why.last_month if why.last_month not in (None, date.min) else sent_month
        refund = 0
        if sent_month is not None and last is not None and last < sent_month:
            refund = -salaries.premium_over(months_from(add_months(last, 1), sent_month))
        values = {name: getattr(line, name) for name in STORED}
        values |= {"section": BhytSection.DECREASE, "from_month": None, "to_month": last, "premium": refund}
        lines.append(ListLine(**(values | {"note": why.reason})))
    return lines


def _ordered(lines: list[ListLine]) -> list[ListLine]:
    """Sections in order (Tăng, Giảm, Điều chỉnh, covered), people by hamlet and name."""
    order = list(BhytSection)
    return sorted(
        lines, key=lambda x: (order.index(x.section), person_key(x.hamlet, x.name), x.beneficiary_id)
    )


def month_lists(session: Session, scope: Scope, month: date, ward_id: int | None = None) -> list[WardList]:
    """Every ward's list of the month in the scope (or one ward's): a sent month as stored, an open one
    as the data stand now."""
    wards = _wards(session, scope, ward_id)
    ids = [w.id for w in wards]
    sent_now, baselines = _sent(session, ids, month), _baselines(session, ids, month)
    open_ids = [i for i in ids if i not in sent_now]
    current, ended = coverage(session, scope, month, open_ids) if open_ids else ({}, {})
    salaries = load_base_salaries(session) if open_ids else None
    result = []
    for ward in wards:
        if ward.id in sent_now:
            lines = _stored_lines(session, sent_now[ward.id].id)
            result.append(WardList(ward.id, ward.code, ward.name, month, True, _ordered(lines)))
            continue
        base = baselines.get(ward.id)
        sent = (
            {
                line.beneficiary_id: line
                for line in _stored_lines(session, base.id)
                if line.section == BhytSection.COVERED
            }
            if base
            else {}
        )
        mine = {pid: c for pid, c in current.items() if c.ward_id == ward.id}
        lines = _open_lines(month, mine, ended, sent, base.month if base else None, salaries)
        result.append(WardList(ward.id, ward.code, ward.name, month, False, _ordered(lines)))
    return result


def month_status(lists: list[WardList]) -> BhytListStatus:
    """Locked when every ward's list of the month was sent, open when none was, else partly locked."""
    sent = sum(1 for w in lists if w.locked)
    if lists and sent == len(lists):
        return BhytListStatus.LOCKED
    return BhytListStatus.OPEN if sent == 0 else BhytListStatus.PARTLY_LOCKED


def list_figures(lists: list[WardList], month: date) -> dict:
    """The month's figures, as ``ansinh bhyt list --json`` gives them."""
    wards = [w.figures() for w in lists]
    totals = {
        k: sum(w[k] for w in wards) for k in ("increases", "decreases", "adjustments", "covered", "premium")
    }
    return {"month": f"{month:%m/%Y}", "status": month_status(lists), **totals, "by_ward": wards}


def lock_month(session: Session, scope: Scope, month: date, ward_id: int | None = None) -> list[str]:
    """Send (lock) the month's list of one ward, or of every ward of the scope not sent yet; returns the
    codes of the wards locked now. A month cannot be sent after a later one (the next lists compare
    with the last sent)."""
    scope.require_write()
    lists = [w for w in month_lists(session, scope, month, ward_id) if not w.locked]
    if ward_id is not None and not lists:
        raise Invalid(f"Danh sách thẻ BHYT tháng {month:%m/%Y} của phường/xã này đã gửi và khóa.")
    later = set(
        session.execute(
            select(BhytList.ward_id).where(
                BhytList.ward_id.in_([w.ward_id for w in lists]), BhytList.month > month
            )
        ).scalars()
    )
    if later:
        names = ", ".join(w.ward_name for w in lists if w.ward_id in later)
        raise Invalid(
            f"{names} đã gửi danh sách thẻ BHYT của một tháng sau {month:%m/%Y}: không khóa lại tháng trước."
        )
    locked = []
    for ward_list in lists:
        scope.require_ward(ward_list.ward_id)
        row = BhytList(ward_id=ward_list.ward_id, month=month, status=PayrollStatus.OPEN)
        session.add(row)
        session.flush()
        rows = [
            {"list_id": row.id, **{name: getattr(line, name) for name in STORED}} for line in ward_list.lines
        ]
        if rows:
            session.execute(BhytLine.__table__.insert(), rows)
        session.execute(
            update(BhytList)
            .where(BhytList.id == row.id)
            .values(status=PayrollStatus.LOCKED, locked_at=utcnow(), locked_by=scope.user_id)
        )
        seals.seal(session, SealKind.BHYT_LIST, row.id)
        audit.record(
            session,
            scope,
            table="bhytlist",
            row_id=row.id,
            action=Action.LOCK_BHYT,
            ward_id=ward_list.ward_id,
            new=f"{month:%m/%Y}",
        )
        locked.append(ward_list.ward_code)
    session.expire_all()
    return locked


def sent_months(session: Session, scope: Scope, ward_id: int | None = None) -> list[date]:
    """The months whose lists were sent, newest first (any ward of the scope, or one ward)."""
    query = select(BhytList.month).where(
        scope.ward_clause(BhytList.ward_id), BhytList.status == PayrollStatus.LOCKED
    )
    if ward_id is not None:
        query = query.where(BhytList.ward_id == ward_id)
    return sorted(set(session.execute(query).scalars()), reverse=True)
