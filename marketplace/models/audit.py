from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import orm

from .base import Base, utcnow


class AuditEvent(Base):
    """Something that matters for security or trust, kept for brokers and admins to read:
    sign-in failures, password resets, verifications, role and visibility changes.

    ``target_type``/``target_id`` name the thing acted on by table and key (not a foreign
    key: the event outlives what it names); ``detail`` holds the event's own facts."""

    __tablename__ = "audit_event"
    __table_args__ = (sa.Index("ix_audit_event_action_created_at", "action", "created_at"),)

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    created_at: orm.Mapped[datetime] = orm.mapped_column(default=utcnow, index=True)
    actor_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    organisation_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("organisation.id", ondelete="SET NULL"), index=True
    )
    action: orm.Mapped[str] = orm.mapped_column(sa.String(60))
    target_type: orm.Mapped[str | None] = orm.mapped_column(sa.String(40))
    target_id: orm.Mapped[int | None]
    detail: orm.Mapped[dict] = orm.mapped_column(sa.JSON, default=dict)
    ip: orm.Mapped[str | None] = orm.mapped_column(sa.String(45))

    actor: orm.Mapped["User | None"] = orm.relationship()  # noqa: F821
    organisation: orm.Mapped["Organisation | None"] = orm.relationship()  # noqa: F821

    def __repr__(self) -> str:
        return f"<AuditEvent {self.id} {self.action} {self.target_type}:{self.target_id}>"
