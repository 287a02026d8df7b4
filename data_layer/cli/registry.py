"""``ansinh import``, ``beneficiaries``, ``export beneficiaries``."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from data_layer.allowance.register_import import AllowanceRegister
from data_layer.campaigns.gift_list import GiftList
from data_layer.campaigns.setup import get_campaign_by_name
from data_layer.cli.common import engine_of, system_scope
from data_layer.core.db import read_session, write_session
from data_layer.core.errors import Invalid
from data_layer.core.models import Category
from data_layer.importing.commit import commit_import
from data_layer.importing.kinds import ListKind
from data_layer.importing.preview import ImportRequest, preview_import
from data_layer.registry.catalog import get_source_by_code
from data_layer.registry.fields import as_json
from data_layer.registry.queries import Filters, people_page
from data_layer.registry.wards import get_ward_by_code
from data_layer.relief.household_list import HouseholdList
from data_layer.relief.rounds import get_round_by_name

SYSTEM = system_scope()

# `ansinh import --json` prints these, in this order (a count of another kind of list is 0)
IMPORT_FIELDS = (
    "rows_read",
    "accepted",
    "rejected",
    "warnings",
    "beneficiaries_created",
    "beneficiaries_matched",
    "allocations_created",
    "entitlements_created",
    "entitlements_updated",
    "households_created",
    "households_corrected",
    "errors",
)


def _list_kind(session, args, ward_id: int) -> ListKind:
    """A gift list with --campaign, a relief household list with --relief; otherwise the ward's list,
    read as its allowance register too."""
    if args.relief:
        return HouseholdList(get_round_by_name(session, args.relief).id, ward_id)
    if not args.campaign:
        return AllowanceRegister()
    campaign_id = get_campaign_by_name(session, args.campaign).id
    return GiftList(campaign_id, get_source_by_code(session, args.source).id if args.source else None)


def _import_request(session, args) -> ImportRequest:
    ward = get_ward_by_code(session, SYSTEM, args.ward)
    return ImportRequest(
        file_name=Path(args.file).name,
        data=args.data,
        reading=args.reading,
        ward_id=ward.id,
        kind=_list_kind(session, args, ward.id),
        era=args.era,
    )


def cmd_import(args) -> int:
    if args.source and not args.campaign:
        raise Invalid("--source chỉ dùng cùng với --campaign.")
    if args.relief and args.campaign:
        raise Invalid(
            "Một tệp là danh sách quà (--campaign) hoặc danh sách hộ thiếu đói (--relief), không cả hai."
        )
    with write_session(engine_of(args)) as session:
        preview = preview_import(session, SYSTEM, _import_request(session, args))
        counts = preview.summary()
        if not args.dry_run:  # a repeated file is matched again, so importing it twice adds nobody
            counts = commit_import(session, SYSTEM, preview, repeat_ok=True).counts
        summary = {name: counts[name] for name in IMPORT_FIELDS}
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


def cmd_export_beneficiaries(args) -> int:
    """The registry (one ward or every ward) as .xlsx, in the Đối tượng page's columns."""
    from data_layer.reports.exports import beneficiaries_xlsx  # see cmd_report_summary

    with read_session(engine_of(args)) as session:
        ward_id = get_ward_by_code(session, SYSTEM, args.ward).id if args.ward else None
        data = beneficiaries_xlsx(session, SYSTEM, Filters(ward_id=ward_id))
    Path(args.out).write_bytes(data)
    print(f"Đã ghi {args.out}.")
    return 0


def cmd_beneficiaries(args) -> int:
    with read_session(engine_of(args)) as session:
        ward = get_ward_by_code(session, SYSTEM, args.ward)
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
