"""A signed-in session: the server's half of a session cookie.

Signing in makes one (a random nonce, carried in the cookie with the user's id); signing
out deletes it, so a copy of the cookie signs nobody in afterwards while the user's other
sessions go on. A password change keeps only the session that made it."""
from __future__ import annotations

import secrets
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import orm

from .base import Base, utcnow


def new_session_nonce() -> str:
    return secrets.token_urlsafe(24)


class UserSession(Base):
    __tablename__ = "user_session"

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    user_id: orm.Mapped[int] = orm.mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    nonce: orm.Mapped[str] = orm.mapped_column(sa.String(64), unique=True, default=new_session_nonce)
    created_at: orm.Mapped[datetime] = orm.mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<UserSession {self.id} of user {self.user_id}>"
