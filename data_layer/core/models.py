"""SQLModel tables of An Sinh (one module, so relationships resolve).

Money is an integer number of đồng; text is NFC. Schema changes go through the Alembic
migrations in ``data_layer/migrations``, never through ``create_all``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import BigInteger, Column, Index, Text, UniqueConstraint, text
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
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=20, unique=True, index=True)
    name: str = Field(max_length=200)
    parent_unit: str | None = Field(default=None, max_length=200)
    active: bool = True


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
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow)
    # raised by logout, password change and deactivation: a login cookie carrying an older one is void
    session_version: int = 0
    failed_logins: int = 0  # wrong passwords in a row
    locked_until: datetime | None = None  # too many wrong passwords: no login before this time


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


class SharedNameYear(SQLModel, table=True):
    """People per ward whose folded name + birth year is also found in another ward (possible
    duplicates); only such names are listed."""

    name_key: str = Field(primary_key=True, max_length=200)
    birth_year: int = _key()
    ward_id: int = _key()
    people: int = 0


class DatabaseState(SQLModel, table=True):
    """One row (id 1): the data version, raised by triggers on every write (``versioning``), and the
    digest of the installed triggers, so an upgrade reinstalls them only when they changed."""

    id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    data_version: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    trigger_digest: str = Field(default="", max_length=64)
