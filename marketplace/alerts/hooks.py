"""The alerts' part of the after-save work: mail immediate alerts a listing now matches."""
from __future__ import annotations

from .. import signals
from .services import listings_saved


def _mail_alerts(sender, listings, **extra) -> None:
    listings_saved(listings)


def connect_signals() -> None:
    signals.listings_saved.connect(_mail_alerts)
