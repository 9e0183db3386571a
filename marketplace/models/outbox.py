from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import orm

from .base import Base, utcnow


class OutboxMessage(Base):
    """Every mail the site sends, kept as written. Without an SMTP server it is
    the only delivery (development and tests read it); with one, ``sent_at`` records
    the hand-over."""

    __tablename__ = "outbox_message"

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    recipient: orm.Mapped[str] = orm.mapped_column(sa.String(254), index=True)
    subject: orm.Mapped[str] = orm.mapped_column(sa.String(300))
    body: orm.Mapped[str] = orm.mapped_column(sa.Text)
    created_at: orm.Mapped[datetime] = orm.mapped_column(default=utcnow)
    # Set in its own commit just before the hand-over to SMTP: a row with sending_at and
    # no sent_at was perhaps delivered by a consumer that died, and is not sent again
    # unless the admin says so (never two copies of one mail).
    sending_at: orm.Mapped[datetime | None]
    sent_at: orm.Mapped[datetime | None]
    error: orm.Mapped[str] = orm.mapped_column(sa.Text, default="")

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} to {self.recipient!r}: {self.subject!r}>"
