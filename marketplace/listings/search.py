"""Finding listings: filters read from the query string, one query for the list, the map,
the count and the exports, always inside ``visible_to_clause(user)``.

Distances are computed in the database with its spatial index: a bounding circle in
degrees selects candidates through the index (GiST on PostGIS, the SpatialIndex virtual
table on SpatiaLite), then the exact geodesic distance in metres decides."""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy import orm

from matching import vocabulary as V

from .. import redaction
from ..db import db
from ..models import APPLICATIONS, CATEGORIES, MaterialNeed, MeasuredValue, Organisation, SideStream, Site
from ..models.listing import SEARCHABLE_STATUSES, ListingRow, OrganisationRow
from ..security import parse_id, parse_page
from . import fulltext, gazetteer
from .knowledge import suited
from .values import parse_number

PAGE_SIZE = 20
# The site's list counts its hits up to this many; past it the page says "more than" and
# pages through that many (a word found in a fifth of 100 000 streams cost 450 ms to
# count and rank exactly: docs/benchmarks-listings.md). The API counts exactly.
COUNTED = 1000
MAX_RADIUS_KM = 2000
SORTS = ("relevance", "distance", "date", "quantity")
KM_PER_DEGREE_LAT = 111.0


@dataclass
class PropertyRange:
    key: str
    min: float | None
    max: float | None


@dataclass
class Filters:
    """What the visitor asked for; ``errors`` maps a filter's name to what is wrong with it."""

    q: str = ""
    category: str = ""
    chapter: str = ""
    application: str = ""
    ranges: list[PropertyRange] = field(default_factory=list)
    raw_ranges: list[tuple[str, str, str]] = field(default_factory=list)
    qmin: float | None = None
    qmax: float | None = None
    near: str = ""
    near_label: str = ""
    km: float | None = None
    point: tuple[float, float] | None = None
    sort: str = ""
    page: int = 1
    bbox: tuple[float, float, float, float] | None = None
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def effective_sort(self) -> str:
        if self.sort in SORTS and (self.sort != "distance" or self.point) and (self.sort != "relevance" or self.q):
            return self.sort
        return "relevance" if self.q else ("distance" if self.point else "date")

    def query_args(self, **changes) -> dict:
        """The filters as query-string arguments (for paging links and exports)."""
        args = {"q": self.q, "category": self.category, "chapter": self.chapter,
                "application": self.application, "near": self.near,
                "km": _fmt(self.km), "qmin": _fmt(self.qmin), "qmax": _fmt(self.qmax),
                "sort": self.sort, "page": self.page if self.page > 1 else ""}
        args["prop"] = [r[0] for r in self.raw_ranges]
        args["min"] = [r[1] for r in self.raw_ranges]
        args["max"] = [r[2] for r in self.raw_ranges]
        args.update(changes)
        return {k: v for k, v in args.items() if v not in ("", None, [])}


def _fmt(number):
    return "" if number is None else f"{number:g}"


def _number(args, name: str, errors: dict, minimum: float | None = None) -> float | None:
    try:
        value = parse_number(args.get(name))
    except ValueError:
        errors[name] = _("Enter a number.")
        return None
    if value is not None and minimum is not None and value < minimum:
        errors[name] = _("Must be at least %(minimum)s.", minimum=minimum)
        return None
    return value


