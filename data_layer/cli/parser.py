"""Every ``ansinh`` command, its options and help texts (the contract), with the module:function
that runs it (loaded only when asked for). Nothing here loads the database layer."""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from typing import NoReturn

from data_layer.cli.common import read_import_file
from data_layer.core.codes import FiguresBasis, ReliefReason, Role, StopReason

Adder = Callable[..., argparse.ArgumentParser]


def _db_commands(sub, add: Adder) -> None:
    db = sub.add_parser("db", help="cơ sở dữ liệu").add_subparsers(
        dest="action", required=True, metavar="VIỆC"
    )
    p = add(db, "init", "setup:cmd_db_init", "tạo/nâng cấp lược đồ, nạp danh mục chuẩn (và dữ liệu mẫu)")
    p.add_argument("--demo", action="store_true", help="nạp dữ liệu mẫu khi cơ sở dữ liệu còn trống")
    p.add_argument(
        "--app-role",
        metavar="ROLE",
        help="PostgreSQL: in các lệnh GRANT cho vai trò mà ứng dụng dùng để kết nối (không sở hữu bảng nào)",
    )
    p = add(
        db,
        "tallies",
        "setup:cmd_db_tallies",
        "kiểm tra các số tổng hợp của trang Tiến độ so với dữ liệu",
    )
    p.add_argument("--rebuild", action="store_true", help="tính lại toàn bộ các số tổng hợp")
    p = add(
        db,
        "verify",
        "setup:cmd_db_verify",
        "kiểm tra chuỗi niêm phong (tháng đã khóa, báo cáo đã chốt, lịch sử duyệt) có bị sửa ngoài ứng dụng",
    )
    p.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    p = add(db, "backup", "setup:cmd_db_backup", "sao lưu cơ sở dữ liệu vào một tệp (khi người dùng vẫn ghi)")
    p.add_argument("--out", metavar="FILE", required=True, help="tệp sao lưu sẽ ghi")
    p = add(
        db,
        "restore",
        "setup:cmd_db_restore",
        "phục hồi cơ sở dữ liệu từ tệp sao lưu, rồi kiểm tra các số tổng hợp",
    )
    p.add_argument("file", metavar="FILE", help="tệp sao lưu (do ansinh db backup tạo)")
    p.add_argument("--force", action="store_true", help="ghi đè cả khi cơ sở dữ liệu đích đã có dữ liệu")
    p = add(
        db,
        "revision",
        "setup:cmd_db_revision",
        "tạo tệp nâng cấp lược đồ (migration) mới từ các model",
    )
    p.add_argument("message", metavar="MSG", help="mô tả ngắn thay đổi lược đồ")


def _reference_commands(sub, add: Adder) -> None:
    for noun, handler, help_text in (
        ("ward", "setup:cmd_ward_add", "phường/xã"),
        ("source", "setup:cmd_source_add", "nguồn kinh phí"),
    ):
        group = sub.add_parser(noun, help=help_text).add_subparsers(
            dest="action", required=True, metavar="VIỆC"
        )
        p = add(group, "add", handler, f"thêm {help_text} (không tạo trùng mã)")
        p.add_argument("code", metavar="CODE")
        p.add_argument("name", metavar="NAME")
    campaign = sub.add_parser("campaign", help="đợt tặng quà").add_subparsers(
        dest="action", required=True, metavar="VIỆC"
    )
    p = add(campaign, "add", "setup:cmd_campaign_add", "thêm đợt tặng quà, in ra mã số (id) của đợt")
    p.add_argument("name", metavar="NAME")
    p.add_argument("--year", type=int, required=True, metavar="YYYY")
    p = add(
        campaign, "approve", "campaigns:cmd_campaign_approve", "duyệt và khóa số liệu của phường/xã trong đợt"
    )
    p.add_argument("--campaign", required=True, metavar="NAME")
    p.add_argument("--ward", required=True, metavar="CODE")
    p = add(campaign, "unlock", "campaigns:cmd_campaign_unlock", "mở khóa số liệu đã duyệt (cần lý do)")
    p.add_argument("--campaign", required=True, metavar="NAME")
    p.add_argument("--ward", required=True, metavar="CODE")
    p.add_argument("--reason", required=True, metavar="TEXT")
    user = sub.add_parser("user", help="người dùng").add_subparsers(
        dest="action", required=True, metavar="VIỆC"
    )
    p = add(
        user,
        "add",
        "setup:cmd_user_add",
        "thêm người dùng; mật khẩu đọc từ stdin (--password-stdin) hoặc hỏi",
    )
    p.add_argument("username", metavar="USERNAME")
    p.add_argument("--role", required=True, choices=[r.value for r in Role])
    p.add_argument("--ward", metavar="CODE", help="mã phường/xã (bắt buộc với vai trò ward)")
    p.add_argument("--province", metavar="CODE", help="mã tỉnh 2 chữ số (vai trò province)")
    p.add_argument("--name", metavar="NAME", help="họ tên hiển thị")
    p.add_argument("--password-stdin", action="store_true", help="đọc mật khẩu từ dòng đầu của stdin")


