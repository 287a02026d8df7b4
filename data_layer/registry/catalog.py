"""Reference data: wards, funding sources, beneficiary categories, campaigns.

The standard catalogue below is only the *initial* content seeded by ``ansinh db init``; admins edit
it afterwards, and seeding never changes a row that already exists.
"""

from __future__ import annotations

from sqlmodel import Session, select

from data_layer.allowance import reference as allowance_reference
from data_layer.core import audit
from data_layer.core.access import Scope
from data_layer.core.codes import Action
from data_layer.core.errors import Invalid, NotFound
from data_layer.core.models import Campaign, Category, FundingSource, Ward
from data_layer.vn.text import normalize_text

STANDARD_SOURCES = [
    ("TW", "Trung ương (quà của Chủ tịch nước)"),
    ("TINH", "Tỉnh/Thành phố trực thuộc Trung ương"),
    ("HUYEN", "Huyện/Quận/Thành phố thuộc tỉnh"),
    ("XA", "Xã/Phường"),
    ("XHH", "Xã hội hóa (MTTQ, đoàn thể, doanh nghiệp, nhà hảo tâm)"),
    ("QDODN", "Quỹ Đền ơn đáp nghĩa"),
    ("QVNN", "Quỹ Vì người nghèo"),
    ("QBTTE", "Quỹ Bảo trợ trẻ em"),
]

STANDARD_CATEGORIES = [
    ("NCC_LTCM", "Cán bộ lão thành cách mạng, cán bộ tiền khởi nghĩa", "Người có công"),
    ("NCC_BMVNAH", "Bà mẹ Việt Nam anh hùng", "Người có công"),
    ("NCC_AH", "Anh hùng lực lượng vũ trang, Anh hùng lao động", "Người có công"),
    ("NCC_TB81", "Thương binh, bệnh binh suy giảm khả năng lao động từ 81% trở lên", "Người có công"),
    ("NCC_TB", "Thương binh, người hưởng chính sách như thương binh, bệnh binh", "Người có công"),
    ("NCC_CDHH", "Người hoạt động kháng chiến bị nhiễm chất độc hóa học", "Người có công"),
    ("NCC_KHAC", "Người có công khác", "Người có công"),
    ("TNLS2", "Thân nhân của hai liệt sĩ trở lên", "Người có công"),
    ("TNLS", "Thân nhân liệt sĩ", "Người có công"),
    ("TNNCC", "Thân nhân người có công", "Người có công"),
    ("BTXH", "Đối tượng bảo trợ xã hội hưởng trợ cấp hằng tháng", "Bảo trợ xã hội"),
    ("NKT", "Người khuyết tật", "Bảo trợ xã hội"),
    ("NCT", "Người cao tuổi", "Người cao tuổi"),
    ("HN", "Hộ nghèo", "Hộ nghèo, cận nghèo"),
    ("HCN", "Hộ cận nghèo", "Hộ nghèo, cận nghèo"),
    ("HTN", "Hộ mới thoát nghèo", "Hộ nghèo, cận nghèo"),
    ("TD", "Hộ có nguy cơ thiếu đói", "Hộ nghèo, cận nghèo"),
    ("TE", "Trẻ em có hoàn cảnh đặc biệt khó khăn", "Trẻ em"),
    ("TNXP", "Cựu thanh niên xung phong", "Khác"),
    ("CCB", "Cựu chiến binh có hoàn cảnh khó khăn", "Khác"),
    ("NLD", "Người lao động có hoàn cảnh khó khăn", "Khác"),
]


def _clean_code(code: str) -> str:
    code = (code or "").strip().upper()
    if not code or len(code) > 30 or not all(ch.isalnum() or ch in "_-" for ch in code):
        raise Invalid(f"Mã '{code}' không hợp lệ: chỉ dùng chữ không dấu, số, '_' hoặc '-'.")
    return code


def _clean_name(name: str) -> str:
    cleaned = normalize_text(name)
    if not cleaned:
        raise Invalid("Tên không được để trống.")
    return cleaned


def seed_reference_data(session: Session) -> None:
    """Insert the standard sources and categories (and the monthly allowance's standards, groups and
    coefficients) that are missing; existing rows stay untouched."""
    have_sources = set(session.exec(select(FundingSource.code)).all())
    session.add_all(FundingSource(code=c, name=n) for c, n in STANDARD_SOURCES if c not in have_sources)
    have_categories = set(session.exec(select(Category.code)).all())
    session.add_all(
        Category(code=c, name=n, group=g) for c, n, g in STANDARD_CATEGORIES if c not in have_categories
    )
    session.flush()
    allowance_reference.seed(session)


# --- wards -------------------------------------------------------------------------------------


