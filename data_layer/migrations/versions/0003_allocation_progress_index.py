"""covering index for the progress aggregates

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

COLUMNS = ["campaign_id", "ward_id", "package_id", "status", "delivered_on", "amount"]


def upgrade() -> None:
    with op.batch_alter_table("allocation", schema=None) as batch_op:
        batch_op.drop_index("ix_allocation_campaign_ward")
        batch_op.create_index("ix_allocation_progress", COLUMNS, unique=False)


def downgrade() -> None:
    with op.batch_alter_table("allocation", schema=None) as batch_op:
        batch_op.drop_index("ix_allocation_progress")
        batch_op.create_index("ix_allocation_campaign_ward", ["campaign_id", "ward_id"], unique=False)
