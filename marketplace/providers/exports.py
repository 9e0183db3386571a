"""Services in bulk: records for the exports (CSV, JSON) and the API, and the map's
GeoJSON (one point a provider's site). Only what ``search`` lets the viewer find."""
from __future__ import annotations

import json
from datetime import date

from flask import Response, jsonify, url_for

from ..errors import InvalidInput, NotFound
from ..listings import tabular
from ..listings.search import site_coordinates
from ..spreadsheets import csv_file
from . import vocabulary
from .search import parse_filters, search

EXPORT_LIMIT = 20000
FORMATS = ("csv", "json")
COLUMNS = ("id", "kind", "kind_name_fi", "kind_name_en", "standard", "measures", "name_fi", "name_en",
           "lead_time_days", "price_basis", "contact", "provider_id", "organisation", "provider_kinds",
           "themes", "places", "distance_km")


def site_records(organisation) -> list[dict]:
    records = []
    for site in organisation.sites:
        lat, lon = site_coordinates(site)
        records.append({"name": site.name, "place": site.place, "lat": round(lat, 6), "lon": round(lon, 6)})
    return records


def service_record(service, distance_km: float | None = None) -> dict:
    provider = service.provider
    record = {
        "id": service.id, "kind": service.kind,
        "kind_name_fi": vocabulary.kind_name(service.kind, "fi"),
        "kind_name_en": vocabulary.kind_name(service.kind, "en"),
        "standard": vocabulary.standard(service.kind),
        "measures": list(vocabulary.measures(service.kind)),
        "name_fi": service.name_fi, "name_en": service.name_en,
        "lead_time_days": service.lead_time_days, "price_basis": service.price_basis,
        "contact": service.contact,
        "provider": {"id": provider.id, "organisation": provider.organisation.name,
                     "kinds": list(provider.kinds or ()), "themes": list(provider.themes or ()),
                     "verified": provider.organisation.is_verified},
        "sites": site_records(provider.organisation),
    }
    if distance_km is not None:
        record["distance_km"] = round(distance_km, 1)
    return record


def _row(record: dict) -> list:
    flat = {**record, "provider_id": record["provider"]["id"], "organisation": record["provider"]["organisation"],
            "provider_kinds": ";".join(record["provider"]["kinds"]), "themes": ";".join(record["provider"]["themes"]),
            "measures": ";".join(record["measures"]),
            "places": ";".join(s["place"] or s["name"] for s in record["sites"])}
    return [tabular._cell(flat.get(column)) for column in COLUMNS]


def _filters_or_400(args, viewer):
    from flask_babel import gettext as _

    filters = parse_filters(args, viewer)
    if filters.errors:
        raise InvalidInput(_("Please correct the filters."), filters.errors)
    return filters


def export_response(fmt: str, args, viewer) -> Response:
    if fmt not in FORMATS:
        raise NotFound()
    filters = _filters_or_400(args, viewer)
    page = search(filters, viewer, paged=False, limit=EXPORT_LIMIT)
    records = [service_record(service, km) for service, km in page.items]
    stem = f"sivuvirta-services-{date.today().isoformat()}"
    if fmt == "json":
        body = json.dumps({"services": records}, ensure_ascii=False, indent=1).encode("utf-8")
        return _download(body, f"{stem}.json", "application/json")
    body = csv_file(list(COLUMNS), [_row(r) for r in records])
    return _download(body, f"{stem}.csv", "text/csv; charset=utf-8")


def _download(body: bytes, filename: str, mimetype: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


def geojson_response(args, viewer, language: str) -> Response:
    filters = _filters_or_400(args, viewer)
    page = search(filters, viewer, paged=False, limit=EXPORT_LIMIT)
    by_provider: dict[int, list] = {}
    for service, _km in page.items:
        by_provider.setdefault(service.provider_id, []).append(service)
    features = []
    for services in by_provider.values():
        provider = services[0].provider
        leads = [s.lead_time_days for s in services if s.lead_time_days is not None]
        for site in site_records(provider.organisation):
            features.append({
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [site["lon"], site["lat"]]},
                "properties": {
                    "provider_id": provider.id, "title": provider.organisation.name,
                    "url": url_for("providers.detail", provider_id=provider.id),
                    "place": site["place"] or site["name"],
                    "services": [s.name(language) for s in services],
                    "shortest_lead_time_days": min(leads) if leads else None,
                },
            })
    response = jsonify({"type": "FeatureCollection", "features": features, "total": len(features)})
    response.mimetype = "application/geo+json"
    response.headers["Cache-Control"] = "private, no-store"
    return response
