from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import orm

from .base import Base, enum_check, point_column
from .listing import STATUSES, VISIBILITIES, ListingMixin

APPLICATIONS = (
    "geopolymer_binder", "dust_binder", "cover_layer", "fertiliser", "liming_agent",
    "soil_improver", "cement_scm", "concrete_aggregate", "earth_construction",
    "neutralisation", "filler", "fuel", "metal_recovery", "mass_stabilisation", "mine_backfill",
    "phosphorus_filter", "cement_raw_material", "co2_mineralisation", "other",
)


class MaterialNeed(ListingMixin, Base):
    """What a buyer wants (the contract's material need)."""

    __tablename__ = "material_need"
    __table_args__ = (
        enum_check("application", APPLICATIONS),
        enum_check("visibility", VISIBILITIES),
        enum_check("status", STATUSES),
        sa.CheckConstraint("quantity_t_per_year >= 0", name="quantity_not_negative"),
        sa.CheckConstraint("min_quantity_t_per_year >= 0", name="min_quantity_not_negative"),
        sa.CheckConstraint("max_distance_km > 0", name="max_distance_positive"),
        sa.UniqueConstraint("organisation_id", "external_ref", name="uq_material_need_external_ref"),
        # searches frame hidden listings by their approximate place (listings.search)
        sa.Index("ix_material_need_approx_lat_approx_lon", "approx_lat", "approx_lon"),
    )

    application: orm.Mapped[str] = orm.mapped_column(sa.String(24))
    categories: orm.Mapped[list] = orm.mapped_column(sa.JSON, default=list)
    ewc_codes: orm.Mapped[list] = orm.mapped_column(sa.JSON, default=list)
    accepts_waste: orm.Mapped[bool | None]
    permitted_ewc_codes: orm.Mapped[list | None] = orm.mapped_column(sa.JSON)
    # Matching takes the receiver's entitlement from the organisation's permits valid on the
    # day (marketplace.compliance), not from the two fields above, so that an expired permit
    # stops a waste match. Ticked by default when the organisation has permits.
    codes_from_permits: orm.Mapped[bool] = orm.mapped_column(default=False)
    quantity_t_per_year: orm.Mapped[float | None]
    min_quantity_t_per_year: orm.Mapped[float | None]
    max_distance_km: orm.Mapped[float | None]
    max_price_eur_per_t: orm.Mapped[float | None]
    # Contract 1.1: where and under which rules the material will be used (land_use,
    # regime, structure, structure_use, groundwater_area), as the record gives it.
    context: orm.Mapped[dict | None] = orm.mapped_column(sa.JSON)
    location = point_column()

    requirements: orm.Mapped[list[Requirement]] = orm.relationship(
        back_populates="need", cascade="all, delete-orphan", order_by="Requirement.position"
    )

    def __repr__(self) -> str:
        return f"<MaterialNeed {self.id} {self.title!r}>"


class Requirement(Base):
    """A hard limit on a property, a sum of properties ('SiO2+Al2O3') or a ratio (with ``per``)."""

    __tablename__ = "requirement"
    __table_args__ = (
        sa.CheckConstraint("min IS NOT NULL OR max IS NOT NULL", name="has_a_limit"),
        sa.CheckConstraint("min IS NULL OR max IS NULL OR min <= max", name="limits_ordered"),
    )

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    need_id: orm.Mapped[int] = orm.mapped_column(
        sa.ForeignKey("material_need.id", ondelete="CASCADE"), index=True
    )
    position: orm.Mapped[int] = orm.mapped_column(default=0)
    property: orm.Mapped[str] = orm.mapped_column(sa.String(200))
    per: orm.Mapped[str | None] = orm.mapped_column(sa.String(200))
    min: orm.Mapped[float | None]
    max: orm.Mapped[float | None]
    note: orm.Mapped[str] = orm.mapped_column(sa.String(500), default="")

    need: orm.Mapped[MaterialNeed] = orm.relationship(back_populates="requirements")

    def __repr__(self) -> str:
        return f"<Requirement {self.property} {self.min}..{self.max}>"
