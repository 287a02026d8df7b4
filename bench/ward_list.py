"""A large, messy ward list as offices send them: title rows, a header merged over two rows with the
birth year split into Nam | Nữ, a (1)…(n) numbering row, CCCDs typed as numbers (leading zero lost)
or as text with spaces, repeated hamlets and groups, amounts as text, a total footer."""

from __future__ import annotations

import random
from pathlib import Path

from openpyxl import Workbook

TITLE = [["UBND PHƯỜNG BENCH"], ["DANH SÁCH ĐỐI TƯỢNG NHẬN QUÀ TẾT NĂM 2026"], []]
TOP = ["STT", "Họ và tên", "Năm sinh", None, "Số CCCD", "Thôn/Tổ", "Đối tượng", "Mức quà", "Ghi chú"]
SUB = [None, None, "Nam", "Nữ", None, None, None, None, None]
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Vi", "Lương"]
GIVEN = ["Văn An", "Thị Bình", "Văn Cường", "Thị Dung", "Đức Em", "Thị Hường", "Ngọc Lan", "Quang Minh"]
GROUPS = ["Hộ nghèo", "Người cao tuổi", "Thương binh", "Bảo trợ xã hội", "Hộ cận nghèo; Người khuyết tật"]
AMOUNTS = ["600.000", "300.000", "500.000 đ", "1.200.000"]


def person(rng: random.Random, i: int) -> list:
    year = rng.randint(1925, 2010)
    female = rng.random() < 0.5
    digit = (0 if year < 2000 else 2) + female
    national_id = f"020{digit}{year % 100:02d}{i:06d}"
    cccd = int(national_id) if i % 2 else f"{national_id[:3]} {national_id[3:6]} {national_id[6:]}"
    if i % 97 == 0:
        cccd = "0201234"  # too short: rejected
    birth = f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{year}" if i % 3 else year
    return [
        i,
        f"{rng.choice(SURNAMES)} {rng.choice(GIVEN)} {i}",
        None if female else birth,
        birth if female else None,
        cccd,
        f"Khối {rng.randint(1, 15)}",
        rng.choice(GROUPS),
        rng.choice(AMOUNTS),
        "Ủy quyền cho con" if i % 50 == 0 else None,
    ]


def build(path: Path, rows: int) -> None:
    """Write the list to ``path`` (openpyxl, write-only)."""
    rng = random.Random(1)
    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet("Danh sách")
    for row in [*TITLE, TOP, SUB, [f"({n})" for n in range(1, len(TOP) + 1)]]:
        ws.append(row)
    for i in range(1, rows + 1):
        ws.append(person(rng, i))
    ws.append([None, "Tổng cộng"])
    workbook.save(path)
