"""The ``ansinh`` command line tool (its command names, options and JSON fields are a contract).

Codes given on the command line (ward, source, campaign name) are turned into ids here; the data
layer below takes ids. User errors print their Vietnamese message and exit 1; anything else is a bug.
"""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import sys
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from data_layer.admin import reference
from data_layer.admin.demo import seed_demo_data
from data_layer.admin.users import add_user
from data_layer.allowance.entitlement_status import current_entitlement_id, person_id_by_national_id, stop
from data_layer.allowance.months import month_arg
from data_layer.allowance.payroll import build_payroll, lock_payroll, payroll_of
from data_layer.allowance.payroll_figures import payroll_figures
from data_layer.allowance.reference import set_standard
from data_layer.campaigns.lumps import add_lump
from data_layer.campaigns.setup import create_campaign
from data_layer.core import tallies
from data_layer.core.access import Scope
from data_layer.core.codes import PayrollStatus, Role, StandardKind, StopReason
from data_layer.core.db import get_engine, read_session, write_session
from data_layer.core.errors import Invalid, NotFound, UserError
from data_layer.core.models import Category
from data_layer.core.schema import new_revision, upgrade_schema
from data_layer.core.settings import get_settings
from data_layer.importing.commit import commit_import
from data_layer.importing.file_errors import FileReadError
from data_layer.importing.preview import ImportRequest, preview_import
from data_layer.registry.fields import as_json
from data_layer.registry.queries import Filters, people_page
from data_layer.vn.formatting import format_money, format_month
from data_layer.vn.labels import label
from data_layer.vn.values import parse_amount, parse_national_id

SYSTEM = Scope.system()
log = logging.getLogger("ansinh")


def _engine(args):
    return get_engine(args.db) if args.db else get_engine()


def cmd_db_init(args) -> int:
    engine = _engine(args)
    upgrade_schema(engine)
    with write_session(engine) as session:
        reference.seed_reference_data(session)
        seeded = seed_demo_data(session) if args.demo else False
    print("Đã tạo/cập nhật cơ sở dữ liệu.")
    if seeded:
        print("Đã nạp dữ liệu mẫu (tài khoản mẫu, mật khẩu ansinh-demo: chỉ dùng để thử).")
    elif args.demo:
        print("Cơ sở dữ liệu đã có dữ liệu: không nạp dữ liệu mẫu (chỉ nạp vào cơ sở dữ liệu trống).")
    return 0


def cmd_db_tallies(args) -> int:
    """Compare the progress page's running totals with a recount; --rebuild recounts them."""
    with _engine(args).begin() as connection:
        if args.rebuild:
            tallies.rebuild(connection)
            print("Đã tính lại các số tổng hợp.")
            return 0
        wrong = tallies.check(connection)
    if wrong:
        print(
            "Số tổng hợp lệch so với dữ liệu: " + ", ".join(wrong) + ". Chạy lại với --rebuild để tính lại."
        )
        return 1
    print("Các số tổng hợp khớp với dữ liệu.")
    return 0


def cmd_db_revision(args) -> int:
    """Write the next migration from the difference between the models and the database."""
    engine = _engine(args)
    upgrade_schema(engine)
    path = new_revision(engine, args.message)
    print(f"Đã tạo {path}: đọc lại và sửa trước khi đưa vào mã nguồn.")
    return 0


def cmd_ward_add(args) -> int:
    with write_session(_engine(args)) as session:
        ward = reference.add_ward(session, SYSTEM, args.code, args.name)
        print(f"{ward.code}\t{ward.name}")
    return 0


def cmd_source_add(args) -> int:
    with write_session(_engine(args)) as session:
        source = reference.add_source(session, SYSTEM, args.code, args.name)
        print(f"{source.code}\t{source.name}")
    return 0


def cmd_campaign_add(args) -> int:
    with write_session(_engine(args)) as session:
        campaign = create_campaign(session, SYSTEM, name=args.name, year=args.year)
        print(campaign.id)
    return 0


def _read_password(args) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise Invalid("Không có bàn phím để nhập mật khẩu: dùng --password-stdin.")
    first = getpass.getpass("Mật khẩu: ")
    if first != getpass.getpass("Nhập lại mật khẩu: "):
        raise Invalid("Hai lần nhập mật khẩu không khớp.")
    return first


def cmd_user_add(args) -> int:
    password = _read_password(args)
    with write_session(_engine(args)) as session:
        ward_id = reference.get_ward_by_code(session, SYSTEM, args.ward).id if args.ward else None
        user = add_user(
            session,
            SYSTEM,
            username=args.username,
            password=password,
            role=Role(args.role),
            ward_id=ward_id,
            name=args.name,
        )
        print(f"Đã tạo người dùng {user.username} ({user.role}).")
    return 0


