"""The codes stored in the database, as StrEnums (their Vietnamese labels live in ``vn.labels``).

A member compares and hashes like its string value, so rows read back as plain text still match.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    DISTRICT = "district"
    WARD = "ward"
    VIEWER = "viewer"


class Gender(StrEnum):
    MALE = "M"
    FEMALE = "F"


class PersonStatus(StrEnum):
    """A beneficiary's status in the registry (báo tăng/giảm)."""

    ACTIVE = "active"
    DIED = "died"
    MOVED = "moved"
    INELIGIBLE = "ineligible"


class Problem(StrEnum):
    """The "Đúng, Đủ, Sạch, Sống" data-quality problems counted per ward."""

    MISSING_ID = "missing_id"
    INVALID_ID = "invalid_id"
    NO_HAMLET = "no_hamlet"
    POSSIBLE_DUPLICATES = "possible_duplicates"
    DEAD_WITH_GIFTS = "dead_with_gifts"


class CampaignKind(StrEnum):
    TET = "tet"
    LONGEVITY = "longevity"
    EMERGENCY = "emergency"
    OTHER = "other"


class CampaignStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class PackageKind(StrEnum):
    CASH = "cash"
    IN_KIND = "in_kind"


class AllocationStatus(StrEnum):
    PLANNED = "planned"
    DELIVERED = "delivered"
    NOT_DELIVERED = "not_delivered"


class DeliveryMethod(StrEnum):
    CASH = "cash"
    TRANSFER = "transfer"
    IN_KIND = "in_kind"


class NotDeliveredReason(StrEnum):
    ABSENT = "absent"
    DIED = "died"
    REFUSED = "refused"
    MOVED = "moved"
    OTHER = "other"


class BatchStatus(StrEnum):
    COMMITTED = "committed"
    UNDONE = "undone"


class RowStatus(StrEnum):
    """A row of an import preview."""

    OK = "ok"
    WARNING = "warning"
    ERROR = "error"


class Action(StrEnum):
    """What an audit event records."""

    INSERT = "insert"
    UPDATE = "update"
    DELETE = "delete"
    IMPORT = "import"
    UNDO_IMPORT = "undo_import"
    DELIVER = "deliver"
    NOT_DELIVER = "not_deliver"
    AUTO_ALLOCATE = "auto_allocate"
