"""Publication periods, reminders, renewal, expiry and closing reasons.

A listing is published until ``published_until`` (inclusive; default six months from
publication, at most twelve). Two weeks before the end its owner is reminded, once a
period; renewing (``listings.services.renew``, the listings' one writer) extends it by the
chosen months from today. After the end the listing
leaves search, the map and matching (its matches are deleted by ``expire``), and stays for
its owner, its deals and the brokers. Every function that depends on the day takes it."""
from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from flask import url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from .. import signals
from ..db import db
from ..errors import Forbidden, InvalidInput
from ..listings import services as listing_services
from ..mail import queue_mail
from ..models import (
    CLOSING_REASONS, ListingClosure, ListingReminder, Match, MaterialNeed, SideStream, User,
)
from ..models.listing import (
    DEFAULT_PUBLICATION_MONTHS, SEARCHABLE_STATUSES, add_months,
)

REMINDER_DAYS = 14
PERIOD_CHOICES = (1, 2, 3, 6, 9, 12)
KIND_OF = {SideStream: "stream", MaterialNeed: "need"}


def kind_of(listing) -> str:
    return KIND_OF[type(listing)]


def _require_owner(user, listing) -> None:
    if not listing.can_edit(user):
        raise Forbidden(_("Only members of the listing's organisation can change it."))


def start_period(listing, today: date, months: int = DEFAULT_PUBLICATION_MONTHS) -> None:
    """A new publication period from ``today`` (on publishing or reopening)."""
    listing.published_until = add_months(today, months)


def default_tonnes(listing) -> float | None:
    if isinstance(listing, SideStream):
        return listing.quantity_t_per_year if listing.quantity_t_per_year is not None else listing.lot_t
    return listing.quantity_t_per_year


def close(user, listing, reason: str, note: str = "", tonnes: float | None = None) -> ListingClosure:
    """Close a listing, saying why; the answer feeds the brokers' figures."""
    _require_owner(user, listing)
    errors = {}
    if reason not in CLOSING_REASONS:
        errors["reason"] = _("Say why the listing is closed.")
    elif reason == "other" and not (note or "").strip():
        errors["note"] = _("Tell in a few words what happened to it.")
    if tonnes is not None and tonnes < 0:
        errors["tonnes"] = _("Must be at least %(minimum)s.", minimum=0)
    if errors:
        raise InvalidInput(_("The form has errors."), errors)
    listing_services.close(user, listing)  # ranks its matches away
    closure = ListingClosure(reason=reason, note=(note or "").strip()[:5000],
                             tonnes=tonnes if tonnes is not None else default_tonnes(listing),
                             closed_by_id=user.id,
                             side_stream_id=listing.id if isinstance(listing, SideStream) else None,
                             need_id=listing.id if isinstance(listing, MaterialNeed) else None)
    db.session.add(closure)
    db.session.flush()
    return closure


# -- cron: reminders and expiry ------------------------------------------------------

def _owners(listing) -> list[User]:
    return list(db.session.scalars(sa.select(User).where(
        User.organisation_id == listing.organisation_id, User.active.is_(True),
        User.email_confirmed_at.is_not(None)).order_by(User.id)))


def _listing_url(listing) -> str:
    endpoint = "listings.stream_detail" if isinstance(listing, SideStream) else "listings.need_detail"
    return url_for(endpoint, listing_id=listing, _external=True)


def send_reminders(today: date | None = None) -> int:
    """Mail the owners of listings whose period ends within two weeks, once a period.
    Returns the number of listings reminded."""
    today = today or date.today()
    horizon = today + timedelta(days=REMINDER_DAYS)
    reminded = 0
    for cls in (SideStream, MaterialNeed):
        kind = KIND_OF[cls]
        done = sa.select(ListingReminder.id).where(
            ListingReminder.kind == kind, ListingReminder.listing_id == cls.id,
            ListingReminder.published_until == cls.published_until)
        due = db.session.scalars(sa.select(cls).where(
            cls.status.in_(SEARCHABLE_STATUSES), cls.published_until.is_not(None),
            cls.published_until >= today, cls.published_until <= horizon, ~sa.exists(done)).order_by(cls.id))
        for listing in due:
            url = _listing_url(listing)
            owners = _owners(listing)
            signals.listing_expiring.send(None, listing=listing, users=owners)
            for user in owners:
                with force_locale(user.language):
                    queue_mail(user.email, _("Your listing %(title)s ends on %(date)s", title=listing.title,
                                             date=listing.published_until.isoformat()),
                               _("The listing \"%(title)s\" is published until %(date)s. After that day it "
                                 "leaves search, the map and matching.\n\nRenew it with one click on its page:\n"
                                 "%(url)s\n\nIf it is no longer available, close it there and tell us why.",
                                 title=listing.title, date=listing.published_until.isoformat(), url=url))
            db.session.add(ListingReminder(kind=kind, listing_id=listing.id,
                                           published_until=listing.published_until))
            reminded += 1
    db.session.flush()
    return reminded


def expire(today: date | None = None) -> int:
    """Take the listings whose period has ended out of matching: their matches go, and
    the lists they were in are ranked again. Returns how many listings."""
    today = today or date.today()
    ended = []
    for cls, column in ((SideStream, Match.side_stream_id), (MaterialNeed, Match.need_id)):
        past = sa.select(cls.id).where(cls.published_until.is_not(None), cls.published_until < today)
        ids = list(db.session.scalars(sa.select(sa.distinct(column)).where(column.in_(past))))
        ended.extend(db.session.scalars(sa.select(cls).where(cls.id.in_(ids))) if ids else [])
    if ended:
        _refresh_many(ended)
    db.session.flush()
    return len(ended)


def _refresh_many(listings) -> None:
    from ..matches.services import refresh_many

    refresh_many(db.session, listings, ended=True)


# -- the brokers' figures ---------------------------------------------------------------

def closure_figures() -> list[dict]:
    """Closed side streams and needs by year and reason: how many, and tonnes."""
    year = sa.extract("year", ListingClosure.closed_at)
    rows = db.session.execute(
        sa.select(year.label("year"), ListingClosure.reason,
                  sa.func.count(ListingClosure.side_stream_id).label("streams"),
                  sa.func.count(ListingClosure.need_id).label("needs"),
                  sa.func.coalesce(sa.func.sum(sa.case((ListingClosure.side_stream_id.is_not(None),
                                                         ListingClosure.tonnes))), 0).label("tonnes"))
        .group_by(year, ListingClosure.reason).order_by(year.desc(), ListingClosure.reason))
    return [{"year": int(r.year), "reason": r.reason, "streams": r.streams, "needs": r.needs,
             "tonnes": float(r.tonnes or 0)} for r in rows]
