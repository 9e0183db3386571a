from __future__ import annotations

from ..db import db
from ..models import User
from .services import session_exists


def load_user(user_id: str) -> User | None:
    """Sessions carry 'id:token:nonce'; a changed token (a new password) or a nonce with
    no session row (signed out, or ended from another session) signs the session out."""
    identifier, _, rest = user_id.partition(":")
    token, _, nonce = rest.partition(":")
    if not (identifier.isascii() and identifier.isdigit()) or len(identifier) > 10 or not nonce:
        return None
    user = db.session.get(User, int(identifier))
    if user is None or not user.active or user.session_token != token:
        return None
    if not session_exists(user, nonce):
        return None
    user.session_nonce = nonce
    return user


def init_login(login_manager) -> None:
    from flask_babel import lazy_gettext as _l

    login_manager.user_loader(load_user)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"
