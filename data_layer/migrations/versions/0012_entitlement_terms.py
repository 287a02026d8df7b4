"""entitlement terms: groups and children carry the month they apply from (issue 21 §1.3); the
payment agent's return per person of a locked payroll (issue 21 §2); the funeral-support receiver
recorded with a death (issue 21 §1.5)

Revision ID: 0012
Revises: 0016
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("entitlement", sa.Column("terms_from", sa.Date(), nullable=True))
    op.add_column("entitlement", sa.Column("funeral_receiver", sa.String(length=200), nullable=True))
    op.add_column("entitlement", sa.Column("funeral_relation", sa.String(length=100), nullable=True))
    op.add_column("entitlement", sa.Column("funeral_national_id", sa.String(length=12), nullable=True))
    op.create_table(
        "entitlementterm",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entitlement_id", sa.Integer(), nullable=False),
        sa.Column("from_month", sa.Date(), nullable=False),
        sa.Column("to_month", sa.Date(), nullable=False),
        sa.Column("children", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["entitlement_id"], ["entitlement.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_entitlementterm_entitlement_id", "entitlementterm", ["entitlement_id"])
    op.create_table(
        "entitlementtermgroup",
        sa.Column("term_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["term_id"], ["entitlementterm.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["group_id"], ["allowancegroup.id"]),
        sa.PrimaryKeyConstraint("term_id", "group_id"),
    )

    op.create_table(
        "paymentreturn",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("payroll_id", sa.Integer(), nullable=False),
        sa.Column("beneficiary_id", sa.Integer(), nullable=False),
        sa.Column("ward_id", sa.Integer(), nullable=False),
        sa.Column("collected", sa.Boolean(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["payroll_id"], ["payroll.id"]),
        sa.ForeignKeyConstraint(["beneficiary_id"], ["beneficiary.id"]),
        sa.ForeignKeyConstraint(["ward_id"], ["ward.id"]),
        sa.ForeignKeyConstraint(["recorded_by"], ["user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("payroll_id", "beneficiary_id", name="uq_paymentreturn_person"),
    )
    op.create_index("ix_paymentreturn_payroll_id", "paymentreturn", ["payroll_id"])
    op.create_index("ix_paymentreturn_beneficiary_id", "paymentreturn", ["beneficiary_id"])


def downgrade() -> None:
    op.drop_index("ix_paymentreturn_beneficiary_id", table_name="paymentreturn")
    op.drop_index("ix_paymentreturn_payroll_id", table_name="paymentreturn")
    op.drop_table("paymentreturn")
    op.drop_table("entitlementtermgroup")
    op.drop_index("ix_entitlementterm_entitlement_id", table_name="entitlementterm")
    op.drop_table("entitlementterm")
    with op.batch_alter_table("entitlement") as batch:
        for column in ("funeral_national_id", "funeral_relation", "funeral_receiver", "terms_from"):
            batch.drop_column(column)
