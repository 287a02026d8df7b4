"""The select-box helper every browser test uses holds when the page moves under an open list."""

from playwright.sync_api import expect

from tests.e2e.conftest import choose, enter_as, open_menu_page

# The page scrolls once, the moment a select box's list has opened: what a table or chart above the box
# does when it takes its final height just after a run. The open list closes on that scroll.
SCROLL_WHEN_A_LIST_OPENS = """
new MutationObserver((changes, observer) => {
  if (document.querySelector('[role="option"]')) {
    observer.disconnect();
    document.dispatchEvent(new Event('scroll'));
  }
}).observe(document.body, {childList: true, subtree: true});
"""


def test_choose_picks_the_option_when_the_page_scrolls_as_the_list_opens(page, server):
    enter_as(page, server, "chilang")
    open_menu_page(page, "Báo cáo của phường")
    period = page.get_by_role("combobox", name="Kỳ báo cáo", exact=True)
    wanted = "Báo cáo tổng kết (hạn 25/02/2026)"
    assert period.input_value() != wanted  # else the helper has nothing to pick
    page.evaluate(SCROLL_WHEN_A_LIST_OPENS)
    choose(page, "Kỳ báo cáo", wanted)
    expect(period).to_have_value(wanted)
