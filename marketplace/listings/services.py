"""The rules of listings: who may create, change, publish, close, reopen, duplicate and
delete side streams and material needs. Services flush; the request commits.

Drafting is open to every member of an organisation, also while the member's email is
unconfirmed or the organisation is not yet verified, so that nobody waits to prepare
listings. Publishing (a draft becoming active) needs a confirmed email address: a
listing others may act on must come from an address that answers. An unverified
organisation may publish, but the visibility rules keep its listings out of others'
sight until a broker has verified it (ListingMixin.is_published).

This module is the only writer of listings: the forms, the API and the importer turn
their input into a contract record and call it. The rules about a record are
``records.*_problems``; the rules about who may act are here. What other areas do after
a write (matches, alerts, the publication period) hangs on ``marketplace.signals``."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Callable

import sqlalchemy as sa
from flask_babel import gettext as _

from .. import audit, signals
from ..attachments import services as attachments
from ..compliance import evidence as legal_evidence
from ..db import db
from ..errors import Forbidden, InvalidInput
from ..models import MaterialNeed, MeasuredValue, Organisation, Requirement, SideStream
from ..models.base import utcnow
from ..models.listing import MAX_PUBLICATION_MONTHS, SEARCHABLE_STATUSES, add_months
from .records import apply_need_record, apply_stream_record, need_problems, stream_problems, value_rows

# An import flushes and writes its values in steps of this many listings.
FLUSH_EVERY = 500


def may_create(user) -> bool:
    return bool(user and user.is_authenticated and user.organisation_id is not None)


def may_publish(user) -> bool:
    return may_create(user) and user.email_confirmed_at is not None


def may_write_for(user, organisation: Organisation) -> bool:
    """Who may write listings of ``organisation`` in bulk: its members, the brokers (for
    any organisation), and the command line and demo loader (no user)."""
    if user is None:
        return True
    if not (user.is_authenticated and user.active):
        return False
    return user.is_broker or user.organisation_id == organisation.id


def require_creator(user) -> None:
    if not may_create(user):
        raise Forbidden(_("Only members of an organisation can list side streams and needs."))


def require_editor(user, listing) -> None:
    if not listing.can_edit(user):
        raise Forbidden(_("Only members of the listing's organisation can change it."))


def _raise_problems(problems) -> None:
    if problems:
        raise InvalidInput(_("The listing has errors."), {p.field: p.message for p in problems})


def _initial_status(user, publish: bool) -> str:
    if publish and not may_publish(user):
        raise Forbidden(_("Confirm your email address before publishing; you can save a draft now."))
    return "active" if publish else "draft"


def _after_save(user, listings: list, *, published: bool = False) -> None:
    """Flush, then the after-save hooks (marketplace.signals), published ones first."""
    db.session.flush()
    if published:
        signals.listings_published.send(user, listings=listings)
    signals.listings_saved.send(user, listings=listings)


def _has_upload(upload) -> bool:
    return bool(upload is not None and getattr(upload, "filename", ""))


def _attach_evidence(user, stream: SideStream, upload, title: str) -> None:
    if _has_upload(upload):
        attachments.attach(user, stream, upload, legal_evidence.KIND, title)


def _apply_extra(listing, extra: dict | None) -> None:
    """Fields the form has beyond the contract: the site, the hazard assessment's note."""
    for name, value in (extra or {}).items():
        setattr(listing, name, value)


def create_stream(user, record: dict, *, publish: bool, extra: dict | None = None,
                  evidence=None, evidence_title: str = "") -> SideStream:
    """A new side stream of the user's organisation from a contract record; ``evidence``:
    an uploaded document behind its legal status (attached as legal evidence)."""
    require_creator(user)
    extra = extra or {}
    _raise_problems(stream_problems(record, db.session, hazard_note=extra.get("hazard_note", ""),
                                    has_document=_has_upload(evidence)))
    stream = SideStream(organisation_id=user.organisation_id, status=_initial_status(user, publish))
    apply_stream_record(stream, record)
    _apply_extra(stream, extra)
    db.session.add(stream)
    db.session.flush()
    _attach_evidence(user, stream, evidence, evidence_title)
    _after_save(user, [stream], published=stream.status == "active")
    return stream


