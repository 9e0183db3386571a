"""The end of a listing's life: why it was closed, and the reminders before it expired."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy import orm

from .base import Base, enum_check, utcnow

CLOSING_REASONS = ("sold", "used_in_house", "landfilled", "other")
LISTING_KINDS = ("stream", "need")


class ListingClosure(Base):
    """Why an owner closed a listing; the brokers count these by reason and year."""

    __tablename__ = "listing_closure"
    __table_args__ = (
        enum_check("reason", CLOSING_REASONS),
        sa.CheckConstraint("(side_stream_id IS NULL) <> (need_id IS NULL)", name="one_listing"),
        sa.CheckConstraint("tonnes IS NULL OR tonnes >= 0", name="tonnes_not_negative"),
    )

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    side_stream_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("side_stream.id", ondelete="CASCADE"), index=True
    )
    need_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("material_need.id", ondelete="CASCADE"), index=True
    )
    reason: orm.Mapped[str] = orm.mapped_column(sa.String(20))
    note: orm.Mapped[str] = orm.mapped_column(sa.Text, default="")
    # Tonnes the answer concerns: the stream's yearly quantity or lot unless the owner said.
    tonnes: orm.Mapped[float | None]
    closed_by_id: orm.Mapped[int | None] = orm.mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    closed_at: orm.Mapped[datetime] = orm.mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<ListingClosure {self.id} {self.reason} stream={self.side_stream_id} need={self.need_id}>"


class ListingReminder(Base):
    """A reminder mailed before a listing's publication ends: one per period."""

    __tablename__ = "listing_reminder"
    __table_args__ = (
        enum_check("kind", LISTING_KINDS),
        sa.UniqueConstraint("kind", "listing_id", "published_until", name="uq_listing_reminder_period"),
    )

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    kind: orm.Mapped[str] = orm.mapped_column(sa.String(6))
    listing_id: orm.Mapped[int]
    published_until: orm.Mapped[date]
    sent_at: orm.Mapped[datetime] = orm.mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<ListingReminder {self.kind} {self.listing_id} until {self.published_until}>"
