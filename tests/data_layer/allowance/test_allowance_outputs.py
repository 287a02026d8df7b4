"""What the payroll gives out: payment lists, changes since last month, form 10a, the budget estimate."""

from datetime import date

from data_layer.allowance.entitlement_status import stop
from data_layer.allowance.estimate import estimate_year, paid_in_year
from data_layer.allowance.forms import form_10a, form_10a_xlsx
from data_layer.allowance.payment_lists import ward_lists_xlsx
from data_layer.allowance.payroll_details import adjustments, changes
from data_layer.allowance.reference import set_standard
from data_layer.core.codes import StandardKind, StopReason
from data_layer.core.db import write_session
from data_layer.vn.document import Office
from tests.data_layer.allowance_helpers import (
    SYSTEM,
    M,
    build,
    build_and_lock,
    entitle,
    entitle_by_account,
    person,
)
from tests.data_layer.documents import assert_official_look, by_label, header_row, sheets, table


def city(engine, wards) -> dict[str, int]:
    """Ward A: two elders (one dies on 10/02/2025), a disabled adult paid by account, a child from 02/2025."""
    ids = {
        "Cụ Một": person(engine, wards["A"], "Cụ Một", year=1955, gender="M", hamlet="Khối 1"),
        "Anh Hai": person(engine, wards["A"], "Anh Hai", year=1990, gender="M", national_id="020090000002"),
        "Bé Ba": person(engine, wards["A"], "Bé Ba", born=date(2019, 5, 1), gender="F"),
        "Cụ Bốn": person(engine, wards["A"], "Cụ Bốn", year=1950, gender="F"),
    }
    entitle(engine, ids["Cụ Một"], ("5.5a",), M(1, 2025))  # 750,000
    entitle_by_account(engine, ids["Anh Hai"], ("5.6a",), M(1, 2025), "1900123456")  # 1,000,000
    entitle(engine, ids["Bé Ba"], ("5.1",), M(2, 2025))  # aged 5: 750,000
    dies = entitle(engine, ids["Cụ Bốn"], ("5.5a",), M(1, 2025))  # 750,000
    build_and_lock(engine, M(1, 2025))
    with write_session(engine) as session:
        stop(session, SYSTEM, dies, on=date(2025, 2, 10), reason=StopReason.DIED)
    build_and_lock(engine, M(2, 2025))
    build(engine, M(3, 2025))
    return ids


WARD_A = ["ỦY BAN NHÂN DÂN", "PHƯỜNG A"]


def texts(ws) -> list[str]:
    """Every text of a sheet, top to bottom."""
    return [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]


def closing(ws) -> list[str]:
    """The texts under the table: signers and their notes."""
    last = header_row(ws) + len(table(ws))
    return [c.value for row in ws.iter_rows(min_row=last + 1) for c in row if isinstance(c.value, str)]


