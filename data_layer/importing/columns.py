"""Vietnamese header synonyms → the fields An Sinh imports (matched case- and diacritic-insensitively)."""

from __future__ import annotations

from data_layer.vn.text import fold

FIELD_LABELS = {
    "name": "Họ và tên",
    "birth": "Ngày sinh / Năm sinh",
    "birth_male": "Năm sinh (Nam)",
    "birth_female": "Năm sinh (Nữ)",
    "gender": "Giới tính",
    "national_id": "Số CCCD",
    "hamlet": "Thôn/Tổ dân phố",
    "address": "Địa chỉ",
    "commune": "Phường/Xã",
    "category": "Đối tượng",
    "amount": "Mức quà",
    "source": "Nguồn kinh phí",
    "social_insurance_no": "Mã số BHXH",
    "health_card_no": "Số thẻ BHYT",
    "clinic": "Nơi KCB ban đầu",
    "bank_account": "Số tài khoản",
    "phone": "Điện thoại",
    "note": "Ghi chú",
    # monthly allowance register
    "allowance_groups": "Diện hưởng",
    "children": "Số con",
    "start_month": "Hưởng từ tháng",
    "paid_until": "Đã nhận đến tháng",
    "applies_from": "Áp dụng từ tháng",
    "bank_name": "Ngân hàng",
    # a relief round's household list
    "household_size": "Số nhân khẩu",
    "people_lacking_food": "Số người thiếu đói",
    "poverty": "Hộ nghèo/cận nghèo",
}

# Folded header texts per field; a header matches when it equals a synonym or starts with it.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "name": (
        "ho va ten",
        "ho ten",
        "ten doi tuong",
        "ten nguoi",
        "ho va ten doi tuong",
        "ho ten doi tuong",
        "ho va ten nguoi nhan",
        "nguoi nhan",
        "ten",
    ),
    "birth": (
        "ngay sinh",
        "ngay thang nam sinh",
        "ngay, thang, nam sinh",
        "nam sinh",
        "ngay/thang/nam sinh",
        "thang nam sinh",
        "sinh nam",
        "nam sinh (ngay thang nam)",
    ),
    # one-row headers that name the split birth columns in full ("Năm sinh Nam" | "Năm sinh Nữ")
    "birth_male": ("nam sinh nam", "nam sinh (nam)", "ngay sinh nam", "ngay sinh (nam)", "nam sinh - nam"),
    "birth_female": ("nam sinh nu", "nam sinh (nu)", "ngay sinh nu", "ngay sinh (nu)", "nam sinh - nu"),
    "gender": ("gioi tinh", "gioi", "nam/nu", "nam / nu"),
    "national_id": (
        "so cccd",
        "cccd",
        "so can cuoc",
        "can cuoc cong dan",
        "so dinh danh ca nhan",
        "so dinh danh",
        "ma dinh danh",
        "cmnd/cccd",
        "so cmnd/cccd",
        "cccd/cmnd",
        "so cccd/cmnd",
        "so cmnd",
        "cmnd",
        "so cmt",
        "can cuoc",
    ),
    "hamlet": (
        "thon",
        "to dan pho",
        "thon/to",
        "thon, to",
        "thon/to dan pho",
        "khu",
        "khoi",
        "to",
        "ban",
        "thon, ban",
        "thon/ban",
        "khu pho",
        "to/khu",
    ),
    "address": ("dia chi", "noi o", "noi cu tru", "cho o", "dia chi thuong tru", "que quan"),
    # an old list's commune per row (resolved through the catalogue to the ward's old commune)
    "commune": ("phuong/xa", "xa/phuong", "phuong, xa", "xa, phuong", "phuong xa", "xa phuong"),
    "category": (
        "doi tuong",
        "dien",
        "nhom doi tuong",
        "dien doi tuong",
        "loai doi tuong",
        "dien chinh sach",
        "thanh phan",
        "doi tuong huong",
    ),
    "amount": (
        "muc qua",
        "so tien",
        "muc ho tro",
        "thanh tien",
        "gia tri qua",
        "tien qua",
        "muc tang",
        "so tien (dong)",
        "muc",
    ),
    "source": ("nguon", "nguon kinh phi", "nguon qua", "cap tang"),
    # health insurance ("Mã số BHXH" is not a national ID column: "ma so bhxh" is longer than any of them)
    "social_insurance_no": ("ma so bhxh", "ma so bao hiem xa hoi", "so so bhxh", "ma bhxh", "so bhxh"),
    "health_card_no": ("so the bhyt", "ma the bhyt", "so the bao hiem y te", "the bhyt", "ma the"),
    "clinic": (
        "noi kcb ban dau",
        "noi dang ky kcb ban dau",
        "noi dang ky kham chua benh ban dau",
        "noi kham chua benh ban dau",
        "noi dkkcb",
        "noi dk kcb",
        "noi kcb",
    ),
    "bank_account": ("so tai khoan", "tai khoan", "stk", "tai khoan ngan hang"),
    "phone": ("dien thoai", "so dien thoai", "sdt", "dt"),
    "note": ("ghi chu", "ghi chu khac"),
    # monthly allowance register (longer than "dien", so "Diện hưởng" is not a category column)
    "allowance_groups": ("dien huong", "dien huong tro cap", "ma dien huong", "dien tro cap", "ma dien"),
    "children": ("so con", "so con dang nuoi", "so con nho", "so con nuoi duong"),
    "start_month": ("huong tu thang", "thang bat dau huong", "thang huong", "huong tu", "tu thang"),
    "paid_until": ("da nhan den thang", "da huong den thang", "da chi tra den thang", "nhan den thang"),
    "applies_from": ("ap dung tu thang", "ap dung tu", "thang ap dung"),
    "bank_name": ("ngan hang", "ten ngan hang", "mo tai ngan hang", "noi mo tai khoan"),
    # a relief round's household list ("Họ tên chủ hộ" is a name column: it starts with "ho ten")
    "household_size": ("so nhan khau", "nhan khau", "so khau", "so nguoi trong ho", "so thanh vien"),
    "people_lacking_food": (
        "so nguoi thieu doi",
        "so khau thieu doi",
        "so nhan khau thieu doi",
        "nhan khau thieu doi",
        "so nguoi thieu an",
        "thieu doi",
    ),
    "poverty": ("ho ngheo/can ngheo", "ho ngheo, can ngheo", "ho ngheo", "ngheo/can ngheo", "dien ho"),
}

_ALL = sorted(((syn, field) for field, syns in SYNONYMS.items() for syn in syns), key=lambda p: -len(p[0]))
SERIAL_HEADERS = ("stt", "tt", "so tt", "so thu tu")
SIGNATURE_HEADERS = ("ky nhan", "ky ten", "ky, ghi ro ho ten", "chu ky")


def field_for_header(header: str | None) -> str | None:
    """The field a column header stands for, or None (the longest matching synonym wins)."""
    key = fold(header or "").strip(" .:*")
    if not key or key in SERIAL_HEADERS or key.startswith(SIGNATURE_HEADERS):
        return None
    for synonym, field in _ALL:
        if key == synonym or key.startswith(synonym + " ") or key.startswith(synonym + "("):
            return field
    return None


def header_score(cells: list[str | None]) -> int:
    """How many distinct fields a row of cells names: the header row is the row that names most."""
    return len({f for f in (field_for_header(c) for c in cells) if f})
