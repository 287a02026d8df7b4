"""Form 10a of Decree 20/2021 (regular social assistance) for a chosen period, from the payrolls:
STT | Chỉ tiêu | Tổng số (người) | Nam | Nữ | Kinh phí (triệu đồng).

A person paid in the period is counted once, in the row of the group valid in the last month of the
period they were entitled (``valid_groups``: dated changes included; the group of their last paid line
when no entitlement says more) and of their age that month; the cost is what the period's payrolls
paid them (month and arrears). Funeral support is counted per support paid. The
form's rows II and III (community care, social-protection facilities) are not kept in An Sinh and
stay empty.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import and_, func, select
from sqlmodel import Session

from data_layer.allowance.rules import age_in_month
from data_layer.allowance.valid_groups import valid_groups
from data_layer.core.access import Scope
from data_layer.core.codes import Gender, LineKind, PayrollStatus
from data_layer.core.models import AllowanceGroup, Beneficiary, Payroll, PayrollLine
from data_layer.vn.document import COUNT_FORMAT, MILLIONS_FORMAT, PREPARER, Column, Document, Office
from data_layer.vn.formatting import format_month
from data_layer.vn.xlsx_writer import Book


def leaf_of(code: str | None, age: int | None) -> str:
    """The form's finest row for a group code and an age."""
    age = -1 if age is None else age
    band = "<16" if age < 16 else "16-60" if age < 60 else ">=60"
    if code == "5.1":
        return "5.1<4" if age < 4 else "5.1"
    if code in ("5.3", "5.8"):
        return "hiv<4" if age < 4 else "hiv<16" if age < 16 else "hiv>=16"
    if code in ("5.6a", "5.6b"):
        return f"{code}{band}"
    if code in ("5.2", "5.4", "5.5a", "5.5b", "5.5c", "5.5d", "5.7", "HTXH"):
        return code
    return "other"


DISABLED = [f"{c}{b}" for c in ("5.6a", "5.6b") for b in ("<16", "16-60", ">=60")]
ALLOWANCE = ["5.1<4", "5.1", "5.2", "hiv<4", "hiv<16", "hiv>=16", "5.4", "5.5a", "5.5b", "5.5c", "5.5d"]
ALLOWANCE += [*DISABLED, "5.7", "other"]
# (STT, Chỉ tiêu, the leaves it adds up; None: not kept in An Sinh)
ROWS: list[tuple[str, str, list[str] | None]] = [
    ("I", "Trợ cấp xã hội hằng tháng", ALLOWANCE),
    ("1", "Trẻ em dưới 16 tuổi không có nguồn nuôi dưỡng", ["5.1<4", "5.1"]),
    ("", "Trong đó: dưới 4 tuổi", ["5.1<4"]),
    ("2", "Người từ 16 đến 22 tuổi đang đi học", ["5.2"]),
    ("3", "Người nhiễm HIV thuộc hộ nghèo", ["hiv<4", "hiv<16", "hiv>=16"]),
    ("", "– Dưới 4 tuổi", ["hiv<4"]),
    ("", "– Từ 4 đến dưới 16 tuổi", ["hiv<16"]),
    ("", "– Từ 16 tuổi trở lên", ["hiv>=16"]),
    ("4", "Người đơn thân thuộc hộ nghèo, cận nghèo đang nuôi con", ["5.4"]),
    ("5", "Người cao tuổi", ["5.5a", "5.5b", "5.5c", "5.5d"]),
    ("", "– Thuộc hộ nghèo, không có người có nghĩa vụ phụng dưỡng", ["5.5a"]),
    ("", "– Từ 75 đến 80 tuổi ở vùng đặc biệt khó khăn", ["5.5b"]),
    ("", "– Từ 80 tuổi trở lên không có lương hưu, trợ cấp BHXH", ["5.5c"]),
    ("", "– Được nhận chăm sóc tại cộng đồng", ["5.5d"]),
    ("6", "Người khuyết tật", DISABLED),
    ("", "– Đặc biệt nặng", DISABLED[:3]),
    ("", "   + Dưới 16 tuổi", ["5.6a<16"]),
    ("", "   + Từ 16 đến dưới 60 tuổi", ["5.6a16-60"]),
    ("", "   + Từ 60 tuổi trở lên", ["5.6a>=60"]),
    ("", "– Nặng", DISABLED[3:]),
    ("", "   + Dưới 16 tuổi", ["5.6b<16"]),
    ("", "   + Từ 16 đến dưới 60 tuổi", ["5.6b16-60"]),
    ("", "   + Từ 60 tuổi trở lên", ["5.6b>=60"]),
    ("7", "Trẻ em dưới 3 tuổi thuộc hộ nghèo, cận nghèo vùng đặc biệt khó khăn", ["5.7"]),
    ("8", "Diện khác", ["other"]),
    ("II", "Nhận chăm sóc, nuôi dưỡng tại cộng đồng", None),
    ("III", "Trong cơ sở trợ giúp xã hội", None),
    ("IV", "Hỗ trợ chi phí mai táng", ["funeral"]),
    ("V", "Trợ cấp hưu trí xã hội (Nghị định 176/2025/NĐ-CP)", ["HTXH"]),
]