def _unit_commands(sub, add: Adder) -> None:
    unit = sub.add_parser("unit", help="danh mục đơn vị hành chính (mã chính thức, cũ → mới)").add_subparsers(
        dest="action", required=True, metavar="VIỆC"
    )
    p = add(
        unit,
        "load",
        "units:cmd_unit_load",
        "nạp bảng chuyển đổi đơn vị hành chính (CSV/XLSX); nạp lại không tạo trùng, in ra thay đổi",
    )
    p.add_argument("file", metavar="FILE", help=".csv hoặc .xlsx của bảng chuyển đổi mới – cũ")
    p = add(
        unit, "resolve", "units:cmd_unit_resolve", "tìm đơn vị hành chính hiện nay theo tên (hoặc mã) cũ/mới"
    )
    p.add_argument(
        "--name", required=True, metavar="NAME", help="tên xã/phường (có hoặc không 'Phường/Xã'), hoặc mã"
    )
    p.add_argument("--province", required=True, metavar="NAME", help="tỉnh/thành phố (của thời kỳ --era)")
    p.add_argument("--district", metavar="NAME", help="quận/huyện cũ (thời kỳ old)")
    p.add_argument(
        "--era", required=True, choices=["old", "new"], help="old: trước 01/7/2025; new: từ 01/7/2025"
    )
    p.add_argument("--json", action="store_true", help="in kết quả dạng JSON")


def _list_commands(sub, add: Adder) -> None:
    p = add(
        sub,
        "import",
        "registry:cmd_import",
        "nhập danh sách đối tượng (hoặc danh sách quà) của một phường/xã từ tệp",
    )
    p.add_argument("file", metavar="FILE", help=".xlsx, .xls, .ods hoặc .csv")
    p.add_argument("--ward", required=True, metavar="CODE")
    p.add_argument("--campaign", metavar="NAME", help="đợt tặng quà, khi tệp là danh sách quà")
    p.add_argument("--source", metavar="CODE", help="nguồn kinh phí của danh sách quà")
    p.add_argument("--relief", metavar="NAME", help="đợt cứu trợ gạo, khi tệp là danh sách hộ thiếu đói")
    p.add_argument(
        "--era",
        choices=["old", "new"],
        help="old: danh sách lập trước 01/7/2025 (đơn vị cũ trong tiêu đề được đối chiếu); mặc định: theo"
        " ngày trong tiêu đề",
    )
    p.add_argument("--dry-run", action="store_true", help="chỉ kiểm tra, không ghi gì")
    p.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    p.set_defaults(early=read_import_file)
    p = add(sub, "beneficiaries", "registry:cmd_beneficiaries", "liệt kê đối tượng của một phường/xã")
    p.add_argument("--ward", required=True, metavar="CODE")
    p.add_argument("--json", action="store_true", help="in ra JSON")
    lump = sub.add_parser("lump", help="quà tập thể (chỉ có tổng số)")
    lump_sub = lump.add_subparsers(dest="action", required=True, metavar="VIỆC")
    p = add(
        lump_sub,
        "add",
        "campaigns:cmd_lump_add",
        "ghi quà do đoàn thể báo tổng số suất và tổng tiền, không có tên",
    )
    p.add_argument("--campaign", required=True, metavar="NAME")
    p.add_argument("--ward", required=True, metavar="CODE")
    p.add_argument("--source", required=True, metavar="CODE")
    p.add_argument("--count", required=True, type=int, metavar="N")
    p.add_argument("--amount", required=True, metavar="VND", help="tổng số tiền (đồng), ví dụ 1.485.600.000")
    p.add_argument("--note", metavar="TEXT")


