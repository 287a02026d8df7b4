"""Campaign summary (Báo cáo kết quả tặng quà): every figure computed by GROUP BY, never typed.

``campaign_summary`` returns the JSON of ``ansinh report summary --json``; ``summary_xlsx`` lays
the same figures out as the printed report (A4, VND thousands separators, a sheet per ward).
"""

from __future__ import annotations

from collections import defaultdict

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import func, select
from sqlmodel import Session

from data_layer.campaigns.rules import Rule
from data_layer.campaigns.setup import campaign_or_missing
from data_layer.core.access import Scope
from data_layer.core.models import Allocation, Beneficiary, Campaign, FundingSource, LumpGift, Package, Ward
from data_layer.vn.formatting import format_count, format_money
from data_layer.vn.xlsx import MONEY_FORMAT, put, to_bytes


def _levels(session: Session, scope: Scope, campaign_id: int, ward_id: int | None) -> dict:
    conditions = [Allocation.campaign_id == campaign_id, scope.ward_clause(Allocation.ward_id)]
    if ward_id is not None:
        conditions.append(Allocation.ward_id == ward_id)
    levels: dict[str, list[dict]] = defaultdict(list)
    for code, amount, count in session.execute(
        select(FundingSource.code, Allocation.amount, func.count())
        .join(Package, Package.id == Allocation.package_id)
        .join(FundingSource, FundingSource.id == Package.source_id)
        .where(*conditions)
        .group_by(FundingSource.code, Allocation.amount)
        .order_by(FundingSource.code, Allocation.amount.desc())
    ):
        levels[code].append({"amount": int(amount), "count": int(count), "total": int(amount) * int(count)})
    return levels


def _lumps(session: Session, scope: Scope, campaign_id: int, ward_id: int | None) -> dict:
    conditions = [LumpGift.campaign_id == campaign_id, scope.ward_clause(LumpGift.ward_id)]
    if ward_id is not None:
        conditions.append(LumpGift.ward_id == ward_id)
    lumps: dict[str, list[dict]] = defaultdict(list)
    for code, count, amount, note in session.execute(
        select(FundingSource.code, LumpGift.count, LumpGift.amount, LumpGift.note)
        .join(FundingSource, FundingSource.id == LumpGift.source_id)
        .where(*conditions)
        .order_by(FundingSource.code, LumpGift.id)
    ):
        lumps[code].append({"count": int(count), "amount": int(amount), "note": note})
    return lumps


def _longevity(session: Session, scope: Scope, campaign: Campaign, ward_id: int | None) -> list[dict]:
    """Longevity gifts by age (campaign year − birth year) and amount."""
    packages = [
        pid
        for pid, rule in session.execute(
            select(Package.id, Package.rule).where(Package.campaign_id == campaign.id)
        )
        if Rule.from_json(rule).is_longevity
    ]
    if not packages:
        return []
    conditions = [Allocation.package_id.in_(packages), scope.ward_clause(Allocation.ward_id)]
    if ward_id is not None:
        conditions.append(Allocation.ward_id == ward_id)
    age = (campaign.year - Beneficiary.birth_year).label("age")
    rows = session.execute(
        select(age, Allocation.amount, func.count())
        .join(Beneficiary, Beneficiary.id == Allocation.beneficiary_id)
        .where(*conditions)
        .group_by(age, Allocation.amount)
        .order_by(age)
    )
    return [{"age": int(a), "amount": int(m), "count": int(c), "total": int(m) * int(c)} for a, m, c in rows]


def campaign_summary(session: Session, scope: Scope, campaign_id: int, *, ward_id: int | None = None) -> dict:
    """Totals of a campaign for the scope (optionally one ward): per source, per amount level, lumps."""
    campaign = campaign_or_missing(session, campaign_id)
    levels = _levels(session, scope, campaign_id, ward_id)
    lumps = _lumps(session, scope, campaign_id, ward_id)
    names = dict(session.execute(select(FundingSource.code, FundingSource.name)).all())
    by_source = []
    for code in sorted(set(levels) | set(lumps)):
        count = sum(level["count"] for level in levels[code]) + sum(lump["count"] for lump in lumps[code])
        amount = sum(level["total"] for level in levels[code]) + sum(lump["amount"] for lump in lumps[code])
        by_source.append(
            {
                "source": code,
                "name": names[code],
                "count": count,
                "amount": amount,
                "levels": levels[code],
                "lumps": lumps[code],
            }
        )
    return {
        "campaign": campaign.name,
        "total_count": sum(s["count"] for s in by_source),
        "total_amount": sum(s["amount"] for s in by_source),
        "by_source": by_source,
        "longevity": _longevity(session, scope, campaign, ward_id),
    }