def _read_file(path: str) -> bytes:
    file = Path(path)
    if not file.is_file():
        raise FileReadError(f"Không tìm thấy tệp '{path}'.")
    limit = get_settings().max_upload_bytes
    if file.stat().st_size > limit:
        raise FileReadError(
            f"Tệp quá lớn ({file.stat().st_size / 1_048_576:.1f} MB); giới hạn là "
            f"{limit // 1_048_576} MB (ANSINH_MAX_UPLOAD_MB)."
        )
    return file.read_bytes()


def _import_request(session, args, data: bytes) -> ImportRequest:
    ward = reference.get_ward_by_code(session, SYSTEM, args.ward)
    return ImportRequest(
        file_name=Path(args.file).name,
        data=data,
        ward_id=ward.id,
        campaign_id=reference.get_campaign_by_name(session, args.campaign).id if args.campaign else None,
        source_id=reference.get_source_by_code(session, args.source).id if args.source else None,
    )


def cmd_import(args) -> int:
    if args.source and not args.campaign:
        raise Invalid("--source chỉ dùng cùng với --campaign.")
    data = _read_file(args.file)
    with write_session(_engine(args)) as session:
        preview = preview_import(session, SYSTEM, _import_request(session, args, data))
        summary = preview.summary()
        if not args.dry_run:  # a repeated file is matched again, so importing it twice adds nobody
            summary = commit_import(session, SYSTEM, preview, repeat_ok=True).counts
        summary["file_warnings"] = preview.file_warnings
        summary["already_imported"] = preview.already_imported is not None
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=1))
    else:
        _print_import_summary(summary, args.dry_run)
    return 0


def _print_import_summary(summary: dict, dry_run: bool) -> None:
    print(
        ("Kiểm tra (không ghi): " if dry_run else "Đã nhập: ")
        + f"{summary['rows_read']} dòng, {summary['accepted']} nhận, {summary['rejected']} loại, "
        f"{summary['warnings']} cảnh báo; {summary['beneficiaries_created']} đối tượng mới, "
        f"{summary['beneficiaries_matched']} đã có, {summary['allocations_created']} suất quà."
    )
    if summary["already_imported"]:
        print("Lưu ý: tệp này đã được nhập trước đây.")
    for warning in summary["file_warnings"]:
        print(f"Cảnh báo: {warning}")
    for error in summary["errors"]:
        column = f", cột '{error['column']}'" if error["column"] else ""
        print(f"Dòng {error['row']}{column}: {error['message']}")


def parse_amount_arg(text: str) -> int:
    """Money given on the command line: 1485600000, 1.485.600.000 or '1.485.600.000 đ'."""
    amount = parse_amount(text)
    if amount is None:
        raise Invalid("Thiếu số tiền (--amount).")
    return amount


def cmd_lump_add(args) -> int:
    with write_session(_engine(args)) as session:
        lump = add_lump(
            session,
            SYSTEM,
            campaign_id=reference.get_campaign_by_name(session, args.campaign).id,
            ward_id=reference.get_ward_by_code(session, SYSTEM, args.ward).id,
            source_id=reference.get_source_by_code(session, args.source).id,
            count=args.count,
            amount=parse_amount_arg(args.amount),
            note=args.note,
        )
        print(f"Đã ghi {lump.count} suất = {format_money(lump.amount)} (mã {lump.id}).")
    return 0


def cmd_report_summary(args) -> int:
    # Report modules are imported by the commands that use them, so that `ansinh import` and the
    # other commands start faster.
    from data_layer.reports.summary import campaign_summary, summary_workbook
    from data_layer.vn.document import Office

    with read_session(_engine(args)) as session:
        campaign = reference.get_campaign_by_name(session, args.campaign)
        summary = campaign_summary(session, SYSTEM, campaign.id)
        if args.out:
            workbook = summary_workbook(session, SYSTEM, campaign.id, Office.configured(date.today()))
            Path(args.out).write_bytes(workbook)
    if args.json or not args.out:
        figures = {k: v for k, v in summary.items() if k != "longevity"} if args.json else summary
        print(json.dumps(figures, ensure_ascii=False, indent=1))
    else:
        print(f"Đã ghi {args.out}: {summary['total_count']} suất = {format_money(summary['total_amount'])}.")
    return 0


def _date_arg(text: str) -> date:
    try:
        return datetime.strptime(text, "%d/%m/%Y").date()
    except ValueError:
        raise Invalid(f"Ngày '{text}' không hợp lệ: dùng dạng dd/mm/yyyy.") from None


