"""Reports computed from the data: summary, daily progress, exports; on SQLite and PostgreSQL."""

from __future__ import annotations

import io
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from sqlalchemy import func, insert, select, update

from data_layer.campaigns.lumps import add_lump
from data_layer.campaigns.rules import Rule, milestone_of
from data_layer.campaigns.setup import add_package, create_campaign
from data_layer.cli import main
from data_layer.core.access import Scope
from data_layer.core.codes import FiguresBasis
from data_layer.core.db import bulk_insert, write_session
from data_layer.core.models import Allocation, Beneficiary, BeneficiaryCategory, Category, Package, utcnow
from data_layer.registry.fields import PERSON_FIELDS, shown
from data_layer.registry.queries import Filters, PersonRow, iter_people_columns, people_page
from data_layer.reports.daily import daily_progress, daily_xlsx
from data_layer.reports.exports import allocations_xlsx, beneficiaries_xlsx
from data_layer.reports.file_names import report_file_name
from data_layer.reports.summary import campaign_summary, summary_workbook, summary_xlsx, ward_summaries
from data_layer.vn.document import Office
from tests.conftest import source_id
from tests.data_layer.documents import assert_official_look, by_label, header_row, sheets, table

SYSTEM = Scope.system()


def add_gifts(
    session,
    campaign_id,
    package_id,
    ward_id,
    amount,
    count,
    delivered_on=None,
    birth_year=1950,
    name="Người",
    milestone=None,  # the longevity milestone the gifts are given for (as allocation records it)
):
    now = utcnow()
    before = session.execute(select(func.coalesce(func.max(Beneficiary.id), 0))).scalar_one()
    bulk_insert(  # as an import writes people (PostgreSQL then has statistics to plan the reports with)
        session,
        Beneficiary.__table__,
        [
            {
                "ward_id": ward_id,
                "name": f"{name} {i}",
                "name_key": f"nguoi {i}",
                "birth_year": birth_year,
                "status": "active",
                "version": 1,
                "created_at": now,
                "updated_at": now,
            }
            for i in range(count)
        ],
    )
    people = session.execute(select(Beneficiary.id).where(Beneficiary.id > before)).scalars().all()
    bulk_insert(  # as the app writes many gifts: one statement, the triggers' work grouped
        session,
        Allocation.__table__,
        [
            {
                "campaign_id": campaign_id,
                "package_id": package_id,
                "beneficiary_id": pid,
                "ward_id": ward_id,
                "amount": amount,
                "milestone": milestone,
                "status": "delivered" if delivered_on else "planned",
                "delivered_on": delivered_on,
                "version": 1,
                "created_at": now,
                "updated_at": now,
            }
            for pid in people
        ],
    )


def package(session, campaign_id: int, source: str, label: str, amount: int, **rule) -> int:
    """A package of ``source`` (its code) for everyone, or for ``rule`` (``everyone`` when none)."""
    rule = {"rule": Rule(**rule)} if rule else {"everyone": True}
    found = add_package(
        session,
        SYSTEM,
        campaign_id=campaign_id,
        source_id=source_id(session, source),
        label=label,
        amount=amount,
        **rule,
    )
    return found.id


@pytest.fixture
def season(engine, wards):
    """TW: 22 × 600.000 (A) + 10 × 300.000 (B); TINH: 5.502 × 500.000 (A, 2.000 delivered on 03/02);
    longevity: 3 people aged 80 × 900.000 (B); XHH lump: 3.072 suất = 1.485.600.000 (A)."""
    with write_session(engine) as session:
        cid = create_campaign(session, SYSTEM, name="Tết 2026", year=2026).id
        tw600 = package(session, cid, "TW", "600k", 600_000)
        tw300 = package(session, cid, "TW", "300k", 300_000)
        tinh = package(session, cid, "TINH", "500k", 500_000)
        tho = package(session, cid, "HUYEN", "Thọ 80", 900_000, ages=[80])
        add_gifts(session, cid, tw600, wards["A"], 600_000, 22, date(2026, 2, 2))
        add_gifts(session, cid, tw300, wards["B"], 300_000, 10)
        add_gifts(session, cid, tinh, wards["A"], 500_000, 2000, date(2026, 2, 3))
        add_gifts(session, cid, tinh, wards["A"], 500_000, 3502)
        add_gifts(session, cid, tho, wards["B"], 900_000, 3, birth_year=1946, milestone=80)
        add_lump(
            session,
            SYSTEM,
            campaign_id=cid,
            ward_id=wards["A"],
            source_id=source_id(session, "XHH"),
            count=3072,
            amount=1_485_600_000,
            note="Hội Chữ thập đỏ",
        )
    return cid


