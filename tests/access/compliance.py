"""Waste law: the guide for everyone, the evidence check for brokers, permits for the
organisation and the brokers (managed by its admins), transfer documents for the deal's
parties (made by the holder or a broker)."""
from __future__ import annotations

import io
from datetime import date

from marketplace.db import db
from marketplace.models import Deal, DealEvent, Delivery, Permit, TransferDocument
from tests.access import BROKERS, OWNERS_A, Rule, everyone, only

PDF = b"%PDF-1.4\n%%EOF\n"
PARTIES = OWNERS_A | {"member_b"} | BROKERS
MANAGERS = {"org_admin_a", "admin"}


def extend_world(world, make):
    waste = make.stream(world.org_a, title="Fly ash", category="ash", ewc_code="10 01 02", legal_status="waste",
                        quantity_t_per_year=5000)
    need = make.need(world.org_b, title="Road base", application="earth_construction")
    with make.app.app_context():
        from marketplace.attachments import storage

        sha256, content_type, size = storage.store(io.BytesIO(PDF))
        permit = Permit(organisation_id=world.org_a.id, kind="environmental_permit", authority="Lapin ELY-keskus",
                        decision_number="LAPELY/1/2026", valid_from=date(2026, 1, 1), ewc_codes=["10 01 02"],
                        document_sha256=sha256, document_filename="permit.pdf", document_content_type=content_type,
                        document_size_bytes=size)
        deal = Deal(side_stream_id=waste.id, need_id=need.id, supplier_id=world.org_a.id, buyer_id=world.org_b.id,
                    broker_id=world.users["broker"].id, state="delivering", title="Fly ash → Road base",
                    category="ash", application="earth_construction", place="Kemi", was_waste=True)
        deal.events.append(DealEvent(actor_id=world.users["broker"].id, to_state="proposed"))
        deal.deliveries.append(Delivery(delivered_on=date(2026, 3, 2), tonnes=30.0))
        db.session.add_all([permit, deal])
        db.session.flush()
        document = TransferDocument(deal_id=deal.id, number=f"SV-2026-{deal.id:05d}-01",
                                    content={"holder": {}, "receiver": {"permits": []}, "carrier": {}, "waste": {},
                                             "quantity_t": 30.0, "transport_date": "2026-03-02"})
        db.session.add(document)
        db.session.commit()
        world.extra.update(permit=permit.id, waste_deal=deal.id, transfer_document=document.id)
        db.session.remove()


RULES = [
    Rule("compliance.guide", lambda w: "/legal-status", expect=everyone(200)),
    # The world's public stream states no legal status: a broker is told so (400).
    Rule("compliance.check_evidence", lambda w: f"/streams/{w.stream_public.id}/legal-evidence/check",
         method="POST", expect={**only(BROKERS, 400), "unverified": 403}),
    Rule("compliance.permit_list", lambda w: f"/organisations/{w.org_a.id}/permits",
         expect=only(OWNERS_A | BROKERS, 200, others=404)),
    Rule("compliance.permit_new", lambda w: f"/organisations/{w.org_a.id}/permits/new",
         expect={**only(MANAGERS, 200, others=404), "member_a": 403, "broker": 403}),
    Rule("compliance.permit_new", lambda w: f"/organisations/{w.org_a.id}/permits/new", method="POST",
         expect={**only(MANAGERS, 400, others=404), "member_a": 403, "broker": 403}),
    Rule("compliance.permit_edit", lambda w: f"/organisations/{w.org_a.id}/permits/{w.permit}/edit",
         expect={**only(MANAGERS, 200, others=404), "member_a": 403, "broker": 403}),
    Rule("compliance.permit_edit", lambda w: f"/organisations/{w.org_a.id}/permits/{w.permit}/edit",
         method="POST", data=lambda w: {"authority": ""},
         expect={**only(MANAGERS, 400, others=404), "member_a": 403, "broker": 403}),
    Rule("compliance.permit_document", lambda w: f"/organisations/{w.org_a.id}/permits/{w.permit}/document",
         expect=only(OWNERS_A | BROKERS, 200, others=404)),
    # After the document: the managers' request removes the permit.
    Rule("compliance.permit_delete", lambda w: f"/organisations/{w.org_a.id}/permits/{w.permit}/delete",
         method="POST", expect={**only(MANAGERS, 302, others=404), "member_a": 403, "broker": 403}),
    Rule("compliance.transfer_new", lambda w: f"/deals/{w.waste_deal}/transfer-documents/new",
         expect={**only(OWNERS_A | BROKERS, 200, others=404), "member_b": 403}),
    Rule("compliance.transfer_new", lambda w: f"/deals/{w.waste_deal}/transfer-documents/new", method="POST",
         expect={**only(OWNERS_A | BROKERS, 400, others=404), "member_b": 403}),
    Rule("compliance.transfer_show",
         lambda w: f"/deals/{w.waste_deal}/transfer-documents/{w.transfer_document}",
         expect=only(PARTIES, 200, others=404)),
]
