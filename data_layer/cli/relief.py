"""``ansinh relief round add``, ``relief approve``, ``relief report``, ``report form --form 10b``."""

from __future__ import annotations

import json
from pathlib import Path

from data_layer.allowance.months import month_arg
from data_layer.cli.common import date_arg, engine_of, parse_amount_arg, system_scope
from data_layer.core.codes import ReliefReason
from data_layer.core.db import read_session, write_session
from data_layer.core.errors import Invalid
from data_layer.registry.wards import get_ward_by_code
from data_layer.relief.approval import approve_ward
from data_layer.relief.figures import FIGURES, round_figures
from data_layer.relief.rounds import RoundInput, add_round, get_round_by_name
from data_layer.relief.rules import tonnes

SYSTEM = system_scope()


def cmd_round_add(args) -> int:
    with write_session(engine_of(args)) as session:
        found = add_round(
            session,
            SYSTEM,
            RoundInput(
                name=args.name,
                reason=ReliefReason(args.reason),
                months=args.months,
                start_date=date_arg(args.start),
                kg_per_person=args.kg_per_person,
                rice_price=parse_amount_arg(args.rice_price) if args.rice_price else None,
            ),
        )
        print(f"Đã thêm đợt cứu trợ gạo '{found.name}' (mã {found.id}).")
    return 0


def cmd_approve(args) -> int:
    with write_session(engine_of(args)) as session:
        relief = get_round_by_name(session, args.round)
        ward = get_ward_by_code(session, SYSTEM, args.ward)
        count = approve_ward(session, SYSTEM, relief.id, ward.id)
        print(f"Đã duyệt {count} hộ của {ward.name} trong đợt '{relief.name}': số liệu đã khóa.")
    return 0


def cmd_report(args) -> int:
    with read_session(engine_of(args)) as session:
        relief = get_round_by_name(session, args.round)
        if args.json:
            figures = round_figures(session, SYSTEM, relief.id)
            figures["by_ward"] = [
                {"ward": w["ward"], **{f: w[f] for f in FIGURES}} for w in figures["by_ward"]
            ]
            print(json.dumps(figures, ensure_ascii=False, indent=1))
            return 0
        from data_layer.relief.documents import report_xlsx
        from data_layer.vn.document import Office

        Path(args.out).write_bytes(report_xlsx(session, SYSTEM, relief.id, Office.configured()))
        figures = round_figures(session, SYSTEM, relief.id)
    print(
        f"Đã ghi {args.out}: {figures['households']} hộ, {figures['people']} người, "
        f"đề nghị {tonnes(figures['kg_requested'])} tấn, duyệt {tonnes(figures['kg_approved'])} tấn, "
        f"đã cấp {tonnes(figures['kg_delivered'])} tấn."
    )
    return 0


def cmd_report_form(args) -> int:
    from data_layer.relief.form_10b import form_10b_food, form_10b_xlsx
    from data_layer.vn.document import Office

    first, last = month_arg(args.from_month, "--from"), month_arg(args.to_month, "--to")
    if last < first:
        raise Invalid("--to phải từ tháng --from trở đi.")
    with read_session(engine_of(args)) as session:
        ward = get_ward_by_code(session, SYSTEM, args.ward) if args.ward else None
        rows = form_10b_food(session, SYSTEM, first, last, ward.id if ward else None)
    Path(args.out).write_bytes(
        form_10b_xlsx(rows, Office.configured(), first, last, ward.name if ward else None)
    )
    total = rows[0]
    print(f"Đã ghi {args.out}: {total.households} hộ, {total.people} người, {tonnes(total.kg)} tấn gạo.")
    return 0
