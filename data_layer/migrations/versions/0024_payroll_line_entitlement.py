"""payroll lines: their entitlement, person and paying ward are one reference (entitlement_id,
beneficiary_id, ward_id) → entitlement, in place of three (PostgreSQL checks each reference row by
row, and a month's build writes a line per person); every line has its entitlement

Revision ID: 0024
Revises: 0021
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0021"
branch_labels = None
depends_on = None

COLUMNS = (
    "id, payroll_id, beneficiary_id, entitlement_id, ward_id, for_month, kind, amount, group_id,"
    " payment_method, account_number, bank_name"
)
INDEXES = {
    "ix_payrollline_payroll_ward": ["payroll_id", "ward_id", "kind"],
    "ix_payrollline_settled": ["beneficiary_id", "for_month", "kind", "amount"],
}
REFERENCE = (["entitlement_id", "beneficiary_id", "ward_id"], ["id", "beneficiary_id", "ward_id"])


def upgrade() -> None:
    bind = op.get_bind()
    _refuse_lines_apart_from_their_entitlement(bind)
    op.create_index(
        "uq_entitlement_person_ward", "entitlement", ["id", "beneficiary_id", "ward_id"], unique=True
    )
    if bind.dialect.name == "postgresql":
        for column in ("beneficiary_id", "entitlement_id", "ward_id"):
            op.drop_constraint(f"payrollline_{column}_fkey", "payrollline", type_="foreignkey")
        op.alter_column("payrollline", "entitlement_id", nullable=False)
        op.create_foreign_key("fk_payrollline_entitlement", "payrollline", "entitlement", *REFERENCE)
        return
    # SQLite keeps a table's references in its definition: the table is made again
    _make_again(
        "entitlement_id INTEGER NOT NULL",
        "CONSTRAINT fk_payrollline_entitlement FOREIGN KEY(entitlement_id, beneficiary_id, ward_id)"
        " REFERENCES entitlement (id, beneficiary_id, ward_id)",
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint("fk_payrollline_entitlement", "payrollline", type_="foreignkey")
        op.alter_column("payrollline", "entitlement_id", nullable=True)
        for column, table in (
            ("beneficiary_id", "beneficiary"),
            ("entitlement_id", "entitlement"),
            ("ward_id", "ward"),
        ):
            op.create_foreign_key(f"payrollline_{column}_fkey", "payrollline", table, [column], ["id"])
    else:
        _make_again(
            "entitlement_id INTEGER",
            "FOREIGN KEY(beneficiary_id) REFERENCES beneficiary (id), FOREIGN KEY(entitlement_id)"
            " REFERENCES entitlement (id), FOREIGN KEY(ward_id) REFERENCES ward (id)",
        )
    op.drop_index("uq_entitlement_person_ward", table_name="entitlement")


def _make_again(entitlement_column: str, references: str) -> None:
    """SQLite: payrollline made again with that entitlement column and those references, its rows
    and indexes kept; its triggers go with the old table (a dropped table fires none) and
    ``upgrade_schema`` installs them again after the migrations."""
    op.execute(
        "CREATE TABLE payrollline_new (id INTEGER NOT NULL, payroll_id INTEGER NOT NULL,"
        f" beneficiary_id INTEGER NOT NULL, {entitlement_column}, ward_id INTEGER NOT NULL,"
        " for_month DATE NOT NULL, kind VARCHAR(20) NOT NULL, amount BIGINT NOT NULL, group_id INTEGER,"
        " payment_method VARCHAR(20) NOT NULL, account_number VARCHAR(50), bank_name VARCHAR(200),"
        f" PRIMARY KEY (id), {references}, FOREIGN KEY(group_id) REFERENCES allowancegroup (id),"
        " FOREIGN KEY(payroll_id) REFERENCES payroll (id))"
    )
    op.execute(f"INSERT INTO payrollline_new ({COLUMNS}) SELECT {COLUMNS} FROM payrollline")
    op.execute("DROP TABLE payrollline")
    op.execute("ALTER TABLE payrollline_new RENAME TO payrollline")
    for name, columns in INDEXES.items():
        op.create_index(name, "payrollline", columns)


def _refuse_lines_apart_from_their_entitlement(bind) -> None:
    """Stop before changing anything when a line names no entitlement, or a person or ward other
    than its entitlement's (lines of locked months cannot be corrected: they must be looked at)."""
    found = bind.execute(
        sa.text(
            "SELECT count(*) FROM payrollline l LEFT JOIN entitlement e ON e.id = l.entitlement_id"
            " WHERE e.id IS NULL OR e.beneficiary_id <> l.beneficiary_id OR e.ward_id <> l.ward_id"
        )
    ).scalar_one()
    if found:
        raise RuntimeError(
            f"{found} dòng bảng lương không khớp với quyết định hưởng của nó (không có quyết định, hoặc"
            " khác người hay khác phường chi trả): cần kiểm tra trước khi nâng cấp cơ sở dữ liệu."
        )
