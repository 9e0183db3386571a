"""API bodies: the contract's records as one viewer may see them, plus read-only fields.

The mapping of ids: ``id`` in an API answer is the site's id of the listing, as a string
("42"); the id a record had in the caller's own system (the contract's ``id`` of a
created or imported record) is kept as ``external_ref`` and shown only to those who
see the owner. Hidden from a viewer, as on the site: ``organisation`` and
``external_ref`` (unless the owner is revealed), the exact location and the place name
(``location_approximate`` is then true), and the measured values (``details_hidden``).
"""
from __future__ import annotations

from flask import url_for

from .. import redaction
from ..listings.records import need_to_record, stream_to_record
from ..models import MaterialNeed, SideStream


def _read_only(listing, viewer, endpoint: str) -> dict:
    extra = {
        "status": listing.status,
        "location_approximate": not redaction.owner_shown(listing, viewer),
        "created_at": redaction.timestamp(listing.created_at, listing, viewer),
        "updated_at": redaction.timestamp(listing.updated_at, listing, viewer),
        "links": {"self": url_for(endpoint, listing_id=listing, _external=True)},
    }
    if redaction.owner_shown(listing, viewer) and listing.external_ref:
        extra["external_ref"] = listing.external_ref
    return extra


def stream_body(stream: SideStream, viewer) -> dict:
    body = stream_to_record(stream, viewer)
    body["id"] = redaction.shown_id(stream, viewer)
    body.update(_read_only(stream, viewer, "api.stream_read"))
    body["details_hidden"] = not stream.shows_details_to(viewer)
    if not body["details_hidden"]:
        body["links"]["matches"] = url_for("api.stream_matches", listing_id=stream, _external=True)
    return body


def need_body(need: MaterialNeed, viewer) -> dict:
    body = need_to_record(need, viewer)
    body["id"] = redaction.shown_id(need, viewer)
    body.update(_read_only(need, viewer, "api.need_read"))
    return body


def listing_body(listing, viewer) -> dict:
    return stream_body(listing, viewer) if isinstance(listing, SideStream) else need_body(listing, viewer)


def match_item(view, listing, viewer) -> dict:
    """One match of ``listing`` (a MatchView from matches.services), in the contract's
    matches item shape plus ``need_id``/``stream_id`` of the pair and the counterpart (each
    id as ``id`` of the listing's own answer: a hidden listing's reference, unless the
    viewer owns it or is a broker)."""
    match, counterpart = view.match, view.counterpart
    revealed = view.organisation_name is not None
    stream, need = (listing, counterpart) if isinstance(listing, SideStream) else (counterpart, listing)
    item = {
        "stream_id": redaction.shown_id(stream, viewer),
        "need_id": redaction.shown_id(need, viewer),
        "score": round(float(match.score), 4),
        "distance_km": round(float(view.distance_km), 1),
        "road_km": round(float(view.road_km), 1),
        "feasible": bool(view.feasible),
        "verified": bool(match.verified),
        "reasons": [text for text, _kind in view.reasons],
        "details_hidden": view.details_hidden,
        "counterpart": {
            "id": redaction.shown_id(counterpart, viewer),
            "kind": "side_stream" if isinstance(counterpart, SideStream) else "need",
            "title": counterpart.title,
        },
    }
    if not view.details_hidden:
        item["missing"] = list(match.missing or [])
        if view.summary:
            item["summary"] = view.summary
        if match.material_type:
            item["material_type"] = match.material_type
            item["material_confidence"] = round(float(match.material_confidence or 0), 3)
    if revealed:
        item["counterpart"]["organisation"] = view.organisation_name
        # transport follows from the road distance, which is hidden where the owner is
        item["transport"] = {"cost_eur_per_t": round(float(view.transport.cost_eur_per_t), 2),
                             "co2_kg_per_t": round(float(view.transport.co2_kg_per_t), 2)}
    return item


