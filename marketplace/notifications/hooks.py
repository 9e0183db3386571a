"""The notifications' part of what happens on the site: a notice in each concerned user's
centre, and mail to those who chose it (by each recipient's settings)."""
from __future__ import annotations

from .. import signals
from . import centre
from .services import (
    notify_deal_opened, notify_enquiry, notify_introduction, notify_message, notify_state_change, participants,
)


def _deal_opened(actor, deal, **extra) -> None:
    centre.notify(participants(deal), "deal_opened", actor=actor, deal=deal)
    notify_deal_opened(deal, actor)


def _deal_state_changed(actor, deal, event, **extra) -> None:
    if event.to_state == "introduced":
        centre.notify(participants(deal), "introduction", actor=actor, deal=deal)
        notify_introduction(deal, actor)
    else:
        centre.notify(participants(deal), "state_change", actor=actor, deal=deal, detail=event.to_state)
        notify_state_change(deal, event, actor)


def _deal_message_posted(actor, deal, message, **extra) -> None:
    centre.notify(participants(deal), "message", actor=actor, deal=deal)
    notify_message(deal, message, actor)


def _enquiry_sent(actor, enquiry, **extra) -> None:
    from ..enquiries.services import brokers, recipients_of

    if enquiry.kind == "introduction":
        centre.notify(brokers(), "introduction_request", actor=actor, enquiry=enquiry)
    else:
        users = recipients_of(enquiry, actor)
        centre.notify(users, "enquiry", actor=actor, enquiry=enquiry)
        notify_enquiry(enquiry, actor, users)


def _enquiry_replied(actor, enquiry, message, **extra) -> None:
    from ..enquiries.services import recipients_of

    centre.notify(recipients_of(enquiry, actor), "enquiry_reply", actor=actor, enquiry=enquiry)


def _introduction_decided(actor, enquiry, **extra) -> None:
    from ..enquiries.services import recipients_of

    centre.notify(recipients_of(enquiry, actor), "introduction_decided", actor=actor, enquiry=enquiry)


def _enquiry_reported(actor, enquiry, **extra) -> None:
    from ..enquiries.services import brokers

    centre.notify(brokers(), "enquiry_report", actor=actor, enquiry=enquiry)


def _listing_expiring(sender, listing, users, **extra) -> None:
    stream_or_need = {"stream": listing} if listing.__tablename__ == "side_stream" else {"need": listing}
    centre.notify(users, "expiring", **stream_or_need)


def _alert_matched(sender, user, saved, listings, **extra) -> None:
    for listing in listings[:5]:
        table = getattr(listing, "__tablename__", None)
        if table == "side_stream":
            centre.notify([user], "alert", stream=listing, detail=str(saved.id))
        elif table == "material_need":
            centre.notify([user], "alert", need=listing, detail=str(saved.id))


def connect_signals() -> None:
    signals.deal_opened.connect(_deal_opened)
    signals.deal_state_changed.connect(_deal_state_changed)
    signals.deal_message_posted.connect(_deal_message_posted)
    signals.enquiry_sent.connect(_enquiry_sent)
    signals.enquiry_replied.connect(_enquiry_replied)
    signals.introduction_decided.connect(_introduction_decided)
    signals.enquiry_reported.connect(_enquiry_reported)
    signals.listing_expiring.connect(_listing_expiring)
    signals.alert_matched.connect(_alert_matched)
