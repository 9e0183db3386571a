"""The one writer of enquiries and introduction requests, as verb functions taking the
acting user. They change objects and flush; the request commits. Who is told is the
notifications area's part: it listens to the signals these verbs send.

An enquiry goes to a public listing's owner, whose name the enquirer already sees. An
anonymous listing's owner is reached only through the broker: the enquirer asks the Center
to introduce them, and learns nothing of the owner until a broker accepts."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy import orm

from .. import signals
from ..db import db
from ..errors import Conflict, Forbidden, InvalidInput, NotFound
from ..models import Enquiry, EnquiryMessage, MaterialNeed, SideStream, User
from ..models.base import utcnow
from ..models.listing import SEARCHABLE_STATUSES

# At most this many enquiries and introduction requests by one person in 24 hours: enough
# for a buyer comparing offers, too few for a mailing campaign (the project's own choice,
# not from a source; change it here).
MAX_ENQUIRIES_PER_DAY = 10
MAX_BODY = 4000
MAX_QUANTITY_T = 10_000_000
# Enquiries on one page of the list.
ENQUIRIES_PER_PAGE = 30


def kind_for(listing) -> str:
    """'enquiry' to a public listing's owner; 'introduction' through the broker otherwise."""
    return "enquiry" if listing.visibility == "public" else "introduction"


def why_not(user, listing) -> str | None:
    """Why the user may not write about this listing (None when they may)."""
    if not (user and user.is_authenticated):
        return _("Sign in to contact the owner.")
    if user.is_broker:
        return _("Brokers open deals on pairings directly.")
    if user.organisation_id is None:
        return _("Join or register an organisation to contact others.")
    if not user.in_verified_organisation:
        return _("Your organisation is not verified yet: the Center checks each organisation "
                 "before its members can contact others. You can send enquiries once it is verified.")
    if listing.organisation_id == user.organisation_id:
        return _("This is your organisation's own listing.")
    if not listing.is_visible_to(user) or listing.status not in SEARCHABLE_STATUSES:
        return _("This listing is not open for enquiries.")
    return None


def can_enquire(user, listing) -> bool:
    return why_not(user, listing) is None


def can_view(user, enquiry: Enquiry) -> bool:
    """The enquirer's organisation and the brokers; the owner's organisation for an enquiry,
    and for an introduction request only once a broker accepted it."""
    if not (user and user.is_authenticated):
        return False
    if user.is_broker:
        return True
    if user.organisation_id is None:
        return False
    if user.organisation_id == enquiry.sender_org_id:
        return True
    if user.organisation_id == enquiry.owner_org_id:
        return enquiry.kind == "enquiry" or enquiry.state == "deal"
    return False


def get_enquiry(user, enquiry_id: int) -> Enquiry:
    enquiry = db.session.get(Enquiry, enquiry_id)
    if enquiry is None or not can_view(user, enquiry):
        raise NotFound(_("There is no such enquiry."))
    return enquiry


def side_of(user, enquiry: Enquiry) -> str | None:
    if user.organisation_id is not None and user.organisation_id == enquiry.sender_org_id:
        return "sender"
    if user.organisation_id is not None and user.organisation_id == enquiry.owner_org_id:
        return "owner"
    return None


def enquiry_title(enquiry: Enquiry, viewer) -> str:
    """The listing's title if the viewer may see it, else what kind of listing it is."""
    listing = enquiry.listing
    if listing is not None and listing.is_visible_to(viewer):
        return listing.title
    if enquiry.side_stream_id is not None:
        return _("A side stream")
    return _("A material need")


def owner_label(enquiry: Enquiry, viewer) -> str | None:
    """The owner's name where the listing reveals it to the viewer; None otherwise."""
    listing = enquiry.listing
    if listing is not None and listing.reveals_owner_to(viewer):
        return enquiry.owner_org.name
    return None


def sender_label(enquiry: Enquiry, viewer) -> str:
    """Who wrote: the enquirer chose to make themselves known to those who may read it."""
    person = enquiry.sender
    name = (person.name or person.email) if person is not None else _("A former member")
    return f"{name} ({enquiry.sender_org.name})"


def author_label(enquiry: Enquiry, person: User | None, viewer) -> str:
    if person is None:
        return _("A former user")
    if person.is_broker:
        return _("%(name)s (broker)", name=person.name or person.email)
    if person.organisation_id == enquiry.sender_org_id:
        return f"{person.name or person.email} ({enquiry.sender_org.name})"
    if person.organisation_id == enquiry.owner_org_id:
        owner = owner_label(enquiry, viewer)
        return f"{person.name or person.email} ({owner})" if owner else _("the owner")
    return person.name or _("A former member")


