"""The suspension list as a document (issue 21 §2): per ward, the people proposed for suspension
(*tạm dừng*) because they did not collect for three months running, prepared by the ward's officer
and signed by the ward's chairman on behalf of its People's Committee.

Law (Circular 02/2021/TT-BLĐTBXH art. 2, checked against the consolidated text): 2.3.a suspends
payment when a person "không nhận chế độ, chính sách liên tục từ 03 tháng trở lên"; 2.4 has the
commune's officer draw up the list of people in 2.1–2.3 and the commune chairman send it on for the
decision (since 07/2025 the commune chairman decides, Decree 147/2025). Art. 2 says nothing about
paying the suspended months when payment resumes: only the decision that resumes payment can say so
(``entitlement_status.resume``'s ``back_pay``, chosen by the office). The months not collected before
the suspension stay owed (Decree 20 art. 34: unpaid money is carried into the next payment). Ending
payment (*thôi hưởng*) three months after a suspension applies only to a suspension for refusing
re-assessment (2.1.đ with 2.3.b), never to one for not collecting.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlmodel import Session

from data_layer.allowance.agent_return import SUSPENSION_REASON, suspension_candidates
from data_layer.allowance.entitlements import group_codes, group_ids_of
from data_layer.allowance.months import add_months, month_of
from data_layer.allowance.payment_lists import cash_rows
from data_layer.allowance.reference import load_reference
from data_layer.core.access import Scope
from data_layer.core.errors import NotFound
from data_layer.core.models import Beneficiary, Ward
from data_layer.vn.collation import person_key
from data_layer.vn.document import PREPARER, Column, Document, Office
from data_layer.vn.formatting import format_count, format_date, format_money, format_month
from data_layer.vn.xlsx_writer import MONEY_FORMAT, Book

TITLE = "DANH SÁCH ĐỀ NGHỊ TẠM DỪNG TRỢ CẤP XÃ HỘI HẰNG THÁNG"
LEGAL_BASIS = "Căn cứ điểm a khoản 3 Điều 2 Thông tư số 02/2021/TT-BLĐTBXH"
COLUMNS = [  # about 115 characters: A4 landscape
    Column("STT", 5, horizontal="center"),
    Column("Họ và tên", 20, wrap=True),
    Column("Ngày/năm sinh", 11, horizontal="center"),
    Column("Thôn/tổ", 12, wrap=True),
    Column("Số CCCD", 14, horizontal="center"),
    Column("Diện hưởng", 9, horizontal="center", wrap=True),
    Column("Các tháng chưa nhận", 16, wrap=True),
    Column("Số tiền chưa nhận", 13, MONEY_FORMAT),
    Column("Tạm dừng từ tháng", 10, horizontal="center"),
]


@dataclass(frozen=True)
class SuspensionRow:
    """One person proposed for suspension, as the list shows them."""

    name: str
    birth: str  # dd/mm/yyyy or the year
    hamlet: str | None
    national_id: str | None
    groups: str
    months: str  # "01/2025, 02/2025, 03/2025"
    unpaid: int  # what the last month not collected would have paid (the earlier months are in it)
    suspended_from: date


def suspension_rows(session: Session, scope: Scope, month: date, ward_id: int) -> list[SuspensionRow]:
    """The ward's people not collecting ``month`` and the two months before, in Vietnamese order."""
    month = month_of(month)
    listed = suspension_candidates(session, scope, month, ward_id)
    if not listed:
        return []
    owed = {r.beneficiary_id: r.total for r in cash_rows(session, scope, month, ward_id)}
    people = {
        b.id: b
        for b in session.execute(
            select(Beneficiary).where(Beneficiary.id.in_([c.beneficiary_id for c in listed]))
        ).scalars()
    }
    groups = group_ids_of(session, [c.entitlement_id for c in listed])
    reference = load_reference(session)
    rows = []
    for c in listed:
        person = people[c.beneficiary_id]
        rows.append(
            SuspensionRow(
                name=person.name,
                birth=format_date(person.birth_date) or str(person.birth_year or ""),
                hamlet=person.hamlet,
                national_id=person.national_id,
                groups=group_codes(reference, groups.get(c.entitlement_id, ())),
                months=c.months,
                unpaid=owed.get(c.beneficiary_id, 0),
                suspended_from=add_months(month, 1),
            )
        )
    return sorted(rows, key=lambda r: person_key(r.hamlet, r.name))


def suspension_list_xlsx(
    session: Session, scope: Scope, month: date, ward_id: int, *, day: date | None = None
) -> bytes:
    """The ward's suspension list for ``month`` as a document of its People's Committee (dated
    ``day``; None: dated by hand when signed), prepared by the officer, signed by the chairman."""
    ward = session.get(Ward, ward_id)
    if ward is None or not scope.may_see_ward(ward_id):
        raise NotFound("Không tìm thấy phường/xã này hoặc bạn không có quyền.")
    rows = suspension_rows(session, scope, month, ward_id)
    office = Office.configured(day)
    book = Book()
    doc = Document(book, "Đề nghị tạm dừng", COLUMNS, landscape=True)
    doc.letterhead(office, ward.name, office.number("DS", ward.name))
    doc.title(
        TITLE,
        f"Đối tượng không nhận trợ cấp liên tục từ 03 tháng trở lên, đến tháng {format_month(month)}",
        f"({LEGAL_BASIS})",
    )
    doc.table_header()
    for n, r in enumerate(rows, start=1):
        doc.row(
            (
                n,
                r.name,
                r.birth,
                r.hamlet,
                r.national_id,
                r.groups,
                r.months,
                r.unpaid,
                format_month(r.suspended_from),
            )
        )
    total = doc.row(
        (
            f"Cộng: {format_count(len(rows))} người",
            None,
            None,
            None,
            None,
            None,
            None,
            sum(r.unpaid for r in rows),
        ),
        bold=True,
    )
    doc.sheet.merge(total, 1, 7)
    doc.section(
        f"Lý do: {SUSPENSION_REASON}. Số tiền chưa nhận vẫn được chi trả khi hưởng lại"
        f" ({format_money(sum(r.unpaid for r in rows))})."
    )
    doc.closing(PREPARER, office.signer(ward.name))
    return book.finish()
