"""Which pages each role sees in the menu (the pages themselves still check the Scope)."""

from __future__ import annotations

import runpy
from collections.abc import Callable
from pathlib import Path

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from data_layer.core.access import Scope
from data_layer.core.codes import Role

APP = Path(__file__).resolve().parent.parent / "app.py"
EVERYONE = frozenset(Role)
WRITERS = EVERYONE - {Role.VIEWER}
MANAGERS_AND_VIEWERS = frozenset({Role.ADMIN, Role.PROVINCE, Role.DISTRICT, Role.VIEWER})

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
    ("pages/relief.py", "Cứu trợ gạo", ":material/rice_bowl:", EVERYONE),
    ("pages/reports.py", "Báo cáo", ":material/summarize:", EVERYONE),
    # monthly allowance
    ("pages/allowances.py", "Trợ cấp hằng tháng", ":material/payments:", EVERYONE),
    ("pages/payroll.py", "Chi trả hằng tháng", ":material/receipt_long:", EVERYONE),
    ("pages/bhyt.py", "Thẻ BHYT", ":material/health_and_safety:", EVERYONE),
    ("pages/allowance_reference.py", "Mức chuẩn trợ cấp", ":material/tune:", EVERYONE),
    ("pages/import_lists.py", "Nhập danh sách", ":material/upload_file:", WRITERS),
    ("pages/audit_log.py", "Nhật ký", ":material/history:", EVERYONE),
    ("pages/admin.py", "Quản trị", ":material/admin_panel_settings:", frozenset({Role.ADMIN})),
    ("pages/account.py", "Tài khoản", ":material/account_circle:", EVERYONE),
]


def page_files() -> list[str]:
    return [file for file, *_ in PAGES]


def _url_path(file: str) -> str:
    return Path(file).stem  # what Streamlit derives from the file name


def not_for_this_role() -> None:
    """What an address of a page outside the user's menu shows (instead of Streamlit's English
    "Page not found")."""
    st.warning("Trang này không dành cho tài khoản của bạn.")
    st.page_link(PAGES[0][0], label="Về Trang chủ", icon=":material/home:")


def pages_for(scope: Scope) -> list[st.Page]:
    """The st.Page objects of the menu for this user's role; the first is the default page. The other
    pages' addresses stay known (hidden from the menu) and say they are not for this user."""
    return [
        st.Page(file, title=title, icon=icon, default=index == 0)
        if scope.role in roles
        else st.Page(not_for_this_role, title=title, url_path=_url_path(file), visibility="hidden")
        for index, (file, title, icon, roles) in enumerate(PAGES)
    ]


def login_pages(login_page: Callable[[], None]) -> list[st.Page]:
    """While nobody is logged in, every address shows the login form (a bookmark opens its page right
    after the login, instead of Streamlit's English "Page not found")."""
    login = st.Page(login_page, title="Đăng nhập", url_path="dang-nhap", default=True)
    return [login] + [
        st.Page(login_page, title="Đăng nhập", url_path=_url_path(file), visibility="hidden")
        for file, *_ in PAGES
    ]


def route_through_app() -> None:
    """Run app.py around a page that Streamlit's legacy ``pages/`` mode started without it.

    Until some session has called st.navigation, Streamlit treats the ``pages/`` folder as a menu of
    file names and runs the page a URL names without app.py: the first visit of a freshly started
    server to a bookmarked address (``/budget``) got a menu of English file names, no login restored
    from the cookie and no error boundary, and kept that menu for later visitors. Leaving that mode
    (what st.navigation itself does) and running app.py in this same run (it draws the frame and runs
    the page the URL names; a click that started the run is not lost) sets it right; the rest of the
    page started by the legacy mode is then skipped."""
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        runpy.run_path(str(APP))
        st.stop()
