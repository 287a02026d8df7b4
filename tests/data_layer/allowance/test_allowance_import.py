"""A ward's allowance register through the normal importer (preview, errors by row and column,
transactional commit), re-imported without change, corrected, undone; then paid."""

from datetime import date

import pytest
from sqlalchemy import func, select

from data_layer.allowance.entitlement_rows import EntitlementFilters, entitlement_rows
from data_layer.allowance.register_import import AllowanceRegister
from data_layer.campaigns.gift_list import GiftList
from data_layer.core.codes import PaymentMethod
from data_layer.core.db import write_session
from data_layer.core.errors import Conflict
from data_layer.core.models import AuditEvent, Entitlement
from data_layer.importing.batches import undo_batch
from data_layer.importing.commit import commit_import
from data_layer.importing.preview import ImportRequest, preview_import
from tests.data_layer.allowance_helpers import SYSTEM, M, build, lines
from tests.data_layer.workbooks import xlsx_bytes

HEADER = [
    "STT",
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Số CCCD",
    "Thôn/Tổ",
    "Diện hưởng",
    "Số con",
    "Hưởng từ tháng",
    "Đã nhận đến tháng",
    "Số tài khoản",
]
GOOD = [
    [1, "Lò Văn An", "15/08/2020", "Nam", "020220001111", "Khối 1", "5.1", None, "06/2024", None, None],
    [
        2,
        "Hà Thị Bình",
        "1990",
        "Nữ",
        "020190002222",
        "Khối 2",
        "5.4; 5.6b",
        2,
        "01/2025",
        "03/2025",
        "0123456789",
    ],
    [3, "Nông Văn Chính", "1948", "Nam", "020048003333", "Khối 2", "HTXH", None, "07/2025", None, None],
]
BAD = [
    [4, "Vi Văn Dũng", "1950", "Nam", "020050004444", "Khối 3", "5.9", None, "01/2025", None, None],
    [5, "Chu Thị Én", "1991", "Nữ", "020191005555", "Khối 3", "5.4", None, "01/2025", None, None],
    [6, "Hoàng Văn Giang", "1949", "Nam", "020049006666", "Khối 3", "5.5a", None, "13/2025", None, None],
]


def register(rows: list[list], header: list[str] = HEADER) -> bytes:
    return xlsx_bytes(
        [["UBND PHƯỜNG A"], ["DANH SÁCH ĐỐI TƯỢNG HƯỞNG TRỢ CẤP HẰNG THÁNG"], [], header, *rows]
    )


def run_import(engine, data: bytes, ward_id: int, *, repeat_ok: bool = False):
    request = ImportRequest(file_name="so_tro_cap.xlsx", data=data, ward_id=ward_id, kind=AllowanceRegister())
    with write_session(engine) as session:
        preview = preview_import(session, SYSTEM, request)
        return preview, commit_import(session, SYSTEM, preview, repeat_ok=repeat_ok)


def entitlements(engine, ward_id: int) -> dict:
    with write_session(engine) as session:
        rows = entitlement_rows(session, SYSTEM, EntitlementFilters(ward_id=ward_id), M(8, 2025))
    return {r.name: r for r in rows}


def test_register_is_imported_and_bad_rows_named_by_row_and_column(engine, wards):
    preview, result = run_import(engine, register(GOOD + BAD), wards["A"])
    errors = {e["row"]: (e["column"], e["message"]) for e in preview.summary()["errors"]}
    assert errors[8][0] == "Diện hưởng" and "Diện hưởng '5.9' không có trong danh mục" in errors[8][1]
    assert errors[9] == ("Số con", "Diện 5.4 cần ghi số con đang nuôi (cột Số con).")
    assert errors[10][0] == "Hưởng từ tháng" and "Tháng '13/2025' không hợp lệ" in errors[10][1]
    assert (result.counts["accepted"], result.counts["rejected"]) == (3, 3)
    assert result.counts["entitlements_created"] == 3
    stored = entitlements(engine, wards["A"])
    assert set(stored) == {"Lò Văn An", "Hà Thị Bình", "Nông Văn Chính"}
    binh = stored["Hà Thị Bình"]
    assert (binh.groups, binh.children, binh.start_month, binh.paid_until) == (
        "5.4; 5.6b",
        2,
        M(1, 2025),
        M(3, 2025),
    )
    assert (binh.payment_method, binh.account_number) == (PaymentMethod.ACCOUNT, "0123456789")
    assert (stored["Lò Văn An"].payment_method, stored["Nông Văn Chính"].amount) == (
        PaymentMethod.CASH,
        500_000,
    )
    build(engine, M(5, 2025))  # Bình: 2 × 1.0 + 1.5 = 3.5 × 500,000, paid outside up to 03/2025
    assert lines(engine, M(5, 2025), binh.beneficiary_id) == [
        ("arrears", "04/2025", 1_750_000),
        ("current", "05/2025", 1_750_000),
    ]