def parse_filters(args, user) -> Filters:
    """Filters from a query string (``request.args``); bad values are kept in ``errors``."""
    f = Filters(errors={})
    f.q = (args.get("q") or "").strip()[:200]
    f.category = args.get("category", "") if args.get("category") in CATEGORIES else ""
    chapter = (args.get("chapter") or "").strip()
    if chapter:
        if len(chapter) == 2 and chapter.isdigit():
            f.chapter = chapter
        else:
            f.errors["chapter"] = _("A chapter is two digits, e.g. 10.")
    f.application = args.get("application", "") if args.get("application") in APPLICATIONS else ""
    props, mins, maxs = args.getlist("prop"), args.getlist("min"), args.getlist("max")
    for i, raw_key in enumerate(props):
        raw_min = mins[i] if i < len(mins) else ""
        raw_max = maxs[i] if i < len(maxs) else ""
        key = raw_key.strip()
        if not key and not raw_min.strip() and not raw_max.strip():
            continue
        f.raw_ranges.append((key, raw_min, raw_max))
        if not V.is_known(key):
            hint = V.suggest(key) if key else None
            f.errors[f"prop-{i}"] = (_("Unknown property %(key)s. Did you mean %(hint)s?", key=key, hint=hint)
                                     if hint else _("Choose a property."))
            continue
        try:
            low, high = parse_number(raw_min), parse_number(raw_max)
        except ValueError:
            f.errors[f"prop-{i}"] = _("Enter numbers, e.g. 30 or 30,5.")
            continue
        if low is None and high is None:
            f.errors[f"prop-{i}"] = _("Give a minimum, a maximum or both.")
            continue
        f.ranges.append(PropertyRange(key, low, high))
    f.qmin = _number(args, "qmin", f.errors, 0)
    f.qmax = _number(args, "qmax", f.errors, 0)
    f.km = _number(args, "km", f.errors, 0)
    if f.km is not None and f.km > MAX_RADIUS_KM:
        f.km = MAX_RADIUS_KM
    parse_place_sort_page(f, args, user, SORTS)
    bbox = args.get("bbox")
    if bbox:
        try:
            w, s, e, n = (float(x) for x in bbox.split(","))
            f.bbox = (max(-180, w), max(-90, s), min(180, e), min(90, n))
        except ValueError:
            f.errors["bbox"] = _("The map view is not understood.")
    return f


def parse_place_sort_page(f, args, user, sorts) -> None:
    """What every search page reads alike: the place to search around (its radius ``f.km``
    already parsed), the sort order and the page number."""
    f.near = (args.get("near") or "").strip()[:200]
    if f.near:
        _resolve_near(f, user)
    elif f.km is not None:
        f.errors["near"] = _("Give a place or choose one of your sites to search around.")
    f.sort = args.get("sort", "") if args.get("sort") in sorts else ""
    f.page = parse_page(args.get("page"))


def _resolve_near(f: Filters, user) -> None:
    """'site:<id>' (one of the user's sites), 'lat,lon', or a place name from the gazetteer."""
    if f.near.startswith("site:"):
        site_id = parse_id(f.near[5:])
        site = db.session.get(Site, site_id) if site_id is not None else None
        if site is None or not (user and user.is_authenticated and user.is_member_of(site.organisation_id)):
            f.errors["near"] = _("Choose one of your organisation's sites.")
            return
        lat, lon = site_coordinates(site)
        f.point, f.near_label = (lat, lon), site.name
        return
    parts = f.near.replace(";", ",").split(",")
    if len(parts) == 2:
        try:
            lat, lon = float(parts[0]), float(parts[1])
        except ValueError:
            pass
        else:
            if -90 <= lat <= 90 and -180 <= lon <= 180:
                f.point, f.near_label = (lat, lon), f"{lat:.4f}, {lon:.4f}"
                return
    place = gazetteer.resolve(f.near)
    if place is None:
        f.errors["near"] = _("No place called %(name)s was found.", name=f.near)
        return
    f.point, f.near_label = (place.lat, place.lon), place.name


def site_coordinates(site: Site) -> tuple[float, float]:
    from geoalchemy2.shape import to_shape

    point = to_shape(site.location)
    return point.y, point.x


# -- the query ---------------------------------------------------------------

def _dialect() -> str:
    return db.session.get_bind().dialect.name


def _point_expression(lat: float, lon: float):
    return sa.func.ST_GeomFromText(f"POINT({float(lon)} {float(lat)})", 4326)


def degrees_around(lat: float, km: float) -> float:
    """A radius in degrees whose circle around (lat, lon) holds every point within ``km``
    (longitude degrees shrink with the cosine of the latitude)."""
    d_lat = km / KM_PER_DEGREE_LAT
    edge = min(89.0, abs(lat) + d_lat)
    d_lon = km / (111.32 * math.cos(math.radians(edge)))
    return max(d_lat, d_lon) * 1.01 + 1e-6


