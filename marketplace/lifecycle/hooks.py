"""The life cycle's part of the after-save work: a listing that becomes active starts a
new publication period."""
from __future__ import annotations

from datetime import date

from .. import signals
from .services import start_period


def _start_periods(sender, listings, **extra) -> None:
    today = date.today()
    for listing in listings:
        start_period(listing, today)


def connect_signals() -> None:
    signals.listings_published.connect(_start_periods)
