"""Forms 10c (elderly) and 10d (people with disabilities) of Decree 20/2021's annex for a period, for
the scope's wards or one ward; rows and sources in ``docs/forms.md``. With 10a (``allowance.forms``)
they are the half-yearly forms a commune sends before 15/6 and 15/12 (``FORM_DEADLINES``).

Both count people of the registry and of the allowance: a person paid in the period is counted by the
group valid in the period (``allowance.valid_groups``), with what the payrolls paid them as cost. The
registry's own rows (the elderly by age band, the people with disabilities by severity) count the
people present in the period: not died, moved or ended before its first month. Rows the annex asks
for that An Sinh does not keep (pensions, type of disability, care support) stay empty.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import and_, exists, func, or_, select
from sqlmodel import Session

from data_layer.allowance.forms import (
    TITLE_10A,
    FormRow,
    Tally,
    count_in,
    form_10a,
    form_xlsx,
    paid_people,
    person_key,
    rows_from,
)
from data_layer.allowance.months import add_months, months_from
from data_layer.allowance.rules import age_in_month
from data_layer.allowance.valid_groups import valid_groups
from data_layer.bhyt.coverage import coverage
from data_layer.bhyt.reference import load_base_salaries
from data_layer.campaigns.rules import MILESTONES
from data_layer.core.access import Scope
from data_layer.core.codes import AllocationStatus, PersonStatus
from data_layer.core.models import (
    Allocation,
    AllowanceGroup,
    Beneficiary,
    BeneficiaryCategory,
    Category,
    Entitlement,
    EntitlementGroup,
)
from data_layer.vn.document import Office

ELDERLY_AGE = 60
AGE_BANDS = [(60, 70), (70, 80), (80, 90), (90, 100), (100, None)]
ELDERLY_GROUPS = ("5.5a", "5.5b", "5.5c", "5.5d")
NO_PENSION_GROUPS = ("5.5c", "HTXH")  # held only by people without a pension or insurance benefit
PENSION_GROUP = "HTXH"
DISABILITY_GROUPS = ("5.6a", "5.6b")  # especially severe, severe
DISABLED_CATEGORY = "NKT"
TITLES = {
    "10a": TITLE_10A,
    "10c": "BÁO CÁO KẾT QUẢ THỰC HIỆN CHÍNH SÁCH ĐỐI VỚI NGƯỜI CAO TUỔI",
    "10d": "BÁO CÁO KẾT QUẢ THỰC HIỆN CHÍNH SÁCH ĐỐI VỚI NGƯỜI KHUYẾT TẬT",
}


def _band_leaf(age: int) -> str:
    low = max(lo for lo, _ in AGE_BANDS if age >= lo)
    return f"age{low}"


LONGEVITY_AGES = sorted(MILESTONES)  # 100 stands for 100 and over


def _longevity_label(age: int) -> str:
    return f"– Tuổi {age}" + (" trở lên" if age == max(MILESTONES) else "")


def _severity_band(age: int | None) -> str:
    age = -1 if age is None else age
    return "<16" if age < 16 else "16-60" if age < 60 else ">=60"


ROWS_10C: list[tuple[str, str, list[str] | None]] = [
    ("1", "Người cao tuổi trong danh sách đối tượng", [f"age{lo}" for lo, _ in AGE_BANDS]),
    ("", "– Từ 60 đến dưới 70 tuổi", ["age60"]),
    ("", "– Từ 70 đến dưới 80 tuổi", ["age70"]),
    ("", "– Từ 80 đến dưới 90 tuổi", ["age80"]),
    ("", "– Từ 90 đến dưới 100 tuổi", ["age90"]),
    ("", "– Từ 100 tuổi trở lên", ["age100"]),
    ("2", "Người cao tuổi có lương hưu, trợ cấp bảo hiểm xã hội hằng tháng", None),
    (
        "3",
        "Người cao tuổi không có lương hưu, trợ cấp bảo hiểm xã hội (diện 5.5c, hưu trí xã hội)",
        ["nopension"],
    ),
    ("4", "Người cao tuổi hưởng trợ cấp xã hội hằng tháng", [*ELDERLY_GROUPS, "allow-other"]),
    ("", "– Thuộc hộ nghèo, không có người có nghĩa vụ phụng dưỡng", ["5.5a"]),
    ("", "– Từ 75 đến 80 tuổi ở vùng đặc biệt khó khăn", ["5.5b"]),
    ("", "– Từ 80 tuổi trở lên không có lương hưu, trợ cấp BHXH", ["5.5c"]),
    ("", "– Được nhận chăm sóc tại cộng đồng", ["5.5d"]),
    ("", "– Hưởng theo diện khác (khuyết tật, nhiễm HIV…)", ["allow-other"]),
    ("5", "Người cao tuổi hưởng trợ cấp hưu trí xã hội (Nghị định 176/2025/NĐ-CP)", [PENSION_GROUP]),
    (
        "6",
        "Người cao tuổi được chúc thọ, mừng thọ",
        [f"lt{a}" for a in LONGEVITY_AGES],
    ),
    *[("", _longevity_label(a), [f"lt{a}"]) for a in LONGEVITY_AGES],
    ("7", "Người cao tuổi được cấp thẻ bảo hiểm y tế (ngân sách đóng)", ["cards"]),
]

_SEVERE = [f"5.6a{b}" for b in ("<16", "16-60", ">=60")]
_HEAVY = [f"5.6b{b}" for b in ("<16", "16-60", ">=60")]
ROWS_10D: list[tuple[str, str, list[str] | None]] = [
    ("1", "Người khuyết tật trong danh sách đối tượng", ["reg5.6a", "reg5.6b", "reg-other"]),
    ("", "– Khuyết tật đặc biệt nặng", ["reg5.6a"]),
    ("", "– Khuyết tật nặng", ["reg5.6b"]),
    ("", "– Khuyết tật nhẹ hoặc chưa ghi mức độ", ["reg-other"]),
    ("", "– Theo dạng tật (vận động, nghe nói, nhìn, thần kinh, tâm thần, trí tuệ, khác)", None),
    ("2", "Người khuyết tật hưởng trợ cấp xã hội hằng tháng", [*_SEVERE, *_HEAVY]),
    ("", "– Đặc biệt nặng", _SEVERE),
    ("", "   + Dưới 16 tuổi", [_SEVERE[0]]),
    ("", "   + Từ 16 đến dưới 60 tuổi", [_SEVERE[1]]),
    ("", "   + Từ 60 tuổi trở lên", [_SEVERE[2]]),
    ("", "– Nặng", _HEAVY),
    ("", "   + Dưới 16 tuổi", [_HEAVY[0]]),
    ("", "   + Từ 16 đến dưới 60 tuổi", [_HEAVY[1]]),
    ("", "   + Từ 60 tuổi trở lên", [_HEAVY[2]]),
    ("3", "Hỗ trợ kinh phí chăm sóc, nuôi dưỡng người khuyết tật", None),
    ("4", "Người khuyết tật được cấp thẻ bảo hiểm y tế (ngân sách đóng)", ["cards"]),
]


def _registry_people(session: Session, scope: Scope, first: date, ward_id: int | None, *where) -> list:
    """(key, id, gender, birth date, birth year) of the registry's people of the wards present in the
    period (active, or died / moved / ended on or after its first day) matching ``where``; one CCCD is
    one person (``person_key``): of a person's rows in two wards (a move), the active one."""
    wards = scope.ward_clause(Beneficiary.ward_id)
    if ward_id is not None:
        wards = and_(wards, Beneficiary.ward_id == ward_id)
    present = or_(Beneficiary.status == PersonStatus.ACTIVE, Beneficiary.status_date >= first)
    chosen: dict[str, tuple] = {}
    for pid, national_id, status, gender, birth_date, birth_year in session.execute(
        select(
            Beneficiary.id,
            Beneficiary.national_id,
            Beneficiary.status,
            Beneficiary.gender,
            Beneficiary.birth_date,
            Beneficiary.birth_year,
        ).where(wards, present, *where)
    ):
        key = person_key(pid, national_id)
        rank = (status == PersonStatus.ACTIVE, pid)
        if key not in chosen or rank > chosen[key][0]:
            chosen[key] = (rank, (key, pid, gender, birth_date, birth_year))
    return [row for _, row in chosen.values()]


