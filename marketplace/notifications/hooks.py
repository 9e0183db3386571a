"""The notifications' part of a deal's life: mail the parties when a deal is proposed,
moves on, or gets a message (by each recipient's settings, marketplace.notifications)."""
from __future__ import annotations

from .. import signals
from .services import notify_deal_opened, notify_introduction, notify_message, notify_state_change


def _deal_opened(actor, deal, **extra) -> None:
    notify_deal_opened(deal, actor)


def _deal_state_changed(actor, deal, event, **extra) -> None:
    if event.to_state == "introduced":
        notify_introduction(deal, actor)
    else:
        notify_state_change(deal, event, actor)


def _deal_message_posted(actor, deal, message, **extra) -> None:
    notify_message(deal, message, actor)


def connect_signals() -> None:
    signals.deal_opened.connect(_deal_opened)
    signals.deal_state_changed.connect(_deal_state_changed)
    signals.deal_message_posted.connect(_deal_message_posted)
