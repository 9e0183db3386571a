"""The OpenAPI 3.1 document of /api/v1, built here in one place, and the outline that the
reference page (/api/v1/docs) renders from it.

The interchange contract's JSON Schemas (draft 2020-12, native to OpenAPI 3.1) are
taken as they are from ``matching.contract.load_schema`` and placed under
``components/schemas``; only their ``$ref``s are rewritten to point inside this document.
Answers add read-only members to the contract's records (``*Read`` schemas).
"""
from __future__ import annotations

import copy
import re

from flask import url_for
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from matching import vocabulary as V
from matching.contract import load_schema

from ..models import TOKEN_SCOPES
from ..providers.vocabulary import kinds_measuring
from .search import DEFAULT_SERVICES_PER_PAGE, MAX_PER_PAGE, MAX_SERVICES_PER_PAGE, SERVICE_SORTS, SORTS

CONTRACT = {
    "SideStream": "side-stream.schema.json",
    "MaterialNeed": "material-need.schema.json",
    "Batch": "batch.schema.json",
    "Matches": "matches.schema.json",
}
# Where each reference of the contract's files lands in this document.
_REF_MAP = {
    "#/$defs/values": "#/components/schemas/Values",
    "#/$defs/location": "#/components/schemas/Location",
    "side-stream.schema.json": "#/components/schemas/SideStream",
    "side-stream.schema.json#/$defs/location": "#/components/schemas/Location",
    "side-stream.schema.json#/$defs/values": "#/components/schemas/Values",
    "side-stream.schema.json#/properties/category": "#/components/schemas/SideStream/properties/category",
    "side-stream.schema.json#/properties/ewc_code": "#/components/schemas/SideStream/properties/ewc_code",
    "material-need.schema.json": "#/components/schemas/MaterialNeed",
}

TEXT = {
    "intro": _l(
        "Side streams and material needs of Sivuvirta, their matches and the European List of Waste. "
        "Bodies follow the interchange contract (side-stream and material-need records); answers add "
        "read-only members. In answers, id is the site's id of the listing; the id you give when you "
        "create or import a record is kept as external_ref. Reads of public data need no token; "
        "writes need a personal token of scope read-write (Authorization: Bearer <token>), created "
        "in your account. Errors are RFC 9457 problem details that name the field."),
    "stream_list": _l("Search side streams"),
    "need_list": _l("Search material needs"),
    "stream_read": _l("Read a side stream"),
    "need_read": _l("Read a material need"),
    "stream_create": _l("Create a side stream"),
    "need_create": _l("Create a material need"),
    "stream_replace": _l("Replace a side stream (the whole record)"),
    "need_replace": _l("Replace a material need (the whole record)"),
    "stream_patch": _l("Change some members of a side stream (JSON Merge Patch)"),
    "need_patch": _l("Change some members of a material need (JSON Merge Patch)"),
    "stream_close": _l("Close a side stream"),
    "need_close": _l("Close a material need"),
    "stream_publish": _l("Publish a draft side stream"),
    "need_publish": _l("Publish a draft material need"),
    "stream_matches": _l("Matches of a side stream (its owner and brokers)"),
    "need_matches": _l("Matches of a material need (its owner and brokers)"),
    "stream_ideas": _l("Pairing ideas of a side stream: uses it could serve"),
    "need_blends": _l("Blends of two or three side streams for a need, cheapest delivered first"),
    "batch_import": _l("Import side streams and needs, all or nothing"),
    "waste_code_list": _l("Search the European List of Waste in Finnish and English"),
    "waste_code_read": _l("One entry of the European List of Waste"),
    "service_list": _l("Search the services of providers (laboratories, pilot plants, hauliers...)"),
    "service_read": _l("Read a service of a provider"),
    "provider_read": _l("Read a provider with its services and sites"),
    "me": _l("Who the token belongs to"),
    "index": _l("Links to the parts of the API"),
    "openapi": _l("This OpenAPI document"),
}


def _rewrite(node):
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key in ("$schema", "$id"):
                continue
            if key == "$ref":
                out[key] = _REF_MAP[value]
            else:
                out[key] = _rewrite(value)
        return out
    if isinstance(node, list):
        return [_rewrite(v) for v in node]
    return node


def contract_schemas() -> dict:
    """The contract's schemas as components, with their $defs lifted to Values and Location."""
    out = {}
    for name, filename in CONTRACT.items():
        schema = _rewrite(load_schema(filename))
        defs = schema.pop("$defs", {})
        if name == "SideStream":
            out["Values"] = defs["values"]
            out["Location"] = defs["location"]
        out[name] = schema
    return out