def idea_item(idea, stream, viewer) -> dict:
    return {
        "application": idea.application,
        "name": idea.name,
        "score": round(idea.score_pct / 100, 2),
        "feasible": bool(idea.feasible),
        "reasons": [text for text, _kind in idea.reasons],
        "missing": list(idea.missing),
        "needs_nearby": [match_item(view, stream, viewer) for view in idea.needs_nearby],
    }


def blend_item(view, need) -> dict:
    """One blend of ``need`` (a BlendView from matches.services): each stream's share and
    haulage as the reader may see them (a hidden stream's distance rounded, its cost from
    the rounded distance), the blend's delivered cost from those numbers."""
    item = {
        "need_id": str(need.id),
        "cost_eur_per_t": round(view.cost_eur_per_t, 2),
        "co2_kg_per_t": round(view.co2_kg_per_t, 1),
        "no_single_stream": view.no_single,
        "documented_mixture": view.blend.mixture,
        "verified": bool(view.blend.verified),
        "details_hidden": view.details_hidden,
        "components": [],
    }
    for part in view.parts:
        comp = {
            "stream_id": str(part.stream.id), "title": part.stream.title,
            "share": round(part.part.share, 4), "additive": bool(part.part.additive),
            "price_eur_per_t": part.part.price_eur_per_t,
            "road_km": round(part.transport.road_km, 1),
            "transport_cost_eur_per_t": round(part.transport.cost_eur_per_t, 2),
            "delivered_cost_eur_per_t": round(part.delivered_eur_per_t, 2),
            "why": [text for text, _kind in part.adds],
        }
        if part.organisation_name is not None:
            comp["organisation"] = part.organisation_name
        item["components"].append(comp)
    if not view.details_hidden:
        item["binding"] = view.binding
        item["reasons"] = [text for text, _kind in view.reasons]
        item["missing"] = view.missing
    return item


def waste_code_body(entry, language: str) -> dict:
    return {
        "code": entry.code,
        "display_code": entry.display_code,
        "hazardous": bool(entry.hazardous),
        "chapter": entry.chapter,
        "subchapter": entry.subchapter,
        "title": entry.title(language),
        "title_en": entry.title_en,
        "title_fi": entry.title_fi,
        "title_sv": entry.title_sv,
        "mirror": list(entry.mirror or []),
    }


# -- providers and their services ------------------------------------------------------

def _service_links(service) -> dict:
    return {"self": url_for("api.service_read", service_id=service.id, _external=True),
            "provider": url_for("api.provider_read", provider_id=service.provider_id, _external=True),
            "html": url_for("providers.detail", provider_id=service.provider_id, _external=True)}


def service_body(service, distance_km: float | None = None) -> dict:
    """The services export's record (providers.exports.service_record) plus the service's
    descriptions and links. Only for a viewer the service is visible to."""
    from ..providers.exports import service_record

    body = service_record(service, distance_km)
    body["description_fi"] = service.description_fi or ""
    body["description_en"] = service.description_en or ""
    body["links"] = _service_links(service)
    return body


def provider_body(provider) -> dict:
    """A provider with its services and its organisation's sites (as the provider's page)."""
    from ..providers.exports import service_record, site_records

    organisation = provider.organisation
    services = []
    for service in provider.services:
        record = service_record(service)
        del record["provider"], record["sites"]
        record["description_fi"] = service.description_fi or ""
        record["description_en"] = service.description_en or ""
        record["links"] = _service_links(service)
        services.append(record)
    return {
        "id": provider.id,
        "organisation": organisation.name,
        "verified": organisation.is_verified,
        "kinds": list(provider.kinds or ()),
        "themes": list(provider.themes or ()),
        "description_fi": provider.description_fi or "",
        "description_en": provider.description_en or "",
        "sites": site_records(organisation),
        "services": services,
        "links": {"self": url_for("api.provider_read", provider_id=provider.id, _external=True),
                  "html": url_for("providers.detail", provider_id=provider.id, _external=True)},
    }
