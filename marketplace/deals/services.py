"""The rules of deals, as verb functions that take the acting user. They change objects
and flush; the request commits. What others are told is the notifications area's part:
it listens to the deal signals of marketplace.signals, which these verbs send."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from flask import g
from flask_babel import gettext as _
from sqlalchemy import orm
from sqlalchemy.orm.exc import StaleDataError

from .. import formatting, signals
from ..db import db
from ..errors import Conflict, Forbidden, InvalidInput, NotFound
from ..i18n import APPLICATION_LABELS, CATEGORY_LABELS
from ..models import Attachment, Deal, DealEvent, DealMessage, Delivery, DeliveryChange, Match, MaterialNeed, SideStream, User
from ..models.base import utcnow
from ..models.deal import CLOSED_STATES, DELIVERY_STATES, NEEDS_REASON, is_step_back, transition_allowed
from . import permissions
from .attachments import attach_to_message

# Limits of what a person can sensibly type into a deal.
MAX_TONNES_PER_YEAR = 10_000_000
MAX_DELIVERY_TONNES = 1_000_000
MAX_PRICE_EUR_PER_T = 100_000


def conflict_message() -> str:
    return _("Someone else changed this deal while you were editing it. Nothing was saved: "
             "the page now shows their changes; make yours again.")


# -- reading -------------------------------------------------------------

def get_deal(deal_id: int, user) -> Deal:
    """The deal, if the user may see it; otherwise there is no such deal for them."""
    deal = db.session.get(Deal, deal_id)
    if deal is None or not permissions.can_view(user, deal):
        raise NotFound(_("There is no such deal."))
    return deal


def _deals_query(user, open_only: bool):
    """The deals the user takes part in (every deal for a broker); None for nobody's."""
    query = sa.select(Deal)
    if not user.is_broker:
        if user.organisation_id is None:
            return None
        query = query.where(sa.or_(Deal.supplier_id == user.organisation_id,
                                   Deal.buyer_id == user.organisation_id))
    if open_only:
        query = query.where(Deal.state.not_in(CLOSED_STATES))
    return query


def count_deals(user, open_only: bool = False) -> int:
    query = _deals_query(user, open_only)
    return 0 if query is None else db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))


# The columns the deals list sorts by. The deal's name is sorted by its stored title for
# brokers only: a party's view of the name may hide a listing whose title would order it.
_STAGE_ORDER = sa.case({state: index for index, state in enumerate(
    ("proposed", "introduced", "negotiating", "trial", "agreed", "delivering", "completed", "declined",
     "cancelled"))}, value=Deal.state)
DEAL_SORTS = {
    "name": Deal.title, "state": _STAGE_ORDER, "tonnes": Deal.tonnes_per_year, "price": Deal.price_eur_per_t,
    "score": Deal.match_score, "last_event": Deal.last_event_at, "opened": Deal.created_at,
}


def deals_for(user, open_only: bool = False, limit: int | None = None, offset: int = 0,
              sort: str = "last_event", descending: bool = True) -> list[Deal]:
    query = _deals_query(user, open_only)
    if query is None:
        return []
    if sort == "name" and not user.is_broker:
        sort = "last_event"
    column = DEAL_SORTS.get(sort, Deal.last_event_at)
    ordered = column.desc() if descending else column.asc()
    query = query.order_by(ordered.nulls_last(), Deal.id.desc()).limit(limit).offset(offset)
    return list(db.session.scalars(query.options(
        orm.selectinload(Deal.side_stream), orm.selectinload(Deal.need),
        orm.selectinload(Deal.supplier), orm.selectinload(Deal.buyer),
    )))


def remember_open_deals(pairs) -> None:
    """Look up the open deals of the (stream id, need id) pairs a page shows, in one query
    per few hundred pairs, for ``deal_link_for`` to read instead of a query per pair."""
    known = g.setdefault("open_deals", {})
    missing = list(dict.fromkeys(p for p in pairs if p not in known))
    for a in range(0, len(missing), 300):
        chunk = missing[a:a + 300]
        known.update(dict.fromkeys(chunk))
        for deal in db.session.scalars(sa.select(Deal).where(
            sa.tuple_(Deal.side_stream_id, Deal.need_id).in_(chunk), Deal.state.not_in(CLOSED_STATES)
        )):
            known[(deal.side_stream_id, deal.need_id)] = deal


