"""Batch import through the API: a document in the contract's batch form, all or nothing.

The API calls the site's importer (``marketplace.listings.importer.import_batch``) with
the same organisation rule as the import page (``user_resolver``: members import for
their own organisation, brokers for any organisation they name). Its problems become
problem ``errors`` items naming the kind, index and id of the record, and the field."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _

from ..db import db
from ..errors import InvalidInput
from ..listings import services
from ..listings.importer import import_batch, user_resolver
from ..models import MaterialNeed, SideStream

KINDS = {"side_streams": SideStream, "needs": MaterialNeed}
_ROW = re.compile(r"^(?P<kind>[a-z_]+)\[(?P<index>\d+)\]")


class BatchInvalid(InvalidInput):
    """The batch was refused; ``items`` name kind, index, record id, field and message."""

    def __init__(self, items: list[dict]):
        super().__init__(_("The batch has errors; nothing was imported."),
                         {f"{i.get('record', '')}:{i['field']}": i["message"] for i in items})
        self.items = items


@dataclass
class Imported:
    """Per kind, (record id, listing, created?) in the document's order."""

    rows: dict[str, list[tuple[str, object, bool]]] = field(default_factory=dict)
    dry_run: bool = False


def _items(report) -> list[dict]:
    items = []
    for p in report.problems:
        item = {"field": "" if p.field == "(record)" else p.field, "message": p.message}
        if p.kind in KINDS:
            item["kind"] = p.kind
            match = _ROW.match(p.row or "")
            if match:
                item["index"] = int(match["index"])
        if p.record_id is not None:
            item["record"] = p.record_id
        items.append(item)
    return items


def import_document(user, doc, dry_run: bool = False) -> Imported:
    if not user.is_broker:
        services.require_creator(user)
    resolve = user_resolver(user)
    before = _existing(doc, resolve)
    report = import_batch(doc, user, resolve, dry_run=dry_run)
    if report.problems:
        raise BatchInvalid(_items(report))
    if dry_run:
        return Imported(dry_run=True)
    return _rows_after(doc, resolve, before)


def _lookup(model, organisation_id: int, ref: str):
    if ref.startswith("#") and ref[1:].isdigit():
        return db.session.scalar(sa.select(model).where(model.organisation_id == organisation_id,
                                                        model.id == int(ref[1:])))
    return db.session.scalar(sa.select(model).where(model.organisation_id == organisation_id,
                                                    model.external_ref == ref))


def _existing(doc, resolve) -> set[tuple[str, int]]:
    """(kind, listing id) of the listings the document will update, to tell them from new ones."""
    found = set()
    if not isinstance(doc, dict):
        return found
    for kind, model in KINDS.items():
        records = doc.get(kind)
        for record in records if isinstance(records, list) else []:
            if not (isinstance(record, dict) and isinstance(record.get("id"), str)):
                continue
            try:
                organisation = resolve(record.get("organisation"))
            except LookupError:
                continue
            if organisation is None:
                continue
            listing = _lookup(model, organisation.id, record["id"])
            if listing is not None:
                found.add((kind, listing.id))
    return found


def _rows_after(doc, resolve, before) -> Imported:
    imported = Imported()
    for kind, model in KINDS.items():
        rows = []
        for record in doc.get(kind) or []:
            listing = _lookup(model, resolve(record.get("organisation")).id, record["id"])
            if listing is not None:
                rows.append((record["id"], listing, (kind, listing.id) not in before))
        imported.rows[kind] = rows
    return imported
