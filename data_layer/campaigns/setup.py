"""Campaign setup: campaigns, their packages (source + amount + eligibility rule) and copying a campaign."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import date

from sqlalchemy import select
from sqlmodel import Session

from data_layer.core import audit
from data_layer.core.access import Scope
from data_layer.core.models import (
    CAMPAIGN_KINDS,
    Allocation,
    Campaign,
    Category,
    FundingSource,
    Package,
    Ward,
)
from data_layer.vn.text import normalize_text

KIND_LABELS = {"tet": "Tết", "longevity": "Mừng thọ", "emergency": "Hỗ trợ khẩn cấp", "other": "Khác"}
PACKAGE_KINDS = {"cash": "Tiền mặt", "in_kind": "Hiện vật"}


@dataclass
class Rule:
    """Who qualifies for a package. Empty lists mean "no condition"; ages are campaign year − birth year."""

    categories: list[str] = field(default_factory=list)
    ages: list[int] = field(default_factory=list)
    age_min: int | None = None
    wards: list[str] = field(default_factory=list)

    @classmethod
    def from_json(cls, text: str | None) -> Rule:
        data = json.loads(text) if text else {}
        return cls(
            categories=list(data.get("categories", [])),
            ages=[int(a) for a in data.get("ages", [])],
            age_min=data.get("age_min"),
            wards=list(data.get("wards", [])),
        )

    def to_json(self) -> str:
        return json.dumps({k: v for k, v in asdict(self).items() if v not in (None, [])}, ensure_ascii=False)

    @property
    def is_longevity(self) -> bool:
        return bool(self.ages or self.age_min)

    def describe(self) -> str:
        """Short Vietnamese description for tables."""
        parts = []
        if self.categories:
            parts.append("nhóm " + ", ".join(self.categories))
        if self.ages or self.age_min:
            ages = [str(a) for a in self.ages] + ([f"{self.age_min}+"] if self.age_min else [])
            parts.append("tuổi " + ", ".join(ages))
        if self.wards:
            parts.append("phường/xã " + ", ".join(self.wards))
        return "; ".join(parts) or "mọi đối tượng đang hưởng"


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
            raise ValueError(f"Tuổi '{part}' không hợp lệ: ghi ví dụ 70, 75, 100+.")
    return sorted(set(ages)), age_min


def create_campaign(
    session: Session,
    scope: Scope,
    *,
    name: str,
    year: int,
    kind: str = "tet",
    start_date: date | None = None,
    end_date: date | None = None,
    report_from: date | None = None,
    report_to: date | None = None,
    report_hour: int | None = None,
) -> Campaign:
    """Create a campaign with its dates and daily reporting window (admin and district staff)."""
    scope.require_district()
    name = normalize_text(name) or ""
    if not name:
        raise ValueError("Tên đợt tặng quà không được để trống.")
    if kind not in CAMPAIGN_KINDS:
        raise ValueError(f"Loại đợt '{kind}' không hợp lệ.")
    if not 2000 <= year <= 2100:
        raise ValueError(f"Năm {year} không hợp lệ.")
    if start_date and end_date and end_date < start_date:
        raise ValueError("Ngày kết thúc phải sau ngày bắt đầu.")
    if report_from and report_to and report_to < report_from:
        raise ValueError("Cuối kỳ báo cáo phải sau đầu kỳ báo cáo.")
    if report_hour is not None and not 0 <= report_hour <= 23:
        raise ValueError("Giờ báo cáo phải từ 0 đến 23.")
    if session.execute(select(Campaign.id).where(Campaign.name == name)).first():
        raise ValueError(f"Đợt tặng quà '{name}' đã tồn tại.")
    campaign = Campaign(
        name=name,
        year=year,
        kind=kind,
        start_date=start_date,
        end_date=end_date,
        report_from=report_from,
        report_to=report_to,
        report_hour=report_hour,
    )
    session.add(campaign)
    session.flush()
    audit.record(session, scope, table="campaign", row_id=campaign.id, action="insert", new=name)
    return campaign


def add_package(
    session: Session,
    scope: Scope,
    *,
    campaign_id: int,
    source_code: str,
    label: str,
    amount: int,
    kind: str = "cash",
    rule: Rule | None = None,
    budget: int | None = None,
    priority: int = 0,
) -> Package:
    """Add a package (gift level) to a campaign; the rule's category and ward codes must exist."""
    scope.require_district()
    if session.get(Campaign, campaign_id) is None:
        raise ValueError("Không tìm thấy đợt tặng quà.")
    source = session.execute(
        select(FundingSource).where(FundingSource.code == source_code)
    ).scalar_one_or_none()
    if source is None:
        raise ValueError(f"Không tìm thấy nguồn kinh phí '{source_code}'.")
    if amount is None or amount <= 0:
        raise ValueError("Mức quà phải lớn hơn 0 đồng.")
    if kind not in PACKAGE_KINDS:
        raise ValueError(f"Hình thức quà '{kind}' không hợp lệ.")
    if budget is not None and budget < 0:
        raise ValueError("Dự toán không được âm.")
    rule = rule or Rule()
    _check_rule_codes(session, rule)
    package = Package(
        campaign_id=campaign_id,
        source_id=source.id,
        label=normalize_text(label) or f"Mức {amount}",
        amount=amount,
        kind=kind,
        rule=rule.to_json(),
        budget=budget,
        priority=priority,
    )
    session.add(package)
    session.flush()
    audit.record(
        session,
        scope,
        table="package",
        row_id=package.id,
        action="insert",
        new=f"{source.code} {package.label} {amount}",
    )
    return package


