"""The transfer document of a delivery of waste (Waste Act 646/2011, section 121): its
fields come from the deal, the carrier and dates are typed in, it is kept as made."""
from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from marketplace.db import db
from marketplace.models import Deal, DealEvent, Delivery, Permit, TransferDocument


@pytest.fixture
def waste_deal(app, make):
    supplier = make.organisation(name="Tornion Terästehdas Oy", place="Tornio", lat=65.85, lon=24.15)
    buyer = make.organisation(name="Kemin Maarakennus Oy", place="Kemi", lat=65.73, lon=24.56)
    holder = make.user(supplier, email="holder@example.fi", language="en")
    make.user(buyer, email="receiver@example.fi", language="en")
    make.user(None, role="broker", email="broker@example.fi", language="en")
    stream = make.stream(supplier, title="Filter dust from the melt shop", category="dust",
                         ewc_code="10 02 07", legal_status="waste", hazardous_properties=["HP7", "HP14"],
                         hazard_note="Cr(VI) leaching assessed.", industry="24.10 Steel")
    need = make.need(buyer, title="Stabilised fill", application="cover_layer", place="Kemi harbour")
    with app.app_context():
        db.session.add(Permit(organisation_id=buyer.id, kind="environmental_permit", authority="Pohjois-Suomen AVI",
                              decision_number="PSAVI/99/2024", ewc_codes=["10 02 07"]))
        deal = Deal(side_stream_id=stream.id, need_id=need.id, supplier_id=supplier.id, buyer_id=buyer.id,
                    state="delivering", title="Filter dust → Stabilised fill", category="dust",
                    application="cover_layer", place="Tornio", was_waste=True, hazardous=True)
        deal.events.append(DealEvent(actor_id=holder.id, to_state="proposed"))
        deal.deliveries.append(Delivery(delivered_on=date(2026, 4, 14), tonnes=28.5))
        db.session.add(deal)
        db.session.commit()
        return deal.id, deal.deliveries[0].id


def documents(app) -> list[TransferDocument]:
    with app.app_context():
        return list(db.session.scalars(sa.select(TransferDocument)))


def test_the_document_of_a_delivery_carries_the_deal_s_data(app, client, auth, waste_deal):
    deal_id, delivery_id = waste_deal
    auth.login("holder@example.fi")
    assert "Make a transfer document" in client.get(f"/deals/{deal_id}").text
    form = client.get(f"/deals/{deal_id}/transfer-documents/new?delivery_id={delivery_id}")
    assert form.status_code == 200
    assert 'value="2026-04-14"' in form.text and 'value="28.5"' in form.text
    response = client.post(f"/deals/{deal_id}/transfer-documents/new", data={
        "delivery_id": delivery_id, "carrier_name": "Lapin Kuljetus Oy", "carrier_business_id": "1234567-1",
        "carrier_register_entry": "ELY jätehuoltorekisteri 2024-123", "transport_date": "2026-04-14",
        "delivery_date": "2026-04-14", "quantity_t": "28,5"})
    assert response.status_code == 302
    (document,) = documents(app)
    doc = document.content
    assert document.number == f"SV-{date.today().year}-{deal_id:05d}-01" and document.delivery_id == delivery_id
    assert doc["holder"]["name"] == "Tornion Terästehdas Oy" and doc["holder"]["place_of_origin"] == "Tornio"
    assert doc["holder"]["activity"] == "24.10 Steel"
    assert doc["receiver"]["name"] == "Kemin Maarakennus Oy" and doc["receiver"]["destination"] == "Kemi harbour"
    assert doc["receiver"]["permits"][0]["decision_number"] == "PSAVI/99/2024"
    assert doc["carrier"] == {"name": "Lapin Kuljetus Oy", "business_id": "1234567-1",
                              "register_entry": "ELY jätehuoltorekisteri 2024-123"}
    assert doc["waste"]["ewc_code"] == "10 02 07*" and doc["waste"]["hazardous"] is True
    assert doc["waste"]["hazardous_properties"] == ["HP7", "HP14"]
    assert doc["waste"]["description"] == "Filter dust from the melt shop"
    assert (doc["quantity_t"], doc["transport_date"], doc["delivery_date"]) == (28.5, "2026-04-14", "2026-04-14")
    assert "section 121" in doc["legal_basis"]
    page = client.get(f"/deals/{deal_id}/transfer-documents/{document.id}").text
    assert document.number in page and "Lapin Kuljetus Oy" in page and "transfer-document.css" in page
    # The buyer reads it; a delivery has one document.
    auth.logout()
    auth.login("receiver@example.fi")
    assert client.get(f"/deals/{deal_id}/transfer-documents/{document.id}").status_code == 200
    assert client.get(f"/deals/{deal_id}/transfer-documents/new").status_code == 403
    auth.logout()
    auth.login("broker@example.fi")
    again = client.post(f"/deals/{deal_id}/transfer-documents/new", data={
        "delivery_id": delivery_id, "carrier_name": "X", "transport_date": "2026-04-14", "quantity_t": "1"})
    assert again.status_code == 409
    assert len(documents(app)) == 1


@pytest.mark.parametrize("changes, field, message", [
    ({"carrier_name": ""}, "carrier_name", "Name the carrier."),
    ({"transport_date": ""}, "transport_date", "Give the day the transport starts."),
    ({"quantity_t": "0"}, "quantity_t", "Give the quantity in tonnes, more than zero."),
    ({"quantity_t": "lots"}, "quantity_t", "Enter a number"),
    ({"delivery_date": "2026-04-01"}, "delivery_date", "The delivery cannot come before the transport starts."),
])
def test_bad_input_is_refused_and_nothing_is_kept(app, client, auth, waste_deal, changes, field, message):
    deal_id, _delivery_id = waste_deal
    auth.login("holder@example.fi")
    data = {"carrier_name": "Lapin Kuljetus Oy", "transport_date": "2026-04-14", "quantity_t": "20"}
    data.update(changes)
    response = client.post(f"/deals/{deal_id}/transfer-documents/new", data=data)
    assert response.status_code == 400
    assert f'id="{field}-error"' in response.text and message in response.text
    assert documents(app) == []


def test_a_deal_of_a_by_product_needs_no_transfer_document(app, client, auth, waste_deal):
    deal_id, _delivery_id = waste_deal
    with app.app_context():
        db.session.get(Deal, deal_id).side_stream.legal_status = "by_product"
        db.session.commit()
    auth.login("holder@example.fi")
    assert "Make a transfer document" not in client.get(f"/deals/{deal_id}").text
    assert client.get(f"/deals/{deal_id}/transfer-documents/new").status_code == 404
