"""running totals for the progress page (their triggers are installed by data_layer.core.schema)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "wardtally",
        sa.Column("ward_id", sa.Integer(), autoincrement=False, nullable=False),
        *(
            sa.Column(name, sa.Integer(), nullable=False)
            for name in ("people", "active", "cashless", "missing_id", "invalid_id", "no_hamlet")
        ),
        sa.PrimaryKeyConstraint("ward_id"),
    )
    op.create_table(
        "categorytally",
        sa.Column("ward_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("category_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("people", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("ward_id", "category_id"),
    )
    op.create_table(
        "deadgifttally",
        sa.Column("ward_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("gifts", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("ward_id"),
    )
    op.create_table(
        "allocationtally",
        sa.Column("campaign_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("ward_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("package_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("gifts", sa.Integer(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("campaign_id", "ward_id", "package_id", "status"),
    )
    op.create_table(
        "deliverydaytally",
        sa.Column("campaign_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("ward_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("package_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("gifts", sa.Integer(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("campaign_id", "ward_id", "package_id", "day"),
    )
    op.create_table(
        "sharednameyear",
        sa.Column("name_key", sa.String(length=200), nullable=False),
        sa.Column("birth_year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("ward_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("people", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name_key", "birth_year", "ward_id"),
    )


def downgrade() -> None:
    _drop_triggers(("tally_",))
    for table in (
        "sharednameyear",
        "deliverydaytally",
        "allocationtally",
        "deadgifttally",
        "categorytally",
        "wardtally",
    ):
        op.drop_table(table)


def _drop_triggers(prefixes: tuple[str, ...]) -> None:
    """Drop the triggers (and PostgreSQL trigger functions) whose names start with ``prefixes``."""
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        rows = bind.execute(
            sa.text(
                "SELECT t.tgname, c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
                " WHERE NOT t.tgisinternal"
            )
        ).all()
        for name, table in rows:
            if name.startswith(prefixes):
                op.execute(f'DROP TRIGGER IF EXISTS {name} ON "{table}"')
        functions = bind.execute(
            sa.text("SELECT proname FROM pg_proc WHERE pronamespace = 'public'::regnamespace")
        ).scalars()
        for name in list(functions):
            if name.startswith(prefixes):
                op.execute(f"DROP FUNCTION IF EXISTS {name}()")
        return
    names = bind.execute(sa.text("SELECT name FROM sqlite_master WHERE type = 'trigger'")).scalars()
    for name in list(names):
        if name.startswith(prefixes):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