def _check_rule_codes(session: Session, rule: Rule) -> None:
    known_categories = set(session.execute(select(Category.code)).scalars())
    if unknown := sorted(set(rule.categories) - known_categories):
        raise ValueError("Nhóm đối tượng không có trong danh mục: " + ", ".join(unknown))
    known_wards = set(session.execute(select(Ward.code)).scalars())
    if unknown := sorted(set(rule.wards) - known_wards):
        raise ValueError("Phường/xã không có trong danh mục: " + ", ".join(unknown))


def delete_package(session: Session, scope: Scope, package_id: int) -> None:
    """Remove a package that has no allocations yet."""
    scope.require_district()
    package = session.get(Package, package_id)
    if package is None:
        raise ValueError("Không tìm thấy mức quà.")
    if session.execute(select(Allocation.id).where(Allocation.package_id == package_id).limit(1)).first():
        raise ValueError("Mức quà đã có người được phân bổ: không xóa được.")
    audit.record(session, scope, table="package", row_id=package_id, action="delete", old=package.label)
    session.delete(package)
    session.flush()


def list_packages(session: Session, campaign_id: int) -> list[tuple[Package, str]]:
    """Packages of a campaign with their source code, in priority order."""
    rows = session.execute(
        select(Package, FundingSource.code)
        .join(FundingSource, FundingSource.id == Package.source_id)
        .where(Package.campaign_id == campaign_id)
        .order_by(FundingSource.code, Package.priority, Package.id)
    )
    return [(package, code) for package, code in rows]


def copy_campaign(
    session: Session, scope: Scope, source_campaign_id: int, *, name: str, year: int
) -> Campaign:
    """A new campaign with the packages of an earlier one (e.g. last year's Tết) as a starting point."""
    original = session.get(Campaign, source_campaign_id)
    if original is None:
        raise ValueError("Không tìm thấy đợt tặng quà để sao chép.")
    shift = year - original.year

    def moved(day: date | None) -> date | None:
        if day is None:
            return None
        try:
            return day.replace(year=day.year + shift)
        except ValueError:  # 29 February
            return day.replace(year=day.year + shift, day=28)

    campaign = create_campaign(
        session,
        scope,
        name=name,
        year=year,
        kind=original.kind,
        start_date=moved(original.start_date),
        end_date=moved(original.end_date),
        report_from=moved(original.report_from),
        report_to=moved(original.report_to),
        report_hour=original.report_hour,
    )
    for package, _code in list_packages(session, source_campaign_id):
        session.add(
            Package(
                campaign_id=campaign.id,
                source_id=package.source_id,
                label=package.label,
                amount=package.amount,
                kind=package.kind,
                rule=package.rule,
                budget=package.budget,
                priority=package.priority,
            )
        )
    session.flush()
    return campaign
