"""What side streams and material needs share: an owner, a place, a visibility and a status.

Who sees what (issue: accounts and confidentiality) is decided here, once, for every
exit of the site: pages, search, map, exports, matches and the API.
"""
from __future__ import annotations

import math
from datetime import datetime

import sqlalchemy as sa
from geoalchemy2 import functions as geo
from sqlalchemy import orm

from .base import utcnow

VISIBILITIES = ("public", "anonymous", "brokered")
STATUSES = ("draft", "active", "reserved", "closed")
SEARCHABLE_STATUSES = ("active", "reserved")

# Anonymous listings show a place snapped to a grid of 0.1 degrees of latitude
# (about 11 km) and 0.2 degrees of longitude (about 9 km at 65 degrees north).
APPROXIMATE_LAT_STEP = 0.1
APPROXIMATE_LON_STEP = 0.2


def approximate(lat: float, lon: float) -> tuple[float, float]:
    return (
        round(round(lat / APPROXIMATE_LAT_STEP) * APPROXIMATE_LAT_STEP, 4),
        round(round(lon / APPROXIMATE_LON_STEP) * APPROXIMATE_LON_STEP, 4),
    )


class ListingMixin:
    """Columns and access rules common to SideStream and MaterialNeed."""

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    external_ref: orm.Mapped[str | None] = orm.mapped_column(sa.String(64))
    title: orm.Mapped[str] = orm.mapped_column(sa.String(200))
    description: orm.Mapped[str] = orm.mapped_column(sa.Text, default="")
    place: orm.Mapped[str] = orm.mapped_column(sa.String(200), default="")
    lat: orm.Mapped[float]
    lon: orm.Mapped[float]
    visibility: orm.Mapped[str] = orm.mapped_column(sa.String(10), default="public")
    status: orm.Mapped[str] = orm.mapped_column(sa.String(10), default="active")
    created_at: orm.Mapped[datetime] = orm.mapped_column(default=utcnow)
    updated_at: orm.Mapped[datetime] = orm.mapped_column(default=utcnow, onupdate=utcnow)

    @orm.declared_attr
    def organisation_id(cls) -> orm.Mapped[int]:
        return orm.mapped_column(sa.ForeignKey("organisation.id", ondelete="CASCADE"), index=True)

    @orm.declared_attr
    def site_id(cls) -> orm.Mapped[int | None]:
        return orm.mapped_column(sa.ForeignKey("site.id", ondelete="SET NULL"))

    @orm.declared_attr
    def organisation(cls) -> orm.Mapped["Organisation"]:  # noqa: F821
        return orm.relationship("Organisation")

    @orm.declared_attr
    def site(cls) -> orm.Mapped["Site | None"]:  # noqa: F821
        return orm.relationship("Site")

    def set_location(self, lat: float, lon: float) -> None:
        self.lat, self.lon = float(lat), float(lon)
        self.location = f"SRID=4326;POINT({self.lon} {self.lat})"

    # -- who may do what -------------------------------------------------
    def is_owned_by(self, user) -> bool:
        return bool(user and user.is_authenticated and user.is_member_of(self.organisation_id))

    def can_edit(self, user) -> bool:
        return self.is_owned_by(user)

    def is_published(self) -> bool:
        return (
            self.status in SEARCHABLE_STATUSES
            and self.organisation.is_verified
            and self.visibility != "brokered"
        )

    def is_visible_to(self, user) -> bool:
        if self.is_owned_by(user) or _is_broker(user):
            return True
        return self.is_published()

    def shows_details_to(self, user) -> bool:
        """Composition values and attachments."""
        if not self.is_visible_to(user):
            return False
        if self.is_owned_by(user) or _is_broker(user):
            return True
        return bool(user and user.is_authenticated and user.in_verified_organisation)

    def reveals_owner_to(self, user) -> bool:
        """The organisation, its site and the exact coordinates."""
        if not self.is_visible_to(user):
            # Nothing about a listing the user may not see, whatever an introduction says.
            return False
        if self.is_owned_by(user) or _is_broker(user):
            return True
        if self.visibility == "public":
            return self.is_published()
        return self.introduced_to(user)

    def introduced_to(self, user) -> bool:
        """Whether a broker has introduced the user's organisation to this listing's owner:
        a deal on this listing whose other party is the user's organisation has passed
        'introduced' (``Deal.introduced_at`` is set then and never cleared). One indexed
        EXISTS query."""
        if not (user and user.is_authenticated and user.organisation_id is not None):
            return False
        from .deal import Deal

        if self.__tablename__ == "side_stream":
            on_listing = sa.and_(Deal.side_stream_id == self.id, Deal.buyer_id == user.organisation_id)
        else:
            on_listing = sa.and_(Deal.need_id == self.id, Deal.supplier_id == user.organisation_id)
        session = orm.object_session(self)
        if session is None:
            from ..db import db

            session = db.session
        return bool(session.scalar(
            sa.select(sa.exists().where(on_listing, Deal.introduced_at.is_not(None)))
        ))

    def location_for(self, user) -> tuple[float, float]:
        if self.reveals_owner_to(user):
            return self.lat, self.lon
        return approximate(self.lat, self.lon)

    @classmethod
    def visible_to_clause(cls, user):
        """A WHERE clause selecting the listings the user may find in lists and maps."""
        from .organisation import Organisation

        published = sa.and_(
            cls.status.in_(SEARCHABLE_STATUSES),
            cls.visibility != "brokered",
            cls.organisation_id.in_(
                sa.select(Organisation.id).where(Organisation.verification_status == "verified")
            ),
        )
        if _is_broker(user):
            return sa.true()
        if user is not None and user.is_authenticated and user.organisation_id is not None:
            return sa.or_(published, cls.organisation_id == user.organisation_id)
        return published

    @classmethod
    def distance_m_expression(cls, lat: float, lon: float, dialect: str):
        """Geodesic distance in metres from (lat, lon), computed in the database."""
        point = sa.func.ST_GeomFromText(f"POINT({float(lon)} {float(lat)})", 4326)
        if dialect == "postgresql":
            return geo.ST_Distance(
                sa.cast(cls.location, _geography()), sa.cast(point, _geography())
            )
        return sa.func.ST_Distance(cls.location, point, 1)


def _geography():
    from geoalchemy2 import Geography

    return Geography(srid=4326)


def _is_broker(user) -> bool:
    return bool(user and user.is_authenticated and user.is_broker)


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Haversine distance on a sphere of radius 6371.0088 km (IUGG mean Earth radius)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(a))
