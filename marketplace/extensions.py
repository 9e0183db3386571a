"""Flask extensions, created here once and bound to the app in ``create_app``."""
from flask import current_app, g, has_request_context, request, session
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, current_user
from flask_wtf import CSRFProtect
from sqlalchemy import exc as sa_exc

login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])


def select_locale() -> str:
    """The language chosen in the session switch, else the user's, else the browser's, else
    the default (Finnish; the test suite reads its pages in English). While the database is
    out of reach the user's is skipped (their account cannot be read)."""
    languages = tuple(current_app.config.get("LANGUAGES", ("fi", "sv", "en")))
    default = current_app.config.get("BABEL_DEFAULT_LOCALE", "fi")
    if not has_request_context():
        return default
    chosen = session.get("language")
    if chosen in languages:
        return chosen
    if not g.get("database_unavailable"):
        try:
            if current_user and current_user.is_authenticated:
                return current_user.language
        except (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.DisconnectionError):
            # The account is in the database that is out of reach: the 503 answer is given
            # in the browser's language rather than failing a second time.
            g.database_unavailable = True
    return request.accept_languages.best_match(languages) or default


babel = Babel()
