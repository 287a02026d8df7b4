"""Forms 10a, 10c and 10d count people by the allowance group valid in the report's months
(issue 21 §4; ``allowance.valid_groups``), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

from data_layer.allowance.dated_changes import change_entitlement
from data_layer.allowance.forms import form_10a
from data_layer.allowance.valid_groups import valid_groups
from data_layer.core.db import write_session
from tests.data_layer.allowance_helpers import SYSTEM, M, build_and_lock, entitle, person


def rows_of(engine, first, last, ward_id=None) -> dict[str, tuple]:
    with write_session(engine) as session:
        listed = form_10a(session, SYSTEM, first, last, ward_id)
    return {r.label.strip(): (r.people, r.cost) for r in listed}


ELDERLY_POOR = "– Thuộc hộ nghèo, không có người có nghĩa vụ phụng dưỡng"
SEVERE_60 = "+ Từ 60 tuổi trở lên"  # the first such row is under "– Đặc biệt nặng"


def test_form_10a_counts_a_person_by_the_group_valid_in_the_period_not_by_an_old_payroll_line(engine, wards):
    """Cụ Năm (born 1955: 70 in 2025), 5.5a from 01/2025 = 1.5 × 500,000 = 750,000 đ a month;
    01–03/2025 paid and locked. A disability certificate of 03/2025 is recorded afterwards: 5.6a from
    03/2025 (2.5 × 500,000 = 1,250,000 đ for the elderly; its 500,000 đ arrears go into 04/2025).

    Form 10a for 01–03/2025: the group valid in 03/2025 is 5.6a → the row "especially severe, 60 and
    over", cost 3 × 750,000 = 2,250,000 đ (what the payrolls paid); the elderly row is empty. The March
    payroll line still says 5.5a, which is what the form used to count. For 01–02/2025 the group
    valid in 02/2025 is the earlier term's 5.5a."""
    pid = person(engine, wards["A"], "Cụ Năm", year=1955, gender="F")
    eid = entitle(engine, pid, ("5.5a",), M(1, 2025))
    build_and_lock(engine, M(1, 2025), M(2, 2025), M(3, 2025))
    assert rows_of(engine, M(1, 2025), M(3, 2025))[ELDERLY_POOR] == (1, 2_250_000)
    with write_session(engine) as session:
        change_entitlement(session, SYSTEM, eid, applies_from=M(3, 2025), group_codes_text="5.6a")

    after = rows_of(engine, M(1, 2025), M(3, 2025))
    assert after[ELDERLY_POOR] == (0, 0)
    assert after["– Đặc biệt nặng"] == (1, 2_250_000)
    assert after["Người khuyết tật"] == (1, 2_250_000)
    with write_session(engine) as session:
        listed = form_10a(session, SYSTEM, M(1, 2025), M(3, 2025))
    severe = [r.label for r in listed].index("– Đặc biệt nặng")
    assert (listed[severe + 3].label.strip(), listed[severe + 3].people) == (SEVERE_60, 1)

    before = rows_of(engine, M(1, 2025), M(2, 2025))
    assert before[ELDERLY_POOR] == (1, 1_500_000) and before["Người khuyết tật"] == (0, 0)
    with write_session(engine) as session:
        found = valid_groups(session, SYSTEM, M(1, 2025), M(2, 2025))
    assert (found[pid].code, found[pid].month) == ("5.5a", M(2, 2025))


