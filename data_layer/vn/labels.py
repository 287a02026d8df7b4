"""Vietnamese labels of every code An Sinh stores: screens and exports show these, never the codes."""

from __future__ import annotations

from enum import StrEnum

from data_layer.core.codes import (
    Action,
    AllocationStatus,
    BatchStatus,
    BhytListStatus,
    BhytSection,
    CampaignKind,
    CampaignStatus,
    DeliveryMethod,
    EntitlementStatus,
    FiguresBasis,
    Gender,
    GroupKind,
    LineKind,
    NotDeliveredReason,
    PackageKind,
    PaymentMethod,
    PayrollStatus,
    PersonStatus,
    Poverty,
    Problem,
    ReliefReason,
    ReliefReport,
    ReportStatus,
    Role,
    RowStatus,
    StandardKind,
    StopReason,
)

LABELS: dict[type[StrEnum], dict[str, str]] = {
    ReliefReason: {
        ReliefReason.TET: "Tết Nguyên đán",
        ReliefReason.LEAN: "Giáp hạt",
        ReliefReason.DISASTER: "Thiên tai",
        ReliefReason.FIRE: "Hỏa hoạn",
        ReliefReason.CROP: "Mất mùa",
        ReliefReason.OTHER: "Lý do khác",
    },
    ReliefReport: {
        ReliefReport.PLAN: "Kế hoạch hỗ trợ gạo dịp Tết",
        ReliefReport.QUICK: "Báo cáo nhanh trước Tết",
        ReliefReport.AFTER_TET: "Báo cáo trong và sau Tết",
        ReliefReport.RESULT: "Báo cáo kết quả đợt hỗ trợ",
    },
    Poverty: {Poverty.POOR: "Hộ nghèo", Poverty.NEAR_POOR: "Hộ cận nghèo"},
    Role: {
        Role.ADMIN: "Quản trị",
        Role.PROVINCE: "Cán bộ cấp tỉnh",
        Role.DISTRICT: "Cán bộ cấp huyện/thành phố",
        Role.WARD: "Cán bộ phường/xã",
        Role.VIEWER: "Chỉ xem",
    },
    Gender: {Gender.MALE: "Nam", Gender.FEMALE: "Nữ"},
    PersonStatus: {
        PersonStatus.ACTIVE: "Đang hưởng",
        PersonStatus.DIED: "Đã mất",
        PersonStatus.MOVED: "Chuyển đi",
        PersonStatus.INELIGIBLE: "Không còn đủ điều kiện",
    },
    Problem: {
        Problem.MISSING_ID: "Thiếu CCCD",
        Problem.INVALID_ID: "CCCD sai độ dài",
        Problem.NO_HAMLET: "Chưa có thôn/tổ",
        Problem.POSSIBLE_DUPLICATES: "Có thể trùng phường/xã khác",
        Problem.DEAD_WITH_GIFTS: "Đã mất còn quà chưa phát",
    },
    CampaignKind: {
        CampaignKind.TET: "Tết",
        CampaignKind.LONGEVITY: "Mừng thọ",
        CampaignKind.EMERGENCY: "Hỗ trợ khẩn cấp",
        CampaignKind.OTHER: "Khác",
    },
    CampaignStatus: {CampaignStatus.OPEN: "Đang thực hiện", CampaignStatus.CLOSED: "Đã kết thúc"},
    PackageKind: {PackageKind.CASH: "Tiền mặt", PackageKind.IN_KIND: "Hiện vật"},
    AllocationStatus: {
        AllocationStatus.PLANNED: "Chưa phát",
        AllocationStatus.DELIVERED: "Đã phát",
        AllocationStatus.NOT_DELIVERED: "Không phát được",
    },
    DeliveryMethod: {
        DeliveryMethod.CASH: "Tiền mặt",
        DeliveryMethod.TRANSFER: "Chuyển khoản",
        DeliveryMethod.IN_KIND: "Hiện vật",
    },
    NotDeliveredReason: {
        NotDeliveredReason.ABSENT: "Vắng mặt",
        NotDeliveredReason.DIED: "Đã mất",
        NotDeliveredReason.REFUSED: "Từ chối nhận",
        NotDeliveredReason.MOVED: "Chuyển đi",
        NotDeliveredReason.OTHER: "Lý do khác",
    },
    BatchStatus: {BatchStatus.COMMITTED: "Đã ghi", BatchStatus.UNDONE: "Đã hoàn tác"},
    RowStatus: {RowStatus.OK: "Hợp lệ", RowStatus.WARNING: "Cảnh báo", RowStatus.ERROR: "Lỗi"},
    Action: {
        Action.INSERT: "Thêm",
        Action.UPDATE: "Sửa",
        Action.DELETE: "Xóa",
        Action.IMPORT: "Nhập tệp",
        Action.UNDO_IMPORT: "Hoàn tác nhập tệp",
        Action.DELIVER: "Phát quà",
        Action.NOT_DELIVER: "Không phát được",
        Action.AUTO_ALLOCATE: "Phân bổ tự động",
        Action.STOP: "Dừng hưởng",
        Action.SUSPEND: "Tạm dừng hưởng",
        Action.RESUME: "Hưởng lại",
        Action.BUILD_PAYROLL: "Lập danh sách chi trả",
        Action.LOCK_PAYROLL: "Khóa danh sách chi trả",
        Action.LOCK_BHYT: "Khóa danh sách thẻ BHYT",
        Action.APPROVE: "Duyệt số liệu",
        Action.UNLOCK: "Mở khóa số liệu",
        Action.SIGN_OFF: "Chốt số liệu",
        Action.BACKUP: "Sao lưu cơ sở dữ liệu",
    },
    # --- monthly allowance ---
    StandardKind: {
        StandardKind.STANDARD: "Mức chuẩn trợ giúp xã hội",
        StandardKind.PENSION: "Mức trợ cấp hưu trí xã hội",
        StandardKind.FUNERAL: "Hỗ trợ chi phí mai táng (số lần mức chuẩn)",
    },
    GroupKind: {
        GroupKind.COEFFICIENT: "Mức chuẩn × hệ số",
        GroupKind.PER_CHILD: "Mức chuẩn × hệ số × số con",
        GroupKind.PENSION: "Mức trợ cấp hưu trí xã hội",
    },
    EntitlementStatus: {
        EntitlementStatus.ACTIVE: "Đang hưởng",
        EntitlementStatus.SUSPENDED: "Tạm dừng",
        EntitlementStatus.STOPPED: "Đã dừng hưởng",
    },
    StopReason: {
        StopReason.DIED: "Đã mất",
        StopReason.MOVED: "Chuyển đi nơi khác",
        StopReason.INELIGIBLE: "Không còn đủ điều kiện",
        StopReason.REFUSED: "Từ chối nhận",
    },
    PaymentMethod: {PaymentMethod.CASH: "Tiền mặt", PaymentMethod.ACCOUNT: "Chuyển khoản"},
    PayrollStatus: {PayrollStatus.OPEN: "Đang lập", PayrollStatus.LOCKED: "Đã khóa"},
    ReportStatus: {
        ReportStatus.ON_TIME: "Đúng hạn",
        ReportStatus.LATE: "Muộn",
        ReportStatus.MISSING: "Chưa báo cáo",
        ReportStatus.NOT_DUE: "Chưa đến hạn",
    },
    FiguresBasis: {FiguresBasis.REPORTED: "Số liệu đã chốt", FiguresBasis.LIVE: "Số liệu trực tiếp"},
    BhytListStatus: {
        BhytListStatus.OPEN: "đang lập",
        BhytListStatus.LOCKED: "đã gửi",
        BhytListStatus.PARTLY_LOCKED: "một số phường/xã đã gửi",
    },
    BhytSection: {
        BhytSection.INCREASE: "I. Tăng",
        BhytSection.DECREASE: "II. Giảm",
        BhytSection.ADJUSTMENT: "III. Điều chỉnh",
        BhytSection.COVERED: "Đang có thẻ",
    },
    LineKind: {
        LineKind.CURRENT: "Trợ cấp tháng",
        LineKind.ARREARS: "Truy lĩnh",
        LineKind.RECOVERY: "Truy thu",
        LineKind.FUNERAL: "Hỗ trợ chi phí mai táng",
    },
}