def update_stream(user, stream: SideStream, record: dict, *, extra: dict | None = None,
                  evidence=None, evidence_title: str = "") -> SideStream:
    require_editor(user, stream)
    extra = extra or {}
    has_document = _has_upload(evidence) or bool(legal_evidence.evidence_of(stream.id))
    _raise_problems(stream_problems(record, db.session, hazard_note=extra.get("hazard_note", stream.hazard_note),
                                    has_document=has_document))
    before = stream.visibility
    apply_stream_record(stream, record)
    _apply_extra(stream, extra)
    db.session.flush()
    _attach_evidence(user, stream, evidence, evidence_title)
    _after_save(user, [stream])
    if stream.visibility != before:
        audit.record("listing.visibility", actor=user, target=stream, before=before, after=stream.visibility)
    return stream


def create_need(user, record: dict, *, publish: bool, extra: dict | None = None) -> MaterialNeed:
    require_creator(user)
    _raise_problems(need_problems(record, db.session))
    need = MaterialNeed(organisation_id=user.organisation_id, status=_initial_status(user, publish))
    apply_need_record(need, record)
    _apply_extra(need, extra)
    db.session.add(need)
    _after_save(user, [need], published=need.status == "active")
    return need


def update_need(user, need: MaterialNeed, record: dict, *, extra: dict | None = None) -> MaterialNeed:
    require_editor(user, need)
    _raise_problems(need_problems(record, db.session))
    before = need.visibility
    apply_need_record(need, record)
    _apply_extra(need, extra)
    _after_save(user, [need])
    if need.visibility != before:
        audit.record("listing.visibility", actor=user, target=need, before=before, after=need.visibility)
    return need


def record_lab_values(user, stream: SideStream, values: dict[str, float], *, service_request_id: int) -> None:
    """Measured values a service provider answered for the stream (marketplace.providers
    decides who may answer and checks the values): each replaces the stream's value of its
    key and remembers the request it came from."""
    existing = {v.property: v for v in stream.values}
    for key, value in values.items():
        row = existing.get(key)
        if row is None:
            row = MeasuredValue(property=key, value=value)
            stream.values.append(row)
        row.value, row.below_detection, row.service_request_id = value, False, service_request_id
    stream.updated_at = utcnow()
    _after_save(user, [stream])


# -- import: many records at once ---------------------------------------------------

@dataclass
class ImportRow:
    """One checked record of an import: its kind (``side_streams`` or ``needs``), the
    organisation it belongs to, and the listing it updates (None: a new one)."""

    kind: str
    organisation: Organisation
    listing: SideStream | MaterialNeed | None
    record: dict


@dataclass
class ImportCounts:
    created: dict
    updated: dict


def save_imported(user, rows: list[ImportRow],
                  progress: Callable[[str, int, int], None] | None = None) -> ImportCounts:
    """Write records an import has checked (``importer.import_batch``: the contract's
    schema and ``records.*_problems``, all of them before any is written); new listings
    are published when the user may publish. The after-save hooks run once for the lot."""
    progress = progress or (lambda phase, done, total: None)
    for row in rows:
        if not may_write_for(user, row.organisation):
            raise Forbidden(_("You can import listings only for your own organisation."))
    status = "active" if user is None or may_publish(user) else "draft"
    counts = ImportCounts({"side_streams": 0, "needs": 0}, {"side_streams": 0, "needs": 0})
    written, created = [], []
    pending_values: list[tuple[SideStream, dict]] = []
    for done, row in enumerate(rows, start=1):
        listing = row.listing
        if listing is None:
            cls = SideStream if row.kind == "side_streams" else MaterialNeed
            listing = cls(organisation_id=row.organisation.id, external_ref=row.record["id"], status=status)
            db.session.add(listing)
            counts.created[row.kind] += 1
            created.append(listing)
        else:
            counts.updated[row.kind] += 1
            after = row.record.get("visibility") or "public"
            if after != listing.visibility:
                audit.record("listing.visibility", actor=user, target=listing, before=listing.visibility,
                             after=after)
        if row.kind == "side_streams":
            apply_stream_record(listing, row.record, replace_values=False)
            pending_values.append((listing, value_rows(row.record)))
        else:
            apply_need_record(listing, row.record)
        written.append(listing)
        if done % FLUSH_EVERY == 0:
            _write_values(pending_values)
            pending_values = []
            progress("writing", done, len(rows))
    _write_values(pending_values)
    db.session.flush()
    published = [listing for listing in created if listing.status == "active"]
    if published:
        signals.listings_published.send(user, listings=published)
    signals.listings_saved.send(user, listings=written)
    return counts