def test_valid_groups_take_the_last_month_entitled_in_each_ward_after_a_move(engine, wards):
    """Bà Sáu, 5.5a in A from 01/2025, stopped 15/03/2025 (moved to B); granted in B from 04/2025 as
    5.6b. For 01–06/2025 ward A counts her by 5.5a in 03/2025 (the month of A's stop), ward B by 5.6b
    in 06/2025; a period before the grant in B finds nothing in B."""
    from data_layer.allowance.entitlement_status import stop
    from data_layer.core.codes import StopReason

    cccd = "020150000006"
    in_a = person(engine, wards["A"], "Bà Sáu", year=1950, gender="F", national_id=cccd)
    first = entitle(engine, in_a, ("5.5a",), M(1, 2025))
    with write_session(engine) as session:
        stop(session, SYSTEM, first, on=date(2025, 3, 15), reason=StopReason.MOVED)
    in_b = person(engine, wards["B"], "Bà Sáu", year=1950, gender="F", national_id=cccd)
    entitle(engine, in_b, ("5.6b",), M(4, 2025))
    with write_session(engine) as session:
        ward_a = valid_groups(session, SYSTEM, M(1, 2025), M(6, 2025), wards["A"])
        ward_b = valid_groups(session, SYSTEM, M(1, 2025), M(6, 2025), wards["B"])
        early_b = valid_groups(session, SYSTEM, M(1, 2025), M(3, 2025), wards["B"])
    assert (ward_a[in_a].code, ward_a[in_a].month) == ("5.5a", M(3, 2025)) and in_b not in ward_a
    assert (ward_b[in_b].code, ward_b[in_b].month) == ("5.6b", M(6, 2025)) and early_b == {}


def categorise(engine, person_id: int, *codes: str) -> None:
    from sqlalchemy import select

    from data_layer.core.models import BeneficiaryCategory, Category

    with write_session(engine) as session:
        for code in codes:
            category_id = session.execute(select(Category.id).where(Category.code == code)).scalar_one()
            session.add(BeneficiaryCategory(beneficiary_id=person_id, category_id=category_id))


def longevity_gifts(engine, ward_id: int, gifts: list[tuple[int, int, int, date]]) -> None:
    """A 'Mừng thọ 2025' campaign with one delivered gift per (person, milestone age, amount, day), as
    a longevity package allocates them (the milestone fixed on the allocation)."""
    from sqlalchemy import select

    from data_layer.core.codes import AllocationStatus, CampaignKind
    from data_layer.core.models import Allocation, Campaign, FundingSource, Package

    with write_session(engine) as session:
        campaign = Campaign(name="Mừng thọ 2025", kind=CampaignKind.LONGEVITY, year=2025)
        session.add(campaign)
        session.flush()
        source = session.execute(select(FundingSource.id).where(FundingSource.code == "TINH")).scalar_one()
        for pid, milestone, amount, day in gifts:
            package = Package(campaign_id=campaign.id, source_id=source, label=f"Mức {amount}", amount=amount)
            session.add(package)
            session.flush()
            session.add(
                Allocation(
                    campaign_id=campaign.id,
                    package_id=package.id,
                    beneficiary_id=pid,
                    ward_id=ward_id,
                    amount=amount,
                    status=AllocationStatus.DELIVERED,
                    delivered_on=day,
                    milestone=milestone,
                )
            )