def own_listings(user, listing) -> list:
    """The enquirer's own active listings of the other kind, to name as the pairing."""
    if user.organisation_id is None:
        return []
    other = MaterialNeed if listing.__tablename__ == "side_stream" else SideStream
    return list(db.session.scalars(sa.select(other).where(
        other.organisation_id == user.organisation_id, other.status.in_(SEARCHABLE_STATUSES))
        .order_by(other.title)))


def brokers() -> list[User]:
    return list(db.session.scalars(sa.select(User).where(
        User.role.in_(("broker", "admin")), User.active.is_(True)).order_by(User.id)))


def _members(organisation_id: int) -> list[User]:
    return list(db.session.scalars(sa.select(User).where(
        User.organisation_id == organisation_id, User.active.is_(True),
        User.email_confirmed_at.is_not(None)).order_by(User.id)))


def recipients_of(enquiry: Enquiry, actor) -> list[User]:
    """Everyone the enquiry concerns who may read it, the acting user excepted."""
    users = _members(enquiry.sender_org_id)
    if enquiry.kind == "enquiry" or enquiry.state == "deal":
        users += _members(enquiry.owner_org_id)
    if enquiry.kind == "introduction":
        decided = db.session.get(User, enquiry.decided_by_id) if enquiry.decided_by_id else None
        users += [decided] if decided is not None else brokers()
    actor_id = getattr(actor, "id", None)
    return [u for u in users if u.id != actor_id]


def sent_today(user) -> int:
    since = utcnow() - timedelta(days=1)
    return db.session.scalar(sa.select(sa.func.count(Enquiry.id)).where(
        Enquiry.sender_id == user.id, Enquiry.created_at >= since)) or 0


def _clean_body(body: str | None) -> str:
    body = (body or "").strip()
    if not body:
        raise InvalidInput(_("The message is empty."), {"body": _("Write a message.")})
    if len(body) > MAX_BODY:
        raise InvalidInput(_("The message is too long."),
                           {"body": _("At most %(max)d characters.", max=MAX_BODY)})
    return body


def send(user, listing, *, body: str, quantity_t: float | None = None, timing: str = "",
         own_listing_id: int | None = None) -> Enquiry:
    """An enquiry to a public listing's owner, or a request that the broker introduce the
    user's organisation to an anonymous listing's owner."""
    reason = why_not(user, listing)
    if reason is not None:
        raise Forbidden(reason)
    body = _clean_body(body)
    errors = {}
    if quantity_t is not None and not (0 < quantity_t <= MAX_QUANTITY_T):
        errors["quantity_t"] = _("Give the tonnes, more than 0 and at most %(max)s.", max="10 000 000")
    timing = (timing or "").strip()
    if len(timing) > 200:
        errors["timing"] = _("At most %(max)d characters.", max=200)
    own = None
    if own_listing_id is not None:
        own = next((item for item in own_listings(user, listing) if item.id == own_listing_id), None)
        if own is None:
            errors["own_listing"] = _("Choose one of your organisation's active listings.")
    if errors:
        raise InvalidInput(_("The enquiry has errors."), errors)
    if sent_today(user) >= MAX_ENQUIRIES_PER_DAY:
        raise InvalidInput(
            _("You have sent %(max)d enquiries in the last 24 hours, the most allowed: try again tomorrow.",
              max=MAX_ENQUIRIES_PER_DAY), {"body": _("Too many enquiries today.")})
    now = utcnow()
    is_stream = listing.__tablename__ == "side_stream"
    enquiry = Enquiry(
        kind=kind_for(listing), state="open",
        side_stream_id=listing.id if is_stream else None, need_id=None if is_stream else listing.id,
        own_stream_id=own.id if own is not None and not is_stream else None,
        own_need_id=own.id if own is not None and is_stream else None,
        sender_id=user.id, sender_org_id=user.organisation_id, owner_org_id=listing.organisation_id,
        body=body, quantity_t=quantity_t, timing=timing, created_at=now, last_message_at=now)
    enquiry.messages.append(EnquiryMessage(author_id=user.id, body=body, created_at=now))
    db.session.add(enquiry)
    db.session.flush()
    signals.enquiry_sent.send(user, enquiry=enquiry)
    return enquiry


def reply(user, enquiry: Enquiry, body: str) -> EnquiryMessage:
    if not can_view(user, enquiry):
        raise NotFound(_("There is no such enquiry."))
    if enquiry.state == "deal" or (enquiry.state == "declined"):
        raise InvalidInput(_("This conversation is closed."),
                           {"body": _("Write in the deal's thread instead.") if enquiry.state == "deal"
                            else _("The introduction was declined.")})
    body = _clean_body(body)
    now = utcnow()
    message = EnquiryMessage(enquiry=enquiry, author_id=user.id, body=body, created_at=now)
    db.session.add(message)
    enquiry.last_message_at = now
    db.session.flush()
    signals.enquiry_replied.send(user, enquiry=enquiry, message=message)
    return message