def ward_summaries(session: Session, scope: Scope, campaign_id: int) -> list[tuple[str, dict]]:
    """The summary of each ward of the scope that has gifts in the campaign."""
    ward_ids = set(
        session.execute(
            select(Allocation.ward_id)
            .where(Allocation.campaign_id == campaign_id, scope.ward_clause(Allocation.ward_id))
            .distinct()
        ).scalars()
    )
    ward_ids |= set(
        session.execute(
            select(LumpGift.ward_id)
            .where(LumpGift.campaign_id == campaign_id, scope.ward_clause(LumpGift.ward_id))
            .distinct()
        ).scalars()
    )
    wards = session.execute(select(Ward.id, Ward.name).where(Ward.id.in_(ward_ids)).order_by(Ward.name)).all()
    return [(name, campaign_summary(session, scope, campaign_id, ward_id=wid)) for wid, name in wards]


# --- Excel ---------------------------------------------------------------------------------------


def _line(
    ws: Worksheet,
    row: int,
    label: str,
    count: int | None = None,
    amount: int | None = None,
    total: int | None = None,
    bold: bool = False,
) -> int:
    """One report line: label, count, amount per gift, total (numbers as numbers, formatted)."""
    put(ws, row, 1, label).font = Font(bold=bold)
    for column, value in ((2, count), (3, amount), (4, total)):
        if value is not None:
            cell = put(ws, row, column, value)
            cell.number_format = MONEY_FORMAT
            cell.font = Font(bold=bold)
    return row + 1


def _write_figures(ws: Worksheet, row: int, summary: dict) -> int:
    """Each source with its amount levels and lumps, then longevity by age; returns the next row."""
    for number, source in enumerate(summary["by_source"], start=1):
        row = _line(
            ws,
            row + 1,
            f"{number}. {source['name']}",
            source["count"],
            None,
            source["amount"],
            bold=True,
        )
        for level in source["levels"]:
            row = _line(
                ws,
                row,
                f"   Mức {format_money(level['amount'])}: {format_count(level['count'])} suất = "
                f"{format_money(level['total'])}",
                level["count"],
                level["amount"],
                level["total"],
            )
        for lump in source["lumps"]:
            row = _line(ws, row, f"   Quà tập thể: {lump['note'] or ''}", lump["count"], None, lump["amount"])
    if summary["longevity"]:
        row = _line(ws, row + 1, "Mừng thọ theo độ tuổi", bold=True)
        for entry in summary["longevity"]:
            row = _line(
                ws,
                row,
                f"   Tuổi {entry['age']}: {format_count(entry['count'])} người x "
                f"{format_money(entry['amount'])} = {format_money(entry['total'])}",
                entry["count"],
                entry["amount"],
                entry["total"],
            )
    return row


def _write_summary(ws: Worksheet, summary: dict, org_name: str, title: str) -> None:
    put(ws, 1, 1, org_name).font = Font(bold=True)
    put(ws, 2, 1, "Số: ……/BC-……")
    put(ws, 1, 3, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM").font = Font(bold=True)
    put(ws, 2, 3, "Độc lập - Tự do - Hạnh phúc").font = Font(bold=True)
    put(ws, 3, 3, "……, ngày …… tháng …… năm ……").font = Font(italic=True)
    put(ws, 5, 1, "BÁO CÁO KẾT QUẢ TẶNG QUÀ").font = Font(bold=True, size=14)
    put(ws, 6, 1, title).font = Font(bold=True)
    for r in (5, 6):
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=4)
        ws.cell(row=r, column=1).alignment = Alignment(horizontal="center")
    header = 8
    for column, text in enumerate(["Nội dung", "Số suất", "Mức (đ)", "Thành tiền (đ)"], start=1):
        put(ws, header, column, text).font = Font(bold=True)
    row = _line(
        ws,
        header + 1,
        f"Tổng cộng: {format_count(summary['total_count'])} suất = {format_money(summary['total_amount'])}",
        summary["total_count"],
        None,
        summary["total_amount"],
        bold=True,
    )
    row = _write_figures(ws, row, summary)
    put(ws, row + 1, 1, "Nơi nhận:").font = Font(bold=True, italic=True)
    put(ws, row + 2, 1, "- Như trên;")
    put(ws, row + 3, 1, "- Lưu: VT.")
    put(ws, row + 1, 3, "NGƯỜI LẬP BÁO CÁO").font = Font(bold=True)
    put(ws, row + 1, 4, "THỦ TRƯỞNG ĐƠN VỊ").font = Font(bold=True)
    for column, width in zip("ABCD", (62, 12, 14, 18), strict=True):
        ws.column_dimensions[column].width = width
    ws.print_title_rows = f"{header}:{header}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_PORTRAIT
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def summary_xlsx(summary: dict, wards: list[tuple[str, dict]], org_name: str) -> bytes:
    """The summary report workbook: "Tổng hợp" then one sheet per ward."""
    workbook = Workbook()
    _write_summary(workbook.active, summary, org_name, summary["campaign"])
    workbook.active.title = "Tổng hợp"
    for name, ward_summary in wards:
        sheet = workbook.create_sheet(name[:31])
        _write_summary(sheet, ward_summary, org_name, f"{summary['campaign']} – {name}")
    return to_bytes(workbook)
