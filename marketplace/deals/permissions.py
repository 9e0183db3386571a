"""Who may do what with a deal: one named question per action, for the site and the API."""
from __future__ import annotations

from ..models.deal import Deal


def _signed_in(user) -> bool:
    return bool(user and user.is_authenticated)


def can_view(user, deal: Deal) -> bool:
    """Both parties' members and the brokers."""
    return deal.is_visible_to(user)


def can_open(user, stream, need) -> bool:
    """A broker may open a deal on any pairing; the parties themselves only where both
    listings are public and published (nothing to introduce), from a verified organisation."""
    if not _signed_in(user):
        return False
    if user.is_broker:
        return True
    if not user.in_verified_organisation:
        return False
    if user.organisation_id not in (stream.organisation_id, need.organisation_id):
        return False
    return all(l.visibility == "public" and l.is_published() for l in (stream, need))


def can_move(user, deal: Deal, to_state: str) -> bool:
    """Brokers move a deal along any allowed transition. The introduction is the broker's
    act, except on a deal the parties opened themselves: then the other party accepts it."""
    if not can_view(user, deal):
        return False
    if user.is_broker:
        return True
    if to_state == "introduced":
        opener_org = deal.opened_by.organisation_id if deal.opened_by is not None else None
        return deal.broker_id is None and opener_org != user.organisation_id
    return True


def can_edit_terms(user, deal: Deal) -> bool:
    return can_view(user, deal) and deal.is_open


def can_post_message(user, deal: Deal) -> bool:
    return can_view(user, deal)


def can_record_delivery(user, deal: Deal) -> bool:
    """Deliveries are what the impact report counts: the brokers record them."""
    return _signed_in(user) and user.is_broker


def can_change_delivery(user, deal: Deal, delivery) -> bool:
    """Whoever recorded a delivery, or a broker, corrects or removes it."""
    return _signed_in(user) and can_view(user, deal) and (
        user.is_broker or (delivery.recorded_by_id is not None and delivery.recorded_by_id == user.id))
