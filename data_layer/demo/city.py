"""Demo data for a first start: a small city with six wards, staff accounts and a registry.

The wards are Lạng Sơn's (province 20): a province officer (Sở Y tế) sees all six, a commune office its
own, by its tổ dân phố (hamlets are units under their ward). Four are today's wards with their official
codes (Đông Kinh 05977, Lương Văn Tri 05983, Tam Thanh 05986, Kỳ Lừa 06187); Mai Pha and Hoàng Đồng were
merged into Đông Kinh and Tam Thanh in 2025 and stay as old data with their local codes.

Generated from a fixed random seed so every demo database looks the same. Only used by
``ansinh db init --demo``; it does nothing when the database already has wards.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from sqlalchemy import insert, select
from sqlmodel import Session

from data_layer.admin.users import add_user
from data_layer.campaigns.allocation import apply_allocations
from data_layer.campaigns.calendar import add_milestone
from data_layer.campaigns.delivery import mark_delivered
from data_layer.campaigns.lumps import add_lump
from data_layer.campaigns.rules import Rule
from data_layer.campaigns.setup import add_package, create_campaign
from data_layer.campaigns.sign_off import sign_off
from data_layer.core.access import Scope
from data_layer.core.codes import DeliveryMethod, PersonStatus, Role
from data_layer.core.models import (
    Allocation,
    Beneficiary,
    BeneficiaryCategory,
    Category,
    FundingSource,
    User,
    Ward,
)
from data_layer.demo import allowance as allowance_demo
from data_layer.demo import bhyt as bhyt_demo
from data_layer.demo import relief as relief_demo
from data_layer.registry.hamlets import ensure_hamlets
from data_layer.registry.wards import add_ward
from data_layer.vn.formatting import LOCAL_TIME
from data_layer.vn.text import fold

DEMO_PASSWORD = "ansinh-demo"  # documented in README.md; demo databases only

DEMO_WARDS = [
    ("DK", "Phường Đông Kinh", ["Khối 1", "Khối 2", "Khối 3", "Khối 4"]),
    ("CL", "Phường Lương Văn Tri", ["Khối Ngọc Tuyền", "Khối Phai Luông", "Khối Chi Lăng"]),
    ("HVT", "Phường Kỳ Lừa", ["Khối 5", "Khối 6", "Khối 7"]),
    ("TT", "Phường Tam Thanh", ["Khối Tam Thanh", "Khối Lê Lợi", "Khối Nhị Thanh"]),
    ("MP", "Xã Mai Pha", ["Thôn Pò Mổ", "Thôn Khòn Khuyến", "Thôn Rọ Phải"]),
    ("HD", "Xã Hoàng Đồng", ["Thôn Hoàng Thanh", "Thôn Nà Chuông", "Thôn Quảng Tiến"]),
]

DEMO_PROVINCE = "20"  # Lạng Sơn
DEMO_OFFICIAL_CODES = {"DK": "05977", "CL": "05983", "TT": "05986", "HVT": "06187"}

DEMO_USERS = [
    ("admin", Role.ADMIN, None, "Quản trị hệ thống"),
    ("soyte", Role.PROVINCE, None, "Trần Thị Hạnh (Sở Y tế Lạng Sơn)"),
    ("quan", Role.DISTRICT, None, "Nguyễn Văn Quân (Phòng VH-XH)"),
    ("dongkinh", Role.WARD, "DK", "Hoàng Thị Lan (Phường Đông Kinh)"),
    ("chilang", Role.WARD, "CL", "Lương Văn Thắng (Phường Lương Văn Tri)"),
    ("xem", Role.VIEWER, None, "Lãnh đạo (chỉ xem)"),
]

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vi", "Lương", "Nông", "Hà", "Đặng", "Chu", "Lý"]
MIDDLE_M = ["Văn", "Đức", "Minh", "Quang", "Hữu", "Công"]
MIDDLE_F = ["Thị", "Thu", "Ngọc", "Thanh", "Kim"]
GIVEN_M = ["An", "Bình", "Cường", "Dũng", "Hùng", "Khánh", "Long", "Nam", "Phúc", "Sơn", "Tùng", "Việt"]
GIVEN_F = ["Anh", "Chi", "Dung", "Hà", "Hường", "Lan", "Mai", "Nga", "Oanh", "Thảo", "Uyên", "Yến"]

# Category codes with a weight: how common each group is in a ward's list.
CATEGORY_WEIGHTS = {
    "NCC_TB": 6,
    "NCC_TB81": 1,
    "NCC_BMVNAH": 1,
    "NCC_LTCM": 1,
    "NCC_CDHH": 2,
    "TNLS": 6,
    "TNNCC": 4,
    "BTXH": 8,
    "NKT": 5,
    "NCT": 12,
    "HN": 8,
    "HCN": 7,
    "TE": 3,
    "TNXP": 2,
    "CCB": 2,
}


def _person(rng: random.Random, ward_id: int, hamlets: list[str], province: str) -> dict:
    female = rng.random() < 0.55
    name = " ".join(
        [
            rng.choice(SURNAMES),
            rng.choice(MIDDLE_F if female else MIDDLE_M),
            rng.choice(GIVEN_F if female else GIVEN_M),
        ]
    )
    year = rng.choice([rng.randint(1920, 1960), rng.randint(1930, 2010)])
    birth = date(year, rng.randint(1, 12), rng.randint(1, 28)) if rng.random() < 0.8 else None
    national_id = None
    if rng.random() < 0.9:
        century_digit = (0 if year < 2000 else 2) + (1 if female else 0)
        national_id = f"{province}{century_digit}{year % 100:02d}{rng.randint(0, 999999):06d}"
    return {
        "ward_id": ward_id,
        "hamlet": rng.choice(hamlets),
        "name": name,
        "name_key": fold(name),
        "birth_date": birth,
        "birth_year": year,
        "gender": "F" if female else "M",
        "national_id": national_id,
        "status": PersonStatus.DIED if rng.random() < 0.02 else PersonStatus.ACTIVE,
        "bank_account": f"{rng.randint(10**11, 10**12 - 1)}" if rng.random() < 0.35 else None,
        "version": 1,
    }


def database_is_empty(session: Session) -> bool:
    """Whether the database holds no ward and no account yet."""
    return not (
        session.execute(select(Ward.id).limit(1)).first() or session.execute(select(User.id).limit(1)).first()
    )


def seed_demo_data(session: Session, *, people_per_ward: int = 150) -> bool:
    """Create the demo city, only in an empty database (no ward, no account: demo accounts with a
    published password must never reach a real one). Returns True when it seeded."""
    if not database_is_empty(session):
        return False
    scope = Scope.system()
    rng = random.Random(2026)
    wards = [
        (add_ward(session, scope, code, name, "Thành phố Lạng Sơn"), hamlets)
        for code, name, hamlets in DEMO_WARDS
    ]
    for ward, hamlets in wards:
        ward.official_code, ward.province_code = DEMO_OFFICIAL_CODES.get(ward.code), DEMO_PROVINCE
        session.add(ward)
        ensure_hamlets(session, ward.id, hamlets)  # the hamlets as units under their ward
    ward_ids = {ward.code: ward.id for ward, _hamlets in wards}
    for username, role, ward_code, name in DEMO_USERS:
        add_user(
            session,
            scope,
            username=username,
            password=DEMO_PASSWORD,
            role=role,
            ward_id=ward_ids.get(ward_code),
            name=name,
            province_code=DEMO_PROVINCE if role == Role.PROVINCE else None,
        )
    category_ids = dict(session.execute(select(Category.code, Category.id)).all())
    codes = list(CATEGORY_WEIGHTS)
    weights = list(CATEGORY_WEIGHTS.values())
    for ward, hamlets in wards:
        rows = [_person(rng, ward.id, hamlets, "020") for _ in range(people_per_ward)]
        ids = session.execute(insert(Beneficiary).returning(Beneficiary.id), rows).scalars().all()
        links = []
        for beneficiary_id in ids:
            picked = {c for c in rng.choices(codes, weights, k=rng.choice([1, 1, 1, 2]))}
            links += [
                {"beneficiary_id": beneficiary_id, "category_id": category_ids[c]} for c in sorted(picked)
            ]
        session.execute(insert(BeneficiaryCategory), links)
    _seed_campaign(session, scope, rng, ward_ids)
    allowance_demo.seed(session, scope, rng)  # a year of monthly allowance up to this month
    relief_demo.seed(session, scope, rng, ward_ids)  # a Tết rice relief round in two wards
    bhyt_demo.seed(session, scope, rng)  # health-insurance numbers and cards, two lists sent
    return True


# When each demo ward signs off its daily report (Vietnam's time; the deadline is 14:00), by day
# from 26/01/2026: None = nothing sent that day. Đông Kinh is always on time, Hoàng Đồng never reports.
DEMO_SIGN_OFFS = {
    "DK": ["10:30"] * 10,
    "CL": ["11:00", "13:45", "16:20", "09:15", "10:00", None, "15:30", "11:10", "08:45", "13:00"],
    "HVT": ["13:30", "12:00", "09:40", "10:20", None, None, None, None, None, None],
    "TT": ["17:00", "10:00", "18:30", "11:00", "16:45", "10:30", "19:00", "09:00", None, "15:00"],
    "MP": [None, None, "16:00", None, None, "20:10", None, None, None, None],
    "HD": [None] * 10,
}


def _signers(session: Session, ward_ids: dict[str, int]) -> dict[str, Scope]:
    """Who signs off each demo ward: its ward account, else the district officer on its behalf."""
    users = {u.username: u for u in session.execute(select(User)).scalars()}
    by_ward = {u.ward_id: u for u in users.values() if u.role == Role.WARD}
    return {code: Scope.for_user(by_ward.get(ward_id) or users["quan"]) for code, ward_id in ward_ids.items()}


def _sign_offs_of_day(
    session: Session, signers: dict[str, Scope], campaign_id: int, ward_ids: dict[str, int], day: date
) -> None:
    index = (day - date(2026, 1, 26)).days
    for code, times in DEMO_SIGN_OFFS.items():
        if code in ward_ids and (at := times[index]) is not None:
            hour, minute = map(int, at.split(":"))
            moment = datetime.combine(day, time(hour, minute), tzinfo=LOCAL_TIME)
            sign_off(session, signers[code], campaign_id, ward_ids[code], now=moment)
    if index == 1:  # Đông Kinh sends its report of 27/01 again after a correction
        sign_off(
            session,
            signers["DK"],
            campaign_id,
            ward_ids["DK"],
            now=datetime.combine(day, time(15), LOCAL_TIME),
        )


# (source, label, amount, rule, priority) of the demo Tết campaign
DEMO_PACKAGES = [
    (
        "TW",
        "Quà Chủ tịch nước – mức 600.000đ",
        600_000,
        Rule(categories=["NCC_LTCM", "NCC_BMVNAH", "NCC_AH", "NCC_TB81", "TNLS2"]),
        1,
    ),
    (
        "TW",
        "Quà Chủ tịch nước – mức 300.000đ",
        300_000,
        Rule(categories=["NCC_TB", "NCC_CDHH", "NCC_KHAC", "TNLS", "TNNCC"]),
        2,
    ),
    ("TINH", "Quà tỉnh – hộ nghèo, BTXH", 500_000, Rule(categories=["HN", "BTXH", "NKT"]), 1),
    ("TINH", "Quà tỉnh – cận nghèo, trẻ em", 300_000, Rule(categories=["HCN", "TE"]), 2),
    ("HUYEN", "Mừng thọ 70, 75", 700_000, Rule(ages=[70, 75]), 1),
    ("HUYEN", "Mừng thọ 80, 85", 900_000, Rule(ages=[80, 85]), 2),
    ("HUYEN", "Mừng thọ 90, 95", 1_200_000, Rule(ages=[90, 95]), 3),
    ("HUYEN", "Mừng thọ 100+", 1_700_000, Rule(age_min=100), 4),
]


def _seed_campaign(session: Session, scope: Scope, rng: random.Random, ward_ids: dict[str, int]) -> None:
    """A Tết campaign in progress: packages, auto-allocation, a week of deliveries, association lumps."""
    campaign = create_campaign(
        session,
        scope,
        name="Tết Nguyên đán Bính Ngọ 2026",
        year=2026,
        start_date=date(2026, 1, 26),
        end_date=date(2026, 2, 16),
        report_from=date(2026, 1, 26),
        report_to=date(2026, 2, 16),
        report_hour=14,
    )
    source_ids = dict(session.execute(select(FundingSource.code, FundingSource.id)).all())
    for source, label, amount, rule, priority in DEMO_PACKAGES:
        add_package(
            session,
            scope,
            campaign_id=campaign.id,
            source_id=source_ids[source],
            label=label,
            amount=amount,
            rule=rule,
            priority=priority,
        )
    apply_allocations(session, scope, campaign.id)
    ids = list(session.execute(select(Allocation.id).where(Allocation.campaign_id == campaign.id)).scalars())
    by_day: dict[date, list[int]] = {}
    for allocation_id in ids:
        if rng.random() < 0.6:
            by_day.setdefault(date(2026, 1, 27) + timedelta(days=rng.randint(0, 8)), []).append(allocation_id)
    _seed_reporting_days(session, scope, rng, campaign.id, ward_ids, by_day)
    for ward_code, count, amount, note in [
        ("DK", 120, 60_000_000, "Hội Chữ thập đỏ phường: 120 suất x 500.000đ"),
        ("CL", 80, 32_000_000, "Doanh nghiệp trên địa bàn: 80 suất x 400.000đ"),
        ("MP", 45, 13_500_000, "Hội Phụ nữ xã: 45 suất x 300.000đ"),
    ]:
        add_lump(
            session,
            scope,
            campaign_id=campaign.id,
            ward_id=ward_ids[ward_code],
            source_id=source_ids["XHH"],
            count=count,
            amount=amount,
            note=note,
        )


def _seed_reporting_days(
    session: Session,
    scope: Scope,
    rng: random.Random,
    campaign_id: int,
    ward_ids: dict[str, int],
    by_day: dict[date, list[int]],
) -> None:
    """Ten days of the campaign: each day's sign-offs (before that day's deliveries), then the
    deliveries; two milestone reports, the quick one sent by two wards."""
    quick = add_milestone(
        session, scope, campaign_id=campaign_id, name="Báo cáo nhanh trước Tết", due_date=date(2026, 2, 13)
    )
    add_milestone(
        session, scope, campaign_id=campaign_id, name="Báo cáo tổng kết", due_date=date(2026, 2, 25)
    )
    signers = _signers(session, ward_ids)
    for day in (date(2026, 1, 26) + timedelta(days=n) for n in range(10)):
        _sign_offs_of_day(session, signers, campaign_id, ward_ids, day)  # the figures up to the day before
        if day_ids := by_day.get(day):
            mark_delivered(
                session,
                scope,
                day_ids,
                on=day,
                by="Cán bộ phường/xã",
                method=rng.choice([DeliveryMethod.CASH, DeliveryMethod.CASH, DeliveryMethod.TRANSFER]),
            )
    for ward_code, moment in (("DK", datetime(2026, 2, 12, 9, 0)), ("CL", datetime(2026, 2, 13, 16, 30))):
        sign_off(
            session,
            signers[ward_code],
            campaign_id,
            ward_ids[ward_code],
            milestone_id=quick.id,
            now=moment.replace(tzinfo=LOCAL_TIME),
        )
