"""The JSON API, version 1, at /api/v1. Views read the request, call the listings and
matches services that the site calls, and answer with contract records (see
serialise.py) or RFC 9457 problems. Authentication and rate limits: auth.py."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, g, jsonify, render_template, request, url_for
from flask_babel import gettext as _
from flask_limiter.errors import RateLimitExceeded

from ..db import db
from ..errors import Forbidden, InvalidInput, NotFound
from ..extensions import limiter
from ..matches import services as matches
from ..models import MaterialNeed, ProviderService, SideStream, WasteCode
from ..providers import services as provider_services
from .. import redaction
from . import auth, search, writes
from .importing import BatchInvalid, import_document
from .problems import api_problem, unauthorized
from .serialise import (
    blend_item, idea_item, listing_body, match_item, need_body, provider_body, service_body, stream_body, waste_code_body,
)

bp = Blueprint("api", __name__, url_prefix="/api/v1")
bp.before_request(auth.authenticate)
# One count per token (or user, or address) over the whole API, as docs/api.md says, not one per route.
limiter.shared_limit(auth.rate_limit, scope="api", key_func=auth.rate_key, on_breach=auth.rate_limited)(bp)


@bp.errorhandler(RateLimitExceeded)
def too_many(error):
    # the answer on_breach built (with Retry-After), not the site's generic 429 page
    return error.response or auth.rate_limited(limiter.current_limit)


@bp.errorhandler(writes.BodyInvalid)
@bp.errorhandler(BatchInvalid)
def body_invalid(error):
    return api_problem(400, _("The request has errors"), error.message, error.items)


@bp.after_request
def no_store(response):
    # answers depend on who asks; shared caches must not keep them
    response.headers.setdefault("Cache-Control", "no-store")
    response.headers["Vary"] = "Authorization, Cookie, Accept-Language"
    return response


def viewer():
    return g.api_user


@bp.before_request
def refuse_nul_in_query():
    # PostgreSQL text cannot hold U+0000; refused here rather than failing in the database
    for name, value in request.args.items(multi=True):
        if "\x00" in value:
            raise InvalidInput(_("The request has errors."), {name: _("Contains a NUL character.")})


def _nul_fields(node, path: str = "") -> list[str]:
    if isinstance(node, str):
        return [path] if "\x00" in node else []
    if isinstance(node, dict):
        found = []
        for key, value in node.items():
            child = f"{path}.{key}" if path else str(key)
            found += [child] if "\x00" in str(key) else _nul_fields(value, child)
        return found
    if isinstance(node, list):
        return [f for i, value in enumerate(node) for f in _nul_fields(value, f"{path}[{i}]")]
    return []


def _json_body():
    if not request.is_json:
        raise InvalidInput(_("Send the body as JSON (Content-Type: application/json)."),
                           {"(body)": _("Not JSON.")})
    body = request.get_json(silent=True)
    if body is None:
        raise InvalidInput(_("The body is not valid JSON."), {"(body)": _("Not valid JSON.")})
    bad = _nul_fields(body)
    if bad:
        raise InvalidInput(_("The request has errors."), {f: _("Contains a NUL character.") for f in bad})
    return body


def _flag(name: str) -> bool:
    """A boolean of the query string, as the document types it: absent (false), ``true`` or
    ``false``. Anything else, an empty value included (``?draft=``), is refused rather than
    read as false: a client that meant true would get what it did not ask for."""
    if name not in request.args:
        return False
    value = request.args.get(name).lower()
    if value in ("0", "false", "no"):
        return False
    if value in ("1", "true", "yes"):
        return True
    raise InvalidInput(_("The request has errors."), {name: _("true or false.")})


# Ids are 32-bit in the databases; a larger number names nothing (and must not reach SQLite).
MAX_ID = 2**31 - 1


def _load(model, listing_id: int):
    listing = redaction.find_listing(db.session, model, listing_id, viewer())
    if listing is None or not listing.is_visible_to(viewer()):
        raise NotFound(_("No such listing, or it is not shown to you."))
    return listing


def _created(listing):
    endpoint = "api.stream_read" if isinstance(listing, SideStream) else "api.need_read"
    response = jsonify(listing_body(listing, viewer()))
    response.status_code = 201
    response.headers["Location"] = url_for(endpoint, listing_id=listing, _external=True)
    return response


# -- about the API -----------------------------------------------------------------

@bp.get("/")
def index():
    return jsonify({
        "name": "Sivuvirta API", "version": "1",
        "links": {"openapi": url_for("api.openapi", _external=True),
                  "docs": url_for("api.docs", _external=True),
                  "side_streams": url_for("api.stream_list", _external=True),
                  "needs": url_for("api.need_list", _external=True),
                  "services": url_for("api.service_list", _external=True),
                  "waste_codes": url_for("api.waste_code_list", _external=True)},
    })


@bp.get("/openapi.json")
def openapi():
    from .openapi import document

    return jsonify(document())


@bp.get("/docs")
def docs():
    from .openapi import document, reference

    return render_template("api/reference.html", doc=document(), reference=reference(document()))


@bp.get("/me")
def me():
    user = viewer()
    if not user.is_authenticated:
        return unauthorized(_("Send a personal API token to see who you are."), "")
    token = g.api_token
    return jsonify({
        "id": str(user.id), "name": user.name, "email": user.email, "role": user.role,
        "organisation": user.organisation.name if user.organisation is not None else None,
        "token": {"name": token.name, "prefix": token.prefix, "scope": token.scope,
                  "expires_at": token.expires_at.isoformat(timespec="seconds") + "Z" if token.expires_at else None}
        if token is not None else None,
    })


# -- lists -------------------------------------------------------------------------

def _list(model, endpoint: str):
    page, per_page, distances = search.run(model, request.args, viewer())
    items = []
    for listing in page.items:
        body = listing_body(listing, viewer())
        if listing.id in distances and distances[listing.id] is not None:
            body["distance_km"] = round(distances[listing.id], 1)
        items.append(body)
    args = request.args.to_dict(flat=False)

    def link(number):
        return url_for(endpoint, _external=True, **{**args, "page": number, "per_page": per_page})

    links = {"self": link(page.page), "next": link(page.page + 1) if page.page < page.pages else None,
             "prev": link(page.page - 1) if page.page > 1 else None}
    response = jsonify({"items": items, "total": page.total, "page": page.page, "pages": page.pages,
                        "per_page": per_page, "links": links})
    response.headers["Link"] = ", ".join(f'<{url}>; rel="{rel}"' for rel, url in links.items() if url)
    return response


@bp.get("/side-streams")
def stream_list():
    return _list(SideStream, "api.stream_list")


@bp.get("/needs")
def need_list():
    return _list(MaterialNeed, "api.need_list")


# -- one listing -------------------------------------------------------------------

@bp.get("/side-streams/<stream:listing_id>")
def stream_read(listing_id: int):
    return jsonify(stream_body(_load(SideStream, listing_id), viewer()))


@bp.get("/needs/<need:listing_id>")
def need_read(listing_id: int):
    return jsonify(need_body(_load(MaterialNeed, listing_id), viewer()))


@bp.post("/side-streams")
def stream_create():
    return _created(writes.create(SideStream, viewer(), _json_body(), publish=not _flag("draft")))


@bp.post("/needs")
def need_create():
    return _created(writes.create(MaterialNeed, viewer(), _json_body(), publish=not _flag("draft")))


@bp.put("/side-streams/<stream:listing_id>")
def stream_replace(listing_id: int):
    stream = writes.replace(SideStream, viewer(), _load(SideStream, listing_id), _json_body())
    return jsonify(stream_body(stream, viewer()))


@bp.put("/needs/<need:listing_id>")
def need_replace(listing_id: int):
    need = writes.replace(MaterialNeed, viewer(), _load(MaterialNeed, listing_id), _json_body())
    return jsonify(need_body(need, viewer()))


@bp.patch("/side-streams/<stream:listing_id>")
def stream_patch(listing_id: int):
    stream = writes.patch(SideStream, viewer(), _load(SideStream, listing_id), _json_body())
    return jsonify(stream_body(stream, viewer()))


@bp.patch("/needs/<need:listing_id>")
def need_patch(listing_id: int):
    need = writes.patch(MaterialNeed, viewer(), _load(MaterialNeed, listing_id), _json_body())
    return jsonify(need_body(need, viewer()))


@bp.post("/side-streams/<stream:listing_id>/close")
def stream_close(listing_id: int):
    return jsonify(stream_body(writes.close(viewer(), _load(SideStream, listing_id)), viewer()))


@bp.post("/needs/<need:listing_id>/close")
def need_close(listing_id: int):
    return jsonify(need_body(writes.close(viewer(), _load(MaterialNeed, listing_id)), viewer()))


@bp.post("/side-streams/<stream:listing_id>/publish")
def stream_publish(listing_id: int):
    return jsonify(stream_body(writes.publish(viewer(), _load(SideStream, listing_id)), viewer()))


@bp.post("/needs/<need:listing_id>/publish")
def need_publish(listing_id: int):
    return jsonify(need_body(writes.publish(viewer(), _load(MaterialNeed, listing_id)), viewer()))


# -- matches -----------------------------------------------------------------------

def _require_match_reader(listing):
    """Matches are for the listing's owner and the brokers (as on the site)."""
    if matches.can_see_matches(listing, viewer()):
        return None
    if not viewer().is_authenticated:
        return unauthorized(_("Matches are shown to the listing's owner and the brokers: send a token."), "")
    raise Forbidden(_("Matches are shown to the listing's owner and the brokers."))