def open_deal_for_pair(stream_id: int, need_id: int) -> Deal | None:
    known = g.get("open_deals", {})
    if (stream_id, need_id) in known:
        return known[(stream_id, need_id)]
    return db.session.scalar(
        sa.select(Deal).where(Deal.side_stream_id == stream_id, Deal.need_id == need_id,
                              Deal.state.not_in(CLOSED_STATES))
    )


@dataclass
class Party:
    """One side of a deal as a reader may see it: the organisation's name only where the
    listing's visibility allows (an anonymous listing's owner before the introduction)."""

    role: str
    name: str | None
    listing_title: str
    listing_visible: bool


def _reveals(deal: Deal, listing, organisation_id: int, viewer) -> bool:
    if viewer is None:
        return False
    if getattr(viewer, "is_broker", False) or viewer.organisation_id == organisation_id:
        return True
    if listing is None:
        return deal.is_introduced
    return listing.reveals_owner_to(viewer)


def _listing_title(deal: Deal, listing, organisation_id: int, viewer, fallback: str) -> tuple[str, bool]:
    if listing is None:
        return fallback, False
    if viewer.is_broker or viewer.organisation_id == organisation_id:
        return listing.title, True
    if listing.is_visible_to(viewer) or _reveals(deal, listing, organisation_id, viewer):
        return listing.title, listing.is_visible_to(viewer)
    return fallback, False


def parties_for(deal: Deal, viewer) -> tuple[Party, Party]:
    """(supplier, buyer) as the viewer may see them."""
    stream_title, stream_visible = _listing_title(
        deal, deal.side_stream, deal.supplier_id, viewer,
        _("A side stream: %(category)s", category=CATEGORY_LABELS.get(deal.category, deal.category)))
    need_title, need_visible = _listing_title(
        deal, deal.need, deal.buyer_id, viewer,
        _("A material need: %(application)s",
          application=APPLICATION_LABELS.get(deal.application, deal.application)))
    supplier = Party("supplier",
                     deal.supplier.name if _reveals(deal, deal.side_stream, deal.supplier_id, viewer) else None,
                     stream_title, stream_visible)
    buyer = Party("buyer",
                  deal.buyer.name if _reveals(deal, deal.need, deal.buyer_id, viewer) else None,
                  need_title, need_visible)
    return supplier, buyer


def deal_name(deal: Deal, viewer) -> str:
    supplier, buyer = parties_for(deal, viewer)
    return f"{supplier.listing_title} → {buyer.listing_title}"


def person_label(deal: Deal, person: User | None, viewer) -> str:
    """Who wrote or acted, as the viewer may know them: a hidden party is 'the supplier'."""
    if person is None:
        return _("A former user")
    if person.is_broker:
        return _("%(name)s (broker)", name=person.name or person.email)
    if person.organisation_id == deal.supplier_id:
        listing, side = deal.side_stream, _("the supplier")
    elif person.organisation_id == deal.buyer_id:
        listing, side = deal.need, _("the buyer")
    else:
        return person.name or _("A former member")
    if not _reveals(deal, listing, person.organisation_id, viewer):
        return side.capitalize()
    return f"{person.name or person.email} ({person.organisation.name})"


# -- changing --------------------------------------------------------------

def _check_terms(tonnes_per_year, price_eur_per_t) -> None:
    errors = {}
    if tonnes_per_year is not None and not (0 <= tonnes_per_year <= MAX_TONNES_PER_YEAR):
        errors["tonnes_per_year"] = _("Give the tonnes a year between 0 and %(max)s.", max=MAX_TONNES_PER_YEAR)
    if price_eur_per_t is not None and abs(price_eur_per_t) > MAX_PRICE_EUR_PER_T:
        errors["price_eur_per_t"] = _("Give a price between -%(max)s and %(max)s EUR/t.", max=MAX_PRICE_EUR_PER_T)
    if errors:
        raise InvalidInput(_("The terms have errors."), errors)