_READ_ONLY_MEMBERS = {
    "id": {"type": "string", "pattern": "^([0-9]+|L-[a-z2-7]{16})$",
           "description": "The site's id of the listing (\"42\"); for a listing whose owner is hidden from "
                          "the reader (anonymous or brokered, read by anyone but its owner and the "
                          "brokers), an opaque reference (\"L-…\"): stable, in no order."},
    "external_ref": {"type": "string", "readOnly": True,
                     "description": "The id the record had when it was created or imported; "
                                    "shown only to those who see the owner."},
    "status": {"enum": ["draft", "active", "reserved", "closed"], "readOnly": True},
    "location_approximate": {"type": "boolean", "readOnly": True,
                             "description": "True where the location is the listing's approximate place "
                                            "(chosen away from its owner's sites) because the owner is not "
                                            "revealed to you."},
    "created_at": {"type": "string", "format": "date-time", "readOnly": True},
    "updated_at": {"type": "string", "format": "date-time", "readOnly": True},
    "distance_km": {"type": "number", "minimum": 0, "readOnly": True,
                    "description": "From near=, where given (from the approximate location where that is "
                                   "what you see)."},
    "links": {"type": "object", "readOnly": True, "additionalProperties": {"type": "string"}},
}


def _read_schema(contract: dict, title: str, extra: dict) -> dict:
    schema = copy.deepcopy(contract)
    schema["title"] = title
    schema["properties"].update(copy.deepcopy(_READ_ONLY_MEMBERS))
    schema["properties"].update(extra)
    schema["required"] = sorted(set(schema["required"]) | {"status", "location_approximate", "links"})
    return schema


def _page(item_ref: str, extra: dict | None = None) -> dict:
    schema = {
        "type": "object",
        "required": ["items", "total", "page", "per_page", "links"],
        "properties": {
            "items": {"type": "array", "items": {"$ref": item_ref}},
            "total": {"type": "integer", "minimum": 0},
            "page": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "minimum": 1},
            "links": {"$ref": "#/components/schemas/PageLinks"},
        },
    }
    schema["properties"].update(extra or {})
    return schema


