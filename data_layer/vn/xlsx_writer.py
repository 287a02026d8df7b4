"""A small streaming .xlsx writer: rows go straight into the zipped sheet XML, in constant memory.

Why our own (issue 26, ``bench/xlsx_writers.py``: one registry document, 50,000 rows, written by
each writer and read back): XlsxWriter in ``constant_memory`` mode holds the whole document but is
about 10 times slower (a Python call per cell); the Rust-backed ``rustpy-xlsxwriter`` (0.8) is about
as fast as this writer but cannot write the documents: merged cells only above the header row (no
signature block under a table, no section rows inside one), and styles only per column (a ``<col>``
style, so borders run down to row 1,048,576) or per whole row, never per cell.
Each row goes out as one ``str.format`` of a template kept per row shape (value types, styles,
height); only a row with text to escape, text with spaces at an end, or text too long for a cell
goes cell by cell.

It writes what An Sinh's files need and nothing more:
text, numbers, a handful of cell styles (Times New Roman), column widths, row heights, merged
cells, frozen header rows, A4 print setup, repeated header rows and a print area.

Every text is an inline string, never a formula, so "=HYPERLINK(…)", "+1" or "@x" stay text;
characters an XML file may not hold are dropped (formula-injection-safe, as ``xlsx.put``).
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from decimal import Decimal

FONT = "Times New Roman"
MONEY_FORMAT = "#,##0"  # shown with '.' thousands separators by Excel set to Vietnamese
MAX_COLUMNS = 64
MAX_CELL_CHARS = 32_767  # Excel's limit for one cell
_FLUSH_ROWS = 500
_COMPRESSION = 1  # zlib's fastest level: 3 times faster than the default, files about a third larger
_MAIN = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_NS = f'{_MAIN} xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
_HIDDEN = ' hidden="1"'
_PRESERVE = ' xml:space="preserve"'
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
# text node escaping, and the characters XML 1.0 forbids (control characters, U+FFFE, U+FFFF) dropped
_TEXT = {
    **dict.fromkeys([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0xFFFE, 0xFFFF]),
    ord("&"): "&amp;",
    ord("<"): "&lt;",
    ord(">"): "&gt;",
}
_ATTRIBUTE = {**_TEXT, ord('"'): "&quot;"}
_LETTERS = [
    chr(64 + c) if c <= 26 else chr(64 + (c - 1) // 26) + chr(65 + (c - 1) % 26) for c in range(1, 65)
]
_BUILTIN_FORMATS = {"General": 0, "0": 1, "0.00": 2, "#,##0": 3, "#,##0.00": 4, "0%": 9, "@": 49}


_UNSAFE = re.compile("[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # to escape or to drop
_TEMPLATES = 4096  # row shapes a book remembers


def _plain(joined: str) -> bool:
    """Whether a row's values joined by tabs can go into its template as they are: nothing to escape
    or drop, no text starting or ending with a space, none longer than a cell holds."""
    return (
        len(joined) <= MAX_CELL_CHARS
        and not _UNSAFE.search(joined)
        and " \t" not in joined
        and "\t " not in joined
        and joined[:1] != " "
        and joined[-1:] != " "
    )


def _row_template(kinds: tuple[type, ...], styles: tuple[int, ...], height: float | None) -> str:
    """A row of values of these exact types and styles as a ``str.format`` template ({0}: the row
    number, {n + 1}: value n), or '' when a type needs the cell-by-cell path."""
    parts = [f'<row r="{{0}}" ht="{height}" customHeight="1">' if height else '<row r="{0}">']
    for n, (letter, kind, style) in enumerate(zip(_LETTERS, kinds, styles, strict=False), start=1):
        if kind is str:
            parts.append(f'<c r="{letter}{{0}}" s="{style}" t="inlineStr"><is><t>{{{n}}}</t></is></c>')
        elif kind is int or kind is float or kind is Decimal:
            parts.append(f'<c r="{letter}{{0}}" s="{style}"><v>{{{n}}}</v></c>')
        elif kind is type(None):
            parts.append(f'<c r="{letter}{{0}}" s="{style}"/>' if style else "")
        else:
            return ""
    return "".join(parts) + "</row>"


def xml_text(value: str) -> str:
    """``value`` as XML text: escaped, characters a workbook may not hold dropped."""
    return value.translate(_TEXT)


@dataclass(frozen=True)
class Style:
    """How a cell looks; every font is Times New Roman."""

    size: float = 13
    bold: bool = False
    italic: bool = False
    underline: bool = False
    border: bool = False  # thin lines on all four sides
    number_format: str = "General"
    horizontal: str | None = None  # left, center, right
    vertical: str = "center"
    wrap: bool = False
    indent: int = 0


@dataclass(frozen=True)
class Page:
    """A sheet's print setup: A4, orientation, fit to the page width, margins in inches."""

    landscape: bool = False
    fit_width: bool = True
    margins: tuple[float, float, float, float] = (0.6, 0.35, 0.6, 0.6)  # left, right, top, bottom
    footer: str = "Trang &P/&N"


