"""The monthly allowance pages per role (AppTest on the demo city, whose payroll of this month is open):
ward staff build only their ward, only managers lock, viewers change nothing."""

from datetime import date

from sqlalchemy import select, update

from data_layer.allowance.entitlement_status import stop
from data_layer.allowance.months import add_months, month_of
from data_layer.allowance.payroll import lock_payroll
from data_layer.core.access import Scope
from data_layer.core.codes import EntitlementStatus, PayrollStatus, PersonStatus, StandardKind, StopReason
from data_layer.core.db import write_session
from data_layer.core.models import (
    AllowanceGroup,
    AllowanceStandard,
    Beneficiary,
    Entitlement,
    Payroll,
    PayrollLine,
    Ward,
)
from data_layer.demo.city import DEMO_WARDS
from data_layer.registry.hamlets import NO_HAMLET
from data_layer.vn.formatting import format_count
from tests.pages.conftest import app_as

THIS_MONTH = month_of(date.today())


def by_label(elements, label: str):
    return next(e for e in elements if e.label == label)


def buttons(at) -> list[str]:
    return [b.label for b in at.button]


def line_ids(ward_code: str, same: bool) -> set[int]:
    """Ids of the open payroll's lines of a ward (``same``) or of every other ward."""
    with write_session() as session:
        ward = session.execute(select(Ward.id).where(Ward.code == ward_code)).scalar_one()
        where = PayrollLine.ward_id == ward if same else PayrollLine.ward_id != ward
        return set(
            session.execute(
                select(PayrollLine.id)
                .join(Payroll, Payroll.id == PayrollLine.payroll_id)
                .where(Payroll.month == THIS_MONTH, where)
            ).scalars()
        )


def test_ward_staff_rebuild_their_ward_only_and_cannot_lock(demo_db):
    at = app_as("dongkinh", "pages/payroll.py").run()
    assert not at.exception
    hamlets = set(at.dataframe[0].value["Thôn/tổ dân phố"])  # a commune office watches its tổ dân phố
    assert hamlets and hamlets <= {*next(h for c, _, h in DEMO_WARDS if c == "DK"), NO_HAMLET}
    assert "Khóa tháng" not in buttons(at)
    others, mine = line_ids("DK", same=False), line_ids("DK", same=True)
    label = next(b for b in buttons(at) if b.startswith("Lập lại danh sách của phường/xã mình"))
    by_label(at.button, label).click().run()
    assert any(f"Đã lập danh sách chi trả tháng {THIS_MONTH:%m/%Y}" in s.value for s in at.success)
    assert line_ids("DK", same=False) == others  # nothing outside Đông Kinh was rewritten
    assert line_ids("DK", same=True).isdisjoint(mine) and line_ids("DK", same=True)


