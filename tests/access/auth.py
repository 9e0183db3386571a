"""Access rules of the accounts pages (sign-in and sign-out are in main.py)."""
from datetime import timedelta

from marketplace.auth import tokens
from marketplace.db import db
from marketplace.models import Invitation
from marketplace.models.base import utcnow
from tests.access import VISITORS, Rule, everyone, signed_in


def extend_world(world, make):
    # Confirming a change of address changes it: done on someone who is not a visitor.
    mover = world.extra["mover"] = make.user(world.org_b, email="mover@example.fi")
    with make.app.app_context():
        member_a, member_b = world.users["member_a"], world.users["member_b"]
        invitation = Invitation(organisation_id=world.org_a.id, email="invited@example.fi", role="member",
                                expires_at=utcnow() + timedelta(days=14))
        db.session.add(invitation)
        db.session.commit()
        world.extra["confirm_token"] = tokens.make_token("confirm-email", {"u": member_a.id, "e": member_a.email})
        world.extra["reset_token"] = tokens.make_token(
            "reset-password", {"u": member_b.id, "f": tokens.fingerprint(member_b.password_hash)})
        world.extra["change_email_token"] = tokens.make_token(
            "change-email", {"u": member_b.id, "e": "new.b@example.fi", "f": tokens.fingerprint(member_b.email)})
        world.extra["mover_email_token"] = tokens.make_token(
            "change-email", {"u": mover.id, "e": "moved@example.fi", "f": tokens.fingerprint(mover.email)})
        world.extra["join_token"] = tokens.make_token(
            "invitation", {"i": invitation.id, "o": world.org_a.id, "e": invitation.email})
        db.session.remove()


def _only_anonymous(status, others):
    return {v: (status if v == "anonymous" else others) for v in VISITORS}


RULES = [
    Rule("auth.signup", lambda w: "/auth/signup", expect=_only_anonymous(200, others=302)),
    Rule("auth.signup", lambda w: "/auth/signup", method="POST", expect=_only_anonymous(400, others=302)),
    Rule("auth.check_email", lambda w: "/auth/signup/check-email", expect=everyone(200)),
    Rule("auth.confirm_email", lambda w: f"/auth/confirm/{w.confirm_token}", expect=everyone(200)),
    Rule("auth.confirm_email", lambda w: "/auth/confirm/not-a-token", expect=everyone(400)),
    # The links in mail are the key: whoever holds one may use it, signed in or not.
    Rule("auth.confirm_email", lambda w: f"/auth/confirm/{w.confirm_token}", method="POST", expect=everyone(302)),
    Rule("auth.resend_confirmation", lambda w: "/auth/confirm/resend", method="POST",
         expect=signed_in(302)),
    Rule("auth.reset_request", lambda w: "/auth/reset", expect=everyone(200)),
    Rule("auth.reset_request", lambda w: "/auth/reset", method="POST", expect=everyone(400)),
    Rule("auth.reset_password", lambda w: f"/auth/reset/{w.reset_token}", expect=everyone(200)),
    Rule("auth.reset_password", lambda w: f"/auth/reset/{w.reset_token}", method="POST",
         data=lambda w: {"password": "short", "password_again": "short"}, expect=everyone(400)),
    Rule("auth.account", lambda w: "/auth/account", expect=signed_in(200)),
    # Posted as shown (an empty post keeps the saved name and language): saved.
    Rule("auth.account", lambda w: "/auth/account", method="POST", expect=signed_in(302)),
    Rule("auth.end_other_sessions", lambda w: "/auth/account/sessions/end-others", method="POST",
         expect=signed_in(302)),
    Rule("auth.change_password", lambda w: "/auth/account/password", expect=signed_in(200)),
    Rule("auth.change_password", lambda w: "/auth/account/password", method="POST",
         data=lambda w: {"current_password": "not the password"}, expect=signed_in(400)),
    Rule("auth.change_email", lambda w: "/auth/account/email", expect=signed_in(200)),
    Rule("auth.change_email", lambda w: "/auth/account/email", method="POST",
         data=lambda w: {"email": "not an address"}, expect=signed_in(400)),
    Rule("auth.confirm_email_change", lambda w: f"/auth/email/{w.change_email_token}",
         expect=everyone(200)),
    Rule("auth.confirm_email_change", lambda w: f"/auth/email/{w.mover_email_token}", method="POST",
         expect=everyone(302)),
    Rule("auth.join", lambda w: f"/auth/join/{w.join_token}", expect=everyone(200)),
    # Joining is for a newcomer; a signed-in visitor already has an account.
    Rule("auth.join", lambda w: f"/auth/join/{w.join_token}", method="POST",
         expect=_only_anonymous(400, others=403)),
]
