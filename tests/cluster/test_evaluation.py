"""The self-evaluation's figures on a known data set, its exports and its note."""
from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from marketplace.db import db
from marketplace.models import (
    Activity, ActivitySignup, Deal, DealMessage, Delivery, Organisation, Review, ServiceRequestMessage,
)
from tests import report_files
from tests.providers.helpers import make_provider, make_request

YEAR = 2025


@pytest.fixture
def year_of_data(make, app):
    broker = make.user(None, role="broker", name="Aino Välittäjä")
    center = make.organisation(name="Kiertotalouskeskus", kind="center")
    producer = make.organisation(name="Tuottaja Oy")
    buyer = make.organisation(name="Hyödyntäjä Oy")
    lab_org = make.organisation(name="Labra Oy", kind="provider")
    late = make.organisation(name="Myöhäinen Oy")  # verified after the year
    with app.app_context():
        for organisation, day in ((producer, datetime(2025, 2, 1)), (buyer, datetime(2025, 3, 1)),
                                  (lab_org, datetime(2025, 4, 1)), (late, datetime(2026, 2, 1))):
            db.session.get(Organisation, organisation.id).verified_at = day
        db.session.commit()
        db.session.remove()
    make.organisation(name="Odottava Oy", verified=False)
    producer_user, buyer_user = make.user(producer), make.user(buyer)
    lab_user = make.user(lab_org)
    stream = make.stream(producer)
    provider = make_provider(make, lab_org)
    answered = make_request(make, provider.services[0], stream, producer_user, created_at=datetime(2025, 5, 2),
                            state="answered", answered_at=datetime(2025, 5, 20))
    make_request(make, provider.services[0], stream, producer_user, created_at=datetime(2025, 9, 2))
    make_request(make, provider.services[0], stream, producer_user, created_at=datetime(2026, 1, 5))
    with app.app_context():
        db.session.add(Review(organisation_id=producer.id, broker_id=broker.id, decision="verified",
                              evidence="Kaupparekisteriote", created_at=datetime(2025, 2, 1)))
        for day, users in ((date(2025, 3, 10), [producer_user, buyer_user, broker]), (date(2025, 10, 1), [lab_user]),
                           (date(2026, 3, 1), [producer_user])):
            activity = Activity(title_fi="Päivä", title_en=f"Day {day}", starts_on=day, kind="event")
            activity.signups = [ActivitySignup(user_id=u.id) for u in users]
            db.session.add(activity)
        deal = Deal(side_stream_id=stream.id, supplier_id=producer.id, buyer_id=buyer.id, broker_id=broker.id,
                    state="delivering", title="Kuona → täyttö", category="slag", application="earth_construction",
                    transport_co2_kg_per_t=5.0, created_at=datetime(2025, 4, 1))
        deal.deliveries = [Delivery(delivered_on=date(2025, 6, 1), tonnes=100.0),
                           Delivery(delivered_on=date(2026, 1, 10), tonnes=50.0)]
        db.session.add(deal)
        db.session.flush()
        db.session.add_all([
            DealMessage(deal_id=deal.id, author_id=producer_user.id, body="a", created_at=datetime(2025, 4, 2)),
            DealMessage(deal_id=deal.id, author_id=buyer_user.id, body="b", created_at=datetime(2025, 4, 3)),
            DealMessage(deal_id=deal.id, author_id=broker.id, body="c", created_at=datetime(2025, 4, 4)),
            ServiceRequestMessage(request_id=answered.id, author_id=lab_user.id, body="d",
                                  created_at=datetime(2025, 5, 20)),
        ])
        db.session.commit()
        deal_id = deal.id
        db.session.remove()
    return {"broker": broker, "center": center, "deal_id": deal_id}


def figures(session, broker):
    from marketplace.cluster.evaluation import report

    result = report(broker, YEAR, today=date(2026, 6, 1))
    return {c.key: c for c in result.criteria}


def test_the_figures_come_from_the_data(session, year_of_data):
    from marketplace.dashboard.impact import avoided_kg_per_t

    c = figures(session, year_of_data["broker"])
    members = {row[0]: row for row in c["members"].rows}
    assert set(members) == {"Tuottaja Oy", "Hyödyntäjä Oy", "Labra Oy"}
    assert members["Tuottaja Oy"][2] == "Aino Välittäjä" and members["Tuottaja Oy"][3] == "Kaupparekisteriote"
    assert c["members"].value == 3 and not c["members"].met  # the target is 5
    assert c["activities"].value == 2 and c["activities"].met
    assert c["activities"].extra["members_taking_part"] == 3
    assert c["requests_answered"].extra == {"made": 2, "answered": 1}
    assert c["requests_answered"].met
    assert c["deals"].value == 1
    assert c["deals"].extra["tonnes"] == pytest.approx(100.0)
    assert c["deals"].extra["co2_t"] == pytest.approx(100.0 * avoided_kg_per_t("earth_construction", 5.0) / 1000, abs=0.01)
    assert c["messages"].value == 3  # the broker's own message is not between members


def test_exports_and_the_saved_note(client, auth, year_of_data):
    auth.login(year_of_data["broker"].email)
    csv_text = report_files.fetch(client, "evaluation", "csv", YEAR).get_data(as_text=True)
    assert "Tuottaja Oy" in csv_text and "Kaupparekisteriote" in csv_text
    workbook = load_workbook(io.BytesIO(report_files.fetch(client, "evaluation", "xlsx", YEAR).data))
    assert {"members", "activities", "deals"} <= set(workbook.sheetnames)
    assert client.post(f"/cluster/evaluation/{YEAR}", data={"evaluated_on": "2099-01-01"}).status_code == 400
    assert client.post(f"/cluster/evaluation/{YEAR}", data={"evaluated_on": "2024-12-01"}).status_code == 400
    response = client.post(f"/cluster/evaluation/{YEAR}", data={"evaluated_on": "2026-01-20", "note": "Hyvä vuosi."})
    assert response.status_code == 302
    page = client.get(f"/cluster/evaluation/{YEAR}").get_data(as_text=True)
    assert "Hyvä vuosi." in page and "2026-01-20" in page
    assert client.get("/cluster/evaluation/1999").status_code == 400


def test_the_public_page(client, make, auth):
    shown = make.organisation(name="Näkyvä Jäsen Oy", show_as_member=True)
    make.organisation(name="Piilossa Oy", show_as_member=False)
    make.organisation(name="Vahvistamaton Oy", verified=False, show_as_member=True)
    make_provider(make, shown)
    page = client.get("/cluster/").get_data(as_text=True)
    assert "Näkyvä Jäsen Oy" in page and "Piilossa Oy" not in page and "Vahvistamaton Oy" not in page
    broker = make.user(None, role="broker")
    auth.login(broker.email)
    bad = client.post("/cluster/edit", data={"strategy_url": "javascript:alert(1)"})
    assert bad.status_code == 400
    response = client.post("/cluster/edit", data={
        "name_en": "The cluster", "text_en": "We offer brokering.", "director_name": "Aino Välittäjä",
        "strategy_file": (io.BytesIO(b"%PDF-1.4 strategy"), "strategia.pdf")}, content_type="multipart/form-data",
        headers={"Accept-Language": "en"})
    assert response.status_code == 302
    auth.logout()
    page = client.get("/cluster/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "We offer brokering." in page and "Aino Välittäjä" in page and "strategia.pdf" in page
    assert client.get("/cluster/strategy").data.startswith(b"%PDF")
