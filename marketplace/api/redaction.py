"""Keep API tokens out of the logs.

The API never logs a token on purpose; this filter is the net under that rule. It
rewrites any log record whose text carries a Sivuvirta token (``svv_…``) or an
``Authorization: Bearer …`` value, on the loggers that see requests (werkzeug's access
log, the app's logger, SQLAlchemy's echo) and on the root logger's handlers."""
from __future__ import annotations

import logging
import re

REDACTED = "[redacted]"
_PATTERNS = (
    re.compile(r"svv_[A-Za-z0-9_\-]+"),
    re.compile(r"(?i)(bearer\s+)[^\s,;\"']+"),
)
LOGGERS = ("werkzeug", "marketplace", "sqlalchemy.engine", "flask.app", "gunicorn.access", "gunicorn.error")


def redact(text: str) -> str:
    text = _PATTERNS[0].sub(REDACTED, text)
    return _PATTERNS[1].sub(lambda m: m.group(1) + REDACTED, text)


class RedactSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a record whose args do not fit its format: leave it to logging
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


_FILTER = RedactSecrets()


def install(app) -> None:
    for logger in [app.logger] + [logging.getLogger(name) for name in LOGGERS]:
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
    for handler in logging.getLogger().handlers:
        if _FILTER not in handler.filters:
            handler.addFilter(_FILTER)
