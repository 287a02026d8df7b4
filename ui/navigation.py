"""Which pages each role sees in the menu (the pages themselves still check the Scope)."""

from __future__ import annotations

import streamlit as st

from data_layer.core.access import Scope
from data_layer.core.codes import Role

EVERYONE = frozenset(Role)
WRITERS = EVERYONE - {Role.VIEWER}
MANAGERS_AND_VIEWERS = frozenset({Role.ADMIN, Role.DISTRICT, Role.VIEWER})

# (file, menu title, icon, roles that see it)
PAGES = [
    ("pages/home.py", "Trang chủ", ":material/home:", EVERYONE),
    ("pages/beneficiaries.py", "Đối tượng", ":material/groups:", EVERYONE),
    ("pages/campaigns.py", "Đợt tặng quà", ":material/redeem:", EVERYONE),
    ("pages/delivery.py", "Phát quà", ":material/local_shipping:", EVERYONE),
    ("pages/progress.py", "Tiến độ", ":material/monitoring:", EVERYONE),
    ("pages/ward_report.py", "Báo cáo của phường", ":material/fact_check:", WRITERS),
    ("pages/reporting.py", "Tình hình báo cáo", ":material/grid_view:", MANAGERS_AND_VIEWERS),
    ("pages/budget.py", "Dự toán", ":material/calculate:", EVERYONE),
    ("pages/allowance_budget.py", "Dự toán trợ cấp", ":material/request_quote:", EVERYONE),  # allowance
    ("pages/reports.py", "Báo cáo", ":material/summarize:", EVERYONE),
    # monthly allowance
    ("pages/allowances.py", "Trợ cấp hằng tháng", ":material/payments:", EVERYONE),
    ("pages/payroll.py", "Chi trả hằng tháng", ":material/receipt_long:", EVERYONE),
    ("pages/allowance_reference.py", "Mức chuẩn trợ cấp", ":material/tune:", EVERYONE),
    ("pages/import_lists.py", "Nhập danh sách", ":material/upload_file:", WRITERS),
    ("pages/audit_log.py", "Nhật ký", ":material/history:", EVERYONE),
    ("pages/admin.py", "Quản trị", ":material/admin_panel_settings:", frozenset({Role.ADMIN})),
    ("pages/account.py", "Tài khoản", ":material/account_circle:", EVERYONE),
]


def page_files() -> list[str]:
    return [file for file, *_ in PAGES]


def pages_for(scope: Scope) -> list[st.Page]:
    """The st.Page objects of the menu for this user's role; the first is the default page."""
    return [
        st.Page(file, title=title, icon=icon, default=index == 0)
        for index, (file, title, icon, roles) in enumerate(PAGES)
        if scope.role in roles
    ]
