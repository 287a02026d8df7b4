"""What the payroll page says about a month: stale builds, where it opens, the bank list's refusal, form
10a of the city or of one ward."""

from datetime import date

import pytest

from data_layer.allowance.entitlement_rows import EntitlementFilters, entitlement_rows
from data_layer.allowance.entitlement_status import stop
from data_layer.allowance.entitlements import EntitlementInput, update_entitlement
from data_layer.allowance.forms import default_period, form_10a
from data_layer.allowance.payment_lists import accounts_without_bank, ward_lists_xlsx
from data_layer.allowance.payroll import changed_since_build, landing_month, payroll_months
from data_layer.allowance.reference import set_standard
from data_layer.core.access import Scope
from data_layer.core.codes import PaymentMethod, PayrollStatus, StandardKind, StopReason
from data_layer.core.db import write_session
from data_layer.core.errors import Invalid
from tests.data_layer.allowance_helpers import SYSTEM, M, build, build_and_lock, entitle, person
from tests.data_layer.documents import sheets, table


def ward_scope(ward_id: int) -> Scope:
    return Scope(user_id=None, username="phuong", role="ward", ward_ids=[ward_id])


def stale(engine, scope=SYSTEM, *, month):
    with write_session(engine) as session:
        return changed_since_build(session, scope, month)


@pytest.fixture
def elders(engine, wards) -> dict[str, int]:
    """An elder in each ward, entitled from 01/2025; 01/2025 locked, 02/2025 built and open."""
    ids = {}
    for code in ("A", "B"):
        pid = person(engine, wards[code], f"Cụ {code}", year=1950)
        ids[code] = entitle(engine, pid, ("5.5a",), M(1, 2025))
    build_and_lock(engine, M(1, 2025))
    build(engine, M(2, 2025))
    return ids


def test_a_change_after_the_build_is_said_for_its_ward_until_it_is_rebuilt(engine, wards, elders):
    assert stale(engine, month=M(2, 2025)) is None
    assert stale(engine, month=M(1, 2025)) is None  # a locked month is never rebuilt
    with write_session(engine) as session:
        stop(session, SYSTEM, elders["A"], on=date(2025, 2, 10), reason=StopReason.DIED)
    found = stale(engine, month=M(2, 2025))
    assert found.wards == ("Phường A",)
    assert found.message(several=True).startswith("Dữ liệu đã thay đổi sau lần lập lúc ")
    assert found.message(several=True).endswith(" (Phường A): lập lại để cập nhật.")
    assert stale(engine, ward_scope(wards["B"]), month=M(2, 2025)) is None  # ward B's data did not change
    build(engine, M(2, 2025), ward_scope(wards["A"]))  # ward A rebuilds its own lines
    assert stale(engine, month=M(2, 2025)) is None
    with write_session(engine) as session:  # the reference data concerns every ward
        set_standard(session, SYSTEM, StandardKind.STANDARD, M(1, 2025), 600_000)
    assert stale(engine, month=M(2, 2025)).wards == ("Phường A", "Phường B")
    build(engine, M(2, 2025))
    assert stale(engine, month=M(2, 2025)) is None


def test_the_page_opens_on_the_open_month_and_a_viewer_on_the_latest_built(engine, wards, elders):
    with write_session(engine) as session:
        months = payroll_months(session, date(2025, 2, 20))
    assert landing_month(months, builds=True) == landing_month(months, builds=False) == M(2, 2025)
    build_and_lock(engine, M(2, 2025))
    with write_session(engine) as session:
        months = payroll_months(session, date(2025, 2, 20))
    assert months[0] == (M(3, 2025), None)
    assert (landing_month(months, builds=True), landing_month(months, builds=False)) == (
        M(3, 2025),
        M(2, 2025),
    )
    assert default_period(months) == (M(1, 2025), M(2, 2025))


def test_form_10a_ends_with_the_last_locked_month_and_counts_one_ward(engine, wards, elders):
    months = [(M(3, 2025), PayrollStatus.OPEN), (M(2, 2025), PayrollStatus.LOCKED), (M(1, 2025), "locked")]
    assert default_period(months) == (M(1, 2025), M(2, 2025))  # not the open month
    assert default_period([(M(12, 2024), PayrollStatus.LOCKED), (M(1, 2025), PayrollStatus.OPEN)]) == (
        M(12, 2024),
        M(12, 2024),
    )
    assert default_period([(M(1, 2025), None)]) is None
    with write_session(engine) as session:
        city = {r.label: r.people for r in form_10a(session, SYSTEM, M(1, 2025), M(2, 2025))}
        ward = {r.label: r.people for r in form_10a(session, SYSTEM, M(1, 2025), M(2, 2025), wards["B"])}
        other = form_10a(session, ward_scope(wards["A"]), M(1, 2025), M(2, 2025), wards["B"])
    assert (city["Trợ cấp xã hội hằng tháng"], ward["Trợ cấp xã hội hằng tháng"]) == (2, 1)
    assert other[0].people == 0  # a ward outside the scope counts nothing


def test_the_bank_list_refuses_accounts_of_no_named_bank_and_names_the_people(engine, wards, elders):
    pid = person(engine, wards["A"], "Bà Tài Khoản", year=1950)
    entitled = entitle(
        engine, pid, ("5.5a",), M(1, 2025), payment_method=PaymentMethod.ACCOUNT, account_number="1900555"
    )
    build_and_lock(engine, M(2, 2025))  # locked with an account of no named bank
    with write_session(engine) as session:
        assert accounts_without_bank(session, SYSTEM, M(2, 2025), wards["A"]) == ["Bà Tài Khoản"]
        with pytest.raises(
            Invalid, match=r"1 người có số tài khoản nhưng chưa có tên ngân hàng \(Bà Tài Khoản\)"
        ):
            ward_lists_xlsx(session, SYSTEM, M(2, 2025), wards["A"])
        cash = sheets(ward_lists_xlsx(session, SYSTEM, M(2, 2025), wards["A"], ("cash",)))["Tiền mặt"]
    assert [r[1] for r in table(cash) if isinstance(r[0], int)] == ["Cụ A"]  # the cash list still builds
    with write_session(engine) as session:  # the bank named afterwards: the locked month's list builds
        row = entitlement_rows(session, SYSTEM, EntitlementFilters(), M(2, 2025), person_id=pid)[0]
        data = EntitlementInput(
            groups=row.group_ids,
            start_month=row.start_month,
            payment_method=PaymentMethod.ACCOUNT,
            account_number="1900555",
            bank_name="Vietcombank",
        )
        update_entitlement(session, SYSTEM, entitled, row.version, data)
        bank = sheets(ward_lists_xlsx(session, SYSTEM, M(2, 2025), wards["A"], ("bank",)))["Chuyển khoản"]
    assert table(bank)[0][1:5] == ["Bà Tài Khoản", None, "1900555", "Vietcombank"]
