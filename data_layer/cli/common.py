"""What the command modules share, kept light: the system scope, the database of ``--db``, and
arguments read the same way by several commands."""

from __future__ import annotations

import getpass
import sys
from datetime import date, datetime
from pathlib import Path

from data_layer.core.errors import Invalid
from data_layer.core.settings import get_settings
from data_layer.sheets.file_errors import FileReadError
from data_layer.sheets.sandbox import WORKBOOK_SUFFIXES, WorkbookRead


def system_scope():
    """The scope of the command line: every ward, every right."""
    from data_layer.core.access import Scope

    return Scope.system()


def engine_of(args):
    """The engine of ``--db`` (default: ANSINH_DATABASE_URL)."""
    from data_layer.core.db import get_engine

    return get_engine(args.db) if args.db else get_engine()


def read_import_file(args) -> None:
    """``ansinh import``'s file, checked and read into ``args.data``; a workbook's child reader is
    started at once (``args.reading``), so it works while the command's modules load."""
    file = Path(args.file)
    if not file.is_file():
        raise FileReadError(f"Không tìm thấy tệp '{args.file}'.")
    limit = get_settings().max_upload_bytes
    if file.stat().st_size > limit:
        raise FileReadError(
            f"Tệp quá lớn ({file.stat().st_size / 1_048_576:.1f} MB); giới hạn là "
            f"{limit // 1_048_576} MB (ANSINH_MAX_UPLOAD_MB)."
        )
    args.data = file.read_bytes()
    args.reading = WorkbookRead(args.data) if file.suffix.lower() in WORKBOOK_SUFFIXES else None


def parse_amount_arg(text: str) -> int:
    """Money given on the command line: 1485600000, 1.485.600.000 or '1.485.600.000 đ'."""
    from data_layer.vn.values import parse_amount

    amount = parse_amount(text)
    if amount is None:
        raise Invalid("Thiếu số tiền (--amount).")
    return amount


def date_arg(text: str) -> date:
    """A DD/MM/YYYY argument."""
    try:
        return datetime.strptime(text, "%d/%m/%Y").date()
    except ValueError:
        raise Invalid(f"Ngày '{text}' không hợp lệ: dùng dạng dd/mm/yyyy.") from None


def read_password(args) -> str:
    """From the first line of stdin (--password-stdin), else asked twice on the terminal."""
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise Invalid("Không có bàn phím để nhập mật khẩu: dùng --password-stdin.")
    first = getpass.getpass("Mật khẩu: ")
    if first != getpass.getpass("Nhập lại mật khẩu: "):
        raise Invalid("Hai lần nhập mật khẩu không khớp.")
    return first