def test_cash_and_bank_lists_are_the_wards_own_documents(engine, wards, monkeypatch):
    monkeypatch.setenv("ANSINH_ORG_NAME", "UBND THÀNH PHỐ LẠNG SƠN")
    monkeypatch.setenv("ANSINH_ORG_PLACE", "Lạng Sơn")
    city(engine, wards)
    with write_session(engine) as session:
        found = sheets(ward_lists_xlsx(session, SYSTEM, M(2, 2025), wards["A"]))
    cash = found["Tiền mặt"]
    assert_official_look(cash, WARD_A, landscape=True)  # the ward's committee issues it, nobody above it
    assert "UBND THÀNH PHỐ LẠNG SƠN" not in texts(cash)
    assert cash["A3"].value == "Số: ……/DS-UBND"
    assert "Lạng Sơn, ngày …… tháng …… năm ……" in texts(cash)  # dated by hand when signed
    assert "DANH SÁCH CHI TRẢ TRỢ CẤP XÃ HỘI HẰNG THÁNG BẰNG TIỀN MẶT" in texts(cash)
    assert "Tháng 02/2025" in texts(cash)
    assert [c.value for c in cash[header_row(cash)]][-2:] == ["Người nhận thay", "Ký nhận"]
    rows = {r[1]: r for r in table(cash) if isinstance(r[0], int)}
    assert set(rows) == {"Bé Ba", "Cụ Bốn", "Cụ Một"}  # Anh Hai is paid by account
    assert rows["Cụ Bốn"][5:9] == [
        750_000,
        None,
        10_000_000,
        10_750_000,
    ]  # February, funeral 20 × 500,000; no arrears
    total = table(cash)[-1]
    assert total[1] == "Tổng cộng: 3 người" and total[5:9] == [2_250_000, 0, 10_000_000, 12_250_000]
    assert closing(cash) == [  # three signers side by side, row by row
        "NGƯỜI LẬP BIỂU",
        "KẾ TOÁN",
        "TM. ỦY BAN NHÂN DÂN",
        "(Ký, ghi rõ họ tên)",
        "(Ký, ghi rõ họ tên)",
        "CHỦ TỊCH",
        "(Ký tên, đóng dấu)",
    ]
    bank = found["Chuyển khoản"]
    assert_official_look(bank, WARD_A, landscape=True)
    assert table(bank)[0][1:6] == ["Anh Hai", "020090000002", "1900123456", "BIDV", 1_000_000]
    assert closing(bank) == closing(cash)


def test_changes_report_is_a_signed_report_of_the_ward(engine, wards):
    city(engine, wards)
    with write_session(engine) as session:
        report = sheets(
            ward_lists_xlsx(session, SYSTEM, M(3, 2025), wards["A"], ("changes",), day=date(2025, 3, 20))
        )
    ws = report["Tăng giảm"]
    assert_official_look(ws, WARD_A, landscape=True)
    assert ws["A3"].value == "Số: ……/BC-UBND" and "……, ngày 20 tháng 3 năm 2025" in texts(ws)
    labels = [r[0] for r in table(ws) if isinstance(r[0], str)]
    assert labels == [
        "I. Tăng (hưởng mới, hưởng lại): 0 người",
        "II. Giảm (dừng, tạm dừng hưởng): 1 người",
        "III. Thay đổi mức hưởng: 0 người",
        "IV. Truy lĩnh: 0 người, 0 đ",
        "V. Truy thu: 0 người, 0 đ",
    ]
    # died 10/02/2025: February paid, the change applies from 03/2025 and takes 750,000 đ off
    assert ["Cụ Bốn", "03/2025", 750_000, 0, -750_000] == [table(ws)[2][1], *table(ws)[2][4:8]]
    assert closing(ws) == [
        "NGƯỜI LẬP BIỂU",
        "TM. ỦY BAN NHÂN DÂN",
        "(Ký, ghi rõ họ tên)",
        "CHỦ TỊCH",
        "(Ký tên, đóng dấu)",
    ]


def test_changes_since_last_month_with_reasons_and_adjustments(engine, wards):
    city(engine, wards)
    late = person(engine, wards["A"], "Cụ Muộn", year=1950)
    entitle(engine, late, ("5.5a",), M(1, 2025))  # decided for 01/2025, recorded after 02/2025 was locked
    build(engine, M(3, 2025))
    with write_session(engine) as session:
        february = changes(session, SYSTEM, M(2, 2025))
        march = changes(session, SYSTEM, M(3, 2025))
        set_standard(session, SYSTEM, StandardKind.STANDARD, M(1, 2025), 600_000)
    assert [(c.name, c.change, c.reason) for c in february] == [
        ("Bé Ba", "added", "Hưởng mới từ tháng 02/2025")
    ]
    assert [(c.name, c.change, c.before, c.after, c.reason) for c in march] == [
        ("Cụ Muộn", "added", 0, 750_000, "Quyết định mới: hưởng từ tháng 01/2025, truy lĩnh các tháng trước"),
        ("Cụ Bốn", "removed", 750_000, 0, "Đã mất (10/02/2025): dừng hưởng từ tháng 03/2025"),
    ]
    # Cụ Muộn applies from 01/2025: 750,000 this month + 2 × 750,000 arrears; Cụ Bốn −750,000
    assert [(c.applies_from, c.money) for c in march] == [(M(1, 2025), 2_250_000), (M(3, 2025), -750_000)]
    build(engine, M(3, 2025))  # rebuilt after a retroactive standard of 600,000 from 01/2025
    with write_session(engine) as session:
        found = {a.name: a for a in adjustments(session, SYSTEM, M(3, 2025))}
    # Cụ Bốn: 01 and 02/2025 at 1.5 × 600,000 = 900,000 instead of 750,000
    assert (found["Cụ Bốn"].kind, found["Cụ Bốn"].net) == ("arrears", 300_000)
    assert found["Cụ Bốn"].months == [(M(1, 2025), 150_000), (M(2, 2025), 150_000)]
    assert found["Bé Ba"].months == [(M(2, 2025), 150_000)]


