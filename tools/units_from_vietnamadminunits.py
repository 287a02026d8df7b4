"""Write An Sinh's embedded unit catalogue from the vietnamadminunits package's data (MIT licence).

The output has the columns of the official conversion table (``ansinh unit load`` reads both), so the
embedded default and an office's official file go through one loader. Only the package's data files are
read (its SQLite dataset and converter JSON); none of its code runs, so its network geocoding is never
reached. Split old communes get one row per new commune with "Nhập một phần" (the package keys splits
by area, not by people, so no successor is marked as taking all the people).

    pip download vietnamadminunits==1.0.4 --no-deps && unzip vietnamadminunits-1.0.4-*.whl -d vau
    python tools/units_from_vietnamadminunits.py vau/vietnamadminunits/data \
        data_layer/registry/data/don_vi_hanh_chinh_2025.csv.gz
"""

from __future__ import annotations

import csv
import gzip
import json
import re
import sqlite3
import sys
import unicodedata
from pathlib import Path

HEADER = [
    "Tỉnh, thành phố",
    "Tên Xã mới",
    "Mã Xã mới",
    "Tên Xã cũ",
    "Mã Xã cũ",
    "Ghi chú",
    "Quận/huyện",
    "Tỉnh cũ",
]


def key(text: str) -> str:
    """The package's keys: ASCII letters and digits only, lower case (đ → d)."""
    text = unicodedata.normalize("NFD", (text or "").replace("đ", "d").replace("Đ", "D"))
    return re.sub(r"[^a-z0-9]", "", "".join(c for c in text if not unicodedata.combining(c)).lower())


def main(data_dir: str, out: str) -> None:
    folder = Path(data_dir)
    db = sqlite3.connect(folder / "dataset.db")
    converter = json.loads((folder / "converter_2025.json").read_text(encoding="utf-8"))
    new = {}  # by the package's keys: unaccented, or accented where two names differ only in marks
    for p, pc, w, wc in db.execute("SELECT province, provinceCode, ward, wardCode FROM admin_units"):
        new[(key(p), key(w))] = new[(key(p), re.sub(r"\W", "", w.lower()))] = (f"{p} ({pc})", w, wc)
    old = {}
    for p, pc, d, dc, w, wc in db.execute(
        "SELECT province, provinceCode, district, districtCode, ward, wardCode FROM admin_units_legacy"
    ):
        old[f"{key(p)}_{key(d)}_{key(w or '')}"] = (w or "", wc or "", f"{d} ({dc})", f"{p} ({pc})")
    rows = []
    for province_key, wards in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for new_key, old_keys in wards.items():
            target = new[(province_key, new_key)]
            for old_key in old_keys:
                source = old.get(old_key)
                if source and source[1]:
                    rows.append([*target, source[0], source[1], "Nhập toàn bộ", source[2], source[3]])
    for province_key, splits in converter["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old_key, targets in splits.items():
            source = old[old_key]
            for target in targets:
                found = new[(province_key, target["newWardKey"])]
                rows.append([*found, source[0], source[1], "Nhập một phần", source[2], source[3]])
    listed = {r[2] for r in rows}
    rows += [[*unit, "", "", "", "", ""] for unit in set(new.values()) if unit[2] not in listed]
    rows.sort(key=lambda r: (r[2], r[4]))
    with gzip.open(out, "wt", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["Đơn vị hành chính từ ngày 01/7/2025 (dữ liệu vietnamadminunits 1.0.4, MIT)"])
        writer.writerow(HEADER)
        writer.writerows(rows)
    print(f"{len(rows)} dòng, {len({r[2] for r in rows})} xã mới, {len({r[4] for r in rows})} xã cũ")


if __name__ == "__main__":
    main(*sys.argv[1:])
