from __future__ import annotations

import secrets
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import orm

from .base import Base, enum_check, utcnow

ROLES = ("member", "org_admin", "broker", "admin")


def new_session_token() -> str:
    return secrets.token_urlsafe(24)


class User(Base):
    """A person who signs in. Each signed-in session is a ``UserSession``;
    ``session_token`` changes on a password change, which signs out every other
    session of the user."""

    __tablename__ = "user"
    __table_args__ = (
        enum_check("role", ROLES),
        enum_check("language", ("fi", "sv", "en")),
    )

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    email: orm.Mapped[str] = orm.mapped_column(sa.String(254), unique=True)
    name: orm.Mapped[str] = orm.mapped_column(sa.String(200), default="")
    password_hash: orm.Mapped[str] = orm.mapped_column(sa.String(255))
    role: orm.Mapped[str] = orm.mapped_column(sa.String(10), default="member")
    organisation_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("organisation.id", ondelete="SET NULL"), index=True
    )
    language: orm.Mapped[str] = orm.mapped_column(sa.String(2), default="fi")
    email_confirmed_at: orm.Mapped[datetime | None]
    active: orm.Mapped[bool] = orm.mapped_column(default=True)
    session_token: orm.Mapped[str] = orm.mapped_column(sa.String(64), default=new_session_token)
    created_at: orm.Mapped[datetime] = orm.mapped_column(default=utcnow)

    organisation: orm.Mapped["Organisation | None"] = orm.relationship(
        back_populates="members", foreign_keys=[organisation_id]
    )

    # Flask-Login
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    # The nonce of the signed-in session this object stands for (``UserSession``); set
    # at sign-in and by the session loader, never stored on the user.
    session_nonce = None

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}:{self.session_nonce or ''}"

    @property
    def is_broker(self) -> bool:
        return self.role in ("broker", "admin")

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def is_member_of(self, organisation_id: int | None) -> bool:
        return organisation_id is not None and self.organisation_id == organisation_id

    def is_org_admin_of(self, organisation_id: int | None) -> bool:
        return self.role == "org_admin" and self.is_member_of(organisation_id)

    @property
    def in_verified_organisation(self) -> bool:
        return self.organisation is not None and self.organisation.is_verified

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email!r} {self.role}>"
