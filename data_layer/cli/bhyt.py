"""``ansinh bhyt list`` and ``bhyt lock``: the monthly health-insurance lists for the insurance agency;
``bhyt reconcile``: the agency's list of issued cards against who is covered this month."""

from __future__ import annotations

import json
from pathlib import Path

from data_layer.bhyt.lists import list_figures, lock_month, month_lists
from data_layer.cli.common import engine_of, system_scope
from data_layer.core.db import read_session, write_session
from data_layer.core.errors import Invalid
from data_layer.registry.wards import get_ward_by_code
from data_layer.vn.formatting import format_money
from data_layer.vn.months import month_arg

SYSTEM = system_scope()


def cmd_list(args) -> int:
    month = month_arg(args.month, "--month")
    with read_session(engine_of(args)) as session:
        ward = get_ward_by_code(session, SYSTEM, args.ward) if args.ward else None
        lists = month_lists(session, SYSTEM, month, ward.id if ward else None)
        figures = list_figures(lists, month)
        if args.json:
            print(json.dumps(figures, ensure_ascii=False, indent=1))
            return 0
        from data_layer.bhyt.documents import list_xlsx
        from data_layer.vn.document import Office

        Path(args.out).write_bytes(list_xlsx(session, lists, month, Office.configured()))
    print(
        f"Đã ghi {args.out}: tăng {figures['increases']}, giảm {figures['decreases']}, điều chỉnh "
        f"{figures['adjustments']} người; {figures['covered']} người có thẻ, "
        f"{format_money(figures['premium'])}."
    )
    return 0


def cmd_lock(args) -> int:
    month = month_arg(args.month, "--month")
    with write_session(engine_of(args)) as session:
        locked = lock_month(session, SYSTEM, month)
    if locked:
        print(f"Đã khóa danh sách thẻ BHYT tháng {args.month} của: {', '.join(locked)}.")
    else:
        print(f"Danh sách thẻ BHYT tháng {args.month} của mọi phường/xã đã khóa từ trước.")
    return 0


def cmd_reconcile(args) -> int:
    from data_layer.bhyt.reconcile import KIND_LABELS, reconcile_file
    from data_layer.vn.formatting import local_today

    path = Path(args.file)
    if not path.is_file():
        raise Invalid(f"Không tìm thấy tệp {args.file}.")
    with read_session(engine_of(args)) as session:
        result = reconcile_file(session, SYSTEM, path.read_bytes(), path.name, local_today())
    if args.json:
        print(json.dumps(result.counts(), ensure_ascii=False))
        return 0
    print(result.sentence())
    for finding in result.findings:
        who = f"{finding.name} ({finding.national_id})" if finding.national_id else finding.name
        print(f"- {finding.ward} · {KIND_LABELS[finding.kind]} · {who}: {finding.detail}")
    return 0
