"""Access rules of the organisation pages and the brokers' verification."""
from datetime import timedelta
from pathlib import Path

from marketplace.db import db
from marketplace.models import Invitation, Site, VerificationDocument
from marketplace.models.base import utcnow
from tests.access import BROKERS, VISITORS, Rule, everyone, only

MANAGERS = {"org_admin_a", "admin"}


def extend_world(world, make):
    world.extra["member_extra"] = make.user(world.org_a, email="extra.a@example.fi")
    with make.app.app_context():
        site = Site(organisation_id=world.org_a.id, name="Second site", place="Tornio")
        site.location = "SRID=4326;POINT(24.17 65.85)"
        invitation = Invitation(organisation_id=world.org_a.id, email="revoke.me@example.fi",
                                role="member", expires_at=utcnow() + timedelta(days=14))
        folder = Path(make.app.config["UPLOAD_DIR"]) / "verification"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "matrix-document").write_bytes(b"%PDF-1.4 test")
        document = VerificationDocument(organisation_id=world.org_a.id, stored_name="matrix-document",
                                        filename="agreement.pdf", content_type="application/pdf",
                                        size_bytes=13)
        db.session.add_all([site, invitation, document])
        db.session.commit()
        world.extra.update(site_extra_id=site.id, site_first_id=world.org_a.sites[0].id,
                           invitation_id=invitation.id, document_id=document.id)
        db.session.remove()


def _unverified_profile():
    expect = {v: 404 for v in VISITORS}
    expect.update(unverified=200, broker=200, admin=200)
    return expect


RULES = [
    Rule("organisations.directory", lambda w: "/organisations/", expect=everyone(200)),
    Rule("organisations.profile", lambda w: f"/organisations/{w.org_a.id}", expect=everyone(200)),
    Rule("organisations.profile", lambda w: f"/organisations/{w.org_unverified.id}",
         expect=_unverified_profile()),
    Rule("organisations.edit", lambda w: f"/organisations/{w.org_a.id}/edit", expect=only(MANAGERS, 200)),
    Rule("organisations.edit", lambda w: f"/organisations/{w.org_a.id}/edit", method="POST",
         data=lambda w: {"name": ""}, expect=only(MANAGERS, 400)),
    Rule("organisations.new_site", lambda w: f"/organisations/{w.org_a.id}/sites/new",
         expect=only(MANAGERS, 200)),
    Rule("organisations.new_site", lambda w: f"/organisations/{w.org_a.id}/sites/new", method="POST",
         expect=only(MANAGERS, 400)),
    Rule("organisations.edit_site", lambda w: f"/organisations/{w.org_a.id}/sites/{w.site_first_id}/edit",
         expect=only(MANAGERS, 200)),
    Rule("organisations.edit_site", lambda w: f"/organisations/{w.org_a.id}/sites/{w.site_first_id}/edit",
         method="POST", data=lambda w: {"name": "", "place": ""}, expect=only(MANAGERS, 400)),
    Rule("organisations.members", lambda w: f"/organisations/{w.org_a.id}/members",
         expect=only({"member_a", "org_admin_a"} | BROKERS, 200)),
    Rule("organisations.invite", lambda w: f"/organisations/{w.org_a.id}/invitations", method="POST",
         data=lambda w: {"email": "new.person@example.fi", "role": "member", "language": "en"},
         expect=only(MANAGERS, 302)),
    Rule("organisations.revoke_invitation",
         lambda w: f"/organisations/{w.org_a.id}/invitations/{w.invitation_id}/revoke", method="POST",
         expect=only(MANAGERS, 302)),
    Rule("organisations.member_role",
         lambda w: f"/organisations/{w.org_a.id}/members/{w.member_extra.id}/role", method="POST",
         data=lambda w: {"role": "member"}, expect=only(MANAGERS, 302)),
    Rule("organisations.remove_member",
         lambda w: f"/organisations/{w.org_a.id}/members/{w.member_extra.id}/remove", method="POST",
         expect=only(MANAGERS, 302)),
    Rule("organisations.delete_site",
         lambda w: f"/organisations/{w.org_a.id}/sites/{w.site_extra_id}/delete", method="POST",
         expect=only(MANAGERS, 302)),
    Rule("organisations.verification_queue", lambda w: "/organisations/verification",
         expect=only(BROKERS, 200)),
    Rule("organisations.review", lambda w: f"/organisations/{w.org_a.id}/review", expect=only(BROKERS, 200)),
    Rule("organisations.review", lambda w: f"/organisations/{w.org_a.id}/review", method="POST",
         expect=only(BROKERS, 400), note="no decision"),
    Rule("organisations.review", lambda w: f"/organisations/{w.org_unverified.id}/review",
         expect={**_unverified_profile(), "unverified": 403, "anonymous": 302}),
    Rule("organisations.document", lambda w: f"/organisations/{w.org_a.id}/documents/{w.document_id}",
         expect=only({"org_admin_a"} | BROKERS, 200)),
]