def schemas() -> dict:
    out = contract_schemas()
    out["SideStreamRead"] = _read_schema(out["SideStream"], "Side stream (answer)", {
        "details_hidden": {"type": "boolean", "readOnly": True,
                           "description": "True where the measured values are not shown to you."},
    })
    out["MaterialNeedRead"] = _read_schema(out["MaterialNeed"], "Material need (answer)", {})
    out["PageLinks"] = {
        "type": "object", "required": ["self"],
        "properties": {"self": {"type": "string"}, "next": {"type": ["string", "null"]},
                       "prev": {"type": ["string", "null"]}},
    }
    out["SideStreamPage"] = _page("#/components/schemas/SideStreamRead", {"pages": {"type": "integer"}})
    out["MaterialNeedPage"] = _page("#/components/schemas/MaterialNeedRead", {"pages": {"type": "integer"}})
    out["Match"] = {
        "description": "An item of the contract's matches (matches.schema.json), with both ids of the pair.",
        "allOf": [{"$ref": "#/components/schemas/Matches/properties/matches/additionalProperties/items"}],
        "type": "object",
        "required": ["stream_id", "need_id", "details_hidden", "counterpart"],
        "properties": {
            "need_id": {"type": "string"},
            "road_km": {"type": "number", "minimum": 0},
            "verified": {"type": "boolean", "description": "Every required property has a measured value."},
            "details_hidden": {"type": "boolean",
                               "description": "True where the counterpart's values are not shown to you: "
                                              "reasons and missing are then left out."},
            "counterpart": {
                "type": "object", "required": ["id", "kind", "title"],
                "properties": {"id": {"type": "string"}, "kind": {"enum": ["side_stream", "need"]},
                               "title": {"type": "string"},
                               "organisation": {"type": "string",
                                                "description": "Only where the owner is revealed to you."}},
            },
        },
    }
    out["MatchList"] = {"type": "object", "required": ["items"],
                        "properties": {"items": {"type": "array", "items": {"$ref": "#/components/schemas/Match"}}}}
    out["PairingIdea"] = {
        "type": "object", "required": ["application", "name", "score", "feasible", "reasons", "missing", "needs_nearby"],
        "properties": {
            "application": {"$ref": "#/components/schemas/MaterialNeed/properties/application"},
            "name": {"type": "string"},
            "score": {"type": "number", "minimum": 0, "maximum": 1},
            "feasible": {"type": "boolean"},
            "reasons": {"type": "array", "items": {"type": "string"}},
            "missing": {"type": "array", "items": {"type": "string"}},
            "needs_nearby": {"type": "array", "items": {"$ref": "#/components/schemas/Match"}},
        },
    }
    out["PairingIdeaList"] = {"type": "object", "required": ["items"], "properties": {
        "items": {"type": "array", "items": {"$ref": "#/components/schemas/PairingIdea"}}}}
    out["BlendComponent"] = {
        "type": "object",
        "required": ["stream_id", "title", "share", "additive", "price_eur_per_t", "road_km",
                     "transport_cost_eur_per_t", "delivered_cost_eur_per_t", "why"],
        "properties": {
            "stream_id": {"type": "string"}, "title": {"type": "string"},
            "share": {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1},
            "additive": {"type": "boolean", "description": "Under 5 % of the blend: an additive."},
            "price_eur_per_t": {"type": ["number", "null"]},
            "road_km": {"type": "number", "description": "Rounded to 10 km where the owner is hidden."},
            "transport_cost_eur_per_t": {"type": "number"},
            "delivered_cost_eur_per_t": {"type": "number"},
            "why": {"type": "array", "items": {"type": "string"}},
            "organisation": {"type": "string", "description": "Only where the owner is revealed to you."},
        },
    }
    out["Blend"] = {
        "type": "object",
        "required": ["need_id", "cost_eur_per_t", "co2_kg_per_t", "no_single_stream", "documented_mixture",
                     "verified", "details_hidden", "components"],
        "properties": {
            "need_id": {"type": "string"},
            "cost_eur_per_t": {"type": "number"}, "co2_kg_per_t": {"type": "number"},
            "no_single_stream": {"type": "boolean",
                                 "description": "No analysed single stream meets the need; otherwise the blend is "
                                                "cheaper delivered than the best one."},
            "documented_mixture": {"type": ["string", "null"]},
            "verified": {"type": "boolean"}, "details_hidden": {"type": "boolean"},
            "components": {"type": "array", "items": {"$ref": "#/components/schemas/BlendComponent"}},
            "binding": {"type": ["string", "null"]},
            "reasons": {"type": "array", "items": {"type": "string"}},
            "missing": {"type": "array", "items": {"type": "string"}},
        },
    }
    out["BlendList"] = {"type": "object", "required": ["items"], "properties": {
        "items": {"type": "array", "items": {"$ref": "#/components/schemas/Blend"}}}}
    out["WasteCode"] = {
        "type": "object", "required": ["code", "display_code", "hazardous", "chapter", "subchapter", "title", "title_en"],
        "properties": {
            "code": {"type": "string", "pattern": "^[0-9]{2} [0-9]{2} [0-9]{2}$"},
            "display_code": {"type": "string", "description": "With * for a hazardous entry."},
            "hazardous": {"type": "boolean"},
            "chapter": {"type": "string"},
            "subchapter": {"type": "string"},
            "title": {"type": "string", "description": "In the language of the answer (Accept-Language)."},
            "title_en": {"type": "string"},
            "title_fi": {"type": ["string", "null"]},
            "title_sv": {"type": ["string", "null"]},
            "mirror": {"type": "array", "items": {"type": "string"},
                       "description": "The other entry of a mirror pair."},
        },
    }
    out["WasteCodePage"] = _page("#/components/schemas/WasteCode")
    out["ImportResult"] = {
        "type": "object",
        "description": "Per kind, each record of the batch: its id in the batch (record) and the site's id.",
        "properties": {kind: {"type": "array", "items": {
            "type": "object", "required": ["record", "id", "created", "status"],
            "properties": {"record": {"type": "string"}, "id": {"type": "string"}, "created": {"type": "boolean"},
                           "status": {"enum": ["draft", "active", "reserved", "closed"]}}}}
            for kind in ("side_streams", "needs")},
    }
    out["ImportResult"]["properties"]["dry_run"] = {
        "type": "boolean", "description": "True: everything was checked and nothing written."}
    out["ImportResult"]["required"] = ["dry_run"]
    out.update(_service_schemas())
    out["Me"] = {
        "type": "object", "required": ["id", "role", "email"],
        "properties": {
            "id": {"type": "string"}, "name": {"type": "string"}, "email": {"type": "string"},
            "role": {"enum": ["member", "org_admin", "broker", "admin"]},
            "organisation": {"type": ["string", "null"]},
            "token": {"type": ["object", "null"], "properties": {
                "name": {"type": "string"}, "prefix": {"type": "string"}, "scope": {"enum": list(TOKEN_SCOPES)},
                "expires_at": {"type": ["string", "null"]}}},
        },
    }
    out["Index"] = {"type": "object", "required": ["name", "links"], "properties": {
        "name": {"type": "string"}, "version": {"type": "string"},
        "links": {"type": "object", "additionalProperties": {"type": "string"}}}}
    out["Problem"] = {
        "type": "object",
        "description": "RFC 9457 problem details.",
        "required": ["type", "title", "status"],
        "properties": {
            "type": {"type": "string"},
            "title": {"type": "string"},
            "status": {"type": "integer"},
            "detail": {"type": "string"},
            "errors": {"type": "array", "items": {
                "type": "object", "required": ["field", "message"],
                "properties": {
                    "field": {"type": "string", "description": "In the contract's dotted form, e.g. "
                                                               "composition.SiO2 or requirements[1].min; "
                                                               "for query parameters, the parameter."},
                    "message": {"type": "string"},
                    "record": {"type": "string", "description": "Batch import: the record's id."},
                    "kind": {"enum": ["side_streams", "needs"]},
                    "index": {"type": "integer", "minimum": 0},
                }}},
        },
    }
    return out


