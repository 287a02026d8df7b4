"""relief reporting: wards' sign-offs of a relief round's reports (quick report, after Tết, result), the
round's rice price for form 10b's money column

Revision ID: 0023
Revises: 0019
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("reliefround", sa.Column("rice_price", sa.BigInteger(), nullable=True))
    op.create_table(
        "reliefsignoff",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("ward_id", sa.Integer(), nullable=False),
        sa.Column("report", sa.String(length=20), nullable=False),
        sa.Column("figures", sa.Text(), nullable=False),
        sa.Column("signed_by", sa.Integer(), nullable=True),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["round_id"], ["reliefround.id"]),
        sa.ForeignKeyConstraint(["ward_id"], ["ward.id"]),
        sa.ForeignKeyConstraint(["signed_by"], ["user.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_reliefsignoff_round_ward_report", "reliefsignoff", ["round_id", "ward_id", "report"])


def downgrade() -> None:
    op.drop_index("ix_reliefsignoff_round_ward_report", table_name="reliefsignoff")
    op.drop_table("reliefsignoff")
    with op.batch_alter_table("reliefround") as batch:
        batch.drop_column("rice_price")
