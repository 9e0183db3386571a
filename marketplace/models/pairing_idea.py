from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import orm

from .base import Base, utcnow


class PairingIdea(Base):
    """A use a side stream could serve, as the engine last judged it from the stream
    alone: its score, whether the stream fits the use's rules, the reasons (untranslated,
    as in ``Match.reasons``) and the analyses missing to be sure. Pages read these rows;
    the needs nearby come from the stream's stored matches."""

    __tablename__ = "pairing_idea"
    __table_args__ = (
        sa.UniqueConstraint("side_stream_id", "application", name="uq_pairing_idea_use"),
        sa.CheckConstraint("score >= 0 AND score <= 1", name="score_in_unit_range"),
    )

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    side_stream_id: orm.Mapped[int] = orm.mapped_column(
        sa.ForeignKey("side_stream.id", ondelete="CASCADE"), index=True
    )
    position: orm.Mapped[int]
    application: orm.Mapped[str] = orm.mapped_column(sa.String(40))
    name_en: orm.Mapped[str] = orm.mapped_column(sa.String(200))
    name_fi: orm.Mapped[str] = orm.mapped_column(sa.String(200))
    score: orm.Mapped[float]
    feasible: orm.Mapped[bool]
    reasons: orm.Mapped[list] = orm.mapped_column(sa.JSON, default=list)
    missing: orm.Mapped[list] = orm.mapped_column(sa.JSON, default=list)
    computed_at: orm.Mapped[datetime] = orm.mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<PairingIdea stream={self.side_stream_id} {self.application} score={self.score:.2f}>"
