"""The cluster's yearly self-evaluation: each criterion, the evidence from the data, and
whether it is met. Nothing here is typed in but the evaluation's date and note.

Targets: at least two activities a year is the cluster's commitment
(``models.activity.ACTIVITIES_PER_YEAR_TARGET``); the others are the Circular Economy
Center's own yearly targets, kept in ``TARGETS``."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import orm

from ..dashboard.impact import deal_impact
from ..db import db
from ..errors import Forbidden, InvalidInput
from ..models import (
    Activity, ActivitySignup, Deal, DealMessage, Evaluation, Organisation, Review, ServiceRequest,
    ServiceRequestMessage, User,
)
from ..models.activity import ACTIVITIES_PER_YEAR_TARGET
from ..models.base import utcnow
from ..providers.vocabulary import kind_name

TARGETS = {
    "members": 5,
    "activities": ACTIVITIES_PER_YEAR_TARGET,
    "requests_answered": 1,
    "deals": 1,
    "messages": 1,
}
FIRST_YEAR, LAST_YEAR = 2000, 2100


def can_evaluate(user) -> bool:
    return bool(user and user.is_authenticated and user.is_broker)


def _span(year: int) -> tuple[datetime, datetime]:
    return datetime(year, 1, 1), datetime(year + 1, 1, 1)


@dataclass
class Criterion:
    key: str
    title: str
    target: int
    value: int
    headers: list[str]
    rows: list[list] = field(default_factory=list)
    extra: dict = field(default_factory=dict)

    @property
    def met(self) -> bool:
        return self.value >= self.target


@dataclass
class Report:
    year: int
    criteria: list[Criterion]
    evaluation: Evaluation | None

    @property
    def met(self) -> bool:
        return all(c.met for c in self.criteria)


def _members(year: int) -> Criterion:
    start, end = _span(year)
    organisations = db.session.scalars(
        sa.select(Organisation).where(Organisation.verification_status == "verified",
                                      Organisation.kind != "center",
                                      sa.or_(Organisation.verified_at.is_(None), Organisation.verified_at < end))
        .order_by(Organisation.name).options(orm.selectinload(Organisation.reviews).selectinload(Review.broker)))
    rows = []
    for organisation in organisations:
        reviews = [r for r in organisation.reviews if r.decision == "verified" and r.created_at < end]
        review = reviews[-1] if reviews else None
        broker = review.broker if review is not None else None
        rows.append([organisation.name,
                     (review.created_at if review else organisation.verified_at or organisation.created_at).date(),
                     (broker.name or broker.email) if broker else "",
                     review.evidence if review else "", review.note if review else ""])
    return Criterion("members", str(_l("Verified member companies")), TARGETS["members"], len(rows),
                     [_("Organisation"), _("Verified on"), _("Broker"), _("Evidence"), _("Note")], rows)


def _activities(year: int, today: date) -> Criterion:
    headers = [_("Date"), _("Activity"), _("Members who took part")]
    last = min(today, date(year, 12, 31))
    activities = db.session.scalars(
        sa.select(Activity).where(Activity.starts_on >= date(year, 1, 1),
                                  sa.func.coalesce(Activity.ends_on, Activity.starts_on) <= last)
        .order_by(Activity.starts_on, Activity.id)
        .options(orm.selectinload(Activity.signups).selectinload(ActivitySignup.user).selectinload(User.organisation)))
    rows, members = [], set()
    for activity in activities:
        names = sorted({s.user.organisation.name for s in activity.signups
                        if s.user is not None and s.user.organisation is not None and not s.user.is_broker})
        members.update(names)
        rows.append([activity.starts_on, activity.title_en or activity.title_fi, "; ".join(names)])
    return Criterion("activities", str(_l("Activities held")), TARGETS["activities"], len(rows), headers, rows,
                     {"members_taking_part": len(members)})


def _requests(year: int) -> Criterion:
    start, end = _span(year)
    requests = db.session.scalars(
        sa.select(ServiceRequest).where(ServiceRequest.created_at >= start, ServiceRequest.created_at < end)
        .order_by(ServiceRequest.created_at, ServiceRequest.id))
    rows, answered = [], 0
    for request in requests:
        if request.answered_at is not None:
            answered += 1
        rows.append([request.created_at.date(), kind_name(request.service_kind, "en"),
                     request.provider.organisation.name, request.requester_organisation.name, request.state,
                     request.answered_at.date() if request.answered_at else ""])
    return Criterion("requests_answered", str(_l("Service requests made and answered")),
                     TARGETS["requests_answered"], answered,
                     [_("Sent on"), _("Service"), _("Provider"), _("Asked by"), _("State"), _("Answered on")],
                     rows, {"made": len(rows), "answered": answered})


def _deals(year: int, today: date) -> Criterion:
    headers = [_("Deal"), _("Opened on"), _("State"), _("Broker"), _("Tonnes"), _("t CO2e avoided")]
    start, end = _span(year)
    deals = db.session.scalars(
        sa.select(Deal).where(Deal.broker_id.is_not(None)).order_by(Deal.id)
        .options(orm.selectinload(Deal.events), orm.selectinload(Deal.deliveries), orm.selectinload(Deal.broker)))
    rows, tonnes, co2 = [], 0.0, 0.0
    for deal in deals:
        impact = deal_impact(deal, today)
        deal_tonnes = impact.tonnes_in(year)
        if not (start <= deal.created_at < end or deal_tonnes > 0):
            continue
        deal_co2 = impact.co2_t(year)
        tonnes, co2 = tonnes + deal_tonnes, co2 + deal_co2
        rows.append([deal.title, deal.created_at.date(), deal.state,
                     (deal.broker.name or deal.broker.email) if deal.broker else "",
                     round(deal_tonnes, 1), round(deal_co2, 2)])
    return Criterion("deals", str(_l("Deals brokered")), TARGETS["deals"], len(rows), headers, rows,
                     {"tonnes": round(tonnes, 1), "co2_t": round(co2, 2)})


def _member_messages(model, year: int) -> int:
    start, end = _span(year)
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(model).join(User, User.id == model.author_id)
        .where(model.created_at >= start, model.created_at < end, User.organisation_id.is_not(None),
               User.role.not_in(("broker", "admin")))) or 0


def _messages(year: int) -> Criterion:
    counts = {_("Messages on deals"): _member_messages(DealMessage, year)}
    counts[_("Messages on service requests")] = _member_messages(ServiceRequestMessage, year)
    rows = [[label, count] for label, count in counts.items()]
    return Criterion("messages", str(_l("Messages exchanged between members")), TARGETS["messages"],
                     sum(counts.values()), [_("Thread"), _("Messages")], rows)


def check_year(year: int) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise InvalidInput(_("Choose a year from %(first)d to %(last)d.", first=FIRST_YEAR, last=LAST_YEAR),
                           {"year": _("Choose a year from %(first)d to %(last)d.", first=FIRST_YEAR, last=LAST_YEAR)})


def report(user, year: int, today: date | None = None) -> Report:
    if not can_evaluate(user):
        raise Forbidden(_("The self-evaluation is for the brokers."))
    check_year(year)
    today = today or utcnow().date()
    criteria = [_members(year), _activities(year, today), _requests(year), _deals(year, today), _messages(year)]
    saved = db.session.scalar(sa.select(Evaluation).where(Evaluation.year == year))
    return Report(year, criteria, saved)


def save_evaluation(user, year: int, evaluated_on: date, note: str) -> Evaluation:
    if not can_evaluate(user):
        raise Forbidden(_("The self-evaluation is for the brokers."))
    check_year(year)
    if evaluated_on is None or evaluated_on > utcnow().date():
        raise InvalidInput(_("The evaluation has errors."),
                           {"evaluated_on": _("Give the day the evaluation was made, not one to come.")})
    if evaluated_on.year < year:
        raise InvalidInput(_("The evaluation has errors."),
                           {"evaluated_on": _("A year is evaluated during it or after it.")})
    evaluation = db.session.scalar(sa.select(Evaluation).where(Evaluation.year == year))
    if evaluation is None:
        evaluation = Evaluation(year=year)
        db.session.add(evaluation)
    evaluation.evaluated_on = evaluated_on
    evaluation.note = (note or "").strip()
    evaluation.broker_id = user.id
    db.session.flush()
    return evaluation


def table(report: Report) -> tuple[list[str], list[list]]:
    """The summary as one table: each criterion, its figure, target and whether it is met."""
    header = [_("Criterion"), _("Figure"), _("Target"), _("Met"), _("Details")]
    rows = []
    for c in report.criteria:
        details = "; ".join(f"{k}={v}" for k, v in c.extra.items())
        rows.append([c.title, c.value, c.target, _("yes") if c.met else _("no"), details])
    if report.evaluation is not None:
        e = report.evaluation
        rows.append([_("Evaluation"), e.evaluated_on.isoformat(), "", "",
                     f"{(e.broker.name or e.broker.email) if e.broker else ''}: {e.note}"])
    return header, rows
