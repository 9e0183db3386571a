from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import orm

from .base import Base, utcnow


class TransferDocument(Base):
    """A waste transfer document (siirtoasiakirja, Waste Act 646/2011 section 121) made
    for a deal, or for one of its deliveries.

    ``content`` is frozen when the document is made: what the parties signed stays as it
    was, whatever the deal or the listings become. A delivery has at most one."""

    __tablename__ = "transfer_document"

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    deal_id: orm.Mapped[int] = orm.mapped_column(sa.ForeignKey("deal.id", ondelete="CASCADE"), index=True)
    delivery_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("delivery.id", ondelete="SET NULL"), unique=True
    )
    number: orm.Mapped[str] = orm.mapped_column(sa.String(40), unique=True)
    content: orm.Mapped[dict] = orm.mapped_column(sa.JSON)
    created_by_id: orm.Mapped[int | None] = orm.mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: orm.Mapped[datetime] = orm.mapped_column(default=utcnow)

    deal: orm.Mapped["Deal"] = orm.relationship()  # noqa: F821
    delivery: orm.Mapped["Delivery | None"] = orm.relationship()  # noqa: F821
    created_by: orm.Mapped["User | None"] = orm.relationship()  # noqa: F821

    def __repr__(self) -> str:
        return f"<TransferDocument {self.number} deal={self.deal_id}>"
