"""Enquiries and introduction requests: who may write, what the owner of an anonymous
listing is and is not told, the broker's decision, a deal from either side, rate limits
and reports; and the notices each step leaves in the notification centre."""
from __future__ import annotations

import pytest

from marketplace.db import db
from marketplace.enquiries import services
from marketplace.models import Deal, Enquiry, Notice
from tests.deals.story import build_story, login, mails


@pytest.fixture
def public_story(make):
    return build_story(make, visibility="public")


@pytest.fixture
def hidden_story(make):
    return build_story(make, visibility="anonymous", tag="h")


def _enquiries(app):
    with app.app_context():
        rows = [(e.kind, e.state, e.sender_org_id, e.owner_org_id, e.deal_id) for e in
                db.session.query(Enquiry).order_by(Enquiry.id)]
        db.session.remove()
    return rows


def _notices(app, user):
    with app.app_context():
        rows = [(n.kind, n.read_at is None) for n in
                db.session.query(Notice).filter_by(user_id=user.id).order_by(Notice.id)]
        db.session.remove()
    return rows


def test_an_enquiry_reaches_the_owner_without_addresses(app, public_story):
    s = public_story
    buyer = login(app, s.buyer_member)
    page = buyer.get(f"/streams/{s.stream.id}").get_data(as_text=True)
    assert 'id="send-enquiry"' in page
    response = buyer.post(f"/enquiries/streams/{s.stream.id}", data={
        "body": "Could we buy 300 t?", "quantity_t": "300", "timing": "May"})
    assert response.status_code == 302
    assert _enquiries(app) == [("enquiry", "open", s.buyer.id, s.supplier.id, None)]
    assert _notices(app, s.supplier_member) == [("enquiry", True)]
    mail = mails(app, s.supplier_member.email)[-1]
    assert "Could we buy 300 t?" in mail.body and s.buyer.name in mail.body
    assert s.buyer.email not in mail.body and s.buyer_member.email not in mail.body
    # The owner answers; the enquirer is told.
    enquiry_id = response.headers["Location"].rsplit("/", 1)[1]
    assert login(app, s.supplier_member).post(f"/enquiries/{enquiry_id}/messages",
                                              data={"body": "Yes."}).status_code == 302
    assert _notices(app, s.buyer_member) == [("enquiry_reply", True)]


def test_a_visitor_is_asked_to_sign_in_and_comes_back(app, public_story):
    page = app.test_client().get(f"/streams/{public_story.stream.id}").get_data(as_text=True)
    assert 'id="sign-in-to-contact"' in page
    assert f"next=/streams/{public_story.stream.id}" in page.replace("%2F", "/")


def test_an_unverified_member_is_told_why_not(app, make, public_story):
    org = make.organisation(name="Uusi Oy", verified=False)
    user = make.user(org, email="uusi@example.fi")
    client = login(app, user)
    assert "not verified yet" in client.get(f"/streams/{public_story.stream.id}").get_data(as_text=True)
    response = client.post(f"/enquiries/streams/{public_story.stream.id}", data={"body": "Hi"})
    assert response.status_code == 403 and "not verified yet" in response.get_data(as_text=True)
    assert _enquiries(app) == []


def test_an_anonymous_listing_is_reached_through_the_broker(app, hidden_story):
    s = hidden_story
    buyer = login(app, s.buyer_member)
    assert buyer.post(f"/enquiries/streams/{s.stream.id}", data={"body": "Hi"}).status_code == 404
    response = buyer.post(f"/enquiries/streams/{_ref(app, s.stream)}", data={
        "body": "We would test it.", "own_listing": str(s.need.id)})
    assert response.status_code == 302
    enquiry_url = response.headers["Location"]
    assert _enquiries(app)[0][:2] == ("introduction", "open")
    # The owner is not told, and may not read it, before a broker accepts.
    assert _notices(app, s.supplier_member) == [] and mails(app, s.supplier_member.email) == []
    assert login(app, s.supplier_member).get(enquiry_url).status_code == 404
    assert s.supplier.name not in buyer.get(enquiry_url).get_data(as_text=True)
    assert _notices(app, s.broker) == [("introduction_request", True)]

    broker = login(app, s.broker)
    page = broker.get(enquiry_url).get_data(as_text=True)
    assert 'id="match-explanation"' in page and "85 %" in page
    refused = broker.post(f"{enquiry_url}/decision", data={"decision": "decline", "note": ""})
    assert refused.status_code == 400 and "Give the reason" in refused.get_data(as_text=True)
    accepted = broker.post(f"{enquiry_url}/decision", data={"decision": "accept", "note": "Meet."})
    assert accepted.status_code == 302
    with app.app_context():
        deal = db.session.query(Deal).one()
        assert (deal.state, deal.side_stream_id, deal.need_id) == ("introduced", s.stream.id, s.need.id)
        assert deal.tonnes_per_year is None
        db.session.remove()
    assert _enquiries(app)[0][1] == "deal"
    assert ("introduction_decided", True) in _notices(app, s.buyer_member)
    assert ("introduction", True) in _notices(app, s.supplier_member)
    page = buyer.get(enquiry_url).get_data(as_text=True)
    assert "Meet." in page and s.supplier.name in page


