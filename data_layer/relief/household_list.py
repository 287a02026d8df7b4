"""A ward's list of households at risk of hunger, imported into a relief round through the importer
(``ListKind``): headers ``Họ tên chủ hộ``, ``Số nhân khẩu``, ``Số người thiếu đói``, ``Thôn/Tổ``,
``Số CCCD``, ``Hộ nghèo/cận nghèo`` (with the usual synonyms, ``importing.columns``).

An approved ward refuses the list before its file is read. Each row is checked: both counts given,
people lacking food ≤ household size, a readable poverty status. A household (its CCCD, else its
hamlet and head's name) is once per round: twice in the file, or already listed by another ward, the
row is refused; already listed by this ward, the row corrects it (size, people, requested kg). The head
is the registry person the row matched or created; a poverty status the list leaves blank is taken
from the person's categories (Hộ nghèo / Hộ cận nghèo). Undoing the import removes the households it
added while nobody has changed them.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlmodel import Session

from data_layer.core import audit
from data_layer.core.access import Scope
from data_layer.core.codes import Action, Poverty
from data_layer.core.db import one_of
from data_layer.core.errors import Invalid
from data_layer.core.models import (
    BeneficiaryCategory,
    Category,
    ImportBatch,
    ReliefHousehold,
    Ward,
    utcnow,
)
from data_layer.importing.batches import refuse_if_touched
from data_layer.importing.columns import FIELD_LABELS
from data_layer.importing.kinds import Undone
from data_layer.importing.rows import ParsedRow
from data_layer.importing.table import Table
from data_layer.relief.approval import require_open
from data_layer.relief.rounds import get_round
from data_layer.relief.rules import household_problem, kg_requested
from data_layer.vn.text import fold

POVERTY_WORDS = {
    "ngheo": Poverty.POOR,
    "ho ngheo": Poverty.POOR,
    "hn": Poverty.POOR,
    "can ngheo": Poverty.NEAR_POOR,
    "ho can ngheo": Poverty.NEAR_POOR,
    "hcn": Poverty.NEAR_POOR,
}
NOT_POOR = {"khong", "-", "0"}
POVERTY_CATEGORIES = {"HN": Poverty.POOR, "HCN": Poverty.NEAR_POOR}


def household_key(ward_id: int, national_id: str | None, hamlet: str | None, name: str) -> str:
    """Who a household is in a round: its head's CCCD, else its ward, hamlet and head's folded name."""
    return f"id:{national_id}" if national_id else f"w{ward_id}:{fold(hamlet or '')}:{fold(name)}"


def parse_poverty(text: str | None) -> Poverty | None:
    """'Nghèo', 'HN', 'Cận nghèo', 'HCN' → the status; blank or 'Không' → None; else Invalid."""
    if text is None or fold(text).strip() in NOT_POOR:
        return None
    found = POVERTY_WORDS.get(fold(text).strip())
    if found is None:
        raise Invalid(f"Không nhận ra '{text}': ghi Nghèo, Cận nghèo hoặc để trống.")
    return found


def registry_poverty(session: Session, people: set[int]) -> dict[int, Poverty]:
    """Person → poverty status from the registry's categories (poor wins over near-poor)."""
    found: dict[int, Poverty] = {}
    for pid, code in session.execute(
        select(BeneficiaryCategory.beneficiary_id, Category.code)
        .join(Category, Category.id == BeneficiaryCategory.category_id)
        .where(
            Category.code.in_(sorted(POVERTY_CATEGORIES)),
            one_of(session, BeneficiaryCategory.beneficiary_id, people),
        )
    ):
        if found.get(pid) != Poverty.POOR:
            found[pid] = POVERTY_CATEGORIES[code]
    return found


