"""What is new for a user: one row per event they should hear of, read or not. The text is
written when the row is shown, in the reader's language and by what they may see then."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import orm

from .base import Base, enum_check, utcnow

NOTICE_KINDS = (
    "message", "introduction", "deal_opened", "state_change", "enquiry", "enquiry_reply",
    "introduction_request", "introduction_decided", "enquiry_report", "match", "expiring", "alert",
)


class Notice(Base):
    __tablename__ = "notice"
    __table_args__ = (
        enum_check("kind", NOTICE_KINDS),
        sa.Index("ix_notice_user_unread", "user_id", "read_at"),
    )

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    user_id: orm.Mapped[int] = orm.mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"))
    kind: orm.Mapped[str] = orm.mapped_column(sa.String(24))
    deal_id: orm.Mapped[int | None] = orm.mapped_column(sa.ForeignKey("deal.id", ondelete="CASCADE"))
    enquiry_id: orm.Mapped[int | None] = orm.mapped_column(sa.ForeignKey("enquiry.id", ondelete="CASCADE"))
    side_stream_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("side_stream.id", ondelete="CASCADE"))
    need_id: orm.Mapped[int | None] = orm.mapped_column(sa.ForeignKey("material_need.id", ondelete="CASCADE"))
    # A state key, a score in per cent, a saved search's id: what the kind's sentence needs.
    detail: orm.Mapped[str] = orm.mapped_column(sa.String(40), default="")
    created_at: orm.Mapped[datetime] = orm.mapped_column(default=utcnow)
    read_at: orm.Mapped[datetime | None]

    deal: orm.Mapped["Deal | None"] = orm.relationship()  # noqa: F821
    enquiry: orm.Mapped["Enquiry | None"] = orm.relationship()  # noqa: F821
    side_stream: orm.Mapped["SideStream | None"] = orm.relationship()  # noqa: F821
    need: orm.Mapped["MaterialNeed | None"] = orm.relationship()  # noqa: F821

    def __repr__(self) -> str:
        return f"<Notice {self.id} {self.kind} user={self.user_id}>"
