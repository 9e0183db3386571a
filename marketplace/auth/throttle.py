"""Throttling of sign-in and password-reset attempts per submitted address.

Counted in Flask-Limiter's storage (memory:// in development, Redis or memcached in
production through SIVUVIRTA_RATELIMIT_STORAGE_URI), keyed on the normalised address
whether or not an account has it, so that a lock tells nothing about who is registered.
The counts live outside the database on purpose: a failed sign-in answers 400 and the
request's transaction is rolled back, but the failure must still count.

Per-IP limits sit on the views themselves (``limiter.limit`` in views.py).
"""
from __future__ import annotations

import hashlib
import logging

from limits import parse
from limits.storage import MemoryStorage, Storage
from limits.strategies import MovingWindowRateLimiter

from ..extensions import limiter

log = logging.getLogger(__name__)
# Where the counts go while the shared storage (Redis) does not answer: this process's
# memory, as Flask-Limiter's own fall-back does for the per-address limits. Sign-in goes on
# working, throttled per worker, instead of failing with 500.
_fallback = MemoryStorage()

# Five failed sign-ins within 15 minutes lock the address for the next 15 minutes.
SIGN_IN_FAILURES = parse("5 per 15 minutes")
SIGN_IN_LOCK = parse("1 per 15 minutes")
LOCK_MINUTES = 15
# Three reset mails an hour for one address: enough for a lost mail, too few to flood.
RESET_REQUESTS = parse("3 per hour")


def _key(kind: str, email: str) -> str:
    # Addresses are hashed so that the limiter's storage holds no personal data.
    return f"sivuvirta:{kind}:" + hashlib.sha256(email.encode()).hexdigest()[:32]


def _storage() -> Storage:
    storage = limiter.storage
    try:
        if storage.check():
            return storage
    except Exception:  # noqa: BLE001 - whatever the storage's driver raises, it is unreachable
        pass
    log.warning("Rate limit storage unreachable: sign-in and reset throttles count in memory")
    return _fallback


def _strategy() -> MovingWindowRateLimiter:
    return MovingWindowRateLimiter(_storage())


def sign_in_locked(email: str) -> bool:
    return not _strategy().test(SIGN_IN_LOCK, _key("sign-in-lock", email))


def note_sign_in_failure(email: str) -> bool:
    """Count a failure; True when this failure locked the address."""
    strategy = _strategy()
    strategy.hit(SIGN_IN_FAILURES, _key("sign-in-failures", email))
    if not strategy.test(SIGN_IN_FAILURES, _key("sign-in-failures", email)):
        strategy.hit(SIGN_IN_LOCK, _key("sign-in-lock", email))
        strategy.clear(SIGN_IN_FAILURES, _key("sign-in-failures", email))
        return True
    return False


def clear_sign_in_failures(email: str) -> None:
    _strategy().clear(SIGN_IN_FAILURES, _key("sign-in-failures", email))


def take_reset_request(email: str) -> bool:
    """Count a reset request for the address; False when it is over its limit."""
    return _strategy().hit(RESET_REQUESTS, _key("reset", email))
