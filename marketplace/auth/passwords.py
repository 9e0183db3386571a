"""Passwords: hashing with Argon2id (argon2-cffi's defaults, RFC 9106 low-memory profile)
and the rules a new password must meet.

The rules follow NIST SP 800-63B section 5.1.1.2: a minimum length (12 here), no
composition rules, and a check against passwords known to be common or easily guessed
from the context (the email's local part, the organisation's name).
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import gettext as _

MIN_LENGTH = 12
MAX_LENGTH = 200
# The 10,000 most frequent passwords (Royce Williams' list as shipped by Django);
# see data/common_passwords.SOURCE.md.
COMMON_PASSWORDS = Path(__file__).resolve().parent.parent / "data" / "common_passwords.txt"
# Parts of the context shorter than this are too common to refuse ('jo', 'oy').
MIN_CONTEXT_PART = 4

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


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    return frozenset(
        line.strip() for line in COMMON_PASSWORDS.read_text(encoding="utf-8").splitlines() if line.strip()
    )


def _context_parts(email: str | None, organisation_name: str | None) -> list[str]:
    parts = []
    if email:
        parts.append(email.split("@", 1)[0].lower())
    if organisation_name:
        name = organisation_name.lower()
        parts.append(name)
        parts.extend(word for word in name.replace(",", " ").split())
    return [p for p in parts if len(p) >= MIN_CONTEXT_PART and p not in ("ltd.", "oyj.")]


def password_problem(password: str, email: str | None = None, organisation_name: str | None = None) -> str | None:
    """What is wrong with ``password`` as a new password, or None."""
    if len(password) < MIN_LENGTH:
        return _("Use at least %(count)d characters.", count=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return _("Use at most %(count)d characters.", count=MAX_LENGTH)
    lowered = password.lower()
    if lowered in common_passwords() or lowered.strip() in common_passwords():
        return _("This password is among the most common ones. Choose another.")
    if len(set(lowered)) < 4:
        return _("This password repeats too few characters. Choose another.")
    for part in _context_parts(email, organisation_name):
        if part in lowered:
            return _("The password must not contain your email address or your organisation's name.")
    return None
