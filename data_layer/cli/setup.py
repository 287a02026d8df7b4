"""``ansinh db …``, ``ward add``, ``source add``, ``campaign add``, ``user add``."""

from __future__ import annotations

import json
import sys
from argparse import Namespace
from functools import partial
from pathlib import Path

from data_layer.admin import backup
from data_layer.admin.app_role import grant_statements
from data_layer.admin.seeding import seed_reference_data, seed_unit_catalog
from data_layer.admin.users import add_user
from data_layer.campaigns.setup import create_campaign
from data_layer.cli.common import engine_of, read_password, system_scope
from data_layer.core import seals, tallies
from data_layer.core.codes import Role
from data_layer.core.db import write_session
from data_layer.core.schema import new_revision, upgrade_schema
from data_layer.demo.city import seed_demo_data
from data_layer.registry.catalog import add_source
from data_layer.registry.unit_table import EMBEDDED_SOURCE
from data_layer.registry.wards import add_ward, get_ward_by_code
from data_layer.vn.formatting import format_count, format_size

SYSTEM = system_scope()


def cmd_db_init(args) -> int:
    """Migrate, seed the catalogue (and the demo); with --app-role, stdout is only the SQL to run."""
    engine = engine_of(args)
    upgrade_schema(engine)
    with write_session(engine) as session:
        seed_reference_data(session)
        catalogue = seed_unit_catalog(session)
        seeded = seed_demo_data(session) if args.demo else False
        sealed = seals.start_chain(session)
    say = partial(print, file=sys.stderr if args.app_role else sys.stdout)
    say("Đã tạo/cập nhật cơ sở dữ liệu.")
    if catalogue:
        say(f"Đã nạp danh mục đơn vị hành chính có sẵn ({EMBEDDED_SOURCE}).")
    if sealed:
        say(
            f"Đã niêm phong {format_count(sealed)} mục đã chốt từ trước"
            " (tháng đã khóa, báo cáo, lịch sử duyệt)."
        )
    if seeded:
        say("Đã nạp dữ liệu mẫu (tài khoản mẫu, mật khẩu ansinh-demo: chỉ dùng để thử).")
    elif args.demo:
        say("Cơ sở dữ liệu đã có dữ liệu: không nạp dữ liệu mẫu (chỉ nạp vào cơ sở dữ liệu trống).")
    if args.app_role:
        if engine.dialect.name != "postgresql":
            print("--app-role chỉ dùng với PostgreSQL.", file=sys.stderr)
            return 2
        print(f"-- Chạy bằng vai trò sở hữu các bảng, rồi cho ứng dụng kết nối bằng vai trò {args.app_role}:")
        print("\n".join(grant_statements(args.app_role, engine.url.database)))
    return 0


def cmd_db_verify(args) -> int:
    """Recompute the seal chain; exit 1 naming the first link that does not match."""
    with write_session(engine_of(args)) as session:
        found = seals.verify(session)
    if args.json:
        print(json.dumps(found.as_json(), ensure_ascii=False))
    elif found.ok:
        print(f"Chuỗi niêm phong khớp: {format_count(found.links)} mắt xích.")
    else:
        print(found.problem)
    return 0 if found.ok else 1


def cmd_db_tallies(args) -> int:
    """Compare the progress page's running totals with a recount; --rebuild recounts them."""
    with engine_of(args).begin() as connection:
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


def cmd_db_backup(args) -> int:
    """Copy the database to a file (consistent while users write) and note it for *Quản trị*."""
    engine = engine_of(args)
    info = backup.backup(engine, Path(args.out))
    with write_session(engine) as session:
        backup.record_backup(session, info)
    print(f"Đã sao lưu vào {info.path} ({format_size(info.size)}).")
    return 0


def cmd_db_restore(args) -> int:
    """Replace the database with a backup, bring it to the current schema, then check its running
    totals and its seal chain (exit 1 when either fails)."""
    engine = engine_of(args)
    backup.restore(engine, Path(args.file), force=args.force)
    upgrade_schema(engine)
    print(f"Đã phục hồi từ {args.file}.")
    tallies_result = cmd_db_tallies(Namespace(db=args.db, rebuild=False))
    return max(tallies_result, cmd_db_verify(Namespace(db=args.db, json=False)))


def cmd_db_revision(args) -> int:
    """Write the next migration from the difference between the models and the database."""
    engine = engine_of(args)
    upgrade_schema(engine)
    path = new_revision(engine, args.message)
    print(f"Đã tạo {path}: đọc lại và sửa trước khi đưa vào mã nguồn.")
    return 0


def cmd_ward_add(args) -> int:
    with write_session(engine_of(args)) as session:
        ward = add_ward(session, SYSTEM, args.code, args.name)
        print(f"{ward.code}\t{ward.name}")
    return 0


def cmd_source_add(args) -> int:
    with write_session(engine_of(args)) as session:
        source = add_source(session, SYSTEM, args.code, args.name)
        print(f"{source.code}\t{source.name}")
    return 0


def cmd_campaign_add(args) -> int:
    with write_session(engine_of(args)) as session:
        campaign = create_campaign(session, SYSTEM, name=args.name, year=args.year)
        print(campaign.id)
    return 0


def cmd_user_add(args) -> int:
    password = read_password(args)
    with write_session(engine_of(args)) as session:
        ward_id = get_ward_by_code(session, SYSTEM, args.ward).id if args.ward else None
        user = add_user(
            session,
            SYSTEM,
            username=args.username,
            password=password,
            role=Role(args.role),
            ward_id=ward_id,
            name=args.name,
            province_code=args.province,
        )
        print(f"Đã tạo người dùng {user.username} ({user.role}).")
    return 0