def _write_values(pending: list) -> None:
    """Replace the measured values of the streams just written, in bulk (one row a value):
    an import of thousands of streams would spend most of its time in the ORM otherwise."""
    if not pending:
        return
    db.session.flush()
    ids = [stream.id for stream, _rows in pending]
    for start in range(0, len(ids), 900):
        db.session.execute(sa.delete(MeasuredValue).where(MeasuredValue.side_stream_id.in_(ids[start:start + 900])))
    inserts = [{"side_stream_id": stream.id, "property": key, "value": value, "below_detection": below}
               for stream, rows in pending for key, (value, below) in rows.items()]
    if inserts:
        db.session.execute(sa.insert(MeasuredValue), inserts)
    for stream, _rows in pending:
        db.session.expire(stream, ["values"])


# -- life cycle ---------------------------------------------------------------

def publish(user, listing) -> None:
    require_editor(user, listing)
    if listing.status != "draft":
        raise InvalidInput(_("Only a draft can be published."))
    if not may_publish(user):
        raise Forbidden(_("Confirm your email address before publishing."))
    listing.status = "active"
    _after_save(user, [listing], published=True)
    audit.record("listing.publish", actor=user, target=listing)


def close(user, listing) -> None:
    require_editor(user, listing)
    if listing.status not in SEARCHABLE_STATUSES:
        raise InvalidInput(_("Only an active or reserved listing can be closed."))
    listing.status = "closed"
    db.session.flush()
    signals.listings_closed.send(user, listings=[listing])
    audit.record("listing.close", actor=user, target=listing)


def reopen(user, listing) -> None:
    require_editor(user, listing)
    if listing.status != "closed":
        raise InvalidInput(_("Only a closed listing can be reopened."))
    if not may_publish(user):
        raise Forbidden(_("Confirm your email address before publishing."))
    listing.status = "active"
    _after_save(user, [listing], published=True)
    audit.record("listing.reopen", actor=user, target=listing)


def publication_months(value) -> int:
    """A publication period asked for, in whole months (1 to MAX_PUBLICATION_MONTHS)."""
    try:
        months = int(value)
    except (TypeError, ValueError):
        months = 0
    if not 1 <= months <= MAX_PUBLICATION_MONTHS:
        message = _("Choose a period of 1 to %(max)d months.", max=MAX_PUBLICATION_MONTHS)
        raise InvalidInput(message, {"months": message})
    return months


def renew(user, listing, months, today: date | None = None) -> date:
    """One click: published for ``months`` from today (at most twelve); an expired listing
    comes back to search and matching."""
    require_editor(user, listing)
    if listing.status not in SEARCHABLE_STATUSES:
        message = _("Only an active or reserved listing can be renewed; reopen a closed one.")
        raise InvalidInput(message, {"months": message})
    today = today or date.today()
    listing.published_until = add_months(today, publication_months(months))
    db.session.flush()
    signals.listings_renewed.send(user, listings=[listing])
    return listing.published_until


def delete_draft(user, listing) -> None:
    require_editor(user, listing)
    if listing.status != "draft":
        raise InvalidInput(_("Only drafts can be deleted; close a published listing instead."))
    db.session.delete(listing)
    db.session.flush()


_COPIED = {
    SideStream: ("title", "description", "place", "category", "ewc_code", "industry", "legal_status",
                 "quantity_t_per_year", "lot_t", "availability", "available_from", "available_until",
                 "price_eur_per_t", "visibility", "site_id", "hazardous_properties", "hazard_note",
                 "material_type", "legal_status_evidence", "sources", "material_type_read",
                 "material_type_confidence"),
    MaterialNeed: ("title", "description", "place", "application", "categories", "ewc_codes",
                   "accepts_waste", "permitted_ewc_codes", "quantity_t_per_year",
                   "min_quantity_t_per_year", "max_distance_km", "max_price_eur_per_t",
                   "visibility", "site_id", "context"),
}


def duplicate(user, listing):
    """A draft copy in the user's organisation, to be edited before it is published."""
    require_editor(user, listing)
    cls = type(listing)
    copy = cls(organisation_id=listing.organisation_id, status="draft")
    for name in _COPIED[cls]:
        value = getattr(listing, name)
        setattr(copy, name, list(value) if isinstance(value, list)
                else dict(value) if isinstance(value, dict) else value)
    copy.title = _("Copy of %(title)s", title=listing.title)[:200]
    copy.set_location(listing.lat, listing.lon)
    if cls is SideStream:
        copy.values = [MeasuredValue(property=v.property, value=v.value, below_detection=v.below_detection)
                       for v in listing.values]
    else:
        copy.requirements = [
            Requirement(position=r.position, property=r.property, per=r.per, min=r.min, max=r.max,
                        note=r.note)
            for r in listing.requirements
        ]
    db.session.add(copy)
    db.session.flush()
    return copy