@dataclass
class _SheetEntry:
    name: str
    print_titles: tuple[int, int] | None = None
    print_area: tuple[int, int] | None = None  # last column, last row


class Sheet:
    """One worksheet being written, top row first; rows cannot be revisited."""

    def __init__(self, book: Book, entry: _SheetEntry, stream, layout: dict):
        self._book, self._entry, self._stream = book, entry, stream
        self._page: Page = layout["page"]
        self._print_columns: int | None = layout["print_columns"]
        self.row = 0  # the last row written (1-based)
        self._pending: list[str] = []
        self._merges: list[str] = []
        self._stream.write(self._head(layout["widths"], layout["hidden"], layout["freeze_rows"]).encode())

    def _head(self, widths, hidden, freeze: int) -> str:
        selected = ' tabSelected="1"' if self._book.sheet_count == 1 else ""
        view = f'<sheetView workbookViewId="0"{selected}>'
        if freeze:
            view += (
                f'<pane ySplit="{freeze}" topLeftCell="A{freeze + 1}" activePane="bottomLeft" '
                'state="frozen"/><selection pane="bottomLeft"/>'
            )
        columns = "".join(
            f'<col min="{c}" max="{c}" width="{w}" customWidth="1"{_HIDDEN if c in hidden else ""}/>'
            for c, w in enumerate(widths, start=1)
        )
        fit = '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>' if self._page.fit_width else ""
        return (
            f"{_XML}<worksheet {_NS}>{fit}<sheetViews>{view}</sheetView></sheetViews>"
            f'<sheetFormatPr defaultRowHeight="18"/>{f"<cols>{columns}</cols>" if columns else ""}<sheetData>'
        )

    def append(self, values, styles=(), height: float | None = None) -> int:
        """Write the next row: ``values`` from column A (None: empty), ``styles`` their style ids
        (``Book.style``); returns the row number."""
        self.row += 1
        if len(values) > MAX_COLUMNS:
            raise ValueError(f"at most {MAX_COLUMNS} columns")
        if "" in values:  # an empty text is an empty cell
            values = [None if v == "" else v for v in values]
        styles = tuple(styles) if styles else (0,) * len(values)
        key = (tuple(map(type, values)), styles, height)
        templates = self._book._templates
        template = templates.get(key)
        if template is None:
            if len(templates) >= _TEMPLATES:
                templates.clear()
            template = templates[key] = _row_template(*key)
        if template and _plain("\t".join(map(str, values))):
            self._pending.append(template.format(self.row, *values))
        else:
            self._pending.append(self._row_xml(values, styles, height))
        if len(self._pending) >= _FLUSH_ROWS:
            self._flush()
        return self.row

    def _row_xml(self, values, styles, height) -> str:
        """A row cell by cell: texts escaped and cut to Excel's limit, int and float subclasses as
        numbers, anything else refused."""
        number = str(self.row)
        parts = [f'<row r="{number}" ht="{height}" customHeight="1">' if height else f'<row r="{number}">']
        for letter, value, style in zip(_LETTERS, values, styles, strict=False):
            kind = value.__class__
            if kind is str:
                if len(value) > MAX_CELL_CHARS:
                    value = value[:MAX_CELL_CHARS]
                space = _PRESERVE if value[0] == " " or value[-1] == " " else ""
                parts += ('<c r="', letter, number, '" s="', str(style), '" t="inlineStr"><is><t', space, ">")
                parts += (value.translate(_TEXT), "</t></is></c>")
            elif kind is int or kind is float or kind is Decimal:
                parts += ('<c r="', letter, number, '" s="', str(style), '"><v>', str(value), "</v></c>")
            elif value is None:
                if style:
                    parts += ('<c r="', letter, number, '" s="', str(style), '"/>')
            elif isinstance(value, int | float) and not isinstance(value, bool):  # an int or float subclass
                parts += ('<c r="', letter, number, '" s="', str(style), '"><v>', str(value + 0), "</v></c>")
            else:
                raise TypeError(f"cannot write {kind.__name__} to a cell; format it as text first")
        parts.append("</row>")
        return "".join(parts)

    def skip(self, rows: int = 1) -> None:
        """Leave ``rows`` empty rows."""
        self.row += rows

    def merge(self, row: int, first_column: int, last_column: int) -> None:
        """Merge columns ``first_column``..``last_column`` (1-based) of ``row``."""
        if last_column > first_column:
            self._merges.append(f"{_LETTERS[first_column - 1]}{row}:{_LETTERS[last_column - 1]}{row}")

    def repeat_rows(self, first: int, last: int) -> None:
        """Print rows ``first``..``last`` at the top of every page."""
        self._entry.print_titles = (first, last)

    def _flush(self) -> None:
        self._stream.write("".join(self._pending).encode("utf-8", "replace"))
        self._pending.clear()

    def close(self) -> None:
        self._flush()
        if self._print_columns:
            self._entry.print_area = (self._print_columns, self.row)
        page = self._page
        merges = "".join(f'<mergeCell ref="{m}"/>' for m in self._merges)
        left, right, top, bottom = page.margins
        tail = "</sheetData>"
        if merges:
            tail += f'<mergeCells count="{len(self._merges)}">{merges}</mergeCells>'
        fit = ' fitToWidth="1" fitToHeight="0"' if page.fit_width else ""
        tail += (
            '<printOptions horizontalCentered="1"/>'
            f'<pageMargins left="{left}" right="{right}" top="{top}" bottom="{bottom}" '
            'header="0.3" footer="0.3"/>'
            f'<pageSetup paperSize="9" orientation="{"landscape" if page.landscape else "portrait"}"{fit}/>'
            f"<headerFooter><oddFooter>&amp;C{page.footer.translate(_TEXT)}</oddFooter></headerFooter>"
            "</worksheet>"
        )
        self._stream.write(tail.encode())
        self._stream.close()


