"""Entitlements (chế độ hưởng): grant and correct a person's monthly allowance or social pension
(stopping, suspending and resuming are in ``entitlement_status``). Every change is checked, audited
and limited to the user's wards (the ward is the person's, read from the database).

A person holds at most one entitlement for any month: a new one starts after the last one stopped.
Groups and children change from a month (issue 21 §1.3: by default the first month no locked payroll
covers, never the past by accident); other corrections (start month…) apply to every month the
entitlement covers: the next open payroll pays or recovers the difference for months already paid.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date

from sqlalchemy import delete, func, select
from sqlmodel import Session

from data_layer.allowance.due import poor_household
from data_layer.allowance.months import add_months, month_of
from data_layer.allowance.one_place import check_start_against_other_wards, start_after_other_wards
from data_layer.allowance.reference import load_reference
from data_layer.allowance.rules import PENSION_AGE_POOR, Person, Reference, age_in_month
from data_layer.core import audit
from data_layer.core.access import Scope
from data_layer.core.codes import Action, GroupKind, PaymentMethod, PayrollStatus, PersonStatus
from data_layer.core.errors import Conflict, Invalid, NotFound
from data_layer.core.models import (
    AllowanceGroup,
    Beneficiary,
    Entitlement,
    EntitlementGroup,
    EntitlementTerm,
    EntitlementTermGroup,
    Payroll,
    utcnow,
)
from data_layer.registry.editing import person_in_scope
from data_layer.vn import labels
from data_layer.vn.formatting import format_date, format_month
from data_layer.vn.labels import FIELD_LABELS
from data_layer.vn.text import normalize_text

TEXT_LIMITS = {"decision_no": 100, "account_number": 50, "bank_name": 200, "proxy_name": 200}


@dataclass
class EntitlementInput:
    """What a form or a register row says about an entitlement (groups by id)."""

    groups: tuple[int, ...]
    start_month: date | None
    children: int | None = None
    paid_until: date | None = None
    decision_no: str | None = None
    decision_date: date | None = None
    payment_method: PaymentMethod = PaymentMethod.CASH
    account_number: str | None = None
    bank_name: str | None = None
    proxy_name: str | None = None


FIELDS = tuple(f.name for f in fields(EntitlementInput))


def group_ids_of(session: Session, entitlement_ids: list[int]) -> dict[int, tuple[int, ...]]:
    """The group ids of each entitlement, sorted."""
    found: dict[int, list[int]] = {}
    for start in range(0, len(entitlement_ids), 5000):
        for eid, gid in session.execute(
            select(EntitlementGroup.entitlement_id, EntitlementGroup.group_id)
            .where(EntitlementGroup.entitlement_id.in_(entitlement_ids[start : start + 5000]))
            .order_by(EntitlementGroup.group_id)
        ):
            found.setdefault(eid, []).append(gid)
    return {eid: tuple(gids) for eid, gids in found.items()}


def clean_input(reference: Reference, person: Beneficiary, data: EntitlementInput) -> EntitlementInput:
    """The input checked against the reference data and the person (Vietnamese errors naming the
    field); children are kept only for a per-child group (5.4)."""
    if not data.groups:
        raise Invalid("Diện hưởng: chọn ít nhất một diện.")
    rules = [reference.groups.get(g) for g in data.groups]
    if None in rules:
        raise Invalid("Diện hưởng: có diện không có trong danh mục.")
    if data.start_month is None:
        raise Invalid("Hưởng từ tháng: chưa nhập tháng bắt đầu hưởng.")
    per_child = [r for r in rules if r.kind == GroupKind.PER_CHILD]
    if per_child and not (data.children or 0) >= 1:
        raise Invalid(f"Số con: diện {per_child[0].code} cần ghi số con đang nuôi.")
    aged = [r for r in rules if r.age_dependent]
    if aged and person.birth_year is None:
        raise Invalid(
            f"Diện {aged[0].code} tính hệ số theo tuổi: cần ngày sinh hoặc năm sinh của {person.name}."
        )
    texts = {k: normalize_text(getattr(data, k)) or None for k in TEXT_LIMITS}
    for key, limit in TEXT_LIMITS.items():
        if texts[key] and len(texts[key]) > limit:
            raise Invalid(f"{FIELD_LABELS.get(key, key)}: dài {len(texts[key])} ký tự, tối đa {limit}.")
    method = PaymentMethod(data.payment_method)
    if method == PaymentMethod.ACCOUNT and not texts["account_number"]:
        raise Invalid("Số tài khoản: nhận qua tài khoản thì cần số tài khoản.")
    return EntitlementInput(
        groups=tuple(sorted(set(data.groups))),
        start_month=month_of(data.start_month),
        children=data.children if per_child else None,
        paid_until=month_of(data.paid_until) if data.paid_until else None,
        decision_no=texts["decision_no"],
        decision_date=data.decision_date,
        payment_method=method,
        account_number=texts["account_number"],
        bank_name=texts["bank_name"],
        proxy_name=texts["proxy_name"],
    )


def poor_person_ids(session: Session, person_ids: list[int]) -> set[int]:
    """Those of the people in a poor or near-poor household (registry categories)."""
    found: set[int] = set()
    for start in range(0, len(person_ids), 5000):
        chunk = person_ids[start : start + 5000]
        found |= set(
            session.execute(
                select(Beneficiary.id).where(Beneficiary.id.in_(chunk), poor_household(Beneficiary.id))
            ).scalars()
        )
    return found


def check_pension_age(
    session: Session, reference: Reference, person: Beneficiary, groups, start: date
) -> str | None:
    """Rule 4 of ``rules`` at a grant: the social pension is refused under 70 in the start month;
    when it pays only from a later birthday month, a sentence saying so."""
    pension = [reference.groups[g] for g in groups if reference.groups[g].kind == GroupKind.PENSION]
    if not pension:
        return None
    code = pension[0].code
    age = age_in_month(person.birth_date, person.birth_year, start)
    if age is None:
        raise Invalid(f"Diện {code}: cần ngày sinh hoặc năm sinh của {person.name} để tính tuổi hưởng.")
    if age < PENSION_AGE_POOR:
        raise Invalid(
            f"Diện {code}: {person.name} {age} tuổi vào tháng {format_month(start)}; trợ cấp hưu trí xã hội "
            "cần từ 75 tuổi, hoặc từ 70 tuổi thuộc hộ nghèo, cận nghèo."
        )
    poor = bool(poor_person_ids(session, [person.id]))
    pension_age = Person((), poor=poor).pension_age
    if age >= pension_age:
        return None
    born = month_of(person.birth_date) if person.birth_date else date(person.birth_year, 1, 1)
    return (
        f"Diện {code}: {person.name} chưa đủ {pension_age} tuổi (không thuộc hộ nghèo, cận nghèo); trợ cấp "
        f"hưu trí xã hội trả từ tháng {format_month(add_months(born, 12 * pension_age))}."
    )


def entitlement_in_scope(session: Session, scope: Scope, entitlement_id: int) -> Entitlement:
    """The entitlement if it is in the user's wards and they may change it."""
    entitlement = session.execute(
        select(Entitlement).where(Entitlement.id == entitlement_id, scope.ward_clause(Entitlement.ward_id))
    ).scalar_one_or_none()
    if entitlement is None:
        raise NotFound("Không tìm thấy chế độ hưởng này hoặc bạn không có quyền (phường/xã khác).")
    scope.require_ward(entitlement.ward_id)
    return entitlement


