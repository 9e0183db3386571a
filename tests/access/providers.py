"""Access rules of the providers' pages, the services search and service requests."""
from __future__ import annotations

import hashlib
from pathlib import Path

from marketplace.db import db
from marketplace.models import Attachment, ServiceRequestMessage
from tests.access import BROKERS, VISITORS, Rule, everyone, only, signed_in
from tests.providers.helpers import make_provider, make_request

PROVIDER_B = {"member_b", "admin"}
REQUEST_PARTIES = {"member_a", "org_admin_a", "member_b"} | BROKERS
PDF = b"%PDF-1.4 service request test"


def extend_world(world, make):
    provider = make_provider(make, world.org_b, services=(
        {"kind": "analysis_leaching", "lead_time_days": 14},
        {"kind": "analysis_xrf", "lead_time_days": 7},
    ))
    hidden = make_provider(make, world.org_unverified)
    request = make_request(make, provider.services[0], world.stream_anonymous, world.users["member_a"])
    to_close = make_request(make, provider.services[0], world.stream_public, world.users["member_a"])
    sha = hashlib.sha256(PDF).hexdigest()
    folder = Path(make.app.config["UPLOAD_DIR"]) / sha[:2] / sha[2:4]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / sha).write_bytes(PDF)
    with make.app.app_context():
        message = ServiceRequestMessage(request_id=request.id, author_id=world.users["member_a"].id, body="Hei")
        db.session.add(message)
        db.session.flush()
        attachment = Attachment(sha256=sha, filename="sample.pdf", content_type="application/pdf",
                                size_bytes=len(PDF), service_request_message_id=message.id)
        db.session.add(attachment)
        db.session.commit()
        attachment_id = attachment.id
        db.session.remove()
    world.extra.update(provider_b=provider, provider_hidden=hidden, leaching_b=provider.services[0],
                       xrf_b=provider.services[1], service_request=request, request_to_close=to_close, request_attachment_id=attachment_id)


def _hidden_provider():
    expect = {v: 404 for v in VISITORS}
    expect.update(unverified=200, broker=200, admin=200)
    return expect


def _new_provider(status: int = 200):
    expect = only({"member_a", "org_admin_a"}, status)
    # Already providers: sent to their own page.
    expect["member_b"] = expect["unverified"] = 302
    return expect


def _party(status: int, allowed=REQUEST_PARTIES):
    expect = only(allowed, status, others=403)
    expect["unverified"] = 404
    return expect


RULES = [
    Rule("providers.services_list", lambda w: "/providers/", expect=everyone(200)),
    Rule("providers.services_list", lambda w: "/providers/?kind=bogus", expect=everyone(400)),
    Rule("providers.map_page", lambda w: "/providers/map", expect=everyone(200)),
    Rule("providers.geojson", lambda w: "/providers/map.geojson?near=Kemi&km=500", expect=everyone(200)),
    Rule("providers.export", lambda w: "/providers/export.csv", expect=everyone(200)),
    Rule("providers.export", lambda w: "/providers/export.json?theme=bogus", expect=everyone(400)),
    Rule("providers.detail", lambda w: f"/providers/{w.provider_b.id}", expect=everyone(200)),
    Rule("providers.detail", lambda w: f"/providers/{w.provider_hidden.id}", expect=_hidden_provider()),
    Rule("providers.new", lambda w: "/providers/new", expect=_new_provider()),
    Rule("providers.new", lambda w: "/providers/new", method="POST", expect=_new_provider(400)),
    Rule("providers.edit", lambda w: f"/providers/{w.provider_b.id}/edit", expect=only(PROVIDER_B, 200)),
    Rule("providers.edit", lambda w: f"/providers/{w.provider_b.id}/edit", method="POST",
         data=lambda w: {"kinds": "bogus"}, expect=only(PROVIDER_B, 400)),
    Rule("providers.service_new", lambda w: f"/providers/{w.provider_b.id}/services/new",
         expect=only(PROVIDER_B, 200)),
    Rule("providers.service_new", lambda w: f"/providers/{w.provider_b.id}/services/new", method="POST",
         expect=only(PROVIDER_B, 400)),
    Rule("providers.service_edit", lambda w: f"/providers/{w.provider_b.id}/services/{w.xrf_b.id}/edit",
         expect=only(PROVIDER_B, 200)),
    Rule("providers.service_edit", lambda w: f"/providers/{w.provider_b.id}/services/{w.xrf_b.id}/edit",
         method="POST", data=lambda w: {"kind": "bogus"}, expect=only(PROVIDER_B, 400)),
    Rule("providers.request_new",
         lambda w: f"/providers/services/{w.leaching_b.id}/request?stream={w.ref_stream_anonymous}&keys=leach:Mo",
         expect=only({"member_a", "org_admin_a"} | BROKERS, 200)),
    Rule("providers.request_new",
         lambda w: f"/providers/services/{w.leaching_b.id}/request?stream={w.ref_stream_anonymous}&keys=leach:Mo",
         method="POST", data=lambda w: {"body": "x" * 10_001},
         expect=only({"member_a", "org_admin_a"} | BROKERS, 400)),
    Rule("providers.requests_index", lambda w: "/providers/requests", expect=signed_in(200)),
    Rule("providers.request_detail", lambda w: f"/providers/requests/{w.service_request.id}", expect=_party(200)),
    Rule("providers.request_attachment",
         lambda w: f"/providers/requests/{w.service_request.id}/files/{w.request_attachment_id}", expect=_party(200)),
    Rule("providers.request_message", lambda w: f"/providers/requests/{w.service_request.id}/messages",
         method="POST", data=lambda w: {"body": "Milloin tulokset?"}, expect=_party(302)),
    Rule("providers.request_results", lambda w: f"/providers/requests/{w.service_request.id}/results",
         method="POST", data=lambda w: {"key": "leach:Mo", "value": "0,4", "unit": ""},
         expect=_party(302, {"member_b"} | BROKERS)),
    Rule("providers.request_close", lambda w: f"/providers/requests/{w.request_to_close.id}/close",
         method="POST", data=lambda w: {"note": ""}, expect=_party(302)),
    # Deletions last: they take away what the rules above use.
    Rule("providers.service_delete",
         lambda w: f"/providers/{w.provider_b.id}/services/{w.xrf_b.id}/delete", method="POST",
         expect=only(PROVIDER_B, 302)),
    Rule("providers.delete", lambda w: f"/providers/{w.provider_b.id}/delete", method="POST",
         expect=only(PROVIDER_B, 302)),
]
