"""Receivers' permits: who may see and manage them, their codes valid on a day, and the
changes an organisation admin makes. Services flush; the request commits."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from .. import audit
from ..attachments import storage
from ..attachments.services import safe_filename
from ..db import db
from ..errors import Forbidden, InvalidInput
from ..models import PERMIT_KINDS, Organisation, Permit, WasteCode
from ..reference import normalise_ewc_code


def can_view(user, organisation: Organisation) -> bool:
    """The organisation's members and the brokers."""
    return bool(user and user.is_authenticated and (user.is_broker or user.is_member_of(organisation.id)))


def can_manage(user, organisation: Organisation) -> bool:
    """The organisation's admins (the permits say what the organisation may receive; members
    see them) and the site admin."""
    return bool(user and user.is_authenticated and (user.is_admin or user.is_org_admin_of(organisation.id)))


def permits_of(organisation_id: int) -> list[Permit]:
    return list(db.session.scalars(
        sa.select(Permit).where(Permit.organisation_id == organisation_id)
        .order_by(Permit.valid_until.is_(None).desc(), Permit.valid_until.desc(), Permit.id)))


def valid_codes_by_organisation(session, organisation_ids, today: date | None = None) -> dict[int, tuple]:
    """For each organisation, the List of Waste codes its permits valid on ``today`` cover."""
    today = today or date.today()
    found: dict[int, list] = {}
    rows = session.execute(sa.select(Permit.organisation_id, Permit.ewc_codes).where(
        Permit.organisation_id.in_(list(organisation_ids)), Permit.valid_on_clause(today)))
    for organisation_id, codes in rows:
        found.setdefault(organisation_id, []).extend(codes or [])
    return {k: tuple(dict.fromkeys(v)) for k, v in found.items()}


def valid_codes(organisation_id: int | None, today: date | None = None) -> tuple:
    if organisation_id is None:
        return ()
    return valid_codes_by_organisation(db.session, [organisation_id], today).get(organisation_id, ())


def has_permits(organisation_id: int | None) -> bool:
    if organisation_id is None:
        return False
    return bool(db.session.scalar(sa.select(sa.func.count()).select_from(Permit)
                                  .where(Permit.organisation_id == organisation_id)))


def check_codes(codes: list[str]) -> tuple[list[str], str | None]:
    """Normalised codes, or an error naming the first unknown one."""
    out = []
    for raw in codes:
        digits = raw.replace(" ", "").rstrip("*")
        if len(digits) != 6 or not digits.isdigit():
            return [], _("%(code)s is not a List of Waste code (six digits, e.g. 10 01 02).", code=raw)
        code = normalise_ewc_code(raw)
        if db.session.get(WasteCode, code) is None:
            return [], _("%(code)s is not in the List of Waste.", code=raw)
        out.append(code)
    return list(dict.fromkeys(out)), None


def _apply(permit: Permit, data: dict) -> None:
    errors = {}
    if data.get("kind") not in PERMIT_KINDS:
        errors["kind"] = _("Choose the kind of permit or registration.")
    if not (data.get("authority") or "").strip():
        errors["authority"] = _("Name the authority that granted it.")
    codes, problem = check_codes(data.get("ewc_codes") or [])
    if problem:
        errors["ewc_codes"] = problem
    elif not codes:
        errors["ewc_codes"] = _("List the waste codes the permit covers.")
    start, end = data.get("valid_from"), data.get("valid_until")
    if start and end and end < start:
        errors["valid_until"] = _("The end of validity comes before its start.")
    if errors:
        raise InvalidInput(_("The permit has errors."), errors)
    permit.kind = data["kind"]
    permit.authority = data["authority"].strip()[:200]
    permit.decision_number = (data.get("decision_number") or "").strip()[:100]
    permit.decision_date = data.get("decision_date")
    permit.valid_from, permit.valid_until = start, end
    permit.ewc_codes = codes
    permit.note = (data.get("note") or "").strip()


def _store_document(permit: Permit, upload) -> None:
    if upload is None or not getattr(upload, "filename", ""):
        return
    sha256, content_type, size = storage.store(upload.stream)
    permit.document_sha256, permit.document_content_type = sha256, content_type
    permit.document_filename, permit.document_size_bytes = safe_filename(upload.filename), size


def create(user, organisation: Organisation, data: dict, upload=None) -> Permit:
    if not can_manage(user, organisation):
        raise Forbidden(_("Only the organisation's admins can record its permits."))
    permit = Permit(organisation_id=organisation.id, created_by_id=user.id)
    _apply(permit, data)
    _store_document(permit, upload)
    db.session.add(permit)
    db.session.flush()
    _audit("permit.recorded", user, permit, organisation)
    return permit


def update(user, permit: Permit, data: dict, upload=None) -> Permit:
    if not can_manage(user, permit.organisation):
        raise Forbidden(_("Only the organisation's admins can change its permits."))
    _apply(permit, data)
    _store_document(permit, upload)
    db.session.flush()
    _audit("permit.changed", user, permit, permit.organisation)
    return permit


def delete(user, permit: Permit) -> None:
    if not can_manage(user, permit.organisation):
        raise Forbidden(_("Only the organisation's admins can remove its permits."))
    organisation = permit.organisation
    _audit("permit.removed", user, permit, organisation, decision_number=permit.decision_number)
    db.session.delete(permit)
    db.session.flush()


def _audit(action, user, permit, organisation, **detail) -> None:
    audit.record(action, actor=user, target=permit, organisation=organisation, **detail)