class Book:
    """An .xlsx file written sheet after sheet into memory; ``finish()`` returns its bytes."""

    def __init__(self):
        self._buffer = io.BytesIO()
        self._zip = zipfile.ZipFile(self._buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=_COMPRESSION)
        self._styles: dict[Style, int] = {Style(): 0}  # style 0: the default font sets the width unit
        self._templates: dict[tuple, str] = {}  # row shape (types, styles, height) → its template
        self._sheets: list[_SheetEntry] = []
        self._open: Sheet | None = None

    @property
    def sheet_count(self) -> int:
        return len(self._sheets)

    def style(self, style: Style | None = None, **changes) -> int:
        """The id of a cell style (``Style`` fields as keywords), registered on first use."""
        style = Style(**changes) if style is None else style
        return self._styles.setdefault(style, len(self._styles))

    def sheet(
        self,
        name: str,
        widths: list[float],
        *,
        hidden: tuple[int, ...] = (),
        page: Page = Page(),
        freeze_rows: int = 0,
        print_columns: int | None = None,
    ) -> Sheet:
        """Start a new sheet (the previous one is finished): column widths, hidden columns (1-based),
        rows frozen at the top, and how many columns are printed (default: all)."""
        if self._open is not None:
            self._open.close()
        entry = _SheetEntry(_sheet_name(name, {s.name for s in self._sheets}))
        self._sheets.append(entry)
        stream = self._zip.open(f"xl/worksheets/sheet{len(self._sheets)}.xml", "w", force_zip64=True)
        layout = {
            "widths": widths,
            "hidden": set(hidden),
            "page": page,
            "freeze_rows": freeze_rows,
            "print_columns": print_columns,
        }
        self._open = Sheet(self, entry, stream, layout)
        return self._open

    def finish(self) -> bytes:
        """Close the last sheet, write the workbook's parts and return the file's bytes."""
        if self._open is not None:
            self._open.close()
        if not self._sheets:
            self.sheet("Sheet1", []).close()
        for part, text in _package_parts(self._sheets, self._styles).items():
            self._zip.writestr(part, text)
        self._zip.close()
        return self._buffer.getvalue()


def _sheet_name(name: str, taken: set[str]) -> str:
    """A name Excel accepts: no []:*?/\\, at most 31 characters, not empty, unique in the book."""
    clean = (
        " ".join("".join(" " if ch in "[]:*?/\\" else ch for ch in name).split()).strip("'")[:31] or "Trang"
    )
    candidate, n = clean, 1
    while candidate.casefold() in {t.casefold() for t in taken}:
        n += 1
        candidate = f"{clean[: 31 - len(str(n)) - 3]} ({n})"
    return candidate


