"""A sheet laid out as a Vietnamese administrative document (Nghị định 30/2020/NĐ-CP): the issuing
office on the left and the national motto on the right, a centred title, a bordered table whose
header row repeats on every printed page, totals, signatures. Times New Roman 13, A4.

Every report, the signing list, the budget scenario and the exports are written through
``Document``, so they share one look. Column widths are in characters of Times New Roman 13: about
75 fill an A4 portrait page at full size, about 110 a landscape one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from data_layer.core.settings import get_settings
from data_layer.vn.xlsx_writer import Book, Page, Style

NATIONAL_NAME = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
MOTTO_WIDTH = 40  # the national name in bold 12 is 35.5 digits of Times New Roman 13 wide
ISSUER_WIDTH = 24  # "ỦY BAN NHÂN DÂN" in 12 is 17 digits wide; a ward's name needs more
LINE_POINTS = 17.0  # height of one line of Times New Roman 13, in points
KINDS = {  # the text styles of letterheads, titles and closing blocks
    "plain": Style(),
    "bold": Style(bold=True),
    "italic": Style(italic=True),
    "note": Style(italic=True, size=12),
    "heading": Style(bold=True, italic=True, size=12, horizontal="left"),
    "recipient": Style(size=11, horizontal="left"),
    "issuer": Style(size=12, bold=True),
    "national": Style(size=12, bold=True),
    "motto": Style(bold=True, underline=True),
    "title": Style(size=14, bold=True),
}
MILLIONS_FORMAT = "#,##0.000,,"  # whole đồng shown in millions (forms' "Kinh phí (triệu đồng)")
COUNT_FORMAT = "#,##0"  # people, households, kg
TONNES_FORMAT = "#,##0.000"  # rice in tonnes, three decimals
COMMITTEE = "ỦY BAN NHÂN DÂN"
PREPARER = [("NGƯỜI LẬP BIỂU", "bold"), ("(Ký, ghi rõ họ tên)", "note")]
RECIPIENTS = [("Nơi nhận:", "heading"), ("- Như trên;", "recipient"), ("- Lưu: VT.", "recipient")]


@dataclass(frozen=True)
class Column:
    """One column of a document's table."""

    header: str
    width: float
    number_format: str = "General"  # "#,##0" for money and counts
    horizontal: str | None = None
    wrap: bool = False


@dataclass(frozen=True)
class Office:
    """Who issues a document, where and when: the office's name, its place, the document's date
    (None: left for the signer to write by hand)."""

    name: str
    place: str = ""
    day: date | None = None

    @classmethod
    def configured(cls, day: date | None = None) -> Office:
        """The office of this installation (ANSINH_ORG_NAME, ANSINH_ORG_PLACE)."""
        settings = get_settings()
        return cls(settings.org_name, settings.org_place, day)

    def issuers(self, ward_name: str | None = None) -> tuple[str, ...]:
        """The issuing body, in capitals: the office, or for a ward's own document the ward's People's
        Committee written in full ("ỦY BAN NHÂN DÂN" / "PHƯỜNG ĐÔNG KINH"), with no body above it."""
        return (self.name,) if not ward_name else (COMMITTEE, ward_name.upper())

    def signer(self, ward_name: str | None = None) -> list[tuple[str, str]]:
        """Who signs for the issuing body: a People's Committee's chairman on its behalf (a ward, or
        an office named "UBND …"), else the head of the office."""
        name = self.name.upper()
        if ward_name or name.startswith(("UBND", COMMITTEE)):
            return [(f"TM. {COMMITTEE}", "bold"), ("CHỦ TỊCH", "bold"), ("(Ký tên, đóng dấu)", "note")]
        return [("THỦ TRƯỞNG ĐƠN VỊ", "bold"), ("(Ký tên, đóng dấu)", "note")]

    def number(self, kind: str, ward_name: str | None = None) -> str:
        """The document's number left for the registry to fill: "Số: ……/BC-UBND" (``kind``: BC for a
        report, DS for a list)."""
        return f"Số: ……/{kind}-UBND" if ward_name else f"Số: ……/{kind}-……"


