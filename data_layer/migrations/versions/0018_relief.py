"""hunger relief: rice relief rounds, households at risk per round, a ward's approval of a round, deliveries

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reliefround",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("months", sa.Integer(), nullable=False),
        sa.Column("kg_per_person", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=True),
        sa.Column("decision_no", sa.String(length=100), nullable=True),
        sa.Column("decision_date", sa.Date(), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "reliefhousehold",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("ward_id", sa.Integer(), nullable=False),
        sa.Column("hamlet", sa.String(length=200), nullable=True),
        sa.Column("head_name", sa.String(length=200), nullable=False),
        sa.Column("national_id", sa.String(length=12), nullable=True),
        sa.Column("household_key", sa.String(length=420), nullable=False),
        sa.Column("beneficiary_id", sa.Integer(), nullable=True),
        sa.Column("poverty", sa.String(length=20), nullable=True),
        sa.Column("household_size", sa.Integer(), nullable=False),
        sa.Column("people_lacking_food", sa.Integer(), nullable=False),
        sa.Column("kg_requested", sa.Integer(), nullable=False),
        sa.Column("kg_approved", sa.Integer(), nullable=True),
        sa.Column("import_batch_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["round_id"], ["reliefround.id"]),
        sa.ForeignKeyConstraint(["ward_id"], ["ward.id"]),
        sa.ForeignKeyConstraint(["beneficiary_id"], ["beneficiary.id"]),
        sa.ForeignKeyConstraint(["import_batch_id"], ["importbatch.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("round_id", "household_key", name="uq_reliefhousehold_round_key"),
    )
    op.create_index("ix_reliefhousehold_round_ward", "reliefhousehold", ["round_id", "ward_id"])
    op.create_index("ix_reliefhousehold_beneficiary_id", "reliefhousehold", ["beneficiary_id"])
    op.create_index("ix_reliefhousehold_import_batch_id", "reliefhousehold", ["import_batch_id"])
    op.create_table(
        "reliefapproval",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("ward_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["round_id"], ["reliefround.id"]),
        sa.ForeignKeyConstraint(["ward_id"], ["ward.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("round_id", "ward_id", name="uq_reliefapproval_round_ward"),
    )
    op.create_table(
        "reliefdelivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("kg", sa.Integer(), nullable=False),
        sa.Column("delivered_on", sa.Date(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["household_id"], ["reliefhousehold.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("household_id"),
    )


def downgrade() -> None:
    op.drop_table("reliefdelivery")
    op.drop_table("reliefapproval")
    op.drop_table("reliefhousehold")
    op.drop_table("reliefround")
