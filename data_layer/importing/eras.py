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
from data_layer.registry.unit_catalog import NEW, OLD, old_units_into
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
    """``era`` 'old' or 'new'; ``old_unit``: (code, name) of the old commune the title names."""

    era: str
    old_unit: tuple[str, str] | None = None
    warnings: list[str] = field(default_factory=list)


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
    return ListEra(era, old_unit=(found[0].code, found[0].name))
