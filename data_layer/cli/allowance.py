"""``ansinh allowance …`` and ``payroll …``: the monthly allowance."""

from __future__ import annotations

import json
from pathlib import Path

from data_layer.allowance.agent_return import record_return_file
from data_layer.allowance.dated_changes import change_entitlement
from data_layer.allowance.entitlement_status import (
    FuneralReceiver,
    current_entitlement_id,
    person_id_by_national_id,
    stop,
)
from data_layer.allowance.months import month_arg
from data_layer.allowance.payroll import build_payroll, lock_payroll, payroll_of
from data_layer.allowance.payroll_figures import payroll_figures
from data_layer.allowance.reference import set_standard
from data_layer.cli.common import date_arg, engine_of, parse_amount_arg, system_scope
from data_layer.core.codes import PayrollStatus, StandardKind, StopReason
from data_layer.core.db import read_session, write_session
from data_layer.core.errors import Invalid, NotFound
from data_layer.registry.wards import get_ward_by_code
from data_layer.vn.formatting import format_money, format_month
from data_layer.vn.labels import label
from data_layer.vn.values import parse_national_id

SYSTEM = system_scope()


def cmd_allowance_standard(args) -> int:
    """Set the standard (or, with --pension, the social pension level) from a month on."""
    kind = StandardKind.PENSION if args.pension else StandardKind.STANDARD
    month = month_arg(args.from_month, "--from")
    amount = parse_amount_arg(args.amount)
    with write_session(engine_of(args)) as session:
        set_standard(session, SYSTEM, kind, month, amount)
    print(f"Đã đặt {label(kind).lower()} {format_money(amount)} từ tháng {format_month(month)}.")
    return 0


def cmd_allowance_stop(args) -> int:
    """Stop the current entitlement of the ward's person with this CCCD."""
    on = date_arg(args.date)
    with write_session(engine_of(args)) as session:
        ward = get_ward_by_code(session, SYSTEM, args.ward)
        person_id = person_id_by_national_id(session, SYSTEM, ward.id, parse_national_id(args.national_id))
        stop(
            session,
            SYSTEM,
            current_entitlement_id(session, SYSTEM, person_id),
            on=on,
            reason=StopReason(args.reason),
            receiver=FuneralReceiver(args.receiver, args.relation, args.receiver_id)
            if args.receiver
            else None,
        )
    print(f"Đã dừng hưởng từ sau tháng {format_month(on.replace(day=1))} ({label(StopReason(args.reason))}).")
    return 0


def cmd_allowance_change(args) -> int:
    """Change the groups and/or children of a person's current entitlement from a month."""
    if args.groups is None and args.children is None:
        raise Invalid("Ghi --groups hoặc --children (điều cần thay đổi).")
    applies_from = month_arg(args.from_month, "--from")
    with write_session(engine_of(args)) as session:
        ward = get_ward_by_code(session, SYSTEM, args.ward)
        person_id = person_id_by_national_id(session, SYSTEM, ward.id, parse_national_id(args.national_id))
        result = change_entitlement(
            session,
            SYSTEM,
            current_entitlement_id(session, SYSTEM, person_id),
            applies_from=applies_from,
            group_codes_text=args.groups,
            children=args.children,
        )
    print(result.sentence())
    return 0


def cmd_payroll_paid(args) -> int:
    """Record the payment agent's return of a ward for a locked month (Đã nhận x/blank, or a list of
    who did not collect), by CCCD or STT."""
    month = month_arg(args.month, "--month")
    path = Path(args.file)
    if not path.is_file():
        raise NotFound(f"Không tìm thấy tệp {path}.")
    with write_session(engine_of(args)) as session:
        ward = get_ward_by_code(session, SYSTEM, args.ward)
        result = record_return_file(session, SYSTEM, month, ward.id, path.read_bytes(), path.name)
    if args.json:
        print(json.dumps({"ward": args.ward, **result.as_json()}, ensure_ascii=False, indent=1))
    else:
        print(result.sentence())
    return 0


def _print_payroll(figures, as_json: bool) -> None:
    if as_json:
        print(json.dumps(figures.as_json(), ensure_ascii=False, indent=1))
        return
    status = label(PayrollStatus(figures.status)).lower()
    print(
        f"Danh sách chi trả tháng {format_month(figures.month)} ({status}): {figures.people} người,"
        f" trợ cấp {format_money(figures.amount)}, truy lĩnh {format_money(figures.arrears)},"
        f" hỗ trợ chi phí mai táng {format_money(figures.funeral)}, tổng chi {format_money(figures.total)};"
        f" truy thu {format_money(figures.recoveries)}."
    )


def cmd_payroll_build(args) -> int:
    """Build (rebuild while open) the month's payroll; a locked month only shows its figures."""
    month = month_arg(args.month, "--month")
    with write_session(engine_of(args)) as session:
        payroll = payroll_of(session, month)
        if payroll is None or payroll.status != PayrollStatus.LOCKED:
            build_payroll(session, SYSTEM, month)
        figures = payroll_figures(session, SYSTEM, month)
    _print_payroll(figures, args.json)
    return 0


def cmd_payroll_lock(args) -> int:
    month = month_arg(args.month, "--month")
    with write_session(engine_of(args)) as session:
        lock_payroll(session, SYSTEM, month)
        figures = payroll_figures(session, SYSTEM, month)
    _print_payroll(figures, False)
    return 0


def cmd_payroll_export(args) -> int:
    """The ward's cash list, bank transfer list and changes report of the month, as one workbook."""
    from data_layer.allowance.payment_lists import ward_lists_xlsx  # loads openpyxl: see cmd_report_summary

    month = month_arg(args.month, "--month")
    with read_session(engine_of(args)) as session:
        ward = get_ward_by_code(session, SYSTEM, args.ward)
        if payroll_of(session, month) is None:
            raise NotFound(f"Chưa lập danh sách chi trả tháng {format_month(month)}.")
        Path(args.out).write_bytes(ward_lists_xlsx(session, SYSTEM, month, ward.id))
    print(f"Đã ghi {args.out}: danh sách tiền mặt, chuyển khoản và báo cáo tăng/giảm của {ward.name}.")
    return 0
