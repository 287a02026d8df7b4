"""A gift list: a ward's list of people with their gift (``Mức quà``, and ``Nguồn`` unless one funding
source is chosen for the whole file), imported into a campaign through the importer (``ListKind``).

A ward whose results are approved refuses the list before its file is read. Each row's gift goes to
the campaign's package of its source and amount; a level the campaign lacks becomes a package through
the setup page's audited path, named by its amount. A person gets a package once, however often the
list names them. Undoing the import removes its gifts while nobody has changed them.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlmodel import Session

from data_layer.campaigns.approval import require_open
from data_layer.campaigns.rules import Rule, milestone_of
from data_layer.campaigns.setup import create_package
from data_layer.core.access import Scope
from data_layer.core.codes import AllocationStatus
from data_layer.core.db import bulk_insert, one_of
from data_layer.core.errors import NotFound
from data_layer.core.models import (
    Allocation,
    Beneficiary,
    Campaign,
    FundingSource,
    ImportBatch,
    Package,
    utcnow,
)
from data_layer.importing.batches import refuse_if_touched
from data_layer.importing.kinds import Undone
from data_layer.importing.rows import ParsedRow
from data_layer.importing.table import Table
from data_layer.vn.formatting import format_money
from data_layer.vn.text import fold


def source_ids_by_text(session: Session) -> dict[str, int]:
    """Funding source id by its folded code or name (how a gift list's 'Nguồn' column names it)."""
    sources = session.execute(select(FundingSource.id, FundingSource.code, FundingSource.name)).all()
    return {fold(code): sid for sid, code, _ in sources} | {fold(name): sid for sid, _, name in sources}


@dataclass(frozen=True)
class GiftList:
    """A gift list of the campaign ``campaign_id``; ``source_id``: the funding source of every row
    (None: each row names its own in ``Nguồn``)."""

    campaign_id: int
    source_id: int | None = None

    def refuse_early(self, session: Session, ward_id: int) -> None:
        if session.get(Campaign, self.campaign_id) is None:
            raise NotFound("Không tìm thấy đợt tặng quà đã chọn.")
        require_open(session, self.campaign_id, ward_id)

    def check(self, session: Session, table: Table, rows: list[ParsedRow], matches: dict[int, int]) -> None:
        by_text = source_ids_by_text(session)
        for row in rows:
            if row.errors:
                continue
            if row.amount is None:
                row.errors.append(("Mức quà", "Danh sách quà: thiếu mức quà (số tiền)."))
            if self.source_id is None:
                if not row.source_text:
                    row.errors.append(
                        ("Nguồn kinh phí", "Chưa chọn nguồn kinh phí và dòng này không ghi nguồn.")
                    )
                elif fold(row.source_text) not in by_text:
                    row.errors.append(
                        ("Nguồn kinh phí", f"Không nhận ra nguồn kinh phí '{row.source_text}'.")
                    )

    def write(
        self,
        session: Session,
        scope: Scope,
        batch: ImportBatch,
        rows: list[ParsedRow],
        checked: None,
        person_of: dict[int, int],
    ) -> dict[str, int]:
        batch.campaign_id, batch.source_id = self.campaign_id, self.source_id
        batch.allocations_created = self._add_allocations(session, scope, batch, rows, person_of)
        return {"allocations_created": batch.allocations_created}

    @staticmethod
    def undo(session: Session, batch: ImportBatch) -> Undone:
        refuse_if_touched(session, batch.id, Allocation)
        removed = session.execute(
            Allocation.__table__.delete().where(Allocation.__table__.c.import_batch_id == batch.id)
        ).rowcount
        return Undone({"allocations_removed": removed}, f"bỏ {removed} suất quà")

    def _package_for(self, session: Session, scope: Scope, source_id: int, amount: int, cache: dict) -> int:
        """The campaign's package of this source and amount, created (named by its amount) if missing."""
        key = (source_id, amount)
        if key not in cache:
            found = (
                session.execute(
                    select(Package.id)
                    .where(
                        Package.campaign_id == self.campaign_id,
                        Package.source_id == source_id,
                        Package.amount == amount,
                    )
                    .order_by(Package.priority, Package.id)
                )
                .scalars()
                .first()
            )
            if found is None:
                found = create_package(
                    session,
                    scope,
                    campaign_id=self.campaign_id,
                    source_id=source_id,
                    amount=amount,
                    label=f"Mức {format_money(amount)}",
                    rule=Rule(listed=True),  # the people the lists name; auto-allocation adds nobody
                ).id
            cache[key] = found
        return cache[key]

    def _milestones(self, session: Session, package_ids: set[int], people: set[int]) -> dict:
        """(package, person) → the milestone age of a gift of a longevity package (see rules)."""
        longevity = [
            pid
            for pid, rule in session.execute(
                select(Package.id, Package.rule).where(Package.id.in_(package_ids))
            )
            if Rule.from_json(rule).is_longevity
        ]
        if not longevity:
            return {}
        year = session.get(Campaign, self.campaign_id).year
        births = session.execute(
            select(Beneficiary.id, Beneficiary.birth_year).where(one_of(session, Beneficiary.id, people))
        )
        return {(package, pid): milestone_of(year, born) for pid, born in births for package in longevity}

    def _add_allocations(
        self,
        session: Session,
        scope: Scope,
        batch: ImportBatch,
        rows: list[ParsedRow],
        person_of: dict[int, int],
    ) -> int:
        by_text = source_ids_by_text(session)
        packages: dict = {}
        wanted: dict[tuple[int, int], tuple[ParsedRow, int]] = {}
        for row in rows:
            source_id = self.source_id or by_text[fold(row.source_text)]
            package_id = self._package_for(session, scope, source_id, row.amount, packages)
            key = (package_id, person_of[row.row])
            if key in wanted:
                row.warnings.append(
                    f"Người này đã có suất quà này ở dòng {wanted[key][0].row}: không tạo thêm."
                )
                continue
            wanted[key] = (row, row.amount)
        existing = set(
            session.execute(
                select(Allocation.package_id, Allocation.beneficiary_id).where(
                    Allocation.package_id.in_(set(packages.values()))
                )
            ).tuples()
        )
        milestones = self._milestones(session, set(packages.values()), {pid for _p, pid in wanted})
        now = utcnow()
        values = [
            {
                "campaign_id": self.campaign_id,
                "package_id": package_id,
                "beneficiary_id": pid,
                "ward_id": batch.ward_id,
                "amount": amount,
                "milestone": milestones.get((package_id, pid)),
                "status": AllocationStatus.PLANNED,
                "version": 1,
                "import_batch_id": batch.id,
                "created_at": now,
                "updated_at": now,
            }
            for (package_id, pid), (_row, amount) in wanted.items()
            if (package_id, pid) not in existing
        ]
        bulk_insert(session, Allocation.__table__, values)
        return len(values)
