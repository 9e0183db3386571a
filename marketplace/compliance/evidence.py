"""The documents behind a stream's legal status, and the brokers' check of them.

A stream whose List of Waste entry is hazardous (*) is waste unless proven otherwise: it
cannot be declared a by-product, end-of-waste or a product without a document attached
(an authority's decision or a declaration of performance)."""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from ..db import db
from ..errors import Forbidden, InvalidInput
from ..models import Attachment, LegalEvidenceCheck, SideStream, WasteCode
from ..models.base import utcnow
from .guide import NEEDS_EVIDENCE_IF_HAZARDOUS

KIND = "legal_evidence"


def evidence_of(stream_id: int | None) -> list[Attachment]:
    if stream_id is None:
        return []
    return list(db.session.scalars(sa.select(Attachment).where(
        Attachment.side_stream_id == stream_id, Attachment.kind == KIND).order_by(Attachment.id)))


def _hazardous(code: str | None) -> bool:
    from ..reference import normalise_ewc_code

    digits = (code or "").replace(" ", "").rstrip("*")
    if len(digits) != 6 or not digits.isdigit():
        return False
    entry = db.session.get(WasteCode, normalise_ewc_code(code))
    return bool(entry and entry.hazardous)


def legal_status_problems(stream: SideStream | None, legal_status: str | None, ewc_code: str | None,
                          new_document: bool) -> dict[str, str]:
    """Problems, by form field, of declaring ``legal_status`` for a stream with ``ewc_code``:
    a hazardous entry needs a document unless it is declared waste (or not declared)."""
    if legal_status not in NEEDS_EVIDENCE_IF_HAZARDOUS or not _hazardous(ewc_code):
        return {}
    if new_document or evidence_of(stream.id if stream is not None else None):
        return {}
    return {"legal_status": _(
        "%(code)s* is a hazardous entry: to declare it a by-product, end-of-waste or a product, "
        "attach the authority's decision or the declaration of performance.", code=ewc_code.rstrip("*"))}


def require_legal_evidence(stream: SideStream) -> None:
    """The same rule on a stream as saved (for services outside the form)."""
    problems = legal_status_problems(stream, stream.legal_status, stream.ewc_code, False)
    if problems:
        raise InvalidInput(_("The listing has errors."), problems)


def attach_evidence(user, stream: SideStream, upload, title: str = "") -> Attachment | None:
    if upload is None or not getattr(upload, "filename", ""):
        return None
    from ..attachments.services import attach

    return attach(user, stream, upload, KIND, title)


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
    from ..audit import record

    record("listing.legal_evidence_checked", actor=user, target=stream, legal_status=stream.legal_status)
    return check
