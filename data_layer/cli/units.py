"""``ansinh unit load`` and ``ansinh unit resolve``: the official unit catalogue."""

from __future__ import annotations

import json
from pathlib import Path

from data_layer.cli.common import engine_of, system_scope
from data_layer.core.db import read_session, write_session
from data_layer.registry.unit_catalog import load_catalog, resolve
from data_layer.registry.unit_table import read_table
from data_layer.sheets.file_errors import FileReadError

_STATUS = {
    "found": "Tìm thấy",
    "ambiguous": "Chưa xác định được, có nhiều đơn vị",
    "unknown": "Không tìm thấy",
}


def cmd_unit_load(args) -> int:
    file = Path(args.file)
    if not file.is_file():
        raise FileReadError(f"Không tìm thấy tệp '{args.file}'.")
    table = read_table(file.read_bytes(), file.name)
    with write_session(engine_of(args)) as session:
        report = load_catalog(session, system_scope(), table, source=file.name)
    print(f"Đã đọc {len(table)} dòng của bảng chuyển đổi.")
    print("\n".join(report.lines()))
    return 0


def cmd_unit_resolve(args) -> int:
    with read_session(engine_of(args)) as session:
        found = resolve(session, name=args.name, province=args.province, district=args.district, era=args.era)
    if args.json:
        print(json.dumps(found.as_json(), ensure_ascii=False))
        return 0
    print(f"{_STATUS[found.status]}.")
    for unit in found.units:
        origin = (
            f" (từ {unit['from']['name']}, {unit['from']['district']}: {unit['note']})"
            if "from" in unit
            else ""
        )
        print(f"{unit['code']}\t{unit['name']}\t{unit['province']}{origin}")
    return 0