def _package_parts(sheets: list[_SheetEntry], styles: dict[Style, int]) -> dict[str, str]:
    sheet_types = "".join(
        f'<Override PartName="/xl/worksheets/sheet{n}.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for n in range(1, len(sheets) + 1)
    )
    relations = "".join(
        f'<Relationship Id="rId{n}" Target="worksheets/sheet{n}.xml" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
        for n in range(1, len(sheets) + 1)
    )
    return {
        "[Content_Types].xml": (
            f'{_XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            f"{sheet_types}</Types>"
        ),
        "_rels/.rels": (
            f'{_XML}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Target="xl/workbook.xml" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
            "</Relationships>"
        ),
        "xl/_rels/workbook.xml.rels": (
            f'{_XML}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'{relations}<Relationship Id="rId{len(sheets) + 1}" Target="styles.xml" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"/>'
            "</Relationships>"
        ),
        "xl/workbook.xml": _workbook_xml(sheets),
        "xl/styles.xml": _styles_xml(list(styles)),
    }


def _workbook_xml(sheets: list[_SheetEntry]) -> str:
    listed = "".join(
        f'<sheet name="{s.name.translate(_ATTRIBUTE)}" sheetId="{n}" r:id="rId{n}"/>'
        for n, s in enumerate(sheets, start=1)
    )
    names = []
    for index, s in enumerate(sheets):
        quoted = "'" + s.name.replace("'", "''").translate(_TEXT) + "'"
        if s.print_titles:
            first, last = s.print_titles
            names.append(
                f'<definedName name="_xlnm.Print_Titles" localSheetId="{index}">'
                f"{quoted}!${first}:${last}</definedName>"
            )
        if s.print_area:
            column, row = s.print_area
            names.append(
                f'<definedName name="_xlnm.Print_Area" localSheetId="{index}">'
                f"{quoted}!$A$1:${_LETTERS[column - 1]}${max(row, 1)}</definedName>"
            )
    defined = f"<definedNames>{''.join(names)}</definedNames>" if names else ""
    return (
        f'{_XML}<workbook {_NS}><bookViews><workbookView activeTab="0"/></bookViews>'
        f"<sheets>{listed}</sheets>{defined}</workbook>"
    )


def _font_xml(style: Style) -> str:
    marks = (
        ("<b/>" if style.bold else "")
        + ("<i/>" if style.italic else "")
        + ("<u/>" if style.underline else "")
    )
    return f'<font>{marks}<sz val="{style.size}"/><name val="{FONT}"/><family val="1"/></font>'


def _styles_xml(styles: list[Style]) -> str:
    fonts = list(dict.fromkeys(_font_xml(s) for s in styles))
    custom = [f for f in dict.fromkeys(s.number_format for s in styles) if f not in _BUILTIN_FORMATS]
    format_ids = {**_BUILTIN_FORMATS, **{f: 164 + i for i, f in enumerate(custom)}}
    thin = "".join(
        f'<{side} style="thin"><color auto="1"/></{side}>' for side in ("left", "right", "top", "bottom")
    )
    cells = []
    for s in styles:
        align = f' vertical="{s.vertical}"'
        align += f' horizontal="{s.horizontal}"' if s.horizontal else ""
        align += ' wrapText="1"' if s.wrap else ""
        align += f' indent="{s.indent}"' if s.indent else ""
        cells.append(
            f'<xf numFmtId="{format_ids[s.number_format]}" fontId="{fonts.index(_font_xml(s))}" fillId="0" '
            f'borderId="{int(s.border)}" xfId="0" applyNumberFormat="1" applyFont="1" applyBorder="1" '
            f'applyAlignment="1"><alignment{align}/></xf>'
        )
    number_formats = "".join(
        f'<numFmt numFmtId="{format_ids[f]}" formatCode="{f.translate(_ATTRIBUTE)}"/>' for f in custom
    )
    return (
        f"{_XML}<styleSheet {_MAIN}>"
        + (f'<numFmts count="{len(custom)}">{number_formats}</numFmts>' if custom else "")
        + f'<fonts count="{len(fonts)}">{"".join(fonts)}</fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>'
        f"<border>{thin}<diagonal/></border></borders>"
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        f'<cellXfs count="{len(cells)}">{"".join(cells)}</cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>"
    )
