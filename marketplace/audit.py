"""The audit log: one call, ``record``, for every area that does something worth keeping.

    from marketplace import audit
    audit.record("listing.visibility_changed", actor=user, target=stream,
                 before="public", after="anonymous")

The event joins the request's transaction (it is kept only if the request commits);
``organisation`` defaults to the target's organisation, or the target itself when it is
one, and the client's address is taken from the request when there is one.
"""
from __future__ import annotations

from flask import has_request_context, request
from flask_babel import lazy_gettext as _l

from .db import db
from .models import AuditEvent, Organisation

# Actions the site records, with a label for the log's filter. Other areas may record
# actions of their own; unknown ones are shown by their name.
ACTIONS = {
    "auth.sign_in_failed": _l("Sign-in failed"),
    "auth.sign_in_locked": _l("Sign-in refused: address locked"),
    "auth.password_reset_requested": _l("Password reset requested"),
    "auth.password_reset": _l("Password reset"),
    "auth.password_changed": _l("Password changed"),
    "auth.email_changed": _l("Email address changed"),
    "auth.email_confirmed": _l("Email address confirmed"),
    "auth.signed_up": _l("Signed up"),
    "user.role_changed": _l("Role changed"),
    "user.created_site_admin": _l("Site admin created"),
    "organisation.verified": _l("Organisation verified"),
    "organisation.rejected": _l("Organisation rejected"),
    "organisation.verification_reset": _l("Verification reset by a change of business ID"),
    "organisation.member_invited": _l("Member invited"),
    "organisation.member_joined": _l("Member joined"),
    "organisation.member_removed": _l("Member removed"),
    "organisation.invitation_revoked": _l("Invitation revoked"),
    "listing.visibility_changed": _l("Listing visibility changed"),
}


def record(action: str, actor=None, target=None, organisation=None, **detail) -> AuditEvent:
    """Add an audit event to the session (and flush). ``detail`` must be JSON-serialisable."""
    if organisation is None and target is not None:
        if isinstance(target, Organisation):
            organisation = target
        else:
            organisation = getattr(target, "organisation", None)
    event = AuditEvent(
        action=action,
        actor_id=getattr(actor, "id", None) if actor is not None and getattr(actor, "is_authenticated", True) else None,
        organisation_id=getattr(organisation, "id", organisation),
        target_type=getattr(target, "__tablename__", None) if target is not None else None,
        target_id=getattr(target, "id", None) if target is not None else None,
        detail=detail,
        ip=request.remote_addr if has_request_context() else None,
    )
    db.session.add(event)
    db.session.flush()
    return event


def action_label(action: str) -> str:
    return str(ACTIONS.get(action, action))