def _longevity_gifts(session: Session, scope: Scope, first: date, last: date, ward_id: int | None):
    """(gender, milestone age, value) per person given a longevity gift (a gift of a longevity
    package: its milestone age fixed at allocation, ``campaigns.rules``) delivered in the period."""
    end = add_months(last, 1) - timedelta(days=1)
    wards = scope.ward_clause(Allocation.ward_id)
    if ward_id is not None:
        wards = and_(wards, Allocation.ward_id == ward_id)
    return session.execute(
        select(Beneficiary.gender, func.max(Allocation.milestone), func.sum(Allocation.amount))
        .join(Beneficiary, Beneficiary.id == Allocation.beneficiary_id)
        .where(
            wards,
            Allocation.milestone.is_not(None),
            Allocation.status == AllocationStatus.DELIVERED,
            Allocation.delivered_on >= first,
            Allocation.delivered_on <= end,
        )
        .group_by(Allocation.beneficiary_id, Beneficiary.gender)
    ).all()


def _count_cards(
    leaves: Tally, session: Session, scope: Scope, first: date, last: date, ward_id: int | None, keep
) -> None:
    """The people with a health-insurance card the State pays (``bhyt.coverage``) in some month of the
    period for whom ``keep(covered)`` holds, once each; cost = the premiums of their covered months
    (4.5% of each month's base salary)."""
    salaries = load_base_salaries(session)
    people: dict[str, tuple[str | None, int]] = {}
    for month in months_from(first, last):
        covered, _ = coverage(session, scope, month, [ward_id] if ward_id is not None else None)
        for pid, card in covered.items():
            if keep(card):
                key = person_key(pid, card.national_id)
                gender, premiums = people.get(key, (card.gender, 0))
                people[key] = (gender, premiums + salaries.premium_in(month))
    for gender, premiums in people.values():
        count_in(leaves, "cards", gender, premiums)


