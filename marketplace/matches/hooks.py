"""The matches' part of the after-save work: rank a written listing's matches again."""
from __future__ import annotations

from .. import signals
from ..db import db
from .services import refresh_many


def _rank_again(sender, listings, **extra) -> None:
    db.session.flush()  # the engine reads the listings from the database
    refresh_many(db.session, listings)


def connect_signals() -> None:
    for signal in (signals.listings_saved, signals.listings_closed, signals.listings_renewed):
        signal.connect(_rank_again)