def test_summary_figures(engine, season):
    with write_session(engine) as session:
        summary = campaign_summary(session, SYSTEM, season)
    sources = {s["source"]: s for s in summary["by_source"]}
    assert sources["TINH"]["levels"] == [
        {
            "amount": 500_000,
            "count": 5502,
            "total": 2_751_000_000,
            "delivered": 2000,
            "delivered_total": 1_000_000_000,
        }
    ]
    assert sources["TW"]["levels"] == [
        {"amount": 600_000, "count": 22, "total": 13_200_000, "delivered": 22, "delivered_total": 13_200_000},
        {"amount": 300_000, "count": 10, "total": 3_000_000, "delivered": 0, "delivered_total": 0},
    ]
    assert (sources["TW"]["delivered_count"], sources["TW"]["delivered_amount"]) == (22, 13_200_000)
    assert (sources["TW"]["count"], sources["TW"]["amount"]) == (32, 16_200_000)
    assert sources["XHH"]["levels"] == [] and sources["XHH"]["lumps"] == [
        {"count": 3072, "amount": 1_485_600_000, "note": "Hội Chữ thập đỏ"}
    ]
    assert (sources["XHH"]["count"], sources["XHH"]["amount"]) == (3072, 1_485_600_000)
    assert (sources["XHH"]["delivered_count"], sources["XHH"]["delivered_amount"]) == (3072, 1_485_600_000)
    assert summary["total_count"] == 22 + 10 + 5502 + 3 + 3072
    assert summary["total_amount"] == 13_200_000 + 3_000_000 + 2_751_000_000 + 2_700_000 + 1_485_600_000
    assert summary["delivered_count"] == 22 + 2000 + 3072  # a result report counts what was handed over
    assert summary["delivered_amount"] == 13_200_000 + 1_000_000_000 + 1_485_600_000
    assert summary["longevity"] == [
        {
            "milestone": 80,
            "label": "Tuổi 80",
            "amount": 900_000,
            "count": 3,
            "total": 2_700_000,
            "delivered": 0,
            "delivered_total": 0,
        }
    ]


def test_longevity_is_grouped_by_milestone_age(engine, wards):
    """Ages 70, 75 … 95 and "100 trở lên" (age = campaign year − birth year, fixed when the gift is
    given), each amount on its line."""
    with write_session(engine) as session:
        cid = create_campaign(session, SYSTEM, name="Mừng thọ 2026", year=2026).id
        tho = package(session, cid, "TINH", "Thọ", 700_000, ages=[70, 75, 80, 85, 90, 95], age_min=100)
        for birth_year, amount, count in [
            (1956, 700_000, 2),  # 70
            (1954, 700_000, 1),  # 72: counted with 70
            (1951, 700_000, 1),  # 75
            (1926, 1_700_000, 2),  # 100
            (1921, 1_700_000, 1),  # 105: 100 and over
            (1926, 2_000_000, 1),  # 100, another amount
            (1960, 700_000, 1),  # 66: no milestone
        ]:
            add_gifts(
                session,
                cid,
                tho,
                wards["A"],
                amount,
                count,
                birth_year=birth_year,
                name=f"Cụ {birth_year}",
                milestone=milestone_of(2026, birth_year),  # as allocation records it
            )
        longevity = campaign_summary(session, SYSTEM, cid)["longevity"]
    assert [(x["label"], x["amount"], x["count"], x["total"]) for x in longevity] == [
        ("Tuổi 70", 700_000, 3, 2_100_000),
        ("Tuổi 75", 700_000, 1, 700_000),
        ("Tuổi 100 trở lên", 2_000_000, 1, 2_000_000),
        ("Tuổi 100 trở lên", 1_700_000, 3, 5_100_000),
        ("Dưới 70 tuổi hoặc chưa rõ năm sinh", 700_000, 1, 700_000),
    ]


