"""The audit trail as users read it (Nhật ký), and reverting one change of a person."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import or_, select
from sqlmodel import Session

from data_layer.core import audit
from data_layer.core.access import Scope
from data_layer.core.codes import (
    Action,
    AllocationStatus,
    EntitlementStatus,
    Gender,
    NotDeliveredReason,
    PaymentMethod,
    PayrollStatus,
    PersonStatus,
    ReliefReport,
    StopReason,
)
from data_layer.core.errors import Conflict, Invalid, NotFound
from data_layer.core.models import (
    Allocation,
    ApprovalEvent,
    AuditEvent,
    BaseSalary,
    Beneficiary,
    BhytList,
    Campaign,
    CampaignMilestone,
    Category,
    Entitlement,
    ImportBatch,
    LumpGift,
    Package,
    Payroll,
    ReliefApproval,
    ReliefDelivery,
    ReliefHousehold,
    ReliefRound,
    ReliefSignOff,
    User,
    Ward,
    WardReport,
)
from data_layer.registry.editing import update_person
from data_layer.registry.fields import FIELDS
from data_layer.registry.queries import category_ids_of
from data_layer.vn import labels
from data_layer.vn.formatting import format_date, format_month, local_day_start

# Audited fields that hold a code, and the kinds of code they may hold.
CODED_FIELDS = {
    "status": (PersonStatus, AllocationStatus, EntitlementStatus, PayrollStatus),
    "gender": (Gender,),
    "reason": (NotDeliveredReason,),
    "stop_reason": (StopReason,),  # monthly allowance
    "payment_method": (PaymentMethod,),
}


@dataclass
class AuditEntry:
    """One audit event, ready to show: who, when, what record, which field, old → new (as text)."""

    id: int
    at: datetime
    user: str
    table: str
    record: str  # the person, package, ward… the event is about, by name
    row_id: int | None
    action: str
    field: str | None
    old: str | None
    new: str | None

    @property
    def revertible(self) -> bool:
        return self.table == "beneficiary" and self.action == Action.UPDATE and self.field is not None


def field_name(table: str, field: str | None) -> str:
    """The Vietnamese name of an audited field."""
    if field is None:
        return ""
    if table == "beneficiary" and field in FIELDS:
        return FIELDS[field].label
    return labels.FIELD_LABELS.get(field, field)


def shown_value(field: str | None, text: str | None) -> str:
    """An audited old/new value as users read it: labels for codes, dd/mm/yyyy for dates."""
    if text is None:
        return ""
    for kind in CODED_FIELDS.get(field or "", ()):
        if found := labels.label_of(kind, text):
            return found
    if field in ("active", "back_pay"):
        return "Có" if text == "True" else "Không"
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        try:
            return format_date(date.fromisoformat(text))
        except ValueError:
            return text
    return text


def audit_log(
    session: Session,
    scope: Scope,
    *,
    table: str | None = None,
    user_id: int | None = None,
    since: date | None = None,
    limit: int = 500,
) -> list[AuditEntry]:
    """Recent audit events of the wards in scope (city-wide events only for unrestricted users)."""
    conditions = [
        or_(
            scope.ward_clause(AuditEvent.ward_id),
            AuditEvent.ward_id.is_(None) if scope.sees_all_wards else False,
        )
    ]
    if table:
        conditions.append(AuditEvent.table_name == table)
    if user_id is not None:
        conditions.append(AuditEvent.user_id == user_id)
    if since:
        conditions.append(AuditEvent.at >= local_day_start(since))  # Vietnam's day, not UTC's
    events = session.execute(
        select(AuditEvent, User.name)
        .outerjoin(User, User.id == AuditEvent.user_id)
        .where(*conditions)
        .order_by(AuditEvent.id.desc())
        .limit(limit)
    ).all()
    described = _descriptions(session, [e for e, _ in events])
    return [
        AuditEntry(
            id=e.id,
            at=e.at,
            user=name or "Hệ thống (dòng lệnh)",
            table=e.table_name,
            record=_record_name(e, described),
            row_id=e.row_id,
            action=e.action,
            field=e.field,
            old=e.old,
            new=e.new,
        )
        for e, name in events
    ]


def _ward_in(table, parent, parent_id) -> tuple:
    """Columns naming a row that belongs to a ward in a campaign or a relief round (lumps, approvals,
    sign-offs): "ward – campaign"."""
    return (
        select(table.id, Ward.name, parent.name)
        .join(Ward, Ward.id == table.ward_id)
        .join(parent, parent.id == parent_id),
        lambda ward, name: f"{ward} – {name}",
    )


def _campaign_and_ward(table) -> tuple:
    """Columns naming a row that belongs to a ward in a campaign."""
    return _ward_in(table, Campaign, table.campaign_id)


# How the Nhật ký names the row of each audited table: a query of (id, parts…) and the words.
_DESCRIBED = {
    "beneficiary": (select(Beneficiary.id, Beneficiary.name), lambda name: name),
    "allocation": (
        select(Allocation.id, Beneficiary.name, Package.label)
        .join(Beneficiary, Beneficiary.id == Allocation.beneficiary_id)
        .join(Package, Package.id == Allocation.package_id),
        lambda name, package: f"Suất quà của {name} ({package})",
    ),
    "ward": (select(Ward.id, Ward.name), lambda name: name),
    "entitlement": (
        select(Entitlement.id, Beneficiary.name, Ward.name)
        .join(Beneficiary, Beneficiary.id == Entitlement.beneficiary_id)
        .join(Ward, Ward.id == Beneficiary.ward_id),
        lambda name, ward: f"Trợ cấp hằng tháng của {name} ({ward})",
    ),
    "payroll": (
        select(Payroll.id, Payroll.month),
        lambda month: f"Danh sách chi trả tháng {format_month(month)}",
    ),
    "basesalary": (
        select(BaseSalary.id, BaseSalary.from_month),
        lambda month: f"Lương cơ sở từ tháng {format_month(month)}",
    ),
    "bhytlist": (
        select(BhytList.id, BhytList.month, Ward.name).join(Ward, Ward.id == BhytList.ward_id),
        lambda month, ward: f"Danh sách thẻ BHYT tháng {format_month(month)} ({ward})",
    ),
    "campaign": (select(Campaign.id, Campaign.name), lambda name: f"Đợt tặng quà: {name}"),
    "campaignmilestone": (
        select(CampaignMilestone.id, CampaignMilestone.name, Campaign.name).join(
            Campaign, Campaign.id == CampaignMilestone.campaign_id
        ),
        lambda name, campaign: f"Kỳ báo cáo «{name}» – {campaign}",
    ),
    "package": (
        select(Package.id, Package.label, Campaign.name).join(Campaign, Campaign.id == Package.campaign_id),
        lambda label, campaign: f"Mức quà «{label}» – {campaign}",
    ),
    "lumpgift": _campaign_and_ward(LumpGift),
    "approvalevent": _campaign_and_ward(ApprovalEvent),
    "wardreport": _campaign_and_ward(WardReport),
    "reliefround": (select(ReliefRound.id, ReliefRound.name), lambda name: f"Đợt hỗ trợ gạo: {name}"),
    "reliefhousehold": (
        select(ReliefHousehold.id, ReliefHousehold.head_name, Ward.name, ReliefRound.name)
        .join(Ward, Ward.id == ReliefHousehold.ward_id)
        .join(ReliefRound, ReliefRound.id == ReliefHousehold.round_id),
        lambda head, ward, round_: f"Hộ {head} ({ward}) – {round_}",
    ),
    "reliefapproval": _ward_in(ReliefApproval, ReliefRound, ReliefApproval.round_id),
    "reliefdelivery": (
        select(ReliefDelivery.id, ReliefHousehold.head_name, ReliefRound.name)
        .join(ReliefHousehold, ReliefHousehold.id == ReliefDelivery.household_id)
        .join(ReliefRound, ReliefRound.id == ReliefHousehold.round_id),
        lambda head, round_: f"Gạo phát cho hộ {head} – {round_}",
    ),
    "reliefsignoff": (
        select(ReliefSignOff.id, ReliefSignOff.report, Ward.name, ReliefRound.name)
        .join(Ward, Ward.id == ReliefSignOff.ward_id)
        .join(ReliefRound, ReliefRound.id == ReliefSignOff.round_id),
        lambda report, ward, round_: f"{labels.label_of(ReliefReport, report)} của {ward} – {round_}",
    ),
    "importbatch": (
        select(ImportBatch.id, ImportBatch.file_name, Ward.name).join(Ward, Ward.id == ImportBatch.ward_id),
        lambda file, ward: f"Nhập tệp {file} ({ward})",
    ),
}


def _descriptions(session: Session, events: list[AuditEvent]) -> dict[tuple[str, int], str]:
    """What each event's row is, in words ("Trợ cấp hằng tháng của Lý Văn Phúc (Phường Đông Kinh)"),
    for the rows that still exist."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for event in events:
        if event.table_name in _DESCRIBED and event.row_id is not None:
            wanted[event.table_name].add(event.row_id)
    found = {}
    for table, ids in wanted.items():
        query, words = _DESCRIBED[table]
        key = query.selected_columns[0]
        for row_id, *parts in session.execute(query.where(key.in_(sorted(ids)))):
            found[(table, row_id)] = words(*parts)
    return found


