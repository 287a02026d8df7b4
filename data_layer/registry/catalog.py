"""The catalogue every package reads: funding sources and beneficiary categories, and switching a
ward, source or category on or off (the wards themselves: ``registry.wards``).

The standard catalogue below is only the *initial* content seeded by ``ansinh db init``; admins edit
it afterwards, and seeding never changes a row that already exists.
"""

from __future__ import annotations

from sqlmodel import Session, select

from data_layer.core import audit
from data_layer.core.access import Scope
from data_layer.core.codes import Action
from data_layer.core.errors import Invalid, NotFound
from data_layer.core.models import Category, FundingSource, Ward
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


def clean_code(code: str) -> str:
    """A catalogue code as stored: upper case letters, digits, '_' or '-' (Invalid otherwise)."""
    code = (code or "").strip().upper()
    if not code or len(code) > 30 or not all(ch.isalnum() or ch in "_-" for ch in code):
        raise Invalid(f"Mã '{code}' không hợp lệ: chỉ dùng chữ không dấu, số, '_' hoặc '-'.")
    return code


def clean_name(name: str) -> str:
    """A catalogue name as stored: NFC, trimmed, never empty."""
    cleaned = normalize_text(name)
    if not cleaned:
        raise Invalid("Tên không được để trống.")
    return cleaned


def seed_catalog(session: Session) -> None:
    """Insert the standard sources and categories that are missing; existing rows stay untouched."""
    have_sources = set(session.exec(select(FundingSource.code)).all())
    session.add_all(FundingSource(code=c, name=n) for c, n in STANDARD_SOURCES if c not in have_sources)
    have_categories = set(session.exec(select(Category.code)).all())
    session.add_all(
        Category(code=c, name=n, group=g) for c, n, g in STANDARD_CATEGORIES if c not in have_categories
    )
    session.flush()


# --- funding sources and categories --------------------------------------------------------------


def add_source(session: Session, scope: Scope, code: str, name: str) -> FundingSource:
    """Create a funding source, or return the existing one with the same code (idempotent)."""
    scope.require_admin()
    code = clean_code(code)
    existing = session.exec(select(FundingSource).where(FundingSource.code == code)).first()
    if existing:
        return existing
    source = FundingSource(code=code, name=clean_name(name))
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
    code = clean_code(code)
    existing = session.exec(select(Category).where(Category.code == code)).first()
    if existing:
        return existing
    category = Category(code=code, name=clean_name(name), group=clean_name(group))
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
