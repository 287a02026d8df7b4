"""category aliases

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "categoryalias",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("text_key", sa.String(length=200), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["category.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("categoryalias", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_categoryalias_text_key"), ["text_key"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("categoryalias", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_categoryalias_text_key"))

    op.drop_table("categoryalias")
