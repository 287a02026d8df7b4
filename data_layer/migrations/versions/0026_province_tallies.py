"""running totals for the progress page at province scale: gifts per hamlet spelling (a commune office's
progress) and each ward's possible duplicates (their triggers are installed by data_layer.core.schema,
which also fills them)

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "hamlettally",
        sa.Column("campaign_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("ward_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("hamlet", sa.String(length=200), nullable=False),
        sa.Column("package_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("gifts", sa.Integer(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("campaign_id", "ward_id", "hamlet", "package_id", "status"),
    )
    op.create_table(
        "sharedwardtally",
        sa.Column("ward_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("names", sa.Integer(), nullable=False),
        sa.Column("people", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("ward_id"),
    )


def downgrade() -> None:
    _drop_triggers_naming(("hamlettally", "sharedwardtally"))
    op.drop_table("sharedwardtally")
    op.drop_table("hamlettally")


def _drop_triggers_naming(tables: tuple[str, ...]) -> None:
    """The triggers that fill these tables (``tally_<table>_…``) would break writes and SQLite's table
    rebuilds once the tables are gone: drop them (and their PostgreSQL functions) first."""
    prefixes = tuple(f"tally_{table}_" for table in tables)
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        query = "SELECT t.tgname, c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
        for name, table in bind.execute(sa.text(query)).all():
            if name.startswith(prefixes):
                op.execute(f'DROP TRIGGER IF EXISTS {name} ON "{table}"')
                op.execute(f"DROP FUNCTION IF EXISTS {name}()")
        return
    names = bind.execute(sa.text("SELECT name FROM sqlite_master WHERE type = 'trigger'")).scalars()
    for name in list(names):
        if name.startswith(prefixes):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