def _limit(name: str, default: int, high: int) -> int:
    text = request.args.get(name)
    if text in (None, ""):
        return default
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= high:
        raise InvalidInput(_("The request has errors."),
                           {name: _("A whole number from %(low)d to %(high)d.", low=1, high=high)})
    return int(text)


def _matches(model, listing_id: int):
    listing = _load(model, listing_id)
    refused = _require_match_reader(listing)
    if refused is not None:
        return refused
    views = matches.matches_for_listing(db.session, listing, viewer(), limit=_limit("limit", 20, 50))
    return jsonify({"items": [match_item(view, listing, viewer()) for view in views]})


@bp.get("/side-streams/<stream:listing_id>/matches")
def stream_matches(listing_id: int):
    return _matches(SideStream, listing_id)


@bp.get("/needs/<need:listing_id>/matches")
def need_matches(listing_id: int):
    return _matches(MaterialNeed, listing_id)


@bp.get("/side-streams/<stream:listing_id>/pairing-ideas")
def stream_ideas(listing_id: int):
    stream = _load(SideStream, listing_id)
    refused = _require_match_reader(stream)
    if refused is not None:
        return refused
    ideas = matches.pairing_ideas(db.session, stream, viewer(), g.get("language", "fi"),
                                  top=_limit("top", 5, 10))
    return jsonify({"items": [idea_item(idea, stream, viewer()) for idea in ideas]})


