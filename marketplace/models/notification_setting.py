from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import orm

from .base import Base, utcnow

# The kinds of mail a user can turn off; a user without a row gets every kind.
NOTIFICATION_KINDS = ("message", "state_change", "introduction")


class NotificationSetting(Base):
    """Which mails a user wants, and when the last digest went out to them."""

    __tablename__ = "notification_setting"

    user_id: orm.Mapped[int] = orm.mapped_column(
        sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True
    )
    on_message: orm.Mapped[bool] = orm.mapped_column(default=True)
    on_state_change: orm.Mapped[bool] = orm.mapped_column(default=True)
    on_introduction: orm.Mapped[bool] = orm.mapped_column(default=True)
    digest: orm.Mapped[bool] = orm.mapped_column(default=True)
    last_digest_at: orm.Mapped[datetime | None]
    updated_at: orm.Mapped[datetime] = orm.mapped_column(default=utcnow, onupdate=utcnow)

    user: orm.Mapped["User"] = orm.relationship()  # noqa: F821

    def wants(self, kind: str) -> bool:
        return bool(getattr(self, f"on_{kind}"))

    def __repr__(self) -> str:
        return f"<NotificationSetting user={self.user_id}>"


class DigestEntry(Base):
    """A pairing mailed to a user in a digest: each is mailed to a user once."""

    __tablename__ = "digest_entry"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "side_stream_id", "need_id", name="uq_digest_entry_pair"),
    )

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    user_id: orm.Mapped[int] = orm.mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    side_stream_id: orm.Mapped[int] = orm.mapped_column(sa.ForeignKey("side_stream.id", ondelete="CASCADE"))
    need_id: orm.Mapped[int] = orm.mapped_column(sa.ForeignKey("material_need.id", ondelete="CASCADE"))
    sent_at: orm.Mapped[datetime] = orm.mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<DigestEntry user={self.user_id} stream={self.side_stream_id} need={self.need_id}>"
