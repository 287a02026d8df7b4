"""Vietnamese labels of every code An Sinh stores: screens and exports show these, never the codes."""

from __future__ import annotations

from enum import StrEnum

from data_layer.core.codes import (
    Action,
    AllocationStatus,
    BatchStatus,
    CampaignKind,
    CampaignStatus,
    DeliveryMethod,
    Gender,
    NotDeliveredReason,
    PackageKind,
    PersonStatus,
    Problem,
    Role,
    RowStatus,
)

LABELS: dict[type[StrEnum], dict[str, str]] = {
    Role: {
        Role.ADMIN: "Quản trị",
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
    "budgetscenario": "Phương án dự toán",
}

# Audited fields of records other than the beneficiary (whose fields are in registry.fields).
FIELD_LABELS = {
    "status": "Tình trạng",
    "delivered_on": "Ngày phát",
    "reason": "Lý do",
    "note": "Ghi chú",
    "amount": "Số tiền",
    "active": "Đang sử dụng",
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
