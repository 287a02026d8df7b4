"""The codes stored in the database, as StrEnums (their Vietnamese labels live in ``vn.labels``).

A member compares and hashes like its string value, so rows read back as plain text still match.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    PROVINCE = "province"  # cán bộ cấp tỉnh (Sở Y tế since 2025): every ward of the province
    DISTRICT = "district"  # pre-2025 district staff: every ward (kept for old data)
    WARD = "ward"  # cán bộ phường/xã: the commune office
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
    # monthly allowance
    STOP = "stop"
    SUSPEND = "suspend"
    RESUME = "resume"
    BUILD_PAYROLL = "build_payroll"
    LOCK_PAYROLL = "lock_payroll"
    LOCK_BHYT = "lock_bhyt"  # a ward's monthly health-insurance list sent and locked
    # campaign approval
    APPROVE = "approve"
    UNLOCK = "unlock"
    # campaign reporting
    SIGN_OFF = "sign_off"
    # the database itself
    BACKUP = "backup"


class ReliefReason(StrEnum):
    """Why a rice relief round is held (Decree 20/2021 art. 12)."""

    TET = "tet"
    LEAN = "lean"
    DISASTER = "disaster"
    FIRE = "fire"
    CROP = "crop"
    OTHER = "other"


class ReliefReport(StrEnum):
    """A report of a relief round's calendar (``relief.calendar``): a Tết round's plan, quick report
    before Tết and report after Tết; any other round's result report."""

    PLAN = "plan"
    QUICK = "quick"
    AFTER_TET = "after_tet"
    RESULT = "result"


class Poverty(StrEnum):
    """A household's poverty status as a relief list or the registry gives it."""

    POOR = "poor"
    NEAR_POOR = "near_poor"


class ApprovalAction(StrEnum):
    """An event of a ward's approval history in a campaign."""

    APPROVE = "approve"
    UNLOCK = "unlock"


class SealKind(StrEnum):
    """What a link of the seal chain covers (``core.seals``)."""

    PAYROLL = "payroll"
    WARD_REPORT = "wardreport"
    APPROVAL = "approval"
    RELIEF_SIGN_OFF = "reliefsignoff"
    BHYT_LIST = "bhytlist"  # a ward's monthly health-insurance list as sent


class ReportStatus(StrEnum):
    """A ward's report in the reporting-rate grid."""

    ON_TIME = "on_time"
    LATE = "late"
    MISSING = "missing"
    NOT_DUE = "not_due"


class FiguresBasis(StrEnum):
    """Which figures a report shows: the wards' signed-off (reported) ones or the live data."""

    REPORTED = "reported"
    LIVE = "live"


# --- monthly allowance -------------------------------------------------------------------------------


class StandardKind(StrEnum):
    """The dated reference values of the monthly allowance (``allowancestandard``)."""

    STANDARD = "standard"  # mức chuẩn trợ giúp xã hội, đồng
    PENSION = "pension"  # trợ cấp hưu trí xã hội, đồng
    FUNERAL = "funeral"  # funeral support as a multiple of the standard


class GroupKind(StrEnum):
    """How an allowance group's amount is worked out."""

    COEFFICIENT = "coefficient"  # standard × the coefficient of the person's age band
    PER_CHILD = "per_child"  # standard × coefficient × number of children (5.4)
    PENSION = "pension"  # the social pension level, not × standard (HTXH)


class EntitlementStatus(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    STOPPED = "stopped"


class StopReason(StrEnum):
    DIED = "died"
    MOVED = "moved"
    INELIGIBLE = "ineligible"
    REFUSED = "refused"


class PaymentMethod(StrEnum):
    CASH = "cash"
    ACCOUNT = "account"


class PayrollStatus(StrEnum):
    OPEN = "open"
    LOCKED = "locked"


class LineKind(StrEnum):
    """A payroll line: the month's amount, an earlier month's difference, or funeral support."""

    CURRENT = "current"
    ARREARS = "arrears"
    RECOVERY = "recovery"
    FUNERAL = "funeral"


# --- health insurance --------------------------------------------------------------------------------


class BhytListStatus(StrEnum):
    """Whether a month's health-insurance lists were sent (``bhyt list --json`` status: exact words)."""

    OPEN = "open"
    LOCKED = "locked"
    PARTLY_LOCKED = "partly_locked"


class BhytSection(StrEnum):
    """A line of a ward's monthly health-insurance list (``bhytline``); ``covered`` rows keep who was
    covered in the month as sent."""

    INCREASE = "increase"
    DECREASE = "decrease"
    ADJUSTMENT = "adjustment"
    COVERED = "covered"