def open_deal(user, stream: SideStream, need: MaterialNeed, *, tonnes_per_year: float | None = None,
              price_eur_per_t: float | None = None, start_date: date | None = None,
              note: str = "") -> Deal:
    """Open a deal on a pairing, in the state 'proposed'."""
    if not permissions.can_open(user, stream, need):
        raise Forbidden(_("Only a broker opens a deal on this pairing: the parties may open one "
                          "themselves only when both listings are public."))
    if stream.organisation_id == need.organisation_id:
        raise InvalidInput(_("The stream and the need belong to the same organisation."),
                           {"need_id": _("Choose a need of another organisation.")})
    if open_deal_for_pair(stream.id, need.id) is not None:
        raise Conflict(_("A deal on this pairing is already open."))
    _check_terms(tonnes_per_year, price_eur_per_t)
    match = db.session.scalar(
        sa.select(Match).where(Match.side_stream_id == stream.id, Match.need_id == need.id)
    )
    now = utcnow()
    deal = Deal(
        side_stream_id=stream.id, need_id=need.id,
        supplier_id=stream.organisation_id, buyer_id=need.organisation_id,
        broker_id=user.id if user.is_broker else None, opened_by_id=user.id,
        state="proposed", tonnes_per_year=tonnes_per_year, price_eur_per_t=price_eur_per_t,
        start_date=start_date, note=note or "",
        title=f"{stream.title} → {need.title}"[:420], category=stream.category,
        application=need.application, place=stream.place or "",
        was_waste=stream.legal_status == "waste", hazardous=stream.is_hazardous,
        match_score=match.score if match else None,
        road_km=match.road_km if match else None,
        transport_co2_kg_per_t=match.transport_co2_kg_per_t if match else None,
        created_at=now, last_event_at=now,
    )
    deal.events.append(DealEvent(actor_id=user.id, from_state=None, to_state="proposed",
                                 note=note or "", created_at=now))
    db.session.add(deal)
    db.session.flush()
    signals.deal_opened.send(user, deal=deal)
    return deal


def open_deal_from_enquiry(user, enquiry) -> Deal:
    """Open a deal on what an enquiry is about: its listing and, when the enquirer named one,
    their own listing of the other kind. Terms are left empty: they are filled in when known.
    A broker opens it on an accepted introduction request (and introduces the parties at
    once); on an enquiry either side opens it, and the other side accepts it as usual."""
    stream = enquiry.side_stream or enquiry.own_stream
    need = enquiry.need or enquiry.own_need
    if enquiry.side_stream_id is not None:
        supplier_id, buyer_id = enquiry.owner_org_id, enquiry.sender_org_id
    else:
        supplier_id, buyer_id = enquiry.sender_org_id, enquiry.owner_org_id
    if stream is not None and need is not None:
        existing = open_deal_for_pair(stream.id, need.id)
        if existing is not None:
            raise Conflict(_("A deal on this pairing is already open."))
    match = None
    if stream is not None and need is not None:
        match = db.session.scalar(
            sa.select(Match).where(Match.side_stream_id == stream.id, Match.need_id == need.id))
    listing = enquiry.listing
    now = utcnow()
    deal = Deal(
        side_stream_id=getattr(stream, "id", None), need_id=getattr(need, "id", None),
        supplier_id=supplier_id, buyer_id=buyer_id,
        broker_id=user.id if user.is_broker else None, opened_by_id=user.id, state="proposed",
        title=(f"{stream.title if stream else ''} → {need.title if need else ''}")[:420],
        # Without a listing on one side the deal counts as the listing's material put to
        # 'other' use (the impact factors' fallback), until the terms say more.
        category=stream.category if stream is not None else "other",
        application=need.application if need is not None else "other",
        place=(stream.place if stream is not None else listing.place) or "",
        was_waste=bool(stream is not None and stream.legal_status == "waste"),
        hazardous=bool(stream is not None and stream.is_hazardous),
        match_score=match.score if match else None, road_km=match.road_km if match else None,
        transport_co2_kg_per_t=match.transport_co2_kg_per_t if match else None,
        created_at=now, last_event_at=now,
    )
    deal.events.append(DealEvent(actor_id=user.id, from_state=None, to_state="proposed",
                                 note="", created_at=now))
    db.session.add(deal)
    db.session.flush()
    signals.deal_opened.send(user, deal=deal)
    return deal


def _check_version(deal: Deal, version: int | None) -> None:
    if version is None or int(version) != deal.version:
        raise Conflict(conflict_message())


def _flush_or_conflict() -> None:
    try:
        db.session.flush()
    except StaleDataError:
        raise Conflict(conflict_message()) from None


