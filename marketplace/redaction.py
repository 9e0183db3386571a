"""What a reader may know about a listing: the one place every exit asks.

Pages, search results and their filters, the map, the exports, the API, matches and their
reasons, pairing ideas, mails, attachments and the front page take what they show of a
listing from here. The questions of access themselves (is the listing visible, are its
values and its owner shown) stay the model's (``models.listing.ListingMixin``); this module
turns their answers into what leaves the site:

- the owner hidden: no organisation, site, place text, external reference (an opaque
  reference instead), exact coordinates, or any number computed from them (distances,
  transport cost and CO2, scores), and timestamps only to the day;
- values hidden: no filter on them changes a result;
- files of a hidden owner: a neutral name, and no document information or EXIF.

The approximate place of a hidden listing is chosen when the listing is saved
(``approximate_place``): away from every place of its owner, in a cell wide enough to
hold other organisations too."""
from __future__ import annotations

import base64
import hashlib
import hmac
import io
import math
import re
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from flask_login import current_user
from geoalchemy2.shape import to_shape
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject
from sqlalchemy import event, orm

import matching
from matching import weights as W

from .models import MaterialNeed, SideStream, Site
from .models.listing import APPROXIMATE_LAT_STEP, APPROXIMATE_LON_STEP, _is_broker, great_circle_km
from .security import MAX_ROW_ID, parse_id

# The approximate place of a hidden listing lies at least this far from every place of its
# owner (its sites and its listings' exact places), so that it never points at the owner's
# works (a grid centre 2.6 km from an owner's only site, where its public listings stood,
# named the owner of its anonymous one).
MIN_KM_FROM_OWNER_SITES = 5.0
# The cell the approximate place stands for holds places of at least this many other
# organisations, or has been widened MAX_WIDENINGS times (each doubles its sides).
CROWD = 2
MAX_WIDENINGS = 2
# How far from its approximate place a listing saved before places were chosen may lie:
# the half-diagonal of a 0.1 x 0.2 degree cell at 65 degrees north, rounded up.
GRID_RADIUS_KM = 7.0
# Where the reader may not see where a listing is, distances are rounded to this many km.
HIDDEN_DISTANCE_STEP_KM = 10


# -- the owner, the place, the reference ---------------------------------------

def owner_shown(listing, reader) -> bool:
    """The organisation, its site, the place text, the external reference and the exact place."""
    return listing.reveals_owner_to(reader)


def place_text(listing, reader, revealed: bool | None = None) -> str:
    shown = owner_shown(listing, reader) if revealed is None else revealed
    return (listing.place or "") if shown else ""


# -- opaque references: how a hidden listing is addressed ------------------------------

# ``L-`` and 16 letters of base32: 80 bits, the listing's kind and id enciphered with a key
# derived from SECRET_KEY. 32 of the 80 bits must decipher to zero, so a guessed reference
# names a listing once in about 2**31 tries (and then only one that is shown to the reader).
REF_PATTERN = r"L-[a-z2-7]{16}"
_REF = re.compile(REF_PATTERN + r"\Z")
_KIND_CODES = {"stream": 1, "need": 2}
_ROUNDS = 8


def kind_of(listing_or_class) -> str:
    return "stream" if listing_or_class.__tablename__ == "side_stream" else "need"


def _ref_key() -> bytes:
    return hmac.new(current_app.config["SECRET_KEY"].encode(), b"listing-ref", hashlib.sha256).digest()


def _feistel(block: bytes, decipher: bool = False) -> bytes:
    """A keyed permutation of 10 bytes (a balanced Feistel network, HMAC-SHA256 rounds):
    every id has one reference, and without the key none can be told from another."""
    key = _ref_key()
    left, right = block[:5], block[5:]

    def f(i: int, half: bytes) -> bytes:
        return hmac.new(key, bytes([i]) + half, hashlib.sha256).digest()[:5]

    if not decipher:
        for i in range(_ROUNDS):
            left, right = right, bytes(a ^ b for a, b in zip(left, f(i, right)))
    else:
        for i in reversed(range(_ROUNDS)):
            left, right = bytes(a ^ b for a, b in zip(right, f(i, left))), left
    return left + right


