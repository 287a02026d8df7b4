"""Who may see and change what. Every data-layer read and write takes a Scope.

Ward restrictions are applied inside the SQL (``Scope.ward_clause``), never by hiding widgets, and
every write function checks its own permission (``require_*``), whatever the page shows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, true

from data_layer.core.codes import Role
from data_layer.core.errors import Forbidden
from data_layer.core.models import User

ROLES_NEEDING_WARD = (Role.WARD,)
MANAGERS = (Role.ADMIN, Role.PROVINCE, Role.DISTRICT)


@dataclass(frozen=True)
class Scope:
    """The user behind a request: role and the wards they may touch (None = every ward)."""

    user_id: int | None
    username: str
    role: Role
    ward_ids: frozenset[int] | None

    @classmethod
    def for_user(cls, user: User, province_wards: frozenset[int] | None = None) -> Scope:
        """Scope of a stored user: ward staff (and a viewer tied to a ward) see one ward only; a province
        officer the wards of the province (``province_wards``: ``registry.wards.province_ward_ids``)."""
        if user.role == Role.PROVINCE:
            return cls(user.id, user.username, Role.PROVINCE, frozenset(province_wards or ()))
        restricted = user.role == Role.WARD or (user.role == Role.VIEWER and user.ward_id is not None)
        wards = frozenset({user.ward_id} if user.ward_id is not None else set()) if restricted else None
        return cls(user_id=user.id, username=user.username, role=Role(user.role), ward_ids=wards)

    @classmethod
    def system(cls) -> Scope:
        """Scope of the command line tool run by the server operator: full access."""
        return cls(user_id=None, username="cli", role=Role.ADMIN, ward_ids=None)

    @property
    def can_write(self) -> bool:
        return self.role != Role.VIEWER

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_manager(self) -> bool:
        """Admins, province and district staff: they manage campaigns, approvals and shared settings
        (a province officer within the wards of the province)."""
        return self.role in MANAGERS

    @property
    def sees_all_wards(self) -> bool:
        return self.ward_ids is None

    @property
    def watches_hamlets(self) -> bool:
        """A commune office (ward staff, or a viewer tied to one ward) watches its thôn/tổ dân phố:
        figures group by hamlet. Province, district and admin staff watch communes (group by ward)."""
        return self.role != Role.PROVINCE and self.ward_ids is not None and len(self.ward_ids) == 1

    def ward_clause(self, column) -> ColumnElement[bool]:
        """SQL condition restricting ``column`` (a ward id column) to this scope."""
        return true() if self.ward_ids is None else column.in_(sorted(self.ward_ids))

    def may_see_ward(self, ward_id: int | None) -> bool:
        return self.ward_ids is None or ward_id in self.ward_ids

    def require_write(self) -> None:
        if not self.can_write:
            raise Forbidden("Tài khoản chỉ xem không được thay đổi dữ liệu.")

    def require_ward(self, ward_id: int | None) -> None:
        """Refuse a write to a ward outside the scope."""
        self.require_write()
        if not self.may_see_ward(ward_id):
            raise Forbidden("Bạn không có quyền với dữ liệu của phường/xã này.")

    def require_wards(self, ward_ids: Iterable[int]) -> None:
        for ward_id in set(ward_ids):
            self.require_ward(ward_id)

    def require_admin(self) -> None:
        if not self.is_admin:
            raise Forbidden("Chỉ quản trị viên được thực hiện thao tác này.")

    def require_manager(self) -> None:
        """Admins and district staff manage campaigns and city-wide settings."""
        if not self.is_manager:
            raise Forbidden(
                "Chỉ cán bộ cấp tỉnh, cấp huyện/thành phố hoặc quản trị viên được thực hiện thao tác này."
            )
