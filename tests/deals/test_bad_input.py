"""Every deal form refuses bad input: 400, the message by its field, nothing written."""
import pytest

from marketplace.db import db
from marketplace.models import Deal, DealMessage, Delivery
from tests.deals.story import login, open_deal, set_state, version_of


def _snapshot(app):
    with app.app_context():
        deals = [(d.id, d.state, d.tonnes_per_year, d.price_eur_per_t, d.note, d.version)
                 for d in db.session.query(Deal).order_by(Deal.id)]
        counts = (db.session.query(DealMessage).count(), db.session.query(Delivery).count())
        db.session.remove()
    return deals, counts


CASES = [
    ("terms", {"tonnes_per_year": "lots"}, "Give a number"),
    ("terms", {"tonnes_per_year": "-5"}, "between 0 and 10 000 000"),
    ("terms", {"price_eur_per_t": "250000"}, "between -100 000 and 100 000"),
    ("terms", {"start_date": "31.2.2027"}, "date"),
    ("terms", {"version": "x"}, "Reload the page"),
    ("state", {"to_state": ""}, "Choose the next state"),
    ("state", {"to_state": "completed"}, "Choose one of the next states offered"),
    ("state", {"to_state": "declined", "note": "", "confirmed": "1"}, "Give the reason"),
    ("messages", {"body": "   "}, "Write a message"),
    ("deliveries", {"delivered_on": "", "tonnes": "10"}, "Give the day of the delivery"),
    ("deliveries", {"delivered_on": "2026-01-10", "tonnes": "0"}, "more than 0"),
    ("deliveries", {"delivered_on": "2999-01-10", "tonnes": "5"}, "not one to come"),
]


@pytest.mark.parametrize("action,data,message", CASES)
def test_bad_input_is_refused(app, story, action, data, message):
    deal_id = open_deal(app, story)
    set_state(app, deal_id, "introduced", introduced=True)
    if action == "deliveries":
        set_state(app, deal_id, "negotiating")
        set_state(app, deal_id, "trial")
    form = {"version": version_of(app, deal_id), **data}
    before = _snapshot(app)
    response = login(app, story.broker).post(f"/deals/{deal_id}/{action}", data=form)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert _snapshot(app) == before


@pytest.mark.parametrize("data,message", [
    ({"tonnes_per_year": "x"}, "Give a number"),
    ({"price_eur_per_t": "-200000"}, "between -100 000 and 100 000"),
])
def test_bad_input_when_opening_a_deal(app, story, data, message):
    before = _snapshot(app)
    response = login(app, story.broker).post("/deals/new", data={
        "side_stream_id": story.stream.id, "need_id": story.need.id, **data})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert _snapshot(app) == before