def public_ref(listing) -> str:
    """An opaque, stable reference for a listing (``L-…``): what a hidden listing is
    addressed by in URLs, API answers, exports and mails, so that neither the owner's
    reference nor the order of the database's ids shows."""
    return ref_for(kind_of(listing), listing.id)


def ref_for(kind: str, listing_id: int) -> str:
    plain = bytes(4) + bytes([_KIND_CODES[kind]]) + int(listing_id).to_bytes(5, "big")
    return "L-" + base64.b32encode(_feistel(plain)).decode().lower()


def ref_target(ref) -> tuple[str, int] | None:
    """(kind, id) of a reference made by ``public_ref``; None for anything else."""
    if not isinstance(ref, str) or not _REF.match(ref):
        return None
    plain = _feistel(base64.b32decode(ref[2:].upper()), decipher=True)
    kinds = {code: kind for kind, code in _KIND_CODES.items()}
    if plain[:4] != bytes(4) or plain[4] not in kinds:
        return None
    return kinds[plain[4]], int.from_bytes(plain[5:], "big")


def is_hidden(listing) -> bool:
    return (listing.visibility or "public") != "public"


def addressable_by_id(listing, reader) -> bool:
    """Whether the database's id of a listing may name it to this reader: a public
    listing's to anyone; a hidden one's to its owner and the brokers only (to everyone
    else the id would tell the order in which the owner's listings were made)."""
    if not is_hidden(listing):
        return True
    return _is_broker(reader) or listing.is_owned_by(reader)


def url_key(listing) -> int | str:
    """What a URL carries for a listing, whoever reads it (a link may be forwarded, a mail
    is read by its recipient): the id of a public listing, the reference of a hidden one."""
    return public_ref(listing) if is_hidden(listing) else listing.id


def shown_id(listing, reader) -> str:
    """The ``id`` of a listing in an API answer or a map feature: the database's id to
    those it may name the listing to, the opaque reference to everyone else."""
    return str(listing.id) if addressable_by_id(listing, reader) else public_ref(listing)


def parse_key(text) -> int | str | None:
    """An id (bounded, see ``security.parse_id``) or a reference given in a parameter."""
    text = str(text if text is not None else "").strip()
    if _REF.match(text):
        return text
    return parse_id(text)


def find_listing(session, cls, key, reader):
    """The listing of ``cls`` that ``key`` (an id or a reference) names to this reader, or
    None. A hidden listing's id names it to its owner and the brokers only: to anyone else
    it answers as a listing that does not exist (404, not 403). Whether the reader may see
    the listing at all is the caller's question (``is_visible_to``)."""
    if isinstance(key, str):
        if key.startswith("L-"):
            target = ref_target(key)
            if target is None or target[0] != kind_of(cls):
                return None
            return session.get(cls, target[1])
        key = parse_key(key)
        if key is None or isinstance(key, str):
            return None
    if key > MAX_ROW_ID:
        return None  # no row has it (ids are INTEGER), and PostgreSQL refuses to compare
    listing = session.get(cls, key)
    if listing is None or not addressable_by_id(listing, reader):
        return None
    return listing


def reference(listing, reader) -> str:
    """The record id a reader sees: the owner's reference (or '#<id>' for listings made on
    the site, where the id may name the listing to the reader) when the owner is shown,
    the opaque ``public_ref`` otherwise."""
    if owner_shown(listing, reader) and listing.external_ref:
        return listing.external_ref
    if owner_shown(listing, reader) and addressable_by_id(listing, reader):
        return f"#{listing.id}"
    return public_ref(listing)


def timestamp(value, listing, reader) -> str:
    """ISO 8601 UTC; to the day only where the owner is hidden (listings imported together
    share their second, which would tie them to the owner's public ones)."""
    if not owner_shown(listing, reader):
        value = value.replace(hour=0, minute=0, second=0, microsecond=0)
    return value.isoformat(timespec="seconds") + "Z"


def values_shown_clause(cls, user):
    """Rows whose measured values this user may read (``ListingMixin.shows_details_to``
    among visible rows): a filter on values applies to these only and leaves every other
    row out, so that its answer is the same whatever the hidden values are."""
    if _is_broker(user):
        return sa.true()
    if user is not None and user.is_authenticated and user.in_verified_organisation:
        return sa.true()
    if user is not None and user.is_authenticated and user.organisation_id is not None:
        return cls.organisation_id == user.organisation_id
    return sa.false()


