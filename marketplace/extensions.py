"""Flask extensions, created here once and bound to the app in ``create_app``."""
from flask import current_app, has_request_context, request, session
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, current_user
from flask_wtf import CSRFProtect

login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])


def select_locale() -> str:
    """The language chosen in the session switch, else the user's, else the browser's, else
    the default (Finnish; the test suite reads its pages in English)."""
    languages = tuple(current_app.config.get("LANGUAGES", ("fi", "sv", "en")))
    default = current_app.config.get("BABEL_DEFAULT_LOCALE", "fi")
    if not has_request_context():
        return default
    chosen = session.get("language")
    if chosen in languages:
        return chosen
    if current_user and current_user.is_authenticated:
        return current_user.language
    return request.accept_languages.best_match(languages) or default


babel = Babel()