def place_and_date(place: str, day: date | None) -> str:
    """ "Lạng Sơn, ngày 05 tháng 02 năm 2026": a zero before days under 10 and months 1 and 2."""
    where = place or "……"
    if day is None:
        return f"{where}, ngày …… tháng …… năm ……"
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"{where}, ngày {day.day:02d} tháng {month} năm {day.year}"


def text_lines(text: str, width: float, size: float = 13, bold: bool = False) -> int:
    """How many lines ``text`` takes wrapped in a column ``width`` characters wide: an estimate from
    Times New Roman's letter widths (in digits: lower case 0.87, capitals 1.25, space 0.5; bold 7%
    wider) and LibreOffice's columns, which are narrower than Excel's (0.94 digit per character)."""
    scale = size / 13 * (1.08 if bold else 1.0)
    room = max(width * 0.94 - 1.0, 1.0)
    lines = 0
    for paragraph in str(text).split("\n"):
        lines += 1
        used = 0.0
        for word in paragraph.split(" "):
            length = scale * sum(1.3 if ch.isupper() else 0.88 for ch in word)
            if used and used + 0.5 * scale + length > room:
                lines += 1
                used = 0.0
            used += (0.5 * scale if used else 0.0) + length
            while used > room:  # a word longer than the column breaks inside
                lines += 1
                used -= room
    return lines


def _split(widths: Sequence[float]) -> int:
    """How many columns the issuer's block takes: as many as leave the motto its room while the issuer
    keeps ISSUER_WIDTH; when no cut gives both, the cut that misses them by the least."""

    def shortfall(k: int) -> float:
        return max(0.0, MOTTO_WIDTH - sum(widths[k:])) + max(0.0, ISSUER_WIDTH - sum(widths[:k]))

    return min(range(1, max(len(widths), 2)), key=lambda k: (shortfall(k), -k))


