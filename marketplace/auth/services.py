"""Accounts: the rules of signing in. Services flush; the request commits."""
from __future__ import annotations

import sqlalchemy as sa

from ..db import db
from ..models import User
from .passwords import DUMMY_HASH, check_password


def normalise_email(email: str) -> str:
    return email.strip().lower()


def authenticate(email: str, password: str) -> User | None:
    user = db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))
    if user is None:
        check_password(DUMMY_HASH, password)
        return None
    if not check_password(user.password_hash, password) or not user.active:
        return None
    return user
