"""Registry and gift-list exports (.xlsx) in the columns users see on the pages."""

from __future__ import annotations

from openpyxl import Workbook
from sqlalchemy import select
from sqlmodel import Session

from data_layer.campaigns.delivery import allocation_rows
from data_layer.core.access import Scope
from data_layer.core.codes import AllocationStatus
from data_layer.core.models import Category
from data_layer.registry.fields import PERSON_FIELDS, shown
from data_layer.registry.queries import Filters, people_page
from data_layer.vn import labels
from data_layer.vn.formatting import format_date
from data_layer.vn.xlsx import MONEY_FORMAT, to_bytes, write_table

PERSON_WIDTHS = {"name": 26, "national_id": 15, "hamlet": 18, "categories": 30, "note": 24, "ward": 20}


def beneficiaries_xlsx(session: Session, scope: Scope, filters: Filters) -> bytes:
    """The registry of the scope with the page's filters, in the Đối tượng page's columns."""
    rows = people_page(session, scope, filters, page=0, page_size=10_000_000)
    names = dict(session.execute(select(Category.id, Category.name)).all())
    workbook = Workbook()
    ws = workbook.active
    ws.title = "Đối tượng"
    write_table(
        ws,
        ["STT", *(f.label for f in PERSON_FIELDS)],
        ([i, *(shown(r, f.key, names) for f in PERSON_FIELDS)] for i, r in enumerate(rows, start=1)),
        widths=[6, *(PERSON_WIDTHS.get(f.key, 12) for f in PERSON_FIELDS)],
    )
    ws.freeze_panes = "A2"
    return to_bytes(workbook)


def allocations_xlsx(session: Session, scope: Scope, campaign_id: int) -> bytes:
    """Every gift of a campaign in the scope."""
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
                r.ward,
                r.hamlet,
                r.name,
                r.birth_year,
                r.source,
                r.package,
                r.amount,
                labels.label_of(AllocationStatus, r.status),
                format_date(r.delivered_on),
                r.delivered_by,
            )
            for i, r in enumerate(rows, start=1)
        ],
        widths=[6, 20, 16, 26, 9, 24, 30, 14, 14, 12, 20],
    )
    for (cell,) in ws.iter_rows(min_row=2, min_col=8, max_col=8):
        cell.number_format = MONEY_FORMAT
    ws.freeze_panes = "A2"
    return to_bytes(workbook)