def change_state(user, deal: Deal, to_state: str, *, version: int | None, note: str = "") -> DealEvent:
    """Move the deal along one allowed transition and record who, when and why."""
    _check_version(deal, version)
    if not transition_allowed(deal.state, to_state):
        raise InvalidInput(_("A deal cannot go from this state to that one."),
                           {"to_state": _("Choose one of the next states offered.")})
    if not permissions.can_move(user, deal, to_state):
        raise Forbidden(_("Only the broker introduces the parties to each other."))
    note = (note or "").strip()
    if (to_state in NEEDS_REASON or is_step_back(deal.state, to_state)) and not note:
        raise InvalidInput(_("Say why."), {"note": _("Give the reason: the parties will read it.")})
    now = utcnow()
    from_state = deal.state
    deal.state = to_state
    if to_state == "introduced" and deal.introduced_at is None:
        deal.introduced_at = now
    if to_state in NEEDS_REASON:
        deal.reason = note
    if user.is_broker and deal.broker_id is None:
        deal.broker_id = user.id
    deal.last_event_at = now
    event = DealEvent(deal=deal, actor_id=user.id, from_state=from_state, to_state=to_state,
                      note=note, created_at=now)
    db.session.add(event)
    _flush_or_conflict()
    signals.deal_state_changed.send(user, deal=deal, event=event)
    return event


def update_terms(user, deal: Deal, *, version: int | None, tonnes_per_year: float | None,
                 price_eur_per_t: float | None, start_date: date | None, note: str) -> Deal:
    """The agreed tonnes a year, price (EUR/t, negative where the holder pays a gate fee)
    and start date. A save made on an older version of the deal is refused."""
    _check_version(deal, version)
    if not permissions.can_edit_terms(user, deal):
        raise Forbidden(_("The terms of a closed deal no longer change."))
    _check_terms(tonnes_per_year, price_eur_per_t)
    deal.tonnes_per_year = tonnes_per_year
    deal.price_eur_per_t = price_eur_per_t
    deal.start_date = start_date
    deal.note = note or ""
    deal.last_event_at = utcnow()
    _flush_or_conflict()
    return deal


def post_message(user, deal: Deal, body: str, files=()) -> DealMessage:
    """A message in the deal's thread, with files (PDF, PNG, JPEG) under the listing rules."""
    if not permissions.can_post_message(user, deal):
        raise NotFound(_("There is no such deal."))
    body = (body or "").strip()
    if not body:
        raise InvalidInput(_("The message is empty."), {"body": _("Write a message.")})
    message = DealMessage(deal=deal, author_id=user.id, body=body, created_at=utcnow())
    db.session.add(message)
    db.session.flush()
    for upload in files:
        attach_to_message(message, upload, user)
    if user.is_broker and deal.broker_id is None:
        deal.broker_id = user.id
    db.session.flush()
    signals.deal_message_posted.send(user, deal=deal, message=message)
    return message


DUPLICATE_WINDOW = timedelta(hours=24)


def _check_delivery(deal: Deal, delivered_on: date | None, tonnes: float | None) -> None:
    errors = {}
    if deal.state not in DELIVERY_STATES:
        if deal.state in CLOSED_STATES:
            errors["delivered_on"] = _("The deal is closed: its deliveries no longer change.")
        else:
            errors["delivered_on"] = _("Deliveries are recorded from the trial on.")
    if delivered_on is None or delivered_on > utcnow().date():
        errors["delivered_on"] = _("Give the day of a delivery made, not one to come.")
    if tonnes is None or not (0 < tonnes <= MAX_DELIVERY_TONNES):
        errors["tonnes"] = _("Give the tonnes delivered, more than 0 and at most %(max)s.",
                             max=MAX_DELIVERY_TONNES)
    if errors:
        raise InvalidInput(_("The delivery has errors."), errors)


def duplicate_of(deal: Deal, delivered_on: date, tonnes: float, exclude_id: int | None = None) -> Delivery | None:
    """A delivery of the same day and tonnes recorded in the last 24 hours: most likely the
    same one typed twice."""
    since = utcnow() - DUPLICATE_WINDOW
    return next((d for d in deal.deliveries
                 if d.id != exclude_id and d.delivered_on == delivered_on
                 and abs(d.tonnes - tonnes) < 1e-9 and d.created_at >= since), None)


class DuplicateDelivery(InvalidInput):
    """Refused until the user confirms that the same delivery happened twice."""


