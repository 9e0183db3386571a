from __future__ import annotations

from ..db import db
from ..models import User


def load_user(user_id: str) -> User | None:
    """Sessions carry 'id:token'; a changed token (a new password) signs the session out."""
    identifier, _, token = user_id.partition(":")
    if not identifier.isdigit():
        return None
    user = db.session.get(User, int(identifier))
    if user is None or not user.active or user.session_token != token:
        return None
    return user


def init_login(login_manager) -> None:
    from flask_babel import lazy_gettext as _l

    login_manager.user_loader(load_user)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"