def add_ward(session: Session, scope: Scope, code: str, name: str, parent_unit: str | None = None) -> Ward:
    """Create a ward, or return the existing one with the same code (idempotent on CODE)."""
    scope.require_admin()
    code = _clean_code(code)
    existing = session.exec(select(Ward).where(Ward.code == code)).first()
    if existing:
        return existing
    ward = Ward(code=code, name=_clean_name(name), parent_unit=normalize_text(parent_unit))
    session.add(ward)
    session.flush()
    audit.record(
        session, scope, table="ward", row_id=ward.id, action=Action.INSERT, ward_id=ward.id, new=ward.name
    )
    return ward


def list_wards(session: Session, scope: Scope, *, include_inactive: bool = False) -> list[Ward]:
    """Wards the scope may see, by code."""
    query = select(Ward).where(scope.ward_clause(Ward.id)).order_by(Ward.code)
    if not include_inactive:
        query = query.where(Ward.active)
    return list(session.exec(query).all())


def get_ward_by_code(session: Session, scope: Scope, code: str) -> Ward:
    """The ward with this code, if the scope may see it (else a Vietnamese error)."""
    ward = session.exec(
        select(Ward).where(Ward.code == (code or "").strip().upper(), scope.ward_clause(Ward.id))
    ).first()
    if ward is None:
        raise NotFound(
            f"Không tìm thấy phường/xã có mã '{code}' (hoặc bạn không có quyền với phường/xã này)."
        )
    return ward


# --- funding sources and categories --------------------------------------------------------------


def add_source(session: Session, scope: Scope, code: str, name: str) -> FundingSource:
    """Create a funding source, or return the existing one with the same code (idempotent)."""
    scope.require_admin()
    code = _clean_code(code)
    existing = session.exec(select(FundingSource).where(FundingSource.code == code)).first()
    if existing:
        return existing
    source = FundingSource(code=code, name=_clean_name(name))
    session.add(source)
    session.flush()
    audit.record(
        session, scope, table="fundingsource", row_id=source.id, action=Action.INSERT, new=source.name
    )
    return source


def list_sources(session: Session, *, include_inactive: bool = False) -> list[FundingSource]:
    query = select(FundingSource).order_by(FundingSource.id)
    if not include_inactive:
        query = query.where(FundingSource.active)
    return list(session.exec(query).all())


def get_source_by_code(session: Session, code: str) -> FundingSource:
    source = session.exec(
        select(FundingSource).where(FundingSource.code == (code or "").strip().upper())
    ).first()
    if source is None:
        raise NotFound(f"Không tìm thấy nguồn kinh phí có mã '{code}'.")
    return source


def add_category(session: Session, scope: Scope, code: str, name: str, group: str) -> Category:
    """Create a beneficiary category, or return the existing one with the same code (idempotent)."""
    scope.require_admin()
    code = _clean_code(code)
    existing = session.exec(select(Category).where(Category.code == code)).first()
    if existing:
        return existing
    category = Category(code=code, name=_clean_name(name), group=_clean_name(group))
    session.add(category)
    session.flush()
    audit.record(
        session, scope, table="category", row_id=category.id, action=Action.INSERT, new=category.name
    )
    return category


def list_categories(session: Session, *, include_inactive: bool = False) -> list[Category]:
    query = select(Category).order_by(Category.id)
    if not include_inactive:
        query = query.where(Category.active)
    return list(session.exec(query).all())


_ACTIVATABLE = {"ward": Ward, "fundingsource": FundingSource, "category": Category}


def set_active(session: Session, scope: Scope, table: str, row_id: int, active: bool) -> None:
    """Activate or deactivate a ward, funding source or category (rows are never deleted)."""
    scope.require_admin()
    model = _ACTIVATABLE[table]
    row = session.get(model, row_id)
    if row is None:
        raise NotFound("Không tìm thấy bản ghi cần thay đổi.")
    if row.active != active:
        audit.record(
            session,
            scope,
            table=table,
            row_id=row_id,
            action=Action.UPDATE,
            field="active",
            old=row.active,
            new=active,
        )
        row.active = active
        session.add(row)
        session.flush()


# --- campaigns ----------------------------------------------------------------------------------


def list_campaigns(session: Session) -> list[Campaign]:
    """Campaigns, newest first (campaigns are city-wide: every user sees them)."""
    return list(session.exec(select(Campaign).order_by(Campaign.year.desc(), Campaign.id.desc())).all())


def get_campaign_by_name(session: Session, name: str) -> Campaign:
    campaign = session.exec(select(Campaign).where(Campaign.name == normalize_text(name))).first()
    if campaign is None:
        raise NotFound(f"Không tìm thấy đợt tặng quà '{name}'.")
    return campaign
