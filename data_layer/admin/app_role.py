"""The PostgreSQL role the app connects as: it owns no table, so it cannot run DDL, TRUNCATE, or
disable a trigger; ``ansinh db init --app-role ROLE`` prints what to grant it (run by the owner).

It may read and write every table but those kept final (signed reports of campaigns and relief rounds,
the approval history of both, the seal chain and its checks), which it may only read and add to.
"""

from __future__ import annotations

import re

from sqlmodel import SQLModel

from data_layer.core.errors import Invalid

APPEND_ONLY = ("wardreport", "approvalevent", "reliefapproval", "reliefsignoff", "seal", "sealcheck")
_ROLE = re.compile(r"[a-z_][a-z0-9_]{0,62}")


def grant_statements(role: str, database: str) -> list[str]:
    """REVOKE/GRANT statements giving ``role`` the app's rights on ``database`` and nothing more."""
    if not _ROLE.fullmatch(role or ""):
        raise Invalid(f"Tên vai trò '{role}' không hợp lệ: chữ thường không dấu, số và '_', tối đa 63 ký tự.")
    tables = sorted(SQLModel.metadata.tables)
    writable = [t for t in tables if t not in APPEND_ONLY]
    quoted = ", ".join(f'"{t}"' for t in writable)
    return [
        "REVOKE CREATE ON SCHEMA public FROM PUBLIC;",
        f'GRANT CONNECT ON DATABASE "{database}" TO {role};',
        f"GRANT USAGE ON SCHEMA public TO {role};",
        f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {role};",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON {quoted} TO {role};",
        f"GRANT SELECT, INSERT ON {', '.join(APPEND_ONLY)} TO {role};",
        f"GRANT SELECT ON alembic_version TO {role};",  # read by `ansinh db backup` (pg_dump)
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role};",
    ]
