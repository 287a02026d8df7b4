"""A ward's sign-off ("Chốt số liệu") of a relief round's report: its figures (households, people, rice
requested / approved / delivered, in total and per hamlet) stored unchangeable for one report of the
round's calendar (``relief.calendar``), with who signed and when; sealed like a campaign's ward report.

A later sign-off of the same report supersedes the earlier one; both are kept (the database refuses
to change or delete a ``reliefsignoff`` row). A report's status per ward (on time, late, missing, not
yet due) comes from the ward's first sign-off and the deadline (``vn.deadlines.report_status``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlmodel import Session

from data_layer.core import audit, seals
from data_layer.core.access import Scope
from data_layer.core.codes import Action, ReliefReport, ReportStatus, SealKind
from data_layer.core.errors import Invalid, NotFound
from data_layer.core.models import ReliefHousehold, ReliefSignOff, User, Ward, utcnow
from data_layer.registry.wards import list_wards
from data_layer.relief.calendar import DueReport, due_report, reporting_calendar
from data_layer.relief.figures import FIGURES, hamlet_figures, totals
from data_layer.relief.rounds import get_round
from data_layer.relief.rules import tonnes
from data_layer.vn.deadlines import report_status
from data_layer.vn.formatting import as_utc
from data_layer.vn.labels import label


def ward_figures(session: Session, scope: Scope, round_id: int, ward_id: int) -> dict:
    """The ward's live figures in the round: the totals and ``"hamlets": [{"hamlet", …figures}]``."""
    hamlets = [
        {"hamlet": h["hamlet"], **{f: h[f] for f in FIGURES}}
        for h in hamlet_figures(session, scope, round_id, ward_id)
    ]
    return {**totals(hamlets), "hamlets": hamlets}


@dataclass(frozen=True)
class SignedReport:
    """A stored sign-off as pages show it."""

    id: int
    ward_id: int
    ward: str
    report: ReliefReport
    figures: dict
    signed_by: str  # the user's name ("" when signed from the command line)
    signed_at: datetime  # aware UTC
    late: bool


def sign_off(
    session: Session,
    scope: Scope,
    round_id: int,
    ward_id: int,
    report: ReliefReport,
    *,
    now: datetime | None = None,
) -> ReliefSignOff:
    """Store the ward's live figures as its ``report`` of the round (ward staff: their own ward only);
    refused for a report the round's calendar does not ask wards to sign."""
    scope.require_ward(ward_id)
    ward = session.get(Ward, ward_id)
    if ward is None or not scope.may_see_ward(ward_id):
        raise NotFound("Không tìm thấy phường/xã.")
    relief = get_round(session, round_id)
    due = due_report(relief, ReliefReport(report))
    if due is None or not due.signed:
        raise Invalid(f"Đợt '{relief.name}' không có kỳ chốt số liệu '{label(ReliefReport(report))}'.")
    figures = ward_figures(session, scope, round_id, ward_id)
    row = ReliefSignOff(
        round_id=round_id,
        ward_id=ward_id,
        report=due.report,
        figures=json.dumps(figures, ensure_ascii=False, sort_keys=True),
        signed_by=scope.user_id,
        signed_at=(now or utcnow()).astimezone(UTC),
    )
    session.add(row)
    session.flush()
    seals.seal(session, SealKind.RELIEF_SIGN_OFF, row.id)
    audit.record(
        session,
        scope,
        table="reliefsignoff",
        row_id=row.id,
        action=Action.SIGN_OFF,
        ward_id=ward_id,
        new=(
            f"{due.name}: {figures['households']} hộ, {figures['people']} người, "
            f"đã cấp {tonnes(figures['kg_delivered'])} tấn gạo"
        ),
    )
    return row


def sign_offs(
    session: Session, scope: Scope, round_id: int, ward_id: int | None = None
) -> list[SignedReport]:
    """The round's sign-offs in the scope (one ward's when given), oldest first."""
    relief = get_round(session, round_id)
    deadlines = {d.report: d.deadline for d in reporting_calendar(relief)}
    query = (
        select(ReliefSignOff, Ward.name, User.name)
        .join(Ward, Ward.id == ReliefSignOff.ward_id)
        .outerjoin(User, User.id == ReliefSignOff.signed_by)
        .where(ReliefSignOff.round_id == round_id, scope.ward_clause(ReliefSignOff.ward_id))
        .order_by(ReliefSignOff.signed_at, ReliefSignOff.id)
    )
    if ward_id is not None:
        query = query.where(ReliefSignOff.ward_id == ward_id)
    return [
        SignedReport(
            r.id,
            r.ward_id,
            ward,
            ReliefReport(r.report),
            json.loads(r.figures),
            user or "",
            as_utc(r.signed_at),
            r.report in deadlines and as_utc(r.signed_at) > deadlines[r.report],
        )
        for r, ward, user in session.execute(query)
    ]


def latest_sign_offs(
    session: Session, scope: Scope, round_id: int
) -> dict[tuple[int, ReliefReport], SignedReport]:
    """(ward id, report) → the ward's latest sign-off of that report (the one that counts)."""
    return {(s.ward_id, s.report): s for s in sign_offs(session, scope, round_id)}  # oldest first


@dataclass(frozen=True)
class CalendarLine:
    """One report of the calendar for one ward: its status and, when signed, the latest figures."""

    due: DueReport
    ward_id: int
    ward: str
    status: ReportStatus
    latest: SignedReport | None


def calendar_status(
    session: Session, scope: Scope, round_id: int, *, now: datetime | None = None
) -> list[CalendarLine]:
    """Every report of the round's calendar for every ward of the scope, by deadline then ward: signed
    on time or late by the ward's first sign-off; for the plan, whether the ward's household list was in
    by the deadline (its first household's entry); else missing once past due."""
    relief = get_round(session, round_id)
    now = now or utcnow()
    wards = list_wards(session, scope)
    first_signed = {
        (ward, ReliefReport(report)): as_utc(at)
        for ward, report, at in session.execute(
            select(ReliefSignOff.ward_id, ReliefSignOff.report, func.min(ReliefSignOff.signed_at))
            .where(ReliefSignOff.round_id == round_id, scope.ward_clause(ReliefSignOff.ward_id))
            .group_by(ReliefSignOff.ward_id, ReliefSignOff.report)
        )
    }
    listed = {
        ward: as_utc(at)
        for ward, at in session.execute(
            select(ReliefHousehold.ward_id, func.min(ReliefHousehold.created_at))
            .where(ReliefHousehold.round_id == round_id, scope.ward_clause(ReliefHousehold.ward_id))
            .group_by(ReliefHousehold.ward_id)
        )
    }
    latest = latest_sign_offs(session, scope, round_id)
    lines = []
    for due in reporting_calendar(relief):
        for ward in wards:
            if due.signed:
                first = first_signed.get((ward.id, due.report))
            else:
                first = listed.get(ward.id)
            lines.append(
                CalendarLine(
                    due,
                    ward.id,
                    ward.name,
                    report_status(due.deadline, first, now),
                    latest.get((ward.id, due.report)),
                )
            )
    return lines
