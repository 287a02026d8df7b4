"""The `ansinh allowance` and `ansinh payroll` commands: exact words, JSON contract, the ward's workbook."""

import json

import pytest
from openpyxl import load_workbook

from data_layer.cli import main
from tests.data_layer.documents import table
from tests.data_layer.test_allowance_import import HEADER, register
from tests.data_layer.workbooks import write

ROWS = [
    [1, "Lò Văn An", "15/08/2020", "Nam", "020220001111", "Khối 1", "5.1", None, "06/2024", "12/2024", None],
    [
        2,
        "Hà Thị Bình",
        "1955",
        "Nữ",
        "020155002222",
        "Khối 2",
        "5.5a",
        None,
        "01/2025",
        "12/2024",
        "0123456789",
    ],
]


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def ward_register(capsys, tmp_sqlite_env, tmp_path):
    """Ward DK with two entitlements imported from its register."""
    assert run(capsys, "db", "init")[0] == 0
    run(capsys, "ward", "add", "DK", "Phường Đông Kinh")
    path = write(tmp_path, "so.xlsx", register(ROWS))
    code, out, _ = run(capsys, "import", str(path), "--ward", "DK", "--json")
    assert code == 0 and json.loads(out)["entitlements_created"] == 2


def test_standard_stop_build_lock_export(capsys, ward_register, tmp_path):
    code, out, _ = run(capsys, "allowance", "standard", "--amount", "600.000", "--from", "02/2025")
    assert code == 0 and "600.000 đ từ tháng 02/2025" in out
    code, out, _ = run(capsys, "payroll", "build", "--month", "01/2025", "--json")
    figures = json.loads(out)
    # An (aged 4): 1.5 × 500,000; Bình (aged 70, by account): 1.5 × 500,000
    assert (figures["status"], figures["people"], figures["amount"], figures["total"]) == (
        "open",
        2,
        1_500_000,
        1_500_000,
    )
    assert figures["by_ward"][0] == {
        "ward": "DK",
        "people": 2,
        "amount": 1_500_000,
        "arrears": 0,
        "recoveries": 0,
        "funeral": 0,
        "total": 1_500_000,
        "cash": 750_000,
        "account": 750_000,
    }
    assert run(capsys, "payroll", "lock", "--month", "01/2025")[0] == 0
    code, out, _ = run(capsys, "payroll", "build", "--month", "01/2025", "--json")
    assert json.loads(out)["status"] == "locked" and json.loads(out)["amount"] == 1_500_000  # locked figures
    january = tmp_path / "dk_01.xlsx"
    code, _, err = run(
        capsys, "payroll", "export", "--month", "01/2025", "--ward", "DK", "--out", str(january)
    )
    assert code == 1 and not january.exists()  # Bình's account was imported without its bank
    assert "1 người có số tài khoản nhưng chưa có tên ngân hàng (Hà Thị Bình)" in err
    named = [[*row, bank] for row, bank in zip(ROWS, [None, "Agribank"], strict=True)]
    path = write(tmp_path, "so_co_ngan_hang.xlsx", register(named, [*HEADER, "Ngân hàng"]))
    assert run(capsys, "import", str(path), "--ward", "DK", "--json")[0] == 0
    code, _, _ = run(capsys, "payroll", "export", "--month", "01/2025", "--ward", "DK", "--out", str(january))
    assert code == 0 and table(load_workbook(january)["Chuyển khoản"])[0][4] == "Agribank"  # a locked month
    code, _, _ = run(
        capsys,
        "allowance",
        "stop",
        "--ward",
        "DK",
        "--national-id",
        "020155002222",
        "--reason",
        "died",
        "--date",
        "20/02/2025",
    )
    assert code == 0
    code, out, _ = run(capsys, "payroll", "build", "--month", "02/2025", "--json")
    figures = json.loads(out)
    # 02/2025 at 600,000: An 1.5 × 600,000 = 900,000, Bình (died in February) 900,000; funeral 20 × 600,000
    assert (figures["amount"], figures["funeral"], figures["total"]) == (1_800_000, 12_000_000, 13_800_000)
    out_file = tmp_path / "dk.xlsx"
    code, out, _ = run(
        capsys, "payroll", "export", "--month", "02/2025", "--ward", "DK", "--out", str(out_file)
    )
    assert code == 0 and "Đã ghi" in out
    workbook = load_workbook(out_file)
    assert workbook.sheetnames == ["Tiền mặt", "Chuyển khoản", "Tăng giảm"]
    cash = workbook["Tiền mặt"]
    assert [cash["A1"].value, cash["A2"].value] == ["ỦY BAN NHÂN DÂN", "PHƯỜNG ĐÔNG KINH"]
    names = {row[1]: row for row in table(cash) if isinstance(row[0], int)}
    assert names["Lò Văn An"][8] == 900_000 and names["Hà Thị Bình"][7] == 12_000_000
    bank = workbook["Chuyển khoản"]
    assert table(bank)[0][1:6] == ["Hà Thị Bình", "020155002222", "0123456789", "Agribank", 900_000]


def test_errors_are_vietnamese_and_exit_1(capsys, tmp_sqlite_env):
    run(capsys, "db", "init")
    code, _, err = run(capsys, "payroll", "build", "--month", "2025/13")
    assert code == 1 and "--month" in err and "không" in err
    code, _, err = run(capsys, "payroll", "lock", "--month", "03/2025")
    assert code == 1 and "Chưa lập danh sách chi trả tháng 03/2025" in err
    code, _, err = run(capsys, "payroll", "export", "--month", "03/2025", "--ward", "XX", "--out", "x.xlsx")
    assert code == 1 and "Không tìm thấy phường/xã có mã 'XX'" in err
    code, _, err = run(capsys, "allowance", "standard", "--amount", "0", "--from", "07/2026")
    assert code == 1 and "không hợp lệ" in err