# A sphere's great-circle distance differs from the ellipsoid's geodesic by under 0.6 %:
# beyond this margin of the radius the cheap one decides alone (``_distance_at_most``).
SPHERE_MARGIN = 0.01


def frame_around(lat: float, lon: float, km: float, slack: tuple[float, float] = (0.0, 0.0)):
    """(west, south, east, north) in degrees holding every point within ``km`` of (lat, lon):
    the same half-widths as ``degrees_around`` per axis, so a rectangle instead of the
    circle of the larger one (at 66 degrees north a circle five degrees wide)."""
    d_lat = km / KM_PER_DEGREE_LAT * 1.01 + 1e-6
    edge = min(89.0, abs(lat) + km / KM_PER_DEGREE_LAT)
    d_lon = km / (111.32 * math.cos(math.radians(edge))) * 1.01 + 1e-6
    d_lat, d_lon = d_lat + slack[0], d_lon + slack[1]
    return lon - d_lon, lat - d_lat, lon + d_lon, lat + d_lat


def _in_frame(cls, frame):
    """Rows of ``cls`` whose ``location`` lies in the frame, through the spatial index."""
    w, s, e, n = (float(x) for x in frame)
    if _dialect() == "postgresql":
        return cls.location.op("&&")(sa.func.ST_MakeEnvelope(w, s, e, n, 4326))  # GiST index
    candidates = sa.text(
        "SELECT rowid FROM SpatialIndex WHERE f_table_name = :table "
        "AND f_geometry_column = 'location' AND search_frame = BuildMbr(:w, :s, :e, :n)"
    ).bindparams(table=cls.__tablename__, w=w, s=s, e=e, n=n)
    return cls.id.in_(candidates)


def _distance_at_most(cls, lat: float, lon: float, metres: float, approximate: bool = False):
    """Whether a row of ``cls`` (its approximate place with ``approximate``) lies within
    ``metres`` of (lat, lon), measured on the ellipsoid (geodesic).

    The geodesic is dear (SpatiaLite's ``ST_Distance`` costs about 10 microseconds a row,
    ellipsoid or sphere alike, as it decodes the geometry; PostGIS's geography a few, and
    its cost estimate makes PostgreSQL misjudge the plan): a great circle computed from the
    plain lat/lon columns decides where it is more than ``SPHERE_MARGIN`` away from the
    radius, the ellipsoid only in the thin ring in between. Same answer; an undefined
    sphere value falls to the ellipsoid too."""
    dialect = _dialect()
    if approximate:
        # The same expression as the distance shown and sorted by (the model's).
        exact = cls.distance_m_expression(lat, lon, dialect, approximate=True) <= metres
        sphere = _great_circle_m(cls.approximate_lat(), cls.approximate_lon(), lat, lon)
    else:
        point = _point_expression(lat, lon)
        if dialect == "postgresql":
            from geoalchemy2 import Geography

            exact = sa.func.ST_DWithin(sa.cast(cls.location, Geography(srid=4326)),
                                       sa.cast(point, Geography(srid=4326)), metres)
        else:
            exact = sa.func.ST_Distance(cls.location, point, 1) <= metres
        if hasattr(cls, "lat"):
            sphere = _great_circle_m(cls.lat, cls.lon, lat, lon)
        elif dialect == "postgresql":
            return exact
        else:
            sphere = sa.func.ST_Distance(cls.location, point, 0)
    return sa.case(
        (sphere > metres * (1 + SPHERE_MARGIN), sa.false()),
        (sphere < metres * (1 - SPHERE_MARGIN), sa.true()),
        else_=exact,
    )


EARTH_MEAN_RADIUS_M = 6371008.8