def test_changes_report_lists_a_dated_change_by_the_month_it_applies_from_with_its_money(engine, wards):
    """Cụ Một (born 1955: 70 in 2025), 5.5a 60–80: 1.5 × 500,000 = 750,000 đ. After 02/2025 is locked,
    5.6a (60+: 2.5) is added from 02/2025: rule 3, the larger coefficient, 1,250,000 đ. The 03/2025
    report lists Cụ Một under III, applying from 02/2025, making 500,000 (this month's rise) + 500,000
    (arrears for 02/2025) = 1,000,000 đ; the arrears section says from 02/2025 too."""
    from data_layer.allowance.dated_changes import change_entitlement
    from data_layer.allowance.entitlement_status import current_entitlement_id

    ids = city(engine, wards)
    with write_session(engine) as session:
        eid = current_entitlement_id(session, SYSTEM, ids["Cụ Một"])
        change_entitlement(session, SYSTEM, eid, applies_from=M(2, 2025), group_codes_text="5.5a;5.6a")
    build(engine, M(3, 2025))
    with write_session(engine) as session:
        march = changes(session, SYSTEM, M(3, 2025))
        report = sheets(ward_lists_xlsx(session, SYSTEM, M(3, 2025), wards["A"], ("changes",)))
    assert [(c.name, c.change, c.applies_from, c.before, c.after, c.money) for c in march] == [
        ("Cụ Bốn", "removed", M(3, 2025), 750_000, 0, -750_000),
        ("Cụ Một", "changed", M(2, 2025), 750_000, 1_250_000, 1_000_000),
    ]
    rows = table(report["Tăng giảm"])
    section = next(i for i, r in enumerate(rows) if str(r[0]).startswith("III."))
    assert rows[section][0] == "III. Thay đổi mức hưởng: 1 người"
    assert rows[section + 1][1:8] == ["Cụ Một", "1955", "Khối 1", "02/2025", 750_000, 1_250_000, 1_000_000]
    arrears = next(i for i, r in enumerate(rows) if str(r[0]).startswith("IV."))
    assert rows[arrears][0] == "IV. Truy lĩnh: 1 người, 500.000 đ"
    assert rows[arrears + 2][1:6] == ["Cụ Một", "1955", "Khối 1", "02/2025", 500_000]