# -- the approximate place ----------------------------------------------------------

@dataclass(frozen=True)
class ApproximatePlace:
    lat: float
    lon: float
    radius_km: float


def cell_of(lat: float, lon: float, widenings: int) -> tuple[float, float, float, float]:
    """(south, west, north, east) of the grid cell holding the place: 0.1 x 0.2 degrees
    (about 11 x 9 km at 65 degrees north), sides doubled ``widenings`` times."""
    d_lat, d_lon = APPROXIMATE_LAT_STEP * 2 ** widenings, APPROXIMATE_LON_STEP * 2 ** widenings
    south, west = math.floor(lat / d_lat) * d_lat, math.floor(lon / d_lon) * d_lon
    return south, west, south + d_lat, west + d_lon


def _candidates(cell) -> list[tuple[float, float]]:
    """Points of the cell on a 5 x 5 lattice, the centre first, then outwards: the same for
    every listing in the cell, so a point says nothing of where in the cell a listing is."""
    south, west, north, east = cell
    fractions = (0.1, 0.3, 0.5, 0.7, 0.9)
    points = [(south + (north - south) * a, west + (east - west) * b) for a in fractions for b in fractions]
    centre = ((south + north) / 2, (west + east) / 2)
    return sorted(points, key=lambda p: (round(great_circle_km(*p, *centre), 6), p))


def _around(places, cell) -> list[tuple[float, float]]:
    """The places that may lie within the minimum distance of a point of the cell (a box
    test first: an owner may have thousands of listings, most of them far away)."""
    south, west, north, east = cell
    d_lat = MIN_KM_FROM_OWNER_SITES / 110.5
    d_lon = MIN_KM_FROM_OWNER_SITES / (111.32 * max(0.05, math.cos(math.radians(max(abs(south), abs(north))))))
    return [p for p in places if south - d_lat <= p[0] <= north + d_lat and west - d_lon <= p[1] <= east + d_lon]


def _nearest_km(point, places) -> float:
    return min((great_circle_km(*point, *o) for o in places), default=math.inf)


def approximate_place(lat: float, lon: float, owner_places, others_in) -> ApproximatePlace:
    """The place shown for a hidden listing at (lat, lon).

    ``owner_places``: (lat, lon) of every site and listing of the owner (this one included);
    ``others_in(cell)``: how many other organisations have a site in a cell. The cell is
    widened until it holds ``CROWD`` others; the point is the first of its lattice points at
    least ``MIN_KM_FROM_OWNER_SITES`` from every owner place (widening further when none is);
    the radius reaches the cell's farthest corner, so the listing lies within it."""
    owner_places = list(owner_places) or [(lat, lon)]
    point = cell = None
    for widenings in range(MAX_WIDENINGS + 1):
        cell = cell_of(lat, lon, widenings)
        if widenings < MAX_WIDENINGS and others_in(cell) < CROWD:
            continue
        near = _around(owner_places, cell)
        far = [p for p in _candidates(cell) if _nearest_km(p, near) >= MIN_KM_FROM_OWNER_SITES]
        if far:
            point = far[0]
            break
    if point is None:  # the owner's places fill the widest cell: its point farthest from them
        point = max(_candidates(cell), key=lambda p: _nearest_km(p, owner_places))
    south, west, north, east = cell
    radius = max(great_circle_km(*point, c_lat, c_lon) for c_lat in (south, north) for c_lon in (west, east))
    return ApproximatePlace(round(point[0], 4), round(point[1], 4), float(math.ceil(radius)))


def _owner_places(session, organisation_id: int) -> list[tuple[float, float]]:
    places = [(lat, lon) for lat, lon in session.execute(
        sa.select(sa.func.ST_Y(Site.location), sa.func.ST_X(Site.location))
        .where(Site.organisation_id == organisation_id))]
    for cls in (SideStream, MaterialNeed):
        places += [tuple(row) for row in session.execute(
            sa.select(cls.lat, cls.lon).where(cls.organisation_id == organisation_id))]
    return places


