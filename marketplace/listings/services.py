"""The rules of listings: who may create, change, publish, close, reopen, duplicate and
delete side streams and material needs. Services flush; the request commits.

Drafting is open to every member of an organisation, also while the member's email is
unconfirmed or the organisation is not yet verified, so that nobody waits to prepare
listings. Publishing (a draft becoming active) needs a confirmed email address: a
listing others may act on must come from an address that answers. An unverified
organisation may publish, but the visibility rules keep its listings out of others'
sight until a broker has verified it (ListingMixin.is_published)."""
from __future__ import annotations

from flask_babel import gettext as _

from ..db import db
from ..errors import Forbidden, InvalidInput
from ..models import MaterialNeed, MeasuredValue, Requirement, SideStream
from ..models.listing import SEARCHABLE_STATUSES
from .records import apply_need_record, apply_stream_record, need_problems, stream_problems


def may_create(user) -> bool:
    return bool(user and user.is_authenticated and user.organisation_id is not None)


def may_publish(user) -> bool:
    return may_create(user) and user.email_confirmed_at is not None


def require_creator(user) -> None:
    if not may_create(user):
        raise Forbidden(_("Only members of an organisation can list side streams and needs."))


def require_editor(user, listing) -> None:
    if not listing.can_edit(user):
        raise Forbidden(_("Only members of the listing's organisation can change it."))


def _audit(action: str, user, listing, **detail) -> None:
    try:
        from ..audit import record
    except ImportError:  # the accounts area adds the audit log
        return
    record(action, actor=user, target=listing, **detail)


def _raise_problems(problems) -> None:
    if problems:
        raise InvalidInput(_("The listing has errors."), {p.field: p.message for p in problems})


def _initial_status(user, publish: bool) -> str:
    if publish and not may_publish(user):
        raise Forbidden(_("Confirm your email address before publishing; you can save a draft now."))
    return "active" if publish else "draft"


def create_stream(user, record: dict, *, publish: bool, extra: dict | None = None) -> SideStream:
    """A new side stream of the user's organisation from a contract record."""
    require_creator(user)
    _raise_problems(stream_problems(record, db.session))
    stream = SideStream(organisation_id=user.organisation_id, status=_initial_status(user, publish))
    apply_stream_record(stream, record)
    _apply_extra(stream, extra)
    db.session.add(stream)
    db.session.flush()
    _listing_saved(stream)
    return stream


def update_stream(user, stream: SideStream, record: dict, *, extra: dict | None = None) -> SideStream:
    require_editor(user, stream)
    _raise_problems(stream_problems(record, db.session))
    before = stream.visibility
    apply_stream_record(stream, record)
    _apply_extra(stream, extra)
    db.session.flush()
    _listing_saved(stream)
    if stream.visibility != before:
        _audit("listing.visibility", user, stream, before=before, after=stream.visibility)
    return stream


def create_need(user, record: dict, *, publish: bool, extra: dict | None = None) -> MaterialNeed:
    require_creator(user)
    _raise_problems(need_problems(record, db.session))
    need = MaterialNeed(organisation_id=user.organisation_id, status=_initial_status(user, publish))
    apply_need_record(need, record)
    _apply_extra(need, extra)
    db.session.add(need)
    db.session.flush()
    _listing_saved(need)
    return need


def update_need(user, need: MaterialNeed, record: dict, *, extra: dict | None = None) -> MaterialNeed:
    require_editor(user, need)
    _raise_problems(need_problems(record, db.session))
    before = need.visibility
    apply_need_record(need, record)
    _apply_extra(need, extra)
    db.session.flush()
    _listing_saved(need)
    if need.visibility != before:
        _audit("listing.visibility", user, need, before=before, after=need.visibility)
    return need


def _apply_extra(listing, extra: dict | None) -> None:
    """Fields the form has beyond the contract: the site, the hazardous properties."""
    for name, value in (extra or {}).items():
        setattr(listing, name, value)


def _listing_saved(listing, new_period: bool = False) -> None:
    """What other areas do when a listing is saved: a new publication period when it is
    published or reopened (marketplace.lifecycle), and the saved-search alerts it now
    matches (marketplace.alerts, mailed after the commit)."""
    if new_period:
        from datetime import date

        from ..lifecycle.services import start_period

        start_period(listing, date.today())
    db.session.flush()
    from ..alerts.services import listing_saved
    from ..matches.services import refresh_for

    refresh_for(db.session, listing)
    listing_saved(listing)


# -- life cycle ---------------------------------------------------------------

def publish(user, listing) -> None:
    require_editor(user, listing)
    if listing.status != "draft":
        raise InvalidInput(_("Only a draft can be published."))
    if not may_publish(user):
        raise Forbidden(_("Confirm your email address before publishing."))
    listing.status = "active"
    _listing_saved(listing, new_period=True)
    _audit("listing.publish", user, listing)


def close(user, listing) -> None:
    require_editor(user, listing)
    if listing.status not in SEARCHABLE_STATUSES:
        raise InvalidInput(_("Only an active or reserved listing can be closed."))
    listing.status = "closed"
    db.session.flush()
    from ..matches.services import refresh_for

    refresh_for(db.session, listing)
    _audit("listing.close", user, listing)


def reopen(user, listing) -> None:
    require_editor(user, listing)
    if listing.status != "closed":
        raise InvalidInput(_("Only a closed listing can be reopened."))
    if not may_publish(user):
        raise Forbidden(_("Confirm your email address before publishing."))
    listing.status = "active"
    _listing_saved(listing, new_period=True)
    _audit("listing.reopen", user, listing)


def delete_draft(user, listing) -> None:
    require_editor(user, listing)
    if listing.status != "draft":
        raise InvalidInput(_("Only drafts can be deleted; close a published listing instead."))
    db.session.delete(listing)
    db.session.flush()


_COPIED = {
    SideStream: ("title", "description", "place", "category", "ewc_code", "industry", "legal_status",
                 "quantity_t_per_year", "lot_t", "availability", "available_from", "available_until",
                 "price_eur_per_t", "visibility", "site_id", "hazardous_properties", "hazard_note"),
    MaterialNeed: ("title", "description", "place", "application", "categories", "ewc_codes",
                   "accepts_waste", "permitted_ewc_codes", "quantity_t_per_year",
                   "min_quantity_t_per_year", "max_distance_km", "max_price_eur_per_t",
                   "visibility", "site_id"),
}


def duplicate(user, listing):
    """A draft copy in the user's organisation, to be edited before it is published."""
    require_editor(user, listing)
    cls = type(listing)
    copy = cls(organisation_id=listing.organisation_id, status="draft")
    for name in _COPIED[cls]:
        value = getattr(listing, name)
        setattr(copy, name, list(value) if isinstance(value, list) else value)
    copy.title = _("Copy of %(title)s", title=listing.title)[:200]
    copy.set_location(listing.lat, listing.lon)
    if cls is SideStream:
        copy.values = [MeasuredValue(property=v.property, value=v.value) for v in listing.values]
    else:
        copy.requirements = [
            Requirement(position=r.position, property=r.property, per=r.per, min=r.min, max=r.max,
                        note=r.note)
            for r in listing.requirements
        ]
    db.session.add(copy)
    db.session.flush()
    return copy