def cmd_report_daily(args) -> int:
    from data_layer.reports.daily import daily_xlsx  # see cmd_report_summary
    from data_layer.reports.file_names import report_file_name
    from data_layer.vn.document import Office

    on = _date_arg(args.date)
    with read_session(_engine(args)) as session:
        campaign = reference.get_campaign_by_name(session, args.campaign)
        out = Path(args.out or report_file_name("tien_do", campaign.name, on))
        out.write_bytes(daily_xlsx(session, SYSTEM, campaign.id, on, Office.configured(date.today())))
    print(f"Đã ghi {out}.")
    return 0


def cmd_export_beneficiaries(args) -> int:
    """The registry (one ward or every ward) as .xlsx, in the Đối tượng page's columns."""
    from data_layer.reports.exports import beneficiaries_xlsx  # see cmd_report_summary

    with read_session(_engine(args)) as session:
        ward_id = reference.get_ward_by_code(session, SYSTEM, args.ward).id if args.ward else None
        data = beneficiaries_xlsx(session, SYSTEM, Filters(ward_id=ward_id))
    Path(args.out).write_bytes(data)
    print(f"Đã ghi {args.out}.")
    return 0


def cmd_beneficiaries(args) -> int:
    with read_session(_engine(args)) as session:
        ward = reference.get_ward_by_code(session, SYSTEM, args.ward)
        people = people_page(session, SYSTEM, Filters(ward_id=ward.id), page_size=10_000_000)
        codes = dict(session.execute(select(Category.id, Category.code)).all())
    records = [as_json(p, codes) for p in sorted(people, key=lambda p: p.id)]
    if args.json:
        print(json.dumps(records, ensure_ascii=False, indent=1))
    else:
        for r in records:
            birth = r["birth_date"] or r["birth_year"] or ""
            print(f"{r['id']}\t{r['name']}\t{birth}\t{r['national_id'] or ''}")
    return 0


# --- monthly allowance and payroll ------------------------------------------------------------------


def cmd_allowance_standard(args) -> int:
    """Set the standard (or, with --pension, the social pension level) from a month on."""
    kind = StandardKind.PENSION if args.pension else StandardKind.STANDARD
    month = month_arg(args.from_month, "--from")
    amount = parse_amount_arg(args.amount)
    with write_session(_engine(args)) as session:
        set_standard(session, SYSTEM, kind, month, amount)
    print(f"Đã đặt {label(kind).lower()} {format_money(amount)} từ tháng {format_month(month)}.")
    return 0


def cmd_allowance_stop(args) -> int:
    """Stop the current entitlement of the ward's person with this CCCD."""
    on = _date_arg(args.date)
    with write_session(_engine(args)) as session:
        ward = reference.get_ward_by_code(session, SYSTEM, args.ward)
        person_id = person_id_by_national_id(session, SYSTEM, ward.id, parse_national_id(args.national_id))
        stop(
            session,
            SYSTEM,
            current_entitlement_id(session, SYSTEM, person_id),
            on=on,
            reason=StopReason(args.reason),
        )
    print(f"Đã dừng hưởng từ sau tháng {format_month(on.replace(day=1))} ({label(StopReason(args.reason))}).")
    return 0


def _print_payroll(figures, as_json: bool) -> None:
    if as_json:
        print(json.dumps(figures.as_json(), ensure_ascii=False, indent=1))
        return
    status = label(PayrollStatus(figures.status)).lower()
    print(
        f"Danh sách chi trả tháng {format_month(figures.month)} ({status}): {figures.people} người,"
        f" trợ cấp {format_money(figures.amount)}, truy lĩnh {format_money(figures.arrears)},"
        f" mai táng {format_money(figures.funeral)}, tổng chi {format_money(figures.total)};"
        f" truy thu {format_money(figures.recoveries)}."
    )


def cmd_payroll_build(args) -> int:
    """Build (rebuild while open) the month's payroll; a locked month only shows its figures."""
    month = month_arg(args.month, "--month")
    with write_session(_engine(args)) as session:
        payroll = payroll_of(session, month)
        if payroll is None or payroll.status != PayrollStatus.LOCKED:
            build_payroll(session, SYSTEM, month)
        figures = payroll_figures(session, SYSTEM, month)
    _print_payroll(figures, args.json)
    return 0


def cmd_payroll_lock(args) -> int:
    month = month_arg(args.month, "--month")
    with write_session(_engine(args)) as session:
        lock_payroll(session, SYSTEM, month)
        figures = payroll_figures(session, SYSTEM, month)
    _print_payroll(figures, False)
    return 0