def test_summary_is_scoped(engine, season, wards):
    staff_b = Scope(user_id=None, username="b", role="ward", ward_ids=frozenset({wards["B"]}))
    with write_session(engine) as session:
        summary = campaign_summary(session, staff_b, season)
        assert [s["source"] for s in summary["by_source"]] == ["HUYEN", "TW"]
        assert summary["total_amount"] == 3_000_000 + 2_700_000
        assert [name for name, _ in ward_summaries(session, staff_b, season)] == ["Phường B"]


def test_summary_xlsx_cell_by_cell(engine, season):
    with write_session(engine) as session:
        data = summary_workbook(
            session, SYSTEM, season, Office("UBND THÀNH PHỐ THỬ", "Lạng Sơn", date(2026, 2, 5))
        )
        summary = campaign_summary(session, SYSTEM, season)
        same = summary_xlsx(summary, ward_summaries(session, SYSTEM, season), Office("UBND THÀNH PHỐ THỬ"))
    workbook = sheets(data)
    assert list(workbook) == ["Tổng hợp", "Phường A", "Phường B"]
    ws = workbook["Tổng hợp"]
    assert_official_look(ws, ["UBND THÀNH PHỐ THỬ"])
    assert ws["A5"].value == "BÁO CÁO KẾT QUẢ TẶNG QUÀ" and ws["A6"].value == "Tết 2026"
    assert ws["C3"].value == "Lạng Sơn, ngày 05 tháng 02 năm 2026" and ws["A3"].value == "Số: ……/BC-……"
    assert ws["A8"].value.startswith("Kết quả là số suất đã trao tận tay người nhận")
    assert [c.value for c in ws[header_row(ws)]] == [
        "STT", "Nội dung", "Mức quà (đ)", "Kế hoạch (suất)", "Đã trao (suất)", "Còn lại (suất)",
        "Thành tiền đã trao (đ)",
    ]  # fmt: skip
    rows = by_label(ws)  # planned, delivered, remaining, money delivered
    assert rows["Mức 500.000 đ"][2:7] == [500_000, 5502, 2000, 3502, 1_000_000_000]
    assert rows["Tuổi 80"][2:7] == [900_000, 3, 0, 3, 0]
    assert rows["Quà tập thể: Hội Chữ thập đỏ"][2:7] == [None, 3072, 3072, 0, 1_485_600_000]
    total = summary["total_count"], summary["delivered_count"], summary["delivered_amount"]
    assert rows["TỔNG CỘNG"][3:7] == [total[0], total[1], total[0] - total[1], total[2]]
    assert [r[0] for r in table(ws) if r[0] and not isinstance(r[0], int)] == ["I", "II", "III", "IV"]
    total_row = header_row(ws) + 1
    assert {ws.cell(row=total_row, column=c).number_format for c in (4, 5, 6, 7)} == {"#,##0"}
    ward_b = workbook["Phường B"]
    assert_official_look(ward_b, ["ỦY BAN NHÂN DÂN", "PHƯỜNG B"])  # the ward's own sheet
    assert by_label(ward_b)["TỔNG CỘNG"][3:7] == [13, 0, 13, 0]
    signed = [c.value for row in ward_b.iter_rows() for c in row]
    assert "TM. ỦY BAN NHÂN DÂN" in signed and "CHỦ TỊCH" in signed
    # one query pass for the whole workbook gives what the separate summaries give
    assert [table(w) for w in sheets(same).values()] == [table(w) for w in workbook.values()]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    levels=st.lists(
        st.tuples(st.sampled_from(["TW", "TINH", "XA"]), st.integers(1, 20), st.integers(1, 3_000_000)),
        min_size=1,
        max_size=6,
    ),
    lump=st.integers(0, 10**9),
)
def test_grand_total_is_the_sum_of_the_parts(engine, wards, levels, lump):
    with write_session(engine) as session:
        cid = create_campaign(session, SYSTEM, name=f"Ngẫu nhiên {len(levels)} {lump}", year=2026).id
        for code, count, amount in levels:
            add_gifts(session, cid, package(session, cid, code, "x", amount), wards["A"], amount, count)
        if lump:
            xhh = source_id(session, "XHH")
            add_lump(
                session, SYSTEM, campaign_id=cid, ward_id=wards["B"], source_id=xhh, count=1, amount=lump
            )
        summary = campaign_summary(session, SYSTEM, cid)
        session.rollback()
    assert summary["total_amount"] == sum(s["amount"] for s in summary["by_source"])
    assert summary["total_amount"] == sum(c * a for _, c, a in levels) + lump
    for source in summary["by_source"]:
        assert source["amount"] == sum(x["total"] for x in source["levels"]) + sum(
            x["amount"] for x in source["lumps"]
        )


