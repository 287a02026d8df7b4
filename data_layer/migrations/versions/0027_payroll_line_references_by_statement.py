"""payroll lines: PostgreSQL checks their three references (payroll, allowance group, entitlement) with
statement triggers in place of foreign keys, which it checks row by row (``data_layer.core.references``
has the triggers; ``data_layer.core.schema`` installs them after the migrations). SQLite keeps its
foreign keys.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-04
"""

from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None

FOREIGN_KEYS = {  # name: (columns, referred table, referred columns), as migrations 0001 and 0024 made them
    "payrollline_payroll_id_fkey": (["payroll_id"], "payroll", ["id"]),
    "payrollline_group_id_fkey": (["group_id"], "allowancegroup", ["id"]),
    "fk_payrollline_entitlement": (
        ["entitlement_id", "beneficiary_id", "ward_id"],
        "entitlement",
        ["id", "beneficiary_id", "ward_id"],
    ),
}


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name in FOREIGN_KEYS:
        op.drop_constraint(name, "payrollline", type_="foreignkey")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, (columns, table, referred) in FOREIGN_KEYS.items():
        op.create_foreign_key(name, "payrollline", table, columns, referred)