def elders_and_disabled(engine, wards) -> dict[str, int]:
    """Ward A, 07–09/2025 paid and locked (standard 500,000 đ, social pension 500,000 đ):
    Một (F, 1955: 70) 5.5a 1.5 → 750,000; Hai (M, 1945: 80) 5.5c 1.0 → 500,000; Ba (M, 1948: 77)
    HTXH → 500,000; Bốn (F, 1960: 65) 5.6b elderly 2.0 → 1,000,000; Năm (F, 1925: 100) no allowance;
    Sáu (M, 1935) died 10/06/2025; Bảy (M, 1970: 55) 5.6a 2.0 → 1,000,000; Chín (F, 2000) category
    NKT only. Ward B: Tám (M, 1950: 75) 5.5a → 750,000. Longevity gifts (Mừng thọ 2025): Một at 70
    700,000 đ on 20/08/2025, Năm at 100 1,700,000 đ on 15/08/2025."""
    from data_layer.core.codes import PersonStatus

    a = wards["A"]
    ids = {
        "Một": person(engine, a, "Cụ Một", year=1955, gender="F"),
        "Hai": person(engine, a, "Cụ Hai", year=1945, gender="M"),
        "Ba": person(engine, a, "Cụ Ba", year=1948, gender="M"),
        "Bốn": person(engine, a, "Bà Bốn", year=1960, gender="F"),
        "Năm": person(engine, a, "Cụ Năm", year=1925, gender="F"),
        "Sáu": person(
            engine,
            a,
            "Cụ Sáu",
            year=1935,
            gender="M",
            status=PersonStatus.DIED,
            status_date=date(2025, 6, 10),
        ),
        "Bảy": person(engine, a, "Anh Bảy", year=1970, gender="M"),
        "Chín": person(engine, a, "Chị Chín", year=2000, gender="F"),
        "Tám": person(engine, wards["B"], "Cụ Tám", year=1950, gender="M"),
    }
    for name, codes in [
        ("Một", ("5.5a",)),
        ("Hai", ("5.5c",)),
        ("Ba", ("HTXH",)),
        ("Bốn", ("5.6b",)),
        ("Bảy", ("5.6a",)),
        ("Tám", ("5.5a",)),
    ]:
        ids[f"e{name}"] = entitle(engine, ids[name], codes, M(7, 2025))
    categorise(engine, ids["Chín"], "NKT")
    categorise(engine, ids["Bảy"], "NKT")
    longevity_gifts(
        engine,
        a,
        [(ids["Một"], 70, 700_000, date(2025, 8, 20)), (ids["Năm"], 100, 1_700_000, date(2025, 8, 15))],
    )
    build_and_lock(engine, M(7, 2025), M(8, 2025), M(9, 2025))
    return ids


def figures(rows) -> dict[str, tuple]:
    """(people, male, female, cost) per label; the first of labels used twice."""
    found: dict[str, tuple] = {}
    for row in rows:
        found.setdefault(row.label.strip(), (row.people, row.male, row.female, row.cost))
    return found