def _great_circle_m(lat_column, lon_column, lat: float, lon: float):
    """Haversine distance in metres on the mean sphere, in plain SQL arithmetic (PostgreSQL's
    and SpatiaLite's math functions)."""
    f = sa.func
    half_dlat = f.radians(lat_column - float(lat)) / 2
    half_dlon = f.radians(lon_column - float(lon)) / 2
    a = (f.power(f.sin(half_dlat), 2)
         + math.cos(math.radians(lat)) * f.cos(f.radians(lat_column)) * f.power(f.sin(half_dlon), 2))
    if _dialect() == "postgresql":  # asin() of a rounding error above 1 is an error there (NULL on SQLite)
        a = f.least(a, 1.0)
    return 2 * EARTH_MEAN_RADIUS_M * f.asin(f.sqrt(a))


def within_clause(cls, lat: float, lon: float, km: float, user=None):
    """Rows of ``cls`` within ``km`` of (lat, lon), the spatial index first (a frame of
    degrees), then the geodesic distance in metres. With a ``user`` (listings), a place the
    user may not see counts from its approximate position only."""
    metres = km * 1000.0
    if user is None or not hasattr(cls, "place_hidden_clause"):
        return sa.and_(_in_frame(cls, frame_around(lat, lon, km)), _distance_at_most(cls, lat, lon, metres))
    hidden = cls.place_hidden_clause(user)
    return sa.or_(
        sa.and_(_in_frame(cls, frame_around(lat, lon, km)), sa.not_(hidden), _distance_at_most(cls, lat, lon, metres)),
        sa.and_(_in_approximate_frame(cls, frame_around(lat, lon, km)), hidden,
                _distance_at_most(cls, lat, lon, metres, approximate=True)),
    )


def _in_approximate_frame(cls, frame):
    """Hidden rows whose approximate place lies in the frame (its own index: the place
    may lie a widened cell away from the exact one, which the spatial index holds)."""
    w, s, e, n = (float(x) for x in frame)
    return sa.and_(cls.approx_lat.between(s, n), cls.approx_lon.between(w, e))


def frame_clause(cls, bbox, user):
    """Rows of ``cls`` inside a map view (west, south, east, north): by the approximate
    place where the user may not see the exact one. The spatial index first; the exact
    test on plain columns, which the planner can estimate (PostgreSQL then joins the
    property filters by hash, not row by row)."""
    w, s, e, n = bbox
    hidden = cls.place_hidden_clause(user)
    return sa.or_(
        sa.and_(_in_frame(cls, (w, s, e, n)), sa.not_(hidden),
                cls.lon >= w, cls.lon <= e, cls.lat >= s, cls.lat <= n),
        sa.and_(_in_approximate_frame(cls, (w, s, e, n)), hidden),
    )


def _text_terms(q: str) -> list[str]:
    return [t for t in q.split() if t][:8]