def test_reimporting_the_same_register_changes_nothing(engine, wards):
    run_import(engine, register(GOOD), wards["A"])
    with write_session(engine) as session:
        events = session.execute(select(func.count()).select_from(AuditEvent)).scalar_one()
        versions = dict(session.execute(select(Entitlement.id, Entitlement.version)).all())
    _, again = run_import(engine, register(GOOD), wards["A"], repeat_ok=True)
    assert (again.counts["entitlements_created"], again.counts["entitlements_updated"]) == (0, 0)
    assert (again.counts["beneficiaries_created"], again.counts["beneficiaries_matched"]) == (0, 3)
    with write_session(engine) as session:
        assert dict(session.execute(select(Entitlement.id, Entitlement.version)).all()) == versions
        new_events = (
            session.execute(select(AuditEvent.table_name).where(AuditEvent.id > events)).scalars().all()
        )
    assert new_events == ["importbatch"]  # only the import itself is recorded


def test_a_corrected_register_updates_and_cannot_be_undone_then(engine, wards):
    _, first = run_import(engine, register(GOOD), wards["A"])
    corrected = [row[:] for row in GOOD]
    corrected[1][7] = 3  # Bình now raises three children
    _, second = run_import(engine, register(corrected), wards["A"])
    assert second.counts["entitlements_updated"] == 1
    assert entitlements(engine, wards["A"])["Hà Thị Bình"].children == 3
    with pytest.raises(Conflict, match="đã sửa chế độ trợ cấp đang hưởng"), write_session(engine) as session:
        undo_batch(session, SYSTEM, second.batch_id, (AllowanceRegister,))


def test_undoing_a_register_import_removes_its_entitlements(engine, wards):
    _, result = run_import(engine, register(GOOD), wards["A"])
    with write_session(engine) as session:
        outcome = undo_batch(session, SYSTEM, result.batch_id, (AllowanceRegister,))
        assert session.execute(select(func.count()).select_from(Entitlement)).scalar_one() == 0
    assert outcome["entitlements_removed"] == 3 and outcome["beneficiaries_removed"] == 3


def test_header_synonyms_and_a_register_without_optional_columns(engine, wards):
    header = ["TT", "Họ tên", "Năm sinh", "CCCD", "Mã diện hưởng", "Số con đang nuôi", "Tháng bắt đầu hưởng"]
    rows = [[1, "Lục Thị Hoa", 1952, "020152007777", "5.5A", None, date(2025, 2, 1)]]
    _, result = run_import(engine, register(rows, header), wards["A"])
    hoa = entitlements(engine, wards["A"])["Lục Thị Hoa"]
    assert result.counts["entitlements_created"] == 1
    assert (hoa.groups, hoa.start_month, hoa.paid_until, hoa.amount) == ("5.5a", M(2, 2025), None, 750_000)


def test_a_gift_list_with_the_same_columns_is_not_a_register(engine, wards):
    from data_layer.campaigns.setup import create_campaign
    from tests.conftest import source_id

    with write_session(engine) as session:
        campaign = create_campaign(session, SYSTEM, name="Tết thử", year=2026).id
        source = source_id(session, "TW")
    rows = [[*GOOD[0][:7], None, "06/2024", None, None, "300.000"]]
    data = register(rows, [*HEADER, "Mức quà"])
    request = ImportRequest(
        file_name="qua.xlsx", data=data, ward_id=wards["A"], kind=GiftList(campaign, source)
    )
    with write_session(engine) as session:
        preview = preview_import(session, SYSTEM, request)
        result = commit_import(session, SYSTEM, preview)
    assert result.counts["allocations_created"] == 1 and result.counts["entitlements_created"] == 0


NO_BANK = "thiếu tên ngân hàng"


def test_an_account_number_without_a_bank_is_warned_row_by_row(engine, wards):
    preview, result = run_import(engine, register(GOOD), wards["A"])
    warned = {r.row for r in preview.rows if any(NO_BANK in w for w in r.warnings)}
    assert warned == {6}  # Hà Thị Bình: an account number, no bank column at all
    message = next(w for w in preview.rows[1].warnings if NO_BANK in w)
    assert message == (
        "Có số tài khoản nhưng thiếu tên ngân hàng (cột Ngân hàng): "
        "chưa lập được danh sách chuyển khoản cho người này."
    )
    assert result.counts["accepted"] == 3  # a warning, not a refusal


@pytest.mark.parametrize("bank_header", ["Ngân hàng", "Tên ngân hàng", "Mở tại ngân hàng"])
def test_the_bank_column_is_read_under_its_usual_headers(engine, wards, bank_header):
    rows = [[*row, bank] for row, bank in zip(GOOD, [None, "Agribank Lạng Sơn", None], strict=True)]
    preview, _ = run_import(engine, register(rows, [*HEADER, bank_header]), wards["A"])
    assert not [r.row for r in preview.rows if any(NO_BANK in w for w in r.warnings)]
    binh = entitlements(engine, wards["A"])["Hà Thị Bình"]
    assert (binh.account_number, binh.bank_name) == ("0123456789", "Agribank Lạng Sơn")