@dataclass
class FormRow:
    number: str
    label: str
    people: int | None
    male: int | None
    female: int | None
    cost: int | None  # whole đồng


def _wards(scope: Scope, ward_id: int | None):
    """SQL condition on a line's ward: the scope's wards, or the one ward chosen among them."""
    if ward_id is None:
        return scope.ward_clause(PayrollLine.ward_id)
    return and_(scope.ward_clause(PayrollLine.ward_id), PayrollLine.ward_id == ward_id)


@dataclass(frozen=True)
class PaidPerson:
    """A person paid in a form's period: what the payrolls paid them (month and arrears) and the
    allowance group they are counted in (``valid_groups``; the group of their last paid line when no
    entitlement says more), with all the codes they held and the month it was valid in."""

    person_id: int
    gender: str | None
    birth_date: date | None
    birth_year: int | None
    money: int
    code: str | None
    codes: tuple[str, ...]
    month: date

    @property
    def age(self) -> int | None:
        return age_in_month(self.birth_date, self.birth_year, self.month)


def paid_people(
    session: Session, scope: Scope, first: date, last: date, ward_id: int | None = None
) -> list[PaidPerson]:
    """The people the payrolls of ``first``..``last`` paid something (of the scope's wards, or of the
    one ward ``ward_id``), each once, with the group valid in the period. One CCCD is one person
    (issue 21 §1.1): a person who moved between two wards of the view is counted once, with what both
    paid, by the group of the later ward."""
    period = and_(Payroll.month >= first, Payroll.month <= last, _wards(scope, ward_id))
    paid = PayrollLine.kind.in_([LineKind.CURRENT, LineKind.ARREARS])
    money = (
        select(
            PayrollLine.beneficiary_id.label("pid"),
            func.sum(PayrollLine.amount).label("money"),
            func.max(PayrollLine.for_month).filter(PayrollLine.kind == LineKind.CURRENT).label("last"),
        )
        .join(Payroll, Payroll.id == PayrollLine.payroll_id)
        .where(period, paid)
        .group_by(PayrollLine.beneficiary_id)
        .subquery()
    )
    last_line = and_(
        PayrollLine.beneficiary_id == money.c.pid,
        PayrollLine.for_month == money.c.last,
        PayrollLine.kind == LineKind.CURRENT,
    )
    rows = session.execute(
        select(
            money.c.pid,
            Beneficiary.national_id,
            Beneficiary.gender,
            Beneficiary.birth_date,
            Beneficiary.birth_year,
            money.c.money,
            AllowanceGroup.code,
        )
        .select_from(money)
        .join(Beneficiary, Beneficiary.id == money.c.pid)
        .outerjoin(PayrollLine, last_line)
        .outerjoin(AllowanceGroup, AllowanceGroup.id == PayrollLine.group_id)
    ).all()
    valid = valid_groups(session, scope, first, last, ward_id)
    found: dict[str, PaidPerson] = {}
    for pid, national_id, gender, birth_date, birth_year, amount, code in rows:
        if amount is None or amount <= 0:
            continue
        group = valid.get(pid)
        codes = group.codes if group else ((code,) if code else ())
        paid = PaidPerson(
            pid,
            gender,
            birth_date,
            birth_year,
            int(amount),
            group.code if group else code,
            codes,
            group.month if group else last,
        )
        key = person_key(pid, national_id)
        if (other := found.get(key)) is not None:
            later = max(paid, other, key=lambda p: (p.month, p.person_id))
            paid = replace(later, money=paid.money + other.money)
        found[key] = paid
    return list(found.values())


def person_key(person_id: int, national_id: str | None) -> str:
    """Who a registry row is, across wards: its CCCD, else the row itself."""
    return national_id or f"#{person_id}"


Tally = dict[str, list[int]]  # leaf → [people, male, female, cost]


