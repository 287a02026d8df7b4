"""Campaign summary (Báo cáo kết quả tặng quà): every figure computed by GROUP BY, never typed.

A result report counts what was handed over: every line has the planned gifts (``count``, ``total``:
every allocation), those delivered (``delivered``, ``delivered_total``) and, in the printed report,
what remains; lump gifts are reported by associations once given, so they count as delivered.

``campaign_summary`` returns the JSON of ``ansinh report summary --json``; ``summary_xlsx`` lays
the same figures out as the printed report (A4, a sheet per ward). The gifts are grouped once per
ward in three queries (amount levels, lumps, longevity by milestone age), and every summary, the
whole scope's and each ward's, is added up from those rows.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import case, func, select
from sqlmodel import Session

from data_layer.campaigns.approval import approval_times, wards_with_gifts
from data_layer.campaigns.rules import MILESTONES, Rule
from data_layer.campaigns.setup import campaign_or_missing
from data_layer.core.access import Scope
from data_layer.core.codes import AllocationStatus
from data_layer.core.models import (
    Allocation,
    Beneficiary,
    Campaign,
    FundingSource,
    LumpGift,
    Package,
    Ward,
)
from data_layer.registry.hamlets import NO_HAMLET, hamlet_namer
from data_layer.vn.collation import hamlet_key, text_key
from data_layer.vn.document import RECIPIENTS, Column, Document, Office
from data_layer.vn.formatting import format_count, format_date, format_money, local_time
from data_layer.vn.xlsx_writer import MONEY_FORMAT, Book

COLUMNS = [  # 78 characters: A4 portrait at full size
    Column("STT", 5, horizontal="center"),
    Column("Nội dung", 24, wrap=True),
    Column("Mức quà (đ)", 11, number_format=MONEY_FORMAT),
    Column("Kế hoạch (suất)", 8, number_format=MONEY_FORMAT),
    Column("Đã trao (suất)", 8, number_format=MONEY_FORMAT),
    Column("Còn lại (suất)", 8, number_format=MONEY_FORMAT),
    Column("Thành tiền đã trao (đ)", 14, number_format=MONEY_FORMAT),
]
# Under the title: what the figures of a result report are.
COUNTED = "Kết quả là số suất đã trao tận tay người nhận; kế hoạch và số còn lại ghi để đối chiếu"


@dataclass
class _Figures:
    """A campaign's gifts grouped by ward: what every summary is added up from."""

    levels: dict[int, list[tuple[str, int, int, int]]] = field(default_factory=lambda: defaultdict(list))
    lumps: dict[int, list[dict]] = field(default_factory=lambda: defaultdict(list))
    longevity: dict[int, list[tuple[int | None, int, int, int]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    source_names: dict[str, str] = field(default_factory=dict)

    def ward_ids(self) -> set[int]:
        return set(self.levels) | set(self.lumps)


def milestone_label(milestone: int | None) -> str:
    """ "Tuổi 80", "Tuổi 100 trở lên"; None for gifts outside the milestones."""
    if milestone is None:
        return "Dưới 70 tuổi hoặc chưa rõ năm sinh"
    return f"Tuổi {milestone}" + (" trở lên" if milestone == MILESTONES[0] else "")


def _figures(
    session: Session, scope: Scope, campaign: Campaign, ward_id: int | None, *, by_hamlet: bool = False
) -> _Figures:
    """The campaign's gifts (and lumps) per ward of the scope, or ``by_hamlet`` per spelling of the
    Thôn/Tổ of one ward's people (lumps, which belong to no hamlet, left out)."""
    found = _Figures(source_names=dict(session.execute(select(FundingSource.code, FundingSource.name)).all()))
    one = ward_id is not None
    wards = [scope.ward_clause(Allocation.ward_id)] + ([Allocation.ward_id == ward_id] if one else [])
    unit = Beneficiary.hamlet if by_hamlet else Allocation.ward_id
    packages = session.execute(
        select(Package.id, FundingSource.code, Package.rule)
        .join(FundingSource, FundingSource.id == Package.source_id)
        .where(Package.campaign_id == campaign.id)
    ).all()
    source_of = {pid: code for pid, code, _rule in packages}
    delivered = func.sum(case((Allocation.status == AllocationStatus.DELIVERED, 1), else_=0))
    for ward, package_id, amount, count, given in session.execute(  # covered by ix_allocation_progress
        _per(unit, select(unit, Allocation.package_id, Allocation.amount, func.count(), delivered))
        .where(Allocation.campaign_id == campaign.id, *wards)
        .group_by(unit, Allocation.package_id, Allocation.amount)
    ):
        found.levels[ward].append((source_of[package_id], int(amount), int(count), int(given)))
    if by_hamlet:
        return _longevity_figures(session, found, packages, wards, unit, delivered)
    lump_wards = [scope.ward_clause(LumpGift.ward_id)] + ([LumpGift.ward_id == ward_id] if one else [])
    for ward, code, count, amount, note in session.execute(
        select(LumpGift.ward_id, FundingSource.code, LumpGift.count, LumpGift.amount, LumpGift.note)
        .join(FundingSource, FundingSource.id == LumpGift.source_id)
        .where(LumpGift.campaign_id == campaign.id, *lump_wards)
        .order_by(FundingSource.code, LumpGift.id)
    ):
        found.lumps[ward].append({"source": code, "count": int(count), "amount": int(amount), "note": note})
    return _longevity_figures(session, found, packages, wards, unit, delivered)


def _per(unit, query):
    """``query`` over allocations, joined to their people when it groups by the person's Thôn/Tổ."""
    return (
        query.join(Beneficiary, Beneficiary.id == Allocation.beneficiary_id)
        if unit is Beneficiary.hamlet
        else query
    )


def _longevity_figures(session: Session, found: _Figures, packages, wards: list, unit, delivered) -> _Figures:
    """Add the longevity gifts by milestone age (fixed at allocation) per ``unit`` to ``found``."""
    longevity = [pid for pid, _code, rule in packages if Rule.from_json(rule).is_longevity]
    if longevity:
        for ward, age, amount, count, given in session.execute(
            _per(unit, select(unit, Allocation.milestone, Allocation.amount, func.count(), delivered))
            .where(Allocation.package_id.in_(longevity), *wards)
            .group_by(unit, Allocation.milestone, Allocation.amount)
        ):
            found.longevity[ward].append((age, int(amount), int(count), int(given)))
    return found


def _line(amount: int, count: int, given: int) -> dict:
    """One amount level: planned (count, total) and delivered (delivered, delivered_total)."""
    return {
        "amount": amount,
        "count": count,
        "total": amount * count,
        "delivered": given,
        "delivered_total": amount * given,
    }


def _longevity(entries: list[tuple[int | None, int, int, int]]) -> list[dict]:
    """Longevity gifts by milestone age and amount, youngest first."""
    counts: dict[tuple[int | None, int], list[int]] = defaultdict(lambda: [0, 0])
    for age, amount, count, given in entries:
        counts[(age, amount)][0] += count
        counts[(age, amount)][1] += given
    order = sorted(counts, key=lambda key: (key[0] is None, key[0] or 0, -key[1]))
    return [
        {"milestone": age, "label": milestone_label(age), **_line(amount, *counts[(age, amount)])}
        for age, amount in order
    ]


def _summary(name: str, figures: _Figures, ward_ids) -> dict:
    """The summary of the wards ``ward_ids`` (per source, per amount level, lumps, longevity); or of the
    spellings of one hamlet."""
    levels: dict[str, dict[int, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    lumps: dict[str, list[dict]] = defaultdict(list)
    for ward in sorted(ward_ids, key=lambda unit: (unit is None, unit)):
        for code, amount, count, given in figures.levels.get(ward, ()):
            levels[code][amount][0] += count
            levels[code][amount][1] += given
        for lump in figures.lumps.get(ward, ()):
            lumps[lump["source"]].append({k: v for k, v in lump.items() if k != "source"})
    by_source = []
    for code in sorted(set(levels) | set(lumps)):
        lines = [_line(amount, *counts) for amount, counts in sorted(levels[code].items(), reverse=True)]
        lumped = sum(x["count"] for x in lumps[code]), sum(x["amount"] for x in lumps[code])
        by_source.append(
            {
                "source": code,
                "name": figures.source_names[code],
                "count": sum(x["count"] for x in lines) + lumped[0],
                "amount": sum(x["total"] for x in lines) + lumped[1],
                "delivered_count": sum(x["delivered"] for x in lines) + lumped[0],
                "delivered_amount": sum(x["delivered_total"] for x in lines) + lumped[1],
                "levels": lines,
                "lumps": lumps[code],
            }
        )
    return {
        "campaign": name,
        "total_count": sum(s["count"] for s in by_source),
        "total_amount": sum(s["amount"] for s in by_source),
        "delivered_count": sum(s["delivered_count"] for s in by_source),
        "delivered_amount": sum(s["delivered_amount"] for s in by_source),
        "by_source": by_source,
        "longevity": _longevity([e for ward in ward_ids for e in figures.longevity.get(ward, ())]),
    }


def campaign_summary(session: Session, scope: Scope, campaign_id: int, *, ward_id: int | None = None) -> dict:
    """Totals of a campaign for the scope (optionally one ward): per source, per amount level, lumps,
    and longevity gifts by milestone age."""
    campaign = campaign_or_missing(session, campaign_id)
    figures = _figures(session, scope, campaign, ward_id)
    return _summary(campaign.name, figures, figures.ward_ids())


def _ward_summaries(session: Session, scope: Scope, campaign: Campaign, figures: _Figures):
    wards = session.execute(
        select(Ward.id, Ward.name).where(Ward.id.in_(figures.ward_ids()), scope.ward_clause(Ward.id))
    ).all()
    return [
        (name, _summary(campaign.name, figures, {ward_id}))
        for ward_id, name in sorted(wards, key=lambda w: (*text_key(w.name), w.id))
    ]


def _hamlet_summaries(session: Session, scope: Scope, campaign: Campaign) -> list[tuple[str, dict]]:
    """A commune office's summary per hamlet (spellings of one hamlet together; lumps stay the ward's),
    in hamlet order, people without a hamlet last."""
    (ward_id,) = scope.ward_ids
    name_of = hamlet_namer(session, ward_id)
    figures = _figures(session, scope, campaign, ward_id, by_hamlet=True)
    spellings: dict[str, set] = defaultdict(set)
    for spelling in set(figures.levels) | set(figures.longevity):
        spellings[name_of(spelling)].add(spelling)
    named = sorted(spellings, key=lambda name: (name == NO_HAMLET, hamlet_key(name)))
    return [(name, _summary(campaign.name, figures, spellings[name])) for name in named]


def ward_summaries(session: Session, scope: Scope, campaign_id: int) -> list[tuple[str, dict]]:
    """The summary of each ward of the scope that has gifts in the campaign, by ward name."""
    campaign = campaign_or_missing(session, campaign_id)
    return _ward_summaries(session, scope, campaign, _figures(session, scope, campaign, None))


@dataclass(frozen=True)
class SummaryWard:
    """Whether the district has approved a ward's results in the campaign (an active approval)."""

    ward_id: int
    ward: str
    approved_at: datetime | None  # aware UTC; None: not approved (or unlocked since)

    @property
    def label(self) -> str:
        if self.approved_at is None:
            return "Chưa duyệt"
        return f"Đã duyệt {format_date(local_time(self.approved_at).date())}"


@dataclass(frozen=True)
class SummaryBasis:
    """What a summary's figures are: approved (every ward in it approved) or live."""

    approved: bool
    text: str  # "Số liệu đã duyệt ngày dd/mm/yyyy" or "Số liệu trực tiếp"
    wards: tuple[SummaryWard, ...]  # the wards in the summary, by name

    def label_of(self, ward_name: str) -> str:
        return next((w.label for w in self.wards if w.ward == ward_name), "Chưa duyệt")


def summary_basis(session: Session, scope: Scope, campaign_id: int) -> SummaryBasis:
    """The summary's basis: "Số liệu đã duyệt ngày …" (the latest approval's date) when every ward
    with gifts in the campaign (in the scope) has an active approval, "Số liệu trực tiếp" otherwise;
    and each of those wards' approval state."""
    ward_ids = wards_with_gifts(session, scope, campaign_id)
    approved = approval_times(session, campaign_id)
    names = dict(session.execute(select(Ward.id, Ward.name).where(Ward.id.in_(sorted(ward_ids)))).all())
    states = tuple(
        sorted(
            (SummaryWard(ward_id, names[ward_id], approved.get(ward_id)) for ward_id in ward_ids),
            key=lambda state: (state.ward, state.ward_id),
        )
    )
    if states and all(state.approved_at is not None for state in states):
        latest = max(state.approved_at for state in states)
        return SummaryBasis(True, f"Số liệu đã duyệt ngày {format_date(local_time(latest).date())}", states)
    return SummaryBasis(False, "Số liệu trực tiếp", states)


def summary_workbook(session: Session, scope: Scope, campaign_id: int, office: Office) -> bytes:
    """The summary report workbook of the scope (one query pass for the total and every ward), its
    basis under the title and each ward's approval state under the ward's name."""
    campaign = campaign_or_missing(session, campaign_id)
    figures = _figures(session, scope, campaign, None)
    summary = _summary(campaign.name, figures, figures.ward_ids())
    wards = _ward_summaries(session, scope, campaign, figures)
    hamlets = _hamlet_summaries(session, scope, campaign) if scope.watches_hamlets and wards else []
    basis = summary_basis(session, scope, campaign_id)
    return summary_xlsx(summary, wards, office, basis=basis, hamlets=hamlets)


# --- Excel ---------------------------------------------------------------------------------------


def roman(number: int) -> str:
    """1 → I, 4 → IV, 14 → XIV (the numbering of a report's sections)."""
    text = ""
    for value, letters in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC")):
        text, number = text + letters * (number // value), number % value
    for value, letters in ((50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        text, number = text + letters * (number // value), number % value
    return text


def result_text(planned: int, delivered: int, delivered_amount: int) -> str:
    """ "đã trao 610/992 suất = 183.000.000 đ, còn lại 382 suất" (what a result line says on screen)."""
    text = (
        f"đã trao {format_count(delivered)}/{format_count(planned)} suất = {format_money(delivered_amount)}"
    )
    return text + (f", còn lại {format_count(planned - delivered)} suất" if planned > delivered else "")


def _counts(planned: int, delivered: int, delivered_amount: int) -> tuple[int, int, int, int]:
    return planned, delivered, planned - delivered, delivered_amount


def _write_figures(doc: Document, summary: dict) -> None:
    """The grand total, each source with its amount levels and lumps, then longevity by milestone age;
    every line planned / delivered / remaining, and the money of what was delivered."""
    total = _counts(summary["total_count"], summary["delivered_count"], summary["delivered_amount"])
    doc.row((None, "TỔNG CỘNG", None, *total), bold=True)
    for number, source in enumerate(summary["by_source"], start=1):
        counts = _counts(source["count"], source["delivered_count"], source["delivered_amount"])
        doc.row((roman(number), source["name"], None, *counts), bold=True)
        lines = [
            (
                f"Mức {format_money(x['amount'])}",
                x["amount"],
                *_counts(x["count"], x["delivered"], x["delivered_total"]),
            )
            for x in source["levels"]
        ]
        lines += [
            (f"Quà tập thể: {x['note'] or ''}", None, *_counts(x["count"], x["count"], x["amount"]))
            for x in source["lumps"]
        ]
        for n, line in enumerate(lines, start=1):
            doc.row((n, *line), indent=1)
    if longevity := summary["longevity"]:
        counts = (sum(x[k] for x in longevity) for k in ("count", "delivered", "delivered_total"))
        doc.row((None, "Trong đó: mừng thọ theo độ tuổi", None, *_counts(*counts)), bold=True)
        for x in longevity:
            doc.row(
                (None, x["label"], x["amount"], *_counts(x["count"], x["delivered"], x["delivered_total"])),
                indent=1,
            )


def _write_summary(
    book: Book,
    sheet: str,
    summary: dict,
    office: Office,
    ward: str | None,
    basis: SummaryBasis | None,
    *,
    hamlet: str | None = None,
) -> None:
    doc = Document(book, sheet, COLUMNS)
    doc.letterhead(office, ward, "Số: ……/BC-……")
    if basis is None:
        stated = []
    elif ward:
        stated = [basis.label_of(ward)]
    else:
        stated = [basis.text]
    unit = [f"{hamlet}, {ward}"] if hamlet else [ward] if ward else []
    doc.title("BÁO CÁO KẾT QUẢ TẶNG QUÀ", summary["campaign"], *unit, *stated, COUNTED)
    doc.table_header()
    _write_figures(doc, summary)
    doc.closing(
        RECIPIENTS,
        office.signer(ward),
    )


def summary_xlsx(
    summary: dict,
    wards: list[tuple[str, dict]],
    office: Office,
    *,
    basis: SummaryBasis | None = None,
    hamlets: list[tuple[str, dict]] = (),
) -> bytes:
    """The summary report workbook: "Tổng hợp" then one sheet per ward, each under the letterhead of
    ``office`` (a ward's sheet adds "UBND <WARD>"); with ``basis``, the total states it and each
    ward's sheet its approval state. A commune office's workbook (one ward) then has a sheet per
    hamlet, issued by the ward (its lumps are in the ward's sheet only)."""
    book = Book()
    _write_summary(book, "Tổng hợp", summary, office, None, basis)
    for name, ward_summary in wards:
        _write_summary(book, name, ward_summary, office, name, basis)
    for name, hamlet_summary in hamlets:
        _write_summary(book, name, hamlet_summary, office, wards[0][0], basis, hamlet=name)
    return book.finish()