def _check_no_overlap(session: Session, person_id: int, start: date, stop: date | None, own_id=None) -> None:
    """A person holds one entitlement a month: refuse one whose months meet another's."""
    others = session.execute(
        select(Entitlement).where(Entitlement.beneficiary_id == person_id, Entitlement.id != (own_id or -1))
    ).scalars()
    for other in others:
        other_stop = month_of(other.stop_date) if other.stop_date else None
        if (other_stop is None or other_stop >= start) and (
            stop is None or month_of(stop) >= other.start_month
        ):
            if other_stop is None:
                raise Conflict(
                    f"Người này đang hưởng từ {format_month(other.start_month)}: sửa chế độ đang hưởng "
                    "thay vì thêm chế độ mới."
                )
            raise Conflict(
                f"Người này đã hưởng từ {format_month(other.start_month)} đến {format_month(other_stop)}: "
                "tháng bắt đầu hưởng mới phải sau đó."
            )


def _set_groups(session: Session, entitlement_id: int, group_ids: tuple[int, ...]) -> None:
    session.execute(delete(EntitlementGroup).where(EntitlementGroup.entitlement_id == entitlement_id))
    session.add_all(EntitlementGroup(entitlement_id=entitlement_id, group_id=g) for g in group_ids)


def group_codes(reference: Reference, group_ids) -> str:
    """'5.4; 5.6a': how group ids are written in the audit trail and lists."""
    return "; ".join(
        reference.groups[g].code for g in sorted(group_ids, key=lambda g: reference.groups[g].code)
    )


