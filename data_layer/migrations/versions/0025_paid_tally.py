"""paid tally: per person, the lines of locked payrolls (funeral support aside) and their sum, kept
by a trigger on the payroll's lock, so a build no longer sums the whole ledger (``install_triggers``
fills it from a recount)

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "paidtally",
        sa.Column("beneficiary_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("lines", sa.Integer(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("beneficiary_id"),
    )


def downgrade() -> None:
    trigger = "tally_paidtally_0_update"  # on payroll's lock (core.tallies names it)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER IF EXISTS {trigger} ON payroll")
        op.execute(f"DROP FUNCTION IF EXISTS {trigger}()")
    else:
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    op.drop_table("paidtally")
