"""Personal API tokens: create, list, revoke. Services flush; the request commits."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from ..db import db
from ..errors import InvalidInput, NotFound
from ..models import TOKEN_SCOPES, ApiToken
from ..models.api_token import PREFIX_LENGTH, hash_token, new_token_secret
from ..models.base import utcnow

# A user keeps at most this many tokens that are not revoked.
MAX_ACTIVE_TOKENS = 20
_ONE_DAY = timedelta(days=1)


def tokens_of(user) -> list[ApiToken]:
    return list(db.session.scalars(
        sa.select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    ))


def create_token(user, name: str, scope: str, expires_on: date | None = None) -> tuple[ApiToken, str]:
    """A new token of ``user``; returns it with its secret, which is not kept and is shown once.
    ``expires_on``: the last day the token works (it stops at the following midnight, UTC)."""
    name = (name or "").strip()
    errors = {}
    if not name:
        errors["name"] = _("Give the token a name, such as the program that uses it.")
    elif len(name) > 100:
        errors["name"] = _("At most 100 characters.")
    if scope not in TOKEN_SCOPES:
        errors["scope"] = _("Choose read or read-write.")
    if expires_on is not None and expires_on < utcnow().date():
        errors["expires_on"] = _("The expiry date is in the past.")
    active = [t for t in tokens_of(user) if t.revoked_at is None]
    if len(active) >= MAX_ACTIVE_TOKENS:
        errors["name"] = _("You have %(count)d tokens; revoke one first.", count=len(active))
    if errors:
        raise InvalidInput(_("The token could not be created."), errors)
    secret = new_token_secret()
    token = ApiToken(
        user_id=user.id, name=name, scope=scope, prefix=secret[:PREFIX_LENGTH],
        token_hash=hash_token(secret),
        expires_at=datetime.combine(expires_on, time.min) + _ONE_DAY if expires_on else None,
    )
    db.session.add(token)
    db.session.flush()
    _audit("api.token_created", user, name=name, scope=scope, prefix=token.prefix)
    return token, secret


def revoke_token(user, token_id: int) -> ApiToken:
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise NotFound(_("No such token."))
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        db.session.flush()
        _audit("api.token_revoked", user, name=token.name, prefix=token.prefix)
    return token


def _audit(action: str, user, **detail) -> None:
    from .. import audit

    audit.record(action, actor=user, organisation=user.organisation_id, **detail)
