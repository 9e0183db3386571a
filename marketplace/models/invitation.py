from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import orm

from .base import Base, enum_check, utcnow

INVITABLE_ROLES = ("member", "org_admin")


class Invitation(Base):
    """An organisation admin's invitation for a person to join the organisation.

    The link mailed to the invitee carries a signed token naming this row and its
    organisation; the row makes the link single-use (``accepted_at``) and revocable."""

    __tablename__ = "invitation"
    __table_args__ = (
        enum_check("role", INVITABLE_ROLES),
        sa.CheckConstraint("accepted_at IS NULL OR revoked_at IS NULL", name="accepted_or_revoked"),
    )

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    organisation_id: orm.Mapped[int] = orm.mapped_column(
        sa.ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    email: orm.Mapped[str] = orm.mapped_column(sa.String(254), index=True)
    role: orm.Mapped[str] = orm.mapped_column(sa.String(10), default="member")
    invited_by_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL")
    )
    created_at: orm.Mapped[datetime] = orm.mapped_column(default=utcnow)
    expires_at: orm.Mapped[datetime]
    accepted_at: orm.Mapped[datetime | None]
    accepted_by_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL")
    )
    revoked_at: orm.Mapped[datetime | None]

    organisation: orm.Mapped["Organisation"] = orm.relationship()  # noqa: F821
    invited_by: orm.Mapped["User | None"] = orm.relationship(foreign_keys=[invited_by_id])  # noqa: F821

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > utcnow()

    @property
    def state(self) -> str:
        if self.accepted_at is not None:
            return "accepted"
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at <= utcnow():
            return "expired"
        return "open"

    def __repr__(self) -> str:
        return f"<Invitation {self.id} {self.email!r} organisation={self.organisation_id} {self.state}>"