def _service_schemas() -> dict:
    from ..models import PROVIDER_KINDS, SERVICE_KINDS, THEMES

    site = {"type": "object", "required": ["name", "place", "lat", "lon"],
            "description": "A site of the provider's organisation: where its services are offered.",
            "properties": {"name": {"type": "string"}, "place": {"type": "string"},
                           "lat": {"type": "number", "minimum": -90, "maximum": 90},
                           "lon": {"type": "number", "minimum": -180, "maximum": 180}}}
    links = {"type": "object", "additionalProperties": {"type": "string"},
             "description": "self, provider (the API) and html (the provider's page on the site)."}
    summary_members = {
        "id": {"type": "integer", "description": "The site's id of the service."},
        "kind": {"enum": list(SERVICE_KINDS), "description": "The kind of service, from the vocabulary."},
        "kind_name_fi": {"type": "string"},
        "kind_name_en": {"type": "string"},
        "standard": {"type": ["string", "null"], "description": "The standard the analysis follows."},
        "measures": {"type": "array", "items": {"type": "string"},
                     "description": "The property keys an analysis measures (empty for other services)."},
        "name_fi": {"type": "string"},
        "name_en": {"type": "string"},
        "description_fi": {"type": "string"},
        "description_en": {"type": "string"},
        "lead_time_days": {"type": ["integer", "null"], "minimum": 0},
        "price_basis": {"type": "string"},
        "contact": {"type": "string"},
        "links": links,
    }
    summary_required = ["id", "kind", "kind_name_fi", "kind_name_en", "standard", "measures", "name_fi",
                        "name_en", "lead_time_days", "price_basis", "contact", "links"]
    provider_kinds = {"type": "array", "items": {"enum": list(PROVIDER_KINDS)}}
    themes = {"type": "array", "items": {"enum": list(THEMES)}}
    out = {"ProviderSite": site}
    out["ServiceSummary"] = {"type": "object", "title": "Service of a provider (within the provider)",
                             "required": summary_required, "properties": summary_members}
    out["ServiceRead"] = {
        "type": "object", "title": "Service of a provider (answer)", "required": summary_required + ["provider", "sites"],
        "properties": {
            **copy.deepcopy(summary_members),
            "provider": {"type": "object", "required": ["id", "organisation", "kinds", "themes", "verified"],
                         "properties": {"id": {"type": "integer"}, "organisation": {"type": "string"},
                                        "kinds": provider_kinds, "themes": themes,
                                        "verified": {"type": "boolean",
                                                     "description": "False only for the provider's own members "
                                                                    "and brokers: others do not see it."}}},
            "sites": {"type": "array", "items": {"$ref": "#/components/schemas/ProviderSite"}},
            "distance_km": {"type": "number", "minimum": 0,
                            "description": "From near= to the provider's nearest site, where given."},
        },
    }
    out["ServicePage"] = _page("#/components/schemas/ServiceRead", {"pages": {"type": "integer"}})
    out["ProviderRead"] = {
        "type": "object", "title": "Provider of services (answer)",
        "required": ["id", "organisation", "verified", "kinds", "themes", "description_fi", "description_en",
                     "sites", "services", "links"],
        "properties": {
            "id": {"type": "integer", "description": "The site's id of the provider."},
            "organisation": {"type": "string"},
            "verified": {"type": "boolean", "description": "The organisation is verified: the provider is public."},
            "kinds": provider_kinds,
            "themes": themes,
            "description_fi": {"type": "string"},
            "description_en": {"type": "string"},
            "sites": {"type": "array", "items": {"$ref": "#/components/schemas/ProviderSite"}},
            "services": {"type": "array", "items": {"$ref": "#/components/schemas/ServiceSummary"}},
            "links": {"type": "object", "additionalProperties": {"type": "string"}},
        },
    }
    return out


