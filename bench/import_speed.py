"""Import speed: a 50,000-row, 8-column ward list, `ansinh import` vs the naive approach, side by side.

Each run is a separate process on a fresh SQLite database (and PostgreSQL when reachable), timed
end to end, best of ``REPEATS``.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from openpyxl import Workbook

ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "50000"))
REPEATS = int(os.environ.get("BENCH_REPEATS", "2"))
PG_URL = os.environ.get("BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
HEADER = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Thôn/Tổ", "Đối tượng", "Mức quà"]
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi"]
GIVEN = ["Văn An", "Thị Bình", "Văn Cường", "Thị Dung", "Đức Em", "Thị Hường", "Ngọc Lan", "Quang Minh"]


def build_workbook(path: Path, rows: int) -> None:
    rng = random.Random(1)
    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet("Danh sách")
    ws.append(HEADER)
    for i in range(1, rows + 1):
        year = rng.randint(1930, 2010)
        female = rng.random() < 0.5
        digit = (0 if year < 2000 else 2) + female
        ws.append(
            [
                i,
                f"{rng.choice(SURNAMES)} {rng.choice(GIVEN)} {i}",
                f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{year}",
                "Nữ" if female else "Nam",
                f"020{digit}{year % 100:02d}{i:06d}",
                f"Khối {rng.randint(1, 12)}",
                rng.choice(["Hộ nghèo", "Người cao tuổi", "Thương binh", "Bảo trợ xã hội"]),
                "600.000",
            ]
        )
    workbook.save(path)


def _run(args: list[str], env: dict) -> float:
    start = time.perf_counter()
    subprocess.run(args, env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def _fresh_database(kind: str, workdir: Path, n: int) -> str:
    if kind == "sqlite":
        return f"sqlite:///{workdir / f'bench_{n}.db'}"
    from sqlalchemy import create_engine, text

    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    name = f"ansinh_bench_{os.getpid()}_{n}"
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    return admin.url.set(database=name).render_as_string(hide_password=False)


def measure(kind: str, file: Path, workdir: Path) -> tuple[float, float]:
    """Best-of-REPEATS seconds for (ansinh import, naive import) on a fresh database each run."""
    ansinh = Path(sys.executable).parent / "ansinh"
    env = dict(os.environ)
    ours, naive = [], []
    for n in range(REPEATS):
        for label, times in (("ours", ours), ("naive", naive)):
            url = _fresh_database(kind, workdir, n * 2 + (label == "naive"))
            subprocess.run([str(ansinh), "db", "init", "--db", url], env=env, check=True, capture_output=True)
            subprocess.run(
                [str(ansinh), "ward", "add", "B1", "Phường Bench", "--db", url],
                env=env,
                check=True,
                capture_output=True,
            )
            if label == "ours":
                times.append(
                    _run([str(ansinh), "import", str(file), "--ward", "B1", "--json", "--db", url], env)
                )
            else:
                times.append(_run([sys.executable, "-m", "bench.naive_import", str(file), url, "B1"], env))
    return min(ours), min(naive)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        file = workdir / "ward_50k.xlsx"
        build_workbook(file, ROWS)
        print(
            f"Import benchmark: {ROWS:,} rows x {len(HEADER)} columns ({file.stat().st_size / 1e6:.1f} MB), "
            f"best of {REPEATS}"
        )
        for kind in ("sqlite", "postgresql"):
            try:
                ours, naive = measure(kind, file, workdir)
            except Exception as exc:  # noqa: BLE001 - report and go on with the other database
                print(f"  {kind:10s} not measured: {exc}")
                continue
            print(
                f"  {kind:10s} ansinh import {ours:6.2f} s | naive (pandas+openpyxl, ORM per row) "
                f"{naive:6.2f} s | {naive / ours:4.1f}x faster"
            )


if __name__ == "__main__":
    main()
