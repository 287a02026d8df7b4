"""``ansinh report form --form 10b|10c|10d``: a form of Decree 20/2021's annex for a period."""

from __future__ import annotations

from pathlib import Path

from data_layer.allowance.months import month_arg
from data_layer.cli.common import engine_of, system_scope
from data_layer.core.db import read_session
from data_layer.core.errors import Invalid
from data_layer.registry.wards import get_ward_by_code
from data_layer.reports.forms_10cd import form_document, form_rows
from data_layer.vn.document import Office

SYSTEM = system_scope()


def cmd_report_form(args) -> int:
    if args.form == "10b":
        from data_layer.cli.relief import cmd_report_form as relief_form

        return relief_form(args)
    first, last = month_arg(args.from_month, "--from"), month_arg(args.to_month, "--to")
    if last < first:
        raise Invalid("--to phải từ tháng --from trở đi.")
    with read_session(engine_of(args)) as session:
        ward = get_ward_by_code(session, SYSTEM, args.ward) if args.ward else None
        rows = form_rows(session, SYSTEM, args.form, first, last, ward.id if ward else None)
    data = form_document(args.form, rows, Office.configured(), ward.name if ward else None, first, last)
    Path(args.out).write_bytes(data)
    total = rows[0]
    subject = "người cao tuổi" if args.form == "10c" else "người khuyết tật"
    print(f"Đã ghi {args.out}: mẫu {args.form}, {total.people} {subject} trong danh sách đối tượng.")
    return 0
