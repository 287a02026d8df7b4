"""Quản trị: what the administrator reads about the database itself."""

from __future__ import annotations

import re

from data_layer.cli import main as ansinh
from tests.pages.conftest import app_as


def captions(at) -> str:
    return " ".join(c.value for c in at.caption)


def test_admin_page_shows_the_last_backup_made_through_the_cli(demo_db, tmp_path, capsys):
    at = app_as("admin", "pages/admin.py").run()
    assert not at.exception
    assert "Chưa có bản sao lưu nào được ghi nhận" in captions(at)

    assert ansinh(["db", "backup", "--out", str(tmp_path / "ansinh-0312.bak")]) == 0
    capsys.readouterr()
    at = app_as("admin", "pages/admin.py").run()
    shown = captions(at)
    made = r"\d\d/\d\d/\d{4} \d\d:\d\d"
    assert re.search(rf"Sao lưu gần nhất: {made} \(tệp ansinh-0312\.bak, [\d,]+ (KB|MB)\)", shown)


def test_admin_page_shows_the_last_seal_verification(demo_db, capsys):
    at = app_as("admin", "pages/admin.py").run()
    assert "Chưa kiểm tra chuỗi niêm phong lần nào" in captions(at)
    assert ansinh(["db", "verify"]) == 0
    capsys.readouterr()
    at = app_as("admin", "pages/admin.py").run()
    assert not at.exception
    assert re.search(
        r"Kiểm tra niêm phong gần nhất: \d\d/\d\d/\d{4} \d\d:\d\d, khớp \([\d.]+ mắt xích\)", captions(at)
    )
