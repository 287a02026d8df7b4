"""Who in the ward a row of a list is: same national ID, else same name + birth date (or year)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlmodel import Session

from data_layer.core.models import Beneficiary
from data_layer.importing.rows import ParsedRow


@dataclass
class WardPeople:
    """The people already in a ward, indexed the three ways a row can match them."""

    by_id: dict[str, int] = field(default_factory=dict)
    by_name_date: dict = field(default_factory=dict)
    by_name_year: dict = field(default_factory=dict)

    @classmethod
    def load(cls, session: Session, ward_id: int) -> WardPeople:
        people = cls()
        rows = session.execute(
            select(
                Beneficiary.id,
                Beneficiary.national_id,
                Beneficiary.name_key,
                Beneficiary.birth_date,
                Beneficiary.birth_year,
            ).where(Beneficiary.ward_id == ward_id)
        )
        for pid, national_id, name_key, birth_date, birth_year in rows:
            if national_id:
                people.by_id[national_id] = pid
            if birth_date:
                people.by_name_date.setdefault((name_key, birth_date), pid)
            people.by_name_year.setdefault((name_key, birth_year), pid)
        return people

    def match(self, row: ParsedRow) -> int | None:
        """The id of the person this row is, or None for someone new."""
        if row.national_id:
            return self.by_id.get(row.national_id)
        if row.birth_date:
            return self.by_name_date.get((row.name_key, row.birth_date))
        return self.by_name_year.get((row.name_key, row.birth_year))

    def matches(self, rows: Iterable[ParsedRow]) -> dict[int, int]:
        """Excel row → id of the person it updates, for the rows that match someone."""
        return {r.row: pid for r in rows if (pid := self.match(r))}
