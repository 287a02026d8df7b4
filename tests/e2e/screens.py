"""Screenshots of every page for every demo role, flagging error boxes and English or code-like text.

    .venv/bin/python -m tests.e2e.screens [OUT_DIR]      (or: make screens)

Starts `streamlit run app.py` over a fresh demo database (the browser tests' server), logs in as each
demo account, opens every menu entry, saves a full-page PNG per role and page, and prints per page what
a Vietnamese user should not see: Streamlit's error box or An Sinh's apology for a bug ("ERROR BOX",
and the exit status is 1), and English or code-like words. Look at the pictures: they are the point.
"""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from tests.e2e.conftest import (
    CHROMIUM,
    CHROMIUM_ARGS,
    IDLE_AFTER_A_NEW_RUN,
    error_boxes,
    login,
    new_browser_context,
    start_server,
)

ROLES = ["admin", "soyte", "quan", "dongkinh", "xem"]
SUSPECT = re.compile(
    r"\b(None|nan|NaN|Upload|Browse files|Choose an? options?|Select all|Deploy|per file|No results|"
    r"Drag and drop|Clear all|empty|planned|delivered|died|active)\b"
)


def main(out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    server = start_server(Path(tempfile.mkdtemp(prefix="screens-")))
    broken = 0
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            for role in ROLES:
                context = new_browser_context(browser)
                page = context.new_page()
                login(page, server.url, role)
                links = page.get_by_test_id("stSidebarNavLink")
                titles = [links.nth(i).inner_text().strip().splitlines()[-1] for i in range(links.count())]
                for number, title in enumerate(titles, 1):
                    links.nth(number - 1).click()
                    page.wait_for_function(IDLE_AFTER_A_NEW_RUN, timeout=60_000)
                    page.evaluate("window.__ansinhRunsSeen = window.__ansinhRunsFinished")
                    slug = re.sub(r"[^a-z0-9]+", "-", page.url.rsplit("/", 1)[-1].lower()) or "home"
                    name = f"{role}-{number:02d}-{slug}.png"
                    page.screenshot(path=str(out / name), full_page=True)
                    flags = [f"ERROR BOX: {text[:80]!r}" for text in error_boxes(page)]
                    broken += bool(flags)
                    words = sorted(set(SUSPECT.findall(page.get_by_test_id("stMain").inner_text())))
                    flags += [f"suspect: {', '.join(words)}"] if words else []
                    print(f"{name:40s} {title:22s} {' | '.join(flags)}")
                context.close()
            browser.close()
    finally:
        server.stop()
    print(f"screenshots in {out}" + (f"; {broken} page(s) with an error box" if broken else ""))
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else tempfile.mkdtemp(prefix="screens-"))))
