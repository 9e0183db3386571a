"""Enquiries and introduction requests: written by members of verified organisations about
listings they may see; read by the two organisations (the owner of an anonymous listing only
once a broker accepted) and the brokers. The notification centre: one's own notices only."""
from __future__ import annotations

from marketplace.db import db
from marketplace.models import Enquiry, EnquiryMessage, Notice
from tests.access import BROKERS, OWNERS_A, Rule, only, signed_in
from tests.deals.story import add_match

CONVERSATION = OWNERS_A | {"member_b"} | BROKERS
REQUESTER = {"member_b"} | BROKERS


def _enquiry(world, listing_field: str, listing, kind: str) -> int:
    enquiry = Enquiry(kind=kind, state="open", sender_id=world.users["member_b"].id,
                      sender_org_id=world.org_b.id, owner_org_id=world.org_a.id, body="Is it still available?",
                      **{listing_field: listing.id})
    enquiry.messages.append(EnquiryMessage(author_id=world.users["member_b"].id, body="Is it still available?"))
    db.session.add(enquiry)
    db.session.flush()
    return enquiry.id


def extend_world(world, make):
    """B's enquiry about A's public slag (and a second one, turned into a deal by a rule),
    B's introduction request for A's anonymous slag, a notice for member A, and a stored
    match for the broker's explanation page."""
    need = make.need(world.org_b, title="Kemi paving blocks")
    add_match(make, world.stream_public, need)
    world.extra["match_need"] = need
    with make.app.app_context():
        world.extra["enquiry"] = _enquiry(world, "side_stream_id", world.stream_public, "enquiry")
        world.extra["enquiry_for_deal"] = _enquiry(world, "side_stream_id", world.stream_public, "enquiry")
        world.extra["introduction"] = _enquiry(world, "side_stream_id", world.stream_anonymous, "introduction")
        notice = Notice(user_id=world.users["member_a"].id, kind="enquiry", enquiry_id=world.extra["enquiry"])
        db.session.add(notice)
        db.session.commit()
        world.extra["notice"] = notice.id
        db.session.remove()


def _writers(status_b: int) -> dict:
    """Only member B (a verified organisation's member, not the owner) may write; the
    unverified member, the owners and the brokers are told why not (403)."""
    return only({"member_b"}, status_b, others=403)


RULES = [
    Rule("enquiries.new", lambda w: f"/enquiries/streams/{w.stream_public.id}", expect=_writers(200)),
    Rule("enquiries.new", lambda w: f"/enquiries/streams/{w.ref_stream_anonymous}", expect=_writers(200)),
    # A hidden listing's database id names it to its owner and the brokers only.
    Rule("enquiries.new", lambda w: f"/enquiries/streams/{w.stream_anonymous.id}",
         expect=only(OWNERS_A | BROKERS, 403, others=404)),
    Rule("enquiries.new", lambda w: f"/enquiries/needs/{w.need_public.id}", expect=_writers(200)),
    # A brokered listing is for its owner and the brokers only: others find nothing.
    Rule("enquiries.new", lambda w: f"/enquiries/streams/{w.stream_brokered.id}",
         expect={**only(OWNERS_A | BROKERS, 403, others=404)}),
    Rule("enquiries.new", lambda w: f"/enquiries/streams/{w.stream_public.id}", method="POST",
         data=lambda w: {"body": ""}, expect=_writers(400)),
    Rule("enquiries.index", lambda w: "/enquiries/", expect=signed_in(200)),
    Rule("enquiries.detail", lambda w: f"/enquiries/{w.enquiry}", expect=only(CONVERSATION, 200, others=404)),
    Rule("enquiries.detail", lambda w: f"/enquiries/{w.introduction}", expect=only(REQUESTER, 200, others=404)),
    Rule("enquiries.reply", lambda w: f"/enquiries/{w.enquiry}/messages", method="POST",
         data=lambda w: {"body": ""}, expect=only(CONVERSATION, 400, others=404)),
    Rule("enquiries.decision", lambda w: f"/enquiries/{w.introduction}/decision", method="POST",
         data=lambda w: {"decision": ""}, expect={**only(REQUESTER, 403, others=404), "broker": 400, "admin": 400}),
    Rule("enquiries.report", lambda w: f"/enquiries/{w.enquiry}/report", method="POST",
         expect={**only(CONVERSATION, 302, others=404), "member_b": 403, "broker": 403, "admin": 403}),
    Rule("enquiries.make_deal", lambda w: f"/enquiries/{w.enquiry_for_deal}/deal", method="POST",
         expect={**only(CONVERSATION, 302, others=404), "broker": 403, "admin": 403}),
    Rule("notifications.index", lambda w: "/notifications/", expect=signed_in(200)),
    Rule("notifications.open_notice", lambda w: f"/notifications/{w.notice}",
         expect=only({"member_a"}, 302, others=404)),
    Rule("notifications.read_all", lambda w: "/notifications/read", method="POST", expect=signed_in(302)),
    Rule("dashboard.pairing", lambda w: f"/dashboard/pairings/{w.stream_public.id}/{w.match_need.id}",
         expect=only(BROKERS, 200)),
]