def test_form_10c_elderly_by_age_allowance_pension_and_longevity(engine, wards):
    """Ward A, 07–09/2025 (people of ``elders_and_disabled``):
    1. elderly in the registry: Một, Hai, Ba, Bốn, Năm = 5 (men Hai, Ba); Sáu died before the period.
       60–69 Bốn; 70–79 Một, Ba; 80–89 Hai; 100+ Năm.
    3. without a pension (5.5c or social pension): Hai 3 × 500,000 + Ba 3 × 500,000 = 3,000,000.
    4. on the allowance: Một 5.5a 2,250,000; Hai 5.5c 1,500,000; Bốn (5.6b, another group) 3,000,000
       → 3 people, 6,750,000. 5. social pension: Ba 1,500,000.
    6. longevity: Một at 70 700,000, Năm at 100 1,700,000 → 2 people, 2,400,000.
    7. health-insurance cards the State pays: see below.
    The office adds Tám (ward B, 75, 5.5a 3 × 750,000)."""
    from data_layer.reports.forms_10cd import form_10c

    elders_and_disabled(engine, wards)
    with write_session(engine) as session:
        ward = figures(form_10c(session, SYSTEM, M(7, 2025), M(9, 2025), wards["A"]))
        office = figures(form_10c(session, SYSTEM, M(7, 2025), M(9, 2025)))
    assert ward["Người cao tuổi trong danh sách đối tượng"] == (5, 2, 3, None)  # people, no money
    assert [
        ward[f"– Từ {band}"][0]
        for band in (
            "60 đến dưới 70 tuổi",
            "70 đến dưới 80 tuổi",
            "80 đến dưới 90 tuổi",
            "90 đến dưới 100 tuổi",
            "100 tuổi trở lên",
        )
    ] == [1, 2, 1, 0, 1]
    assert ward["Người cao tuổi có lương hưu, trợ cấp bảo hiểm xã hội hằng tháng"] == (None, None, None, None)
    assert ward["Người cao tuổi không có lương hưu, trợ cấp bảo hiểm xã hội (diện 5.5c, hưu trí xã hội)"] == (
        2,
        2,
        0,
        3_000_000,
    )
    assert ward["Người cao tuổi hưởng trợ cấp xã hội hằng tháng"] == (3, 1, 2, 6_750_000)
    assert ward["– Thuộc hộ nghèo, không có người có nghĩa vụ phụng dưỡng"] == (1, 0, 1, 2_250_000)
    assert ward["– Từ 80 tuổi trở lên không có lương hưu, trợ cấp BHXH"] == (1, 1, 0, 1_500_000)
    assert ward["– Hưởng theo diện khác (khuyết tật, nhiễm HIV…)"] == (1, 0, 1, 3_000_000)
    assert ward["Người cao tuổi hưởng trợ cấp hưu trí xã hội (Nghị định 176/2025/NĐ-CP)"] == (
        1,
        1,
        0,
        1_500_000,
    )
    assert ward["Người cao tuổi được chúc thọ, mừng thọ"] == (2, 0, 2, 2_400_000)
    assert (ward["– Tuổi 70"], ward["– Tuổi 100 trở lên"], ward["– Tuổi 80"]) == (
        (1, 0, 1, 700_000),
        (1, 0, 1, 1_700_000),
        (0, 0, 0, 0),
    )
    # 7. State-paid health-insurance cards (every entitlement gives a BT card): Một, Hai, Ba, Bốn, 3 months
    # each at 4.5% × 2,340,000 = 105,300 đ → 4 × 3 × 105,300 = 1,263,600 đ; the office adds Tám
    assert ward["Người cao tuổi được cấp thẻ bảo hiểm y tế (ngân sách đóng)"] == (4, 2, 2, 1_263_600)
    assert office["Người cao tuổi được cấp thẻ bảo hiểm y tế (ngân sách đóng)"] == (5, 3, 2, 1_579_500)
    assert office["Người cao tuổi trong danh sách đối tượng"] == (6, 3, 3, None)
    assert office["Người cao tuổi hưởng trợ cấp xã hội hằng tháng"] == (4, 2, 2, 6_750_000 + 2_250_000)
    assert office["Người cao tuổi được chúc thọ, mừng thọ"][0] == 2


def test_form_10d_by_severity_and_by_the_group_valid_in_the_period(engine, wards):
    """Ward A, 07–09/2025: registry Bốn (5.6b), Bảy (5.6a, category NKT), Chín (NKT only) → 3 people:
    especially severe 1, severe 1, mild or not recorded 1. On the allowance: Bảy 5.6a aged 55 3 ×
    1,000,000; Bốn 5.6b aged 65 3 × 1,000,000. Then Bốn's certificate says especially severe from 09/2025
    (after September is locked): she moves to "especially severe, 60 and over" for 07–09, stays
    "severe" for 07–08."""
    from data_layer.reports.forms_10cd import form_10d

    ids = elders_and_disabled(engine, wards)
    with write_session(engine) as session:
        rows = form_10d(session, SYSTEM, M(7, 2025), M(9, 2025), wards["A"])
    found = figures(rows)
    assert found["Người khuyết tật trong danh sách đối tượng"] == (3, 1, 2, None)
    assert [
        found[k][0]
        for k in ("– Khuyết tật đặc biệt nặng", "– Khuyết tật nặng", "– Khuyết tật nhẹ hoặc chưa ghi mức độ")
    ] == [1, 1, 1]
    assert found["Người khuyết tật hưởng trợ cấp xã hội hằng tháng"] == (2, 1, 1, 6_000_000)
    labels = [(r.label.strip(), r.people, r.cost) for r in rows]
    severe = labels.index(("– Đặc biệt nặng", 1, 3_000_000))
    assert labels[severe + 2] == ("+ Từ 16 đến dưới 60 tuổi", 1, 3_000_000)  # Bảy
    assert labels[severe + 4] == ("– Nặng", 1, 3_000_000) and labels[severe + 7][1:] == (
        1,
        3_000_000,
    )  # Bốn 60+
    assert found["Hỗ trợ kinh phí chăm sóc, nuôi dưỡng người khuyết tật"][0] is None
    # cards: Bốn and Bảy (entitled; Chín has no card the State pays), 2 × 3 × 105,300 đ
    assert found["Người khuyết tật được cấp thẻ bảo hiểm y tế (ngân sách đóng)"] == (2, 1, 1, 631_800)

    with write_session(engine) as session:
        change_entitlement(session, SYSTEM, ids["eBốn"], applies_from=M(9, 2025), group_codes_text="5.6a")
        after = [
            (r.label.strip(), r.people) for r in form_10d(session, SYSTEM, M(7, 2025), M(9, 2025), wards["A"])
        ]
        before = figures(form_10d(session, SYSTEM, M(7, 2025), M(8, 2025), wards["A"]))
    assert after[severe : severe + 5] == [
        ("– Đặc biệt nặng", 2),
        ("+ Dưới 16 tuổi", 0),
        ("+ Từ 16 đến dưới 60 tuổi", 1),
        ("+ Từ 60 tuổi trở lên", 1),
        ("– Nặng", 0),
    ]
    assert before["– Khuyết tật nặng"][0] == 1 and before["– Nặng"][0] == 1


