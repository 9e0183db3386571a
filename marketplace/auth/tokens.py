"""Signed, expiring tokens for links sent by mail (itsdangerous, one salt per purpose).

A token proves that the site issued the link; the facts it carries decide whether it
still holds: a reset token names a fingerprint of the password hash (a used or outdated
link stops working once the password changes), a confirmation token the address.
"""
from __future__ import annotations

import hashlib

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

# Lifetimes in seconds.
MAX_AGE = {
    "confirm-email": 3 * 24 * 3600,
    "change-email": 24 * 3600,
    "reset-password": 3600,
    "invitation": 14 * 24 * 3600,
}


class TokenInvalid(Exception):
    """Tampered with, or for another purpose."""


class TokenExpired(TokenInvalid):
    """Genuine but too old."""


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"sivuvirta.{purpose}")


def make_token(purpose: str, payload: dict) -> str:
    if purpose not in MAX_AGE:
        raise ValueError(f"unknown token purpose {purpose!r}")
    return _serializer(purpose).dumps(payload)


def read_token(purpose: str, token: str) -> dict:
    try:
        payload = _serializer(purpose).loads(token, max_age=MAX_AGE[purpose])
    except SignatureExpired as error:
        raise TokenExpired() from error
    except BadSignature as error:
        raise TokenInvalid() from error
    if not isinstance(payload, dict):
        raise TokenInvalid()
    return payload


def fingerprint(secret: str) -> str:
    """A short digest of a secret (a password hash) to tie a token to its current value."""
    return hashlib.sha256(secret.encode()).hexdigest()[:20]