def test_daily_progress_and_xlsx(engine, season):
    with write_session(engine) as session:
        rows = {r.label: r for r in daily_progress(session, SYSTEM, season, date(2026, 2, 2))}
        data = daily_xlsx(session, SYSTEM, season, date(2026, 2, 3), Office("UBND", day=date(2026, 2, 4)))
    assert (rows["Phường A"].planned, rows["Phường A"].delivered) == (5524, 22)
    assert rows["Tổng cộng"].delivered_amount == 13_200_000 and rows["Tổng cộng"].lump_count == 3072
    ws = sheets(data)["Tiến độ"]
    assert_official_look(ws, ["UBND"], landscape=True)
    assert ws["A5"].value == "BÁO CÁO TIẾN ĐỘ TẶNG QUÀ ĐẾN NGÀY 03/02/2026"
    lines = by_label(ws)
    assert lines["Phường A"][4:6] == [2022, 13_200_000 + 1_000_000_000]
    assert lines["Tổng cộng"][2] == 5524 + 13 and ws.cell(row=header_row(ws) + 3, column=2).font.b
    assert ws.cell(row=header_row(ws) + 1, column=7).number_format == "0.0"


def test_daily_progress_of_a_commune_office_goes_by_hamlet(engine, wards, season):
    """Ward A's office: the 22 TW gifts are Tổ 1's, the 2.000 delivered TINH gifts Tổ 2's, the rest have no
    hamlet; the lumps (of no hamlet) get their own line; the total is the ward's line of the city."""
    with write_session(engine) as session:
        for package_amount, on, hamlet in (
            (600_000, date(2026, 2, 2), "Tổ 1"),
            (500_000, date(2026, 2, 3), "Tổ 2"),
        ):
            people = select(Allocation.beneficiary_id).where(
                Allocation.amount == package_amount, Allocation.delivered_on == on
            )
            session.execute(update(Beneficiary).where(Beneficiary.id.in_(people)).values(hamlet=hamlet))
    office = Scope(user_id=None, username="a", role="ward", ward_ids=frozenset({wards["A"]}))
    on = date(2026, 2, 3)
    with write_session(engine) as session:
        lines = daily_progress(session, office, season, on)
        city = {r.label: r for r in daily_progress(session, SYSTEM, season, on)}
        data = daily_xlsx(session, office, season, on, Office("UBND", day=on))
        signed = daily_progress(session, office, season, on, basis=FiguresBasis.REPORTED)
    assert [(r.label, r.planned, r.delivered, r.lump_count) for r in lines] == [
        ("Tổ 1", 22, 22, 0),
        ("Tổ 2", 2000, 2000, 0),
        ("Không ghi thôn/tổ", 3502, 0, 0),
        ("Quà tập thể (cả phường/xã)", 0, 0, 3072),
        ("Tổng cộng", 5524, 2022, 3072),
    ]
    ward = city["Phường A"]
    assert (ward.planned, ward.planned_amount, ward.delivered_amount) == (
        lines[-1].planned,
        lines[-1].planned_amount,
        lines[-1].delivered_amount,
    )
    ws = sheets(data)["Tiến độ"]
    assert ws.cell(row=header_row(ws), column=2).value == "Thôn/tổ dân phố"
    assert by_label(ws)["Tổ 2"][4:6] == [2000, 1_000_000_000]
    assert [r.shown_label for r in signed] == [
        "Phường A (chưa báo cáo)",
        "Tổng cộng",
    ]  # sign-offs: the ward's


