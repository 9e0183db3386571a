"""Attaching documents to listings, and who may read or remove them."""
from __future__ import annotations

import re

import sqlalchemy as sa
from flask_babel import gettext as _

from ..compliance.evidence import require_legal_evidence
from ..db import db
from ..errors import Forbidden, InvalidInput
from ..models import ATTACHMENT_KINDS, Attachment, MaterialNeed, SideStream
from . import storage


def safe_filename(name: str) -> str:
    """The name shown and offered on download: no path, no control characters or quotes."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = re.sub(r"[\x00-\x1f\x7f\"';]", "", name).strip() or "document"
    return name[:200]


def attach(user, listing, upload, kind: str, title: str = "") -> Attachment:
    """Keep an uploaded file and attach it to a listing the user may edit."""
    if not listing.can_edit(user):
        raise Forbidden(_("Only members of the listing's organisation can attach documents."))
    if kind not in ATTACHMENT_KINDS:
        raise InvalidInput(_("Choose the kind of document."), {"kind": _("Choose the kind of document.")})
    sha256, content_type, size = storage.store(upload.stream)
    attachment = Attachment(
        sha256=sha256, filename=safe_filename(upload.filename), content_type=content_type,
        size_bytes=size, kind=kind, title=(title or "").strip()[:200], uploaded_by_id=user.id,
        side_stream_id=listing.id if isinstance(listing, SideStream) else None,
        need_id=listing.id if isinstance(listing, MaterialNeed) else None,
    )
    db.session.add(attachment)
    db.session.flush()
    return attachment


def may_read(user, attachment: Attachment) -> bool:
    """Those shown the listing's details; attachments of other things say so themselves."""
    listing = attachment.listing
    return listing is not None and listing.shows_details_to(user)


def remove(user, attachment: Attachment) -> str | None:
    """Detach; returns the file's digest when no other attachment uses it (to delete after commit)."""
    listing = attachment.listing
    if listing is None or not listing.can_edit(user):
        raise Forbidden(_("Only members of the listing's organisation can remove its documents."))
    sha256 = attachment.sha256
    db.session.delete(attachment)
    db.session.flush()
    if attachment.kind == "legal_evidence" and isinstance(listing, SideStream):
        # The last decision behind a hazardous by-product cannot go; the 400 rolls back.
        require_legal_evidence(listing)
    others = db.session.scalar(sa.select(sa.func.count()).select_from(Attachment).where(Attachment.sha256 == sha256))
    return None if others else sha256
