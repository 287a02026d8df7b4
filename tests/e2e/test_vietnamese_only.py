"""Every page, for every role, in a real browser: none of the English texts Streamlit draws by itself
(upload box, multiselect, toolbar, menus) and no "None" reach the screen."""

import re

from playwright.sync_api import Page

from tests.e2e.conftest import login, logout, open_menu_page
from ui.navigation import PAGES

ROLE_USERS = {"admin": "admin", "province": "soyte", "district": "quan", "ward": "dongkinh", "viewer": "xem"}
ENGLISH = [
    "Upload", "Browse files", "Drag and drop", "per file", "Choose options", "Choose an option", "Select all",
    "Deploy", "Rerun", "Settings", "Print", "Record a screencast", "About", "None", "No data", "Clear all",
    "Press Enter", "Page not found", "does not seem to exist",
]  # fmt: skip
# The visible text of the page, without icon ligatures ("home", "upload") and hidden helpers.
VISIBLE_TEXT = """() => {
  const parts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const el = walker.currentNode.parentElement;
    if (!el || el.closest('[data-testid="stIconMaterial"], [aria-hidden="true"], script, style')) continue;
    if (!el.offsetParent && getComputedStyle(el).position !== 'fixed') continue;
    parts.push(walker.currentNode.textContent);
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


def test_every_page_for_every_role_speaks_vietnamese(page, server):
    found = []
    for role, username in ROLE_USERS.items():
        login(page, server.url, username)
        for _file, title, _icon, roles in PAGES:
            if role in roles:
                open_menu_page(page, title)
                found += [(role, title, word) for word in english_on(page)]
        logout(page)
    assert found == []