def grant_refusal(session: Session, scope: Scope, person_id: int) -> str | None:
    """Why no entitlement may be granted to a person of the user's wards (None: one may): the person
    died, moved away or left the registry."""
    return _grant_refusal(person_in_scope(session, scope, person_id))


def _grant_refusal(person: Beneficiary) -> str | None:
    if person.status == PersonStatus.ACTIVE:
        return None
    state = labels.label_of(PersonStatus, person.status).lower()
    when = f" ngày {format_date(person.status_date)}" if person.status_date else ""
    return f"Sổ đối tượng ghi {person.name}: {state}{when}. Không thêm chế độ hưởng cho người này."


def grant(
    session: Session,
    scope: Scope,
    person_id: int,
    data: EntitlementInput,
    *,
    batch_id: int | None = None,
    reference: Reference | None = None,
    notes: list[str] | None = None,
) -> Entitlement:
    """A new entitlement of a person of the user's wards, active from its start month (moved after
    the months another ward pays the same CCCD: a sentence saying so is appended to ``notes``)."""
    person = person_in_scope(session, scope, person_id)
    if refusal := _grant_refusal(person):
        raise Invalid(refusal)
    reference = reference or load_reference(session)
    clean = clean_input(reference, person, data)
    inactive = session.execute(
        select(AllowanceGroup.code).where(
            AllowanceGroup.id.in_(clean.groups), AllowanceGroup.active.is_(False)
        )
    ).scalars()
    if codes := sorted(inactive):
        raise Invalid("Diện hưởng đã ngừng sử dụng: " + ", ".join(codes))
    clean.start_month, moved = start_after_other_wards(session, person, clean.start_month)
    pension_note = check_pension_age(session, reference, person, clean.groups, clean.start_month)
    if notes is not None:
        notes += [n for n in (moved, pension_note) if n]
    _check_no_overlap(session, person.id, clean.start_month, None)
    values = {k: getattr(clean, k) for k in FIELDS if k != "groups"}
    entitlement = Entitlement(
        beneficiary_id=person.id, ward_id=person.ward_id, import_batch_id=batch_id, **values
    )
    session.add(entitlement)
    session.flush()
    _set_groups(session, entitlement.id, clean.groups)
    audit.record(
        session,
        scope,
        table="entitlement",
        row_id=entitlement.id,
        action=Action.INSERT,
        ward_id=person.ward_id,
        new=f"{person.name}: {group_codes(reference, clean.groups)} từ {format_month(clean.start_month)}"
        + (f" ({moved})" if moved else ""),
        batch_id=batch_id,
    )
    return entitlement


def first_unlocked_month(session: Session) -> date | None:
    """The first month no locked payroll covers (None: nothing locked yet)."""
    locked = session.execute(
        select(func.max(Payroll.month)).where(Payroll.status == PayrollStatus.LOCKED)
    ).scalar_one()
    return add_months(locked, 1) if locked else None


