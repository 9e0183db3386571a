"""What other areas do after a listing is written or a deal moves: the one list of hooks.

``marketplace.listings.services`` is the only writer of listings; it sends these signals
after it has flushed, and knows nothing of who listens. The areas that care connect their
receivers when the app is built (``marketplace.create_app`` calls each area's
``connect_signals``), so the dependency runs from them to the listings, never back.

Every signal is sent with the acting user as sender (None for the command line and the
demo loader) and ``listings``: a list, so that an import of thousands of rows sends one
signal, not thousands. Receivers only flush; the request commits, and mail queued by a
receiver goes out after the commit (marketplace.db).

The order of sending is part of the contract: ``listings_published`` before
``listings_saved``, because a new publication period decides whether a listing is
matched at all."""
from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

listings_published = _signals.signal("listings-published", doc="""
Listings became active: created published, published from a draft or reopened.
The life-cycle area starts their publication period.""")

listings_saved = _signals.signal("listings-saved", doc="""
Listings were created or changed (and flushed). Matches are ranked again and the
owners of immediate saved-search alerts that they now match are mailed.""")

listings_closed = _signals.signal("listings-closed", doc="""
Listings were closed. Their matches are ranked away.""")

listings_renewed = _signals.signal("listings-renewed", doc="""
Listings got a new publication period (renewal). An expired listing comes back to
matching.""")

# -- deals ------------------------------------------------------------------------------
# Sent by marketplace.deals.services after it flushed, with the acting user as sender and
# ``deal``; the notifications area mails the parties (marketplace/notifications/hooks.py),
# so that deals need not know how, or whether, anyone is told.

deal_opened = _signals.signal("deal-opened", doc="""A deal was proposed. ``deal``.""")

deal_state_changed = _signals.signal("deal-state-changed", doc="""
A deal moved along one transition. ``deal``, ``event`` (the DealEvent recorded).""")

deal_message_posted = _signals.signal("deal-message-posted", doc="""
A message was posted in a deal's thread. ``deal``, ``message``.""")

# -- interest before a deal ---------------------------------------------------------------
# Sent by marketplace.enquiries.services after it flushed, with the acting user as sender
# and ``enquiry``; the notifications area tells whom it concerns.

enquiry_sent = _signals.signal("enquiry-sent", doc="""
An enquiry or an introduction request was sent. ``enquiry``.""")

enquiry_replied = _signals.signal("enquiry-replied", doc="""
A message was added to an enquiry's thread. ``enquiry``, ``message``.""")

introduction_decided = _signals.signal("introduction-decided", doc="""
A broker accepted or declined an introduction request. ``enquiry``.""")

enquiry_reported = _signals.signal("enquiry-reported", doc="""
A recipient reported an enquiry as abuse. ``enquiry``.""")

# -- reminders and alerts (sent by the command-line jobs and the after-save work) ---------

listing_expiring = _signals.signal("listing-expiring", doc="""
The owners of a listing were reminded that its period ends soon. ``listing``, ``users``.""")

alert_matched = _signals.signal("alert-matched", doc="""
Listings matched a user's immediate saved search. ``user``, ``saved``, ``listings``.""")