def test_summary_workbook_of_a_commune_office_has_a_sheet_per_hamlet(engine, wards, season):
    """Ward B's office: the 10 TW gifts are Thôn 1's (two spellings), the 3 longevity gifts have no
    hamlet; each hamlet's sheet adds up to its gifts, the ward's sheet keeps the whole ward."""
    with write_session(engine) as session:
        tw = select(Allocation.beneficiary_id).where(
            Allocation.ward_id == wards["B"], Allocation.amount == 300_000
        )
        people = list(session.execute(tw).scalars())
        session.execute(update(Beneficiary).where(Beneficiary.id.in_(people[:4])).values(hamlet="thôn  1"))
        session.execute(update(Beneficiary).where(Beneficiary.id.in_(people[4:])).values(hamlet="Thôn 1"))
    office = Scope(user_id=None, username="b", role="ward", ward_ids=frozenset({wards["B"]}))
    with write_session(engine) as session:
        data = summary_workbook(session, office, season, Office("UBND", day=date(2026, 2, 4)))
    books = sheets(data)
    assert list(books) == ["Tổng hợp", "Phường B", "Thôn 1", "Không ghi thôn tổ"]  # no '/' in a sheet name
    thon = by_label(books["Thôn 1"])
    assert thon["TỔNG CỘNG"][3:7] == [10, 0, 10, 0]
    assert by_label(books["Không ghi thôn tổ"])["Tuổi 80"][2:4] == [900_000, 3]
    assert "Không ghi thôn/tổ, Phường B" in [c.value for c in books["Không ghi thôn tổ"]["A"]]
    assert by_label(books["Phường B"])["TỔNG CỘNG"][3] == 13


def test_exports_neutralise_formulas(engine, wards, season):
    with write_session(engine) as session:
        session.execute(
            insert(Beneficiary),
            [
                {
                    "ward_id": wards["B"],
                    "name": '=HYPERLINK("http://x","Bấm")',
                    "name_key": "=hyperlink",
                    "note": "+1",
                    "hamlet": "-Khối",
                    "birth_year": 1950,
                }
            ],
        )
        registry = beneficiaries_xlsx(session, SYSTEM, Filters(ward_id=wards["B"]))
        gifts = allocations_xlsx(session, SYSTEM, season)
    ws = load_workbook(io.BytesIO(registry)).active
    cells = [
        c
        for row in ws.iter_rows(min_row=2)
        for c in row
        if isinstance(c.value, str) and c.value[:1] in "=+-@"
    ]
    assert {c.value for c in cells} >= {'=HYPERLINK("http://x","Bấm")', "+1", "-Khối"}
    assert all(c.data_type == "s" for c in cells)
    assert load_workbook(io.BytesIO(gifts)).active.max_row == 1 + 22 + 10 + 5502 + 3


def test_package_amount_changes_do_not_rewrite_history(engine, season):
    with write_session(engine) as session:
        package = session.execute(select(Package).where(Package.label == "600k")).scalar_one()
        package.amount = 700_000
        session.add(package)
    with write_session(engine) as session:
        tw = next(s for s in campaign_summary(session, SYSTEM, season)["by_source"] if s["source"] == "TW")
    assert tw["levels"][0] == {
        "amount": 600_000,
        "count": 22,
        "total": 13_200_000,
        "delivered": 22,
        "delivered_total": 13_200_000,
    }


@pytest.fixture
def registry(engine, wards):
    """Nine people of every kind of field: dates, gender, ID, hamlet, groups, status, bank, phone, note."""
    with write_session(engine) as session:
        categories = session.execute(select(Category.id).order_by(Category.id).limit(3)).scalars().all()
        for i in range(9):
            person = Beneficiary(
                ward_id=wards["A" if i % 3 else "B"],
                name=f"Nguyễn Văn {'ABCDEFGHI'[i]}",
                name_key=f"nguyen van {'abcdefghi'[i]}",
                birth_date=date(1940 + i, 1 + i, 1 + i) if i % 2 else None,
                birth_year=1940 + i,
                gender=("M", "F", None)[i % 3],
                national_id=f"02005500{i:04d}" if i % 4 else None,
                hamlet=f"Khối {i % 2}",
                status="died" if i == 4 else "active",
                status_date=date(2026, 1, 3) if i == 4 else None,
                bank_account="0123" if i == 5 else None,
                note="=1+1" if i == 6 else None,
            )
            session.add(person)
            session.flush()
            for category in categories[: i % 3 + 1]:
                session.add(BeneficiaryCategory(beneficiary_id=person.id, category_id=category))


def _reference_registry(session, scope: Scope, filters: Filters) -> list[list]:
    """The registry export as the former code built it: every person at once, the page's columns."""
    names = dict(session.execute(select(Category.id, Category.name)).all())
    people = people_page(session, scope, filters, page=0, page_size=10_000_000)
    return [[i, *(shown(p, f.key, names) for f in PERSON_FIELDS)] for i, p in enumerate(people, start=1)]


