from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import orm

from .base import Base, utcnow


class DealMessage(Base):
    """A message in a deal's thread, between the two parties and the broker. Its files are
    ``Attachment`` rows pointing here (``Attachment.deal_message_id``)."""

    __tablename__ = "deal_message"

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    deal_id: orm.Mapped[int] = orm.mapped_column(sa.ForeignKey("deal.id", ondelete="CASCADE"), index=True)
    author_id: orm.Mapped[int | None] = orm.mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    body: orm.Mapped[str] = orm.mapped_column(sa.Text)
    created_at: orm.Mapped[datetime] = orm.mapped_column(default=utcnow)

    deal: orm.Mapped["Deal"] = orm.relationship()  # noqa: F821
    author: orm.Mapped["User | None"] = orm.relationship()  # noqa: F821
    attachments: orm.Mapped[list["Attachment"]] = orm.relationship(  # noqa: F821
        primaryjoin="Attachment.deal_message_id == DealMessage.id",
        foreign_keys="Attachment.deal_message_id", order_by="Attachment.id", viewonly=True,
    )

    def __repr__(self) -> str:
        return f"<DealMessage {self.id} deal={self.deal_id} author={self.author_id}>"
