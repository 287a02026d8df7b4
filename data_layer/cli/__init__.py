"""The ``ansinh`` command line tool (its command names, options and JSON fields are a contract).

``parser`` declares every command; each runs from a module of its domain, loaded only when that
command is asked for, so the tool starts without the database layer and ``ansinh import`` can have
its file read by a child process while those modules load. Codes given on the command line (ward,
source, campaign name) are turned into ids in the command modules; the data layer takes ids. User
errors print their Vietnamese message and exit 1; anything else is a bug.
"""

from __future__ import annotations

import gc
import importlib
import logging
import sys
from collections.abc import Sequence
from typing import NoReturn

from data_layer.cli.parser import build_parser
from data_layer.core.errors import UserError

log = logging.getLogger("ansinh")


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the exit status."""
    args = build_parser().parse_args(argv)
    try:
        if early := getattr(args, "early", None):
            early(args)  # before the command's modules load (ansinh import starts reading its file)
        module, name = args.handler.split(":")
        return getattr(importlib.import_module(f"data_layer.cli.{module}"), name)(args)
    except UserError as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # the output was piped into a command that stopped reading (head)
        return 0
    except Exception as exc:
        from sqlalchemy.exc import OperationalError  # loaded with the command's modules

        if isinstance(exc, OperationalError):
            print(f"Lỗi: không kết nối hoặc không ghi được cơ sở dữ liệu ({exc.orig}).", file=sys.stderr)
            return 2
        log.exception("lỗi phần mềm")
        print(
            "Lỗi phần mềm (không phải do dữ liệu của bạn): xem chi tiết ở trên và báo cho quản trị.",
            file=sys.stderr,
        )
        return 70
    finally:
        if reading := getattr(args, "reading", None):  # a command that failed before reading its file
            reading.stop()


def run() -> NoReturn:
    """The console script: ``main``, the database connections closed, then exit without the
    interpreter's last garbage collection taking apart every object graph the libraries built (0.2 s
    after an import): the process ends anyway."""
    status = main()
    if db := sys.modules.get("data_layer.core.db"):  # loaded by every command that opened the database
        db.dispose_engines()
    gc.freeze()
    sys.exit(status)