# What each table holds, as the audit log names it.
RECORD_LABELS = {
    "beneficiary": "Đối tượng",
    "allocation": "Suất quà",
    "lumpgift": "Quà tập thể",
    "importbatch": "Nhập tệp",
    "campaign": "Đợt tặng quà",
    "package": "Mức quà",
    "user": "Người dùng",
    "ward": "Phường/xã",
    "fundingsource": "Nguồn kinh phí",
    "category": "Nhóm đối tượng",
    "categoryalias": "Cách ghi nhóm đối tượng trong tệp",
    "budgetscenario": "Phương án dự toán",
    "approvalevent": "Duyệt số liệu phường/xã",
    "wardapproval": "Duyệt số liệu phường/xã",  # audit events written before 0011
    "campaignmilestone": "Kỳ báo cáo",
    "wardreport": "Báo cáo của phường/xã",
    # monthly allowance
    "entitlement": "Trợ cấp hằng tháng",
    "allowancestandard": "Mức chuẩn trợ cấp",
    "groupcoefficient": "Hệ số trợ cấp",
    "payroll": "Danh sách chi trả",
    "database": "Cơ sở dữ liệu",
    # hunger relief
    "reliefround": "Đợt hỗ trợ gạo",
    "reliefhousehold": "Hộ thiếu đói",
    "reliefapproval": "Duyệt danh sách hỗ trợ gạo",
    "reliefdelivery": "Phát gạo",
    "reliefsignoff": "Báo cáo cứu trợ gạo đã chốt",
    # health insurance
    "bhytlist": "Danh sách thẻ BHYT gửi BHXH",
    "basesalary": "Lương cơ sở",
}