def _record_name(event: AuditEvent, described: dict[tuple[str, int], str]) -> str:
    if (name := described.get((event.table_name, event.row_id))) is not None:
        return name
    kind = labels.RECORD_LABELS.get(event.table_name, "")
    if event.action in (Action.INSERT, Action.DELETE, Action.IMPORT) or event.row_id is None:
        return f"{kind}: {event.new or event.old or ''}".strip(": ")  # a batch or a row gone: its words
    return kind


def revert_event(session: Session, scope: Scope, event_id: int) -> None:
    """Undo one field change of a person, if the field still holds the value that change wrote."""
    scope.require_write()
    event = session.get(AuditEvent, event_id)
    if event is None:
        raise NotFound("Không tìm thấy thay đổi này.")
    if event.table_name != "beneficiary" or event.action != Action.UPDATE or not event.field:
        raise Invalid("Chỉ hoàn tác được một lần sửa thông tin đối tượng.")
    person = session.execute(
        select(Beneficiary).where(Beneficiary.id == event.row_id, scope.ward_clause(Beneficiary.ward_id))
    ).scalar_one_or_none()
    if person is None:
        raise NotFound("Không tìm thấy người này hoặc bạn không có quyền sửa.")
    catalogue = dict(session.execute(select(Category.name, Category.id)).all())
    if event.field == "categories":
        names = dict(map(reversed, catalogue.items()))
        now = "; ".join(names[c] for c in sorted(category_ids_of(session, [person.id]).get(person.id, ())))
        old = [catalogue[n] for n in (event.old or "").split("; ") if n in catalogue]
    else:
        now, old = audit.as_text(getattr(person, event.field)), event.old
    if now != event.new:
        raise Conflict(
            f"Không hoàn tác được: '{field_name('beneficiary', event.field)}' đã được sửa tiếp sau đó "
            f"(hiện là '{shown_value(event.field, now) or '(trống)'}')."
        )
    update_person(session, scope, person.id, person.version, {event.field: old}, set(catalogue.values()))