@bp.get("/needs/<need:listing_id>/blends")
def need_blends(listing_id: int):
    need = _load(MaterialNeed, listing_id)
    refused = _require_match_reader(need)
    if refused is not None:
        return refused
    views = matches.blends_for_need(db.session, need, viewer(), limit=_limit("limit", 3, 3))
    return jsonify({"items": [blend_item(view, need) for view in views]})


# -- providers and their services ------------------------------------------------------

@bp.get("/services")
def service_list():
    page, per_page = search.run_services(request.args, viewer())
    args = request.args.to_dict(flat=False)

    def link(number):
        return url_for("api.service_list", _external=True, **{**args, "page": number, "per_page": per_page})

    links = {"self": link(page.page), "next": link(page.page + 1) if page.page < page.pages else None,
             "prev": link(page.page - 1) if page.page > 1 else None}
    response = jsonify({"items": [service_body(service, km) for service, km in page.items],
                        "total": page.total, "page": page.page, "pages": page.pages,
                        "per_page": per_page, "links": links})
    response.headers["Link"] = ", ".join(f'<{url}>; rel="{rel}"' for rel, url in links.items() if url)
    return response


@bp.get("/services/<int:service_id>")
def service_read(service_id: int):
    service = db.session.get(ProviderService, service_id) if service_id <= MAX_ID else None
    if service is None or not service.is_visible_to(viewer()):
        raise NotFound(_("No such service, or it is not shown to you."))
    return jsonify(service_body(service))


