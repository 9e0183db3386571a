"""Deals, their files, and the mail settings: a deal is for both parties and the brokers."""
from __future__ import annotations

from marketplace.db import db
from datetime import date

from marketplace.models import Attachment, Deal, DealEvent, DealMessage, Delivery
from tests.access import BROKERS, OWNERS_A, Rule, only, signed_in

PARTIES = OWNERS_A | {"member_b"} | BROKERS
PDF = b"%PDF-1.4\n%%EOF\n"


def extend_world(world, make):
    """A deal between A's anonymous slag and B's need, with a message and its file; and a
    public need of B that A's public stream could be paired with."""
    world.extra["need_b"] = make.need(world.org_b, title="Kittilä paving stones")
    world.extra["need_b_open"] = make.need(world.org_b, title="Kittilä cover layer", application="cover_layer")
    with make.app.app_context():
        deal = Deal(side_stream_id=world.stream_anonymous.id, need_id=world.need_b.id,
                    supplier_id=world.org_a.id, buyer_id=world.org_b.id,
                    broker_id=world.users["broker"].id, opened_by_id=world.users["broker"].id,
                    state="proposed", title="Anonymous slag → Kittilä paving stones", category="slag",
                    application="geopolymer_binder", place="Tornio")
        deal.events.append(DealEvent(actor_id=world.users["broker"].id, to_state="proposed"))
        db.session.add(deal)
        db.session.flush()
        message = DealMessage(deal_id=deal.id, author_id=world.users["broker"].id, body="Welcome")
        db.session.add(message)
        db.session.flush()
        import io

        from marketplace.attachments import storage

        sha256, content_type, size = storage.store(io.BytesIO(PDF))
        attachment = Attachment(sha256=sha256, filename="terms.pdf", content_type=content_type,
                                size_bytes=size, deal_message_id=message.id)
        db.session.add(attachment)
        db.session.commit()
        world.extra["deal"] = deal.id
        delivery = Delivery(deal_id=deal.id, delivered_on=date(2026, 1, 10), tonnes=12.0,
                            recorded_by_id=world.users["broker"].id)
        db.session.add(delivery)
        db.session.commit()
        world.extra["deal_delivery"] = delivery.id
        world.extra["deal_file"] = attachment.id
        db.session.remove()


RULES = [
    Rule("deals.index", lambda w: "/deals/", expect=signed_in(200)),
    Rule("deals.detail", lambda w: f"/deals/{w.deal}", expect=only(PARTIES, 200, others=404)),
    Rule("deals.new", lambda w: f"/deals/new?side_stream_id={w.stream_public.id}&need_id={w.need_b_open.id}",
         expect=only(PARTIES, 200, others=403)),
    Rule("deals.new", lambda w: f"/deals/new?side_stream_id={w.stream_public.id}&need_id={w.need_b_open.id}",
         method="POST", data=lambda w: {"side_stream_id": w.stream_public.id, "need_id": w.need_b_open.id,
                                        "tonnes_per_year": "lots"},
         expect=only(PARTIES, 400, others=403)),
    # Bad input: those who may see the deal are told what is wrong (400), nothing changes.
    Rule("deals.terms", lambda w: f"/deals/{w.deal}/terms", method="POST",
         data=lambda w: {"tonnes_per_year": "lots", "version": "1"}, expect=only(PARTIES, 400, others=404)),
    Rule("deals.transition", lambda w: f"/deals/{w.deal}/state", method="POST",
         data=lambda w: {"to_state": "", "version": "1"}, expect=only(PARTIES, 400, others=404)),
    Rule("deals.message", lambda w: f"/deals/{w.deal}/messages", method="POST",
         data=lambda w: {"body": ""}, expect=only(PARTIES, 400, others=404)),
    Rule("deals.delivery", lambda w: f"/deals/{w.deal}/deliveries", method="POST",
         data=lambda w: {"delivered_on": "", "tonnes": ""},
         expect={**only(PARTIES, 403, others=404), "broker": 400, "admin": 400}),
    # No delivery on a proposed deal: the brokers are told so (400), the parties may not.
    Rule("deals.correct_delivery", lambda w: f"/deals/{w.deal}/deliveries/{w.deal_delivery}", method="POST",
         data=lambda w: {"delivered_on": "", "tonnes": ""},
         expect={**only(PARTIES, 403, others=404), "broker": 400, "admin": 400}),
    Rule("deals.remove_delivery", lambda w: f"/deals/{w.deal}/deliveries/{w.deal_delivery}/remove",
         method="POST", expect={**only(PARTIES, 403, others=404), "broker": 400, "admin": 400}),
    Rule("deals.index", lambda w: "/deals/?view=board&sort=score", expect=signed_in(200)),
    Rule("deals.attachment", lambda w: f"/deals/{w.deal}/files/{w.deal_file}",
         expect=only(PARTIES, 200, others=404)),
    Rule("notifications.settings", lambda w: "/notifications/settings", expect=signed_in(200)),
    # Posted as shown (an empty post keeps the settings): saved, for one's own account only.
    Rule("notifications.settings", lambda w: "/notifications/settings", method="POST", expect=signed_in(302)),
]