def test_registry_export_holds_what_the_former_export_held(engine, registry, wards):
    with write_session(engine) as session:
        data = beneficiaries_xlsx(session, SYSTEM, Filters())
        reference = _reference_registry(session, SYSTEM, Filters())
        ward_b = beneficiaries_xlsx(session, SYSTEM, Filters(ward_id=wards["B"]))
    ws = sheets(data)["Đối tượng"]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    assert rows[0] == ["STT", *(f.label for f in PERSON_FIELDS)]
    assert [[v if v != "" else None for v in row] for row in reference] == rows[1:] and len(rows) == 10
    assert ws.freeze_panes == "A2" and ws.print_title_rows == "$1:$1" and ws["A1"].font.b
    assert {c.number_format for row in ws.iter_rows(min_row=2) for c in row} == {"General"}
    assert ws.cell(row=2, column=2).border.left.style == "thin" and ws["B2"].font.name == "Times New Roman"
    assert {r[1] for r in table(sheets(ward_b)["Đối tượng"])} == {"Phường B"}


def test_the_registry_is_read_in_chunks_in_the_page_order(engine, registry, wards):
    staff_a = Scope(user_id=None, username="a", role="ward", ward_ids=frozenset({wards["A"]}))
    with write_session(engine) as session:
        chunks = list(iter_people_columns(session, staff_a, Filters(), chunk=4))
        page = people_page(session, staff_a, Filters(), page_size=100)
    assert [len(c["id"]) for c in chunks] == [4, 2] and {p.ward_id for p in page} == {wards["A"]}
    rows = [dict(zip(c, values, strict=True)) for c in chunks for values in zip(*c.values(), strict=True)]
    assert [PersonRow(**row) for row in rows] == page


def test_gift_export_money_and_labels(engine, season):
    with write_session(engine) as session:
        ws = sheets(allocations_xlsx(session, SYSTEM, season))["Suất quà"]
    first = [c for c in ws[2]]
    assert first[7].number_format == "#,##0" and isinstance(first[7].value, int)
    assert {row[8] for row in table(ws)} == {"Đã phát", "Chưa phát"}


def test_cli_exports_the_registry(demo_db, tmp_path, capsys):
    out = tmp_path / "doi_tuong.xlsx"
    assert main(["export", "beneficiaries", "--out", str(out)]) == 0
    ws = sheets(out.read_bytes())["Đối tượng"]
    assert [c.value for c in ws[1]] == ["STT", *(f.label for f in PERSON_FIELDS)]
    everyone = table(ws)
    assert len(everyone) == 6 * 150 and len({r[1] for r in everyone}) == 6
    one = tmp_path / "dk.xlsx"
    assert main(["export", "beneficiaries", "--out", str(one), "--ward", "DK"]) == 0
    ward = table(sheets(one.read_bytes())["Đối tượng"])
    assert {r[1] for r in ward} == {"Phường Đông Kinh"} and 0 < len(ward) < len(everyone)
    capsys.readouterr()
    missing = tmp_path / "khong.xlsx"
    assert main(["export", "beneficiaries", "--out", str(missing), "--ward", "XX"]) == 1
    assert "Không tìm thấy phường/xã có mã 'XX'" in capsys.readouterr().err and not missing.exists()


def test_cli_daily_report_names_its_file(demo_db, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    campaign = "Tết Nguyên đán Bính Ngọ 2026"
    assert main(["report", "daily", "--campaign", campaign, "--date", "05/02/2026"]) == 0
    name = "tien_do_tet_nguyen_dan_binh_ngo_2026_2026-02-05.xlsx"
    assert (tmp_path / name).exists() and name in capsys.readouterr().out


def test_file_names_are_ascii_with_campaign_ward_and_date():
    day = date(2026, 11, 26)
    assert (
        report_file_name("bao_cao_ket_qua", "Tết Nguyên đán Bính Ngọ 2026", day)
        == "bao_cao_ket_qua_tet_nguyen_dan_binh_ngo_2026_2026-11-26.xlsx"
    )
    assert report_file_name("ky_nhan", "Tết 2026", day, ward="DK Khối Đồng") == (
        "ky_nhan_tet_2026_dk_khoi_dong_2026-11-26.xlsx"
    )
    assert report_file_name("doi_tuong", None, day) == "doi_tuong_2026-11-26.xlsx"