def _like(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def text_condition(cls, q: str):
    """Listings that a typed query finds (``fulltext``: each database's full-text search)."""
    def finds(clause) -> bool:
        return db.session.scalar(sa.select(cls.id).where(cls.status.in_(SEARCHABLE_STATUSES), clause)
                                 .limit(1)) is not None

    def similar(word: str) -> list[str]:
        return fulltext.similar_words_sql(db.session, word)

    return fulltext.condition(cls, fulltext.TextQuery.parse(q), _dialect(), finds, similar)


def text_rank(cls, q: str):
    return fulltext.rank(cls, fulltext.TextQuery.parse(q), _dialect())


def base_conditions(cls, f: Filters, user, with_text: bool = True) -> list:
    """The filters as SQL conditions; ``with_text`` False leaves the typed query out (for
    conditions that imply it: ``fulltext.tiers``)."""
    # The visibility clause comes last: SQLite tests the conditions in the order written,
    # and the cheap, selective filters (category, place) should discard rows first.
    conditions = [cls.status.in_(SEARCHABLE_STATUSES)]
    if with_text and f.q and not fulltext.TextQuery.parse(f.q).empty:
        conditions.append(text_condition(cls, f.q))
    if cls is SideStream:
        if f.category:
            conditions.append(SideStream.category == f.category)
        if f.chapter:
            conditions.append(SideStream.ewc_code.like(f"{f.chapter} %"))
        if f.application:
            # "Suitable for": the engine's documented uses (proven or possible) by the
            # stated material type; a stream without one by its category.
            types, categories = suited(f.application)
            conditions.append(sa.or_(
                SideStream.material_type.in_(types) if types else sa.false(),
                sa.and_(SideStream.material_type.is_(None),
                        SideStream.category.in_(categories) if categories else sa.false())))
        if f.ranges:
            # values the reader may not see neither let a row in nor keep it out
            conditions.append(redaction.values_shown_clause(SideStream, user))
        for r in f.ranges:
            value = sa.and_(MeasuredValue.side_stream_id == SideStream.id, MeasuredValue.property == r.key)
            if r.min is not None:
                value = sa.and_(value, MeasuredValue.value >= r.min)
            if r.max is not None:
                value = sa.and_(value, MeasuredValue.value <= r.max)
            conditions.append(sa.exists().where(value))
    else:
        if f.application:
            conditions.append(MaterialNeed.application == f.application)
    if f.qmin is not None:
        conditions.append(cls.quantity_t_per_year >= f.qmin)
    if f.qmax is not None:
        conditions.append(cls.quantity_t_per_year <= f.qmax)
    if f.point and f.km is not None:
        conditions.append(within_clause(cls, f.point[0], f.point[1], f.km, user))
    if f.bbox:
        conditions.append(frame_clause(cls, f.bbox, user))
    conditions.append(cls.visible_to_clause(user))
    return conditions


@dataclass
class Page:
    items: list
    total: int
    page: int
    pages: int
    distances: dict
    more_than: int | None = None  # counted up to ``COUNTED``: more hits than this


def search(cls, f: Filters, user, *, page_size: int = PAGE_SIZE, paged: bool = True,
           limit: int | None = None, load_details: bool = False, columns_only: tuple | None = None,
           counted: int | None = None):
    """A page of listings (or every one, for exports) matching the filters, the total count,
    and each listing's distance in metres from the search point where there is one.

    With ``columns_only`` (the map: thousands of markers), the items are ``ListingRow``s,
    plain values of those columns and of the organisation's name and status, read without
    ORM instances; they answer the same visibility questions as the listings.

    With ``counted`` (the site's list: ``COUNTED``), a paged search counts its hits up to
    that many (``Page.more_than`` past it) and a typed query's relevance is ranked over
    its first ``counted`` hits, those of the best tiers (``fulltext.tiers``: the code
    typed, the words in the title) first, read along the indexes: the cost is bounded by
    ``counted``, not by the number of hits."""
    typed = bool(f.q) and not fulltext.TextQuery.parse(f.q).empty
    if _dialect() == "postgresql":
        # The geodesic distance's high cost estimate (PostGIS declares 10 000 a call) makes
        # PostgreSQL compile these short queries with JIT, which costs more than the query
        # (70 ms of 150 measured), and plan them in parallel from the wrong end (the
        # property index, 50 000 rows, instead of the place): 140 ms against 65 serial.
        # A typed query: PostgreSQL cannot estimate a substring (ILIKE '%kuona%') and reads
        # every row (seq scan, 650 ms at 100 000 streams for a word found nowhere) instead
        # of the full-text and trigram indexes (12 ms); for this search only.
        db.session.execute(sa.text("SELECT set_config('jit', 'off', true), "
                                   "set_config('max_parallel_workers_per_gather', '0', true), "
                                   "set_config('enable_seqscan', :seqscan, true)"),
                           {"seqscan": "off" if typed else "on"})
    conditions = base_conditions(cls, f, user)
    sort = f.effective_sort
    bounded = bool(paged and counted and typed)
    more_than = None
    if bounded:
        tiers = fulltext.tiers(cls, fulltext.TextQuery.parse(f.q), _dialect()) if sort == "relevance" else []
        hits = _first_hits(cls, conditions, tiers, counted,
                           base_conditions(cls, f, user, with_text=False) if tiers else None)
        total = min(len(hits), counted)
        if len(hits) > counted:
            more_than = counted
        pages = max(1, math.ceil(total / page_size))
        f.page = min(f.page, pages)
        if sort == "relevance":
            # The ids found meet every condition: rank them by id and the rank's columns
            # only, then read the page's rows (distance, organisation, values) for these.
            page_ids = list(db.session.scalars(
                sa.select(cls.id).where(cls.id.in_(hits[:counted]))
                .order_by(text_rank(cls, f.q).desc(), cls.created_at.desc(), cls.id.desc())
                .limit(page_size).offset((f.page - 1) * page_size))) if hits else []
            conditions = [cls.id.in_(page_ids)] if page_ids else [sa.false()]
    distance = None
    # The count rides along the page's own query (one pass over the matches, not two):
    # sorting for the page, or for a map's first MAP_LIMIT markers, reads every match anyway.
    counted_column = sa.func.count().over() if (paged and not bounded) or limit else sa.literal(None)
    if columns_only:
        names = tuple(dict.fromkeys(("id",) + tuple(columns_only) + ListingRow.RULE_COLUMNS))
        columns = [getattr(cls, name) for name in names] + [counted_column.label("total")]
    else:
        columns = [cls, counted_column.label("total")]
    if f.point:
        distance = cls.shown_distance_m_expression(f.point[0], f.point[1], _dialect(), user).label("distance_m")
        columns.append(distance)
    if columns_only:
        query = (sa.select(*columns, Organisation.name, Organisation.verification_status)
                 .join(Organisation, Organisation.id == cls.organisation_id).where(*conditions))
    else:
        query = sa.select(*columns).where(*conditions).options(orm.joinedload(cls.organisation))
    if load_details:
        query = query.options(orm.selectinload(cls.values if cls is SideStream else cls.requirements))
    if sort == "relevance":
        query = query.order_by(text_rank(cls, f.q).desc(), cls.created_at.desc(), cls.id.desc())
    elif sort == "distance" and distance is not None:
        query = query.order_by(distance.asc(), cls.id)
    elif sort == "quantity":
        query = query.order_by(cls.quantity_t_per_year.is_(None), cls.quantity_t_per_year.desc(), cls.id.desc())
    else:
        query = query.order_by(cls.created_at.desc(), cls.id.desc())
    if bounded and sort == "relevance":
        query = query.limit(page_size)  # the page's ids, already paged
    elif paged:
        query = query.limit(page_size).offset((f.page - 1) * page_size)
    elif limit:
        query = query.limit(limit)
    if columns_only:
        rows = _listing_rows(cls, names, db.session.execute(query).all(), distance is not None)
    else:
        rows = db.session.execute(query).unique().all()
    if bounded:
        pass
    elif rows and (paged or limit):
        total = rows[0][1]
    elif not paged:
        total = len(rows)
    else:
        total = db.session.scalar(sa.select(sa.func.count()).select_from(cls).where(*conditions))
        if paged and not rows and total and f.page > 1:  # past the last page: show the last one
            f.page = math.ceil(total / page_size)
            return search(cls, f, user, page_size=page_size, load_details=load_details)
    if typed and _dialect() == "postgresql":
        db.session.execute(sa.text("SELECT set_config('enable_seqscan', 'on', true)"))
    pages = max(1, math.ceil(total / page_size)) if paged else 1
    items = [row[0] for row in rows]
    remember_introductions(items, user)
    distances = {row[0].id: row[2] for row in rows} if distance is not None else {}
    return Page(items=items, total=total, page=min(f.page, pages), pages=pages, distances=distances,
                more_than=more_than)


def _first_hits(cls, conditions: list, tiers: list, counted: int, untyped: list | None = None) -> list[int]:
    """The ids of up to ``counted + 1`` hits, those meeting the first tier's condition
    first (the best ranked, read along their own index: ``fulltext.tiers``), then the
    next tier's, then any. Each query stops at ``counted + 1`` rows, so more than
    ``counted`` ids means more hits than that, and fewer means all of them; a broad word
    or a code whose best tier alone holds more costs one query. A tier implies the typed
    query (the title is in the searched words; a code's streams are found by it), so its
    query takes the other conditions only (``untyped``): SQLite then builds no list of
    every word's hits for it."""
    found: dict[int, None] = {}
    for extra in (*tiers, None):
        if extra is None:
            query = sa.select(cls.id).where(*conditions)
        else:
            # the tier first: SQLite reads the first of equal full-text lists as the driving one
            query = sa.select(cls.id).where(extra, *(conditions if untyped is None else untyped))
        found.update(dict.fromkeys(db.session.scalars(query.limit(counted + 1))))
        if len(found) > counted:
            break
    return list(found)[:counted + 1]


def _listing_rows(cls, names: tuple, result: list, with_distance: bool) -> list[tuple]:
    """(ListingRow, total[, distance]) from the flat rows of a ``columns_only`` query."""
    width = len(names)
    organisations = {}
    rows = []
    for raw in result:
        values = dict(zip(names, raw[:width]))
        organisation_id = values["organisation_id"]
        organisation = organisations.get(organisation_id)
        if organisation is None:
            organisation = organisations[organisation_id] = OrganisationRow(
                organisation_id, raw[-2], raw[-1])
        listing = ListingRow(cls, values, organisation, db.session)
        rows.append((listing, raw[width], raw[width + 1]) if with_distance else (listing, raw[width]))
    return rows


def shown_distance_km(listing, distances: dict, f: Filters, user) -> float | None:
    """The distance shown to this visitor: from the database for listings whose place the
    visitor may see, from the approximate place otherwise (an exact distance would give
    the place away)."""
    if not f.point or listing.id not in distances:
        return None
    if listing.reveals_owner_to(user):
        return distances[listing.id] / 1000.0
    from ..models.listing import great_circle_km

    lat, lon = listing.location_for(user)
    return round(great_circle_km(f.point[0], f.point[1], lat, lon) / 5.0) * 5.0


def my_sites(user) -> list[Site]:
    if not (user and user.is_authenticated and user.organisation_id):
        return []
    return list(db.session.scalars(sa.select(Site).where(Site.organisation_id == user.organisation_id)
                                   .order_by(Site.id)))


def remember_introductions(listings: list, user) -> None:
    """Ask ``introduced_to`` once per listing, not once per rule that needs it.

    ``reveals_owner_to`` and ``location_for`` each ask the model whether a broker has
    introduced the user (one query a listing); a page or a map shows thousands of rows, so
    the model's own answer is kept on each instance for the rest of the request."""
    if not (user and getattr(user, "is_authenticated", False)):
        return
    asking = [l for l in listings
              if l.visibility != "public" and not l.is_owned_by(user) and not user.is_broker]
    if not asking:
        return
    introduced = _introduced_ids(asking, user)
    for listing in asking:
        if introduced is None:
            answer = type(listing).introduced_to(listing, user)
        else:
            answer = listing.id in introduced
        listing.introduced_to = (lambda asked, _answer=answer, _user=user, _listing=listing:
                                 _answer if asked is _user else type(_listing).introduced_to(_listing, asked))


def _introduced_ids(listings: list, user) -> set | None:
    """The ids among ``listings`` whose owner a broker introduced to the user, in one query:
    the same rule as ``ListingMixin.introduced_to`` (a deal with the user's organisation as
    the other party that has passed 'introduced'). None when deals are not there to ask."""
    try:
        from ..models.deal import Deal

        is_stream = listings[0].__tablename__ == "side_stream"
        column = Deal.side_stream_id if is_stream else Deal.need_id
        party = Deal.buyer_id if is_stream else Deal.supplier_id
    except (ImportError, AttributeError):
        return None
    ids = [l.id for l in listings]
    found = set()
    for start in range(0, len(ids), 900):
        found.update(db.session.scalars(sa.select(column).where(
            column.in_(ids[start:start + 900]), party == user.organisation_id,
            Deal.introduced_at.is_not(None))))
    return found
