"""Password hashing with Argon2id (argon2-cffi's defaults, RFC 9106 low-memory profile)."""
from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


# A fixed hash to verify against when no account matches, so that an unknown
# address costs the same time as a wrong password (no user enumeration by timing).
DUMMY_HASH = _hasher.hash("sivuvirta-no-such-account")