def record_delivery(user, deal: Deal, *, delivered_on: date, tonnes: float, note: str = "",
                    confirm_duplicate: bool = False) -> Delivery:
    if not permissions.can_record_delivery(user, deal):
        raise Forbidden(_("Deliveries are recorded by the brokers."))
    _check_delivery(deal, delivered_on, tonnes)
    if not confirm_duplicate and duplicate_of(deal, delivered_on, tonnes) is not None:
        raise DuplicateDelivery(
            _("The same delivery was recorded in the last 24 hours."),
            {"confirm_duplicate": _("A delivery of %(tonnes)s t on %(date)s is already recorded. Tick the box "
                                    "if this is a second one.", tonnes=formatting.number(tonnes, 3),
                                    date=formatting.day(delivered_on))})
    now = utcnow()
    delivery = Delivery(deal=deal, delivered_on=delivered_on, tonnes=tonnes, note=note or "",
                        recorded_by_id=user.id, created_at=now)
    db.session.add(delivery)
    db.session.flush()
    deal.delivery_changes.append(DeliveryChange(
        delivery_id=delivery.id, actor_id=user.id, action="recorded", new_delivered_on=delivered_on,
        new_tonnes=tonnes, note=note or "", created_at=now))
    deal.last_event_at = now
    _flush_or_conflict()
    return delivery


def get_delivery(user, deal: Deal, delivery_id: int) -> Delivery:
    delivery = db.session.get(Delivery, delivery_id)
    if delivery is None or delivery.deal_id != deal.id or not permissions.can_view(user, deal):
        raise NotFound(_("There is no such delivery."))
    return delivery


def correct_delivery(user, deal: Deal, delivery: Delivery, *, delivered_on: date, tonnes: float,
                     note: str = "") -> Delivery:
    """Change a delivery's day, tonnes or note; the figures before and after go in the history."""
    if not permissions.can_change_delivery(user, deal, delivery):
        raise Forbidden(_("Only whoever recorded a delivery, or a broker, corrects it."))
    _check_delivery(deal, delivered_on, tonnes)
    now = utcnow()
    deal.delivery_changes.append(DeliveryChange(
        delivery_id=delivery.id, actor_id=user.id, action="corrected",
        old_delivered_on=delivery.delivered_on, old_tonnes=delivery.tonnes,
        new_delivered_on=delivered_on, new_tonnes=tonnes, note=note or "", created_at=now))
    delivery.delivered_on = delivered_on
    delivery.tonnes = tonnes
    delivery.note = note or ""
    deal.last_event_at = now
    _flush_or_conflict()
    return delivery


def remove_delivery(user, deal: Deal, delivery: Delivery, *, note: str = "") -> None:
    if not permissions.can_change_delivery(user, deal, delivery):
        raise Forbidden(_("Only whoever recorded a delivery, or a broker, removes it."))
    if deal.state not in DELIVERY_STATES:
        raise InvalidInput(_("The deal is closed: its deliveries no longer change."), {})
    now = utcnow()
    deal.delivery_changes.append(DeliveryChange(
        delivery_id=None, actor_id=user.id, action="removed", old_delivered_on=delivery.delivered_on,
        old_tonnes=delivery.tonnes, note=note or "", created_at=now))
    deal.deliveries.remove(delivery)
    db.session.delete(delivery)
    deal.last_event_at = now
    _flush_or_conflict()


@dataclass
class HistoryItem:
    at: object
    actor: User | None
    event: DealEvent | None = None
    change: DeliveryChange | None = None


def history(deal: Deal) -> list[HistoryItem]:
    """The deal's state changes and delivery changes, in the order they happened."""
    items = [HistoryItem(e.created_at, e.actor, event=e) for e in deal.events]
    items += [HistoryItem(c.created_at, c.actor, change=c) for c in deal.delivery_changes]
    return sorted(items, key=lambda item: (item.at, 0 if item.event else 1))


def get_message_attachment(user, deal: Deal, attachment_id: int):
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or attachment.deal_message_id is None or not permissions.can_view(user, deal):
        raise NotFound(_("There is no such file."))
    message = db.session.get(DealMessage, attachment.deal_message_id)
    if message is None or message.deal_id != deal.id:
        raise NotFound(_("There is no such file."))
    return attachment


def stale_deals(days: int, limit: int | None = None) -> list[Deal]:
    """Open deals waiting for someone: proposed and not yet introduced, or with no event
    for ``days`` days."""
    cutoff = utcnow() - timedelta(days=days)
    return list(db.session.scalars(
        sa.select(Deal)
        .where(Deal.state.not_in(CLOSED_STATES),
               sa.or_(Deal.state == "proposed", Deal.last_event_at < cutoff))
        .order_by(Deal.last_event_at).limit(limit)
        # The dashboard names each deal by its listings: loaded with the deals, not one by one.
        .options(orm.selectinload(Deal.supplier), orm.selectinload(Deal.buyer),
                 orm.selectinload(Deal.side_stream), orm.selectinload(Deal.need))
    ))
