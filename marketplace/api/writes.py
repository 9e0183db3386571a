"""Writing listings through the API: contract bodies in, the listings services called.

The API calls the same services as the site's forms (``marketplace.listings.services``);
this module only turns a request body into the record those services take:

- POST and PUT take a whole contract record. Its ``id`` is the caller's own reference
  and is kept as ``external_ref``; an ``id`` equal to the listing's site id (``"42"`` or
  ``"#42"``) or to its opaque reference (``L-…``) leaves ``external_ref`` as it was.
- PATCH takes a JSON Merge Patch (RFC 7396) of the record: members given replace,
  ``null`` removes an optional member; the merged record is checked as a whole.
- Read-only members of API answers (``status``, ``links``...) are ignored on input,
  so that an answer can be edited and sent back.
"""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from matching.contract import schema_errors

from .. import redaction
from ..db import db
from ..errors import Conflict, InvalidInput
from ..listings import services
from ..listings.records import listing_ref, need_to_record, stream_to_record
from ..models import MaterialNeed, SideStream
from .problems import contract_errors

READ_ONLY = ("status", "location_approximate", "created_at", "updated_at", "links",
             "external_ref", "details_hidden")

SCHEMAS = {SideStream: ("side-stream.schema.json", "side_stream"),
           MaterialNeed: ("material-need.schema.json", "need")}


class BodyInvalid(InvalidInput):
    """A body that breaks the contract's schema; ``items`` are problem ``errors`` items."""

    def __init__(self, message: str, items: list[dict]):
        super().__init__(message, {i["field"] or "(body)": i["message"] for i in items})
        self.items = items


def _strip_read_only(model, body: dict) -> dict:
    return {k: v for k, v in body.items() if k not in READ_ONLY}


def check_record(model, record) -> dict:
    if not isinstance(record, dict):
        raise BodyInvalid(_("The body must be a JSON object."),
                          [{"field": "", "message": _("The body must be a JSON object.")}])
    schema, kind = SCHEMAS[model]
    messages = schema_errors(record, schema, kind)
    if messages:
        items = contract_errors(messages)
        for item in items:  # one record: its index and kind say nothing
            item.pop("kind", None)
            item.pop("index", None)
            item.pop("record", None)
        raise BodyInvalid(_("The record does not follow the contract."), items)
    return record


def _site_ref(listing, ref: str) -> bool:
    return listing is not None and ref in (str(listing.id), f"#{listing.id}", redaction.public_ref(listing))


def _set_external_ref(model, listing, ref: str) -> None:
    if ref.startswith("#") or _site_ref(listing, ref):
        return
    clash = db.session.scalar(sa.select(model.id).where(
        model.organisation_id == listing.organisation_id, model.external_ref == ref, model.id != listing.id))
    if clash is not None:
        raise Conflict(_("Another listing of your organisation has the reference %(ref)s.", ref=ref),
                       {"id": _("Already used by listing %(id)s.", id=clash)})
    listing.external_ref = ref


def create(model, user, body, publish: bool = True):
    record = check_record(model, _strip_read_only(model, body) if isinstance(body, dict) else body)
    _check_organisation(user, record)
    if model is SideStream:
        listing = services.create_stream(user, record, publish=publish)
    else:
        listing = services.create_need(user, record, publish=publish)
    _set_external_ref(model, listing, record["id"])
    db.session.flush()
    return listing


def replace(model, user, listing, body):
    services.require_editor(user, listing)
    record = check_record(model, _strip_read_only(model, body) if isinstance(body, dict) else body)
    return _update(model, user, listing, record)


def patch(model, user, listing, body):
    services.require_editor(user, listing)
    if not isinstance(body, dict):
        raise BodyInvalid(_("The body must be a JSON object."),
                          [{"field": "", "message": _("The body must be a JSON object.")}])
    current = (stream_to_record if model is SideStream else need_to_record)(listing, user)
    current["id"] = listing_ref(listing)
    record = check_record(model, merge_patch(current, _strip_read_only(model, body)))
    return _update(model, user, listing, record)


def _update(model, user, listing, record):
    _check_organisation(user, record)
    if model is SideStream:
        services.update_stream(user, listing, record)
    else:
        services.update_need(user, listing, record)
    _set_external_ref(model, listing, record["id"])
    db.session.flush()
    return listing


def merge_patch(target, patch):
    """RFC 7396."""
    if not isinstance(patch, dict):
        return patch
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


def _check_organisation(user, record: dict) -> None:
    """A record may name its organisation; through the API it can only be the caller's own."""
    name = record.get("organisation")
    if name is None:
        return
    own = user.organisation.name if user.organisation is not None else None
    if own is None or name.strip().casefold() != own.casefold():
        raise InvalidInput(_("The listing has errors."), {
            "organisation": _("Listings are made for your own organisation (%(name)s); leave this out "
                              "or give its name.", name=own or "–")})


def close(user, listing):
    services.close(user, listing)
    return listing


def publish(user, listing):
    services.publish(user, listing)
    return listing
