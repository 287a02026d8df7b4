"""Daily progress report for a date, and registry/allocation exports (.xlsx)."""

from __future__ import annotations

from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Font
from sqlalchemy import case, func, select
from sqlmodel import Session

from data_layer.campaigns.delivery import STATUS_LABELS as ALLOCATION_STATUS
from data_layer.campaigns.delivery import allocation_rows
from data_layer.core.access import Scope
from data_layer.core.models import Allocation, Campaign, LumpGift, Ward
from data_layer.registry.editing import STATUS_LABELS, Filters, beneficiary_page
from data_layer.vn.formatting import format_date
from data_layer.vn.xlsx import MONEY_FORMAT, put, to_bytes, write_table


def daily_progress(session: Session, scope: Scope, campaign_id: int, on: date) -> list[dict]:
    """Per ward: planned, delivered up to ``on`` inclusive (count, money), %, lumps; then a total row."""
    delivered = (Allocation.status == "delivered") & (Allocation.delivered_on <= on)
    rows = session.execute(
        select(
            Ward.name,
            func.count(),
            func.sum(Allocation.amount),
            func.sum(case((delivered, 1), else_=0)),
            func.sum(case((delivered, Allocation.amount), else_=0)),
        )
        .join(Ward, Ward.id == Allocation.ward_id)
        .where(Allocation.campaign_id == campaign_id, scope.ward_clause(Allocation.ward_id))
        .group_by(Ward.name)
        .order_by(Ward.name)
    ).all()
    lumps = dict(
        (name, (int(c), int(a)))
        for name, c, a in session.execute(
            select(Ward.name, func.sum(LumpGift.count), func.sum(LumpGift.amount))
            .join(Ward, Ward.id == LumpGift.ward_id)
            .where(LumpGift.campaign_id == campaign_id, scope.ward_clause(LumpGift.ward_id))
            .group_by(Ward.name)
        )
    )
    report = []
    for name, planned, planned_amount, done, done_amount in rows:
        lump_count, lump_amount = lumps.get(name, (0, 0))
        report.append(
            {
                "ward": name,
                "planned": int(planned),
                "planned_amount": int(planned_amount or 0),
                "delivered": int(done or 0),
                "delivered_amount": int(done_amount or 0),
                "lump_count": lump_count,
                "lump_amount": lump_amount,
            }
        )
    total = {
        key: sum(r[key] for r in report)
        for key in ("planned", "planned_amount", "delivered", "delivered_amount", "lump_count", "lump_amount")
    }
    report.append({"ward": "Tổng cộng", **total})
    for row in report:
        row["percent"] = round(100 * row["delivered"] / row["planned"], 1) if row["planned"] else 0.0
    return report


def daily_xlsx(session: Session, scope: Scope, campaign_id: int, on: date, org_name: str) -> bytes:
    """The daily progress report as an A4 sheet."""
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise ValueError("Không tìm thấy đợt tặng quà.")
    rows = daily_progress(session, scope, campaign_id, on)
    workbook = Workbook()
    ws = workbook.active
    ws.title = "Tiến độ"
    put(ws, 1, 1, org_name).font = Font(bold=True)
    put(ws, 2, 1, f"BÁO CÁO TIẾN ĐỘ TẶNG QUÀ ĐẾN NGÀY {format_date(on)}").font = Font(bold=True, size=13)
    put(ws, 3, 1, campaign.name)
    write_table(
        ws,
        [
            "Phường/xã",
            "Kế hoạch (suất)",
            "Kế hoạch (đ)",
            "Đã phát (suất)",
            "Đã phát (đ)",
            "Tỷ lệ (%)",
            "Quà tập thể (suất)",
            "Quà tập thể (đ)",
        ],
        [
            (
                r["ward"],
                r["planned"],
                r["planned_amount"],
                r["delivered"],
                r["delivered_amount"],
                r["percent"],
                r["lump_count"],
                r["lump_amount"],
            )
            for r in rows
        ],
        start_row=5,
        widths=[26, 12, 16, 12, 16, 9, 12, 16],
    )
    for cells in ws.iter_rows(min_row=6, max_row=5 + len(rows)):
        for cell in cells[1:]:
            cell.number_format = "0.0" if cell.column == 6 else MONEY_FORMAT
    for cell in ws[5 + len(rows)]:
        cell.font = Font(bold=True)
    ws.print_title_rows = "5:5"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    return to_bytes(workbook)


def beneficiaries_xlsx(session: Session, scope: Scope, filters: Filters) -> bytes:
    """The registry of the scope with the page's filters."""
    rows, _ = beneficiary_page(session, scope, filters, page=0, page_size=1_000_000)
    workbook = Workbook()
    ws = workbook.active
    ws.title = "Đối tượng"
    write_table(
        ws,
        [
            "STT",
            "Phường/xã",
            "Họ và tên",
            "Ngày sinh",
            "Năm sinh",
            "Giới tính",
            "Số CCCD",
            "Thôn/tổ",
            "Đối tượng",
            "Tình trạng",
            "Số tài khoản",
            "Điện thoại",
            "Ghi chú",
        ],
        [
            (
                i,
                r["ward"],
                r["name"],
                format_date(r["birth_date"]),
                r["birth_year"],
                {"M": "Nam", "F": "Nữ"}.get(r["gender"] or "", ""),
                r["national_id"],
                r["hamlet"],
                r["categories"],
                STATUS_LABELS[r["status"]],
                r["bank_account"],
                r["phone"],
                r["note"],
            )
            for i, r in enumerate(rows, start=1)
        ],
        widths=[6, 10, 26, 12, 9, 8, 15, 18, 18, 14, 16, 12, 24],
    )
    ws.freeze_panes = "A2"
    return to_bytes(workbook)


def allocations_xlsx(session: Session, scope: Scope, campaign_id: int) -> bytes:
    """Every allocation of a campaign in the scope."""
    rows = allocation_rows(session, scope, campaign_id)
    workbook = Workbook()
    ws = workbook.active
    ws.title = "Suất quà"
    write_table(
        ws,
        [
            "STT",
            "Phường/xã",
            "Thôn/tổ",
            "Họ và tên",
            "Năm sinh",
            "Nguồn",
            "Mức quà",
            "Số tiền",
            "Tình trạng",
            "Ngày phát",
            "Người phát",
        ],
        [
            (
                i,
                r["ward"],
                r["hamlet"],
                r["name"],
                r["birth_year"],
                r["source"],
                r["package"],
                r["amount"],
                ALLOCATION_STATUS[r["status"]],
                format_date(r["delivered_on"]),
                r["delivered_by"],
            )
            for i, r in enumerate(rows, start=1)
        ],
        widths=[6, 20, 16, 26, 9, 8, 30, 14, 14, 12, 20],
    )
    for (cell,) in ws.iter_rows(min_row=2, min_col=8, max_col=8):
        cell.number_format = MONEY_FORMAT
    ws.freeze_panes = "A2"
    return to_bytes(workbook)