def _report_commands(sub, add: Adder) -> None:
    report = sub.add_parser("report", help="báo cáo")
    report_sub = report.add_subparsers(dest="action", required=True, metavar="VIỆC")
    p = add(
        report_sub,
        "form",
        "forms:cmd_report_form",
        "biểu mẫu báo cáo cho một kỳ (10b: phần hỗ trợ lương thực; 10c: người cao tuổi;"
        " 10d: người khuyết tật)",
    )
    p.add_argument("--form", required=True, choices=["10b", "10c", "10d"])
    p.add_argument("--from", dest="from_month", required=True, metavar="MM/YYYY")
    p.add_argument("--to", dest="to_month", required=True, metavar="MM/YYYY")
    p.add_argument("--ward", metavar="CODE")
    p.add_argument("--out", required=True, metavar="FILE.xlsx")
    p = add(
        report_sub,
        "summary",
        "campaigns:cmd_report_summary",
        "báo cáo kết quả tặng quà của một đợt (JSON hoặc .xlsx)",
    )
    p.add_argument("--campaign", required=True, metavar="NAME")
    output = p.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="in số liệu dạng JSON")
    output.add_argument("--out", metavar="FILE.xlsx", help="ghi báo cáo Excel")
    p = add(report_sub, "daily", "campaigns:cmd_report_daily", "báo cáo tiến độ đến một ngày (.xlsx)")
    p.add_argument("--campaign", required=True, metavar="NAME")
    p.add_argument("--date", required=True, metavar="DD/MM/YYYY")
    p.add_argument(
        "--out", metavar="FILE.xlsx", help="mặc định: tien_do_<đợt>_<ngày>.xlsx trong thư mục hiện tại"
    )
    p.add_argument(
        "--basis",
        choices=[b.value for b in FiguresBasis],
        default=FiguresBasis.LIVE.value,
        help="reported: số liệu các phường/xã đã chốt đến giờ hạn báo cáo của ngày; live: số liệu trực tiếp"
        " (mặc định)",
    )
    export = sub.add_parser("export", help="xuất danh sách ra tệp")
    export_sub = export.add_subparsers(dest="action", required=True, metavar="VIỆC")
    p = add(
        export_sub,
        "beneficiaries",
        "registry:cmd_export_beneficiaries",
        "xuất danh sách đối tượng (.xlsx), các cột như trang Đối tượng",
    )
    p.add_argument("--out", required=True, metavar="FILE.xlsx")
    p.add_argument("--ward", metavar="CODE", help="chỉ một phường/xã (mặc định: mọi phường/xã)")


def _relief_commands(sub, add: Adder) -> None:
    relief = sub.add_parser("relief", help="cứu trợ gạo (hộ thiếu đói)").add_subparsers(
        dest="action", required=True, metavar="VIỆC"
    )
    rounds = relief.add_parser("round", help="đợt cứu trợ gạo").add_subparsers(
        dest="round_action", required=True, metavar="VIỆC"
    )
    p = add(
        rounds,
        "add",
        "relief:cmd_round_add",
        "thêm đợt cứu trợ gạo (Tết: 1 tháng; lý do khác: tối đa 3 tháng)",
    )
    p.add_argument("--name", required=True, metavar="NAME")
    p.add_argument("--reason", required=True, choices=[r.value for r in ReliefReason])
    p.add_argument("--months", required=True, type=int, metavar="N")
    p.add_argument("--from", dest="start", required=True, metavar="DD/MM/YYYY", help="ngày bắt đầu của đợt")
    p.add_argument(
        "--kg-per-person", type=int, default=15, metavar="KG", help="kg gạo mỗi người mỗi tháng (15)"
    )
    p.add_argument(
        "--rice-price",
        metavar="ĐỒNG",
        help="đơn giá gạo mỗi kg, để tính kinh phí của mẫu 10b (không bắt buộc)",
    )
    p = add(
        relief, "approve", "relief:cmd_approve", "duyệt và khóa số liệu cứu trợ gạo của phường/xã trong đợt"
    )
    p.add_argument("--round", required=True, metavar="NAME")
    p.add_argument("--ward", required=True, metavar="CODE")
    p = add(relief, "report", "relief:cmd_report", "báo cáo kết quả đợt cứu trợ gạo (JSON hoặc .xlsx)")
    p.add_argument("--round", required=True, metavar="NAME")
    out = p.add_mutually_exclusive_group(required=True)
    out.add_argument("--json", action="store_true", help="in ra JSON")
    out.add_argument("--out", metavar="FILE.xlsx")