def test_report_form_10c_and_10d_exact_words_write_the_documents(engine, wards, capsys, tmp_path):
    """``ansinh report form --form 10c|10d --from MM/YYYY --to MM/YYYY [--ward CODE] --out FILE.xlsx``:
    the ward's form (issued by the ward's People's Committee) in 10a's layout, figures as above."""
    from openpyxl import load_workbook

    from tests.data_layer.cli.test_cli import run
    from tests.data_layer.documents import assert_official_look, by_label, header_row

    elders_and_disabled(engine, wards)
    url = engine.url.render_as_string(hide_password=False)
    out = tmp_path / "10c.xlsx"
    code, printed, _ = run(
        capsys,
        "report",
        "form",
        "--form",
        "10c",
        "--from",
        "07/2025",
        "--to",
        "09/2025",
        "--ward",
        "A",
        "--out",
        str(out),
        "--db",
        url,
    )
    assert code == 0 and "5 người cao tuổi" in printed
    ws = load_workbook(out)["Mẫu 10c"]
    assert_official_look(ws, ["ỦY BAN NHÂN DÂN", "PHƯỜNG A"])
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert "BÁO CÁO KẾT QUẢ THỰC HIỆN CHÍNH SÁCH ĐỐI VỚI NGƯỜI CAO TUỔI" in texts
    assert "(Mẫu số 10c, Nghị định số 20/2021/NĐ-CP)" in texts
    assert [c.value for c in ws[header_row(ws)]] == [
        "STT",
        "Chỉ tiêu",
        "Tổng số (người)",
        "Nam",
        "Nữ",
        "Kinh phí (triệu đồng)",
    ]
    assert by_label(ws)["Người cao tuổi hưởng trợ cấp xã hội hằng tháng"][2:] == [3, 1, 2, 6_750_000]
    out = tmp_path / "10d.xlsx"
    code, printed, _ = run(
        capsys,
        "report",
        "form",
        "--form",
        "10d",
        "--from",
        "07/2025",
        "--to",
        "09/2025",
        "--out",
        str(out),
        "--db",
        url,
    )
    assert code == 0 and "3 người khuyết tật" in printed
    ws = load_workbook(out)["Mẫu 10d"]
    assert by_label(ws)["Người khuyết tật hưởng trợ cấp xã hội hằng tháng"][2:] == [2, 1, 1, 6_000_000]
    code, _, err = run(
        capsys,
        "report",
        "form",
        "--form",
        "10d",
        "--from",
        "09/2025",
        "--to",
        "07/2025",
        "--out",
        str(out),
        "--db",
        url,
    )
    assert code == 1 and "--to phải từ tháng --from trở đi" in err


