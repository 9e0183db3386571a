"""Finding services: filters read from the query string and one query for the list, the
map, the exports and the API, always inside ``ServiceProvider.visible_to_clause(user)``.

A service is offered at its provider's sites; its distance from a point is the distance
to the nearest of them, computed in the database with the listings' spatial helpers
(ST_DWithin on geography with the GiST index on PostGIS, the SpatialIndex table and
ST_Distance(..., 1) on SpatiaLite)."""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import g, has_request_context
from flask_babel import gettext as _
from sqlalchemy import orm

from matching import vocabulary as V

from ..db import db
from ..listings.search import MAX_RADIUS_KM, _like, _text_terms, parse_place_sort_page, within_clause
from ..listings.values import parse_number, unknown_key_message
from ..models import Organisation, ProviderService, ServiceProvider, Site
from ..models.provider_service import PROVIDER_KINDS, SERVICE_KINDS, THEMES
from . import vocabulary

PAGE_SIZE = 25
SORTS = ("distance", "lead_time", "name")
GROUPS = vocabulary.GROUP_ORDER


@dataclass
class ServiceFilters:
    """What the visitor asked for; ``errors`` maps a filter's name to what is wrong with it."""

    q: str = ""
    kind: str = ""
    group: str = ""
    theme: str = ""
    provider_kind: str = ""
    key: str = ""
    near: str = ""
    near_label: str = ""
    km: float | None = None
    point: tuple[float, float] | None = None
    sort: str = ""
    page: int = 1
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def effective_sort(self) -> str:
        if self.sort == "distance" and not self.point:
            return "name"
        return self.sort or ("distance" if self.point else "name")

    def query_args(self, **changes) -> dict:
        args = {"q": self.q, "kind": self.kind, "group": self.group, "theme": self.theme,
                "provider_kind": self.provider_kind, "key": self.key, "near": self.near,
                "km": "" if self.km is None else f"{self.km:g}", "sort": self.sort,
                "page": self.page if self.page > 1 else ""}
        args.update(changes)
        return {k: v for k, v in args.items() if v not in ("", None)}


def _choice(args, name: str, allowed, errors: dict, message: str) -> str:
    value = (args.get(name) or "").strip()
    if value and value not in allowed:
        errors[name] = message
        return ""
    return value


def parse_filters(args, user) -> ServiceFilters:
    """Filters from a query string; bad values are kept in ``errors`` (the page answers 400)."""
    f = ServiceFilters(errors={})
    f.q = (args.get("q") or "").strip()[:200]
    f.kind = _choice(args, "kind", SERVICE_KINDS, f.errors, _("Choose a kind of service from the list."))
    f.group = _choice(args, "group", GROUPS, f.errors, _("Choose a group of services from the list."))
    f.theme = _choice(args, "theme", THEMES, f.errors, _("Choose a theme of the strategy from the list."))
    f.provider_kind = _choice(args, "provider_kind", PROVIDER_KINDS, f.errors,
                              _("Choose a kind of provider from the list."))
    key = (args.get("key") or "").strip()
    if key:
        if not V.is_known(key):
            f.errors["key"] = unknown_key_message(key)
        elif not vocabulary.kinds_measuring(key):
            f.errors["key"] = _("No analysis of the vocabulary measures %(key)s.", key=key)
        else:
            f.key = key
    try:
        f.km = parse_number(args.get("km"))
    except ValueError:
        f.errors["km"] = _("Enter a number.")
    if f.km is not None:
        if f.km < 0:
            f.errors["km"] = _("Must be at least %(minimum)s.", minimum=0)
            f.km = None
        else:
            f.km = min(f.km, MAX_RADIUS_KM)
    parse_place_sort_page(f, args, user, SORTS)
    return f


# -- the query ---------------------------------------------------------------

def _dialect() -> str:
    return db.session.get_bind().dialect.name


def distance_m(column, lat: float, lon: float):
    """Geodesic distance in metres from (lat, lon) to a point column, in the database."""
    point = sa.func.ST_GeomFromText(f"POINT({float(lon)} {float(lat)})", 4326)
    if _dialect() == "postgresql":
        from geoalchemy2 import Geography

        return sa.func.ST_Distance(sa.cast(column, Geography(srid=4326)), sa.cast(point, Geography(srid=4326)))
    return sa.func.ST_Distance(column, point, 1)


def nearest_site_distances(lat: float, lon: float, km: float | None = None):
    """A subquery: each organisation's distance in metres to its nearest site from (lat, lon),
    only organisations with a site within ``km`` when given."""
    # Only the sites of providers' organisations: the search joins on them, and every other
    # organisation's sites (hundreds of sellers and buyers) would be measured for nothing.
    query = (sa.select(Site.organisation_id.label("organisation_id"),
                       sa.func.min(distance_m(Site.location, lat, lon)).label("distance_m"))
             .where(Site.organisation_id.in_(sa.select(ServiceProvider.organisation_id)))
             .group_by(Site.organisation_id))
    if km is not None:
        query = query.where(within_clause(Site, lat, lon, km))
    return query.subquery("nearest_site")


def _text_condition(q: str):
    conditions = []
    for term in _text_terms(q):
        pattern = _like(term)
        conditions.append(sa.or_(
            ProviderService.name_fi.ilike(pattern, escape="\\"),
            ProviderService.name_en.ilike(pattern, escape="\\"),
            ProviderService.description_fi.ilike(pattern, escape="\\"),
            ProviderService.description_en.ilike(pattern, escape="\\"),
            ServiceProvider.description_fi.ilike(pattern, escape="\\"),
            ServiceProvider.description_en.ilike(pattern, escape="\\"),
            Organisation.name.ilike(pattern, escape="\\"),
            *[ProviderService.kind == k for k in _kinds_named(term)],
        ))
    return sa.and_(*conditions)


