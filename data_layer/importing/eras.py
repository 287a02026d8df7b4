"""The era of an imported list (before or from 1 July 2025) and, for an old list, the pre-2025
commune it names in its title ("UBND PHƯỜNG QUANG TRUNG"), resolved through the official catalogue to
an old commune that went into the ward the list is imported into. Each new person keeps that old
commune's code and name."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session

from data_layer.core.models import Ward
from data_layer.registry.hamlet_placements import hamlet_key
from data_layer.registry.unit_catalog import NEW, OLD, old_units_into, successors_of
from data_layer.vn.text import fold

MERGER_DAY = date(2025, 7, 1)
OLD_LIST_LABEL = "Danh sách lập trước 01/7/2025"

_DATE = re.compile(r"(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})")
_WORDS_DATE = re.compile(r"ngay\s+(\d{1,2})\s+thang\s+(\d{1,2})\s+nam\s+(\d{4})")
_YEAR = re.compile(r"\bnam\s+(\d{4})\b")
# "UBND PHƯỜNG QUANG TRUNG", "ỦY BAN NHÂN DÂN XÃ …": the issuing commune (folded text)
_ISSUER = re.compile(r"^(?:ubnd|uy ban nhan dan)\s+((?:phuong|xa|thi tran)\s+.+)$")


@dataclass(frozen=True)
class ListEra:
    """``era`` 'old' or 'new'; ``old_unit``: (code, name) of the old commune the title names;
    ``split``: today's units (code, name) it was split over when none took all the people (each of its
    hamlets went to one of them: asked once per hamlet)."""

    era: str
    old_unit: tuple[str, str] | None = None
    warnings: list[str] = field(default_factory=list)
    split: list[tuple[str, str]] = field(default_factory=list)


def _dates(lines: list[str]) -> list[date]:
    found = []
    for line in map(fold, lines):
        for day, month, year in [*_DATE.findall(line), *_WORDS_DATE.findall(line)]:
            try:
                found.append(date(int(year), int(month), int(day)))
            except ValueError:
                continue
        rest = _WORDS_DATE.sub(" ", _DATE.sub(" ", line))  # "năm YYYY" alone: the whole year
        found += [date(int(y), 12, 31) for y in _YEAR.findall(rest)]
    return found


def era_of_title(lines: list[str]) -> str:
    """'old' when the title's date (or 'năm YYYY') is before 01/7/2025, else 'new'."""
    dates = _dates(lines)
    return OLD if dates and max(dates) < MERGER_DAY else NEW


def issuer_of_title(lines: list[str]) -> str | None:
    """The commune a title line names as issuer, as written there ("PHƯỜNG QUANG TRUNG")."""
    for line in lines:
        match = _ISSUER.match(fold(line))
        if match:
            words = line.split()
            return " ".join(words[len(words) - len(match.group(1).split()) :])
    return None


def list_era(session: Session, ward: Ward, title_lines: list[str], chosen: str | None = None) -> ListEra:
    """The list's era (the user's choice, else its title's date) and, for an old list whose title
    names an old commune of the ward, that commune."""
    era = chosen or era_of_title(title_lines)
    issuer = issuer_of_title(title_lines)
    if era != OLD or issuer is None:
        return ListEra(era)
    if ward.official_code is None:  # a ward known by its local code only: nothing to look up
        return ListEra(era)
    found = old_units_into(session, issuer, ward.official_code)
    if len(found) != 1:
        reason = "không thuộc" if not found else "có nhiều đơn vị cùng tên đã nhập vào"
        return ListEra(era, warnings=[f"Đơn vị cũ '{issuer}' trong tiêu đề {reason} {ward.name}."])
    old = found[0]
    successors = successors_of(session, old.code, old.name)
    split = [] if len(successors) < 2 or any(s[2] for s in successors) else [(c, n) for c, n, _ in successors]
    return ListEra(era, old_unit=(old.code, old.name), split=split)


def place_rows_by_hamlet(
    ward: Ward, era: ListEra, rows: list, answers: dict[str, str], column: str
) -> list[str]:
    """For a split old commune: each row's hamlet must have gone to ``ward`` (``answers``: hamlet key →
    today's unit code, remembered or just chosen). Rows of a hamlet that went elsewhere, or not yet
    placed, get an error; returns the hamlets still to be placed, in list order."""
    names = dict(era.split)
    old_name = era.old_unit[1] if era.old_unit else ""
    open_hamlets: list[str] = []
    for row in rows:
        if row.errors:
            continue
        code = answers.get(hamlet_key(row.hamlet))
        if not row.hamlet:
            row.errors.append(
                (
                    column,
                    f"Không ghi thôn/tổ: {old_name} cũ đã chia cho nhiều đơn vị, "
                    "cần biết người này ở thôn/tổ nào.",
                )
            )
        elif code is None:
            if row.hamlet not in open_hamlets:
                open_hamlets.append(row.hamlet)
            row.errors.append((column, f"Chưa chọn {row.hamlet} của {old_name} cũ nay thuộc đơn vị nào."))
        elif code != ward.official_code:
            row.errors.append(
                (
                    column,
                    f"{row.hamlet} của {old_name} cũ nay thuộc {names.get(code, code)}: "
                    "nhập dòng này vào đơn vị đó.",
                )
            )
    return open_hamlets


def old_units_of_rows(session: Session, ward: Ward, era: ListEra, rows: list) -> dict[int, tuple[str, str]]:
    """An old list's old commune per Excel row: its ``Phường/Xã`` cell resolved among the old communes
    that went into ``ward`` (a cell that names none gets a warning), else the one the title names."""
    if era.era != OLD or ward.official_code is None:
        return {}
    found: dict[str, list] = {}
    placed = {}
    for row in rows:
        if row.errors:
            continue
        if not row.commune:
            if era.old_unit:
                placed[row.row] = era.old_unit
            continue
        if row.commune not in found:
            found[row.commune] = old_units_into(session, row.commune, ward.official_code)
        units = found[row.commune]
        if len(units) == 1:
            placed[row.row] = (units[0].code, units[0].name)
        else:
            row.warnings.append(
                f"Phường/xã cũ '{row.commune}' không thuộc {ward.name}: không ghi được đơn vị cũ."
            )
    return placed
