"""A change of groups or number of children from a month (``ansinh allowance change``, the page's
form): what changes from which month and the money it makes in the next payroll (issue 21 §1.3).

The money is worked by the rules (``rules.monthly_amount``) for the entitlement's months: from the
change's month to the last locked month, the difference new − old is what the next payroll pays
as arrears (positive) or reports as a recovery (negative); the next payroll's month is paid at the
new amount. Suspended months are not told apart here: the payroll itself skips them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from data_layer.allowance.entitlements import (
    EntitlementInput,
    entitlement_in_scope,
    first_unlocked_month,
    group_codes,
    group_ids_of,
    poor_person_ids,
    update_entitlement,
)
from data_layer.allowance.months import add_months, month_of, months_from
from data_layer.allowance.reference import code_key, group_ids_by_code, load_reference
from data_layer.allowance.rules import Person, monthly_amount
from data_layer.core.access import Scope
from data_layer.core.errors import Invalid
from data_layer.core.models import Beneficiary
from data_layer.vn.formatting import format_money, format_month


@dataclass
class ChangeResult:
    name: str
    changes: list[str]  # "diện 5.5a → 5.5a; 5.6a", "số con 2 → 1"
    applies_from: date
    next_month: date
    before: int  # the next payroll month's amount by the old groups / children
    after: int
    difference: int  # arrears (+) or recovery (−) for the locked months from ``applies_from``

    def sentence(self) -> str:
        if not self.changes:
            return f"{self.name}: không có gì thay đổi."
        money = f"tháng {format_month(self.next_month)}: {format_money(self.after)}"
        money += f" (trước: {format_money(self.before)})"
        if self.difference > 0:
            money += f"; truy lĩnh {format_money(self.difference)}"
        elif self.difference < 0:
            money += f"; truy thu {format_money(-self.difference)}"
        return (
            f"{self.name}: {', '.join(self.changes)} từ tháng {format_month(self.applies_from)}. "
            f"Danh sách chi trả {money}."
        )


def change_entitlement(
    session: Session,
    scope: Scope,
    entitlement_id: int,
    *,
    applies_from: date,
    group_codes_text: str | None = None,
    children: int | None = None,
) -> ChangeResult:
    """Change an entitlement's groups (codes "5.5a;5.6a") and/or children from ``applies_from``."""
    entitlement = entitlement_in_scope(session, scope, entitlement_id)
    person = session.get(Beneficiary, entitlement.beneficiary_id)
    reference = load_reference(session)
    old_groups = group_ids_of(session, [entitlement.id]).get(entitlement.id, ())
    new_groups = old_groups
    if group_codes_text is not None:
        ids = group_ids_by_code(session)
        texts = [t.strip() for t in group_codes_text.replace(",", ";").split(";") if t.strip()]
        if unknown := [t for t in texts if code_key(t) not in ids]:
            raise Invalid(f"--groups: diện '{', '.join(unknown)}' không có trong danh mục.")
        new_groups = tuple(sorted({ids[code_key(t)] for t in texts}))
    new_children = entitlement.children if children is None else children
    applies_from = month_of(applies_from)
    old_children = entitlement.children
    data = EntitlementInput(
        groups=new_groups,
        start_month=entitlement.start_month,
        children=new_children,
        paid_until=entitlement.paid_until,
        decision_no=entitlement.decision_no,
        decision_date=entitlement.decision_date,
        payment_method=entitlement.payment_method,
        account_number=entitlement.account_number,
        bank_name=entitlement.bank_name,
        proxy_name=entitlement.proxy_name,
    )
    changed = update_entitlement(
        session,
        scope,
        entitlement.id,
        entitlement.version,
        data,
        reference=reference,
        applies_from=applies_from,
    )
    changes = []
    if "groups" in changed:
        changes.append(f"diện {group_codes(reference, old_groups)} → {group_codes(reference, new_groups)}")
    if "children" in changed:
        changes.append(f"số con {old_children or 0} → {entitlement.children or 0}")
    poor = bool(poor_person_ids(session, [person.id]))
    old = Person(old_groups, person.birth_date, person.birth_year, old_children, poor)
    new = Person(new_groups, person.birth_date, person.birth_year, entitlement.children, poor)
    next_month = max(first_unlocked_month(session) or applies_from, applies_from)
    last = add_months(next_month, -1)
    if entitlement.stop_date is not None:
        last = min(last, month_of(entitlement.stop_date))
    first = max(applies_from, entitlement.start_month)
    difference = (
        sum(
            monthly_amount(reference, new, m) - monthly_amount(reference, old, m)
            for m in months_from(first, last)
        )
        if first <= last
        else 0
    )
    return ChangeResult(
        name=person.name,
        changes=changes,
        applies_from=max(applies_from, entitlement.start_month),
        next_month=next_month,
        before=monthly_amount(reference, old, next_month),
        after=monthly_amount(reference, new, next_month),
        difference=difference,
    )