def _problem(description: str) -> dict:
    return {"description": description,
            "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}


RESPONSES = {
    "BadRequest": _problem("The request has errors; errors names each field."),
    "Unauthorized": {**_problem("No token where one is needed, or a wrong, expired or revoked token."),
                     "headers": {"WWW-Authenticate": {"schema": {"type": "string"}}}},
    "Forbidden": _problem("The token's scope or the user's role does not allow this."),
    "NotFound": _problem("No such thing, or it is not shown to you."),
    "Conflict": _problem("The reference is already used by another listing of the organisation."),
    "TooManyRequests": {**_problem("Over the rate limit; Retry-After says how many seconds to wait."),
                        "headers": {"Retry-After": {"schema": {"type": "string"}}}},
}


def _json(ref: str, description: str = "OK") -> dict:
    return {"description": description, "content": {"application/json": {"schema": {"$ref": ref}}}}


def _errors(*codes) -> dict:
    names = {400: "BadRequest", 401: "Unauthorized", 403: "Forbidden", 404: "NotFound", 409: "Conflict",
             429: "TooManyRequests"}
    return {str(code): {"$ref": f"#/components/responses/{names[code]}"} for code in codes}


def _param(name: str, description: str, schema: dict, where: str = "query", **more) -> dict:
    return {"name": name, "in": where, "description": description, "schema": schema,
            "required": where == "path", **more}


LISTING_ID = _param(
    "listing_id", "The listing's `id`: the site's id (`42`), or the opaque reference (`L-…`) that "
    "answers give for a listing whose owner is hidden from the reader. A hidden listing's site "
    "id names it only to its owner and the brokers (404 for everyone else).",
    {"type": "string", "pattern": "^([0-9]{1,19}|L-[a-z2-7]{16})$"}, "path")
PAGING = [
    _param("page", "Page number, from 1.", {"type": "integer", "minimum": 1, "maximum": 10000}),
    _param("per_page", f"Listings a page, 1 to {MAX_PER_PAGE} (default 20).",
           {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE}),
]


# Query parameters whose every valid value the search accepts (tests/api/test_openapi.py runs
# Schemathesis' positive and negative checks on them): a bound is a decimal number with a dot.
_BOUND = r"[0-9]+(\.[0-9]+)?"
# A place name (no colon), which may name no known place (404), or site:<id> of one of your sites.
NEAR = {"type": "string", "maxLength": 200, "pattern": r"^([^:]*|site:[0-9]{1,18})$"}


def prop_pattern() -> str:
    """KEY:MIN:MAX with a key of the vocabulary and at least one bound."""
    keys = "|".join(re.escape(key) for key in sorted(V.ALL_KEYS, key=lambda k: (-len(k), k)))
    return rf"^({keys}):({_BOUND}:({_BOUND})?|:{_BOUND})$"


def _search_parameters(kind: str) -> list[dict]:
    from ..models import APPLICATIONS, CATEGORIES

    parameters = [
        _param("q", "Free text in Finnish, Swedish or English: every word (its inflections, compounds and near spellings) in the title, description, category, material type, industry or List of Waste code and title; a code (10 02 02 or 100202) finds its listings first.",
               {"type": "string", "maxLength": 200}),
        _param("application", "Use: needs of this application; side streams of a category the use takes.",
               {"enum": list(APPLICATIONS)}),
    ]
    if kind == "stream":
        parameters += [
            _param("category", "Category of the stream.", {"enum": list(CATEGORIES)}),
            _param("chapter", "Chapter of the List of Waste (two digits, e.g. 10).",
                   {"type": "string", "pattern": "^[0-9]{2}$"}),
            _param("prop", "A property range KEY:MIN:MAX, KEY a key of the vocabulary, in its unit; either "
                           "bound may be empty, not both (prop=CaO:30: is CaO at least 30 wt%). Repeat for several.",
                   {"type": "array", "items": {"type": "string", "pattern": prop_pattern()}},
                   style="form", explode=True),
        ]
    parameters += [
        _param("qmin", "Quantity at least, t/a.", {"type": "number", "minimum": 0}),
        _param("qmax", "Quantity at most, t/a.", {"type": "number", "minimum": 0}),
        _param("near", "Search around: lat,lon in WGS 84 degrees, a place name (Kemi) or site:<id> of one of "
                       "your organisation's sites. A place that is not found, or a site that is not yours, "
                       "answers 404.", NEAR),
        _param("radius_km", "With near: only listings within this many km (at most 2000); ignored without near.",
               {"type": "number", "exclusiveMinimum": 0, "maximum": 2000}),
        _param("sort", "relevance (with q), distance (with near), date (newest first) or quantity.",
               {"enum": list(SORTS)}),
    ]
    return parameters + PAGING


def _listing_paths(plural: str, kind: str, record: str, read: str, page: str) -> dict:
    prefix = "stream" if kind == "stream" else "need"
    record_ref, read_ref = f"#/components/schemas/{record}", f"#/components/schemas/{read}"
    write = [{"bearerAuth": []}]
    paths = {
        f"/{plural}": {
            "get": {"operationId": f"{prefix}_list", "summary": str(TEXT[f"{prefix}_list"]),
                    "parameters": _search_parameters(kind),
                    "responses": {"200": _json(f"#/components/schemas/{page}"), **_errors(400, 401, 404, 429)}},
            "post": {"operationId": f"{prefix}_create", "summary": str(TEXT[f"{prefix}_create"]),
                     "security": write,
                     "parameters": [_param("draft", "true: keep it as a draft, unpublished.", {"type": "boolean"})],
                     "requestBody": {"required": True, "content": {"application/json": {"schema": {"$ref": record_ref}}}},
                     "responses": {"201": {**_json(read_ref, "Created"),
                                           "headers": {"Location": {"schema": {"type": "string"}}}},
                                   **_errors(400, 401, 403, 409, 429)}},
        },
        f"/{plural}/{{listing_id}}": {
            "parameters": [LISTING_ID],
            "get": {"operationId": f"{prefix}_read", "summary": str(TEXT[f"{prefix}_read"]),
                    "responses": {"200": _json(read_ref), **_errors(401, 404, 429)}},
            "put": {"operationId": f"{prefix}_replace", "summary": str(TEXT[f"{prefix}_replace"]),
                    "security": write,
                    "requestBody": {"required": True, "content": {"application/json": {"schema": {"$ref": record_ref}}}},
                    "responses": {"200": _json(read_ref), **_errors(400, 401, 403, 404, 409, 429)}},
            "patch": {"operationId": f"{prefix}_patch", "summary": str(TEXT[f"{prefix}_patch"]),
                      "security": write,
                      "requestBody": {"required": True, "content": {
                          "application/merge-patch+json": {"schema": {"type": "object"}},
                          "application/json": {"schema": {"type": "object"}}}},
                      "responses": {"200": _json(read_ref), **_errors(400, 401, 403, 404, 409, 429)}},
        },
        f"/{plural}/{{listing_id}}/close": {
            "parameters": [LISTING_ID],
            "post": {"operationId": f"{prefix}_close", "summary": str(TEXT[f"{prefix}_close"]), "security": write,
                     "responses": {"200": _json(read_ref), **_errors(400, 401, 403, 404, 429)}},
        },
        f"/{plural}/{{listing_id}}/publish": {
            "parameters": [LISTING_ID],
            "post": {"operationId": f"{prefix}_publish", "summary": str(TEXT[f"{prefix}_publish"]), "security": write,
                     "responses": {"200": _json(read_ref), **_errors(400, 401, 403, 404, 429)}},
        },
        f"/{plural}/{{listing_id}}/matches": {
            "parameters": [LISTING_ID],
            "get": {"operationId": f"{prefix}_matches", "summary": str(TEXT[f"{prefix}_matches"]),
                    "parameters": [_param("limit", "At most this many, 1 to 50 (default 20).",
                                          {"type": "integer", "minimum": 1, "maximum": 50})],
                    "responses": {"200": _json("#/components/schemas/MatchList"), **_errors(400, 401, 403, 404, 429)}},
        },
    }
    if kind == "need":
        paths[f"/{plural}/{{listing_id}}/blends"] = {
            "parameters": [LISTING_ID],
            "get": {"operationId": "need_blends", "summary": str(TEXT["need_blends"]),
                    "parameters": [_param("limit", "At most this many, 1 to 3 (default 3).",
                                          {"type": "integer", "minimum": 1, "maximum": 3})],
                    "responses": {"200": _json("#/components/schemas/BlendList"),
                                  **_errors(400, 401, 403, 404, 429)}},
        }
    if kind == "stream":
        paths[f"/{plural}/{{listing_id}}/pairing-ideas"] = {
            "parameters": [LISTING_ID],
            "get": {"operationId": "stream_ideas", "summary": str(TEXT["stream_ideas"]),
                    "parameters": [_param("top", "At most this many uses, 1 to 10 (default 5).",
                                          {"type": "integer", "minimum": 1, "maximum": 10})],
                    "responses": {"200": _json("#/components/schemas/PairingIdeaList"),
                                  **_errors(400, 401, 403, 404, 429)}},
        }
    return paths


def _service_parameters() -> list[dict]:
    from ..models import PROVIDER_KINDS, SERVICE_KINDS, THEMES
    from ..providers.search import GROUPS

    return [
        _param("q", "Free text, in Finnish or English: every word in the service's name or description, the "
                    "provider's description or organisation, or the name or standard of a kind (XRF).",
               {"type": "string", "maxLength": 200}),
        _param("kind", "Kind of service.", {"enum": list(SERVICE_KINDS)}),
        _param("group", "Group of kinds of service.",
               {"enum": list(GROUPS)}),
        _param("theme", "Theme of the regional strategy the provider works on.", {"enum": list(THEMES)}),
        _param("provider_kind", "Kind of provider.", {"enum": list(PROVIDER_KINDS)}),
        _param("key", "Analyses that measure this property key of the vocabulary (CaO, leach:Mo).",
               {"enum": [key for key in V.ALL_KEYS if kinds_measuring(key)]}),
        _param("near", "Search around: lat,lon in WGS 84 degrees, a place name (Kemi) or site:<id> of one of "
                       "your organisation's sites. The distance is to the provider's nearest site. A place "
                       "that is not found, or a site that is not yours, answers 404.", NEAR),
        _param("radius_km", "With near: only services with a site within this many km (at most 2000); "
                            "ignored without near.",
               {"type": "number", "minimum": 0, "maximum": 2000}),
        _param("sort", "distance (with near; the default there), lead_time or name (the default).",
               {"enum": list(SERVICE_SORTS)}),
        _param("page", "Page number, from 1.", {"type": "integer", "minimum": 1, "maximum": 10000}),
        _param("per_page", f"Services a page, 1 to {MAX_SERVICES_PER_PAGE} (default {DEFAULT_SERVICES_PER_PAGE}).",
               {"type": "integer", "minimum": 1, "maximum": MAX_SERVICES_PER_PAGE}),
    ]


def _service_paths() -> dict:
    visibility = ("A provider of an organisation that no broker has verified, and its services, are shown only "
                  "to the organisation's members and the brokers (404 to others), as on the site.")
    return {
        "/services": {"get": {
            "operationId": "service_list", "summary": str(TEXT["service_list"]), "description": visibility,
            "parameters": _service_parameters(),
            "responses": {"200": _json("#/components/schemas/ServicePage"), **_errors(400, 401, 404, 429)}}},
        "/services/{service_id}": {
            "parameters": [_param("service_id", "The site's id of the service.", {"type": "integer", "minimum": 0},
                                  "path")],
            "get": {"operationId": "service_read", "summary": str(TEXT["service_read"]), "description": visibility,
                    "responses": {"200": _json("#/components/schemas/ServiceRead"), **_errors(401, 404, 429)}}},
        "/providers/{provider_id}": {
            "parameters": [_param("provider_id", "The site's id of the provider.", {"type": "integer", "minimum": 0},
                                  "path")],
            "get": {"operationId": "provider_read", "summary": str(TEXT["provider_read"]), "description": visibility,
                    "responses": {"200": _json("#/components/schemas/ProviderRead"), **_errors(401, 404, 429)}}},
    }


def paths() -> dict:
    out = {
        "/": {"get": {"operationId": "index", "summary": str(TEXT["index"]),
                      "responses": {"200": _json("#/components/schemas/Index"), **_errors(401, 429)}}},
        "/openapi.json": {"get": {"operationId": "openapi", "summary": str(TEXT["openapi"]),
                                  "responses": {"200": {"description": "OpenAPI 3.1",
                                                        "content": {"application/json": {"schema": {"type": "object"}}}},
                                                **_errors(401, 429)}}},
        "/me": {"get": {"operationId": "me", "summary": str(TEXT["me"]),
                        "responses": {"200": _json("#/components/schemas/Me"), **_errors(401, 429)}}},
    }
    out.update(_listing_paths("side-streams", "stream", "SideStream", "SideStreamRead", "SideStreamPage"))
    out.update(_listing_paths("needs", "need", "MaterialNeed", "MaterialNeedRead", "MaterialNeedPage"))
    out["/import"] = {"post": {
        "operationId": "batch_import", "summary": str(TEXT["batch_import"]),
        "description": "A document of the contract's batch form. Every record is checked first; one error "
                       "and nothing is written, and the answer lists every error with the record's id, "
                       "its kind and index, and the field. A record whose id is already the external_ref "
                       "of a listing of the organisation (or '#<site id>') updates that listing. Members "
                       "import for their own organisation; brokers for the organisation a record names.",
        "security": [{"bearerAuth": []}],
        "parameters": [_param("dry_run", "true: check everything, write nothing.", {"type": "boolean"})],
        "requestBody": {"required": True, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Batch"}}}},
        "responses": {"201": _json("#/components/schemas/ImportResult", "Imported, at least one listing created"),
                      "200": _json("#/components/schemas/ImportResult", "Imported, only updates; or a dry run"),
                      **_errors(400, 401, 403, 409, 429)}}}
    out.update(_service_paths())
    out["/waste-codes"] = {"get": {
        "operationId": "waste_code_list", "summary": str(TEXT["waste_code_list"]),
        "parameters": [
            _param("q", "Digits of a code (10 02) or words of the title in Finnish or English.",
                   {"type": "string", "maxLength": 200}),
            _param("chapter", "Only this chapter (two digits).", {"type": "string", "pattern": "^[0-9]{2}$"}),
            _param("page", "Page number, from 1.", {"type": "integer", "minimum": 1, "maximum": 10000}),
            _param("per_page", "Entries a page, 1 to 200 (default 50).", {"type": "integer", "minimum": 1, "maximum": 200}),
        ],
        "responses": {"200": _json("#/components/schemas/WasteCodePage"), **_errors(400, 401, 429)}}}
    out["/waste-codes/{code}"] = {"get": {
        "operationId": "waste_code_read", "summary": str(TEXT["waste_code_read"]),
        "parameters": [_param("code", "The code: 100202, or 10 02 02 (URL-encoded), with or without *.",
                              {"type": "string", "maxLength": 20}, "path")],
        "responses": {"200": _json("#/components/schemas/WasteCode"), **_errors(401, 404, 429)}}}
    return out


def document() -> dict:
    """The OpenAPI 3.1 document (English; the reference page translates the summaries)."""
    with force_locale("en"):
        return {
            "openapi": "3.1.0",
            "info": {
                "title": "Sivuvirta API",
                "version": "1.0.0",
                "description": str(TEXT["intro"]),
                "license": {"name": "Proprietary"},
            },
            "servers": [{"url": url_for("api.index", _external=True).rstrip("/")}],
            "security": [{}, {"bearerAuth": []}],
            "paths": paths(),
            "components": {
                "schemas": schemas(),
                "responses": RESPONSES,
                "securitySchemes": {"bearerAuth": {
                    "type": "http", "scheme": "bearer",
                    "description": "A personal API token (svv_…) from your account's API tokens page. "
                                   "Scope read: GET only; read-write: everything."}},
            },
        }


METHODS = ("get", "post", "put", "patch", "delete")


def reference(doc: dict) -> list[dict]:
    """The operations of ``doc`` for the reference page, their summaries in the reader's language."""
    operations = []
    for path, item in doc["paths"].items():
        shared = item.get("parameters", [])
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            body = operation.get("requestBody", {}).get("content", {})
            body_ref = next((c["schema"].get("$ref", "") for c in body.values()), "")
            operations.append({
                "id": operation["operationId"],
                "method": method.upper(),
                "path": doc["servers"][0]["url"] + path,
                "short_path": path,
                "summary": str(TEXT.get(operation["operationId"], operation["summary"])),
                "description": operation.get("description", ""),
                "token": "bearerAuth" in str(operation.get("security", "")),
                "parameters": shared + operation.get("parameters", []),
                "body": body_ref.rsplit("/", 1)[-1] if body_ref else ("object" if body else ""),
                "responses": sorted(operation["responses"]),
            })
    return operations
