"""A ward's existing allowance register, imported through the normal importer: a row whose
``Diện hưởng`` names groups also carries the person's entitlement (``Số con``, ``Hưởng từ tháng``,
``Đã nhận đến tháng``, ``Số tài khoản``, ``Ngân hàng``; a row with an account number and no bank is
warned about, as the bank transfer list refuses it). ``AllowanceRegister`` is this kind of list for
the importer: its preview has the rows checked (``check_rows``, ``check_people``: errors named by row
and column), its commit has them applied (``apply``) in the same transaction once the people are
written.

A person with an entitlement not stopped has it corrected to the register's values (unchanged
values write nothing, so importing the same register again changes nothing); anyone else gets a
new entitlement. Without ``Số tài khoản`` a new entitlement is paid by account when the registry
has the person's account number, else in cash; an existing one keeps how it is paid.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from sqlalchemy import delete, select
from sqlmodel import Session

from data_layer.allowance.entitlements import (
    EntitlementInput,
    first_unlocked_month,
    grant,
    group_ids_of,
    update_entitlement,
)
from data_layer.allowance.months import month_of
from data_layer.allowance.one_place import start_after_other_wards
from data_layer.allowance.reference import code_key, group_ids_by_code, load_reference
from data_layer.allowance.rules import PENSION_AGE_POOR, Reference, age_in_month
from data_layer.core.access import Scope
from data_layer.core.codes import Action, EntitlementStatus, GroupKind, PaymentMethod, PersonStatus
from data_layer.core.errors import Conflict
from data_layer.core.models import (
    AllowanceGroup,
    AuditEvent,
    Beneficiary,
    Entitlement,
    EntitlementGroup,
    ImportBatch,
    PayrollLine,
)
from data_layer.importing.kinds import Undone
from data_layer.importing.table import Table
from data_layer.vn.formatting import format_month
from data_layer.vn.labels import label_of

HEADERS = {
    "allowance_groups": "Diện hưởng",
    "children": "Số con",
    "start_month": "Hưởng từ tháng",
    "applies_from": "Áp dụng từ tháng",
    "bank_account": "Số tài khoản",
    "bank_name": "Ngân hàng",
}


class RegisterRow(Protocol):
    """What the importer's parsed row carries for the register (``importing.rows.ParsedRow``)."""

    row: int
    national_id: str | None
    name: str | None
    birth_date: date | None
    birth_year: int | None
    bank_account: str | None
    bank_name: str | None
    allowance_groups: tuple[str, ...]
    children: int | None
    start_month: date | None
    paid_until: date | None
    applies_from: date | None
    errors: list[tuple[str | None, str]]
    warnings: list[str]


@dataclass
class _Checker:
    reference: Reference
    ids: dict[str, int]
    active: set[int]
    headers: dict[str, str]

    def check(self, row: RegisterRow) -> tuple[int, ...] | None:
        """The row's group ids, or None after adding its errors."""
        errors = []
        unknown = [t for t in row.allowance_groups if code_key(t) not in self.ids]
        if unknown:
            known = ", ".join(sorted(r.code for r in self.reference.groups.values() if r.id in self.active))
            message = f"Diện hưởng '{', '.join(unknown)}' không có trong danh mục ({known})."
            errors.append(("allowance_groups", message))
        group_ids = tuple(
            sorted({self.ids[code_key(t)] for t in row.allowance_groups if code_key(t) in self.ids})
        )
        rules = [self.reference.groups[g] for g in group_ids]
        if inactive := [r.code for r in rules if r.id not in self.active]:
            errors.append(("allowance_groups", f"Diện hưởng {', '.join(inactive)} đã ngừng sử dụng."))
        if (per_child := [r for r in rules if r.kind == GroupKind.PER_CHILD]) and not row.children:
            errors.append(("children", f"Diện {per_child[0].code} cần ghi số con đang nuôi (cột Số con)."))
        if row.start_month is None:
            errors.append(("start_month", "Thiếu tháng bắt đầu hưởng (MM/YYYY)."))
        if row.start_month and (pension := [r for r in rules if r.kind == GroupKind.PENSION]):
            age = age_in_month(row.birth_date, row.birth_year, row.start_month)
            if age is not None and age < PENSION_AGE_POOR:
                message = (
                    f"Diện {pension[0].code}: {age} tuổi vào tháng {format_month(row.start_month)}; trợ cấp "
                    "hưu trí xã hội cần từ 75 tuổi, hoặc từ 70 tuổi thuộc hộ nghèo, cận nghèo."
                )
                errors.append(("allowance_groups", message))
        if (
            aged := [r for r in rules if r.age_dependent or r.kind == GroupKind.PENSION]
        ) and row.birth_year is None:
            message = f"Diện {aged[0].code} tính hệ số theo tuổi: cần ngày sinh hoặc năm sinh."
            errors.append(("allowance_groups", message))
        row.errors += [(self.headers.get(field) or HEADERS[field], message) for field, message in errors]
        return None if errors else group_ids


