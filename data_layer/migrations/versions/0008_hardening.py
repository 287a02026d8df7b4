"""one person per national ID in a ward; revocable logins and login throttling per user

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    duplicates = (
        op.get_bind()
        .execute(
            sa.text(
                "SELECT ward_id, national_id, count(*) FROM beneficiary WHERE national_id IS NOT NULL"
                " GROUP BY ward_id, national_id HAVING count(*) > 1 ORDER BY ward_id, national_id"
            )
        )
        .all()
    )
    if duplicates:
        listed = "; ".join(f"phường/xã số {w}: CCCD {n} ({c} người)" for w, n, c in duplicates[:20])
        raise RuntimeError(
            "Không nâng cấp được: có người trùng số CCCD trong cùng phường/xã. Gộp hoặc sửa họ trước "
            f"(trang Đối tượng), rồi chạy lại `ansinh db init`. {listed}"
        )
    op.create_index(
        "uq_beneficiary_ward_national_id",
        "beneficiary",
        ["ward_id", "national_id"],
        unique=True,
        sqlite_where=sa.text("national_id IS NOT NULL"),
        postgresql_where=sa.text("national_id IS NOT NULL"),
    )
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("session_version", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("failed_logins", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.alter_column("session_version", server_default=None)
        batch_op.alter_column("failed_logins", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_column("locked_until")
        batch_op.drop_column("failed_logins")
        batch_op.drop_column("session_version")
    op.drop_index("uq_beneficiary_ward_national_id", table_name="beneficiary")
