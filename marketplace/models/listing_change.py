from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import orm

from .base import Base, enum_check, utcnow

CHANGE_KINDS = ("stream", "need")


class ListingChange(Base):
    """A listing saved, closed or expired, in the order the database numbered it.

    Each process keeps its own fitted engine; it reads the rows above the last one it
    applied (one indexed query) to follow what the other processes changed."""

    __tablename__ = "listing_change"
    __table_args__ = (enum_check("kind", CHANGE_KINDS),)

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    kind: orm.Mapped[str] = orm.mapped_column(sa.String(6))
    listing_id: orm.Mapped[int]
    changed_at: orm.Mapped[datetime] = orm.mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<ListingChange {self.id} {self.kind} {self.listing_id}>"
