"""SQLModel tables of An Sinh (one module, so relationships resolve).

Money is an integer number of đồng; text is NFC. Schema changes go through the Alembic
migrations in ``data_layer/migrations``, never through ``create_all``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import BigInteger, Column, ForeignKeyConstraint, Index, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from data_layer.core.codes import (
    AllocationStatus,
    BatchStatus,
    CampaignKind,
    CampaignStatus,
    PackageKind,
    PersonStatus,
)


def utcnow() -> datetime:
    return datetime.now(UTC)


def _money(nullable: bool = False) -> Column:
    return Column(BigInteger, nullable=nullable)


class Ward(SQLModel, table=True):
    """A commune-level unit (phường, xã, đặc khu; before 2025 also thị trấn): its local code, and its
    official code and province when it is in the catalogue (``AdminUnit``, era new)."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=20, unique=True, index=True)
    name: str = Field(max_length=200)
    parent_unit: str | None = Field(default=None, max_length=200)
    active: bool = True
    official_code: str | None = Field(default=None, max_length=5, unique=True, index=True)
    province_code: str | None = Field(default=None, max_length=3, index=True)


class AdminUnit(SQLModel, table=True):
    """A commune, ward or special zone of the official catalogue, of one era: ``old`` (before 1/7/2025,
    under a district) or ``new``. Codes repeat across eras (most new codes were some other old
    commune's), so a unit is its era, code and name (the official table gives a few old codes two names).
    Loaded by ``ansinh unit load`` (registry.unit_catalog)."""

    __table_args__ = (
        UniqueConstraint("era", "code", "name_key", name="uq_adminunit_era_code_name"),
        Index("ix_adminunit_era_loose_key", "era", "loose_key"),
    )

    id: int | None = Field(default=None, primary_key=True)
    era: str = Field(max_length=3)
    code: str = Field(max_length=10)
    name: str = Field(max_length=200)
    name_key: str = Field(max_length=200, description="name without its kind, tone placement ignored")
    loose_key: str = Field(max_length=200, description="name without its kind and without any mark")
    province_code: str = Field(max_length=3)
    province: str = Field(max_length=200)
    district_code: str | None = Field(default=None, max_length=5)
    district: str | None = Field(default=None, max_length=200)


class UnitSuccession(SQLModel, table=True):
    """An old commune (or part of it) that went into a new one on 1/7/2025, with the official note
    ("Nhập toàn bộ", "Nhập một phần", …); ``all_people``: this new unit took all of its people."""

    old_unit_id: int = Field(foreign_key="adminunit.id", primary_key=True, ondelete="CASCADE")
    new_unit_id: int = Field(foreign_key="adminunit.id", primary_key=True, index=True, ondelete="CASCADE")
    note: str = Field(default="", max_length=200)
    all_people: bool = False


class Hamlet(SQLModel, table=True):
    """A thôn/tổ dân phố: a unit under its ward, created from the Thôn/Tổ column of imports and matched by
    folded name. An admin merges two spellings of one hamlet: the merged row stays, pointing to the
    one kept (``merged_into_id``), so later lists spelled that way land in the kept one."""

    __table_args__ = (UniqueConstraint("ward_id", "name_key", name="uq_hamlet_ward_name"),)

    id: int | None = Field(default=None, primary_key=True)
    ward_id: int = Field(foreign_key="ward.id")
    name: str = Field(max_length=200)
    name_key: str = Field(max_length=200)
    merged_into_id: int | None = Field(default=None, foreign_key="hamlet.id")


class HamletPlacement(SQLModel, table=True):
    """Which of today's units a hamlet of a split old commune went to, as a user answered it once for
    an old list (remembered for later lists, editable by an admin)."""

    __table_args__ = (UniqueConstraint("old_unit_code", "hamlet_key", name="uq_hamletplacement_old_hamlet"),)

    id: int | None = Field(default=None, primary_key=True)
    old_unit_code: str = Field(max_length=5)
    hamlet_key: str = Field(max_length=200)
    hamlet: str = Field(max_length=200)
    new_unit_code: str = Field(max_length=5)
    decided_by: int | None = Field(default=None, foreign_key="user.id")
    decided_at: datetime = Field(default_factory=utcnow)


