"""The kinds of list a domain imports through the importer, beyond a plain ward list of people.

The importer reads a file, checks and matches every row and writes the people; it knows no domain.
What a list means beyond its people (a campaign's gifts, monthly allowances, later a relief round's
households) is a ``ListKind`` its domain provides: ``campaigns.gift_list.GiftList``,
``allowance.register_import.AllowanceRegister``. The caller says which kind a file is
(``ImportRequest.kind``; None for a plain ward list). The hooks run inside the importer's transaction:

1. ``refuse_early``: before the file is read (nothing may go into this ward);
2. ``check``: once the rows are parsed and matched to the ward's people; it adds errors to rows and
   returns what ``write`` needs;
3. ``write``: once the accepted rows' people are written; it returns counts for the result;
4. ``undo``: when a batch is undone, before its people are removed. Batches do not record their
   kind, so ``undo`` runs for every kind the caller names and removes nothing of another kind's batch.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlmodel import Session

from data_layer.core.access import Scope
from data_layer.core.models import ImportBatch
from data_layer.importing.rows import ParsedRow
from data_layer.importing.table import Table


class Counts(dict):
    """An import's counts by name (``ansinh import --json``); a count only another kind of list makes
    reads 0."""

    def __missing__(self, name: str) -> int:
        return 0


@dataclass
class Undone:
    """What a kind's undo removed: counts for the caller, words for the audit log ("bỏ 3 suất quà")."""

    counts: dict[str, int] = field(default_factory=dict)
    words: str = ""


class ListKind(Protocol):
    """A kind of list: an object holding the user's choices for one import (e.g. the campaign)."""

    def refuse_early(self, session: Session, ward_id: int) -> None:
        """Raise a UserError when this list cannot go into the ward at all."""

    def check(self, session: Session, table: Table, rows: list[ParsedRow], matches: dict[int, int]) -> Any:
        """Add this kind's errors to ``rows`` (naming the column); return what ``write`` needs.
        ``matches``: Excel row → id of the person already in the ward that the row updates."""

    def write(
        self,
        session: Session,
        scope: Scope,
        batch: ImportBatch,
        rows: list[ParsedRow],
        checked: Any,
        person_of: dict[int, int],
    ) -> dict[str, int]:
        """Write what the accepted ``rows`` mean to the domain (``person_of``: Excel row → person id,
        ``checked``: what ``check`` returned); return counts for the result."""

    @staticmethod
    def undo(session: Session, batch: ImportBatch) -> Undone:
        """Remove what this kind wrote for ``batch``, or raise Conflict when it can no longer be undone."""
