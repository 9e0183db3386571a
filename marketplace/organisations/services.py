"""Organisations: their profile and sites, members and invitations, and verification.

Verb functions that take the acting user first; they flush, the request commits.
"""
from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa
from flask import current_app, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .. import audit
from ..auth import tokens
from ..auth.mails import send_mail
from ..auth.passwords import password_problem
from ..auth.services import normalise_email, organisation_problems, set_password, user_by_email
from ..db import db
from ..errors import Conflict, Forbidden, InvalidInput, NotFound
from ..models import (
    INVITABLE_ROLES, Invitation, MaterialNeed, Organisation, Review, SideStream, Site, User,
    VerificationDocument,
)
from ..models.base import utcnow
from ..models.verification_document import DOCUMENT_TYPES
from . import permissions

INVITATION_DAYS = 14
MAGIC_NUMBERS = {
    b"%PDF-": "application/pdf",
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
}


def _require(allowed: bool) -> None:
    if not allowed:
        raise Forbidden()


# -- the profile and its sites -------------------------------------------------------

PROFILE_FIELDS = ("name", "business_id", "country", "kind", "description_fi", "description_en",
                  "email", "phone", "website", "show_as_member")


def update_organisation(actor: User, organisation: Organisation, **fields) -> None:
    _require(permissions.can_manage(actor, organisation))
    country = (fields.get("country") or organisation.country).upper()
    business_id = (fields.get("business_id") or "").strip()
    if country != "FI":
        business_id = business_id.upper()
    errors = organisation_problems(fields["name"], business_id, country, exclude_id=organisation.id)
    if "organisation_name" in errors:
        errors["name"] = errors.pop("organisation_name")
    if errors:
        raise InvalidInput(_("Please correct the fields marked."), errors)
    identity_changed = (business_id or None) != organisation.business_id or country != organisation.country
    fields.update(business_id=business_id or None, country=country, name=fields["name"].strip())
    for name in PROFILE_FIELDS:
        if name in fields:
            setattr(organisation, name, fields[name])
    if identity_changed and organisation.verification_status != "pending":
        # A verification holds for the business ID a broker checked, not another.
        organisation.verification_status = "pending"
        organisation.verified_at = None
        audit.record("organisation.verification_reset", actor=actor, target=organisation,
                     business_id=organisation.business_id, country=country)
    db.session.flush()


def _point(lat: float, lon: float) -> str:
    return f"SRID=4326;POINT({float(lon)} {float(lat)})"


def add_site(actor: User, organisation: Organisation, *, name: str, place: str, lat: float, lon: float) -> Site:
    _require(permissions.can_manage(actor, organisation))
    site = Site(name=name.strip(), place=place.strip())
    site.location = _point(lat, lon)
    organisation.sites.append(site)
    db.session.flush()
    return site


def update_site(actor: User, site: Site, *, name: str, place: str, lat: float, lon: float) -> None:
    _require(permissions.can_manage(actor, site.organisation))
    site.name, site.place = name.strip(), place.strip()
    site.location = _point(lat, lon)
    db.session.flush()


def delete_site(actor: User, site: Site) -> None:
    organisation = site.organisation
    _require(permissions.can_manage(actor, organisation))
    if len(organisation.sites) <= 1:
        raise Conflict(_("An organisation keeps at least one site."))
    db.session.delete(site)
    db.session.flush()


def site_coordinates(site: Site) -> tuple[float, float]:
    """(lat, lon) of a site, read in the database (works on SpatiaLite and PostGIS)."""
    row = db.session.execute(
        sa.select(sa.func.ST_Y(Site.location), sa.func.ST_X(Site.location)).where(Site.id == site.id)
    ).one()
    return float(row[0]), float(row[1])


# -- members -------------------------------------------------------------------------

def _admin_count(organisation: Organisation) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(User).where(
        User.organisation_id == organisation.id, User.role == "org_admin", User.active.is_(True)))


def remove_member(actor: User, organisation: Organisation, member: User) -> None:
    _require(permissions.can_manage(actor, organisation))
    if member.organisation_id != organisation.id:
        raise NotFound()
    if member.role == "org_admin" and _admin_count(organisation) <= 1:
        raise Conflict(_("The organisation's last admin cannot be removed. Make another member "
                         "an admin first."))
    member.organisation_id = None
    if member.role == "org_admin":
        member.role = "member"
    audit.record("organisation.member_removed", actor=actor, target=member, organisation=organisation,
                 email=member.email)
    db.session.flush()


def set_member_role(actor: User, organisation: Organisation, member: User, role: str) -> None:
    _require(permissions.can_manage(actor, organisation))
    if member.organisation_id != organisation.id:
        raise NotFound()
    if role not in INVITABLE_ROLES:
        raise InvalidInput(_("Choose a role."), {"role": _("Choose a role.")})
    if member.role not in INVITABLE_ROLES or member.role == role:
        return  # brokers and site admins keep their roles here
    if member.role == "org_admin" and _admin_count(organisation) <= 1:
        raise Conflict(_("The organisation must keep at least one admin."))
    before = member.role
    member.role = role
    audit.record("user.role_changed", actor=actor, target=member, organisation=organisation,
                 before=before, after=role)
    db.session.flush()