def count_in(leaves: Tally, leaf: str, gender: str | None, cost: int = 0) -> None:
    """Add one person (and their cost) to a leaf of a form."""
    entry = leaves.setdefault(leaf, [0, 0, 0, 0])
    entry[0] += 1
    entry[1] += gender == Gender.MALE
    entry[2] += gender == Gender.FEMALE
    entry[3] += cost


def rows_from(
    leaves: Tally, layout: list[tuple[str, str, list[str] | None]], no_cost: frozenset[str] = frozenset()
) -> list[FormRow]:
    """A form's rows from its layout (STT, Chỉ tiêu, the leaves a row adds up; None: not kept in An
    Sinh, the row stays empty). A row made only of ``no_cost`` leaves (people counted, no money) has
    an empty cost."""
    rows = []
    for number, label, keys in layout:
        if keys is None:
            rows.append(FormRow(number, label, None, None, None, None))
            continue
        sums: list[int | None] = [sum(leaves.get(k, [0, 0, 0, 0])[i] for k in keys) for i in range(4)]
        if set(keys) <= no_cost:
            sums[3] = None
        rows.append(FormRow(number, label, *sums))
    return rows


def form_10a(
    session: Session, scope: Scope, first: date, last: date, ward_id: int | None = None
) -> list[FormRow]:
    """The rows of form 10a for the payrolls of the months ``first`` to ``last``, of the scope's
    wards or of the one ward ``ward_id``."""
    leaves: Tally = {}
    for paid in paid_people(session, scope, first, last, ward_id):
        count_in(leaves, leaf_of(paid.code, paid.age), paid.gender, paid.money)
    funerals = session.execute(
        select(Beneficiary.gender, PayrollLine.amount)
        .join(Payroll, Payroll.id == PayrollLine.payroll_id)
        .join(Beneficiary, Beneficiary.id == PayrollLine.beneficiary_id)
        .where(
            Payroll.month >= first,
            Payroll.month <= last,
            PayrollLine.kind == LineKind.FUNERAL,
            _wards(scope, ward_id),
        )
    ).all()
    for gender, amount in funerals:
        count_in(leaves, "funeral", gender, amount)
    return rows_from(leaves, ROWS)


def default_period(months: list[tuple[date, str | None]]) -> tuple[date, date] | None:
    """The period form 10a opens on (``months`` as ``payroll_months`` gives them): up to the last
    locked month (the last built one when none is locked), from the first built month of its year."""
    built = sorted(month for month, status in months if status is not None)
    if not built:
        return None
    locked = [month for month, status in months if status == PayrollStatus.LOCKED]
    last = max(locked) if locked else built[-1]
    return next(m for m in built if m.year == last.year), last


COLUMNS = [  # about 80 characters: A4 portrait
    Column("STT", 6, horizontal="center"),
    Column("Chỉ tiêu", 38, wrap=True),
    Column("Tổng số (người)", 11, COUNT_FORMAT),
    Column("Nam", 9, COUNT_FORMAT),
    Column("Nữ", 9, COUNT_FORMAT),
    Column("Kinh phí (triệu đồng)", 13, MILLIONS_FORMAT),
]


def form_xlsx(
    rows: list[FormRow], office: Office, ward: str | None, first: date, last: date, *, form: str, title: str
) -> bytes:
    """A form of Decree 20's annex (``form``: "10a", "10c", "10d") as an A4 document of ``office``
    (or of the People's Committee of ``ward``, for one ward's form): cost in millions of đồng, the
    cell keeps whole đồng."""
    book = Book()
    doc = Document(book, f"Mẫu {form}", COLUMNS)
    doc.letterhead(office, ward, office.number("BC", ward))
    period = f"Từ tháng {format_month(first)} đến tháng {format_month(last)}"
    doc.title(
        title,
        period if ward is None else f"{ward} – {period.lower()}",
        f"(Mẫu số {form}, Nghị định số 20/2021/NĐ-CP)",
    )
    doc.table_header()
    for row in rows:
        top = row.number.isalpha()
        doc.row((row.number, row.label, row.people, row.male, row.female, row.cost), bold=top)
    doc.closing(PREPARER, office.signer(ward))
    return book.finish()


TITLE_10A = "BÁO CÁO KẾT QUẢ THỰC HIỆN TRỢ GIÚP XÃ HỘI THƯỜNG XUYÊN"


def form_10a_xlsx(rows: list[FormRow], office: Office, ward: str | None, first: date, last: date) -> bytes:
    """Form 10a as an A4 document (``form_xlsx``)."""
    return form_xlsx(rows, office, ward, first, last, form="10a", title=TITLE_10A)
