"""Personal API tokens: a user's key to the JSON API at /api/v1.

Only a SHA-256 digest of the token is kept. The token is 32 random bytes
(``secrets.token_urlsafe(32)``) behind the ``svv_`` mark, shown to its owner once; the
first characters are kept in clear as ``prefix`` so that the owner can tell tokens apart.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import orm

from .base import Base, enum_check, utcnow

TOKEN_MARK = "svv_"
TOKEN_SCOPES = ("read", "read-write")
# Characters of the token kept in clear: the mark and 8 of the secret.
PREFIX_LENGTH = len(TOKEN_MARK) + 8


def hash_token(token: str) -> str:
    """Hex SHA-256 of the whole token string. A token carries 256 random bits, so a fast
    digest is enough: there is nothing to guess that a slow hash would protect."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token_secret() -> str:
    return TOKEN_MARK + secrets.token_urlsafe(32)


class ApiToken(Base):
    __tablename__ = "api_token"
    __table_args__ = (enum_check("scope", TOKEN_SCOPES),)

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    user_id: orm.Mapped[int] = orm.mapped_column(
        sa.ForeignKey("user.id", ondelete="CASCADE"), index=True
    )
    name: orm.Mapped[str] = orm.mapped_column(sa.String(100))
    scope: orm.Mapped[str] = orm.mapped_column(sa.String(10), default="read")
    prefix: orm.Mapped[str] = orm.mapped_column(sa.String(PREFIX_LENGTH))
    token_hash: orm.Mapped[str] = orm.mapped_column(sa.String(64), unique=True)
    created_at: orm.Mapped[datetime] = orm.mapped_column(default=utcnow)
    expires_at: orm.Mapped[datetime | None]
    last_used_at: orm.Mapped[datetime | None]
    revoked_at: orm.Mapped[datetime | None]

    user: orm.Mapped["User"] = orm.relationship()  # noqa: F821

    @property
    def can_write(self) -> bool:
        return self.scope == "read-write"

    def is_usable(self, now: datetime | None = None) -> bool:
        now = now or utcnow()
        if self.revoked_at is not None:
            return False
        return self.expires_at is None or self.expires_at > now

    def __repr__(self) -> str:
        return f"<ApiToken {self.id} {self.prefix}… {self.scope} user={self.user_id}>"