@bp.get("/providers/<int:provider_id>")
def provider_read(provider_id: int):
    if provider_id > MAX_ID:
        raise NotFound(_("No such provider, or it is not shown to you."))
    # the rule of the site's provider page: unverified organisations only to members and brokers
    return jsonify(provider_body(provider_services.get_provider(provider_id, viewer())))


# -- batch import -------------------------------------------------------------------

@bp.post("/import")
def batch_import():
    imported = import_document(viewer(), _json_body(), dry_run=_flag("dry_run"))
    body = {"dry_run": imported.dry_run}
    for kind, rows in imported.rows.items():
        body[kind] = [{"record": ref, "id": str(listing.id), "created": created, "status": listing.status}
                      for ref, listing, created in rows]
    response = jsonify(body)
    response.status_code = 201 if any(c for rows in imported.rows.values() for *_x, c in rows) else 200
    return response


# -- List of Waste ---------------------------------------------------------------------

@bp.get("/waste-codes")
def waste_code_list():
    q = (request.args.get("q") or "").strip()[:200]
    chapter = request.args.get("chapter") or ""
    errors = {}
    if chapter and (len(chapter) != 2 or not chapter.isdigit()):
        errors["chapter"] = _("Two digits, such as 10.")
    if errors:
        raise InvalidInput(_("The request has errors."), errors)
    per_page = _limit("per_page", 50, 200)
    page_number = _limit("page", 1, 10000)
    conditions = []
    digits = q.replace(" ", "").rstrip("*")
    if q and digits.isdigit():
        spaced = " ".join(digits[i:i + 2] for i in range(0, len(digits), 2))
        conditions.append(WasteCode.code.like(f"{spaced}%"))
    elif q:
        for term in q.split()[:5]:
            escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            pattern = f"%{escaped}%"
            conditions.append(sa.or_(WasteCode.title_en.ilike(pattern, escape="\\"),
                                     WasteCode.title_fi.ilike(pattern, escape="\\"),
                                     WasteCode.title_sv.ilike(pattern, escape="\\")))
    if chapter:
        conditions.append(WasteCode.chapter == chapter)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(WasteCode).where(*conditions))
    entries = db.session.scalars(sa.select(WasteCode).where(*conditions).order_by(WasteCode.code)
                                 .limit(per_page).offset((page_number - 1) * per_page))
    language = g.get("language", "fi")
    args = request.args.to_dict(flat=False)

    def link(number):
        return url_for("api.waste_code_list", _external=True, **{**args, "page": number, "per_page": per_page})

    more = page_number * per_page < total
    return jsonify({"items": [waste_code_body(e, language) for e in entries], "total": total,
                    "page": page_number, "per_page": per_page,
                    "links": {"self": link(page_number), "next": link(page_number + 1) if more else None,
                              "prev": link(page_number - 1) if page_number > 1 else None}})


@bp.get("/waste-codes/<code>")
def waste_code_read(code: str):
    digits = code.replace(" ", "").rstrip("*")
    entry = None
    if len(digits) == 6 and digits.isdigit():
        entry = db.session.get(WasteCode, f"{digits[0:2]} {digits[2:4]} {digits[4:6]}")
    if entry is None:
        raise NotFound(_("%(code)s is not a code of the European List of Waste.", code=code))
    return jsonify(waste_code_body(entry, g.get("language", "fi")))