def can_decide(user, enquiry: Enquiry) -> bool:
    return bool(user and user.is_authenticated and user.is_broker
                and enquiry.kind == "introduction" and enquiry.state == "open")


def decide(user, enquiry: Enquiry, *, accept: bool, note: str = ""):
    """A broker accepts an introduction request (a deal is opened and the parties are
    introduced) or declines it, with a note the enquirer reads."""
    from ..deals import services as deal_services

    if not can_decide(user, enquiry):
        if user.is_broker:
            raise Conflict(_("This request has already been decided."))
        raise Forbidden(_("Only a broker decides on an introduction."))
    note = (note or "").strip()
    if not accept and not note:
        raise InvalidInput(_("Say why."), {"note": _("Give the reason: the enquirer will read it.")})
    if len(note) > MAX_BODY:
        raise InvalidInput(_("The note is too long."), {"note": _("At most %(max)d characters.", max=MAX_BODY)})
    enquiry.decision_note = note
    enquiry.decided_by_id = user.id
    if not accept:
        enquiry.state = "declined"
        db.session.flush()
        signals.introduction_decided.send(user, enquiry=enquiry)
        return None
    deal = deal_services.open_deal_from_enquiry(user, enquiry)
    deal_services.change_state(user, deal, "introduced", version=deal.version, note=note)
    enquiry.state = "deal"
    enquiry.deal_id = deal.id
    db.session.flush()
    signals.introduction_decided.send(user, enquiry=enquiry)
    return deal


def can_make_deal(user, enquiry: Enquiry) -> bool:
    """Either side of an open enquiry (from a verified organisation) turns it into a deal."""
    return bool(enquiry.kind == "enquiry" and enquiry.state == "open" and user.is_authenticated
                and side_of(user, enquiry) is not None and user.in_verified_organisation)


def make_deal(user, enquiry: Enquiry):
    from ..deals import services as deal_services

    if not can_make_deal(user, enquiry):
        if enquiry.state == "deal" and enquiry.deal_id:
            raise Conflict(_("This enquiry is already a deal."))
        raise Forbidden(_("Only the two parties turn an enquiry into a deal."))
    deal = deal_services.open_deal_from_enquiry(user, enquiry)
    enquiry.state = "deal"
    enquiry.deal_id = deal.id
    db.session.flush()
    return deal


def report(user, enquiry: Enquiry) -> Enquiry:
    """The recipient flags an enquiry as abuse; the brokers look at it."""
    if side_of(user, enquiry) != "owner":
        raise Forbidden(_("Only the recipient reports an enquiry."))
    if enquiry.reported_at is None:
        enquiry.reported_at = utcnow()
        db.session.flush()
        signals.enquiry_reported.send(user, enquiry=enquiry)
    return enquiry


def _query_for(user):
    query = sa.select(Enquiry)
    if user.is_broker:
        # The brokers' work: introduction requests and reported enquiries.
        return query.where(sa.or_(Enquiry.kind == "introduction", Enquiry.reported_at.is_not(None)))
    if user.organisation_id is None:
        return None
    org = user.organisation_id
    return query.where(sa.or_(
        Enquiry.sender_org_id == org,
        sa.and_(Enquiry.owner_org_id == org,
                sa.or_(Enquiry.kind == "enquiry", Enquiry.state == "deal"))))


def count_for(user) -> int:
    query = _query_for(user)
    return 0 if query is None else db.session.scalar(
        sa.select(sa.func.count()).select_from(query.subquery())) or 0


def enquiries_for(user, limit: int = ENQUIRIES_PER_PAGE, offset: int = 0) -> list[Enquiry]:
    query = _query_for(user)
    if query is None:
        return []
    # Open first, then the newest conversation.
    return list(db.session.scalars(
        query.order_by(sa.case((Enquiry.state == "open", 0), else_=1), Enquiry.last_message_at.desc(),
                       Enquiry.id.desc()).limit(limit).offset(offset)
        .options(orm.selectinload(Enquiry.side_stream), orm.selectinload(Enquiry.need),
                 orm.selectinload(Enquiry.sender_org), orm.selectinload(Enquiry.owner_org))))


def match_for(enquiry: Enquiry):
    """The match between the listing and the enquirer's named listing, if the engine has one."""
    from ..models import Match

    stream = enquiry.side_stream_id or enquiry.own_stream_id
    need = enquiry.need_id or enquiry.own_need_id
    if stream is None or need is None:
        return None
    return db.session.scalar(sa.select(Match).where(Match.side_stream_id == stream, Match.need_id == need))


def owner_label_for_listing(listing, viewer) -> str | None:
    return listing.organisation.name if listing.reveals_owner_to(viewer) else None
