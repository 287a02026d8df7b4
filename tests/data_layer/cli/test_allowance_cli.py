"""The `ansinh allowance` and `ansinh payroll` commands: exact words, JSON contract, the ward's workbook."""

import json

import pytest
from openpyxl import load_workbook

from data_layer.cli import main
from tests.data_layer.allowance.test_allowance_import import HEADER, register
from tests.data_layer.documents import table
from tests.data_layer.workbooks import write, xlsx_bytes

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
def ward_register(capsys, db_url, tmp_path):
    """Ward DK with two entitlements imported from its register."""
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
        "paid": 0,  # issue 21 §2: the agent's return of the month (none recorded yet)
        "unpaid": 0,
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


def test_errors_are_vietnamese_and_exit_1(capsys, db_url):
    code, _, err = run(capsys, "payroll", "build", "--month", "2025/13")
    assert code == 1 and "--month" in err and "không" in err
    code, _, err = run(capsys, "payroll", "lock", "--month", "03/2025")
    assert code == 1 and "Chưa lập danh sách chi trả tháng 03/2025" in err
    code, _, err = run(capsys, "payroll", "export", "--month", "03/2025", "--ward", "XX", "--out", "x.xlsx")
    assert code == 1 and "Không tìm thấy phường/xã có mã 'XX'" in err
    code, _, err = run(capsys, "allowance", "standard", "--amount", "0", "--from", "07/2026")
    assert code == 1 and "không hợp lệ" in err


def test_allowance_change_applies_from_a_month_and_says_the_money(capsys, ward_register):
    """Bình, 5.5a at 70: 1.5 × 500,000 = 750,000 đ; 01–03/2025 locked. A 5.6a certificate from
    02/2025 (elderly: 2.5 → 1,250,000 đ): the 04/2025 payroll pays 1,250,000 đ and arrears of
    2 × 500,000 = 1,000,000 đ (02 and 03), nothing for 01."""
    for month in ("01/2025", "02/2025", "03/2025"):
        assert run(capsys, "payroll", "build", "--month", month)[0] == 0
        assert run(capsys, "payroll", "lock", "--month", month)[0] == 0
    code, out, _ = run(
        capsys, "allowance", "change", "--ward", "DK", "--national-id", "020155002222",
        "--groups", "5.5a;5.6a", "--from", "02/2025",
    )  # fmt: skip
    assert code == 0
    assert out.strip() == (
        "Hà Thị Bình: diện 5.5a → 5.5a; 5.6a từ tháng 02/2025. Danh sách chi trả tháng 04/2025: "
        "1.250.000 đ (trước: 750.000 đ); truy lĩnh 1.000.000 đ."
    )
    code, out, _ = run(capsys, "payroll", "build", "--month", "04/2025", "--json")
    assert code == 0
    figures = json.loads(out)
    assert (figures["arrears"], figures["by_ward"][0]["ward"], figures["by_ward"][0]["arrears"]) == (
        1_000_000,
        "DK",
        1_000_000,
    )
    code, _, err = run(capsys, "allowance", "change", "--ward", "DK", "--national-id", "020155002222",
                       "--from", "05/2025")  # fmt: skip
    assert code == 1 and "Ghi --groups hoặc --children" in err


def test_payroll_paid_reads_the_agents_return(capsys, ward_register, tmp_path):
    """01/2025 locked; Bình (account) is not on the cash list, An (cash, 5.1 aged 4: 1.5 × 500,000 =
    750,000 đ) did not collect: `payroll paid` says so, the 02/2025 build carries 750,000 đ as
    arrears and `payroll build --json` keeps its fields, with paid/unpaid per ward."""
    assert run(capsys, "payroll", "build", "--month", "01/2025")[0] == 0
    assert run(capsys, "payroll", "lock", "--month", "01/2025")[0] == 0
    path = write(tmp_path, "chua_nhan.xlsx", xlsx_bytes([["STT", "Họ và tên"], [1, "Lò Văn An"]]))
    code, out, _ = run(capsys, "payroll", "paid", "--month", "01/2025", "--ward", "DK", str(path), "--json")
    assert code == 0
    assert json.loads(out) == {
        "ward": "DK",
        "month": "01/2025",
        "paid": 0,
        "paid_money": 0,
        "unpaid": 1,
        "unpaid_money": 750_000,
    }
    code, out, _ = run(capsys, "payroll", "build", "--month", "01/2025", "--json")
    ward = json.loads(out)["by_ward"][0]
    assert set(ward) >= {"ward", "people", "amount", "arrears", "total", "cash", "account", "paid", "unpaid"}
    assert (ward["paid"], ward["unpaid"]) == (0, 750_000)
    code, out, _ = run(capsys, "payroll", "build", "--month", "02/2025", "--json")
    assert json.loads(out)["arrears"] == 750_000
    code, out, _ = run(capsys, "payroll", "paid", "--month", "01/2025", "--ward", "DK", str(path))
    assert out.strip() == (
        "Tháng 01/2025: 0 người đã nhận 0 đ, 1 người chưa nhận 750.000 đ (chuyển sang kỳ chi trả sau)."
    )


def test_allowance_stop_records_the_funeral_support_receiver(capsys, ward_register):
    code, out, _ = run(
        capsys, "allowance", "stop", "--ward", "DK", "--national-id", "020155002222", "--reason", "died",
        "--date", "10/02/2025", "--receiver", "Hà Văn Con", "--relation", "con trai",
    )  # fmt: skip
    assert code == 0 and "Đã dừng hưởng" in out, out
