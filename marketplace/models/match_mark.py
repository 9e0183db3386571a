from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import orm

from .base import Base, utcnow


class MatchMark(Base):
    """A broker's judgement of a suggested pairing: good or bad, and why.

    Keyed by the stream and the need, not by the ``Match`` row, which a refresh may
    delete: the marks are the engine's evaluation set (``python -m matching evaluate
    --marks``) and outlive any ranking."""

    __tablename__ = "match_mark"
    __table_args__ = (sa.Index("ix_match_mark_pair", "side_stream_id", "need_id"),)

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    side_stream_id: orm.Mapped[int] = orm.mapped_column(
        sa.ForeignKey("side_stream.id", ondelete="CASCADE")
    )
    need_id: orm.Mapped[int] = orm.mapped_column(
        sa.ForeignKey("material_need.id", ondelete="CASCADE"), index=True
    )
    broker_id: orm.Mapped[int | None] = orm.mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    good: orm.Mapped[bool]
    reason: orm.Mapped[str] = orm.mapped_column(sa.Text)
    score: orm.Mapped[float | None]
    created_at: orm.Mapped[datetime] = orm.mapped_column(default=utcnow)

    side_stream: orm.Mapped["SideStream"] = orm.relationship()  # noqa: F821
    need: orm.Mapped["MaterialNeed"] = orm.relationship()  # noqa: F821
    broker: orm.Mapped["User | None"] = orm.relationship()  # noqa: F821

    def __repr__(self) -> str:
        verdict = "good" if self.good else "bad"
        return f"<MatchMark {self.id} stream={self.side_stream_id} need={self.need_id} {verdict}>"
