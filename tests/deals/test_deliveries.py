"""Deliveries that add up: a duplicate asks first, a correction or removal is kept in the
deal's history, nothing is recorded on a closed deal, and the impact follows each change."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from marketplace.db import db
from marketplace.models import Deal, Delivery, DeliveryChange
from tests.deals.story import login, open_deal, set_state

TODAY = date.today().isoformat()


@pytest.fixture
def delivering(app, story):
    deal_id = open_deal(app, story, tonnes_per_year=1000)
    for state in ("introduced", "negotiating", "trial", "agreed", "delivering"):
        set_state(app, deal_id, state, introduced=True)
    return deal_id


def _deliveries(app, deal_id):
    with app.app_context():
        rows = [(d.delivered_on.isoformat(), d.tonnes, d.id) for d in
                db.session.query(Delivery).filter_by(deal_id=deal_id).order_by(Delivery.id)]
        changes = [(c.action, c.old_tonnes, c.new_tonnes) for c in
                   db.session.query(DeliveryChange).filter_by(deal_id=deal_id).order_by(DeliveryChange.id)]
        db.session.remove()
    return rows, changes


def _tonnes_shown(client, deal_id) -> str:
    html = client.get(f"/deals/{deal_id}").get_data(as_text=True)
    return html.split('id="deal-tonnes">')[1].split("<")[0]


def test_an_identical_delivery_within_a_day_asks_for_confirmation(app, story, delivering):
    client = login(app, story.broker)
    data = {"delivered_on": TODAY, "tonnes": "40"}
    assert client.post(f"/deals/{delivering}/deliveries", data=data).status_code == 302
    again = client.post(f"/deals/{delivering}/deliveries", data=data)
    assert again.status_code == 400
    assert "already recorded" in again.get_data(as_text=True)
    assert 'name="confirm_duplicate"' in again.get_data(as_text=True)
    assert len(_deliveries(app, delivering)[0]) == 1
    confirmed = client.post(f"/deals/{delivering}/deliveries", data={**data, "confirm_duplicate": "y"})
    assert confirmed.status_code == 302
    assert len(_deliveries(app, delivering)[0]) == 2


def test_another_day_is_not_a_duplicate(app, story, delivering):
    client = login(app, story.broker)
    client.post(f"/deals/{delivering}/deliveries", data={"delivered_on": TODAY, "tonnes": "40"})
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    assert client.post(f"/deals/{delivering}/deliveries",
                       data={"delivered_on": yesterday, "tonnes": "40"}).status_code == 302


def test_a_correction_and_a_removal_are_in_the_history_and_the_impact(app, story, delivering):
    client = login(app, story.broker)
    client.post(f"/deals/{delivering}/deliveries", data={"delivered_on": TODAY, "tonnes": "40"})
    client.post(f"/deals/{delivering}/deliveries", data={"delivered_on": TODAY, "tonnes": "60"})
    assert _tonnes_shown(client, delivering) == "100"
    rows, _ = _deliveries(app, delivering)
    first, second = rows[0][2], rows[1][2]
    response = client.post(f"/deals/{delivering}/deliveries/{first}",
                           data={"delivered_on": TODAY, "tonnes": "45", "note": "Weighbridge slip"})
    assert response.status_code == 302
    assert _tonnes_shown(client, delivering) == "105"
    assert client.post(f"/deals/{delivering}/deliveries/{second}/remove",
                       data={"note": "Typed twice"}).status_code == 302
    assert _tonnes_shown(client, delivering) == "45"
    rows, changes = _deliveries(app, delivering)
    assert [r[1] for r in rows] == [45.0]
    assert changes == [("recorded", None, 40.0), ("recorded", None, 60.0), ("corrected", 40.0, 45.0),
                       ("removed", 60.0, None)]
    history = client.get(f"/deals/{delivering}").get_data(as_text=True).split('id="history-list"')[1]
    assert "delivery corrected: 40 t on" in history and "45 t on" in history
    assert "delivery removed: 60 t on" in history and "Typed twice" in history


def test_a_bad_correction_changes_nothing(app, story, delivering):
    client = login(app, story.broker)
    client.post(f"/deals/{delivering}/deliveries", data={"delivered_on": TODAY, "tonnes": "40"})
    delivery_id = _deliveries(app, delivering)[0][0][2]
    before = _deliveries(app, delivering)
    response = client.post(f"/deals/{delivering}/deliveries/{delivery_id}", data={"delivered_on": TODAY, "tonnes": "0"})
    assert response.status_code == 400
    assert "more than 0" in response.get_data(as_text=True)
    assert _deliveries(app, delivering) == before


def test_a_party_may_not_change_a_delivery_the_broker_recorded(app, story, delivering):
    login(app, story.broker).post(f"/deals/{delivering}/deliveries", data={"delivered_on": TODAY, "tonnes": "40"})
    delivery_id = _deliveries(app, delivering)[0][0][2]
    client = login(app, story.buyer_member)
    assert client.post(f"/deals/{delivering}/deliveries/{delivery_id}",
                       data={"delivered_on": TODAY, "tonnes": "1"}).status_code == 403
    assert client.post(f"/deals/{delivering}/deliveries/{delivery_id}/remove").status_code == 403
    assert _deliveries(app, delivering)[0][0][1] == 40.0


@pytest.mark.parametrize("closing", ["completed", "cancelled"])
def test_no_delivery_after_the_deal_closed(app, story, delivering, closing):
    client = login(app, story.broker)
    client.post(f"/deals/{delivering}/deliveries", data={"delivered_on": TODAY, "tonnes": "40"})
    delivery_id = _deliveries(app, delivering)[0][0][2]
    set_state(app, delivering, closing)
    page = client.get(f"/deals/{delivering}").get_data(as_text=True)
    assert 'id="delivery-form"' not in page and "Save the correction" not in page
    response = client.post(f"/deals/{delivering}/deliveries", data={"delivered_on": TODAY, "tonnes": "5"})
    assert response.status_code == 400 and "no longer change" in response.get_data(as_text=True)
    assert client.post(f"/deals/{delivering}/deliveries/{delivery_id}",
                       data={"delivered_on": TODAY, "tonnes": "5"}).status_code == 400
    assert client.post(f"/deals/{delivering}/deliveries/{delivery_id}/remove").status_code == 400
    assert [r[1] for r in _deliveries(app, delivering)[0]] == [40.0]
    with app.app_context():
        assert db.session.get(Deal, delivering).state == closing