def _kinds_named(term: str) -> list[str]:
    """Kinds whose name (in either language) or standard holds the term: 'XRF', 'liukoisuus'."""
    term = term.lower()
    found = []
    for name in SERVICE_KINDS:
        record = vocabulary.kind(name)
        text = " ".join([record["name_fi"], record.get("name_sv", ""), record["name_en"], record.get("standard") or ""]).lower()
        if term in text:
            found.append(name)
    return found


def _json_holds(column, value: str):
    """A JSON list column holding ``value``: a LIKE on its text, the quotes included, so that
    it works alike on both databases (the values are plain identifiers)."""
    return sa.cast(column, sa.String).like(f'%"{value}"%')


def conditions(f: ServiceFilters, user, published_only: bool = False) -> list:
    where = [ServiceProvider.visible_to_clause(None if published_only else user)]
    if f.q:
        where.append(_text_condition(f.q))
    if f.kind:
        where.append(ProviderService.kind == f.kind)
    if f.group:
        where.append(ProviderService.kind.in_([k for k in SERVICE_KINDS if vocabulary.kind(k)["group"] == f.group]))
    if f.key:
        where.append(ProviderService.kind.in_(vocabulary.kinds_measuring(f.key)))
    if f.theme:
        where.append(_json_holds(ServiceProvider.themes, f.theme))
    if f.provider_kind:
        where.append(_json_holds(ServiceProvider.kinds, f.provider_kind))
    return where


@dataclass
class ServicePage:
    items: list  # of (ProviderService, distance_km or None)
    total: int
    page: int
    pages: int


def search(f: ServiceFilters, user, *, paged: bool = True, limit: int | None = None,
           published_only: bool = False, page_size: int = PAGE_SIZE, counted: bool = True) -> ServicePage:
    """``counted`` False (an unpaged list that does not show its total): no count query,
    ``total`` is the number of rows read."""
    where = conditions(f, user, published_only)
    distance = nearest = None
    if f.point:
        nearest = nearest_site_distances(f.point[0], f.point[1], f.km)
        distance = nearest.c.distance_m
    columns = [ProviderService] + ([distance] if distance is not None else [])
    query = (sa.select(*columns).select_from(ProviderService)
             .join(ServiceProvider, ProviderService.provider_id == ServiceProvider.id)
             .join(Organisation, Organisation.id == ServiceProvider.organisation_id))
    if nearest is not None:
        join = nearest.c.organisation_id == ServiceProvider.organisation_id
        query = query.join(nearest, join) if f.km is not None else query.outerjoin(nearest, join)
    query = query.where(*where)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) if paged or counted else 0
    sort = f.effective_sort
    if sort == "distance" and distance is not None:
        query = query.order_by(distance.is_(None), distance, ProviderService.lead_time_days, ProviderService.id)
    elif sort == "lead_time":
        query = query.order_by(ProviderService.lead_time_days.is_(None), ProviderService.lead_time_days,
                               ProviderService.id)
    else:
        query = query.order_by(Organisation.name, ProviderService.kind, ProviderService.id)
    query = query.options(orm.contains_eager(ProviderService.provider).contains_eager(ServiceProvider.organisation))
    pages = max(1, math.ceil(total / page_size)) if paged else 1
    page = min(f.page, pages)
    if paged:
        query = query.limit(page_size).offset((page - 1) * page_size)
    elif limit:
        query = query.limit(limit)
    rows = db.session.execute(query).unique().all()
    items = [(row[0], (row[1] / 1000.0 if row[1] is not None else None) if distance is not None else None)
             for row in rows]
    if not (paged or counted):
        total = len(items)
    return ServicePage(items=items, total=total, page=page, pages=pages)


# -- from a gap to a provider --------------------------------------------------

@dataclass
class Offer:
    service: ProviderService
    distance_km: float | None

    @property
    def organisation(self) -> Organisation:
        return self.service.provider.organisation


@dataclass
class GapSuggestion:
    """An analysis that measures some of the missing keys, and the nearest offers of it."""

    kind: str
    keys: list[str]
    offers: list[Offer]


def providers_for_missing(stream, keys, per_kind: int = 3) -> list[GapSuggestion]:
    """For the property keys a match or an idea misses, the analyses that measure them and,
    for each, the ``per_kind`` nearest services of published providers from the stream's
    place (nearest first, then the shortest lead time). Keys that no analysis measures
    (an EWC code, a quantity) are left out."""
    by_kind: dict[str, list[str]] = {}
    for key in keys or ():
        for name in vocabulary.kinds_measuring(key):
            by_kind.setdefault(name, []).append(key)
    suggestions = []
    offered = _kinds_offered()
    for name, kind_keys in sorted(by_kind.items(), key=lambda item: (-len(item[1]), item[0])):
        offers = []
        if name in offered:
            f = ServiceFilters(kind=name, point=(stream.lat, stream.lon), sort="distance")
            page = search(f, None, paged=False, limit=per_kind, published_only=True, counted=False)
            offers = [Offer(service, km) for service, km in page.items]
        suggestions.append(GapSuggestion(kind=name, keys=kind_keys, offers=offers))
    return suggestions


def _kinds_offered() -> set[str]:
    """The kinds of analysis some published provider offers, read once per request: a
    page of match cards asks for providers card by card, and a kind nobody offers needs
    no distance query."""
    offered = g.get("provider_kinds_offered") if has_request_context() else None
    if offered is None:
        offered = set(db.session.scalars(
            sa.select(ProviderService.kind).join(ServiceProvider, ProviderService.provider_id == ServiceProvider.id)
            .where(ServiceProvider.visible_to_clause(None)).distinct()))
        if has_request_context():
            g.provider_kinds_offered = offered
    return offered
