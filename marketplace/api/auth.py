"""Who is calling the API, and how often they may.

- ``Authorization: Bearer svv_…``: a personal token (see models/api_token.py). A token
  of scope ``read`` may read, one of ``read-write`` may also write. A wrong, expired or
  revoked token answers 401, whatever the request.
- No token: reads (GET) run as the signed-in site user when the request carries the
  site's session cookie (the site's own scripts), else as an anonymous visitor, who sees
  what an anonymous visitor of the site sees. Writes always need a read-write token:
  a cookie alone never writes, which is why the blueprint is exempt from CSRF.

Rate limits (per minute, settings ``API_RATELIMIT_*``): 120 reads and 30 writes per
token (or per signed-in user), 30 requests per client address without either.
"""
from __future__ import annotations

import math
import time
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, g, request
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user

from ..db import db
from ..models import ApiToken
from ..models.api_token import hash_token
from ..models.base import utcnow
from .problems import api_problem, insufficient_scope, unauthorized

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
# last_used_at is written at most this often per token, not on every request.
LAST_USED_RESOLUTION = timedelta(minutes=1)

DEFAULT_LIMITS = {
    "API_RATELIMIT_READ": "120/minute",
    "API_RATELIMIT_WRITE": "30/minute",
    "API_RATELIMIT_ANONYMOUS": "30/minute",
}

_MISSING = object()


def is_write() -> bool:
    return request.method not in SAFE_METHODS


def bearer_secret() -> str | None:
    """The token of the Authorization header; '' for a header that is not a Bearer token."""
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _sep, secret = header.strip().partition(" ")
    if scheme.lower() != "bearer":
        return ""
    return secret.strip()


def request_token() -> ApiToken | None:
    """The usable token of this request, or None (looked up once per request)."""
    cached = g.get("_api_token", _MISSING)
    if cached is not _MISSING:
        return cached
    token = None
    secret = bearer_secret()
    if secret:
        token = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == hash_token(secret)))
        if token is not None and not (token.is_usable() and token.user.is_active):
            token = None
    g._api_token = token
    return token


def authenticate():
    """Set ``g.api_user`` and ``g.api_token``, or answer 401/403 (a before_request hook)."""
    secret = bearer_secret()
    if secret is not None:
        if secret == "":
            return unauthorized(_("Send the token as: Authorization: Bearer <token>."), "invalid_request")
        token = request_token()
        if token is None:
            return unauthorized(_("The token is not valid: it is wrong, expired or revoked."))
        if is_write() and not token.can_write:
            return insufficient_scope(_("This token may only read. Create a read-write token to write."))
        _touch(token)
        g.api_token, g.api_user = token, token.user
        g._login_user = token.user  # what Flask-Login's current_user is for this request
        return None
    if is_write():
        return unauthorized(_("Writing needs a personal API token of scope read-write."), "")
    g.api_token, g.api_user = None, current_user._get_current_object()
    return None


def _touch(token: ApiToken) -> None:
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        token.last_used_at = now
        db.session.flush()


# -- rate limits -----------------------------------------------------------------

def rate_key() -> str:
    kind = "write" if is_write() else "read"
    token = request_token()
    if token is not None:
        return f"api:token:{token.id}:{kind}"
    if bearer_secret() is None and current_user.is_authenticated:
        return f"api:user:{current_user.id}:{kind}"
    return f"api:address:{get_remote_address()}"


def rate_limit() -> str:
    config = current_app.config
    known = request_token() is not None or (bearer_secret() is None and current_user.is_authenticated)
    if not known:
        name = "API_RATELIMIT_ANONYMOUS"
    else:
        name = "API_RATELIMIT_WRITE" if is_write() else "API_RATELIMIT_READ"
    return config.get(name) or DEFAULT_LIMITS[name]


def rate_limited(limit):
    """429 problem with Retry-After in whole seconds (Flask-Limiter's on_breach)."""
    retry_after = max(1, math.ceil(limit.reset_at - time.time()))
    return api_problem(
        429, _("Too many requests"),
        _("The limit is %(limit)s. Try again in %(seconds)d s.", limit=str(limit.limit), seconds=retry_after),
        headers={"Retry-After": str(retry_after)},
    )
