"""payment agent's returns: a partial index of the people who did not collect (the payroll build
reads those few rows, never the whole table)

Revision ID: 0021
Revises: 0023
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_paymentreturn_uncollected",
        "paymentreturn",
        ["beneficiary_id", "payroll_id"],
        sqlite_where=sa.text("NOT collected"),
        postgresql_where=sa.text("NOT collected"),
    )


def downgrade() -> None:
    op.drop_index("ix_paymentreturn_uncollected", table_name="paymentreturn")