# Audited fields of records other than the beneficiary (whose fields are in registry.fields).
FIELD_LABELS = {
    "status": "Tình trạng",
    "delivered_on": "Ngày phát",
    "reason": "Lý do",
    "note": "Ghi chú",
    "amount": "Số tiền",
    "active": "Đang sử dụng",
    "due_date": "Hạn nộp",
    "name": "Tên",
    # monthly allowance
    "groups": "Diện hưởng",
    "children": "Số con",
    "start_month": "Hưởng từ tháng",
    "paid_until": "Đã nhận đến tháng",
    "decision_no": "Số quyết định",
    "decision_date": "Ngày quyết định",
    "payment_method": "Hình thức nhận",
    "account_number": "Số tài khoản",
    "bank_name": "Ngân hàng",
    "proxy_name": "Người nhận thay",
    "stop_date": "Ngày dừng hưởng",
    "stop_reason": "Lý do dừng hưởng",
    "funeral_receiver": "Người nhận hỗ trợ mai táng",
    "from_month": "Từ tháng",
    "back_pay": "Truy lĩnh các tháng tạm dừng",
    "coefficients": "Hệ số",
}


def label(code: StrEnum | None) -> str:
    """The Vietnamese label of a code ('' for None)."""
    return "" if code is None else LABELS[type(code)][code]


def label_of(kind: type[StrEnum], value: str | None) -> str:
    """The label of a stored value read back as plain text ('' for None or an unknown value)."""
    return "" if value is None else LABELS[kind].get(value, "")


def options(kind: type[StrEnum]) -> dict[str, str]:
    """Code → label of every member, in declaration order (for select boxes)."""
    return dict(LABELS[kind])


def code_for(kind: type[StrEnum], text: str) -> StrEnum | None:
    """The member whose code or label is ``text`` (labels come back from grids), else None."""
    for code, name in LABELS[kind].items():
        if text in (code, name):
            return kind(code)
    return None