def test_a_declined_request_says_why_and_opens_nothing(app, hidden_story):
    s = hidden_story
    url = login(app, s.buyer_member).post(f"/enquiries/streams/{_ref(app, s.stream)}",
                                          data={"body": "Please."}).headers["Location"]
    assert login(app, s.broker).post(f"{url}/decision", data={
        "decision": "decline", "note": "The owner has no stock this year."}).status_code == 302
    assert _enquiries(app)[0][1] == "declined"
    with app.app_context():
        assert db.session.query(Deal).count() == 0
        db.session.remove()
    assert "no stock this year" in login(app, s.buyer_member).get(url).get_data(as_text=True)


def test_either_side_turns_an_enquiry_into_a_deal_once(app, public_story):
    s = public_story
    url = login(app, s.buyer_member).post(f"/enquiries/streams/{s.stream.id}",
                                          data={"body": "Interested."}).headers["Location"]
    seller = login(app, s.supplier_member)
    response = seller.post(f"{url}/deal")
    assert response.status_code == 302 and "/deals/" in response.headers["Location"]
    with app.app_context():
        deal = db.session.query(Deal).one()
        assert (deal.state, deal.supplier_id, deal.buyer_id, deal.need_id) == (
            "proposed", s.supplier.id, s.buyer.id, None)
        db.session.remove()
    assert seller.post(f"{url}/deal").status_code == 409


def test_the_rate_limit_stops_a_campaign(app, public_story, monkeypatch):
    monkeypatch.setattr(services, "MAX_ENQUIRIES_PER_DAY", 2)
    buyer = login(app, public_story.buyer_member)
    url = f"/enquiries/streams/{public_story.stream.id}"
    assert [buyer.post(url, data={"body": "Hi"}).status_code for _ in range(3)] == [302, 302, 400]
    assert len(_enquiries(app)) == 2


def test_the_recipient_reports_abuse_to_the_brokers(app, public_story):
    s = public_story
    url = login(app, s.buyer_member).post(f"/enquiries/streams/{s.stream.id}",
                                          data={"body": "Buy my course!"}).headers["Location"]
    assert login(app, s.buyer_member).post(f"{url}/report").status_code == 403
    assert login(app, s.supplier_member).post(f"{url}/report").status_code == 302
    assert ("enquiry_report", True) in _notices(app, s.broker)
    assert url.rsplit("/", 1)[1] in login(app, s.broker).get("/enquiries/").get_data(as_text=True)


@pytest.mark.parametrize("bad,field_message", [
    ({"body": ""}, "Write a message"),
    ({"body": "Hi", "quantity_t": "lots"}, "Give a number"),
    ({"body": "Hi", "quantity_t": "0"}, "more than 0"),
    ({"body": "Hi", "own_listing": "999999"}, "active listings"),
])
def test_bad_input_writes_nothing(app, public_story, bad, field_message):
    response = login(app, public_story.buyer_member).post(
        f"/enquiries/streams/{public_story.stream.id}", data=bad)
    assert response.status_code == 400
    assert field_message in response.get_data(as_text=True)
    assert _enquiries(app) == []


def _ref(app, listing) -> str:
    """A hidden listing is named to those who are not its owner by its reference."""
    from marketplace import redaction

    with app.app_context():
        return redaction.public_ref(listing)