def cmd_payroll_export(args) -> int:
    """The ward's cash list, bank transfer list and changes report of the month, as one workbook."""
    from data_layer.allowance.payment_lists import ward_lists_xlsx  # loads openpyxl: see cmd_report_summary

    month = month_arg(args.month, "--month")
    with read_session(_engine(args)) as session:
        ward = reference.get_ward_by_code(session, SYSTEM, args.ward)
        if payroll_of(session, month) is None:
            raise NotFound(f"Chưa lập danh sách chi trả tháng {format_month(month)}.")
        Path(args.out).write_bytes(ward_lists_xlsx(session, SYSTEM, month, ward.id))
    print(f"Đã ghi {args.out}: danh sách tiền mặt, chuyển khoản và báo cáo tăng/giảm của {ward.name}.")
    return 0


Adder = Callable[..., argparse.ArgumentParser]


def _db_commands(sub, add: Adder) -> None:
    db = sub.add_parser("db", help="cơ sở dữ liệu").add_subparsers(
        dest="action", required=True, metavar="VIỆC"
    )
    p = add(db, "init", cmd_db_init, "tạo/nâng cấp lược đồ, nạp danh mục chuẩn (và dữ liệu mẫu)")
    p.add_argument("--demo", action="store_true", help="nạp dữ liệu mẫu khi cơ sở dữ liệu còn trống")
    p = add(db, "tallies", cmd_db_tallies, "kiểm tra các số tổng hợp của trang Tiến độ so với dữ liệu")
    p.add_argument("--rebuild", action="store_true", help="tính lại toàn bộ các số tổng hợp")
    p = add(db, "revision", cmd_db_revision, "tạo tệp nâng cấp lược đồ (migration) mới từ các model")
    p.add_argument("message", metavar="MSG", help="mô tả ngắn thay đổi lược đồ")


def _reference_commands(sub, add: Adder) -> None:
    for noun, handler, help_text in (
        ("ward", cmd_ward_add, "phường/xã"),
        ("source", cmd_source_add, "nguồn kinh phí"),
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
    p = add(campaign, "add", cmd_campaign_add, "thêm đợt tặng quà, in ra mã số (id) của đợt")
    p.add_argument("name", metavar="NAME")
    p.add_argument("--year", type=int, required=True, metavar="YYYY")
    user = sub.add_parser("user", help="người dùng").add_subparsers(
        dest="action", required=True, metavar="VIỆC"
    )
    p = add(user, "add", cmd_user_add, "thêm người dùng; mật khẩu đọc từ stdin (--password-stdin) hoặc hỏi")
    p.add_argument("username", metavar="USERNAME")
    p.add_argument("--role", required=True, choices=[r.value for r in Role])
    p.add_argument("--ward", metavar="CODE", help="mã phường/xã (bắt buộc với vai trò ward)")
    p.add_argument("--name", metavar="NAME", help="họ tên hiển thị")
    p.add_argument("--password-stdin", action="store_true", help="đọc mật khẩu từ dòng đầu của stdin")


def _list_commands(sub, add: Adder) -> None:
    p = add(
        sub, "import", cmd_import, "nhập danh sách đối tượng (hoặc danh sách quà) của một phường/xã từ tệp"
    )
    p.add_argument("file", metavar="FILE", help=".xlsx, .xls, .ods hoặc .csv")
    p.add_argument("--ward", required=True, metavar="CODE")
    p.add_argument("--campaign", metavar="NAME", help="đợt tặng quà, khi tệp là danh sách quà")
    p.add_argument("--source", metavar="CODE", help="nguồn kinh phí của danh sách quà")
    p.add_argument("--dry-run", action="store_true", help="chỉ kiểm tra, không ghi gì")
    p.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    p = add(sub, "beneficiaries", cmd_beneficiaries, "liệt kê đối tượng của một phường/xã")
    p.add_argument("--ward", required=True, metavar="CODE")
    p.add_argument("--json", action="store_true", help="in ra JSON")
    lump = sub.add_parser("lump", help="quà tập thể (chỉ có tổng số)")
    lump_sub = lump.add_subparsers(dest="action", required=True, metavar="VIỆC")
    p = add(lump_sub, "add", cmd_lump_add, "ghi quà do đoàn thể báo tổng số suất và tổng tiền, không có tên")
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
        report_sub, "summary", cmd_report_summary, "báo cáo kết quả tặng quà của một đợt (JSON hoặc .xlsx)"
    )
    p.add_argument("--campaign", required=True, metavar="NAME")
    output = p.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="in số liệu dạng JSON")
    output.add_argument("--out", metavar="FILE.xlsx", help="ghi báo cáo Excel")
    p = add(report_sub, "daily", cmd_report_daily, "báo cáo tiến độ đến một ngày (.xlsx)")
    p.add_argument("--campaign", required=True, metavar="NAME")
    p.add_argument("--date", required=True, metavar="DD/MM/YYYY")
    p.add_argument(
        "--out", metavar="FILE.xlsx", help="mặc định: tien_do_<đợt>_<ngày>.xlsx trong thư mục hiện tại"
    )
    export = sub.add_parser("export", help="xuất danh sách ra tệp")
    export_sub = export.add_subparsers(dest="action", required=True, metavar="VIỆC")
    p = add(
        export_sub,
        "beneficiaries",
        cmd_export_beneficiaries,
        "xuất danh sách đối tượng (.xlsx), các cột như trang Đối tượng",
    )
    p.add_argument("--out", required=True, metavar="FILE.xlsx")
    p.add_argument("--ward", metavar="CODE", help="chỉ một phường/xã (mặc định: mọi phường/xã)")


