from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy import orm

from .base import Base, enum_check, point_column
from .listing import STATUSES, VISIBILITIES, ListingMixin

CATEGORIES = (
    "slag", "ash", "dust", "sludge", "tailings", "waste_rock", "gypsum", "lime_residue",
    "dregs", "biomass_residue", "metal_scrap", "mineral_fines", "other",
)
LEGAL_STATUSES = ("waste", "by_product", "end_of_waste", "product")
AVAILABILITIES = ("continuous", "seasonal", "batch", "stockpile")


class SideStream(ListingMixin, Base):
    """An industrial side stream offered by an organisation (the contract's side stream)."""

    __tablename__ = "side_stream"
    __table_args__ = (
        enum_check("category", CATEGORIES),
        enum_check("legal_status", LEGAL_STATUSES),
        enum_check("availability", AVAILABILITIES),
        enum_check("visibility", VISIBILITIES),
        enum_check("status", STATUSES),
        sa.CheckConstraint("quantity_t_per_year >= 0", name="quantity_not_negative"),
        sa.CheckConstraint("lot_t >= 0", name="lot_not_negative"),
        sa.CheckConstraint(
            "available_until IS NULL OR available_from IS NULL OR available_from <= available_until",
            name="availability_window_ordered",
        ),
        sa.UniqueConstraint("organisation_id", "external_ref", name="uq_side_stream_external_ref"),
        # the dashboard's newest streams nobody pairs with: walked newest first, not sorted
        sa.Index("ix_side_stream_created_at", "created_at"),
        # searches frame hidden listings by their approximate place (listings.search)
        sa.Index("ix_side_stream_approx_lat_approx_lon", "approx_lat", "approx_lon"),
        # a List of Waste code typed in the search finds that code's streams first
        # (listings.fulltext.tiers)
        sa.Index("ix_side_stream_ewc_code", "ewc_code"),
    )

    category: orm.Mapped[str] = orm.mapped_column(sa.String(20))
    ewc_code: orm.Mapped[str | None] = orm.mapped_column(sa.ForeignKey("waste_code.code"))
    industry: orm.Mapped[str | None] = orm.mapped_column(sa.String(200))
    legal_status: orm.Mapped[str | None] = orm.mapped_column(sa.String(20))
    quantity_t_per_year: orm.Mapped[float | None]
    lot_t: orm.Mapped[float | None]
    availability: orm.Mapped[str | None] = orm.mapped_column(sa.String(12))
    available_from: orm.Mapped[date | None]
    available_until: orm.Mapped[date | None]
    price_eur_per_t: orm.Mapped[float | None]
    # Hazardous entries (a List of Waste code marked *): the hazardous properties
    # HP1-HP15 of Annex III to Directive 2008/98/EC that the holder has assessed, and a note.
    hazardous_properties: orm.Mapped[list] = orm.mapped_column(sa.JSON, default=list)
    hazard_note: orm.Mapped[str] = orm.mapped_column(sa.Text, default="")
    # Contract 1.1: what the material is (a key of material-types.json), what a by-product
    # or end-of-waste status rests on (the decision's reference; the document itself is an
    # attachment), and where the values come from (the contract's ``sources`` items).
    material_type: orm.Mapped[str | None] = orm.mapped_column(sa.String(64))
    legal_status_evidence: orm.Mapped[str | None] = orm.mapped_column(sa.String(500))
    sources: orm.Mapped[list | None] = orm.mapped_column(sa.JSON)
    # What the recogniser (matching.recognition) read the stream as at its last save, from
    # its text, code, category and values, and its calibrated confidence (0..1): kept
    # beside ``material_type``, which is only what the seller stated or confirmed.
    material_type_read: orm.Mapped[str | None] = orm.mapped_column(sa.String(64))
    material_type_confidence: orm.Mapped[float | None]
    location = point_column()

    waste_code: orm.Mapped["WasteCode | None"] = orm.relationship()  # noqa: F821
    values: orm.Mapped[list[MeasuredValue]] = orm.relationship(
        back_populates="side_stream", cascade="all, delete-orphan", order_by="MeasuredValue.id"
    )

    @property
    def is_hazardous(self) -> bool:
        return self.waste_code is not None and self.waste_code.hazardous

    @property
    def values_by_property(self) -> dict[str, float]:
        return {v.property: v.value for v in self.values}

    @property
    def below_detection_keys(self) -> frozenset[str]:
        """Keys whose value is the laboratory's detection limit, the result being below it."""
        return frozenset(v.property for v in self.values if v.below_detection)

    def __repr__(self) -> str:
        return f"<SideStream {self.id} {self.title!r}>"


class MeasuredValue(Base):
    """One measured property of a side stream, in the unit that the contract's vocabulary
    fixes for its key (wt% dry, mg/kg dry, or the physical property's own unit).

    One row a value, indexed by (property, value), so that a range search such as
    CaO >= 30 is an index scan on both databases, and loading every value of every
    stream for the engine is a single narrow SELECT."""

    __tablename__ = "measured_value"
    __table_args__ = (
        sa.UniqueConstraint("side_stream_id", "property", name="uq_measured_value_property"),
        sa.CheckConstraint("value >= 0", name="value_not_negative"),
        sa.Index("ix_measured_value_property_value", "property", "value"),
    )

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    side_stream_id: orm.Mapped[int] = orm.mapped_column(
        sa.ForeignKey("side_stream.id", ondelete="CASCADE")
    )
    property: orm.Mapped[str] = orm.mapped_column(sa.String(40))
    value: orm.Mapped[float]
    # The result was below the laboratory's detection limit, and ``value`` is that limit:
    # shown as "< 0.5 mg/kg" (the contract's ``below_detection``).
    below_detection: orm.Mapped[bool] = orm.mapped_column(default=False, server_default=sa.false())
    # Where the value came from when a provider answered a service request (marketplace.providers).
    service_request_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("service_request.id", ondelete="SET NULL")
    )

    side_stream: orm.Mapped[SideStream] = orm.relationship(back_populates="values")

    def __repr__(self) -> str:
        return f"<MeasuredValue {self.property}{'<' if self.below_detection else '='}{self.value}>"