def check_rows(
    session: Session, rows: list[RegisterRow], headers: dict[str, str]
) -> dict[int, tuple[int, ...]]:
    """Check the register rows among ``rows`` (those naming groups) and return their group ids by
    Excel row; ``headers``: the file's header of each field, to name the column of an error."""
    checker = _Checker(
        reference=load_reference(session),
        ids=group_ids_by_code(session),
        active=set(session.execute(select(AllowanceGroup.id).where(AllowanceGroup.active)).scalars()),
        headers=headers,
    )
    found = {}
    for row in rows:
        if row.errors or not row.allowance_groups:
            continue
        if (group_ids := checker.check(row)) is not None:
            found[row.row] = group_ids
    return found


def check_people(
    session: Session,
    rows: list[RegisterRow],
    matches: dict[int, int],
    register: dict,
    headers: dict[str, str],
) -> None:
    """Rows of people already in the ward: someone without an entitlement to correct must be active
    in the registry, and after stopped entitlements can only start again after the last one."""
    people = {matches[r.row]: r for r in rows if r.row in register and r.row in matches}
    stops: dict[int, list[date | None]] = defaultdict(list)
    for pid, status, stop_date in session.execute(
        select(Entitlement.beneficiary_id, Entitlement.status, Entitlement.stop_date).where(
            Entitlement.beneficiary_id.in_(sorted(people))
        )
    ):
        stops[pid].append(month_of(stop_date) if status == EntitlementStatus.STOPPED else None)
    statuses = dict(
        session.execute(
            select(Beneficiary.id, Beneficiary.status).where(Beneficiary.id.in_(sorted(people)))
        ).all()
    )
    column = headers.get("start_month") or HEADERS["start_month"]
    for pid, row in people.items():
        if None in stops.get(pid, ()):  # an entitlement to correct
            continue
        if statuses[pid] != PersonStatus.ACTIVE:
            message = (
                f"Người này đang ở tình trạng '{label_of(PersonStatus, statuses[pid])}' trong sổ đối tượng."
            )
            row.errors.append((None, message))
        elif stops.get(pid) and row.start_month <= (last := max(stops[pid])):
            message = (
                f"Người này đã hưởng đến tháng {format_month(last)}: tháng bắt đầu hưởng mới phải sau đó."
            )
            row.errors.append((column, message))
        else:
            continue
        register.pop(row.row)


def note_dated_changes(
    session: Session, rows: list[RegisterRow], matches: dict[int, int], register: dict
) -> None:
    """Warn on each row changing the groups or number of children of an entitlement: from which
    month it applies (``Áp dụng từ tháng``, else the first month no locked payroll covers)."""
    wanted = {matches[r.row]: r for r in rows if r.row in register and r.row in matches}
    current = {
        e.beneficiary_id: e
        for e in session.execute(
            select(Entitlement).where(
                Entitlement.beneficiary_id.in_(sorted(wanted)),
                Entitlement.status != EntitlementStatus.STOPPED,
            )
        ).scalars()
    }
    groups = group_ids_of(session, [e.id for e in current.values()])
    first_open = first_unlocked_month(session)
    for pid, entitlement in current.items():
        row = wanted[pid]
        same_children = (row.children or None) == (entitlement.children or None) or not row.children
        if groups.get(entitlement.id, ()) == register[row.row] and same_children:
            continue
        applies = row.applies_from or first_open
        if applies is None or applies <= row.start_month:
            row.warnings.append("Diện hưởng/số con thay đổi: áp dụng cho mọi tháng từ tháng bắt đầu hưởng.")
        elif row.applies_from:
            row.warnings.append(f"Diện hưởng/số con thay đổi: áp dụng từ tháng {format_month(applies)}.")
        else:
            row.warnings.append(
                f"Diện hưởng/số con thay đổi: áp dụng từ tháng {format_month(applies)} (tháng chi trả đầu "
                "tiên chưa khóa; ghi cột Áp dụng từ tháng để áp dụng từ tháng khác)."
            )


