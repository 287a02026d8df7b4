"""unit catalogue: official communes of both eras (before/from 1/7/2025) and old → new successions;
a ward's official code and province, a province officer's province, a person's pre-2025 commune,
hamlets as units under their ward, where the hamlets of a split old commune went

Revision ID: 0017
Revises: 0012
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "adminunit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("era", sa.String(length=3), nullable=False),
        sa.Column("code", sa.String(length=10), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("name_key", sa.String(length=200), nullable=False),
        sa.Column("loose_key", sa.String(length=200), nullable=False),
        sa.Column("province_code", sa.String(length=3), nullable=False),
        sa.Column("province", sa.String(length=200), nullable=False),
        sa.Column("district_code", sa.String(length=5), nullable=True),
        sa.Column("district", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("era", "code", "name_key", name="uq_adminunit_era_code_name"),
    )
    op.create_index("ix_adminunit_era_loose_key", "adminunit", ["era", "loose_key"])
    op.create_table(
        "unitsuccession",
        sa.Column("old_unit_id", sa.Integer(), nullable=False),
        sa.Column("new_unit_id", sa.Integer(), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("all_people", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["old_unit_id"], ["adminunit.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["new_unit_id"], ["adminunit.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("old_unit_id", "new_unit_id"),
    )
    op.create_index("ix_unitsuccession_new_unit_id", "unitsuccession", ["new_unit_id"])
    op.create_table(
        "hamlet",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ward_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("name_key", sa.String(length=200), nullable=False),
        sa.Column("merged_into_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["ward_id"], ["ward.id"]),
        sa.ForeignKeyConstraint(["merged_into_id"], ["hamlet.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("ward_id", "name_key", name="uq_hamlet_ward_name"),
    )
    op.create_table(
        "hamletplacement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("old_unit_code", sa.String(length=5), nullable=False),
        sa.Column("hamlet_key", sa.String(length=200), nullable=False),
        sa.Column("hamlet", sa.String(length=200), nullable=False),
        sa.Column("new_unit_code", sa.String(length=5), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["decided_by"], ["user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("old_unit_code", "hamlet_key", name="uq_hamletplacement_old_hamlet"),
    )
    # plain ADD COLUMN (no table copy: SQLite would have to drop a table other rows refer to)
    op.add_column("ward", sa.Column("official_code", sa.String(length=5), nullable=True))
    op.add_column("ward", sa.Column("province_code", sa.String(length=3), nullable=True))
    op.create_index("ix_ward_official_code", "ward", ["official_code"], unique=True)
    op.create_index("ix_ward_province_code", "ward", ["province_code"])
    op.add_column("user", sa.Column("province_code", sa.String(length=3), nullable=True))
    op.add_column("beneficiary", sa.Column("old_unit_code", sa.String(length=5), nullable=True))
    op.add_column("beneficiary", sa.Column("old_unit_name", sa.String(length=200), nullable=True))


def _drop_sqlite_triggers_on(table: str) -> None:
    """SQLite refuses to drop a column a trigger names; the schema reinstalls every trigger after an
    upgrade (core.schema)."""
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        query = sa.text("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = :t")
        for (name,) in bind.execute(query, {"t": table}).all():
            op.execute(f'DROP TRIGGER "{name}"')


def downgrade() -> None:
    _drop_sqlite_triggers_on("beneficiary")
    op.drop_column("beneficiary", "old_unit_name")
    op.drop_column("beneficiary", "old_unit_code")
    op.drop_table("hamletplacement")
    op.drop_table("hamlet")
    op.drop_column("user", "province_code")
    op.drop_index("ix_ward_province_code", table_name="ward")
    op.drop_index("ix_ward_official_code", table_name="ward")
    op.drop_column("ward", "province_code")
    op.drop_column("ward", "official_code")
    op.drop_index("ix_unitsuccession_new_unit_id", table_name="unitsuccession")
    op.drop_table("unitsuccession")
    op.drop_index("ix_adminunit_era_loose_key", table_name="adminunit")
    op.drop_table("adminunit")
