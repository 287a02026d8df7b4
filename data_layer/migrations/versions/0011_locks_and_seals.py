"""locks for every writer: approval history (append-only), what a gift was given for, the seal chain
and its checks, login throttling per client address and user name

``wardapproval`` (one row, later edited by an unlock) becomes ``approvalevent``: one row per approval
or unlock, never edited. ``allocation.milestone`` records the longevity milestone a gift was given
for (filled here from today's birth years). ``seal`` is the hash chain over locked payroll months,
signed ward reports and approval events; ``sealcheck`` the result of each ``ansinh db verify``.
``loginthrottle`` replaces the per-account lock (``user.failed_logins``, ``user.locked_until``).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

MILESTONES = (100, 95, 90, 85, 80, 75, 70)


def _drop_triggers() -> None:
    """An Sinh's triggers (reinstalled after upgrades) would refuse the backfill, name the dropped
    table and break SQLite's table rebuilds: drop them first."""
    bind = op.get_bind()
    like = " OR ".join(f"{{name}} LIKE '{prefix}\\_%' ESCAPE '\\'" for prefix in ("lock", "tally", "dv"))
    if bind.dialect.name == "postgresql":
        rows = bind.execute(
            sa.text(
                "SELECT t.tgname, c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
                f" WHERE NOT t.tgisinternal AND ({like.format(name='t.tgname')})"
            )
        ).all()
        for name, table in rows:
            op.execute(f'DROP TRIGGER IF EXISTS {name} ON "{table}"')
            op.execute(f"DROP FUNCTION IF EXISTS {name}()")
    else:
        names = bind.execute(
            sa.text(f"SELECT name FROM sqlite_master WHERE type = 'trigger' AND ({like.format(name='name')})")
        ).scalars()
        for name in list(names):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")


def _approval_events() -> None:
    op.create_table(
        "approvalevent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("ward_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaign.id"]),
        sa.ForeignKeyConstraint(["ward_id"], ["ward.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("campaign_id", "ward_id", "seq", name="uq_approvalevent_seq"),
    )
    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            "SELECT campaign_id, ward_id, approved_by, approved_at, unlocked_by, unlocked_at, unlock_reason"
            " FROM wardapproval ORDER BY id"
        )
    ).all()
    seq: dict[tuple[int, int], int] = {}
    insert = sa.text(
        "INSERT INTO approvalevent (campaign_id, ward_id, seq, action, at, user_id, reason)"
        " VALUES (:c, :w, :s, :a, :at, :u, :r)"
    )
    for campaign, ward, approved_by, approved_at, unlocked_by, unlocked_at, reason in rows:
        events = [("approve", approved_at, approved_by, None)]
        if unlocked_at is not None:
            events.append(("unlock", unlocked_at, unlocked_by, reason))
        for action, at, user, why in events:
            seq[(campaign, ward)] = seq.get((campaign, ward), 0) + 1
            bind.execute(
                insert,
                {
                    "c": campaign,
                    "w": ward,
                    "s": seq[(campaign, ward)],
                    "a": action,
                    "at": at,
                    "u": user,
                    "r": why,
                },
            )
    op.drop_table("wardapproval")


def _gift_milestones() -> None:
    op.add_column("allocation", sa.Column("milestone", sa.Integer(), nullable=True))
    bind = op.get_bind()
    packages = bind.execute(
        sa.text("SELECT p.id, p.rule, c.year FROM package p JOIN campaign c ON c.id = p.campaign_id")
    ).all()
    for package_id, rule, year in packages:
        data = json.loads(rule) if rule else {}
        if not (data.get("ages") or data.get("age_min")):
            continue
        age = f"{int(year)} - b.birth_year"
        milestone = " ".join(f"WHEN {age} >= {m} THEN {m}" for m in MILESTONES)
        bind.execute(
            sa.text(
                f"UPDATE allocation SET milestone = (SELECT CASE {milestone} ELSE NULL END FROM beneficiary b"
                " WHERE b.id = allocation.beneficiary_id) WHERE package_id = :p"
            ),
            {"p": package_id},
        )


def upgrade() -> None:
    _drop_triggers()
    _approval_events()
    _gift_milestones()
    op.create_table(
        "seal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("ref_id", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("link_hash", sa.String(length=64), nullable=False),
        sa.Column("sealed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("kind", "ref_id", name="uq_seal_kind_ref"),
        sa.UniqueConstraint("prev_hash", name="uq_seal_prev"),
    )
    op.create_table(
        "sealcheck",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.Column("links", sa.Integer(), nullable=False),
        sa.Column("problem", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "loginthrottle",
        sa.Column("client", sa.String(length=64), nullable=False),
        sa.Column("username", sa.String(length=60), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("blocked_until", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("client", "username"),
    )
    with op.batch_alter_table("user") as batch_op:
        batch_op.drop_column("locked_until")
        batch_op.drop_column("failed_logins")


def downgrade() -> None:
    _drop_triggers()
    with op.batch_alter_table("user") as batch_op:
        batch_op.add_column(sa.Column("failed_logins", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True))
    op.drop_table("loginthrottle")
    op.drop_table("sealcheck")
    op.drop_table("seal")
    with op.batch_alter_table("allocation") as batch_op:
        batch_op.drop_column("milestone")
    op.create_table(
        "wardapproval",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("ward_id", sa.Integer(), nullable=False),
        sa.Column("approved_by", sa.Integer(), nullable=True),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("unlocked_by", sa.Integer(), nullable=True),
        sa.Column("unlocked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("unlock_reason", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaign.id"]),
        sa.ForeignKeyConstraint(["ward_id"], ["ward.id"]),
        sa.ForeignKeyConstraint(["approved_by"], ["user.id"]),
        sa.ForeignKeyConstraint(["unlocked_by"], ["user.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_wardapproval_campaign_id", "wardapproval", ["campaign_id"])
    op.create_index(
        "uq_wardapproval_active",
        "wardapproval",
        ["campaign_id", "ward_id"],
        unique=True,
        sqlite_where=sa.text("unlocked_at IS NULL"),
        postgresql_where=sa.text("unlocked_at IS NULL"),
    )
    op.drop_table("approvalevent")
