"""Reports computed from the data: summary, daily progress, exports; on SQLite and PostgreSQL."""

from __future__ import annotations

import io
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from sqlalchemy import insert, select

from data_layer.campaigns.lumps import add_lump
from data_layer.campaigns.rules import Rule
from data_layer.campaigns.setup import add_package, create_campaign
from data_layer.core.access import Scope
from data_layer.core.db import write_session
from data_layer.core.models import Allocation, Beneficiary, Package, utcnow
from data_layer.registry.queries import Filters
from data_layer.reports.daily import daily_progress, daily_xlsx
from data_layer.reports.exports import allocations_xlsx, beneficiaries_xlsx
from data_layer.reports.summary import campaign_summary, summary_xlsx, ward_summaries
from tests.conftest import source_id

SYSTEM = Scope.system()


def add_gifts(
    session, campaign_id, package_id, ward_id, amount, count, delivered_on=None, birth_year=1950, name="Người"
):
    people = (
        session.execute(
            insert(Beneficiary).returning(Beneficiary.id),
            [
                {
                    "ward_id": ward_id,
                    "name": f"{name} {i}",
                    "name_key": f"nguoi {i}",
                    "birth_year": birth_year,
                }
                for i in range(count)
            ],
        )
        .scalars()
        .all()
    )
    now = utcnow()
    session.execute(
        insert(Allocation),
        [
            {
                "campaign_id": campaign_id,
                "package_id": package_id,
                "beneficiary_id": pid,
                "ward_id": ward_id,
                "amount": amount,
                "status": "delivered" if delivered_on else "planned",
                "delivered_on": delivered_on,
                "version": 1,
                "created_at": now,
                "updated_at": now,
            }
            for pid in people
        ],
    )


@pytest.fixture
def season(engine, wards):
    """TW: 22 × 600.000 (A) + 10 × 300.000 (B); TINH: 5.502 × 500.000 (A, 2.000 delivered on 03/02);
    longevity: 3 people aged 80 × 900.000 (B); XHH lump: 3.072 suất = 1.485.600.000 (A)."""
    with write_session(engine) as session:
        cid = create_campaign(session, SYSTEM, name="Tết 2026", year=2026).id
        tw600 = add_package(
            session,
            SYSTEM,
            campaign_id=cid,
            source_id=source_id(session, "TW"),
            label="600k",
            amount=600_000,
            everyone=True,
        ).id
        tw300 = add_package(
            session,
            SYSTEM,
            campaign_id=cid,
            source_id=source_id(session, "TW"),
            label="300k",
            amount=300_000,
            everyone=True,
        ).id
        tinh = add_package(
            session,
            SYSTEM,
            campaign_id=cid,
            source_id=source_id(session, "TINH"),
            label="500k",
            amount=500_000,
            everyone=True,
        ).id
        tho = add_package(
            session,
            SYSTEM,
            campaign_id=cid,
            source_id=source_id(session, "HUYEN"),
            label="Thọ 80",
            amount=900_000,
            rule=Rule(ages=[80]),
        ).id
        add_gifts(session, cid, tw600, wards["A"], 600_000, 22, date(2026, 2, 2))
        add_gifts(session, cid, tw300, wards["B"], 300_000, 10)
        add_gifts(session, cid, tinh, wards["A"], 500_000, 2000, date(2026, 2, 3))
        add_gifts(session, cid, tinh, wards["A"], 500_000, 3502)
        add_gifts(session, cid, tho, wards["B"], 900_000, 3, birth_year=1946)
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
    assert sources["TINH"]["levels"] == [{"amount": 500_000, "count": 5502, "total": 2_751_000_000}]
    assert sources["TW"]["levels"] == [
        {"amount": 600_000, "count": 22, "total": 13_200_000},
        {"amount": 300_000, "count": 10, "total": 3_000_000},
    ]
    assert (sources["TW"]["count"], sources["TW"]["amount"]) == (32, 16_200_000)
    assert sources["XHH"]["levels"] == [] and sources["XHH"]["lumps"] == [
        {"count": 3072, "amount": 1_485_600_000, "note": "Hội Chữ thập đỏ"}
    ]
    assert (sources["XHH"]["count"], sources["XHH"]["amount"]) == (3072, 1_485_600_000)
    assert summary["total_count"] == 22 + 10 + 5502 + 3 + 3072
    assert summary["total_amount"] == 13_200_000 + 3_000_000 + 2_751_000_000 + 2_700_000 + 1_485_600_000
    assert summary["longevity"] == [{"age": 80, "amount": 900_000, "count": 3, "total": 2_700_000}]


def test_summary_is_scoped(engine, season, wards):
    staff_b = Scope(user_id=None, username="b", role="ward", ward_ids=frozenset({wards["B"]}))
    with write_session(engine) as session:
        summary = campaign_summary(session, staff_b, season)
        assert [s["source"] for s in summary["by_source"]] == ["HUYEN", "TW"]
        assert summary["total_amount"] == 3_000_000 + 2_700_000
        assert [name for name, _ in ward_summaries(session, staff_b, season)] == ["Phường B"]


def test_summary_xlsx_cell_by_cell(engine, season):
    with write_session(engine) as session:
        summary = campaign_summary(session, SYSTEM, season)
        data = summary_xlsx(summary, ward_summaries(session, SYSTEM, season), "UBND THÀNH PHỐ THỬ")
    workbook = load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == ["Tổng hợp", "Phường A", "Phường B"]
    ws = workbook["Tổng hợp"]
    assert ws["A1"].value == "UBND THÀNH PHỐ THỬ" and ws["A5"].value == "BÁO CÁO KẾT QUẢ TẶNG QUÀ"
    rows = {row[0].value: [c.value for c in row] for row in ws.iter_rows(min_row=9) if row[0].value}
    line = rows["   Mức 500.000 đ: 5.502 suất = 2.751.000.000 đ"]
    assert line[1:4] == [5502, 500_000, 2_751_000_000]
    assert rows["   Tuổi 80: 3 người x 900.000 đ = 2.700.000 đ"][1:4] == [3, 900_000, 2_700_000]
    total_label = next(label for label in rows if label.startswith("Tổng cộng"))
    assert rows[total_label][3] == summary["total_amount"]
    assert ws["D9"].number_format == "#,##0"
    assert int(ws.page_setup.paperSize) == 9 and ws.print_title_rows == "$8:$8"
    assert workbook["Phường B"]["D9"].value == 5_700_000


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
            package = add_package(
                session,
                SYSTEM,
                campaign_id=cid,
                source_id=source_id(session, code),
                label="x",
                amount=amount,
                everyone=True,
            )
            add_gifts(session, cid, package.id, wards["A"], amount, count)
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
        data = daily_xlsx(session, SYSTEM, season, date(2026, 2, 3), "UBND")
    assert (rows["Phường A"].planned, rows["Phường A"].delivered) == (5524, 22)
    assert rows["Tổng cộng"].delivered_amount == 13_200_000 and rows["Tổng cộng"].lump_count == 3072
    ws = load_workbook(io.BytesIO(data)).active
    table = {row[0].value: [c.value for c in row] for row in ws.iter_rows(min_row=6) if row[0].value}
    assert table["Phường A"][3:5] == [2022, 13_200_000 + 1_000_000_000]
    assert table["Tổng cộng"][1] == 5524 + 13


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
    assert tw["levels"][0] == {"amount": 600_000, "count": 22, "total": 13_200_000}