# -- invitations ---------------------------------------------------------------------

def invite(actor: User, organisation: Organisation, *, email: str, role: str, language: str) -> Invitation:
    """Invite a person by mail; a new invitation to the same address replaces an open one."""
    _require(permissions.can_manage(actor, organisation))
    email = normalise_email(email)
    if role not in INVITABLE_ROLES:
        raise InvalidInput(_("Choose a role."), {"role": _("Choose a role.")})
    existing = user_by_email(email)
    if existing is not None and existing.organisation_id == organisation.id:
        raise InvalidInput(_("This person is already a member."),
                           {"email": _("This person is already a member.")})
    for old in db.session.scalars(sa.select(Invitation).where(
            Invitation.organisation_id == organisation.id, Invitation.email == email,
            Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None))):
        old.revoked_at = utcnow()
    invitation = Invitation(organisation_id=organisation.id, email=email, role=role,
                            invited_by_id=actor.id,
                            expires_at=utcnow() + timedelta(days=INVITATION_DAYS))
    db.session.add(invitation)
    db.session.flush()
    token = tokens.make_token("invitation", {"i": invitation.id, "o": organisation.id, "e": email})
    send_mail(email, language, _l("An invitation to join %(organisation)s on Sivuvirta",
                                  organisation=organisation.name),
              "organisations/mail/invitation", organisation=organisation, inviter=actor,
              url=url_for("auth.join", token=token, _external=True), days=INVITATION_DAYS)
    audit.record("organisation.member_invited", actor=actor, target=invitation,
                 organisation=organisation, email=email, role=role)
    return invitation


def revoke_invitation(actor: User, organisation: Organisation, invitation: Invitation) -> None:
    _require(permissions.can_manage(actor, organisation))
    if invitation.organisation_id != organisation.id:
        raise NotFound()
    if invitation.state != "open":
        raise Conflict(_("The invitation is no longer open."))
    invitation.revoked_at = utcnow()
    audit.record("organisation.invitation_revoked", actor=actor, target=invitation,
                 organisation=organisation, email=invitation.email)
    db.session.flush()


def invitation_for(token: str) -> Invitation:
    """The open invitation a link names; a clear error for an expired, used or altered one."""
    try:
        payload = tokens.read_token("invitation", token)
    except tokens.TokenExpired:
        raise InvalidInput(_("The invitation has expired. Ask the organisation's admin for a new one.")) from None
    except tokens.TokenInvalid:
        raise InvalidInput(_("The invitation link is not valid. Check that you copied all of it.")) from None
    invitation = db.session.get(Invitation, payload.get("i") or 0)
    if (invitation is None or invitation.organisation_id != payload.get("o")
            or invitation.email != payload.get("e")):
        raise InvalidInput(_("The invitation link is not valid. Check that you copied all of it."))
    state = invitation.state
    if state == "accepted":
        raise InvalidInput(_("The invitation has already been used. Sign in instead."))
    if state == "revoked":
        raise InvalidInput(_("The invitation was withdrawn or replaced by a newer one."))
    if state == "expired":
        raise InvalidInput(_("The invitation has expired. Ask the organisation's admin for a new one."))
    return invitation


def _join(invitation: Invitation, user: User) -> None:
    user.organisation_id = invitation.organisation_id
    if user.role in INVITABLE_ROLES:
        user.role = invitation.role
    invitation.accepted_at = utcnow()
    invitation.accepted_by_id = user.id
    audit.record("organisation.member_joined", actor=user, target=user,
                 organisation=invitation.organisation, invitation=invitation.id)
    db.session.flush()


def accept_invitation_as_new_user(token: str, *, name: str, password: str, language: str) -> User:
    invitation = invitation_for(token)
    if user_by_email(invitation.email) is not None:
        raise Conflict(_("An account with this address exists already. Sign in to accept."))
    problem = password_problem(password, invitation.email, invitation.organisation.name)
    if problem:
        raise InvalidInput(problem, {"password": problem})
    # The link reached the invitee's mailbox: that confirms the address.
    user = User(email=invitation.email, name=name.strip(), language=language,
                role=invitation.role, email_confirmed_at=utcnow(), password_hash="")
    set_password(user, password)
    db.session.add(user)
    db.session.flush()
    _join(invitation, user)
    return user


def accept_invitation(token: str, user: User) -> None:
    invitation = invitation_for(token)
    if user.email != invitation.email:
        raise Forbidden(_("This invitation was sent to another address. Sign out and open the link again."))
    if user.organisation_id is not None and user.organisation_id != invitation.organisation_id:
        raise Conflict(_("Your account belongs to another organisation. Ask its admin to remove "
                         "you first, or use another address."))
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
    _join(invitation, user)


# -- verification --------------------------------------------------------------------

# The columns the verification queue sorts by; the longest waiting first by default.
QUEUE_SORTS = {
    "name": sa.func.lower(Organisation.name), "business_id": Organisation.business_id,
    "country": Organisation.country, "signed_up": Organisation.created_at,
}