def _allowance_commands(sub, add: Adder) -> None:
    allowance = sub.add_parser("allowance", help="trợ cấp xã hội hằng tháng").add_subparsers(
        dest="action", required=True, metavar="VIỆC"
    )
    p = add(
        allowance,
        "standard",
        cmd_allowance_standard,
        "đặt mức chuẩn (hoặc mức trợ cấp hưu trí xã hội) từ một tháng",
    )
    p.add_argument("--amount", required=True, metavar="VND", help="số tiền (đồng), ví dụ 540.000")
    p.add_argument("--from", dest="from_month", required=True, metavar="MM/YYYY")
    p.add_argument("--pension", action="store_true", help="mức trợ cấp hưu trí xã hội thay cho mức chuẩn")
    p = add(allowance, "stop", cmd_allowance_stop, "dừng hưởng trợ cấp của một người")
    p.add_argument("--ward", required=True, metavar="CODE")
    p.add_argument("--national-id", required=True, metavar="CCCD")
    p.add_argument("--reason", required=True, choices=[r.value for r in StopReason])
    p.add_argument("--date", required=True, metavar="DD/MM/YYYY")
    payroll = sub.add_parser("payroll", help="danh sách chi trả hằng tháng").add_subparsers(
        dest="action", required=True, metavar="VIỆC"
    )
    p = add(payroll, "build", cmd_payroll_build, "lập (lập lại khi chưa khóa) danh sách chi trả của tháng")
    p.add_argument("--month", required=True, metavar="MM/YYYY")
    p.add_argument("--json", action="store_true", help="in số liệu dạng JSON")
    p = add(payroll, "lock", cmd_payroll_lock, "khóa danh sách chi trả của tháng")
    p.add_argument("--month", required=True, metavar="MM/YYYY")
    p = add(payroll, "export", cmd_payroll_export, "xuất danh sách chi trả của một phường/xã (.xlsx)")
    p.add_argument("--month", required=True, metavar="MM/YYYY")
    p.add_argument("--ward", required=True, metavar="CODE")
    p.add_argument("--out", required=True, metavar="FILE.xlsx")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``ansinh`` (every subcommand accepts --db URL)."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", metavar="URL", help="địa chỉ cơ sở dữ liệu (mặc định: ANSINH_DATABASE_URL)")
    parser = argparse.ArgumentParser(
        prog="ansinh", description="An Sinh: danh sách đối tượng, tặng quà Tết và chi trả trợ cấp hằng tháng."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="LỆNH")

    def add(parent, name: str, handler: Callable, help_text: str) -> argparse.ArgumentParser:
        p = parent.add_parser(name, parents=[common], help=help_text, description=help_text)
        p.set_defaults(handler=handler)
        return p

    for commands in (
        _db_commands,
        _reference_commands,
        _list_commands,
        _report_commands,
        _allowance_commands,
    ):
        commands(sub, add)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``ansinh`` console script; returns the exit status."""
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except UserError as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # the output was piped into a command that stopped reading (head)
        return 0
    except OperationalError as exc:
        print(f"Lỗi: không kết nối hoặc không ghi được cơ sở dữ liệu ({exc.orig}).", file=sys.stderr)
        return 2
    except Exception:
        log.exception("lỗi phần mềm")
        print(
            "Lỗi phần mềm (không phải do dữ liệu của bạn): xem chi tiết ở trên và báo cho quản trị.",
            file=sys.stderr,
        )
        return 70


if __name__ == "__main__":
    sys.exit(main())
