from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import orm

from .base import Base, enum_check, utcnow

SEARCH_KINDS = ("streams", "needs", "services")
FREQUENCIES = ("immediate", "daily", "off")


class SavedSearch(Base):
    """A search a user named and asked to be told about: its filters are kept as the
    search page's query arguments, so the alert finds exactly what the page shows."""

    __tablename__ = "saved_search"
    __table_args__ = (enum_check("kind", SEARCH_KINDS), enum_check("frequency", FREQUENCIES))

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    user_id: orm.Mapped[int] = orm.mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    name: orm.Mapped[str] = orm.mapped_column(sa.String(200))
    kind: orm.Mapped[str] = orm.mapped_column(sa.String(10))
    query: orm.Mapped[dict] = orm.mapped_column(sa.JSON, default=dict)
    frequency: orm.Mapped[str] = orm.mapped_column(sa.String(10), default="immediate")
    created_at: orm.Mapped[datetime] = orm.mapped_column(default=utcnow)
    last_sent_at: orm.Mapped[datetime | None]

    user: orm.Mapped["User"] = orm.relationship()  # noqa: F821

    def __repr__(self) -> str:
        return f"<SavedSearch {self.id} {self.kind} {self.name!r} {self.frequency}>"


class SavedSearchHit(Base):
    """A listing (or service) mailed for a saved search: each is mailed once a search."""

    __tablename__ = "saved_search_hit"
    __table_args__ = (
        sa.UniqueConstraint("saved_search_id", "listing_id", name="uq_saved_search_hit_listing"),
    )

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    saved_search_id: orm.Mapped[int] = orm.mapped_column(
        sa.ForeignKey("saved_search.id", ondelete="CASCADE"), index=True
    )
    # A side stream, a material need or a provider's service, by the search's kind.
    listing_id: orm.Mapped[int]
    sent_at: orm.Mapped[datetime] = orm.mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<SavedSearchHit search={self.saved_search_id} listing={self.listing_id}>"