def test_the_half_yearly_forms_are_due_before_15_june_and_15_december():
    from data_layer.reports.forms_10cd import next_form_deadline

    assert next_form_deadline(date(2026, 1, 10)) == date(2026, 6, 15)
    assert next_form_deadline(date(2026, 6, 15)) == date(2026, 6, 15)  # the day itself is still in time
    assert next_form_deadline(date(2026, 6, 16)) == date(2026, 12, 15)
    assert next_form_deadline(date(2026, 12, 16)) == date(2027, 6, 15)


def test_a_person_who_moved_between_wards_counts_once_for_the_office(engine, wards):
    """Bà Sáu (F, 1950: 75; CCCD 020150000006), 5.5a in A from 01/2025 (1.5 × 500,000 = 750,000 đ), moved
    on 15/03/2025: A pays 01–03. B grants 5.6b from 04/2025 (elderly 2.0 → 1,000,000 đ), 04–06. 01–06
    paid and locked. The office's forms count one person, by B's group in 06/2025, with both wards'
    money: 10a "severe, 60 and over" 1 person, 3 × 750,000 + 3 × 1,000,000 = 5,250,000 đ; 10c one
    elderly person of 70–79 and one on the allowance; 10d one person with a severe disability, and one
    card (6 months × 105,300 đ = 631,800 đ). Each ward alone counts her once with its own money."""
    from data_layer.allowance.entitlement_status import stop
    from data_layer.core.codes import StopReason
    from data_layer.reports.forms_10cd import form_10c, form_10d

    cccd = "020150000006"
    in_a = person(engine, wards["A"], "Bà Sáu", year=1950, gender="F", national_id=cccd)
    first = entitle(engine, in_a, ("5.5a",), M(1, 2025))
    build_and_lock(engine, M(1, 2025), M(2, 2025), M(3, 2025))
    with write_session(engine) as session:
        stop(session, SYSTEM, first, on=date(2025, 3, 15), reason=StopReason.MOVED)
    in_b = person(engine, wards["B"], "Bà Sáu", year=1950, gender="F", national_id=cccd)
    entitle(engine, in_b, ("5.6b",), M(4, 2025))
    build_and_lock(engine, M(4, 2025), M(5, 2025), M(6, 2025))
    office = rows_of(engine, M(1, 2025), M(6, 2025))
    assert office["Trợ cấp xã hội hằng tháng"] == (1, 5_250_000)
    assert office["– Nặng"] == (1, 5_250_000) and office[ELDERLY_POOR] == (0, 0)
    assert rows_of(engine, M(1, 2025), M(6, 2025), wards["A"])[ELDERLY_POOR] == (1, 2_250_000)
    assert rows_of(engine, M(1, 2025), M(6, 2025), wards["B"])["– Nặng"] == (1, 3_000_000)
    with write_session(engine) as session:
        elderly = figures(form_10c(session, SYSTEM, M(1, 2025), M(6, 2025)))
        disabled = figures(form_10d(session, SYSTEM, M(1, 2025), M(6, 2025)))
    assert elderly["Người cao tuổi trong danh sách đối tượng"][0] == 1
    assert elderly["– Từ 70 đến dưới 80 tuổi"][0] == 1
    assert elderly["Người cao tuổi hưởng trợ cấp xã hội hằng tháng"] == (1, 0, 1, 5_250_000)
    assert disabled["Người khuyết tật trong danh sách đối tượng"][0] == 1
    assert disabled["Người khuyết tật được cấp thẻ bảo hiểm y tế (ngân sách đóng)"] == (1, 0, 1, 631_800)
