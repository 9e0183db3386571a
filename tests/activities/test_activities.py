"""Cluster activities: brokers offer them, members sign up and cancel, brokers see who comes."""
from datetime import timedelta

import pytest

from marketplace.db import db
from marketplace.models import Activity, ActivitySignup
from marketplace.models.base import utcnow
from tests.deals.story import build_story, login


@pytest.fixture
def story(make):
    return build_story(make)


def _new(app, broker, **overrides):
    start = (utcnow() + timedelta(days=20)).date()
    data = {"title_fi": "Kuonapäivä Torniossa", "title_en": "Slag day in Tornio", "kind": "event",
            "starts_on": start.isoformat(), "ends_on": "", "place": "Tornio",
            "description": "Esitykset ja tehdaskierros.", "capacity": "2", **overrides}
    return broker.post("/activities/new", data=data)


def _rows(app, model):
    with app.app_context():
        n = db.session.query(model).count()
        db.session.remove()
    return n


def test_the_whole_round(app, story, make):
    broker = login(app, story.broker)
    response = _new(app, broker)
    assert response.status_code == 302
    activity_id = int(response.headers["Location"].rsplit("/", 1)[1])

    buyer, supplier, outsider = (login(app, u) for u in (story.buyer_member, story.supplier_member, story.outsider))
    assert "Slag day in Tornio" in buyer.get("/activities/").get_data(as_text=True)  # English reader
    assert "Kuonapäivä Torniossa" in supplier.get("/activities/").get_data(as_text=True)
    assert buyer.post(f"/activities/{activity_id}/signup").status_code == 302
    assert buyer.post(f"/activities/{activity_id}/signup").status_code == 302  # twice is once
    assert supplier.post(f"/activities/{activity_id}/signup").status_code == 302
    assert outsider.post(f"/activities/{activity_id}/signup").status_code == 409  # full
    assert _rows(app, ActivitySignup) == 2

    page = broker.get(f"/activities/{activity_id}").get_data(as_text=True)
    assert "Olli Ostaja" in page and "Saila Toimittaja" in page
    assert "Olli Ostaja" not in buyer.get(f"/activities/{activity_id}").get_data(as_text=True).split('id="signups"')[-1] \
        or 'id="signups"' not in buyer.get(f"/activities/{activity_id}").get_data(as_text=True)

    assert buyer.post(f"/activities/{activity_id}/cancel").status_code == 302
    assert outsider.post(f"/activities/{activity_id}/signup").status_code == 302
    assert _rows(app, ActivitySignup) == 2


def test_members_of_unverified_organisations_and_brokers_do_not_sign_up(app, story, make):
    broker = login(app, story.broker)
    activity_id = int(_new(app, broker).headers["Location"].rsplit("/", 1)[1])
    pending = make.user(make.organisation(name="Odottaja Oy", verified=False), email="odottaa@example.fi")
    assert login(app, pending).post(f"/activities/{activity_id}/signup").status_code == 403
    assert broker.post(f"/activities/{activity_id}/signup").status_code == 403


def test_past_activities_take_no_sign_ups(app, story):
    with app.app_context():
        db.session.add(Activity(title_fi="Mennyt", title_en="Past", kind="information",
                                starts_on=(utcnow() - timedelta(days=3)).date()))
        db.session.commit()
        activity_id = db.session.query(Activity).one().id
        db.session.remove()
    assert login(app, story.buyer_member).post(f"/activities/{activity_id}/signup").status_code == 409
    assert "Past" not in login(app, story.buyer_member).get("/activities/").get_data(as_text=True)


def test_capacity_cannot_drop_below_the_sign_ups(app, story):
    broker = login(app, story.broker)
    activity_id = int(_new(app, broker).headers["Location"].rsplit("/", 1)[1])
    login(app, story.buyer_member).post(f"/activities/{activity_id}/signup")
    login(app, story.supplier_member).post(f"/activities/{activity_id}/signup")
    start = (utcnow() + timedelta(days=20)).date().isoformat()
    response = broker.post(f"/activities/{activity_id}/edit", data={
        "title_fi": "A", "title_en": "A", "kind": "event", "starts_on": start, "capacity": "1"})
    assert response.status_code == 400
    assert "2 people have signed up already" in response.get_data(as_text=True)


@pytest.mark.parametrize("overrides,field,message", [
    ({"title_fi": ""}, "title_fi", "This field is required"),
    ({"title_en": "x" * 201}, "title_en", ""),
    ({"kind": "party"}, "kind", ""),
    ({"starts_on": ""}, "starts_on", "Give the date"),
    ({"starts_on": "2027-05-10", "ends_on": "2027-05-01"}, "ends_on", "cannot come before"),
    ({"capacity": "0"}, "capacity", "from 1 up"),
    ({"capacity": "many"}, "capacity", ""),
])
def test_bad_input_on_the_activity_form(app, story, overrides, field, message):
    response = _new(app, login(app, story.broker), **overrides)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert f'id="{field}-error"' in html and message in html
    assert _rows(app, Activity) == 0


def test_only_brokers_offer_activities(app, story):
    assert _new(app, login(app, story.buyer_member)).status_code == 403
    assert _rows(app, Activity) == 0
