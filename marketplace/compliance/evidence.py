"""The documents behind a stream's legal status, and the brokers' check of them.

A stream whose List of Waste entry is hazardous (*) is waste unless proven otherwise: it
cannot be declared a by-product, end-of-waste or a product without the reference of an
authority's decision or a declaration of performance, or the document attached (the rule
is ``listings.records.evidence_problem``; the listings' service attaches the document)."""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from .. import audit
from ..db import db
from ..errors import Forbidden, InvalidInput
from ..listings.records import evidence_problem
from ..models import Attachment, LegalEvidenceCheck, SideStream
from ..models.base import utcnow

KIND = "legal_evidence"


def evidence_of(stream_id: int | None) -> list[Attachment]:
    if stream_id is None:
        return []
    return list(db.session.scalars(sa.select(Attachment).where(
        Attachment.side_stream_id == stream_id, Attachment.kind == KIND).order_by(Attachment.id)))


def streams_with_evidence(stream_ids) -> set[int]:
    """Of the given streams, those with a legal-status document attached (one query per
    900 ids, for an import)."""
    ids, found = list(stream_ids), set()
    for start in range(0, len(ids), 900):
        found.update(db.session.scalars(sa.select(Attachment.side_stream_id).where(
            Attachment.side_stream_id.in_(ids[start:start + 900]), Attachment.kind == KIND)))
    return found


def require_legal_evidence(stream: SideStream) -> None:
    """The evidence rule (``records.evidence_problem``) on a stream as saved, for a change
    outside the listing's form (a document removed)."""
    problem = evidence_problem(stream.waste_code, stream.legal_status, stream.legal_status_evidence,
                               bool(evidence_of(stream.id)))
    if problem:
        raise InvalidInput(_("The listing has errors."), {problem.field: problem.message})


def check_of(stream: SideStream) -> LegalEvidenceCheck | None:
    """The broker's check, where it concerns the status the stream has now."""
    check = db.session.scalar(sa.select(LegalEvidenceCheck).where(LegalEvidenceCheck.side_stream_id == stream.id))
    return check if check is not None and check.applies_to(stream) else None


def mark_checked(user, stream: SideStream, note: str = "") -> LegalEvidenceCheck:
    """A broker records that the documents behind the stream's legal status were read."""
    if not (user and user.is_authenticated and user.is_broker):
        raise Forbidden(_("Only brokers can mark the evidence checked."))
    if not stream.legal_status:
        raise InvalidInput(_("The stream has no legal status to check."),
                           {"legal_status": _("The stream has no legal status to check.")})
    if stream.legal_status != "waste" and not evidence_of(stream.id):
        raise InvalidInput(_("No document is attached to check."),
                           {"evidence": _("No document is attached to check.")})
    check = db.session.scalar(sa.select(LegalEvidenceCheck).where(LegalEvidenceCheck.side_stream_id == stream.id))
    if check is None:
        check = LegalEvidenceCheck(side_stream_id=stream.id)
        db.session.add(check)
    check.legal_status, check.checked_by_id, check.checked_at = stream.legal_status, user.id, utcnow()
    check.note = (note or "").strip()[:2000]
    db.session.flush()
    audit.record("listing.legal_evidence_checked", actor=user, target=stream, legal_status=stream.legal_status)
    return check
