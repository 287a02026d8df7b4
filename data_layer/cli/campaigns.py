"""``ansinh lump add``, ``report summary``, ``report daily``."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from data_layer.campaigns.lumps import add_lump
from data_layer.campaigns.setup import get_campaign_by_name
from data_layer.cli.common import date_arg, engine_of, parse_amount_arg, system_scope
from data_layer.core.db import read_session, write_session
from data_layer.registry.catalog import get_source_by_code
from data_layer.registry.wards import get_ward_by_code
from data_layer.vn.formatting import format_money

SYSTEM = system_scope()


def cmd_lump_add(args) -> int:
    with write_session(engine_of(args)) as session:
        lump = add_lump(
            session,
            SYSTEM,
            campaign_id=get_campaign_by_name(session, args.campaign).id,
            ward_id=get_ward_by_code(session, SYSTEM, args.ward).id,
            source_id=get_source_by_code(session, args.source).id,
            count=args.count,
            amount=parse_amount_arg(args.amount),
            note=args.note,
        )
        print(f"Đã ghi {lump.count} suất = {format_money(lump.amount)} (mã {lump.id}).")
    return 0


def cmd_campaign_approve(args) -> int:
    from data_layer.campaigns.approval import approve_ward

    with write_session(engine_of(args)) as session:
        campaign = get_campaign_by_name(session, args.campaign)
        ward = get_ward_by_code(session, SYSTEM, args.ward)
        approve_ward(session, SYSTEM, campaign.id, ward.id)
        print(f"Đã duyệt và khóa số liệu của {ward.name} trong đợt «{campaign.name}».")
    return 0


def cmd_campaign_unlock(args) -> int:
    from data_layer.campaigns.approval import unlock_ward

    with write_session(engine_of(args)) as session:
        campaign = get_campaign_by_name(session, args.campaign)
        ward = get_ward_by_code(session, SYSTEM, args.ward)
        unlock_ward(session, SYSTEM, campaign.id, ward.id, args.reason)
        print(f"Đã mở khóa số liệu của {ward.name} trong đợt «{campaign.name}».")
    return 0


def cmd_report_summary(args) -> int:
    # Report modules are imported by the commands that use them, so that `ansinh import` and the
    # other commands start faster.
    from data_layer.reports.summary import campaign_summary, summary_basis, summary_workbook
    from data_layer.vn.document import Office

    with read_session(engine_of(args)) as session:
        campaign = get_campaign_by_name(session, args.campaign)
        summary = campaign_summary(session, SYSTEM, campaign.id)
        basis = summary_basis(session, SYSTEM, campaign.id)
        if args.out:
            workbook = summary_workbook(session, SYSTEM, campaign.id, Office.configured(date.today()))
            Path(args.out).write_bytes(workbook)
    if args.json or not args.out:
        figures = {k: v for k, v in summary.items() if k != "longevity"} if args.json else summary
        figures = {**figures, "basis": basis.text}
        print(json.dumps(figures, ensure_ascii=False, indent=1))
    else:
        print(
            f"Đã ghi {args.out}: đã trao {summary['delivered_count']}/{summary['total_count']} suất"
            f" = {format_money(summary['delivered_amount'])} ({basis.text})."
        )
    return 0


def cmd_report_daily(args) -> int:
    from data_layer.core.codes import FiguresBasis
    from data_layer.reports.daily import basis_text, daily_xlsx  # see cmd_report_summary
    from data_layer.reports.file_names import report_file_name
    from data_layer.vn.document import Office

    on = date_arg(args.date)
    basis = FiguresBasis(args.basis)
    with read_session(engine_of(args)) as session:
        campaign = get_campaign_by_name(session, args.campaign)
        out = Path(args.out or report_file_name("tien_do", campaign.name, on))
        office = Office.configured(date.today())
        out.write_bytes(daily_xlsx(session, SYSTEM, campaign.id, on, office, basis=basis))
        stated = basis_text(session, campaign.id, on, basis)
    print(f"Đã ghi {out} ({stated}).")
    return 0
