"""monthly allowance: reference data (standards, groups, coefficients), entitlements, payroll ledger

The reference rows (standards, groups, coefficients, funeral multiplier) are seeded by
``ansinh db init`` (admin.reference.seed_reference_data → allowance.reference.seed), which only
inserts missing rows; this migration only creates the tables.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "allowancegroup",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=10), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("adds_to_children", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("allowancegroup", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_allowancegroup_code"), ["code"], unique=True)

    op.create_table(
        "allowancestandard",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("from_month", sa.Date(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("kind", "from_month", name="uq_allowancestandard_kind_month"),
    )
    op.create_table(
        "groupcoefficient",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("from_month", sa.Date(), nullable=False),
        sa.Column("min_age", sa.Integer(), nullable=True),
        sa.Column("max_age", sa.Integer(), nullable=True),
        sa.Column("tenths", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["allowancegroup.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("group_id", "from_month", "min_age", name="uq_groupcoefficient_band"),
    )
    with op.batch_alter_table("groupcoefficient", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_groupcoefficient_group_id"), ["group_id"], unique=False)

    op.create_table(
        "payroll",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("built_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("built_by", sa.Integer(), nullable=True),
        sa.Column("locked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("locked_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["built_by"],
            ["user.id"],
        ),
        sa.ForeignKeyConstraint(
            ["locked_by"],
            ["user.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("month"),
    )
    op.create_table(
        "entitlement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("beneficiary_id", sa.Integer(), nullable=False),
        sa.Column("ward_id", sa.Integer(), nullable=False),
        sa.Column("start_month", sa.Date(), nullable=False),
        sa.Column("paid_until", sa.Date(), nullable=True),
        sa.Column("children", sa.Integer(), nullable=True),
        sa.Column("decision_no", sa.String(length=100), nullable=True),
        sa.Column("decision_date", sa.Date(), nullable=True),
        sa.Column("payment_method", sa.String(length=20), nullable=False),
        sa.Column("account_number", sa.String(length=50), nullable=True),
        sa.Column("bank_name", sa.String(length=200), nullable=True),
        sa.Column("proxy_name", sa.String(length=200), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("stop_date", sa.Date(), nullable=True),
        sa.Column("stop_reason", sa.String(length=20), nullable=True),
        sa.Column("import_batch_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["beneficiary_id"], ["beneficiary.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["import_batch_id"],
            ["importbatch.id"],
        ),
        sa.ForeignKeyConstraint(
            ["ward_id"],
            ["ward.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("entitlement", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_entitlement_beneficiary_id"), ["beneficiary_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_entitlement_import_batch_id"), ["import_batch_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_entitlement_ward_id"), ["ward_id"], unique=False)

    op.create_table(
        "entitlementgroup",
        sa.Column("entitlement_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["entitlement_id"], ["entitlement.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["allowancegroup.id"],
        ),
        sa.PrimaryKeyConstraint("entitlement_id", "group_id"),
    )
    with op.batch_alter_table("entitlementgroup", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_entitlementgroup_group_id"), ["group_id"], unique=False)

    op.create_table(
        "entitlementsuspension",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entitlement_id", sa.Integer(), nullable=False),
        sa.Column("from_month", sa.Date(), nullable=False),
        sa.Column("to_month", sa.Date(), nullable=True),
        sa.Column("back_pay", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(["entitlement_id"], ["entitlement.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("entitlementsuspension", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_entitlementsuspension_entitlement_id"), ["entitlement_id"], unique=False
        )

    op.create_table(
        "payrollline",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("payroll_id", sa.Integer(), nullable=False),
        sa.Column("beneficiary_id", sa.Integer(), nullable=False),
        sa.Column("entitlement_id", sa.Integer(), nullable=True),
        sa.Column("ward_id", sa.Integer(), nullable=False),
        sa.Column("for_month", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("payment_method", sa.String(length=20), nullable=False),
        sa.Column("account_number", sa.String(length=50), nullable=True),
        sa.Column("bank_name", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["beneficiary_id"],
            ["beneficiary.id"],
        ),
        sa.ForeignKeyConstraint(
            ["entitlement_id"],
            ["entitlement.id"],
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["allowancegroup.id"],
        ),
        sa.ForeignKeyConstraint(
            ["payroll_id"],
            ["payroll.id"],
        ),
        sa.ForeignKeyConstraint(
            ["ward_id"],
            ["ward.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("payrollline", schema=None) as batch_op:
        batch_op.create_index("ix_payrollline_payroll_ward", ["payroll_id", "ward_id", "kind"], unique=False)
        batch_op.create_index(
            "ix_payrollline_settled", ["beneficiary_id", "for_month", "kind", "amount"], unique=False
        )


TABLES = (
    "payrollline",
    "payroll",
    "entitlementsuspension",
    "entitlementgroup",
    "entitlement",
    "groupcoefficient",
    "allowancestandard",
    "allowancegroup",
)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":  # the data-version trigger functions of these tables
        for table in TABLES:
            op.execute(f"DROP FUNCTION IF EXISTS dv_{table}() CASCADE")
    with op.batch_alter_table("payrollline", schema=None) as batch_op:
        batch_op.drop_index("ix_payrollline_settled")
        batch_op.drop_index("ix_payrollline_payroll_ward")

    op.drop_table("payrollline")
    with op.batch_alter_table("entitlementsuspension", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_entitlementsuspension_entitlement_id"))

    op.drop_table("entitlementsuspension")
    with op.batch_alter_table("entitlementgroup", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_entitlementgroup_group_id"))

    op.drop_table("entitlementgroup")
    with op.batch_alter_table("entitlement", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_entitlement_ward_id"))
        batch_op.drop_index(batch_op.f("ix_entitlement_import_batch_id"))
        batch_op.drop_index(batch_op.f("ix_entitlement_beneficiary_id"))

    op.drop_table("entitlement")
    op.drop_table("payroll")
    with op.batch_alter_table("groupcoefficient", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_groupcoefficient_group_id"))

    op.drop_table("groupcoefficient")
    op.drop_table("allowancestandard")
    with op.batch_alter_table("allowancegroup", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_allowancegroup_code"))

    op.drop_table("allowancegroup")
