"""Campaign setup: campaigns (and finding them), their packages (source + amount + eligibility rule)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlmodel import Session

from data_layer.campaigns.rules import Rule
from data_layer.core import audit
from data_layer.core.access import Scope
from data_layer.core.codes import Action, CampaignKind, PackageKind
from data_layer.core.errors import Conflict, Invalid, NotFound
from data_layer.core.models import Allocation, Campaign, Category, FundingSource, Package, Ward
from data_layer.vn.formatting import format_date, format_money
from data_layer.vn.text import normalize_text


@dataclass
class PackageRow:
    """A package as pages show it: its source by name, its rule decoded."""

    id: int
    source_id: int
    source: str  # the funding source's name
    label: str
    amount: int
    kind: str
    rule: Rule
    budget: int | None
    priority: int


def campaign_or_missing(session: Session, campaign_id: int) -> Campaign:
    """The campaign with this id (NotFound otherwise)."""
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise NotFound("Không tìm thấy đợt tặng quà.")
    return campaign


def list_campaigns(session: Session) -> list[Campaign]:
    """Campaigns, newest first (campaigns are city-wide: every user sees them)."""
    return list(
        session.execute(select(Campaign).order_by(Campaign.year.desc(), Campaign.id.desc())).scalars()
    )


def get_campaign_by_name(session: Session, name: str) -> Campaign:
    """The campaign of this name (NotFound naming it otherwise)."""
    campaign = (
        session.execute(select(Campaign).where(Campaign.name == normalize_text(name))).scalars().first()
    )
    if campaign is None:
        raise NotFound(f"Không tìm thấy đợt tặng quà '{name}'.")
    return campaign


def _check_campaign(
    name: str, year: int, kind: str, start_date, end_date, report_from, report_to, report_hour
):
    if not name:
        raise Invalid("Tên đợt tặng quà không được để trống.")
    if kind not in CampaignKind.__members__.values():
        raise Invalid(f"Loại đợt '{kind}' không hợp lệ.")
    if not 2000 <= year <= 2100:
        raise Invalid(f"Năm {year} không hợp lệ.")
    if start_date and end_date and end_date < start_date:
        raise Invalid("Ngày kết thúc phải sau ngày bắt đầu.")
    if report_from and report_to and report_to < report_from:
        raise Invalid("Cuối kỳ báo cáo phải sau đầu kỳ báo cáo.")
    if report_hour is not None and not 0 <= report_hour <= 23:
        raise Invalid("Giờ báo cáo phải từ 0 đến 23.")


def create_campaign(
    session: Session,
    scope: Scope,
    *,
    name: str,
    year: int,
    kind: CampaignKind = CampaignKind.TET,
    start_date: date | None = None,
    end_date: date | None = None,
    report_from: date | None = None,
    report_to: date | None = None,
    report_hour: int | None = None,
) -> Campaign:
    """Create a campaign with its dates and daily reporting window (admin and district staff)."""
    scope.require_manager()
    name = normalize_text(name) or ""
    _check_campaign(name, year, kind, start_date, end_date, report_from, report_to, report_hour)
    if session.execute(select(Campaign.id).where(Campaign.name == name)).first():
        raise Conflict(f"Đợt tặng quà '{name}' đã tồn tại.")
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
    audit.record(session, scope, table="campaign", row_id=campaign.id, action=Action.INSERT, new=name)
    return campaign


ENDED_LONG_AGO = timedelta(days=30)


def ended_notice(campaign: Campaign, today: date) -> str | None:
    """A warning for work in a campaign whose window (or report window) ended more than a month ago."""
    ended = campaign.end_date or campaign.report_to
    if ended is None or today - ended <= ENDED_LONG_AGO:
        return None
    months = (today.year - ended.year) * 12 + today.month - ended.month
    ago = f"{months} tháng trước" if months >= 1 else f"{(today - ended).days} ngày trước"
    return (
        f"Đợt «{campaign.name}» đã kết thúc ngày {format_date(ended)} ({ago}): "
        "mọi thay đổi ở đây ghi vào đợt cũ này."
    )


def update_campaign_dates(
    session: Session,
    scope: Scope,
    campaign_id: int,
    *,
    start_date: date | None,
    end_date: date | None,
    report_from: date | None,
    report_to: date | None,
    report_hour: int | None,
) -> Campaign:
    """Change a campaign's dates, daily report window and deadline hour after creation (admin and
    district staff); each changed field audited. Sign-offs already made keep their time."""
    scope.require_manager()
    campaign = campaign_or_missing(session, campaign_id)
    new = {
        "start_date": start_date,
        "end_date": end_date,
        "report_from": report_from,
        "report_to": report_to,
        "report_hour": report_hour,
    }
    _check_campaign(campaign.name, campaign.year, campaign.kind, *new.values())
    for field, value in new.items():
        if getattr(campaign, field) != value:
            audit.record(
                session,
                scope,
                table="campaign",
                row_id=campaign.id,
                action=Action.UPDATE,
                field=field,
                old=getattr(campaign, field),
                new=value,
            )
            setattr(campaign, field, value)
    session.add(campaign)
    session.flush()
    return campaign


def add_package(session: Session, scope: Scope, **package) -> Package:
    """Add a package (gift level) to a campaign: ``create_package`` for admin and district staff."""
    scope.require_manager()
    return create_package(session, scope, **package)


def create_package(
    session: Session,
    scope: Scope,
    *,
    campaign_id: int,
    source_id: int,
    label: str,
    amount: int,
    kind: PackageKind = PackageKind.CASH,
    rule: Rule | None = None,
    everyone: bool = False,
    budget: int | None = None,
    priority: int = 0,
) -> Package:
    """Check, insert and audit a package (gift level) of a campaign, for whoever the caller allows (the
    setup page: managers; a gift list naming a level the campaign lacks: whoever imports it). It needs
    a name; a package without conditions goes to every active person, so it needs ``everyone`` said
    explicitly."""
    campaign_or_missing(session, campaign_id)
    source = session.get(FundingSource, source_id)
    if source is None:
        raise NotFound("Không tìm thấy nguồn kinh phí.")
    label = normalize_text(label) or ""
    if not label:
        raise Invalid("Đặt tên cho mức quà (ví dụ: Quà Chủ tịch nước – mức 600.000 đ).")
    if amount is None or amount <= 0:
        raise Invalid("Mức quà phải lớn hơn 0 đồng.")
    if kind not in PackageKind.__members__.values():
        raise Invalid(f"Hình thức quà '{kind}' không hợp lệ.")
    if budget is not None and budget < 0:
        raise Invalid("Dự toán không được âm.")
    rule = rule or Rule()
    if rule.is_everyone and not everyone:
        raise Invalid(
            "Mức quà chưa có điều kiện (nhóm, tuổi, phường/xã): chọn 'Mọi đối tượng đang hưởng' nếu đúng là "
            "tặng cho tất cả."
        )
    _check_rule_codes(session, rule)
    package = Package(
        campaign_id=campaign_id,
        source_id=source.id,
        label=label,
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
        action=Action.INSERT,
        new=f"{source.name}: {package.label} ({format_money(amount)})",
    )
    return package


def _check_rule_codes(session: Session, rule: Rule) -> None:
    known_categories = set(session.execute(select(Category.code)).scalars())
    if unknown := sorted(set(rule.categories) - known_categories):
        raise Invalid("Nhóm đối tượng không có trong danh mục: " + ", ".join(unknown))
    known_wards = set(session.execute(select(Ward.code)).scalars())
    if unknown := sorted(set(rule.wards) - known_wards):
        raise Invalid("Phường/xã không có trong danh mục: " + ", ".join(unknown))


def delete_package(session: Session, scope: Scope, package_id: int) -> None:
    """Remove a package that has no allocations yet."""
    scope.require_manager()
    package = session.get(Package, package_id)
    if package is None:
        raise NotFound("Không tìm thấy mức quà.")
    if session.execute(select(Allocation.id).where(Allocation.package_id == package_id).limit(1)).first():
        raise Conflict("Mức quà đã có người được phân bổ: không xóa được.")
    audit.record(session, scope, table="package", row_id=package_id, action=Action.DELETE, old=package.label)
    session.delete(package)
    session.flush()


def list_packages(session: Session, campaign_id: int) -> list[PackageRow]:
    """Packages of a campaign, by source then priority."""
    rows = session.execute(
        select(Package, FundingSource.name)
        .join(FundingSource, FundingSource.id == Package.source_id)
        .where(Package.campaign_id == campaign_id)
        .order_by(FundingSource.id, Package.priority, Package.id)
    )
    return [
        PackageRow(
            id=p.id,
            source_id=p.source_id,
            source=source,
            label=p.label,
            amount=p.amount,
            kind=p.kind,
            rule=Rule.from_json(p.rule),
            budget=p.budget,
            priority=p.priority,
        )
        for p, source in rows
    ]
