"""What side streams and material needs share: an owner, a place, a visibility and a status.

Who sees what (issue: accounts and confidentiality) is decided here, once, for every
exit of the site: pages, search, map, exports, matches and the API.
"""
from __future__ import annotations

import calendar
import math
from datetime import date, datetime

import sqlalchemy as sa
from geoalchemy2 import Geography
from geoalchemy2 import functions as geo
from sqlalchemy import orm

from .base import utcnow
from .deal import Deal
from .organisation import Organisation

VISIBILITIES = ("public", "anonymous", "brokered")
STATUSES = ("draft", "active", "reserved", "closed")
SEARCHABLE_STATUSES = ("active", "reserved")

# Hidden listings show an approximate place in a cell of a grid of 0.1 degrees of latitude
# (about 11 km) and 0.2 degrees of longitude (about 9 km at 65 degrees north), widened in
# sparse areas; ``marketplace.redaction.approximate_place`` chooses it when the listing is
# saved. A listing saved before that shows the centre of its cell.
APPROXIMATE_LAT_STEP = 0.1
APPROXIMATE_LON_STEP = 0.2


# How long a listing stays published unless its owner chooses (issue: the life of a listing).
DEFAULT_PUBLICATION_MONTHS = 6
MAX_PUBLICATION_MONTHS = 12


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day where it has no such day."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def default_published_until() -> date:
    return add_months(date.today(), DEFAULT_PUBLICATION_MONTHS)


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
    # The last day the listing is published (inclusive); after it the listing leaves search,
    # the map and matching, and stays for its owner, its deals and the brokers (lifecycle).
    # Empty: no end (listings from before publication periods).
    published_until: orm.Mapped[date | None] = orm.mapped_column(default=default_published_until)
    # The place shown where the owner is hidden (degrees), and how far from it the listing
    # may lie (km); kept by ``marketplace.redaction`` for listings that are not public.
    approx_lat: orm.Mapped[float | None]
    approx_lon: orm.Mapped[float | None]
    approx_radius_km: orm.Mapped[float | None]
    # The listing's searchable words in every language, filled on each write and indexed
    # by the database's full-text search (``marketplace.listings.fulltext``).
    search_text: orm.Mapped[str] = orm.mapped_column(sa.Text, default="", server_default="")

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

    def is_expired(self, today: date | None = None) -> bool:
        return self.published_until is not None and self.published_until < (today or date.today())

    def is_published(self) -> bool:
        return (
            self.status in SEARCHABLE_STATUSES
            and self.organisation.is_verified
            and self.visibility != "brokered"
            and not self.is_expired()
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
        if self.__tablename__ == "side_stream":
            on_listing = sa.and_(Deal.side_stream_id == self.id, Deal.buyer_id == user.organisation_id)
        else:
            on_listing = sa.and_(Deal.need_id == self.id, Deal.supplier_id == user.organisation_id)
        # The listing's own session: a model does not reach for the request's.
        session = orm.object_session(self) if isinstance(self, ListingMixin) else self.session
        if session is None:
            raise orm.exc.DetachedInstanceError(f"{self!r} is not in a session: it cannot tell its deals")
        return bool(session.scalar(
            sa.select(sa.exists().where(on_listing, Deal.introduced_at.is_not(None)))
        ))

    def location_for(self, user, revealed: bool | None = None) -> tuple[float, float]:
        """The place shown to the user; ``revealed``: ``reveals_owner_to(user)`` when the
        caller has asked it already (a map asks both for thousands of rows)."""
        if self.reveals_owner_to(user) if revealed is None else revealed:
            return self.lat, self.lon
        if self.approx_lat is not None and self.approx_lon is not None:
            return self.approx_lat, self.approx_lon
        return approximate(self.lat, self.lon)

    @classmethod
    def visible_to_clause(cls, user):
        """A WHERE clause selecting the listings the user may find in lists and maps."""
        published = sa.and_(
            cls.status.in_(SEARCHABLE_STATUSES),
            cls.visibility != "brokered",
            cls.organisation_id.in_(
                sa.select(Organisation.id).where(Organisation.verification_status == "verified")
            ),
            cls.not_expired_clause(),
        )
        if _is_broker(user):
            return sa.true()
        if user is not None and user.is_authenticated and user.organisation_id is not None:
            return sa.or_(published, cls.organisation_id == user.organisation_id)
        return published

    @classmethod
    def not_expired_clause(cls, today: date | None = None):
        return sa.or_(cls.published_until.is_(None), cls.published_until >= (today or date.today()))

    @classmethod
    def place_hidden_clause(cls, user):
        """Rows whose exact place this user may not learn: anonymous listings of others.
        Searches filter, sort and frame these by their approximate place, so that repeated
        radius or map searches cannot narrow the place down."""
        if _is_broker(user):
            return sa.false()
        hidden = cls.visibility == "anonymous"
        if user is not None and user.is_authenticated and user.organisation_id is not None:
            hidden = sa.and_(hidden, cls.organisation_id != user.organisation_id)
        return hidden

    @classmethod
    def approximate_lat(cls):
        return sa.func.coalesce(cls.approx_lat, sa.func.round(cls.lat / APPROXIMATE_LAT_STEP) * APPROXIMATE_LAT_STEP)

    @classmethod
    def approximate_lon(cls):
        return sa.func.coalesce(cls.approx_lon, sa.func.round(cls.lon / APPROXIMATE_LON_STEP) * APPROXIMATE_LON_STEP)

    @classmethod
    def distance_m_expression(cls, lat: float, lon: float, dialect: str, approximate: bool = False):
        """Geodesic distance in metres from (lat, lon), computed in the database; with
        ``approximate``, from the listing's approximate place."""
        point = sa.func.ST_GeomFromText(f"POINT({float(lon)} {float(lat)})", 4326)
        if dialect == "postgresql":
            where = cls.location
            if approximate:
                where = sa.func.ST_SetSRID(sa.func.ST_MakePoint(cls.approximate_lon(), cls.approximate_lat()), 4326)
            return geo.ST_Distance(sa.cast(where, _geography()), sa.cast(point, _geography()))
        where = cls.location
        if approximate:
            where = sa.func.MakePoint(cls.approximate_lon(), cls.approximate_lat(), 4326)
        return sa.func.ST_Distance(where, point, 1)

    @classmethod
    def shown_distance_m_expression(cls, lat: float, lon: float, dialect: str, user):
        """The distance a user may sort by: exact, or from the approximate place where hidden."""
        return sa.case(
            (cls.place_hidden_clause(user), cls.distance_m_expression(lat, lon, dialect, approximate=True)),
            else_=cls.distance_m_expression(lat, lon, dialect),
        )


class OrganisationRow:
    """The owner of a ``ListingRow``: what the rules and a marker ask of an organisation."""

    __slots__ = ("id", "name", "verification_status", "is_verified")

    def __init__(self, id: int, name: str, verification_status: str):
        self.id, self.name, self.verification_status = id, name, verification_status
        self.is_verified = Organisation.is_verified.fget(self)  # the organisation's own rule


class ListingRow:
    """A listing read as plain column values, for exits of thousands of rows (the map):
    the access rules are ListingMixin's own methods, run on plain attributes instead of an
    ORM instance (a tenth of the cost). ``RULE_COLUMNS`` are the columns those rules read;
    reading any other attribute than the loaded columns is an AttributeError, never a query."""

    RULE_COLUMNS = ("id", "lat", "lon", "approx_lat", "approx_lon", "visibility", "status", "organisation_id",
                    "published_until")

    def __init__(self, cls, values: dict, organisation: OrganisationRow, session: orm.Session):
        self.__dict__.update(values)
        self.__tablename__ = cls.__tablename__
        self.organisation = organisation
        self.session = session  # where introduced_to asks for deals

    is_owned_by = ListingMixin.is_owned_by
    is_expired = ListingMixin.is_expired
    is_published = ListingMixin.is_published
    is_visible_to = ListingMixin.is_visible_to
    shows_details_to = ListingMixin.shows_details_to
    reveals_owner_to = ListingMixin.reveals_owner_to
    introduced_to = ListingMixin.introduced_to
    location_for = ListingMixin.location_for

    def __repr__(self) -> str:
        return f"<ListingRow {self.__tablename__} {self.id}>"


def _geography():
    return Geography(srid=4326)


def _is_broker(user) -> bool:
    return bool(user and user.is_authenticated and user.is_broker)


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Haversine distance on a sphere of radius 6371.0088 km (IUGG mean Earth radius)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(a))
