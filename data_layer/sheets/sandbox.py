"""Untrusted spreadsheets are parsed in a child process with memory and CPU limits, so no file can
take the server down: a reader that aborts or runs out of memory ends the child, not the app.

The child is this module run with ``python -m``: it gets the file on stdin and writes the sheets
(name, rows of cell values) pickled on stdout.
"""

from __future__ import annotations

import io
import pickle
import subprocess
import sys
import tempfile

from data_layer.sheets.file_errors import FileReadError

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")  # what the child reads (CSV is text, read here)
MEMORY_LIMIT = 1536 * 1024 * 1024  # address space of the child
CPU_SECONDS = 60
WALL_SECONDS = 120


Sheets = list[tuple[str, list[list[object]]]]


class WorkbookRead:
    """A workbook being read by a child process, started at once so the caller can work meanwhile
    (measure the file, say); ``sheets()`` waits for the result, ``stop()`` ends a child not waited for."""

    def __init__(self, data: bytes):
        with tempfile.TemporaryFile() as source:  # the child's stdin: no pipe for the parent to feed
            source.write(data)
            source.seek(0)
            self._process = subprocess.Popen(
                [sys.executable, "-m", "data_layer.sheets.sandbox"],
                stdin=source,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )

    def sheets(self) -> Sheets:
        """(sheet name, rows) of every sheet; FileReadError when the child could not read the file."""
        try:
            out, _ = self._process.communicate(timeout=WALL_SECONDS)
        except subprocess.TimeoutExpired:
            self.stop()
            raise FileReadError(
                "Đọc tệp quá lâu (quá 2 phút): tệp quá lớn hoặc có cấu trúc bất thường."
            ) from None
        if self._process.returncode == 2:  # calamine refused the file: not a spreadsheet it can read
            raise FileReadError("Không đọc được bảng tính: tệp hỏng hoặc không đúng định dạng.")
        if self._process.returncode != 0:
            raise FileReadError(
                "Không đọc được bảng tính: tệp quá lớn hoặc có cấu trúc bất thường (có thể là tệp độc hại). "
                "Hãy mở bằng Excel, chép danh sách sang một tệp mới rồi tải lên lại."
            )
        return pickle.loads(out)

    def stop(self) -> None:
        """End the child if it still runs (no-op once it has finished)."""
        if self._process.poll() is None:
            self._process.kill()
            self._process.communicate()


def read_workbook_rows(data: bytes) -> Sheets:
    """(sheet name, rows) of every sheet of an .xlsx/.xls/.ods file, read by calamine in a child."""
    read = WorkbookRead(data)
    try:
        return read.sheets()
    finally:
        read.stop()


def _limit_resources() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS))


def _child() -> int:
    _limit_resources()
    from python_calamine import CalamineWorkbook

    data = sys.stdin.buffer.read()
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = [
            (name, workbook.get_sheet_by_name(name).to_python(skip_empty_area=False))
            for name in workbook.sheet_names
        ]
    except Exception as exc:  # noqa: BLE001 - calamine raises several types for files it cannot read
        print(f"calamine: {exc}", file=sys.stderr)
        return 2
    sys.stdout.buffer.write(pickle.dumps(sheets, protocol=pickle.HIGHEST_PROTOCOL))
    return 0


if __name__ == "__main__":
    sys.exit(_child())