def _bhyt_commands(sub, add: Adder) -> None:
    bhyt = sub.add_parser("bhyt", help="thẻ bảo hiểm y tế do ngân sách đóng").add_subparsers(
        dest="action", required=True, metavar="VIỆC"
    )
    p = add(
        bhyt,
        "list",
        "bhyt:cmd_list",
        "danh sách tăng, giảm, điều chỉnh thẻ BHYT của tháng gửi cơ quan BHXH (JSON hoặc .xlsx)",
    )
    p.add_argument("--month", required=True, metavar="MM/YYYY")
    p.add_argument("--ward", metavar="CODE", help="chỉ một phường/xã (mặc định: mọi phường/xã)")
    out = p.add_mutually_exclusive_group(required=True)
    out.add_argument("--out", metavar="FILE.xlsx")
    out.add_argument("--json", action="store_true", help="in ra JSON")
    p = add(bhyt, "lock", "bhyt:cmd_lock", "khóa (đã gửi) danh sách thẻ BHYT của tháng, mọi phường/xã")
    p.add_argument("--month", required=True, metavar="MM/YYYY")
    p = add(
        bhyt,
        "reconcile",
        "bhyt:cmd_reconcile",
        "đối chiếu danh sách thẻ cơ quan BHXH đã cấp (.xlsx, .xls, .ods, .csv) với người được ngân sách đóng"
        " BHYT tháng này",
    )
    p.add_argument(
        "file", metavar="FILE", help="danh sách thẻ: Số CCCD hoặc Mã số BHXH, Số thẻ BHYT, hạn thẻ"
    )
    p.add_argument("--json", action="store_true", help="in số liệu dạng JSON")


def _allowance_commands(sub, add: Adder) -> None:
    allowance = sub.add_parser("allowance", help="trợ cấp xã hội hằng tháng").add_subparsers(
        dest="action", required=True, metavar="VIỆC"
    )
    p = add(
        allowance,
        "standard",
        "allowance:cmd_allowance_standard",
        "đặt mức chuẩn (hoặc mức trợ cấp hưu trí xã hội) từ một tháng",
    )
    p.add_argument("--amount", required=True, metavar="VND", help="số tiền (đồng), ví dụ 540.000")
    p.add_argument("--from", dest="from_month", required=True, metavar="MM/YYYY")
    p.add_argument("--pension", action="store_true", help="mức trợ cấp hưu trí xã hội thay cho mức chuẩn")
    p = add(allowance, "stop", "allowance:cmd_allowance_stop", "dừng hưởng trợ cấp của một người")
    p.add_argument("--ward", required=True, metavar="CODE")
    p.add_argument("--national-id", required=True, metavar="CCCD")
    p.add_argument("--reason", required=True, choices=[r.value for r in StopReason])
    p.add_argument("--date", required=True, metavar="DD/MM/YYYY")
    p.add_argument("--receiver", metavar="HỌ_TÊN", help="người nhận hỗ trợ mai táng (khi đã mất)")
    p.add_argument("--relation", metavar="QUAN_HỆ", help="quan hệ của người nhận với người mất")
    p.add_argument("--receiver-id", metavar="CCCD", help="số CCCD của người nhận hỗ trợ mai táng")
    p = add(
        allowance,
        "change",
        "allowance:cmd_allowance_change",
        "đổi diện hưởng và/hoặc số con của một người từ một tháng",
    )
    p.add_argument("--ward", required=True, metavar="CODE")
    p.add_argument("--national-id", required=True, metavar="CCCD")
    p.add_argument("--groups", metavar='"5.5a;5.6a"', help="các diện hưởng mới, cách nhau bởi dấu ;")
    p.add_argument("--children", type=int, metavar="N", help="số con đang nuôi (diện 5.4)")
    p.add_argument("--from", dest="from_month", required=True, metavar="MM/YYYY", help="áp dụng từ tháng")
    payroll = sub.add_parser("payroll", help="danh sách chi trả hằng tháng").add_subparsers(
        dest="action", required=True, metavar="VIỆC"
    )
    p = add(
        payroll,
        "build",
        "allowance:cmd_payroll_build",
        "lập (lập lại khi chưa khóa) danh sách chi trả của tháng",
    )
    p.add_argument("--month", required=True, metavar="MM/YYYY")
    p.add_argument("--json", action="store_true", help="in số liệu dạng JSON")
    p = add(payroll, "lock", "allowance:cmd_payroll_lock", "khóa danh sách chi trả của tháng")
    p.add_argument("--month", required=True, metavar="MM/YYYY")
    p = add(
        payroll,
        "paid",
        "allowance:cmd_payroll_paid",
        "ghi kết quả chi trả của đơn vị chi trả (danh sách có cột Đã nhận, hoặc danh sách chưa nhận)",
    )
    p.add_argument("--month", required=True, metavar="MM/YYYY")
    p.add_argument("--ward", required=True, metavar="CODE")
    p.add_argument("file", metavar="FILE.xlsx")
    p.add_argument("--json", action="store_true", help="in số liệu dạng JSON")
    p = add(
        payroll,
        "export",
        "allowance:cmd_payroll_export",
        "xuất danh sách chi trả của một phường/xã (.xlsx)",
    )
    p.add_argument("--month", required=True, metavar="MM/YYYY")
    p.add_argument("--ward", required=True, metavar="CODE")
    p.add_argument("--out", required=True, metavar="FILE.xlsx")