def _others_counter(session, organisation_id: int):
    """How many other organisations have a site in a cell. Sites, not listings: where the
    organisations are is what the cell must not narrow to one, and the site table is
    small (a query per widening, not a scan of every listing)."""
    counted: dict[tuple, int] = {}

    def others_in(cell) -> int:
        if cell not in counted:
            south, west, north, east = cell
            counted[cell] = session.scalar(sa.select(sa.func.count(sa.distinct(Site.organisation_id))).where(
                sa.func.ST_Y(Site.location).between(south, north), sa.func.ST_X(Site.location).between(west, east),
                Site.organisation_id != organisation_id))
        return counted[cell]
    return others_in


def _moved(obj, names) -> bool:
    state = sa.inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in names)


def _site_point(site) -> tuple[float, float] | None:
    """(lat, lon) of a site, written as EWKT ('SRID=4326;POINT(lon lat)') or read from the database."""
    location = site.location
    if location is None:
        return None
    if isinstance(location, str):
        lon, lat = location.rsplit("(", 1)[-1].rstrip(")").split()
        return float(lat), float(lon)
    point = to_shape(location)
    return point.y, point.x


def place_listing(session, listing, owner_places=None) -> None:
    """Choose and keep the approximate place of a hidden listing."""
    if owner_places is None:
        owner_places = _owner_places(session, listing.organisation_id)
    places = owner_places + [(listing.lat, listing.lon)]
    shown = approximate_place(listing.lat, listing.lon, places, _others_counter(session, listing.organisation_id))
    listing.approx_lat, listing.approx_lon, listing.approx_radius_km = shown.lat, shown.lon, shown.radius_km


def _placed_by_the_old_rule(cls):
    """Hidden rows still showing what the site showed before ``approximate_place`` (the
    migration 5b0c7e2a9d41 gave them the centre of their 0.1 x 0.2 degree grid cell,
    ``round(lat / 0.1) * 0.1``), or no place at all."""
    old_lat = sa.func.round(cls.lat / APPROXIMATE_LAT_STEP) * APPROXIMATE_LAT_STEP
    old_lon = sa.func.round(cls.lon / APPROXIMATE_LON_STEP) * APPROXIMATE_LON_STEP
    return sa.and_(cls.visibility != "public", sa.or_(
        cls.approx_lat.is_(None), cls.approx_lon.is_(None),
        sa.and_(sa.func.abs(cls.approx_lat - old_lat) < 1e-6, sa.func.abs(cls.approx_lon - old_lon) < 1e-6)))


def place_old_hidden_listings(session, batch: int = 500) -> int:
    """Choose the approximate place of every hidden listing that still shows the old one,
    with the current rule; how many were placed. Run by ``sivuvirta db upgrade``: a
    second run finds nothing to do (a point of the current rule is never a corner of the
    grid, except the centre of a doubly widened cell, which is placed again the same)."""
    placed = 0
    for cls in (SideStream, MaterialNeed):
        last_id = 0
        while True:
            rows = session.scalars(sa.select(cls).where(_placed_by_the_old_rule(cls), cls.id > last_id)
                                   .order_by(cls.id).limit(batch)).all()
            if not rows:
                break
            owner_places: dict[int, list] = {}
            for listing in rows:
                if listing.organisation_id not in owner_places:
                    owner_places[listing.organisation_id] = _owner_places(session, listing.organisation_id)
                place_listing(session, listing, owner_places[listing.organisation_id])
            placed += len(rows)
            last_id = rows[-1].id
            session.flush()
    return placed


def _hides_any(session, organisation_id: int) -> bool:
    return any(session.scalar(sa.select(sa.exists().where(cls.organisation_id == organisation_id,
                                                          cls.visibility != "public")))
               for cls in (SideStream, MaterialNeed))


def _neighbours(session, organisation_id: int, lat: float, lon: float) -> list:
    """The owner's hidden listings shown within the minimum distance of a place of theirs."""
    d_lat = MIN_KM_FROM_OWNER_SITES / 111.0
    d_lon = MIN_KM_FROM_OWNER_SITES / (111.32 * max(0.05, math.cos(math.radians(lat))))
    found = []
    for cls in (SideStream, MaterialNeed):
        found += session.scalars(sa.select(cls).where(
            cls.organisation_id == organisation_id, cls.visibility != "public",
            cls.approx_lat.between(lat - d_lat, lat + d_lat), cls.approx_lon.between(lon - d_lon, lon + d_lon))).all()
    return found


