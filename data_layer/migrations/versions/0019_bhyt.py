"""health insurance: the registry's mã số BHXH, số thẻ BHYT and clinic; the dated base salary; the
monthly lists sent to the insurance agency (locked) and their lines

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-03
"""

from datetime import date

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # plain ADD COLUMN (a batch copy of the table would break the triggers that read it on SQLite)
    op.add_column("beneficiary", sa.Column("social_insurance_no", sa.String(length=10), nullable=True))
    op.add_column("beneficiary", sa.Column("health_card_no", sa.String(length=15), nullable=True))
    op.add_column("beneficiary", sa.Column("clinic", sa.String(length=200), nullable=True))
    op.create_index("ix_beneficiary_social_insurance_no", "beneficiary", ["social_insurance_no"])
    base = op.create_table(
        "basesalary",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("from_month", sa.Date(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("from_month"),
    )
    op.bulk_insert(
        base,
        [
            {"from_month": date(2023, 7, 1), "amount": 1_800_000},
            {"from_month": date(2024, 7, 1), "amount": 2_340_000},
            {"from_month": date(2026, 7, 1), "amount": 2_530_000},
        ],
    )
    op.create_table(
        "bhytlist",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ward_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("locked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("locked_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["ward_id"], ["ward.id"]),
        sa.ForeignKeyConstraint(["locked_by"], ["user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("ward_id", "month", name="uq_bhytlist_ward_month"),
    )
    op.create_table(
        "bhytline",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("list_id", sa.Integer(), nullable=False),
        sa.Column("beneficiary_id", sa.Integer(), nullable=False),
        sa.Column("ward_id", sa.Integer(), nullable=False),
        sa.Column("section", sa.String(length=20), nullable=False),
        sa.Column("card_type", sa.String(length=2), nullable=False),
        sa.Column("from_month", sa.Date(), nullable=True),
        sa.Column("to_month", sa.Date(), nullable=True),
        sa.Column("premium", sa.BigInteger(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("birth_year", sa.Integer(), nullable=True),
        sa.Column("gender", sa.String(length=1), nullable=True),
        sa.Column("national_id", sa.String(length=12), nullable=True),
        sa.Column("social_insurance_no", sa.String(length=10), nullable=True),
        sa.Column("hamlet", sa.String(length=200), nullable=True),
        sa.Column("clinic", sa.String(length=200), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(["list_id"], ["bhytlist.id"]),
        sa.ForeignKeyConstraint(["beneficiary_id"], ["beneficiary.id"]),
        sa.ForeignKeyConstraint(["ward_id"], ["ward.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_bhytline_list_section", "bhytline", ["list_id", "section"])
    op.create_index("ix_bhytline_beneficiary_id", "bhytline", ["beneficiary_id"])


def _drop_sqlite_triggers_on(table: str) -> None:
    """SQLite refuses to drop a column a trigger names; the schema reinstalls every trigger after an
    upgrade (core.schema)."""
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        query = sa.text("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = :t")
        for (name,) in bind.execute(query, {"t": table}).all():
            op.execute(f'DROP TRIGGER "{name}"')


def downgrade() -> None:
    op.drop_table("bhytline")
    op.drop_table("bhytlist")
    op.drop_table("basesalary")
    op.drop_index("ix_beneficiary_social_insurance_no", table_name="beneficiary")
    _drop_sqlite_triggers_on("beneficiary")
    op.drop_column("beneficiary", "clinic")
    op.drop_column("beneficiary", "health_card_no")
    op.drop_column("beneficiary", "social_insurance_no")