def _queue_query():
    return sa.select(Organisation).where(Organisation.verification_status == "pending")


def verification_queue_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(_queue_query().subquery())) or 0


def verification_queue(limit: int | None = None, offset: int = 0, sort: str = "signed_up",
                       descending: bool = False) -> list[Organisation]:
    column = QUEUE_SORTS.get(sort, Organisation.created_at)
    ordered = (column.desc() if descending else column.asc()).nulls_last()
    return list(db.session.scalars(
        _queue_query().order_by(ordered, Organisation.created_at, Organisation.id).limit(limit).offset(offset)))


def _sniff(head: bytes) -> str | None:
    for magic, content_type in MAGIC_NUMBERS.items():
        if head.startswith(magic):
            return content_type
    return None


def store_document(actor: User, organisation: Organisation, upload) -> VerificationDocument:
    """Keep an uploaded PDF or image under UPLOAD_DIR/verification/, named at random."""
    data = upload.read(current_app.config["MAX_UPLOAD_BYTES"] + 1)
    if not data:
        raise InvalidInput(_("The file is empty."), {"document": _("The file is empty.")})
    if len(data) > current_app.config["MAX_UPLOAD_BYTES"]:
        message = _("The file is larger than %(mb)d MB.", mb=current_app.config["MAX_UPLOAD_BYTES"] // 2**20)
        raise InvalidInput(message, {"document": message})
    content_type = _sniff(data[:16])
    if content_type not in DOCUMENT_TYPES:
        message = _("Upload a PDF, PNG or JPEG file.")
        raise InvalidInput(message, {"document": message})
    folder = Path(current_app.config["UPLOAD_DIR"]) / "verification"
    folder.mkdir(parents=True, exist_ok=True)
    stored_name = secrets.token_hex(16)
    (folder / stored_name).write_bytes(data)
    filename = Path(upload.filename or "document").name[:200] or "document"
    document = VerificationDocument(organisation_id=organisation.id, stored_name=stored_name,
                                    filename=filename, content_type=content_type,
                                    size_bytes=len(data), uploaded_by_id=actor.id)
    db.session.add(document)
    db.session.flush()
    return document


def document_path(document: VerificationDocument) -> Path:
    return Path(current_app.config["UPLOAD_DIR"]) / "verification" / document.stored_name


def review(broker: User, organisation: Organisation, *, decision: str, note: str,
           evidence: str = "", upload=None) -> Review:
    """A broker verifies or rejects an organisation; its admins are told by mail."""
    _require(permissions.can_review(broker, organisation))
    errors = {}
    if decision not in ("verified", "rejected"):
        errors["decision"] = _("Choose verify or reject.")
    if decision == "rejected" and not note.strip():
        errors["note"] = _("Say why the organisation is rejected: its admins read this note.")
    if errors:
        raise InvalidInput(_("Please correct the fields marked."), errors)
    document = store_document(broker, organisation, upload) if upload is not None and upload.filename else None
    decision_row = Review(organisation_id=organisation.id, broker_id=broker.id, decision=decision,
                          note=note.strip(), evidence=evidence.strip())
    db.session.add(decision_row)
    db.session.flush()
    if document is not None:
        document.review_id = decision_row.id
    before = organisation.verification_status
    organisation.verification_status = decision
    organisation.verification_note = note.strip()
    organisation.verified_at = utcnow() if decision == "verified" else None
    audit.record(f"organisation.{decision}", actor=broker, target=organisation,
                 before=before, note=note.strip(), review=decision_row.id,
                 document=document.id if document else None)
    for admin in organisation_admins(organisation):
        send_mail(admin.email, admin.language,
                  _l("%(organisation)s is verified on Sivuvirta", organisation=organisation.name)
                  if decision == "verified" else
                  _l("%(organisation)s was not verified on Sivuvirta", organisation=organisation.name),
                  "organisations/mail/review", user=admin, organisation=organisation,
                  decision=decision, note=note.strip(),
                  url=url_for("organisations.profile", organisation_id=organisation.id, _external=True))
    db.session.flush()
    return decision_row


def organisation_admins(organisation: Organisation) -> list[User]:
    return list(db.session.scalars(sa.select(User).where(
        User.organisation_id == organisation.id, User.role == "org_admin", User.active.is_(True)
    ).order_by(User.id)))


# -- what the profile page shows -----------------------------------------------------

def listings_shown(organisation: Organisation, viewer) -> dict[str, list]:
    """The organisation's listings that ``viewer`` may see *as this organisation's*.

    The SQL clause keeps out what the viewer may not see at all; ``reveals_owner_to``
    then keeps out anonymous listings whose owner the viewer may not know, so the page
    never links an anonymous listing to the organisation."""
    shown = {}
    for key, model in (("streams", SideStream), ("needs", MaterialNeed)):
        rows = db.session.scalars(
            sa.select(model).where(model.organisation_id == organisation.id,
                                   model.visible_to_clause(viewer))
            .order_by(model.created_at.desc(), model.id.desc()))
        shown[key] = [row for row in rows if row.is_visible_to(viewer) and row.reveals_owner_to(viewer)]
    return shown