def form_10c(
    session: Session, scope: Scope, first: date, last: date, ward_id: int | None = None
) -> list[FormRow]:
    """The rows of form 10c (elderly) for the months ``first`` to ``last``."""
    leaves: Tally = {}
    oldest_year = last.year - ELDERLY_AGE
    elders = _registry_people(session, scope, first, ward_id, Beneficiary.birth_year <= oldest_year)
    for _, _, gender, birth_date, birth_year in elders:
        age = age_in_month(birth_date, birth_year, last)
        if age is not None and age >= ELDERLY_AGE:
            count_in(leaves, _band_leaf(age), gender)
    for paid in paid_people(session, scope, first, last, ward_id):
        if paid.age is None or paid.age < ELDERLY_AGE:
            continue
        if any(code in NO_PENSION_GROUPS for code in paid.codes):
            count_in(leaves, "nopension", paid.gender, paid.money)
        if paid.code == PENSION_GROUP:
            count_in(leaves, PENSION_GROUP, paid.gender, paid.money)
        else:
            leaf = paid.code if paid.code in ELDERLY_GROUPS else "allow-other"
            count_in(leaves, leaf, paid.gender, paid.money)
    for gender, age, value in _longevity_gifts(session, scope, first, last, ward_id):
        count_in(leaves, f"lt{int(age)}", gender, int(value or 0))

    def elderly(card) -> bool:
        age = age_in_month(card.birth_date, card.birth_year, last)
        return age is not None and age >= ELDERLY_AGE

    _count_cards(leaves, session, scope, first, last, ward_id, elderly)
    return rows_from(leaves, ROWS_10C, frozenset(f"age{lo}" for lo, _ in AGE_BANDS))


def _severity(codes: tuple[str, ...]) -> str | None:
    """The most severe disability group among ``codes`` (None: none)."""
    return next((code for code in DISABILITY_GROUPS if code in codes), None)


def form_10d(
    session: Session, scope: Scope, first: date, last: date, ward_id: int | None = None
) -> list[FormRow]:
    """The rows of form 10d (people with disabilities) for the months ``first`` to ``last``."""
    leaves: Tally = {}
    valid = valid_groups(session, scope, first, last, ward_id)
    in_category = exists().where(
        BeneficiaryCategory.beneficiary_id == Beneficiary.id,
        BeneficiaryCategory.category_id == Category.id,
        Category.code == DISABLED_CATEGORY,
    )
    in_group = exists().where(
        Entitlement.beneficiary_id == Beneficiary.id,
        EntitlementGroup.entitlement_id == Entitlement.id,
        EntitlementGroup.group_id == AllowanceGroup.id,
        AllowanceGroup.code.in_(DISABILITY_GROUPS),
    )
    disabled = set()
    for key, pid, gender, _, _ in _registry_people(
        session, scope, first, ward_id, or_(in_category, in_group)
    ):
        severity = _severity(valid[pid].codes) if pid in valid else None
        count_in(leaves, f"reg{severity or '-other'}", gender)
        disabled.add(key)

    def is_disabled(card) -> bool:
        return person_key(card.beneficiary_id, card.national_id) in disabled

    _count_cards(leaves, session, scope, first, last, ward_id, is_disabled)
    for paid in paid_people(session, scope, first, last, ward_id):
        if severity := _severity(paid.codes):
            count_in(leaves, f"{severity}{_severity_band(paid.age)}", paid.gender, paid.money)
    return rows_from(leaves, ROWS_10D, frozenset({"reg5.6a", "reg5.6b", "reg-other"}))


FORMS = {"10a": form_10a, "10c": form_10c, "10d": form_10d}
FORM_NAMES = {
    "10a": "Mẫu 10a – trợ giúp xã hội thường xuyên",
    "10c": "Mẫu 10c – người cao tuổi",
    "10d": "Mẫu 10d – người khuyết tật",
}
# (month, day) a commune sends the half-yearly forms before (Decree 20/2021; a province may set earlier)
FORM_DEADLINES = ((6, 15), (12, 15))


def next_form_deadline(today: date) -> date:
    """The next day the half-yearly forms are due at a commune: 15/6 or 15/12 (today included)."""
    for year in (today.year, today.year + 1):
        for month, day in FORM_DEADLINES:
            if date(year, month, day) >= today:
                return date(year, month, day)
    raise AssertionError("unreachable")


def form_rows(
    session: Session, scope: Scope, form: str, first: date, last: date, ward_id: int | None = None
) -> list[FormRow]:
    """The rows of form ``form`` ("10a", "10c" or "10d")."""
    return FORMS[form](session, scope, first, last, ward_id)


def form_document(
    form: str, rows: list[FormRow], office: Office, ward: str | None, first: date, last: date
) -> bytes:
    """Form 10a, 10c or 10d as an A4 document, one layout for the three."""
    return form_xlsx(rows, office, ward, first, last, form=form, title=TITLES[form])
