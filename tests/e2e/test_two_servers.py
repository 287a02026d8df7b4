"""Two app servers on one PostgreSQL database, as behind an office's reverse proxy: a login on one is
accepted by the other (one cookie key, kept in the database), a write through one shows on the other's
next run (the data version, not a timer), and the same import committed on both at once creates
nobody twice."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from data_layer.admin.users import add_user
from data_layer.cli import main
from data_layer.core.access import Scope
from data_layer.core.codes import Role
from data_layer.core.db import get_engine, read_session, write_session
from data_layer.core.models import Beneficiary
from data_layer.registry.wards import add_ward
from tests.conftest import new_pg_database
from tests.data_layer.workbooks import ward_list, write, xlsx_bytes
from tests.e2e.conftest import DEMO_PASSWORD, Server, login, open_menu_page, start_server, wait_idle

NEW_PEOPLE = [  # no thôn/tổ: the home page's "Chưa có thôn/tổ" count rises by two
    [1, "Hai Máy Chủ Một", "1950", "Nam", "020050777001", "", "Hộ nghèo", ""],
    [2, "Hai Máy Chủ Hai", "1951", "Nữ", "020050777002", "", "Hộ nghèo", ""],
]

ALREADY_IMPORTED = re.compile("Tệp này đã được nhập vào phường/xã này")


def set_up_an_office(url: str) -> None:
    """The database as `ansinh db init` leaves it, with a ward, its officer and a district officer."""
    assert main(["db", "init", "--db", url]) == 0
    with write_session(get_engine(url)) as session:
        ward = add_ward(session, Scope.system(), "DK", "Phường Đông Kinh")
        for username, role, ward_id in (("dongkinh", Role.WARD, ward.id), ("quan", Role.DISTRICT, None)):
            add_user(
                session, Scope.system(), username=username, password=DEMO_PASSWORD, role=role, ward_id=ward_id
            )


@pytest.fixture
def two_servers(tmp_path) -> Iterator[tuple[Server, Server]]:
    with new_pg_database() as url:
        set_up_an_office(url)
        (tmp_path / "a").mkdir()
        (tmp_path / "b").mkdir()
        first = start_server(tmp_path / "a", db_url=url, cookie_key=False, demo=False)
        second = start_server(tmp_path / "b", db_url=url, cookie_key=False, demo=False)
        yield first, second
        for server in (first, second):
            server.stop()


def no_hamlet_count(page: Page) -> int:
    link = page.get_by_role("link", name=re.compile(r"^Chưa có thôn.tổ: [0-9.]+$"))
    expect(link).to_be_visible()
    return int(link.inner_text().rsplit(":", 1)[1].strip().replace(".", ""))


def preview(page: Page, file) -> None:
    open_menu_page(page, "Nhập danh sách")
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(file))
    wait_idle(page)
    expect(page.get_by_role("button", name="Ghi 2 dòng hợp lệ vào cơ sở dữ liệu")).to_be_visible()


def test_two_servers_share_logins_data_and_refuse_a_double_import(page, other_page, two_servers, tmp_path):
    first, second = two_servers
    file = write(tmp_path, "hai_may_chu.xlsx", xlsx_bytes(ward_list(NEW_PEOPLE)))

    district = other_page
    login(district, second.url, "quan")
    before = no_hamlet_count(district)

    on_first = page
    login(on_first, first.url, "dongkinh")
    on_second = page.context.new_page()  # the same browser, its cookie from the first server
    on_second.goto(second.url)
    expect(on_second.get_by_role("button", name="Đăng xuất")).to_be_visible()  # no login form
    wait_idle(on_second)

    preview(on_first, file)
    preview(on_second, file)
    on_first.get_by_role("button", name="Ghi 2 dòng hợp lệ vào cơ sở dữ liệu").click()
    on_second.get_by_role("button", name="Ghi 2 dòng hợp lệ vào cơ sở dữ liệu").click()  # at once
    for tab in (on_first, on_second):
        wait_idle(tab)
        outcome = tab.get_by_text("Đã ghi tệp hai_may_chu.xlsx").or_(tab.get_by_text(ALREADY_IMPORTED))
        expect(outcome.first).to_be_visible()
    written = [p for p in (on_first, on_second) if p.get_by_text("Đã ghi tệp hai_may_chu.xlsx").count()]
    assert len(written) == 1  # the other commit, checked again under the write lock, is refused:
    refused = on_second if written == [on_first] else on_first
    expect(refused.get_by_text(ALREADY_IMPORTED)).to_be_visible()
    with read_session(get_engine(first.db_url)) as session:
        copies = session.execute(
            select(Beneficiary.national_id, func.count())
            .where(Beneficiary.national_id.in_(["020050777001", "020050777002"]))
            .group_by(Beneficiary.national_id)
        ).all()
    assert sorted(copies) == [("020050777001", 1), ("020050777002", 1)]

    open_menu_page(district, "Tiến độ")  # the district's next runs on the other server see the write
    open_menu_page(district, "Trang chủ")
    assert no_hamlet_count(district) == before + 2
