"""The life of a listing, with the clock moved: a publication period, the reminder two
weeks before its end (once), renewal from today, expiry out of search and matching, and
closing with a reason that the brokers count."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from marketplace.db import db
from marketplace.lifecycle import services
from marketplace.listings import services as listing_services
from marketplace.matches.services import engine_streams, refresh_for
from marketplace.models import ListingClosure, Match, OutboxMessage, SideStream
from marketplace.models.listing import add_months
from tests.listings.conftest import stream_form

TODAY = date.today()


@pytest.fixture
def owner(make):
    organisation = make.organisation(name="Kemin Sivuvirrat Oy")
    user = make.user(organisation, email="owner@example.fi", language="en")
    return organisation, user


def mails(app, to=None) -> list[OutboxMessage]:
    with app.app_context():
        query = sa.select(OutboxMessage).order_by(OutboxMessage.id)
        if to:
            query = query.where(OutboxMessage.recipient == to)
        return list(db.session.scalars(query))


def test_add_months_keeps_the_day_or_takes_the_month_s_last():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 8, 15), 6) == date(2027, 2, 15)
    assert add_months(date(2026, 12, 1), 12) == date(2027, 12, 1)


def test_a_published_listing_stays_six_months(app, client, auth, owner):
    auth.login("owner@example.fi")
    assert client.post("/streams/new", data=stream_form()).status_code == 302
    with app.app_context():
        stream = db.session.scalar(sa.select(SideStream))
        assert stream.published_until == add_months(TODAY, 6)
    assert f"Published until {add_months(TODAY, 6).isoformat()}" in client.get(f"/streams/{stream.id}").text


def test_an_expired_listing_leaves_search_and_matching_but_stays_for_its_owner(app, client, auth, make, owner):
    organisation, _user = owner
    ended = make.stream(organisation, title="Expired slag", published_until=TODAY - timedelta(days=1))
    make.stream(organisation, title="Current slag", published_until=TODAY)
    other = make.organisation(name="Ostaja Oy")
    make.user(other, email="buyer@example.fi", language="en")
    make.user(None, role="broker", email="broker@example.fi", language="en")

    page = client.get("/streams?q=slag").text
    assert "Current slag" in page and "Expired slag" not in page
    assert client.get(f"/streams/{ended.id}").status_code == 404
    auth.login("buyer@example.fi")
    assert "Expired slag" not in client.get("/streams?q=slag").text
    assert "Expired slag" not in client.get("/streams/map.geojson").text
    auth.logout()
    auth.login("owner@example.fi")
    detail = client.get(f"/streams/{ended.id}")
    assert detail.status_code == 200 and "The publication ended on" in detail.text
    auth.logout()
    auth.login("broker@example.fi")
    assert client.get(f"/streams/{ended.id}").status_code == 200
    with app.app_context():
        ids = [s.id for s in engine_streams(db.session)]
        assert str(ended.id) not in ids
        # With the clock moved back, it was still matchable.
        assert str(ended.id) in [s.id for s in engine_streams(db.session, today=TODAY - timedelta(days=1))]


def test_expiry_deletes_the_matches_of_ended_listings(app, make, owner):
    organisation, _user = owner
    buyer = make.organisation(name="Ostaja Oy", lat=65.8, lon=24.6)
    stream = make.stream(organisation, title="Slag", values={"SiO2": 30.0, "Al2O3": 25.0, "MgO": 23.0},
                         published_until=add_months(TODAY, 1))
    make.need(buyer, title="Geopolymer", lat=65.8, lon=24.6)
    with app.app_context():
        refresh_for(db.session, db.session.get(SideStream, stream.id))
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Match)) == 1
        assert services.expire(today=TODAY) == 0
        assert services.expire(today=add_months(TODAY, 1) + timedelta(days=1)) == 1
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Match)) == 0


def test_the_owner_is_reminded_two_weeks_before_once_a_period(app, make, owner):
    organisation, _user = owner
    end = date(2026, 9, 30)
    stream = make.stream(organisation, title="Slag", published_until=end)
    with app.test_request_context():
        assert services.send_reminders(today=end - timedelta(days=15)) == 0
        assert services.send_reminders(today=end - timedelta(days=14)) == 1
        assert services.send_reminders(today=end - timedelta(days=13)) == 0
        db.session.commit()
    (mail,) = mails(app, "owner@example.fi")
    assert "ends on 2026-09-30" in mail.subject and f"/streams/{stream.id}" in mail.body
    # Renewed: a new period gets its own reminder.
    with app.test_request_context():
        user = db.session.scalar(sa.select(SideStream)).organisation.members[0]
        listing_services.renew(user, db.session.get(SideStream, stream.id), 3, today=end - timedelta(days=10))
        new_end = add_months(end - timedelta(days=10), 3)
        assert db.session.get(SideStream, stream.id).published_until == new_end
        assert services.send_reminders(today=new_end - timedelta(days=3)) == 1
        db.session.commit()
    assert len(mails(app, "owner@example.fi")) == 2


def test_the_cli_reminds_and_expires(app, runner, make, owner):
    organisation, _user = owner
    make.stream(organisation, title="Slag", published_until=date(2026, 9, 30))
    result = runner.invoke(args=["listings", "remind", "--today", "2026-09-20"])
    assert result.exit_code == 0, result.output
    assert "1 listings reminded" in result.output
    assert len(mails(app, "owner@example.fi")) == 1


def test_renewing_is_one_click_from_today(app, client, auth, make, owner):
    organisation, _user = owner
    stream = make.stream(organisation, title="Expired slag", published_until=TODAY - timedelta(days=3))
    auth.login("owner@example.fi")
    response = client.post(f"/lifecycle/streams/{stream.id}/renew", data={"months": "12"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(SideStream, stream.id).published_until == add_months(TODAY, 12)
    assert "Expired slag" in client.get("/streams?q=slag").text


@pytest.mark.parametrize("months", ["13", "0", "six", ""])
def test_a_period_beyond_twelve_months_is_refused(app, client, auth, make, owner, months):
    organisation, _user = owner
    stream = make.stream(organisation, title="Slag", published_until=TODAY)
    auth.login("owner@example.fi")
    response = client.post(f"/lifecycle/streams/{stream.id}/renew", data={"months": months})
    assert response.status_code == 400
    assert "Choose a period of 1 to 12 months." in response.text
    with app.app_context():
        assert db.session.get(SideStream, stream.id).published_until == TODAY


def test_closing_asks_why_and_the_brokers_count_the_answers(app, client, auth, make, owner):
    organisation, _user = owner
    stream = make.stream(organisation, title="Slag", quantity_t_per_year=1200.0)
    need = make.need(organisation, title="Lime")
    make.user(None, role="broker", email="broker@example.fi", language="en")
    auth.login("owner@example.fi")
    assert 'id="close-listing-link"' in client.get(f"/streams/{stream.id}").text
    assert client.get(f"/lifecycle/streams/{stream.id}/close").status_code == 200
    assert client.post(f"/lifecycle/streams/{stream.id}/close", data={"reason": "sold"}).status_code == 302
    assert client.post(f"/lifecycle/needs/{need.id}/close",
                       data={"reason": "other", "note": "Project cancelled", "tonnes": ""}).status_code == 302
    with app.app_context():
        assert db.session.get(SideStream, stream.id).status == "closed"
        closures = db.session.scalars(sa.select(ListingClosure).order_by(ListingClosure.id)).all()
        assert [(c.reason, c.tonnes) for c in closures] == [("sold", 1200.0), ("other", None)]
        figures = services.closure_figures()
    year = TODAY.year
    assert {"year": year, "reason": "sold", "streams": 1, "needs": 0, "tonnes": 1200.0} in figures
    auth.logout()
    auth.login("broker@example.fi")
    page = client.get("/dashboard/").text
    assert "Why listings were closed" in page and "Sold or handed over" in page


@pytest.mark.parametrize("data, field, message", [
    ({"reason": ""}, "reason", "Say why the listing is closed."),
    ({"reason": "burnt"}, "reason", "Say why the listing is closed."),
    ({"reason": "other", "note": ""}, "note", "Tell in a few words what happened to it."),
    ({"reason": "sold", "tonnes": "-5"}, "tonnes", "Must be at least 0"),
    ({"reason": "sold", "tonnes": "many"}, "tonnes", "Enter a number"),
])
def test_bad_closing_input_is_refused(app, client, auth, make, owner, data, field, message):
    organisation, _user = owner
    stream = make.stream(organisation, title="Slag")
    auth.login("owner@example.fi")
    response = client.post(f"/lifecycle/streams/{stream.id}/close", data=data)
    assert response.status_code == 400
    assert f'id="{field}-error"' in response.text and message in response.text
    with app.app_context():
        assert db.session.get(SideStream, stream.id).status == "active"
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ListingClosure)) == 0
