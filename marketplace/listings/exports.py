"""Exits of listings in bulk: the map's GeoJSON and the exports (CSV, XLSX, contract
JSON, GeoJSON) of a filtered list. Each row goes through the model's visibility rules
for the viewer: an anonymous listing's organisation is left out and its place is
approximate; values only for those shown details."""
from __future__ import annotations

import json
from datetime import date

from flask import Response, jsonify, url_for
from flask_babel import gettext as _

from .. import redaction
from ..errors import InvalidInput, NotFound
from ..models import MaterialNeed, SideStream
from ..spreadsheets import csv_file, xlsx_file
from . import tabular
from .importer import EXAMPLE
from .records import need_to_record, stream_to_record
from .search import parse_filters, search

# One map view shows at most this many listings; the page asks to zoom in for the rest.
MAP_LIMIT = 2000
EXPORT_LIMIT = 50000
FORMATS = ("csv", "xlsx", "json", "geojson")
# What a marker shows (read as plain rows, see ``search``; the columns the visibility rules
# read are added there).
_COMMON = ("id", "title", "lat", "lon", "visibility", "quantity_t_per_year")
MAP_COLUMNS = {SideStream: _COMMON + ("category", "ewc_code"), MaterialNeed: _COMMON + ("application",)}


def _detail_url(singular: str):
    """``url_for`` of a listing's detail page, resolved once for a whole collection: the
    listing's id, or the reference of a hidden one (as ``url_for`` builds it)."""
    marker = "987654321"
    prefix, suffix = url_for(f"listings.{singular}_detail", listing_id=marker).split(marker, 1)
    return lambda listing: f"{prefix}{redaction.url_key(listing)}{suffix}"


def _feature(listing, viewer, singular: str, url=None) -> dict:
    owner = listing.reveals_owner_to(viewer)
    lat, lon = listing.location_for(viewer, revealed=owner)
    properties = {
        "id": listing.id if redaction.addressable_by_id(listing, viewer) else redaction.public_ref(listing),
        "title": listing.title,
        "url": url(listing) if url else url_for(f"listings.{singular}_detail", listing_id=listing),
        "organisation": listing.organisation.name if owner else None,
        "approximate": not owner,
        "quantity_t_per_year": listing.quantity_t_per_year,
        "visibility": listing.visibility,
    }
    if singular == "stream":
        properties["category"] = listing.category
        properties["ewc_code"] = listing.ewc_code
    else:
        properties["application"] = listing.application
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": properties}


def _real(user):
    """The user behind Flask-Login's proxy: thousands of rows ask it several questions each."""
    return user._get_current_object() if hasattr(user, "_get_current_object") else user


def geojson_response(cls, args, viewer):
    viewer = _real(viewer)
    filters = parse_filters(args, viewer)
    if filters.errors:
        raise InvalidInput(_("Please correct the filters."), filters.errors)
    page = search(cls, filters, viewer, paged=False, limit=MAP_LIMIT, columns_only=MAP_COLUMNS[cls])
    singular = "stream" if cls is SideStream else "need"
    url = _detail_url(singular)
    body = {"type": "FeatureCollection",
            "features": [_feature(listing, viewer, singular, url) for listing in page.items],
            "total": page.total, "truncated": page.total > len(page.items)}
    response = jsonify(body)
    response.mimetype = "application/geo+json"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def export_response(cls, fmt: str, args, viewer):
    if fmt not in FORMATS:
        raise NotFound()
    viewer = _real(viewer)
    filters = parse_filters(args, viewer)
    if filters.errors:
        raise InvalidInput(_("Please correct the filters."), filters.errors)
    page = search(cls, filters, viewer, paged=False, limit=EXPORT_LIMIT, load_details=True)
    kind = "side_streams" if cls is SideStream else "needs"
    singular = "stream" if cls is SideStream else "need"
    stem = f"sivuvirta-{kind.replace('_', '-')}-{date.today().isoformat()}"
    if fmt == "geojson":
        url = _detail_url(singular)
        body = json.dumps({"type": "FeatureCollection",
                           "features": [_feature(listing, viewer, singular, url) for listing in page.items]},
                          ensure_ascii=False)
        return _download(body.encode("utf-8"), f"{stem}.geojson", "application/geo+json")
    to_record = stream_to_record if cls is SideStream else need_to_record
    records = [to_record(listing, viewer) for listing in page.items]
    if fmt == "json":
        body = json.dumps({kind: records}, ensure_ascii=False, indent=1)
        return _download(body.encode("utf-8"), f"{stem}.json", "application/json")
    header, rows = table(kind, records)
    if fmt == "csv":
        return _download(csv_file(header, rows), f"{stem}.csv", "text/csv; charset=utf-8")
    return _download(xlsx_file({kind: (header, rows)}, freeze="C2"), f"{stem}.xlsx",
                     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def table(kind: str, records: list[dict]) -> tuple[list[str], list[list]]:
    if kind == "side_streams":
        return tabular.stream_header(), [tabular.stream_row(r) for r in records]
    width = max([len(r.get("requirements") or []) for r in records] + [5])
    return tabular.need_header(width), [tabular.need_row(r, width) for r in records]


def _download(body: bytes, filename: str, mimetype: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


def template_file(kind: str, fmt: str) -> Response:
    """An empty import template with one example row (the contract's example records)."""
    records = EXAMPLE[kind]
    if fmt == "json":
        body = json.dumps({kind: records}, ensure_ascii=False, indent=1)
        return _download(body.encode("utf-8"), f"sivuvirta-{kind}-template.json", "application/json")
    header, rows = table(kind, records)
    if fmt == "csv":
        return _download(csv_file(header, rows), f"sivuvirta-{kind}-template.csv",
                         "text/csv; charset=utf-8")
    if fmt == "xlsx":
        return _download(xlsx_file({kind: (header, rows)}, freeze="C2"), f"sivuvirta-{kind}-template.xlsx",
                         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    raise NotFound()


__all__ = ["export_response", "geojson_response", "template_file", "MaterialNeed"]