# argparse's own messages (English), as the officer reads them
_ERRORS = (
    (r"the following arguments are required: (.*)", r"thiếu \1"),
    (r"argument (\S+): invalid choice: (.*) \(choose from (.*)\)", r"\1: \2 không hợp lệ, chọn một trong \3"),
    (r"argument (\S+): invalid int value: (.*)", r"\1: \2 không phải là số nguyên"),
    (r"argument (\S+): expected one argument", r"\1 cần một giá trị"),
    (r"argument (\S+): not allowed with argument (\S+)", r"không dùng \1 cùng với \2"),
    (r"unrecognized arguments: (.*)", r"không hiểu: \1"),
)
_HEADINGS = {"positional arguments:": "tham số:", "options:": "tùy chọn:"}


class _Formatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, "cách dùng: " if prefix is None else prefix)

    def start_section(self, heading):
        super().start_section(_HEADINGS.get(f"{heading}:", f"{heading}:")[:-1] if heading else heading)


class Parser(argparse.ArgumentParser):
    """An ArgumentParser that speaks Vietnamese: usage, headings, -h and its error messages."""

    def __init__(self, *args, add_help: bool = True, **kwargs):
        super().__init__(*args, add_help=False, formatter_class=_Formatter, **kwargs)
        if add_help:
            self.add_argument("-h", "--help", action="help", help="in hướng dẫn này rồi thoát")

    def error(self, message: str) -> NoReturn:
        for pattern, vietnamese in _ERRORS:
            message = re.sub(f"^{pattern}$", vietnamese, message)
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: lỗi: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``ansinh`` (every subcommand accepts --db URL)."""
    common = Parser(add_help=False)
    common.add_argument("--db", metavar="URL", help="địa chỉ cơ sở dữ liệu (mặc định: ANSINH_DATABASE_URL)")
    parser = Parser(
        prog="ansinh", description="An Sinh: danh sách đối tượng, tặng quà Tết và chi trả trợ cấp hằng tháng."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="LỆNH")

    def add(parent, name: str, handler: str, help_text: str) -> argparse.ArgumentParser:
        p = parent.add_parser(name, parents=[common], help=help_text, description=help_text)
        p.set_defaults(handler=handler)
        return p

    for commands in (
        _db_commands,
        _reference_commands,
        _unit_commands,
        _list_commands,
        _report_commands,
        _allowance_commands,
        _relief_commands,
        _bhyt_commands,
    ):
        commands(sub, add)
    return parser