@dataclass(frozen=True)
class HouseholdList:
    """A household list of the ward ``ward_id`` into the relief round ``round_id``."""

    round_id: int
    ward_id: int

    def refuse_early(self, session: Session, ward_id: int) -> None:
        get_round(session, self.round_id)
        if ward_id != self.ward_id:
            raise Invalid("Danh sách hộ thiếu đói phải nhập vào đúng phường/xã đã chọn.")
        require_open(session, self.round_id, ward_id)

    def check(
        self, session: Session, table: Table, rows: list[ParsedRow], matches: dict[int, int]
    ) -> dict[int, tuple[str, Poverty | None]]:
        def header(field: str) -> str:
            column = table.column_for(field)
            return column.header if column and column.header else FIELD_LABELS[field]

        listed = {
            key: (ward_id, ward)
            for key, ward_id, ward in session.execute(
                select(ReliefHousehold.household_key, ReliefHousehold.ward_id, Ward.name)
                .join(Ward, Ward.id == ReliefHousehold.ward_id)
                .where(ReliefHousehold.round_id == self.round_id)
            )
        }
        first_row: dict[str, int] = {}
        checked: dict[int, tuple[str, Poverty | None]] = {}
        for row in rows:
            if row.errors:
                continue
            if problem := household_problem(row.household_size, row.people_lacking_food):
                column, message = problem
                field = "household_size" if column == "Số nhân khẩu" else "people_lacking_food"
                row.errors.append((header(field), message))
                continue
            try:
                poverty = parse_poverty(row.poverty)
            except Invalid as exc:
                row.errors.append((header("poverty"), str(exc)))
                continue
            key = household_key(self.ward_id, row.national_id, row.hamlet, row.name)
            column = header("national_id") if row.national_id else header("name")
            if key in first_row:
                row.errors.append(
                    (column, f"Hộ này trùng với dòng {first_row[key]} (một hộ chỉ một lần trong đợt).")
                )
                continue
            first_row[key] = row.row
            if key in listed:
                ward_id, ward = listed[key]
                if ward_id != self.ward_id:
                    row.errors.append(
                        (column, f"Hộ này đã có trong đợt ở {ward}: một hộ chỉ một lần trong đợt.")
                    )
                    continue
                row.warnings.append("Hộ đã có trong danh sách của đợt: số liệu được cập nhật theo dòng này.")
            checked[row.row] = (key, poverty)
        return checked

    def write(
        self,
        session: Session,
        scope: Scope,
        batch: ImportBatch,
        rows: list[ParsedRow],
        checked: dict[int, tuple[str, Poverty | None]],
        person_of: dict[int, int],
    ) -> dict[str, int]:
        relief = get_round(session, self.round_id)
        existing = {
            h.household_key: h
            for h in session.execute(
                select(ReliefHousehold).where(
                    ReliefHousehold.round_id == self.round_id, ReliefHousehold.ward_id == self.ward_id
                )
            ).scalars()
        }
        from_registry = registry_poverty(session, {person_of[r.row] for r in rows if r.row in checked})
        created = corrected = 0
        for row in rows:
            if row.row not in checked:
                continue
            key, poverty = checked[row.row]
            person = person_of[row.row]
            values = {
                "hamlet": row.hamlet,
                "head_name": row.name,
                "national_id": row.national_id,
                "beneficiary_id": person,
                "poverty": poverty or from_registry.get(person),
                "household_size": row.household_size,
                "people_lacking_food": row.people_lacking_food,
                "kg_requested": kg_requested(row.people_lacking_food, relief.kg_per_person, relief.months),
            }
            if (household := existing.get(key)) is None:
                household = ReliefHousehold(
                    round_id=self.round_id,
                    ward_id=self.ward_id,
                    household_key=key,
                    import_batch_id=batch.id,
                    **values,
                )
                session.add(household)
                created += 1
                continue
            changed = {f: (getattr(household, f), v) for f, v in values.items() if getattr(household, f) != v}
            if not changed:
                continue
            for field, (_old, new) in changed.items():
                setattr(household, field, new)
            household.version += 1
            household.updated_at = utcnow()
            session.flush()
            for field, (old, new) in changed.items():
                audit.record(
                    session,
                    scope,
                    table="reliefhousehold",
                    row_id=household.id,
                    action=Action.UPDATE,
                    ward_id=self.ward_id,
                    field=field,
                    old=old,
                    new=new,
                    batch_id=batch.id,
                )
            corrected += 1
        session.flush()
        return {"households_created": created, "households_corrected": corrected}

    @staticmethod
    def undo(session: Session, batch: ImportBatch) -> Undone:
        refuse_if_touched(session, batch.id, ReliefHousehold)
        removed = session.execute(
            ReliefHousehold.__table__.delete().where(ReliefHousehold.__table__.c.import_batch_id == batch.id)
        ).rowcount
        return Undone({"households_removed": removed}, f"bỏ {removed} hộ thiếu đói" if removed else "")
