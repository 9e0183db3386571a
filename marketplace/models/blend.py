from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import orm

from .base import Base, utcnow


class Blend(Base):
    """Two or three side streams mixed for one need, as the engine's blend search last
    found them at a refresh (matching/blends.py): the delivered cost per tonne, whether
    it beats the best analysed single stream, the reasons (untranslated, as in
    ``Match.reasons``; those carrying distances or costs are not shown, the page
    computes them from the parts through the redaction) and the analyses missing.
    Pages read these rows; nothing is fitted in a request."""

    __tablename__ = "blend"
    __table_args__ = (
        sa.CheckConstraint("part_count IN (2, 3)", name="part_count_valid"),
    )

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    need_id: orm.Mapped[int] = orm.mapped_column(sa.ForeignKey("material_need.id", ondelete="CASCADE"), index=True)
    position: orm.Mapped[int]
    part_count: orm.Mapped[int]
    cost_eur_per_t: orm.Mapped[float]
    co2_kg_per_t: orm.Mapped[float]
    cheaper_than_single: orm.Mapped[bool]
    verified: orm.Mapped[bool]
    mixture: orm.Mapped[str | None] = orm.mapped_column(sa.String(60))
    binding: orm.Mapped[dict | None] = orm.mapped_column(sa.JSON)
    reasons: orm.Mapped[list] = orm.mapped_column(sa.JSON, default=list)
    missing: orm.Mapped[list] = orm.mapped_column(sa.JSON, default=list)
    computed_at: orm.Mapped[datetime] = orm.mapped_column(default=utcnow)

    need = orm.relationship("MaterialNeed")
    parts: orm.Mapped[list["BlendPart"]] = orm.relationship(
        back_populates="blend", cascade="all, delete-orphan", order_by="BlendPart.position")

    def __repr__(self) -> str:
        return f"<Blend need={self.need_id} {self.part_count} parts {self.cost_eur_per_t:.2f} EUR/t>"


# The dashboard's newest best blends (matches/services.py blends_for_dashboard) are read
# along this instead of sorting every best blend (56 ms at 20 000 needs on PostGIS).
sa.Index("ix_blend_newest", Blend.position, Blend.computed_at.desc(), Blend.id.desc())


class BlendPart(Base):
    """One stream of a blend: its share and the numbers of its haulage to the buyer (the
    exact ones; pages show them through ``redaction.transport``)."""

    __tablename__ = "blend_part"
    __table_args__ = (
        sa.CheckConstraint("share > 0 AND share < 1", name="share_in_unit_range"),
    )

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    blend_id: orm.Mapped[int] = orm.mapped_column(sa.ForeignKey("blend.id", ondelete="CASCADE"), index=True)
    side_stream_id: orm.Mapped[int] = orm.mapped_column(
        sa.ForeignKey("side_stream.id", ondelete="CASCADE"), index=True)
    position: orm.Mapped[int]
    share: orm.Mapped[float]
    additive: orm.Mapped[bool]
    price_eur_per_t: orm.Mapped[float | None]
    distance_km: orm.Mapped[float]
    road_km: orm.Mapped[float]
    transport_cost_eur_per_t: orm.Mapped[float]
    transport_co2_kg_per_t: orm.Mapped[float]
    adds: orm.Mapped[list] = orm.mapped_column(sa.JSON, default=list)

    blend = orm.relationship(Blend, back_populates="parts")
    side_stream = orm.relationship("SideStream")
