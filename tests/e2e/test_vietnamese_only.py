"""Every page, for every role, in a real browser: the role's menu, each page's heading, and none of the
English texts Streamlit draws by itself (upload box, multiselect, toolbar, menus) and no "None" reach
the screen."""

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import exists, select

from data_layer.core.codes import PersonStatus
from data_layer.core.db import get_engine, read_session
from data_layer.core.models import Beneficiary, Entitlement, Ward
from tests.e2e.conftest import choose, enter_as, login, logout, open_menu_page, wait_idle
from ui.navigation import PAGES

ROLE_USERS = {"admin": "admin", "province": "soyte", "district": "quan", "ward": "dongkinh", "viewer": "xem"}
ENGLISH = [
    "Upload", "Browse files", "Drag and drop", "per file", "Choose options", "Choose an option", "Select all",
    "No options to select", "Choose or add",
    "Deploy", "Rerun", "Settings", "Print", "Record a screencast", "About", "None", "No data", "Clear all",
    "Press Enter", "Page not found", "does not seem to exist",
]  # fmt: skip
# The visible text of the page, without icon ligatures ("home", "upload") and hidden helpers, and the
# hints empty boxes show (a select box's "Choose an option" is an input's placeholder, not a text node).
VISIBLE_TEXT = """() => {
  const parts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const el = walker.currentNode.parentElement;
    if (!el || el.closest('[data-testid="stIconMaterial"], [aria-hidden="true"], script, style')) continue;
    if (!el.offsetParent && getComputedStyle(el).position !== 'fixed') continue;
    parts.push(walker.currentNode.textContent);
  }
  for (const input of document.querySelectorAll('input[placeholder]')) {  // an empty box's hint
    if (input.offsetParent && !input.value) parts.push(input.placeholder);
  }
  return parts.join(' ');
}"""


def english_on(page: Page) -> list[str]:
    text = page.evaluate(VISIBLE_TEXT)
    return [word for word in ENGLISH if re.search(rf"\b{re.escape(word)}\b", text)]


def test_the_login_page_speaks_vietnamese(page, server):
    page.goto(server.url)
    page.get_by_label("Tên đăng nhập").fill("dongkinh")  # a typed box shows Streamlit's hint, if any
    assert english_on(page) == []


@pytest.mark.parametrize("role", ROLE_USERS)  # one test per role: parallel workers share them out
def test_every_role_sees_its_menu_walks_every_page_in_vietnamese_and_logs_out(page, server, role):
    """The menu shows the role's pages and no other; each page draws its heading and no English; after
    logging out, a new visit is not logged in again by a left-over cookie."""
    login(page, server.url, ROLE_USERS[role])
    nav = page.get_by_test_id("stSidebarNav")
    visible = [title for _file, title, _icon, roles in PAGES if role in roles]
    for _file, title, _icon, _roles in PAGES:
        # Streamlit shows no menu at all when a role has a single page
        shown = title in visible and len(visible) > 1
        expect(nav.get_by_text(title, exact=True)).to_have_count(1 if shown else 0)
    found = []
    for title in visible:
        open_menu_page(page, title)
        expect(page.get_by_role("heading", level=1).first).to_be_visible()
        found += [(role, title, word) for word in english_on(page)]
    logout(page)
    assert found == []
    page.goto(server.url)
    expect(page.get_by_label("Tên đăng nhập")).to_be_visible()
    expect(page.get_by_test_id("stMetric")).to_have_count(0)


def test_the_new_entitlement_form_speaks_vietnamese(page, server):
    """The "Thêm chế độ hưởng" form of someone without an entitlement: its empty "Diện hưởng" box."""
    with read_session(get_engine(server.db_url)) as session:
        name, born = session.execute(
            select(Beneficiary.name, Beneficiary.birth_year)
            .join(Ward, Ward.id == Beneficiary.ward_id)
            .where(
                Ward.code == "DK",
                Beneficiary.status == PersonStatus.ACTIVE,
                ~exists().where(Entitlement.beneficiary_id == Beneficiary.id),
            )
            .order_by(Beneficiary.id)
        ).first()
    enter_as(page, server, "dongkinh")
    open_menu_page(page, "Trợ cấp hằng tháng")
    page.get_by_label("Tìm người trong sổ đối tượng (họ tên hoặc số CCCD)").fill(name)
    page.keyboard.press("Enter")
    wait_idle(page)
    choose(page, "Người tìm thấy", f"{name} (Phường Đông Kinh, {born or ''})")
    expect(page.get_by_text("Thêm chế độ hưởng", exact=True)).to_be_visible()
    diện_hưởng = page.get_by_test_id("stMultiSelect").get_by_role("combobox", name="Diện hưởng", exact=True)
    expect(diện_hưởng).to_have_attribute("placeholder", "Chọn diện hưởng")
    assert english_on(page) == []