def test_district_staff_lock_the_month(demo_db):
    at = app_as("quan", "pages/payroll.py").run()
    assert len(at.dataframe[0].value) == 6  # every ward
    by_label(at.checkbox, "Đã kiểm tra: khóa tháng này (không sửa được nữa)").check().run()
    by_label(at.button, "Khóa tháng").click().run()
    assert not at.exception
    with write_session() as session:
        status = session.execute(select(Payroll.status).where(Payroll.month == THIS_MONTH)).scalar_one()
    assert status == PayrollStatus.LOCKED
    months = by_label(at.selectbox, "Tháng chi trả")
    next_month = date(THIS_MONTH.year + THIS_MONTH.month // 12, THIS_MONTH.month % 12 + 1, 1)
    assert months.options[:2] == [
        f"Tháng {next_month:%m/%Y} (chưa lập)",
        f"Tháng {THIS_MONTH:%m/%Y} (đã khóa)",
    ]
    assert months.value == THIS_MONTH  # the page stays on the month just locked: its files come next
    assert any(f"Đã khóa danh sách chi trả tháng {THIS_MONTH:%m/%Y}" in m.value for m in at.success)
    assert "Khóa tháng" not in buttons(at) and not [b for b in buttons(at) if b.startswith("Lập")]
    assert len(at.get("download_button")) == 4  # three lists of the first ward and form 10a
    months.select_index(0).run()
    assert any(f"Chưa lập danh sách chi trả tháng {next_month:%m/%Y}" in i.value for i in at.info)


def lock_this_month() -> None:
    with write_session() as session:
        lock_payroll(session, Scope.system(), THIS_MONTH)


def test_a_viewer_lands_on_the_latest_built_month(demo_db):
    lock_this_month()
    assert by_label(app_as("quan", "pages/payroll.py").run().selectbox, "Tháng chi trả").value == add_months(
        THIS_MONTH, 1
    )  # those who build land on the month to build
    at = app_as("xem", "pages/payroll.py").run()
    assert not at.exception and by_label(at.selectbox, "Tháng chi trả").value == THIS_MONTH
    assert not any("Chưa lập danh sách" in i.value for i in at.info)


def test_a_change_since_the_build_is_said_with_the_rebuild_button(demo_db):
    at = app_as("dongkinh", "pages/payroll.py").run()
    assert not [w for w in at.warning if "Dữ liệu đã thay đổi" in w.value]
    with write_session() as session:  # a death recorded in Đông Kinh after the build
        entitlement = (
            session.execute(
                select(Entitlement.id)
                .join(Ward, Ward.id == Entitlement.ward_id)
                .where(Ward.code == "DK", Entitlement.status == EntitlementStatus.ACTIVE)
            )
            .scalars()
            .first()
        )
        stop(session, Scope.system(), entitlement, on=date.today(), reason=StopReason.DIED)
    at.run()
    notice = [w.value for w in at.warning if "Dữ liệu đã thay đổi" in w.value]
    assert notice and notice[0].startswith("Dữ liệu đã thay đổi sau lần lập lúc ")
    assert notice[0].endswith(": lập lại để cập nhật.")
    district = app_as("quan", "pages/payroll.py").run()
    assert any("(Phường Đông Kinh): lập lại để cập nhật." in w.value for w in district.warning)
    label = next(b for b in buttons(at) if b.startswith("Lập lại danh sách của phường/xã mình"))
    by_label(at.button, label).click().run()
    assert not [w for w in at.warning if "Dữ liệu đã thay đổi" in w.value]
    assert any("Đã lập danh sách chi trả" in m.value for m in at.success)


def test_funeral_support_has_one_name_on_the_payroll_page(demo_db):
    at = app_as("quan", "pages/payroll.py").run()
    words = [m.label for m in at.metric] + [c for d in at.dataframe for c in d.value.columns]
    assert "Hỗ trợ chi phí mai táng" in words
    assert not [w for w in words if "mai táng" in w.lower() and w != "Hỗ trợ chi phí mai táng"]


def test_form_10a_of_the_city_or_one_ward_up_to_the_last_locked_month(demo_db):
    last_locked = add_months(THIS_MONTH, -1)
    at = app_as("dongkinh", "pages/payroll.py").run()
    assert "Phạm vi" not in [s.label for s in at.selectbox]
    assert by_label(at.selectbox, "Đến tháng").value == last_locked  # not the open month
    at = app_as("quan", "pages/payroll.py").run()
    scope_box = by_label(at.selectbox, "Phạm vi")
    assert scope_box.options[0] == "Tất cả phường, xã" and "Phường Đông Kinh" in scope_box.options
    city = at.dataframe[-1].value["Tổng số (người)"].tolist()[0]
    scope_box.select_index(scope_box.options.index("Phường Đông Kinh")).run()
    ward = at.dataframe[-1].value["Tổng số (người)"].tolist()[0]
    assert not at.exception and 0 < int(ward.replace(".", "")) < int(city.replace(".", ""))


def test_forms_10c_and_10d_on_the_payroll_page_with_their_deadline(demo_db):
    """The tab offers 10a, 10c and 10d: each shows its rows and a download named after the form; the
    half-yearly deadline is said. A ward officer's form is the ward's (no "Phạm vi")."""
    from data_layer.reports.forms_10cd import form_rows

    at = app_as("dongkinh", "pages/payroll.py").run()
    kind = next(r for r in at.radio if r.label == "Biểu mẫu")
    assert kind.value == "10a"
    assert any("15/6 và 15/12" in c.value for c in at.caption)
    kind.set_value("10c").run()
    assert not at.exception
    table = at.dataframe[-1].value
    assert table["Chỉ tiêu"].tolist()[0] == "Người cao tuổi trong danh sách đối tượng"
    offered = [b.label for b in at.get("download_button")]
    assert "Tải mẫu 10c (.xlsx)" in offered and "Tải mẫu 10a (.xlsx)" not in offered
    first, last = by_label(at.selectbox, "Từ tháng").value, by_label(at.selectbox, "Đến tháng").value
    with write_session() as session:
        ward_id = session.execute(select(Ward.id).where(Ward.code == "DK")).scalar_one()
        expected = form_rows(session, Scope.system(), "10c", first, last, ward_id)[0].people
    assert table["Tổng số (người)"].tolist()[0] == format_count(expected) and expected > 0
    next(r for r in at.radio if r.label == "Biểu mẫu").set_value("10d").run()
    assert not at.exception
    assert at.dataframe[-1].value["Chỉ tiêu"].tolist()[0] == "Người khuyết tật trong danh sách đối tượng"
    assert "Tải mẫu 10d (.xlsx)" in [b.label for b in at.get("download_button")]


def test_the_bank_list_is_not_offered_while_an_account_has_no_bank(demo_db):
    with write_session() as session:
        name, entitlement = session.execute(
            select(Beneficiary.name, Entitlement)
            .join(Beneficiary, Beneficiary.id == Entitlement.beneficiary_id)
            .join(Ward, Ward.id == Entitlement.ward_id)
            .where(Ward.code == "DK", Entitlement.payment_method == "account")
        ).first()
        entitlement.bank_name = None
        session.add(entitlement)
        open_month = select(Payroll.id).where(Payroll.month == THIS_MONTH).scalar_subquery()
        session.execute(  # the open month's lines, as a build without the bank writes them
            update(PayrollLine)
            .where(PayrollLine.entitlement_id == entitlement.id, PayrollLine.payroll_id == open_month)
            .values(bank_name=None)
        )
    at = app_as("dongkinh", "pages/payroll.py").run()
    assert not at.exception
    assert any("chưa có tên ngân hàng" in w.value and name in w.value for w in at.warning)
    offered = [b.label for b in at.get("download_button")]
    assert "Tải danh sách chuyển khoản (.xlsx)" not in offered
    assert "Tải danh sách chi trả tiền mặt (ký nhận) (.xlsx)" in offered


def test_viewers_change_nothing(demo_db):
    for page in ("pages/payroll.py", "pages/allowances.py", "pages/allowance_reference.py"):
        at = app_as("xem", page).run()
        assert not at.exception, page
        assert not [b for b in buttons(at) if b.startswith(("Lập", "Khóa", "Lưu", "Dừng", "Tạm dừng"))], page
    at = app_as("xem", "pages/allowances.py").run()
    by_label(at.selectbox, "Người trong danh sách trên").select_index(1).run()
    assert not at.exception
    assert "Lưu chế độ hưởng" not in buttons(at) and "Dừng hưởng" not in buttons(at)


def test_ward_staff_see_their_ward_and_record_a_death(demo_db):
    at = app_as("dongkinh", "pages/allowances.py").run()
    assert not at.exception
    assert "Phường/xã" not in at.dataframe[0].value  # one ward: no ward column
    with write_session() as session:
        theirs = session.execute(
            select(Beneficiary.name)
            .join(Entitlement, Entitlement.beneficiary_id == Beneficiary.id)
            .join(Ward, Ward.id == Entitlement.ward_id)
            .where(Ward.code == "DK")
        ).scalars()
        assert sorted(at.dataframe[0].value["Họ và tên"]) == sorted(theirs)  # exactly Đông Kinh's
    chooser = by_label(at.selectbox, "Người trong danh sách trên")
    person = next(r for r in chooser.options[1:] if "Tạm dừng" not in r)
    chooser.select(person).run()
    by_label(at.selectbox, "Lý do").select("died")
    by_label(at.button, "Dừng hưởng").click().run()
    assert any("Đã dừng hưởng" in s.value for s in at.success), [e.value for e in at.error]
    name = person.split(" (")[0]
    with write_session() as session:
        stopped = session.execute(
            select(Entitlement.status, Beneficiary.status)
            .join(Beneficiary, Beneficiary.id == Entitlement.beneficiary_id)
            .where(Beneficiary.name == name, Entitlement.stop_date == date.today())
        ).all()
    assert stopped and stopped[0] == (EntitlementStatus.STOPPED, PersonStatus.DIED)
    assert by_label(at.selectbox, "Người trong danh sách trên").value is not None  # still on the person
    assert "Lưu chế độ hưởng" not in buttons(at) and "**Thêm chế độ hưởng**" not in [
        m.value for m in at.markdown
    ]
    died = f"Sổ đối tượng ghi {name}: đã mất ngày {date.today():%d/%m/%Y}."
    assert f"{died} Không thêm chế độ hưởng cho người này." in [c.value for c in at.caption]


def test_grant_from_the_registry_page_with_a_checked_month(demo_db):
    at = app_as("dongkinh", "pages/beneficiaries.py").run()
    with write_session() as session:
        entitled = set(session.execute(select(Entitlement.beneficiary_id)).scalars())
        hiv = session.execute(select(AllowanceGroup.id).where(AllowanceGroup.code == "5.8")).scalar_one()
    chooser = by_label(at.selectbox, "Xem, thêm hoặc sửa chế độ trợ cấp của một người trong trang")
    index = next(
        i
        for i, p in enumerate(at.session_state["registry_rows"], start=1)
        if p.id not in entitled and p.status == "active"
    )
    person = at.session_state["registry_rows"][index - 1]
    chooser.select_index(index).run()
    assert by_label(at.multiselect, "Diện hưởng").placeholder == "Chọn diện hưởng"  # no English
    for month in ("13/2026", f"{THIS_MONTH:%m/%Y}"):  # values of a form are sent with its button
        by_label(at.multiselect, "Diện hưởng").set_value([hiv])
        by_label(at.text_input, "Hưởng từ tháng (MM/YYYY)").input(month)
        by_label(at.button, "Lưu chế độ hưởng").click().run()
        if month == "13/2026":
            assert any("Hưởng từ tháng: Tháng '13/2026' không hợp lệ" in e.value for e in at.error)
    assert any("Đã thêm chế độ hưởng" in s.value for s in at.success), [e.value for e in at.error]
    with write_session() as session:
        start = session.execute(
            select(Entitlement.start_month).where(Entitlement.beneficiary_id == person.id)
        ).scalar_one()
    assert start == THIS_MONTH


def saved_standard(month: date) -> int | None:
    with write_session() as session:
        return session.execute(
            select(AllowanceStandard.amount).where(
                AllowanceStandard.kind == StandardKind.STANDARD, AllowanceStandard.from_month == month
            )
        ).scalar_one_or_none()


def test_only_the_admin_sets_the_standard_after_seeing_what_it_does(demo_db):
    at = app_as("dongkinh", "pages/allowance_reference.py").run()
    assert any("Chỉ quản trị viên" in c.value for c in at.caption) and "Xem trước thay đổi" not in buttons(at)
    at = app_as("admin", "pages/allowance_reference.py").run()
    start = add_months(THIS_MONTH, -2)  # the demo's payrolls are locked up to last month
    by_label(at.text_input, "Từ tháng (MM/YYYY)").input(f"{start:%m/%Y}")
    by_label(at.text_input, "Mức (đồng; với hỗ trợ chi phí mai táng: số lần mức chuẩn)").input("540.000")
    by_label(at.button, "Xem trước thay đổi").click().run()
    assert not at.exception and saved_standard(start) is None  # nothing saved by looking
    said = at.markdown[-1].value
    assert f"Mức chuẩn trợ giúp xã hội: 500.000 đ → 540.000 đ, áp dụng từ tháng {start:%m/%Y}." in said
    assert f"chạm tới 2 tháng đã khóa: {start:%m/%Y}, {add_months(start, 1):%m/%Y}." in said
    assert f"Danh sách chi trả tháng {THIS_MONTH:%m/%Y} sẽ có truy lĩnh" in said
    per_ward = next(d.value for d in at.dataframe if "Phường/xã" in d.value.columns)
    assert (
        per_ward["Phường/xã"].tolist()[-1] == "Tổng cộng"
        and "Phường Đông Kinh" in per_ward["Phường/xã"].tolist()
    )
    total = int(per_ward["Truy lĩnh"].tolist()[-1].replace(".", "").removesuffix(" đ"))
    assert total > 0 and f"truy lĩnh {per_ward['Truy lĩnh'].tolist()[-1]}" in said
    by_label(at.button, "Hủy").click().run()
    assert "Lưu mức mới" not in buttons(at) and saved_standard(start) is None
    by_label(at.button, "Xem trước thay đổi").click().run()
    by_label(at.button, "Lưu mức mới").click().run()
    assert any(f"Đã lưu mức mới từ tháng {start:%m/%Y}" in s.value for s in at.success)
    assert saved_standard(start) == 540_000 and "Lưu mức mới" not in buttons(at)


def test_budget_estimate_with_a_what_if_standard(demo_db):
    at = app_as("quan", "pages/allowance_budget.py").run()
    assert not at.exception
    before = at.metric[1].value
    by_label(at.text_input, "Mức chuẩn giả định (đ, để trống nếu giữ nguyên)").input("540.000").run()
    assert not at.exception and any("Giả định mức chuẩn 540.000 đ" in i.value for i in at.info)
    after = at.metric[1].value
    assert int(after.replace(".", "").removesuffix(" đ")) > int(before.replace(".", "").removesuffix(" đ"))


def test_a_group_change_on_the_page_applies_from_the_month_typed(demo_db):
    """Ward staff add group 5.8 from this month: the months before keep the earlier groups."""
    at = app_as("dongkinh", "pages/allowances.py").run()
    chooser = by_label(at.selectbox, "Người trong danh sách trên")
    person = next(r for r in chooser.options[1:] if "Tạm dừng" not in r)
    chooser.select(person).run()
    with write_session() as session:
        hiv = session.execute(select(AllowanceGroup.id).where(AllowanceGroup.code == "5.8")).scalar_one()
    groups = by_label(at.multiselect, "Diện hưởng")
    groups.set_value([*groups.value, hiv])
    by_label(at.text_input, "Diện hưởng, số con áp dụng từ tháng (MM/YYYY)").input(f"{THIS_MONTH:%m/%Y}")
    by_label(at.button, "Lưu chế độ hưởng").click().run()
    assert any("Đã sửa" in s.value for s in at.success), [e.value for e in at.error]
    name = person.split(" (")[0]
    # the person stays chosen with their new groups (the list's row changed under the selection)
    assert by_label(at.selectbox, "Người trong danh sách trên").value is not None
    assert any(b.label == "Lưu chế độ hưởng" for b in at.button)
    with write_session() as session:
        start, terms_from = session.execute(
            select(Entitlement.start_month, Entitlement.terms_from)
            .join(Beneficiary, Beneficiary.id == Entitlement.beneficiary_id)
            .where(Beneficiary.name == name, Entitlement.status != EntitlementStatus.STOPPED)
        ).one()
    assert terms_from == (THIS_MONTH if start < THIS_MONTH else None)


def test_ward_staff_tick_who_did_not_collect_last_month(demo_db):
    """Last month is locked in the demo: Đông Kinh's staff tick one person as not collected; the
    return is recorded and this month's rebuild pays that person's money again as arrears."""
    from data_layer.core.models import PaymentReturn

    at = app_as("dongkinh", "pages/payroll.py").run()
    by_label(at.selectbox, "Tháng chi trả").select_index(1).run()  # last month (locked)
    assert not at.exception
    from data_layer.allowance.payment_lists import cash_rows
    from data_layer.core.access import Scope

    last = date(THIS_MONTH.year - (THIS_MONTH.month == 1), (THIS_MONTH.month - 2) % 12 + 1, 1)
    with write_session() as session:
        ward = session.execute(select(Ward.id).where(Ward.code == "DK")).scalar_one()
        first = cash_rows(session, Scope.system(), last, ward)[0].beneficiary_id
    by_label(at.multiselect, "Người chưa nhận (đánh dấu)").set_value([first])
    by_label(at.button, "Ghi kết quả theo đánh dấu").click().run()
    assert any("1 người chưa nhận" in s.value for s in at.success), [e.value for e in at.error]
    with write_session() as session:
        unpaid = (
            session.execute(select(PaymentReturn.beneficiary_id).where(PaymentReturn.collected.is_(False)))
            .scalars()
            .all()
        )
    assert unpaid == [first]
    at = app_as("dongkinh", "pages/payroll.py").run()
    label = next(b for b in buttons(at) if b.startswith("Lập lại danh sách của phường/xã mình"))
    by_label(at.button, label).click().run()
    with write_session() as session:
        arrears = (
            session.execute(
                select(PayrollLine.amount)
                .join(Payroll, Payroll.id == PayrollLine.payroll_id)
                .where(
                    Payroll.month == THIS_MONTH,
                    PayrollLine.beneficiary_id == unpaid[0],
                    PayrollLine.kind == "arrears",
                    PayrollLine.for_month == last,
                )
            )
            .scalars()
            .all()
        )
    assert len(arrears) == 1 and arrears[0] > 0


def test_a_persons_history_shows_changes_by_month_and_the_money_of_each_month(demo_db):
    """Đông Kinh's staff open a person whose last month the agent's return says was not collected:
    the money of each month says so (unpaid, carried), and a group change they save shows in the
    changes with its month and their name."""
    from data_layer.allowance.agent_return import record_unpaid
    from data_layer.allowance.payment_lists import cash_rows
    from data_layer.core.models import User
    from data_layer.vn.formatting import format_money

    last = add_months(THIS_MONTH, -1)
    with write_session() as session:
        ward = session.execute(select(Ward.id).where(Ward.code == "DK")).scalar_one()
        row = next(r for r in cash_rows(session, Scope.system(), last, ward) if r.amount)
        record_unpaid(session, Scope.system(), last, ward, {row.beneficiary_id})
        staff = session.execute(select(User.name).where(User.username == "dongkinh")).scalar_one()
    at = app_as("dongkinh", "pages/allowances.py").run()
    by_label(at.text_input, "Tìm theo họ tên hoặc số CCCD (không cần dấu)").input(row.name).run()
    chooser = by_label(at.selectbox, "Người trong danh sách trên")
    chooser.select(next(o for o in chooser.options[1:] if o.startswith(f"{row.name} ("))).run()
    assert not at.exception
    money = next(d.value for d in at.dataframe if "Tháng chi trả" in d.value.columns)
    month = money[money["Tháng chi trả"] == f"{last:%m/%Y}"].iloc[0]
    assert month["Kết quả chi trả"] == "Chưa nhận (chuyển kỳ sau)"
    assert month["Chưa nhận"] == format_money(row.total) and month["Đã nhận"] == ""
    assert f"Lịch sử trợ cấp của {row.name}" in "".join(m.value for m in at.markdown)

    with write_session() as session:
        hiv = session.execute(select(AllowanceGroup.id).where(AllowanceGroup.code == "5.8")).scalar_one()
    groups = by_label(at.multiselect, "Diện hưởng")
    groups.set_value([*groups.value, hiv])
    by_label(at.text_input, "Diện hưởng, số con áp dụng từ tháng (MM/YYYY)").input(f"{THIS_MONTH:%m/%Y}")
    by_label(at.button, "Lưu chế độ hưởng").click().run()
    assert any("Đã sửa" in s.value for s in at.success), [e.value for e in at.error]
    chooser = by_label(at.selectbox, "Người trong danh sách trên")  # the groups in its label changed
    chooser.select(next(o for o in chooser.options[1:] if o.startswith(f"{row.name} ("))).run()
    changes = next(d.value for d in at.dataframe if "Người thực hiện" in d.value.columns)
    latest = changes.iloc[-1]
    assert latest["Người thực hiện"] == staff
    assert latest["Thay đổi"].startswith("Diện hưởng: ") and "5.8" in latest["Thay đổi"].split(" → ")[1]
    with write_session() as session:
        start = session.execute(
            select(Entitlement.start_month).where(
                Entitlement.beneficiary_id == row.beneficiary_id,
                Entitlement.status != EntitlementStatus.STOPPED,
            )
        ).scalar_one()
    assert latest["Áp dụng từ tháng"] == f"{max(start, THIS_MONTH):%m/%Y}"