class Category(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=30, unique=True, index=True)
    name: str = Field(max_length=200)
    group: str = Field(max_length=100)
    active: bool = True


class FundingSource(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=20, unique=True, index=True)
    name: str = Field(max_length=200)
    active: bool = True


class BeneficiaryCategory(SQLModel, table=True):
    beneficiary_id: int = Field(foreign_key="beneficiary.id", primary_key=True, ondelete="CASCADE")
    category_id: int = Field(foreign_key="category.id", primary_key=True, index=True)


class Beneficiary(SQLModel, table=True):
    __table_args__ = (
        Index("ix_beneficiary_ward_name", "ward_id", "name_key"),
        Index("ix_beneficiary_ward_hamlet", "ward_id", "hamlet"),
        # cross-ward duplicate checks (name + birth year) and "died but still has gifts" lookups
        Index("ix_beneficiary_name_year", "name_key", "birth_year"),
        Index("ix_beneficiary_status", "status"),
        # one person per national ID in a ward: two imports of one list at once cannot duplicate anyone
        Index(
            "uq_beneficiary_ward_national_id",
            "ward_id",
            "national_id",
            unique=True,
            sqlite_where=text("national_id IS NOT NULL"),
            postgresql_where=text("national_id IS NOT NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    ward_id: int = Field(foreign_key="ward.id", index=True)
    hamlet: str | None = Field(default=None, max_length=200)
    name: str = Field(max_length=200)
    name_key: str = Field(max_length=200, description="folded name: lower case, no diacritics")
    birth_date: date | None = None
    birth_year: int | None = None
    gender: str | None = Field(default=None, max_length=1)
    national_id: str | None = Field(default=None, max_length=12, index=True)
    status: str = Field(default=PersonStatus.ACTIVE, max_length=20)
    status_date: date | None = None
    status_reason: str | None = Field(default=None, max_length=500)
    bank_account: str | None = Field(default=None, max_length=50)
    phone: str | None = Field(default=None, max_length=30)
    note: str | None = Field(default=None, sa_column=Column(Text))
    import_batch_id: int | None = Field(default=None, foreign_key="importbatch.id", index=True)
    # the pre-2025 commune a list placed the person in (official old code and name), kept for history
    old_unit_code: str | None = Field(default=None, max_length=5)
    old_unit_name: str | None = Field(default=None, max_length=200)
    # health insurance (data_layer/bhyt): mã số BHXH, số thẻ BHYT, nơi đăng ký khám chữa bệnh ban đầu
    social_insurance_no: str | None = Field(default=None, max_length=10, index=True)
    health_card_no: str | None = Field(default=None, max_length=15)
    clinic: str | None = Field(default=None, max_length=200)
    version: int = 1
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class Campaign(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)
    kind: str = Field(default=CampaignKind.TET, max_length=20)
    year: int
    start_date: date | None = None
    end_date: date | None = None
    report_from: date | None = None
    report_to: date | None = None
    report_hour: int | None = None
    status: str = Field(default=CampaignStatus.OPEN, max_length=20)
    created_at: datetime = Field(default_factory=utcnow)


class Package(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True)
    source_id: int = Field(foreign_key="fundingsource.id", index=True)
    label: str = Field(max_length=200)
    amount: int = Field(sa_column=_money())
    kind: str = Field(default=PackageKind.CASH, max_length=20)
    rule: str | None = Field(default=None, sa_column=Column(Text), description="eligibility rule as JSON")
    budget: int | None = Field(default=None, sa_column=_money(nullable=True))
    priority: int = 0


class Allocation(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("package_id", "beneficiary_id", name="uq_allocation_package_beneficiary"),
        # covers the progress GROUP BY (index-only scan) and every campaign + ward lookup
        Index(
            "ix_allocation_progress",
            "campaign_id",
            "ward_id",
            "package_id",
            "status",
            "delivered_on",
            "amount",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id")
    package_id: int = Field(foreign_key="package.id", index=True)
    beneficiary_id: int = Field(foreign_key="beneficiary.id", index=True)
    ward_id: int = Field(foreign_key="ward.id", index=True)
    amount: int = Field(sa_column=_money())
    status: str = Field(default=AllocationStatus.PLANNED, max_length=20)
    delivered_on: date | None = None
    delivered_by: str | None = Field(default=None, max_length=200)
    delivery_method: str | None = Field(default=None, max_length=20)
    reason: str | None = Field(default=None, max_length=500)
    note: str | None = Field(default=None, sa_column=Column(Text))
    # the longevity milestone age the gift was given for (70 … 100), fixed at allocation
    milestone: int | None = None
    import_batch_id: int | None = Field(default=None, foreign_key="importbatch.id", index=True)
    version: int = 1
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class LumpGift(SQLModel, table=True):
    __table_args__ = (Index("ix_lumpgift_campaign_ward", "campaign_id", "ward_id"),)

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id")
    ward_id: int = Field(foreign_key="ward.id")
    source_id: int = Field(foreign_key="fundingsource.id")
    count: int
    amount: int = Field(sa_column=_money())
    note: str | None = Field(default=None, sa_column=Column(Text))
    created_by: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow)


class User(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=60, unique=True, index=True)
    name: str = Field(max_length=200)
    password_hash: str = Field(max_length=100)
    role: str = Field(max_length=20)
    ward_id: int | None = Field(default=None, foreign_key="ward.id")
    province_code: str | None = Field(default=None, max_length=3)  # a province officer's province
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow)
    # raised by logout, password change and deactivation: a login cookie carrying an older one is void
    session_version: int = 0


class ImportBatch(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    file_name: str = Field(max_length=300)
    sha256: str = Field(max_length=64, index=True)
    user_id: int | None = Field(default=None, foreign_key="user.id")
    ward_id: int = Field(foreign_key="ward.id", index=True)
    campaign_id: int | None = Field(default=None, foreign_key="campaign.id")
    source_id: int | None = Field(default=None, foreign_key="fundingsource.id")
    rows_read: int = 0
    accepted: int = 0
    rejected: int = 0
    warnings: int = 0
    beneficiaries_created: int = 0
    beneficiaries_matched: int = 0
    allocations_created: int = 0
    status: str = Field(default=BatchStatus.COMMITTED, max_length=20)
    created_at: datetime = Field(default_factory=utcnow)


class AuditEvent(SQLModel, table=True):
    __table_args__ = (Index("ix_auditevent_table_row", "table_name", "row_id"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    table_name: str = Field(max_length=40)
    row_id: int | None = None
    ward_id: int | None = Field(default=None, index=True)
    action: str = Field(max_length=20)
    field: str | None = Field(default=None, max_length=60)
    old: str | None = Field(default=None, sa_column=Column(Text))
    new: str | None = Field(default=None, sa_column=Column(Text))
    batch_id: int | None = Field(default=None, foreign_key="importbatch.id")


class CategoryAlias(SQLModel, table=True):
    """A category text seen in a ward file (folded) and the catalogue category it means."""

    id: int | None = Field(default=None, primary_key=True)
    text_key: str = Field(max_length=200, unique=True, index=True)
    category_id: int = Field(foreign_key="category.id")


class BudgetScenario(SQLModel, table=True):
    """A named what-if of a campaign's packages: amounts, added/removed packages, growth, source caps."""

    __table_args__ = (UniqueConstraint("campaign_id", "name", name="uq_budgetscenario_campaign_name"),)

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True)
    name: str = Field(max_length=200)
    content: str = Field(sa_column=Column(Text, nullable=False), description="scenario as JSON")
    created_by: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow)


class CampaignMilestone(SQLModel, table=True):
    """A named report every ward owes once, by a due date (quick report before Tết, final report)."""

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True)
    name: str = Field(max_length=200)
    due_date: date


class WardReport(SQLModel, table=True):
    """A ward's signed-off figures for one report of a campaign: the daily report of ``report_day``
    or the milestone ``milestone_id``. Never changed or deleted (a trigger refuses it): a later
    sign-off of the same report supersedes it and both are kept."""

    __table_args__ = (Index("ix_wardreport_campaign_ward_signed", "campaign_id", "ward_id", "signed_at"),)

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id")
    ward_id: int = Field(foreign_key="ward.id")
    report_day: date | None = None  # the day (Vietnam's calendar) of a daily report
    milestone_id: int | None = Field(default=None, foreign_key="campaignmilestone.id", index=True)
    figures: str = Field(sa_column=Column(Text, nullable=False), description="the ward's figures as JSON")
    signed_by: int | None = Field(default=None, foreign_key="user.id")
    signed_at: datetime = Field(default_factory=utcnow)


class ApprovalEvent(SQLModel, table=True):
    """One event of a ward's approval history in a campaign: the district approved its results
    (``approve``: its allocations and lump gifts in the campaign become read-only, ``core.locks``) or
    lifted that (``unlock``, with a reason). Append-only: the database refuses an update or delete,
    and an event that does not follow the latest (``seq`` + 1, approve and unlock in turn). The
    ward's state is its latest event."""

    __table_args__ = (UniqueConstraint("campaign_id", "ward_id", "seq", name="uq_approvalevent_seq"),)

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id")
    ward_id: int = Field(foreign_key="ward.id")
    seq: int  # 1, 2, … per campaign and ward
    action: str = Field(max_length=20)  # ApprovalAction
    at: datetime = Field(default_factory=utcnow)
    user_id: int | None = Field(default=None, foreign_key="user.id")
    reason: str | None = Field(default=None, max_length=500)


class Seal(SQLModel, table=True):
    """A link of the tamper-evidence chain (``core.seals``): the hash of a locked payroll month, a
    signed ward report or an approval event, written when it came to be, chained to the link before."""

    __table_args__ = (
        UniqueConstraint("kind", "ref_id", name="uq_seal_kind_ref"),
        UniqueConstraint("prev_hash", name="uq_seal_prev"),  # one chain: no two links after one
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=20)  # SealKind
    ref_id: int
    content_hash: str = Field(max_length=64)
    prev_hash: str = Field(max_length=64)
    link_hash: str = Field(max_length=64)
    sealed_at: datetime = Field(default_factory=utcnow)


class SealCheck(SQLModel, table=True):
    """One run of ``ansinh db verify``: when, whether every link matched, the first problem."""

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow)
    ok: bool
    links: int
    problem: str | None = Field(default=None, sa_column=Column(Text))


class LoginThrottle(SQLModel, table=True):
    """Wrong passwords from one client address for one user name, and when the next try is allowed."""

    client: str = Field(primary_key=True, max_length=64)
    username: str = Field(primary_key=True, max_length=60)
    failures: int = 0
    blocked_until: datetime | None = None


# Running totals kept by database triggers (data_layer/core/tallies.py): the progress page reads these
# few hundred rows instead of scanning the registry and the allocations. Never written by the app.


def _key():
    """An integer part of a running total's key (given, never generated)."""
    return Field(primary_key=True, sa_column_kwargs={"autoincrement": False})


class WardTally(SQLModel, table=True):
    """Per ward: people in the registry and the data-quality counts."""

    ward_id: int = _key()
    people: int = 0
    active: int = 0
    cashless: int = 0
    missing_id: int = 0
    invalid_id: int = 0
    no_hamlet: int = 0


class CategoryTally(SQLModel, table=True):
    """Active people per ward and category."""

    ward_id: int = _key()
    category_id: int = _key()
    people: int = 0


class DeadGiftTally(SQLModel, table=True):
    """Undelivered (planned) gifts of people recorded as died, per ward of the gift."""

    ward_id: int = _key()
    gifts: int = 0


class AllocationTally(SQLModel, table=True):
    """Gifts and money per campaign, ward, package and status."""

    campaign_id: int = _key()
    ward_id: int = _key()
    package_id: int = _key()
    status: str = Field(primary_key=True, max_length=20)
    gifts: int = 0
    amount: int = Field(default=0, sa_column=_money())


class DeliveryDayTally(SQLModel, table=True):
    """Delivered gifts and money per campaign, ward, package and delivery day."""

    campaign_id: int = _key()
    ward_id: int = _key()
    package_id: int = _key()
    day: date = Field(primary_key=True)
    gifts: int = 0
    amount: int = Field(default=0, sa_column=_money())


class HamletTally(SQLModel, table=True):
    """Gifts and money per campaign, ward, spelling of the person's Thôn/Tổ ('' for none), package and
    status: a commune office's progress by hamlet (gifts whose ward is their person's)."""

    campaign_id: int = _key()
    ward_id: int = _key()
    hamlet: str = Field(primary_key=True, max_length=200)
    package_id: int = _key()
    status: str = Field(primary_key=True, max_length=20)
    gifts: int = 0
    amount: int = Field(default=0, sa_column=_money())


class PaidTally(SQLModel, table=True):
    """Per person: the lines of locked payrolls other than funeral support, and their sum (what the
    payroll build counts as already settled; see allowance.payroll_lines)."""

    beneficiary_id: int = _key()
    lines: int = 0
    amount: int = Field(default=0, sa_column=_money())


class SharedNameYear(SQLModel, table=True):
    """People per ward whose folded name + birth year is also found in another ward (possible
    duplicates); only such names are listed."""

    name_key: str = Field(primary_key=True, max_length=200)
    birth_year: int = _key()
    ward_id: int = _key()
    people: int = 0


class SharedWardTally(SQLModel, table=True):
    """Per ward, the sums of ``SharedNameYear``: name + birth year keys also found in another ward, and
    the ward's people holding them (the possible duplicates a ward is shown)."""

    ward_id: int = _key()
    names: int = 0
    people: int = 0


class DatabaseState(SQLModel, table=True):
    """One row (id 1): the data version, raised by triggers on every write (``versioning``), and the
    digest of the installed triggers, so an upgrade reinstalls them only when they changed."""

    id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    data_version: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    trigger_digest: str = Field(default="", max_length=64)


class AppSecret(SQLModel, table=True):
    """Secrets every app server must share, kept in the database when it is PostgreSQL (the login
    cookie's signing key when ANSINH_COOKIE_KEY is not set): created once, read by the app's role."""

    name: str = Field(primary_key=True, max_length=40)
    value: str = Field(max_length=200)


# --- monthly allowance ----------------------------------------------------------------------------
# Entitlements to the monthly social allowance / social pension, their dated reference data and the
# monthly payroll ledger (data_layer/allowance). Months are stored as first-of-month dates.


class AllowanceStandard(SQLModel, table=True):
    """A dated reference value (``StandardKind``): the standard or the social pension level in đồng,
    or the funeral multiplier (times the standard). The latest ``from_month`` ≤ M applies in M."""

    __table_args__ = (UniqueConstraint("kind", "from_month", name="uq_allowancestandard_kind_month"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=20)
    from_month: date
    amount: int = Field(sa_column=_money())


class AllowanceGroup(SQLModel, table=True):
    """A group of Decree 20 Art. 5 (5.1 … 5.8) or the social pension (HTXH): reference data."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=10, unique=True, index=True)
    name: str = Field(max_length=300)
    kind: str = Field(default="coefficient", max_length=20)  # GroupKind
    # a single parent (5.4) also in this group gets children × coefficient plus this group's rate
    adds_to_children: bool = False
    active: bool = True


class GroupCoefficient(SQLModel, table=True):
    """A group's coefficient, in tenths, for an age band [min_age, max_age) from a month on. The rows
    of a group with the same ``from_month`` are one version; the latest version ≤ M applies in M."""

    __table_args__ = (UniqueConstraint("group_id", "from_month", "min_age", name="uq_groupcoefficient_band"),)

    id: int | None = Field(default=None, primary_key=True)
    group_id: int = Field(foreign_key="allowancegroup.id", index=True)
    from_month: date
    min_age: int | None = None  # None: no lower age limit
    max_age: int | None = None  # exclusive; None: no upper age limit
    tenths: int


class Entitlement(SQLModel, table=True):
    """A person's monthly allowance or social pension from a start month (a decision), until stopped.
    A person may hold several in turn, never two for the same month."""

    # what a payroll line names (its person and paying ward) is one reference (see PayrollLine)
    __table_args__ = (Index("uq_entitlement_person_ward", "id", "beneficiary_id", "ward_id", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    beneficiary_id: int = Field(foreign_key="beneficiary.id", index=True, ondelete="CASCADE")
    ward_id: int = Field(foreign_key="ward.id", index=True)
    start_month: date
    paid_until: date | None = None  # the register says it was paid outside An Sinh up to this month
    children: int | None = None  # group 5.4
    decision_no: str | None = Field(default=None, max_length=100)
    decision_date: date | None = None
    payment_method: str = Field(default="cash", max_length=20)
    account_number: str | None = Field(default=None, max_length=50)
    bank_name: str | None = Field(default=None, max_length=200)
    proxy_name: str | None = Field(default=None, max_length=200)
    status: str = Field(default="active", max_length=20)  # EntitlementStatus
    stop_date: date | None = None
    stop_reason: str | None = Field(default=None, max_length=20)  # StopReason
    # the month the groups and children apply from when a dated change set them (None: the start
    # month); earlier ones are kept in EntitlementTerm
    terms_from: date | None = None
    # who arranged the burial and receives the funeral support (recorded with a death)
    funeral_receiver: str | None = Field(default=None, max_length=200)
    funeral_relation: str | None = Field(default=None, max_length=100)
    funeral_national_id: str | None = Field(default=None, max_length=12)
    import_batch_id: int | None = Field(default=None, foreign_key="importbatch.id", index=True)
    version: int = 1
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class EntitlementGroup(SQLModel, table=True):
    entitlement_id: int = Field(foreign_key="entitlement.id", primary_key=True, ondelete="CASCADE")
    group_id: int = Field(foreign_key="allowancegroup.id", primary_key=True, index=True)


class EntitlementTerm(SQLModel, table=True):
    """Groups and children an entitlement had from ``from_month`` to ``to_month`` (both included),
    before a dated change replaced them: the payroll still prices those months by them."""

    id: int | None = Field(default=None, primary_key=True)
    entitlement_id: int = Field(foreign_key="entitlement.id", index=True, ondelete="CASCADE")
    from_month: date
    to_month: date
    children: int | None = None


class PaymentReturn(SQLModel, table=True):
    """The payment agent's return for one person of a locked payroll (Decree 20 art. 34): whether
    they collected the month's money. Not collected: the next payroll pays those lines again as
    arrears. The only thing written about a locked month, in its own table."""

    __table_args__ = (
        UniqueConstraint("payroll_id", "beneficiary_id", name="uq_paymentreturn_person"),
        # the few not collected, read by every payroll build (payroll_lines)
        Index(
            "ix_paymentreturn_uncollected",
            "beneficiary_id",
            "payroll_id",
            sqlite_where=text("NOT collected"),
            postgresql_where=text("NOT collected"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    payroll_id: int = Field(foreign_key="payroll.id", index=True)
    beneficiary_id: int = Field(foreign_key="beneficiary.id", index=True)
    ward_id: int = Field(foreign_key="ward.id")
    collected: bool
    recorded_at: datetime = Field(default_factory=utcnow)
    recorded_by: int | None = Field(default=None, foreign_key="user.id")


class EntitlementTermGroup(SQLModel, table=True):
    term_id: int = Field(foreign_key="entitlementterm.id", primary_key=True, ondelete="CASCADE")
    group_id: int = Field(foreign_key="allowancegroup.id", primary_key=True)


class EntitlementSuspension(SQLModel, table=True):
    """A suspension from ``from_month``; while ``to_month`` is None the person's payments are held.
    On resume the months up to ``to_month`` are paid as arrears when ``back_pay``, else not owed."""

    id: int | None = Field(default=None, primary_key=True)
    entitlement_id: int = Field(foreign_key="entitlement.id", index=True, ondelete="CASCADE")
    from_month: date
    to_month: date | None = None
    back_pay: bool = False
    reason: str | None = Field(default=None, max_length=500)


class Payroll(SQLModel, table=True):
    """The city's payment list of one month: open (rebuilt at will), then locked for good."""

    id: int | None = Field(default=None, primary_key=True)
    month: date = Field(unique=True)
    status: str = Field(default="open", max_length=20)  # PayrollStatus
    built_at: datetime = Field(default_factory=utcnow)
    built_by: int | None = Field(default=None, foreign_key="user.id")
    locked_at: datetime | None = None
    locked_by: int | None = Field(default=None, foreign_key="user.id")


class PayrollLine(SQLModel, table=True):
    """One amount of a payroll for one person: the month's allowance (current), an earlier month's
    difference (arrears or recovery, signed: see allowance.payroll) or funeral support."""

    __table_args__ = (
        # the line's person and ward are its entitlement's: one reference checks all three. PostgreSQL
        # checks this table's references with statement triggers instead (core.references): row by row,
        # they cost a province's payroll month 3 of its 13.5 s
        ForeignKeyConstraint(
            ["entitlement_id", "beneficiary_id", "ward_id"],
            ["entitlement.id", "entitlement.beneficiary_id", "entitlement.ward_id"],
            name="fk_payrollline_entitlement",
        ),
        Index("ix_payrollline_payroll_ward", "payroll_id", "ward_id", "kind"),
        # what locked payrolls paid a person for a month: an index-only range scan
        Index("ix_payrollline_settled", "beneficiary_id", "for_month", "kind", "amount"),
    )

    id: int | None = Field(default=None, primary_key=True)
    payroll_id: int = Field(foreign_key="payroll.id")
    beneficiary_id: int
    entitlement_id: int
    ward_id: int
    for_month: date
    kind: str = Field(max_length=20)  # LineKind
    amount: int = Field(sa_column=_money())
    # the group whose rate the month's amount follows (current lines; see allowance.due)
    group_id: int | None = Field(default=None, foreign_key="allowancegroup.id")
    payment_method: str = Field(max_length=20)  # PaymentMethod
    account_number: str | None = Field(default=None, max_length=50)
    bank_name: str | None = Field(default=None, max_length=200)


class ReliefRound(SQLModel, table=True):
    """A round of rice relief (Decree 20/2021 art. 12): why, for how many months, how many kg per person
    and month, who pays, the decision and the first day."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)
    reason: str = Field(max_length=20)  # ReliefReason
    months: int
    kg_per_person: int = 15  # kg of rice per person and month
    source: str | None = Field(default=None, max_length=200)
    decision_no: str | None = Field(default=None, max_length=100)
    decision_date: date | None = None
    start_date: date
    rice_price: int | None = Field(default=None, sa_column=_money(nullable=True))  # đồng per kg (form 10b)
    created_at: datetime = Field(default_factory=utcnow)


class ReliefHousehold(SQLModel, table=True):
    """A household at risk of hunger in a relief round: its head (linked to the registry person the list's
    row matched), hamlet, size, people lacking food and rice in kg (requested = people × kg × months,
    approved; delivered in ``ReliefDelivery``). ``household_key``: the CCCD, else the ward, hamlet and
    head's folded name; a household is once per round. Read-only while its ward's round figures are
    approved (``core.locks``)."""

    __table_args__ = (
        UniqueConstraint("round_id", "household_key", name="uq_reliefhousehold_round_key"),
        Index("ix_reliefhousehold_round_ward", "round_id", "ward_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="reliefround.id")
    ward_id: int = Field(foreign_key="ward.id")
    hamlet: str | None = Field(default=None, max_length=200)
    head_name: str = Field(max_length=200)
    national_id: str | None = Field(default=None, max_length=12)
    household_key: str = Field(max_length=420)
    beneficiary_id: int | None = Field(default=None, foreign_key="beneficiary.id", index=True)
    poverty: str | None = Field(default=None, max_length=20)  # Poverty
    household_size: int
    people_lacking_food: int
    kg_requested: int
    kg_approved: int | None = None  # set when the office approves the ward (``relief.approval``)
    import_batch_id: int | None = Field(default=None, foreign_key="importbatch.id", index=True)
    version: int = 1
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class ReliefApproval(SQLModel, table=True):
    """The office approved a ward's figures in a relief round: from then on its households in the round
    refuse every write (``core.locks``). Append-only."""

    __table_args__ = (UniqueConstraint("round_id", "ward_id", name="uq_reliefapproval_round_ward"),)

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="reliefround.id")
    ward_id: int = Field(foreign_key="ward.id")
    at: datetime = Field(default_factory=utcnow)
    user_id: int | None = Field(default=None, foreign_key="user.id")


class ReliefDelivery(SQLModel, table=True):
    """The rice a household of an approved ward received: kg and day (once per household). Kept apart from
    the household, whose figures the approval locks."""

    id: int | None = Field(default=None, primary_key=True)
    household_id: int = Field(foreign_key="reliefhousehold.id", unique=True)
    kg: int
    delivered_on: date
    user_id: int | None = Field(default=None, foreign_key="user.id")
    recorded_at: datetime = Field(default_factory=utcnow)


# --- health insurance (data_layer/bhyt) ----------------------------------------------------------------
# Cards the State pays for the people the office pays and poor / near-poor household members: the dated
# base salary the premium follows, and each ward's monthly list for the insurance agency, kept as sent.


class BaseSalary(SQLModel, table=True):
    """The base salary (lương cơ sở) from a month on: the latest ``from_month`` ≤ M applies in M."""

    id: int | None = Field(default=None, primary_key=True)
    from_month: date = Field(unique=True)
    amount: int = Field(sa_column=_money())


class BhytList(SQLModel, table=True):
    """A ward's monthly list for the insurance agency once sent: written open with its lines, then locked
    in the same transaction; a locked list and its lines never change (``core.locks``)."""

    __table_args__ = (UniqueConstraint("ward_id", "month", name="uq_bhytlist_ward_month"),)

    id: int | None = Field(default=None, primary_key=True)
    ward_id: int = Field(foreign_key="ward.id")
    month: date
    status: str = Field(default="open", max_length=20)  # PayrollStatus
    locked_at: datetime | None = None
    locked_by: int | None = Field(default=None, foreign_key="user.id")


class BhytLine(SQLModel, table=True):
    """One person of a sent list: a line of a section (increase, decrease, adjustment) or a row of the
    ``covered`` section, the month's covered people as sent (what the next month is compared with)."""

    __table_args__ = (Index("ix_bhytline_list_section", "list_id", "section"),)

    id: int | None = Field(default=None, primary_key=True)
    list_id: int = Field(foreign_key="bhytlist.id")
    beneficiary_id: int = Field(foreign_key="beneficiary.id", index=True)
    ward_id: int = Field(foreign_key="ward.id")
    section: str = Field(max_length=20)  # BhytSection
    card_type: str = Field(max_length=2)
    from_month: date | None = None
    to_month: date | None = None
    premium: int = Field(default=0, sa_column=_money())
    name: str = Field(max_length=200)
    birth_date: date | None = None
    birth_year: int | None = None
    gender: str | None = Field(default=None, max_length=1)
    national_id: str | None = Field(default=None, max_length=12)
    social_insurance_no: str | None = Field(default=None, max_length=10)
    hamlet: str | None = Field(default=None, max_length=200)
    clinic: str | None = Field(default=None, max_length=200)
    note: str | None = Field(default=None, max_length=500)


class ReliefSignOff(SQLModel, table=True):
    """A ward's figures in a relief round signed off for one report of the round's calendar
    (``relief.calendar``: the quick report before Tết, the report after Tết, a result report), with who
    and when. Never changed or deleted (``core.locks``); a later sign-off of the same report supersedes
    it and both are kept."""

    __table_args__ = (Index("ix_reliefsignoff_round_ward_report", "round_id", "ward_id", "report"),)

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="reliefround.id")
    ward_id: int = Field(foreign_key="ward.id")
    report: str = Field(max_length=20)  # ReliefReport
    figures: str = Field(sa_column=Column(Text, nullable=False), description="the ward's figures as JSON")
    signed_by: int | None = Field(default=None, foreign_key="user.id")
    signed_at: datetime = Field(default_factory=utcnow)
