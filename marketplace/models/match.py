from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import orm

from .base import Base, utcnow


class Match(Base):
    """A feasible pairing of a side stream and a material need, as the engine last ranked it.

    A row is kept while the need is among the stream's best (``for_stream``) or the stream
    among the need's best (``for_need``); each side's list is ranked again on its own.
    ``reasons`` keeps the engine's reasons untranslated ({template, params, ok, source})
    so that each reader gets them in their own language. ``first_seen_at`` stays from the
    first ranking: it is what makes a pairing "new" for brokers and digests."""

    __tablename__ = "match"
    __table_args__ = (
        sa.UniqueConstraint("side_stream_id", "need_id", name="uq_match_pair"),
        sa.CheckConstraint("score >= 0 AND score <= 1", name="score_in_unit_range"),
        sa.Index("ix_match_score", "score"),
    )

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    side_stream_id: orm.Mapped[int] = orm.mapped_column(
        sa.ForeignKey("side_stream.id", ondelete="CASCADE"), index=True
    )
    need_id: orm.Mapped[int] = orm.mapped_column(
        sa.ForeignKey("material_need.id", ondelete="CASCADE"), index=True
    )
    score: orm.Mapped[float]
    verified: orm.Mapped[bool]
    distance_km: orm.Mapped[float]
    road_km: orm.Mapped[float]
    transport_cost_eur_per_t: orm.Mapped[float]
    transport_co2_kg_per_t: orm.Mapped[float]
    missing: orm.Mapped[list] = orm.mapped_column(sa.JSON, default=list)
    reasons: orm.Mapped[list] = orm.mapped_column(sa.JSON, default=list)
    rules: orm.Mapped[list] = orm.mapped_column(sa.JSON, default=list)
    # The engine's one-line summary, untranslated like ``reasons``; the material type it
    # used for the stream and its confidence (1 where the seller stated it).
    summary: orm.Mapped[dict | None] = orm.mapped_column(sa.JSON)
    material_type: orm.Mapped[str | None] = orm.mapped_column(sa.String(64))
    material_confidence: orm.Mapped[float | None]
    for_stream: orm.Mapped[bool] = orm.mapped_column(default=True, server_default=sa.true())
    for_need: orm.Mapped[bool] = orm.mapped_column(default=True, server_default=sa.true())
    first_seen_at: orm.Mapped[datetime] = orm.mapped_column(default=utcnow, index=True)
    computed_at: orm.Mapped[datetime] = orm.mapped_column(default=utcnow)

    side_stream: orm.Mapped["SideStream"] = orm.relationship()  # noqa: F821
    need: orm.Mapped["MaterialNeed"] = orm.relationship()  # noqa: F821

    def __repr__(self) -> str:
        return f"<Match stream={self.side_stream_id} need={self.need_id} score={self.score:.2f}>"


# The broker dashboard's order (newest pairings first, then the best): its page is read
# along this index instead of sorting every stored pairing.
sa.Index("ix_match_newest", Match.first_seen_at.desc(), Match.score.desc(), Match.id)
# A listing's match list, best first (its pages, the API): without these PostgreSQL may
# walk ix_match_score in order and filter for the listing, reading every row for a
# listing with few matches.
sa.Index("ix_match_stream_best", Match.side_stream_id, Match.score.desc(), Match.id)
sa.Index("ix_match_need_best", Match.need_id, Match.score.desc(), Match.id)
