"""database state: the data version raised by triggers, and the digest of the installed triggers

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        "databasestate",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("data_version", sa.BigInteger(), nullable=False),
        sa.Column("trigger_digest", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.bulk_insert(table, [{"id": 1, "data_version": 0, "trigger_digest": ""}])


def downgrade() -> None:
    _drop_triggers(("tally_", "dv_"))
    op.drop_table("databasestate")


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