class Document:
    """One sheet of ``book`` written top to bottom as a document around a table of ``columns``.

    Only the first ``printed`` columns (default: all) are printed; ``hidden`` ones (1-based) are
    kept for the program.
    """

    def __init__(
        self,
        book: Book,
        sheet_name: str,
        columns: Sequence[Column],
        *,
        landscape: bool = False,
        printed: int | None = None,
        hidden: tuple[int, ...] = (),
        freeze_header: bool = False,
    ):
        self.book, self.columns = book, list(columns)
        self.printed = printed or len(self.columns)
        self.sheet = book.sheet(
            sheet_name,
            [c.width for c in self.columns],
            hidden=hidden,
            page=Page(landscape=landscape),
            freeze_rows=1 if freeze_header else 0,
            print_columns=self.printed if self.printed < len(self.columns) else None,
        )
        widths = [c.width for c in self.columns[: self.printed]]
        self.split = _split(widths)
        self._blocks = (
            (1, self.split, sum(widths[: self.split])),
            (self.split + 1, self.printed, sum(widths)),
        )
        self._row_styles: dict[tuple[bool, int], tuple[int, ...]] = {}
        self._wrapped = [i for i, c in enumerate(self.columns) if c.wrap]

    def _style(self, kind: str, **changes) -> int:
        return self.book.style(replace(KINDS[kind], **changes))

    def _spanning(self, texts: Sequence[tuple[str, str]], blocks) -> None:
        """One row of texts (text, kind), each merged over its block (first, last, width), centred
        unless the kind says otherwise."""
        values: list[object] = [None] * self.printed
        styles = [0] * self.printed
        height = 0.0
        for (text, kind), (first, _last, width) in zip(texts, blocks, strict=True):
            style = KINDS[kind]
            values[first - 1] = text
            styles[first - 1] = self._style(kind, horizontal=style.horizontal or "center", wrap=True)
            lines = text_lines(text, width, style.size, style.bold) if text else 1
            height = max(height, lines * LINE_POINTS * style.size / 13 + 2)
        row = self.sheet.append(values, styles, height=height if height > LINE_POINTS + 2 else None)
        for first, last, _width in blocks:
            self.sheet.merge(row, first, last)

    def letterhead(self, office: Office, ward: str | None = None, number: str = "") -> None:
        """The issuing body (the office, or the ward's People's Committee for a ward's own document)
        and the national motto, then the document's number ("Số: ……/BC-……") and its place and date."""
        left = [(name, "issuer") for name in office.issuers(ward)]
        left = (left + [("", "plain")] * 2)[:2] + [(number, "plain")]
        right = [
            (NATIONAL_NAME, "national"),
            (MOTTO, "motto"),
            (place_and_date(office.place, office.day), "italic"),
        ]
        for pair in zip(left, right, strict=True):
            self._spanning(pair, self._blocks)
        self.sheet.skip()

    def title(self, main: str, *lines: str) -> None:
        """The title (bold 14) and lines under it (the first bold, the others plain), centred."""
        whole = ((1, self.printed, sum(c.width for c in self.columns[: self.printed])),)
        self._spanning([(main, "title")], whole)
        for n, line in enumerate(lines):
            self._spanning([(line, "bold" if n == 0 else "plain")], whole)
        self.sheet.skip()

    def table_header(self) -> int:
        """The table's header row, bold and centred, printed again at the top of every page."""
        style = self.book.style(bold=True, border=True, horizontal="center", wrap=True)
        lines = max(text_lines(c.header, c.width, bold=True) for c in self.columns)
        row = self.sheet.append(
            [c.header for c in self.columns],
            [style] * len(self.columns),
            height=lines * LINE_POINTS + 4 if lines > 1 else None,
        )
        self.sheet.repeat_rows(row, row)
        return row

    def _styles_of(self, bold: bool, indent: int) -> tuple[int, ...]:
        key = (bold, indent)
        if key not in self._row_styles:
            self._row_styles[key] = tuple(
                self.book.style(
                    bold=bold,
                    border=True,
                    number_format=c.number_format,
                    horizontal="left" if indent and c.horizontal is None else c.horizontal,
                    wrap=c.wrap,
                    indent=indent if c.horizontal in (None, "left") else 0,
                )
                for c in self.columns
            )
        return self._row_styles[key]

    def row(
        self, values: Sequence[object], *, bold: bool = False, indent: int = 0, min_height: float = 0
    ) -> int:
        """One bordered table row (numbers in the columns' formats); tall enough for wrapped text."""
        if not self._wrapped and not min_height and len(values) == len(self.columns):  # long tables
            return self.sheet.append(values, self._styles_of(bold, indent))
        height = min_height
        for i in self._wrapped:
            value = values[i] if i < len(values) else None
            if isinstance(value, str) and len(value) > self.columns[i].width * 0.6:
                lines = text_lines(value, self.columns[i].width - indent * 1.5, bold=bold)
                height = max(height, lines * LINE_POINTS + 4)
        values = [*values, *[None] * (len(self.columns) - len(values))]  # every cell bordered
        return self.sheet.append(values, self._styles_of(bold, indent), height=height or None)

    def section(self, text: str) -> int:
        """A bold row across the table naming the part below it ("I. Tăng: 2 người")."""
        row = self.row((text,), bold=True)
        self.sheet.merge(row, 1, self.printed)
        return row

    def closing(self, *parts: Sequence[tuple[str, str]]) -> None:
        """The block under the table: (text, kind) lines side by side. Two parts sit under the
        issuer's block and the motto's ("Nơi nhận:" or the preparer on the left, the signer on the
        right); three or more share the printed width (preparer, accountant, signer). Room to sign
        below."""
        self.sheet.skip()
        blocks = self._blocks if len(parts) == 2 else self._even_blocks(len(parts))
        rows = max(len(part) for part in parts)
        empty = ("", "plain")
        for line in zip(*[[*part, *[empty] * (rows - len(part))] for part in parts], strict=True):
            self._spanning(line, blocks)
        self.sheet.skip(4)

    def _even_blocks(self, count: int) -> list[tuple[int, int, float]]:
        """The printed columns cut into ``count`` blocks of about equal width (first, last, width)."""
        widths = [c.width for c in self.columns[: self.printed]]
        blocks, first = [], 1
        for n in range(1, count + 1):
            last, target = first, sum(widths) * n / count
            while last < len(widths) - (count - n) and sum(widths[:last]) + widths[last] / 2 < target:
                last += 1
            blocks.append((first, last, sum(widths[first - 1 : last])))
            first = last + 1
        return blocks
