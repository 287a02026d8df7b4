"""Registry and gift-list exports (.xlsx) in the columns users see on the pages.

The registry is read from the database and written to the file in chunks (``iter_people_columns``
and the streaming writer): 50,000 people never sit in memory at once, and each chunk is formatted
a column at a time.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session

from data_layer.campaigns.delivery import allocation_rows
from data_layer.core.access import Scope
from data_layer.core.codes import AllocationStatus
from data_layer.core.models import Category
from data_layer.registry.fields import PERSON_FIELDS, shown_column
from data_layer.registry.queries import Filters, iter_people_columns
from data_layer.vn import labels
from data_layer.vn.document import Column, Document
from data_layer.vn.formatting import format_date
from data_layer.vn.xlsx_writer import MONEY_FORMAT, Book

PERSON_WIDTHS = {"name": 24, "national_id": 15, "hamlet": 16, "categories": 30, "note": 24, "ward": 20}
PERSON_COLUMNS = [
    Column("STT", 7, horizontal="center"),
    *(Column(f.label, PERSON_WIDTHS.get(f.key, 12)) for f in PERSON_FIELDS),
]
GIFT_COLUMNS = [
    Column("STT", 7, horizontal="center"),
    Column("Phường/xã", 20),
    Column("Thôn/tổ", 16),
    Column("Họ và tên", 24),
    Column("Năm sinh", 9, horizontal="center"),
    Column("Nguồn", 22),
    Column("Mức quà", 28),
    Column("Số tiền", 13, number_format=MONEY_FORMAT),
    Column("Tình trạng", 14),
    Column("Ngày phát", 12, horizontal="center"),
    Column("Người phát", 20),
]


def beneficiaries_xlsx(session: Session, scope: Scope, filters: Filters) -> bytes:
    """The registry of the scope with the page's filters, in the Đối tượng page's columns."""
    names = dict(session.execute(select(Category.id, Category.name)).all())
    book = Book()
    doc = Document(book, "Đối tượng", PERSON_COLUMNS, landscape=True, freeze_header=True)
    doc.table_header()
    number = 0
    for columns in iter_people_columns(session, scope, filters):
        shown = [shown_column(f.key, columns[f.key], names) for f in PERSON_FIELDS]
        count = len(columns["id"])
        for row in zip(range(number + 1, number + count + 1), *shown, strict=True):
            doc.row(row)
        number += count
    return book.finish()


def allocations_xlsx(session: Session, scope: Scope, campaign_id: int) -> bytes:
    """Every gift of a campaign in the scope."""
    book = Book()
    doc = Document(book, "Suất quà", GIFT_COLUMNS, landscape=True, freeze_header=True)
    doc.table_header()
    for number, r in enumerate(allocation_rows(session, scope, campaign_id), start=1):
        status = labels.label_of(AllocationStatus, r.status)
        person = (r.ward, r.hamlet, r.name, r.birth_year)
        doc.row(
            (
                number,
                *person,
                r.source,
                r.package,
                r.amount,
                status,
                format_date(r.delivered_on),
                r.delivered_by,
            )
        )
    return book.finish()
