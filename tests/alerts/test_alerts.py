"""Saved searches with alerts: what the search page shows, mailed once per listing and
search, never a listing the user may not see, stopped by the link in the mail."""
from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest
import sqlalchemy as sa

from marketplace.db import db
from marketplace.models import OutboxMessage, SavedSearch, SavedSearchHit, SideStream
from tests.listings.conftest import stream_form


@pytest.fixture
def people(make):
    supplier = make.organisation(name="Perämeren Kuona Oy", lat=65.78, lon=24.17, place="Tornio")
    make.user(supplier, email="supplier@example.fi", language="en")
    buyer = make.organisation(name="Kittilän Maanrakennus Oy", place="Kittilä", lat=67.65, lon=24.91)
    make.user(buyer, email="buyer@example.fi", language="en")
    return supplier, buyer


def mails_to(app, email) -> list[OutboxMessage]:
    with app.app_context():
        return list(db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.recipient == email)
                                       .order_by(OutboxMessage.id)))


def save(client, kind="streams", query="category=slag&q=slag", name="Slag", frequency="immediate"):
    return client.post(f"/alerts/new/{kind}?{query}", data={"name": name, "frequency": frequency})


def test_a_search_is_saved_with_the_page_s_filters(app, client, auth, people):
    auth.login("buyer@example.fi")
    page = client.get("/streams?category=slag&q=slag&page=2")
    assert 'id="save-search"' in page.text
    link = re.search(r'href="([^"]+)" id="save-search"', page.text).group(1).replace("&amp;", "&")
    assert "page=" not in link and "category=slag" in link
    assert client.get(link).status_code == 200
    assert client.post(link, data={"name": "Slag for roads", "frequency": "daily"}).status_code == 302
    with app.app_context():
        saved = db.session.scalar(sa.select(SavedSearch))
        assert (saved.name, saved.kind, saved.frequency, saved.query) == (
            "Slag for roads", "streams", "daily", {"q": "slag", "category": "slag"})
    assert "Slag for roads" in client.get("/alerts/").text


@pytest.mark.parametrize("query, data, field, message", [
    ("q=slag", {"name": "", "frequency": "immediate"}, "name", "Name the search."),
    ("q=slag", {"name": "x" * 201, "frequency": "immediate"}, "name", "At most 200 characters."),
    ("q=slag", {"name": "Slag", "frequency": "hourly"}, "frequency", "Choose how often to be told."),
    ("near=Atlantis&km=50", {"name": "Slag", "frequency": "immediate"}, None, "No place called Atlantis"),
    ("qmin=lots", {"name": "Slag", "frequency": "immediate"}, None, "Enter a number."),
])
def test_bad_input_is_refused(app, client, auth, people, query, data, field, message):
    auth.login("buyer@example.fi")
    response = client.post(f"/alerts/new/streams?{query}", data=data)
    assert response.status_code == 400
    assert message in response.text
    if field:
        assert f'id="{field}-error"' in response.text
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SavedSearch)) == 0


def test_a_new_stream_is_mailed_at_once_and_only_once(app, client, auth, people):
    auth.login("buyer@example.fi")
    assert save(client).status_code == 302
    auth.logout()
    auth.login("supplier@example.fi")
    assert client.post("/streams/new", data=stream_form(title="Ferrochrome slag 0-16 mm")).status_code == 302
    (mail,) = mails_to(app, "buyer@example.fi")
    assert "Ferrochrome slag 0-16 mm" in mail.subject and "/streams/" in mail.body
    assert "/alerts/stop/" in mail.body
    # Changed again: the same listing is not mailed twice for the same search.
    with app.app_context():
        stream_id = db.session.scalar(sa.select(SideStream.id))
    edit = stream_form(title="Ferrochrome slag 0-32 mm", action="")
    assert client.post(f"/streams/{stream_id}/edit", data=edit).status_code == 302
    assert len(mails_to(app, "buyer@example.fi")) == 1
    # A stream the search does not find is not mailed.
    assert client.post("/streams/new", data=stream_form(title="Bottom ash", category="ash")).status_code == 302
    assert len(mails_to(app, "buyer@example.fi")) == 1
    # Own listings are not news.
    assert mails_to(app, "supplier@example.fi") == []