def check_other_wards(
    session: Session,
    rows: list[RegisterRow],
    matches: dict[int, int],
    register: dict,
    headers: dict[str, str],
) -> None:
    """Rows whose CCCD another ward holds (``one_place``): refused while that ward's entitlement
    is not stopped, else warned when the start month moves after the months that ward pays."""
    wanted = {r.national_id: r for r in rows if r.row in register and r.national_id}
    elsewhere = session.execute(
        select(Beneficiary.national_id, Beneficiary.id).where(Beneficiary.national_id.in_(sorted(wanted)))
    ).all()
    column = headers.get("start_month") or HEADERS["start_month"]
    for national_id in sorted({n for n, pid in elsewhere if pid != matches.get(wanted[n].row)}):
        row = wanted[national_id]
        if None in _current_stops(session, matches.get(row.row)):
            continue  # an entitlement of this ward to correct
        probe = Beneficiary(id=matches.get(row.row, -1), national_id=national_id, name="", name_key="")
        try:
            _start, moved = start_after_other_wards(session, probe, row.start_month)
        except Conflict as exc:
            row.errors.append((column, str(exc)))
            register.pop(row.row)
            continue
        if moved:
            row.warnings.append(moved)


def _current_stops(session: Session, person_id: int | None) -> list[date | None]:
    if person_id is None:
        return []
    return [
        stop if status == EntitlementStatus.STOPPED else None
        for status, stop in session.execute(
            select(Entitlement.status, Entitlement.stop_date).where(Entitlement.beneficiary_id == person_id)
        )
    ]


def warn_missing_banks(
    session: Session,
    rows: list[RegisterRow],
    matches: dict[int, int],
    register: dict,
    headers: dict[str, str],
) -> None:
    """A warning on each register row that would pay into an account of no named bank (the row names
    no bank and the person's entitlement has none for that account): the bank list needs one."""
    unnamed = [r for r in rows if r.row in register and r.bank_account and not (r.bank_name or "").strip()]
    known = {
        (pid, account)
        for pid, account in session.execute(
            select(Entitlement.beneficiary_id, Entitlement.account_number).where(
                Entitlement.beneficiary_id.in_(sorted({matches[r.row] for r in unnamed if r.row in matches})),
                Entitlement.status != EntitlementStatus.STOPPED,
                Entitlement.bank_name.is_not(None),
                Entitlement.bank_name != "",
            )
        )
    }
    column = headers.get("bank_name") or HEADERS["bank_name"]
    for row in unnamed:
        if (matches.get(row.row), row.bank_account) not in known:
            row.warnings.append(
                f"Có số tài khoản nhưng thiếu tên ngân hàng (cột {column}): "
                "chưa lập được danh sách chuyển khoản cho người này."
            )


def apply(
    session: Session,
    scope: Scope,
    batch_id: int,
    rows: list[RegisterRow],
    register: dict[int, tuple[int, ...]],
    person_of: dict[int, int],
) -> dict[str, int]:
    """Write the entitlements of the accepted register rows; returns created / updated counts."""
    counts = {"entitlements_created": 0, "entitlements_updated": 0}
    wanted = [r for r in rows if r.row in register and r.row in person_of]
    if not wanted:
        return counts
    person_ids = sorted({person_of[r.row] for r in wanted})
    current: dict[int, Entitlement] = {}
    for entitlement in session.execute(
        select(Entitlement).where(
            Entitlement.beneficiary_id.in_(person_ids), Entitlement.status != EntitlementStatus.STOPPED
        )
    ).scalars():
        current[entitlement.beneficiary_id] = entitlement
    accounts = dict(
        session.execute(
            select(Beneficiary.id, Beneficiary.bank_account).where(Beneficiary.id.in_(person_ids))
        ).all()
    )
    reference = load_reference(session)
    for row in wanted:
        pid = person_of[row.row]
        existing = current.get(pid)
        data = _input(row, register[row.row], existing, accounts.get(pid))
        if existing is None:
            current[pid] = grant(session, scope, pid, data, batch_id=batch_id, reference=reference)
            counts["entitlements_created"] += 1
            continue
        changed = update_entitlement(
            session,
            scope,
            existing.id,
            existing.version,
            data,
            batch_id=batch_id,
            reference=reference,
            applies_from=row.applies_from,
        )
        counts["entitlements_updated"] += bool(changed)
    return counts