def _keep_earlier_terms(
    session: Session, entitlement: Entitlement, groups: tuple[int, ...], start: date, applies: date | None
) -> None:
    """Before the groups or children change from ``applies`` (None or not after the start: from the
    start), keep the current ones for their months up to the month before, and drop what earlier
    terms said for ``applies`` on."""
    if applies is None or applies <= start:
        session.execute(delete(EntitlementTerm).where(EntitlementTerm.entitlement_id == entitlement.id))
        entitlement.terms_from = None
        return
    earlier = session.execute(
        select(EntitlementTerm).where(
            EntitlementTerm.entitlement_id == entitlement.id, EntitlementTerm.to_month >= applies
        )
    ).scalars()
    for term in earlier:
        if term.from_month >= applies:
            session.delete(term)
        else:
            term.to_month = add_months(applies, -1)
            session.add(term)
    current_from = max(entitlement.terms_from or start, start)
    if current_from < applies:
        term = EntitlementTerm(
            entitlement_id=entitlement.id,
            from_month=current_from,
            to_month=add_months(applies, -1),
            children=entitlement.children,
        )
        session.add(term)
        session.flush()
        session.add_all(EntitlementTermGroup(term_id=term.id, group_id=g) for g in groups)
    entitlement.terms_from = applies


def update_entitlement(
    session: Session,
    scope: Scope,
    entitlement_id: int,
    version: int,
    data: EntitlementInput,
    *,
    batch_id: int | None = None,
    reference: Reference | None = None,
    applies_from: date | None = None,
) -> list[str]:
    """Correct an entitlement if ``version`` is still current; returns the fields that changed
    (nothing is written when none did). Changed groups or children apply from ``applies_from``
    (default: the first month no locked payroll covers, ``first_unlocked_month``): the months before
    keep the earlier ones (``EntitlementTerm``); other fields apply to every month."""
    entitlement = entitlement_in_scope(session, scope, entitlement_id)
    if entitlement.version != version:
        raise Conflict("Người khác vừa sửa chế độ hưởng này: tải lại trang rồi sửa lại.")
    person = session.get(Beneficiary, entitlement.beneficiary_id)
    reference = reference or load_reference(session)
    clean = clean_input(reference, person, data)
    if entitlement.stop_date and month_of(entitlement.stop_date) < clean.start_month:
        raise Invalid("Hưởng từ tháng: phải trước tháng dừng hưởng.")
    _check_no_overlap(session, person.id, clean.start_month, entitlement.stop_date, entitlement.id)
    if clean.start_month != entitlement.start_month:
        check_start_against_other_wards(session, person, clean.start_month)
    check_pension_age(session, reference, person, clean.groups, clean.start_month)
    before_groups = group_ids_of(session, [entitlement.id]).get(entitlement.id, ())
    if before_groups != clean.groups or entitlement.children != clean.children:
        applies_from = month_of(applies_from) if applies_from else first_unlocked_month(session)
        _keep_earlier_terms(session, entitlement, before_groups, clean.start_month, applies_from)
    changes = {
        k: (getattr(entitlement, k), getattr(clean, k))
        for k in FIELDS
        if k != "groups" and getattr(entitlement, k) != getattr(clean, k)
    }
    if before_groups != clean.groups:
        changes["groups"] = (group_codes(reference, before_groups), group_codes(reference, clean.groups))
        _set_groups(session, entitlement.id, clean.groups)
    if not changes:
        return []
    for key, (_old, new) in changes.items():
        if key != "groups":
            setattr(entitlement, key, new)
    entitlement.version += 1
    entitlement.updated_at = utcnow()
    session.add(entitlement)
    dated = f" (từ tháng {format_month(entitlement.terms_from)})" if entitlement.terms_from else ""
    for key, (old, new) in changes.items():
        if key in ("groups", "children"):
            new = f"{new or ''}{dated}"
        audit.record(
            session,
            scope,
            table="entitlement",
            row_id=entitlement.id,
            action=Action.UPDATE,
            ward_id=entitlement.ward_id,
            field=key,
            old=old,
            new=new,
            batch_id=batch_id,
        )
    session.flush()
    return list(changes)
