"""The preview of an import: read the file, find the list, check every row, match it against the
ward (and let the list's kind check what its domain needs). Writes nothing; ``commit`` writes what the
preview accepted (and matches again)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from data_layer.core.access import Scope
from data_layer.core.bulk import bulk_work
from data_layer.core.codes import BatchStatus
from data_layer.core.db import one_of
from data_layer.core.errors import Forbidden
from data_layer.core.models import Beneficiary, ImportBatch, Ward
from data_layer.core.settings import get_settings
from data_layer.importing.categories import CategoryResolver
from data_layer.importing.eras import ListEra, list_era, old_units_of_rows, place_rows_by_hamlet
from data_layer.importing.kinds import Counts, ListKind
from data_layer.importing.matching import WardPeople
from data_layer.importing.rows import ParsedRow, parse_rows
from data_layer.importing.table import Table, legacy_encoding_of, locate_table
from data_layer.registry.hamlet_placements import hamlet_key, placements
from data_layer.sheets.file_errors import FileReadError
from data_layer.sheets.reader import mark_upper_font_cells, read_sheets
from data_layer.sheets.sandbox import WorkbookRead
from data_layer.vn.formatting import format_money
from data_layer.vn.values import CellError, parse_amount

Progress = Callable[[float, str], None]


@dataclass
class ImportRequest:
    """What the user chose: the file, the ward, and the kind of list (None: a plain ward list)."""

    file_name: str
    data: bytes
    ward_id: int
    kind: ListKind | None = None
    mapping: dict[int, str | None] | None = None
    category_map: dict[str, int] = field(default_factory=dict)  # file text → category id
    file_category_id: int | None = None  # the group of every row that names none ("Nhóm cho cả tệp")
    reading: WorkbookRead | None = field(default=None, compare=False)  # a child already reading ``data``
    era: str | None = None  # 'old': "Danh sách lập trước 01/7/2025"; 'new'; None: from the title's date
    hamlet_units: dict[str, str] = field(default_factory=dict)  # split old commune: hamlet → today's code

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass
class ImportPreview:
    request: ImportRequest
    table: Table
    rows: list[ParsedRow]
    file_warnings: list[str]
    unknown_categories: list[str]
    already_imported: ImportBatch | None
    matches: dict[int, int]  # Excel row → id of the person it updates
    category_ids: dict[int, list[int]]
    suggested_category_id: int | None = None  # a group the title rows name ("DANH SÁCH NGƯỜI CAO TUỔI")
    checked: Any = None  # what the kind's check found, for its write
    era: ListEra | None = None  # the list's era and the old commune its title names (kept on new people)
    hamlet_questions: list[str] = field(default_factory=list)  # hamlets of a split old commune to place
    old_units: dict[int, tuple[str, str]] = field(default_factory=dict)  # Excel row → its old commune

    @property
    def accepted(self) -> list[ParsedRow]:
        return [r for r in self.rows if not r.errors]

    def summary(self) -> Counts:
        """Counts and errors in the shape of `ansinh import --json` (before commit)."""
        accepted = self.accepted
        return Counts(
            {
                "rows_read": len(self.rows),
                "accepted": len(accepted),
                "rejected": len(self.rows) - len(accepted),
                "warnings": sum(1 for r in accepted if r.warnings),
                "beneficiaries_created": sum(1 for r in accepted if r.row not in self.matches),
                "beneficiaries_matched": sum(1 for r in accepted if r.row in self.matches),
                "errors": [_error_entry(r) for r in self.rows if r.errors],
            }
        )


def _error_entry(row: ParsedRow) -> dict:
    """One JSON error per rejected row; the column is named when all its errors are in one column."""
    columns = {column for column, _ in row.errors}
    if len(columns) == 1:
        return {"row": row.row, "column": row.errors[0][0], "message": " ".join(m for _, m in row.errors)}
    message = " ".join(f"{column}: {m}" if column else m for column, m in row.errors)
    return {"row": row.row, "column": None, "message": message}


def ward_in_scope(session: Session, scope: Scope, ward_id: int) -> Ward:
    """The ward a list is imported into, if the user may write to it."""
    scope.require_ward(ward_id)
    ward = session.execute(
        select(Ward).where(Ward.id == ward_id, scope.ward_clause(Ward.id))
    ).scalar_one_or_none()
    if ward is None:
        raise Forbidden("Bạn không có quyền nhập danh sách cho phường/xã này.")
    return ward


def _check_footer(table: Table, rows: list[ParsedRow]) -> list[str]:
    amount_col = table.column_for("amount")
    if table.footer is None or amount_col is None:
        return []
    number, cells = table.footer
    raw = cells[amount_col.index] if amount_col.index < len(cells) else None
    try:
        declared = parse_amount(raw)
    except CellError:
        return [f"Dòng tổng cộng (dòng {number}) có số tiền không đọc được: '{raw}'."]
    computed = sum(r.amount or 0 for r in rows)
    if declared is not None and declared != computed:
        return [
            f"Dòng tổng cộng (dòng {number}) ghi {format_money(declared)} "
            f"nhưng tổng các dòng là {format_money(computed)}."
        ]
    return []


def _flag_other_wards(session: Session, scope: Scope, ward_id: int, rows: list[ParsedRow]) -> None:
    """Warn about people with the same national ID, or name + birth year, in another ward (named only
    to users who may see every ward: ward staff learn nothing about another ward's registry)."""
    others = select(Ward.id).where(
        Ward.id != ward_id, select(Beneficiary.id).where(Beneficiary.ward_id == Ward.id).exists()
    )
    if session.execute(others.limit(1)).first() is None:
        return  # nobody in any other ward yet (a city's first lists): 100,000 lookups saved
    ids = {r.national_id for r in rows if r.national_id}
    keys = {r.name_key for r in rows if r.name_key}
    found_ids: dict[str, str] = {}
    found_names: dict[tuple[str, int | None], str] = {}
    for national_id, ward in session.execute(
        select(Beneficiary.national_id, Ward.name)
        .join(Ward, Ward.id == Beneficiary.ward_id)
        .where(Beneficiary.ward_id != ward_id, one_of(session, Beneficiary.national_id, ids))
    ):
        found_ids[national_id] = ward
    for name_key, year, ward in session.execute(
        select(Beneficiary.name_key, Beneficiary.birth_year, Ward.name)
        .join(Ward, Ward.id == Beneficiary.ward_id)
        .where(Beneficiary.ward_id != ward_id, one_of(session, Beneficiary.name_key, keys))
    ):
        found_names[(name_key, year)] = ward

    def where(ward: str) -> str:
        return ward if scope.sees_all_wards else "một phường/xã khác"

    for row in rows:
        if row.national_id in found_ids:
            row.warnings.append(f"Số CCCD đã có trong danh sách của {where(found_ids[row.national_id])}.")
        elif (row.name_key, row.birth_year) in found_names and row.birth_year:
            ward = where(found_names[(row.name_key, row.birth_year)])
            row.warnings.append(f"Có thể trùng với một người ở {ward} (cùng họ tên, năm sinh).")


def _resolve_categories(
    session: Session, request: ImportRequest, rows: list[ParsedRow]
) -> tuple[dict[int, list[int]], list[str]]:
    """Category ids per Excel row, and the category texts nothing matched (each warned on its row)."""
    resolver = CategoryResolver(session, request.category_map)
    unknown: dict[str, None] = {}
    category_ids: dict[int, list[int]] = {}
    resolved: dict[tuple[str, ...], tuple[list[int], list[str]]] = {}  # rows repeat their group cells
    for row in rows:
        if row.category_texts not in resolved:
            found = [(text, resolver.resolve(text)) for text in row.category_texts]
            ids = list(dict.fromkeys(cid for _, cid in found if cid is not None))
            resolved[row.category_texts] = (ids, [text for text, cid in found if cid is None])
        ids, missing = resolved[row.category_texts]
        for text in missing:
            unknown.setdefault(text)
            row.warnings.append(f"Nhóm đối tượng '{text}' chưa có trong danh mục.")
        category_ids[row.row] = ids or ([request.file_category_id] if request.file_category_id else [])
    return category_ids, list(unknown)


def suggested_category(session: Session, table: Table) -> int | None:
    """The group the title rows of the list name, if any ("DANH SÁCH NGƯỜI CAO TUỔI …" → elderly)."""
    resolver = CategoryResolver(session)
    return next((cid for line in table.title_lines if (cid := resolver.resolve(line)) is not None), None)


def _place_split_hamlets(
    session: Session, ward: Ward, era: ListEra, table: Table, rows: list[ParsedRow], request: ImportRequest
) -> list[str]:
    """An old list of a split commune: rows whose hamlet went elsewhere, or is not yet placed, are refused
    (remembered answers, then the user's); the hamlets still to place."""
    if not era.split or era.old_unit is None:
        return []
    answers = placements(session, era.old_unit[0])
    answers.update({hamlet_key(h): code for h, code in request.hamlet_units.items()})
    column = table.column_for("hamlet")
    return place_rows_by_hamlet(ward, era, rows, answers, column.header if column else "Thôn/Tổ dân phố")


def read_table(request: ImportRequest) -> Table:
    """The list found in the uploaded file (FileReadError when there is none)."""
    sheets = read_sheets(
        request.data, request.file_name, max_bytes=get_settings().max_upload_bytes, reading=request.reading
    )
    for sheet in sheets:
        if legacy_encoding_of(sheet) == "tcvn3":
            mark_upper_font_cells(request.data, request.file_name, sheet)
    table = locate_table(sheets)
    if not table.rows:
        raise FileReadError("Danh sách không có dòng dữ liệu nào dưới dòng tiêu đề.")
    return table


def previous_batch(session: Session, request: ImportRequest) -> ImportBatch | None:
    """The last committed import of the same file into the same ward, if any."""
    return (
        session.execute(
            select(ImportBatch)
            .where(
                ImportBatch.sha256 == request.sha256,
                ImportBatch.ward_id == request.ward_id,
                ImportBatch.status == BatchStatus.COMMITTED,
            )
            .order_by(ImportBatch.id.desc())
        )
        .scalars()
        .first()
    )


@bulk_work()
def preview_import(
    session: Session, scope: Scope, request: ImportRequest, progress: Progress | None = None
) -> ImportPreview:
    """Read and check the file against the database; writes nothing.

    Raises FileReadError when the file cannot be read as a list at all.
    """
    report = progress or (lambda _f, _m: None)
    ward = ward_in_scope(session, scope, request.ward_id)
    if request.kind is not None:
        request.kind.refuse_early(session, request.ward_id)  # before reading the file
    report(0.05, "Đang đọc tệp…")
    table = read_table(request)
    report(0.4, "Đang kiểm tra từng dòng…")
    rows = parse_rows(table, request.mapping)
    era = list_era(session, ward, table.title_lines, request.era)
    questions = _place_split_hamlets(session, ward, era, table, rows, request)
    old_units = old_units_of_rows(session, ward, era, rows)
    report(0.7, "Đang đối chiếu với cơ sở dữ liệu…")
    category_ids, unknown = _resolve_categories(session, request, rows)
    matches = WardPeople.load(session, request.ward_id).matches(r for r in rows if not r.errors)
    checked = request.kind.check(session, table, rows, matches) if request.kind is not None else None
    _flag_other_wards(session, scope, request.ward_id, [r for r in rows if not r.errors])
    report(1.0, "Xong.")
    return ImportPreview(
        request=request,
        table=table,
        rows=rows,
        file_warnings=[*table.warnings, *_check_footer(table, rows), *era.warnings],
        unknown_categories=unknown,
        already_imported=previous_batch(session, request),
        matches=matches,
        category_ids=category_ids,
        suggested_category_id=suggested_category(session, table),
        checked=checked,
        era=era,
        hamlet_questions=questions,
        old_units=old_units,
    )
