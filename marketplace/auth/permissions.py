"""Who may do what with accounts, and the checks other areas call.

``require_confirmed_email`` is for every view that publishes something (listings):
an account whose address is not confirmed may sign in and look, not post."""
from __future__ import annotations

from flask_babel import gettext as _

from ..errors import Forbidden


def can_post_listings(user) -> bool:
    return bool(
        user and user.is_authenticated and user.organisation_id is not None
        and user.email_confirmed_at is not None
    )


def require_confirmed_email(user) -> None:
    if user.email_confirmed_at is None:
        raise Forbidden(_("Confirm your email address first: open the link we mailed you."))


def require_broker(user) -> None:
    if not (user.is_authenticated and user.is_broker):
        raise Forbidden()


def require_admin(user) -> None:
    if not (user.is_authenticated and user.is_admin):
        raise Forbidden()