def _input(row: RegisterRow, group_ids, existing: Entitlement | None, registry_account) -> EntitlementInput:
    """The register row's values, the rest kept from the existing entitlement."""
    keep = existing or Entitlement(start_month=row.start_month, payment_method=PaymentMethod.CASH)
    account, bank, method = keep.account_number, keep.bank_name, keep.payment_method
    if row.bank_account:
        account, bank, method = row.bank_account, row.bank_name or bank, PaymentMethod.ACCOUNT
    elif existing is None and registry_account:
        account, bank, method = registry_account, row.bank_name, PaymentMethod.ACCOUNT
    return EntitlementInput(
        groups=group_ids,
        start_month=row.start_month,
        children=row.children,
        paid_until=row.paid_until or keep.paid_until,
        decision_no=keep.decision_no,
        decision_date=keep.decision_date,
        payment_method=method,
        account_number=account,
        bank_name=bank,
        proxy_name=keep.proxy_name,
    )


def undo_entitlements(session: Session, batch_id: int) -> int:
    """Remove the entitlements an import created (before its people are removed); refused when the
    import corrected existing entitlements, or when what it created has changed or been paid since."""
    updated = session.execute(
        select(AuditEvent.id).where(
            AuditEvent.batch_id == batch_id,
            AuditEvent.table_name == "entitlement",
            AuditEvent.action == Action.UPDATE,
        )
    ).first()
    if updated:
        raise Conflict(
            "Không hoàn tác được: lần nhập này đã sửa chế độ trợ cấp đang hưởng của người đã có; "
            "hãy sửa lại ở trang Trợ cấp hằng tháng."
        )
    created = select(Entitlement.id).where(Entitlement.import_batch_id == batch_id)
    touched = (
        session.execute(
            select(Entitlement.id).where(Entitlement.import_batch_id == batch_id, Entitlement.version > 1)
        ).first()
        or session.execute(
            select(PayrollLine.id).where(PayrollLine.entitlement_id.in_(created)).limit(1)
        ).first()
    )
    if touched:
        raise Conflict("Không hoàn tác được: chế độ trợ cấp tạo từ lần nhập này đã được sửa hoặc đã chi trả.")
    session.execute(delete(EntitlementGroup).where(EntitlementGroup.entitlement_id.in_(created)))
    return session.execute(delete(Entitlement).where(Entitlement.import_batch_id == batch_id)).rowcount


@dataclass(frozen=True)
class AllowanceRegister:
    """A ward's list read as its monthly allowance register: the rows naming groups carry entitlements."""

    def refuse_early(self, session: Session, ward_id: int) -> None:
        """A register may go into any ward the user may write to."""

    def check(
        self, session: Session, table: Table, rows: list[RegisterRow], matches: dict[int, int]
    ) -> dict[int, tuple[int, ...]]:
        headers = {f: column.header for f in HEADERS if (column := table.column_for(f))}
        register = check_rows(session, rows, headers)
        check_people(session, rows, matches, register, headers)
        check_other_wards(session, rows, matches, register, headers)
        note_dated_changes(session, rows, matches, register)
        warn_missing_banks(session, rows, matches, register, headers)
        return register

    def write(
        self,
        session: Session,
        scope: Scope,
        batch: ImportBatch,
        rows: list[RegisterRow],
        checked: dict[int, tuple[int, ...]],
        person_of: dict[int, int],
    ) -> dict[str, int]:
        return apply(session, scope, batch.id, rows, checked, person_of)

    @staticmethod
    def undo(session: Session, batch: ImportBatch) -> Undone:
        if removed := undo_entitlements(session, batch.id):
            return Undone({"entitlements_removed": removed}, f"{removed} chế độ trợ cấp")
        return Undone()