def _before_flush(session, _context, _instances) -> None:
    """Keep the approximate places right whoever writes (a form, the API, the importer):
    a hidden listing that is new, moved, given another owner or hidden for the first time
    is placed; so are the owner's hidden listings shown near a new or moved place of the
    owner (a site or another listing)."""
    touched = list(session.new) + list(session.dirty)
    listings = [o for o in touched if isinstance(o, (SideStream, MaterialNeed))
                and o.lat is not None and o.organisation_id is not None]
    sites = [o for o in touched if isinstance(o, Site) and o.organisation_id is not None]
    if not listings and not sites:
        return
    with session.no_autoflush:
        moved = [l for l in listings if l in session.new or _moved(l, ("lat", "lon", "organisation_id"))]
        to_place = [l for l in listings if (l.visibility or "public") != "public" and (l.approx_lat is None or l in moved)]
        new_places = [(l.organisation_id, (l.lat, l.lon)) for l in moved]
        new_places += [(s.organisation_id, _site_point(s)) for s in sites
                       if (s in session.new or _moved(s, ("location",))) and _site_point(s) is not None]
        hiding = {l.organisation_id: True for l in to_place}
        for organisation_id, (lat, lon) in new_places:
            if organisation_id not in hiding:
                hiding[organisation_id] = _hides_any(session, organisation_id)
            if not hiding[organisation_id]:
                continue  # no hidden listing of this owner to keep away from its new place
            to_place += [l for l in _neighbours(session, organisation_id, lat, lon) if l not in to_place]
        owner_places: dict[int, list] = {}
        for listing in to_place:
            organisation_id = listing.organisation_id
            if organisation_id not in owner_places:
                # the database's places and those this flush is about to write
                owner_places[organisation_id] = _owner_places(session, organisation_id) + [
                    place for owner, place in new_places if owner == organisation_id]
            place_listing(session, listing, owner_places[organisation_id])


# Query parameters that name listings, by endpoint (those in paths are found by their
# converters, ``security.ListingKeyConverter``).
QUERY_LISTING_KEYS = {"deals.new": {"side_stream_id": "stream", "need_id": "need"},
                      "providers.request_new": {"stream": "stream"}}
_KIND_ARGUMENTS = {"streams": "stream", "needs": "need"}


def _listing_parameters(app, endpoint: str) -> dict:
    """{argument: kind (or None: the rule's ``kind`` argument tells)} of an endpoint."""
    from .security import ListingKeyConverter

    cache = app.extensions.setdefault("listing_parameters", {})
    if endpoint not in cache:
        found = dict(QUERY_LISTING_KEYS.get(endpoint, {}))
        for rule in app.url_map.iter_rules(endpoint):
            for name, converter in rule._converters.items():
                if isinstance(converter, ListingKeyConverter):
                    found[name] = converter.listing_kind
        cache[endpoint] = found
    return cache[endpoint]


def _keys_in_urls(endpoint: str, values: dict) -> None:
    """Every URL to a hidden listing carries its opaque reference, whoever builds it and
    whatever it is given: a listing, a row of the map or an id (a number is looked up: in
    the session already, as a rule, so without a query). A string is left as it is."""
    from .db import db

    for name, kind in _listing_parameters(current_app, endpoint).items():
        value = values.get(name)
        kind = kind or _KIND_ARGUMENTS.get(values.get("kind"))
        if value is None or isinstance(value, (str, bool)) or kind is None:
            continue
        if isinstance(value, int):
            value = db.session.get(SideStream if kind == "stream" else MaterialNeed, value)
            if value is None:
                continue
        values[name] = ref_for(kind, value.id) if is_hidden(value) else value.id