def test_listings_the_user_may_not_see_are_not_mailed(app, client, auth, make, people):
    auth.login("buyer@example.fi")
    assert save(client).status_code == 302
    auth.logout()
    auth.login("supplier@example.fi")
    assert client.post("/streams/new", data=stream_form(visibility="brokered")).status_code == 302
    assert client.post("/streams/new", data=stream_form(action="save")).status_code == 302  # a draft
    unverified = make.organisation(name="Uusi Kuona Oy", verified=False)
    make.user(unverified, email="new@example.fi", language="en")
    auth.logout()
    auth.login("new@example.fi")
    assert client.post("/streams/new", data=stream_form()).status_code == 302
    assert mails_to(app, "buyer@example.fi") == []
    # The anonymous listing is visible (without its owner): it is mailed, its owner not named.
    auth.logout()
    auth.login("supplier@example.fi")
    assert client.post("/streams/new", data=stream_form(visibility="anonymous")).status_code == 302
    (mail,) = mails_to(app, "buyer@example.fi")
    assert "Perämeren" not in mail.body


def test_the_link_in_the_mail_stops_the_alert_without_signing_in(app, client, auth, people):
    auth.login("buyer@example.fi")
    save(client)
    auth.logout()
    auth.login("supplier@example.fi")
    client.post("/streams/new", data=stream_form())
    auth.logout()
    (mail,) = mails_to(app, "buyer@example.fi")
    stop = urlparse(re.search(r"(https?://\S+/alerts/stop/\S+)", mail.body).group(1)).path
    anonymous = app.test_client()
    assert "Stop mailing me" in anonymous.get(stop).text
    with app.app_context():
        assert db.session.scalar(sa.select(SavedSearch.frequency)) == "immediate"  # a GET stops nothing
    assert anonymous.post(stop).status_code == 200
    with app.app_context():
        assert db.session.scalar(sa.select(SavedSearch.frequency)) == "off"
    assert anonymous.get(stop[:-3] + "xyz").status_code == 404
    auth.login("supplier@example.fi")
    client.post("/streams/new", data=stream_form(title="Another slag"))
    assert len(mails_to(app, "buyer@example.fi")) == 1


def test_the_daily_digest_mails_new_results_once(app, client, auth, runner, people):
    auth.login("buyer@example.fi")
    save(client, name="Daily slag", frequency="daily")
    save(client, kind="needs", query="", name="Any need", frequency="daily")
    auth.logout()
    auth.login("supplier@example.fi")
    client.post("/streams/new", data=stream_form(title="Slag A"))
    client.post("/streams/new", data=stream_form(title="Slag B"))
    assert mails_to(app, "buyer@example.fi") == []  # not at once
    result = runner.invoke(args=["alerts", "digest"])
    assert result.exit_code == 0, result.output
    (mail,) = mails_to(app, "buyer@example.fi")
    assert "Slag A" in mail.body and "Slag B" in mail.body and "Daily slag" in mail.body
    runner.invoke(args=["alerts", "digest"])
    assert len(mails_to(app, "buyer@example.fi")) == 1
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SavedSearchHit)) == 2


def test_rename_change_frequency_and_delete(app, client, auth, make, people):
    auth.login("buyer@example.fi")
    save(client)
    with app.app_context():
        saved_id = db.session.scalar(sa.select(SavedSearch.id))
    prefix = f"s{saved_id}"
    assert client.post(f"/alerts/{saved_id}", data={f"{prefix}-name": "Renamed",
                                                    f"{prefix}-frequency": "off"}).status_code == 302
    bad = client.post(f"/alerts/{saved_id}", data={f"{prefix}-name": " ", f"{prefix}-frequency": "off"})
    assert bad.status_code == 400 and "Name the search." in bad.text
    with app.app_context():
        saved = db.session.get(SavedSearch, saved_id)
        assert (saved.name, saved.frequency) == ("Renamed", "off")
    auth.logout()
    auth.login("supplier@example.fi")
    assert client.post(f"/alerts/{saved_id}/delete").status_code == 404
    auth.logout()
    auth.login("buyer@example.fi")
    assert client.post(f"/alerts/{saved_id}/delete").status_code == 302
    with app.app_context():
        assert db.session.get(SavedSearch, saved_id) is None


def test_a_services_search_can_be_saved_from_its_page(app, client, auth, people):
    auth.login("buyer@example.fi")
    page = client.get("/providers/?q=leaching")
    link = re.search(r'href="([^"]+)" id="save-search"', page.text).group(1).replace("&amp;", "&")
    assert "/alerts/new/services" in link and "q=leaching" in link
    assert client.get(link).status_code == 200


def test_a_services_search_with_a_kind_filter_keeps_it(app, client, auth, people):
    auth.login("buyer@example.fi")
    page = client.get("/providers/?kind=analysis_leaching")
    assert page.status_code == 200
    link = re.search(r'href="([^"]+)" id="save-search"', page.text).group(1).replace("&amp;", "&")
    assert "/alerts/new/services?" in link and "kind=analysis_leaching" in link
