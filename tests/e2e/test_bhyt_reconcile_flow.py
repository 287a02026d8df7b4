"""Thẻ BHYT in the browser (issue 24): a ward officer imports the insurance agency's list of issued
cards and sees the mismatches: the person left out of the list has no card, the one under another
name differs; the figures are those the data layer finds for the same file."""

from datetime import date

from playwright.sync_api import expect
from sqlalchemy import select

from data_layer.bhyt.reconcile import reconcile_file
from data_layer.bhyt.screen import month_choices
from data_layer.core.access import Scope
from data_layer.core.db import get_engine, read_session
from data_layer.core.models import Ward
from tests.data_layer.workbooks import write
from tests.e2e.conftest import enter_as, open_menu_page, wait_idle
from tests.pages.test_bhyt_reconcile_panel import agency_list


def test_a_ward_imports_the_agencys_card_list_and_sees_the_mismatches(page, server, tmp_path):
    engine = get_engine(server.db_url)
    month = month_choices(date.today())[1]  # the month the page opens on
    data, names = agency_list(month, engine)
    path = write(tmp_path, "the_bhyt_da_cap.xlsx", data)
    with read_session(engine) as session:
        ward = session.execute(select(Ward.id).where(Ward.code == "DK")).scalar_one()
        clerk = Scope(user_id=None, username="dongkinh", role="ward", ward_ids=frozenset({ward}))
        expected = reconcile_file(session, clerk, data, path.name, month, ward)
    assert expected.counts()["differs"] >= 1 and expected.counts()["missing_card"] >= 1

    enter_as(page, server, "dongkinh")
    open_menu_page(page, "Thẻ BHYT")
    expect(page.get_by_text("Đối chiếu với danh sách thẻ của cơ quan BHXH")).to_be_visible()
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(path))
    wait_idle(page)
    expect(page.get_by_text(expected.sentence())).to_be_visible()
    differs = page.get_by_test_id("stMetric").filter(has_text="Không khớp")
    expect(differs).to_contain_text(str(expected.counts()["differs"]))
    page.get_by_role("tab", name="Thông tin không khớp").click()
    panel = page.get_by_role("tabpanel").filter(has=page.get_by_test_id("stDataFrame")).last
    expect(panel.get_by_test_id("stDataFrame")).to_be_visible()
    assert names["renamed"] in [f.name for f in expected.of("differs")]
    assert names["missing"] in [f.name for f in expected.of("missing_card")]
