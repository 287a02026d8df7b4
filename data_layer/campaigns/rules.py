"""Who qualifies for a package: categories, ages in the campaign year, wards."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

from data_layer.core.errors import Invalid

MILESTONES = (100, 95, 90, 85, 80, 75, 70)  # longevity ages; 100 stands for "100 trở lên"


def milestone_of(year: int, birth_year: int | None) -> int | None:
    """The longevity milestone age a person born in ``birth_year`` reaches in ``year`` (70, 75 …
    95, 100 for 100 and over); None under 70 or without a birth year."""
    if birth_year is None:
        return None
    return next((m for m in MILESTONES if year - birth_year >= m), None)


@dataclass
class Rule:
    """Who qualifies for a package. Empty lists mean "no condition"; ages are campaign year − birth
    year. Categories and wards are named by their catalogue codes. ``listed``: only the people a ward's
    imported list names (a gift level read from a file): the rules never add anyone to it."""

    categories: list[str] = field(default_factory=list)
    ages: list[int] = field(default_factory=list)
    age_min: int | None = None
    wards: list[str] = field(default_factory=list)
    listed: bool = False

    @classmethod
    def from_json(cls, text: str | None) -> Rule:
        data = json.loads(text) if text else {}
        return cls(
            categories=list(data.get("categories", [])),
            ages=[int(a) for a in data.get("ages", [])],
            age_min=data.get("age_min"),
            wards=list(data.get("wards", [])),
            listed=bool(data.get("listed", False)),
        )

    def to_json(self) -> str:
        kept = {k: v for k, v in asdict(self).items() if v not in (None, []) and v is not False}
        return json.dumps(kept, ensure_ascii=False)

    @property
    def is_longevity(self) -> bool:
        return bool(self.ages or self.age_min)

    @property
    def is_everyone(self) -> bool:
        return not (self.categories or self.ages or self.age_min or self.wards or self.listed)

    def describe(self, category_names: dict[str, str], ward_names: dict[str, str]) -> str:
        """Short Vietnamese description for tables, naming categories and wards."""
        if self.listed:
            return "người có tên trong danh sách phường/xã nhập"
        parts = []
        if self.categories:
            parts.append("; ".join(category_names.get(c, c) for c in self.categories))
        if self.ages or self.age_min:
            ages = [str(a) for a in self.ages] + ([f"từ {self.age_min}"] if self.age_min else [])
            parts.append("tuổi " + ", ".join(ages))
        if self.wards:
            parts.append("chỉ " + ", ".join(ward_names.get(w, w) for w in self.wards))
        return " · ".join(parts) or "mọi đối tượng đang hưởng"

    def qualifies(self, year: int, birth_year: int | None, ward_code: str, categories: set[str]) -> bool:
        """Whether one person meets the rule in the campaign year (never, for a listed-only level)."""
        if self.listed:
            return False
        if self.categories and not categories.intersection(self.categories):
            return False
        if self.wards and ward_code not in self.wards:
            return False
        if self.ages or self.age_min:
            if birth_year is None:
                return False
            age = year - birth_year
            if age not in self.ages and not (self.age_min and age >= self.age_min):
                return False
        return True


def parse_ages(text: str) -> tuple[list[int], int | None]:
    """'70, 75, 100+' → ([70, 75], 100)."""
    ages, age_min = [], None
    for part in (text or "").replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        if part.endswith("+") and part[:-1].isdigit():
            age_min = int(part[:-1])
        elif part.isdigit():
            ages.append(int(part))
        else:
            raise Invalid(f"Tuổi '{part}' không hợp lệ: ghi ví dụ 70, 75, 100+.")
    return sorted(set(ages)), age_min