def install(app) -> None:
    """Listen on every session (the app's, the CLI's, the tests'), once; build every URL to
    a hidden listing with its reference (``_keys_in_urls``); give templates
    ``shown_place(listing)`` (the place text the signed-in reader may see), ``file_name``,
    ``deal_file_name`` and ``request_file_name`` (a file's name as its reader may see it)."""
    if not event.contains(orm.Session, "before_flush", _before_flush):
        event.listen(orm.Session, "before_flush", _before_flush)
    app.url_defaults(_keys_in_urls)
    app.add_template_global(shown_id, "shown_id")
    app.add_template_global(lambda listing: place_text(listing, current_user), "shown_place")
    app.add_template_global(shown_file_name, "file_name")
    app.add_template_global(lambda deal, attachment, reader: shown_file_name(
        attachment, deal_file_revealed(deal, attachment, reader), titled=False), "deal_file_name")
    app.add_template_global(lambda service_request, attachment, reader: shown_file_name(
        attachment, request_file_revealed(service_request, attachment, reader), titled=False), "request_file_name")


def radius_km(listing) -> float:
    """How far from its shown approximate place the listing may lie, km."""
    return listing.approx_radius_km or GRID_RADIUS_KM


# -- matches --------------------------------------------------------------------------

def matching_place(listing) -> tuple[float, float]:
    """Where the engine puts a listing: a hidden listing at its approximate place, so that
    no ranking, feasibility, distance, cost, CO2 or score depends on its exact place, for
    any reader (three needs posted around it cannot place it closer than that)."""
    if listing.visibility == "public":
        return listing.lat, listing.lon
    return listing.location_for(None, revealed=False)


def matching_place_columns(cls):
    """``matching_place`` as columns of a SELECT."""
    hidden = cls.visibility != "public"
    return (sa.case((hidden, cls.approximate_lat()), else_=cls.lat).label("lat"),
            sa.case((hidden, cls.approximate_lon()), else_=cls.lon).label("lon"))


@dataclass(frozen=True)
class Transport:
    """What a reader is told of the way between a match's two places (km, EUR/t, kg CO2/t)."""

    distance_km: float
    road_km: float
    cost_eur_per_t: float
    co2_kg_per_t: float


def _rounded(km: float) -> float:
    return max(HIDDEN_DISTANCE_STEP_KM, round(km / HIDDEN_DISTANCE_STEP_KM) * HIDDEN_DISTANCE_STEP_KM)


def transport(match, revealed: bool) -> Transport:
    """The match's numbers; where the counterpart's place is hidden, the road distance
    rounded to ``HIDDEN_DISTANCE_STEP_KM`` and cost and CO2 computed from that rounded
    distance with the engine's unit rates (``matching.weights``), so no decimal of the
    cost gives back a finer distance."""
    if revealed:
        return Transport(match.distance_km, match.road_km, match.transport_cost_eur_per_t,
                         match.transport_co2_kg_per_t)
    road = _rounded(match.road_km)
    return Transport(_rounded(match.distance_km), road, W.COST_EUR_PER_T_FIXED + road * W.COST_EUR_PER_TKM,
                     road * W.CO2_KG_PER_TKM)


def reason_record(record: dict, numbers: Transport) -> dict:
    """A stored reason with its distance numbers replaced by the reader's ``numbers``:
    transport lines, "too far" lines and the one-line summary, also where one is a part
    of another (a summary's refusal may be "too far")."""
    template = record.get("template")
    params = dict(record.get("params") or {})
    if template == matching.reasons.TRANSPORT:
        params = {"road_km": numbers.road_km, "cost": numbers.cost_eur_per_t, "co2": numbers.co2_kg_per_t}
    elif template in (matching.reasons.TOO_FAR, matching.reasons.SUMMARY):
        params["road_km"] = numbers.road_km
    for name, value in params.items():
        if isinstance(value, dict) and "template" in value:
            params[name] = reason_record(value, numbers)
    return dict(record, params=params)


# -- files ------------------------------------------------------------------------------

EXTENSIONS = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}


def neutral_file_name(attachment) -> str:
    """``<kind>-<opaque>.<ext>``: nothing of the uploader's own name for the file."""
    key = current_app.config["SECRET_KEY"].encode()
    opaque = hmac.new(key, f"attachment:{attachment.id}".encode(), hashlib.sha256).hexdigest()[:10]
    kind = (attachment.kind or "document").replace("_", "-")
    if kind == "other":
        kind = "document"
    return f"{kind}-{opaque}.{EXTENSIONS.get(attachment.content_type, 'bin')}"


def shown_file_name(attachment, revealed: bool, titled: bool = True) -> str:
    """The name a page or mail gives a file: its title where it has one (written for
    readers), else the uploaded name, or the neutral one where the owner is hidden."""
    if titled and attachment.title:
        return attachment.title
    return attachment.filename if revealed else neutral_file_name(attachment)


