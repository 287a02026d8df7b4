"""running totals for the progress page, kept by triggers

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

from data_layer.core import tallies

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "wardtally",
        sa.Column("ward_id", sa.Integer(), autoincrement=False, nullable=False),
        *(
            sa.Column(name, sa.Integer(), nullable=False)
            for name in ("people", "active", "cashless", "missing_id", "invalid_id", "no_hamlet")
        ),
        sa.PrimaryKeyConstraint("ward_id"),
    )
    op.create_table(
        "categorytally",
        sa.Column("ward_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("category_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("people", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("ward_id", "category_id"),
    )
    op.create_table(
        "deadgifttally",
        sa.Column("ward_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("gifts", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("ward_id"),
    )
    op.create_table(
        "allocationtally",
        sa.Column("campaign_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("ward_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("package_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("gifts", sa.Integer(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("campaign_id", "ward_id", "package_id", "status"),
    )
    op.create_table(
        "deliverydaytally",
        sa.Column("campaign_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("ward_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("package_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("gifts", sa.Integer(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("campaign_id", "ward_id", "package_id", "day"),
    )
    op.create_table(
        "sharednameyear",
        sa.Column("name_key", sa.String(length=200), nullable=False),
        sa.Column("birth_year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("ward_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("people", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name_key", "birth_year", "ward_id"),
    )
    tallies.install(op.get_bind())
    tallies.rebuild(op.get_bind())


def downgrade() -> None:
    tallies.uninstall(op.get_bind())
    for table in (
        "sharednameyear",
        "deliverydaytally",
        "allocationtally",
        "deadgifttally",
        "categorytally",
        "wardtally",
    ):
        op.drop_table(table)
