"""Large, messy ward lists as offices send them, in several seeded shapes (``SHAPES``).

- ``mau_1`` (the first benchmark's list): title rows, a header merged over two rows with the birth year
  split into Nam | Nữ, a (1)…(n) numbering row, CCCDs typed as numbers (leading zero lost) or as text with
  spaces, birth dates as dd/mm/yyyy text or a bare year, amounts as text, a total footer.
- ``cot_khac``: another column order (CCCD first) and other header words (Số định danh cá nhân, Họ tên
  đối tượng, Diện đối tượng, Số tiền (đồng)…), one header row, a Giới tính column, birth dates as real
  Excel dates, bare years or d/m/yyyy without leading zeros, most CCCDs numbers that lost their zero,
  amounts as numbers.
- ``ngay_tron``: no title, a header in the first row, the name column after the hamlet, dates typed as
  ISO text, dd-mm-yyyy, dd.mm.yyyy, Excel dates, years as numbers or text, every CCCD a number (its
  zero lost), amounts with "đ" or as numbers, a blank row now and then.

Every shape rejects the same kinds of row (a CCCD too short every 97th row). ``Layout`` tells the
naive import (``bench.naive_import``) where each shape keeps its columns.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Vi", "Lương"]
GIVEN = ["Văn An", "Thị Bình", "Văn Cường", "Thị Dung", "Đức Em", "Thị Hường", "Ngọc Lan", "Quang Minh"]
GROUPS = ["Hộ nghèo", "Người cao tuổi", "Thương binh", "Bảo trợ xã hội", "Hộ cận nghèo; Người khuyết tật"]
AMOUNTS = ["600.000", "300.000", "500.000 đ", "1.200.000"]


@dataclass(frozen=True)
class Layout:
    """Where a shape keeps its columns (0-based), for the naive import: rows above the data, the name,
    the birth column(s) (two: Nam | Nữ), the gender column (None: told by which birth column is filled),
    the CCCD and the hamlet."""

    header_rows: int
    name: int
    birth: tuple[int, ...]
    gender: int | None
    national_id: int
    hamlet: int


@dataclass
class Person:
    """One generated person (before a shape writes them)."""

    i: int
    name: str
    female: bool
    year: int
    month: int
    day: int
    national_id: str
    hamlet: str
    group: str
    amount: int


def person(rng: random.Random, i: int) -> Person:
    """The ``i``-th person (1-based); every 97th gets a CCCD too short to be one (the row is rejected)."""
    year = rng.randint(1925, 2010)
    female = rng.random() < 0.5
    digit = (0 if year < 2000 else 2) + female
    national_id = f"020{digit}{year % 100:02d}{i:06d}"
    if i % 97 == 0:
        national_id = "0201234"
    return Person(
        i=i,
        name=f"{rng.choice(SURNAMES)} {rng.choice(GIVEN)} {i}",
        female=female,
        year=year,
        month=rng.randint(1, 12),
        day=rng.randint(1, 28),
        national_id=national_id,
        hamlet=f"Khối {rng.randint(1, 15)}",
        group=rng.choice(GROUPS),
        amount=rng.choice((600_000, 300_000, 500_000, 1_200_000)),
    )


def _lost_zero(national_id: str) -> int | str:
    """The CCCD as Excel keeps a number typed into a General cell (its leading zero gone)."""
    return int(national_id) if len(national_id) == 12 else national_id


# --- mau_1: the first benchmark's list (generated exactly as it was, so its figures compare) ---------
def _mau_1_person(rng: random.Random, i: int) -> list:
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


def _mau_1_rows(rng: random.Random, count: int) -> list[list]:
    rows = [
        ["UBND PHƯỜNG BENCH"],
        ["DANH SÁCH ĐỐI TƯỢNG NHẬN QUÀ TẾT NĂM 2026"],
        [],
        ["STT", "Họ và tên", "Năm sinh", None, "Số CCCD", "Thôn/Tổ", "Đối tượng", "Mức quà", "Ghi chú"],
        [None, None, "Nam", "Nữ", None, None, None, None, None],
        [f"({n})" for n in range(1, 10)],
    ]
    rows.extend(_mau_1_person(rng, i) for i in range(1, count + 1))
    rows.append([None, "Tổng cộng"])
    return rows


# --- cot_khac: another order, other header words --------------------------------------------------
def _cot_khac_rows(rng: random.Random, count: int) -> list[list]:
    rows = [
        ["DANH SÁCH ĐỐI TƯỢNG BẢO TRỢ XÃ HỘI ĐƯỢC TẶNG QUÀ"],
        [
            "TT",
            "Số định danh cá nhân",
            "Họ tên đối tượng",
            "Giới tính",
            "Ngày tháng năm sinh",
            "Thôn, tổ",
            "Diện đối tượng",
            "Số tiền (đồng)",
            "Ghi chú",
        ],
    ]
    for i in range(1, count + 1):
        p = person(rng, i)
        kind = i % 4
        if kind in (0, 1):
            birth: object = datetime(p.year, p.month, p.day)
        elif kind == 2:
            birth = p.year
        else:
            birth = f"{p.day}/{p.month}/{p.year}"
        cccd = _lost_zero(p.national_id) if i % 10 else p.national_id
        rows.append(
            [
                i,
                cccd,
                p.name,
                "Nữ" if p.female else "Nam",
                birth,
                p.hamlet,
                p.group,
                p.amount,
                "Nhận thay" if i % 40 == 0 else None,
            ]
        )
    return rows


# --- ngay_tron: no title, every way of typing a date ------------------------------------------------
def _ngay_tron_rows(rng: random.Random, count: int) -> list[list]:
    rows = [["STT", "Thôn", "Họ và tên", "CCCD", "Năm sinh", "Giới tính", "Đối tượng", "Mức quà"]]
    for i in range(1, count + 1):
        p = person(rng, i)
        kind = i % 6
        birth: object = (
            f"{p.year}-{p.month:02d}-{p.day:02d}",
            f"{p.day:02d}-{p.month:02d}-{p.year}",
            f"{p.day:02d}.{p.month:02d}.{p.year}",
            datetime(p.year, p.month, p.day),
            p.year,
            str(p.year),
        )[kind]
        amount: object = f"{p.amount:,}đ".replace(",", ".") if i % 2 else p.amount
        rows.append(
            [
                i,
                p.hamlet,
                p.name,
                _lost_zero(p.national_id),
                birth,
                "nữ" if p.female else "nam",
                p.group,
                amount,
            ]
        )
        if i % 500 == 0:
            rows.append([])
    return rows


@dataclass(frozen=True)
class Shape:
    """A shape of list: its rows (seeded) and where its columns are."""

    rows: Callable[[random.Random, int], list[list]]
    layout: Layout
    about: str


SHAPES: dict[str, Shape] = {
    "mau_1": Shape(
        _mau_1_rows,
        Layout(header_rows=6, name=1, birth=(2, 3), gender=None, national_id=4, hamlet=5),
        "title rows, two-row header Nam | Nữ, numbering row, text and numeric CCCDs, dd/mm/yyyy or year",
    ),
    "cot_khac": Shape(
        _cot_khac_rows,
        Layout(header_rows=2, name=2, birth=(4,), gender=3, national_id=1, hamlet=5),
        "CCCD first, other header words, Giới tính column, Excel dates, years, d/m/yyyy, numeric CCCDs",
    ),
    "ngay_tron": Shape(
        _ngay_tron_rows,
        Layout(header_rows=1, name=2, birth=(4,), gender=5, national_id=3, hamlet=1),
        "no title, name after the hamlet, ISO / dd-mm / dd.mm / Excel dates and years, every CCCD a number",
    ),
}


def build(path: Path, rows: int, shape: str = "mau_1") -> None:
    """Write ``rows`` people in ``shape`` to ``path`` (openpyxl, write-only), seeded: the same file
    every time."""
    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet("Danh sách")
    for row in SHAPES[shape].rows(random.Random(1), rows):
        ws.append(row)
    workbook.save(path)