def deal_file_revealed(deal, attachment, reader) -> bool:
    """A thread file reaches the other party of a deal under the uploader's name for it and
    with its metadata only once the broker has introduced the parties."""
    if _is_broker(reader) or deal.is_introduced:
        return True
    uploader = attachment.uploaded_by
    if uploader is None or uploader.is_broker:
        return True
    return reader is not None and getattr(reader, "organisation_id", None) == uploader.organisation_id


def request_file_revealed(service_request, attachment, reader) -> bool:
    """A file in a service request's thread reaches the provider under the uploader's name
    for it and with its metadata only where the provider may know the stream's owner."""
    if _is_broker(reader) or owner_shown(service_request.side_stream, reader):
        return True
    uploader = attachment.uploaded_by
    if uploader is None or uploader.is_broker:
        return True
    return reader is not None and getattr(reader, "organisation_id", None) == uploader.organisation_id


def download(path, attachment, revealed: bool):
    """(what to send: the stored file, or its bytes stripped; the name to offer)."""
    if revealed:
        return path, attachment.filename
    return io.BytesIO(stripped(path.read_bytes(), attachment.content_type)), neutral_file_name(attachment)


def stripped(data: bytes, content_type: str) -> bytes:
    """The file without what names its maker: a PDF's document information and XMP
    metadata, a JPEG's APP1-APP15 segments (EXIF, XMP, IPTC) and comments, a PNG's text,
    time and EXIF chunks. The content itself is kept."""
    if content_type == "application/pdf":
        return _stripped_pdf(data)
    if content_type == "image/jpeg":
        return _stripped_jpeg(data)
    if content_type == "image/png":
        return _stripped_png(data)
    return data


# A PDF pypdf cannot read is cleaned in place: the strings of the document information
# keys and the XMP packet overwritten with spaces of the same length (offsets stay right).
_PDF_INFO = re.compile(rb"(/(?:Author|Creator|Producer|Title|Subject|Keywords)\s*)(\((?:\\.|[^\\)])*\)|<[0-9A-Fa-f\s]*>)")
_XMP = re.compile(rb"<x:xmpmeta.*?</x:xmpmeta>", re.DOTALL)


def _blanked(match: re.Match, group: int = 0) -> bytes:
    text = match.group(group)
    return text[:1] + b" " * (len(text) - 2) + text[-1:]


def _stripped_pdf(data: bytes) -> bytes:
    try:
        writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    except Exception:  # pypdf raises many kinds on broken files; clean the bytes instead
        data = _PDF_INFO.sub(lambda m: m.group(1) + _blanked(m, 2), data)
        return _XMP.sub(lambda m: b" " * len(m.group(0)), data)
    writer.metadata = None
    writer._root_object.pop(NameObject("/Metadata"), None)
    for page in writer.pages:
        page.pop(NameObject("/Metadata"), None)
        page.pop(NameObject("/PieceInfo"), None)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _stripped_jpeg(data: bytes) -> bytes:
    """Markers up to the start of scan, less APPn (n >= 1) and COM; the rest as it is."""
    out, i = bytearray(data[:2]), 2
    while i + 4 <= len(data) and data[i] == 0xFF:
        marker = data[i + 1]
        if marker == 0xD9:  # end of image without a scan
            break
        length = int.from_bytes(data[i + 2:i + 4], "big")
        segment = data[i:i + 2 + length]
        if not (0xE1 <= marker <= 0xEF or marker == 0xFE):
            out += segment
        i += 2 + length
        if marker == 0xDA:  # start of scan: entropy-coded data to the end
            break
    out += data[i:]
    return bytes(out)


_PNG_DROPPED = {b"tEXt", b"zTXt", b"iTXt", b"tIME", b"eXIf"}


def _stripped_png(data: bytes) -> bytes:
    out, i = bytearray(data[:8]), 8
    while i + 8 <= len(data):
        length = int.from_bytes(data[i:i + 4], "big")
        kind = data[i + 4:i + 8]
        chunk = data[i:i + 12 + length]
        if kind not in _PNG_DROPPED:
            out += chunk
        i += 12 + length
    return bytes(out)