def test_form_10a_counts_people_once_in_their_row(engine, wards):
    city(engine, wards)
    with write_session(engine) as session:
        listed = form_10a(session, SYSTEM, M(1, 2025), M(3, 2025))
        data = form_10a_xlsx(
            listed, Office("UBND THÀNH PHỐ", "Lạng Sơn", date(2025, 4, 2)), None, M(1, 2025), M(3, 2025)
        )
    rows = {r.label: r for r in listed}
    elders = rows["– Thuộc hộ nghèo, không có người có nghĩa vụ phụng dưỡng"]
    # Cụ Một 3 × 750,000; Cụ Bốn 2 × 750,000
    assert (elders.people, elders.male, elders.female, elders.cost) == (2, 1, 1, 3_750_000)
    assert (
        rows["Trẻ em dưới 16 tuổi không có nguồn nuôi dưỡng"].people,
        rows["Trong đó: dưới 4 tuổi"].people,
    ) == (1, 0)
    severe = [r.label for r in listed].index("– Đặc biệt nặng")
    assert [(r.label.strip(), r.cost) for r in listed[severe + 1 : severe + 4]] == [
        ("+ Dưới 16 tuổi", 0),
        ("+ Từ 16 đến dưới 60 tuổi", 3_000_000),  # Anh Hai, 5.6a: 3 × 1,000,000
        ("+ Từ 60 tuổi trở lên", 0),
    ]
    assert (rows["Hỗ trợ chi phí mai táng"].people, rows["Hỗ trợ chi phí mai táng"].cost) == (1, 10_000_000)
    assert rows["Trợ cấp xã hội hằng tháng"].cost == 3_750_000 + 3_000_000 + 1_500_000
    assert rows["Nhận chăm sóc, nuôi dưỡng tại cộng đồng"].people is None  # not kept in An Sinh
    ws = sheets(data)["Mẫu 10a"]
    assert_official_look(ws, ["UBND THÀNH PHỐ"])
    assert "Lạng Sơn, ngày 02 tháng 4 năm 2025" in texts(ws) and ws["A3"].value == "Số: ……/BC-……"
    assert "A1:B1" in {str(r) for r in ws.merged_cells.ranges}  # the issuer's block is wider than "STT"
    assert "Từ tháng 01/2025 đến tháng 03/2025" in texts(ws)
    assert [c.value for c in ws[header_row(ws)]] == [
        "STT",
        "Chỉ tiêu",
        "Tổng số (người)",
        "Nam",
        "Nữ",
        "Kinh phí (triệu đồng)",
    ]
    assert by_label(ws)["Hỗ trợ chi phí mai táng"][5] == 10_000_000
    assert ws.cell(row=header_row(ws) + 1, column=6).number_format == "#,##0.000,,"
    assert closing(ws) == [
        "NGƯỜI LẬP BIỂU",
        "TM. ỦY BAN NHÂN DÂN",
        "(Ký, ghi rõ họ tên)",
        "CHỦ TỊCH",
        "(Ký tên, đóng dấu)",
    ]
    ward = sheets(form_10a_xlsx(listed, Office("UBND THÀNH PHỐ"), "Phường A", M(1, 2025), M(3, 2025)))
    assert_official_look(ward["Mẫu 10a"], WARD_A)
    assert "Phường A – từ tháng 01/2025 đến tháng 03/2025" in texts(ward["Mẫu 10a"])


def test_estimate_with_a_what_if_standard_and_funeral_support(engine, wards):
    city(engine, wards)
    with write_session(engine) as session:
        plan = estimate_year(session, SYSTEM, 2026, what_if=(M(7, 2026), 540_000), today=date(2026, 1, 1))
        paid = paid_in_year(session, SYSTEM, 2025)
    # monthly 750,000 + 1,000,000 + 750,000 = 2,500,000; from 07/2026 at 540,000: 2,700,000
    assert (
        plan.people == 3 and plan.by_month[0] == (M(1, 2026), 2_500_000) and plan.by_month[6][1] == 2_700_000
    )
    assert plan.allowance == 6 * 2_500_000 + 6 * 2_700_000
    assert (plan.funerals, plan.funeral_amount) == (1, 20 * 540_000)  # one support in the last 12 months
    assert plan.total == 31_200_000 + 10_800_000
    assert [(line.label, line.people, line.amount) for line in plan.by_group] == [
        ("5.1", 1, 6 * 750_000 + 6 * 810_000),
        ("5.5a", 1, 6 * 750_000 + 6 * 810_000),
        ("5.6a", 1, 6 * 1_000_000 + 6 * 1_080_000),
    ]
    assert (paid.months, paid.amount, paid.funeral) == (
        3,
        3 * 750_000 + 3 * 1_000_000 + 2 * 750_000 + 2 * 750_000,  # Một, Hai, Ba, Bốn
        10_000_000,
    )
