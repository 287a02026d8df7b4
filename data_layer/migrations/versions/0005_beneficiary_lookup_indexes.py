"""indexes for cross-ward duplicate checks and status lookups

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("beneficiary", schema=None) as batch_op:
        batch_op.create_index("ix_beneficiary_name_year", ["name_key", "birth_year"], unique=False)
        batch_op.create_index("ix_beneficiary_status", ["status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("beneficiary", schema=None) as batch_op:
        batch_op.drop_index("ix_beneficiary_status")
        batch_op.drop_index("ix_beneficiary_name_year")
