"""Deals move only along the transitions of one table, each recorded."""
import pytest

from marketplace import redaction
from marketplace.db import db
from marketplace.deals import services
from marketplace.errors import Forbidden, InvalidInput
from marketplace.models import Deal, User
from tests.deals.story import deal_row, login, open_deal, set_state, version_of

# Written out by hand, not read from marketplace.models.deal.TRANSITIONS: a change to the
# table must be made here too, on purpose.
STATES = ("proposed", "introduced", "negotiating", "trial", "agreed", "delivering", "completed",
          "declined", "cancelled")
ALLOWED = [
    ("proposed", "introduced"), ("proposed", "declined"), ("proposed", "cancelled"),
    ("introduced", "negotiating"), ("introduced", "declined"), ("introduced", "cancelled"),
    ("negotiating", "trial"), ("negotiating", "agreed"), ("negotiating", "declined"),
    ("negotiating", "cancelled"),
    ("trial", "negotiating"), ("trial", "agreed"), ("trial", "declined"), ("trial", "cancelled"),
    ("agreed", "delivering"), ("agreed", "cancelled"),
    ("delivering", "completed"), ("delivering", "cancelled"),
]
REFUSED = [(a, b) for a in STATES for b in STATES if (a, b) not in ALLOWED]


def test_the_table_is_the_one_written_here():
    from marketplace.models.deal import TRANSITIONS

    assert sorted((a, b) for a, nexts in TRANSITIONS.items() for b in nexts) == sorted(ALLOWED)


def _move(app, deal_id, user_id, to_state, note="because"):
    with app.test_request_context():
        deal = db.session.get(Deal, deal_id)
        user = db.session.get(User, user_id)
        try:
            services.change_state(user, deal, to_state, version=deal.version, note=note)
            db.session.commit()
        finally:
            db.session.remove()


@pytest.mark.parametrize("from_state,to_state", ALLOWED)
def test_allowed_transition_is_made_and_recorded(app, story, from_state, to_state):
    deal_id = open_deal(app, story)
    if from_state != "proposed":
        set_state(app, deal_id, from_state, introduced=True)
    _move(app, deal_id, story.broker.id, to_state)
    with app.app_context():
        deal = db.session.get(Deal, deal_id)
        assert deal.state == to_state
        last = deal.events[-1]
        assert (last.from_state, last.to_state, last.actor_id, last.note) == (
            from_state, to_state, story.broker.id, "because")
        if to_state in ("declined", "cancelled"):
            assert deal.reason == "because"
        if to_state == "introduced":
            assert deal.introduced_at is not None


@pytest.mark.parametrize("from_state,to_state", REFUSED)
def test_refused_transition_changes_nothing(app, story, from_state, to_state):
    deal_id = open_deal(app, story)
    if from_state != "proposed":
        set_state(app, deal_id, from_state, introduced=True)
    with pytest.raises(InvalidInput) as raised:
        _move(app, deal_id, story.broker.id, to_state)
    assert "to_state" in raised.value.errors
    assert deal_row(app, deal_id).state == from_state


@pytest.mark.parametrize("to_state", ["declined", "cancelled"])
def test_leaving_the_path_needs_a_reason(app, story, to_state):
    deal_id = open_deal(app, story)
    with pytest.raises(InvalidInput) as raised:
        _move(app, deal_id, story.broker.id, to_state, note="  ")
    assert "note" in raised.value.errors
    assert deal_row(app, deal_id).state == "proposed"


def test_only_the_broker_introduces_on_a_brokered_deal(app, story):
    deal_id = open_deal(app, story)
    with pytest.raises(Forbidden):
        _move(app, deal_id, story.buyer_member.id, "introduced")
    assert deal_row(app, deal_id).state == "proposed"
    _move(app, deal_id, story.broker.id, "introduced")
    assert deal_row(app, deal_id).state == "introduced"


def test_parties_may_move_on_after_the_introduction(app, story):
    deal_id = open_deal(app, story)
    set_state(app, deal_id, "introduced", introduced=True)
    _move(app, deal_id, story.buyer_member.id, "negotiating")
    assert deal_row(app, deal_id).state == "negotiating"


def test_the_parties_open_a_deal_themselves_only_on_public_listings(app, make, story, public_story):
    anonymous_client = login(app, story.buyer_member)
    with app.app_context():
        stream_ref = redaction.public_ref(story.stream)
    response = anonymous_client.get(f"/deals/new?side_stream_id={stream_ref}&need_id={story.need.id}")
    assert response.status_code == 403
    # the anonymous stream's database id names nothing to the buyer
    response = anonymous_client.get(f"/deals/new?side_stream_id={story.stream.id}&need_id={story.need.id}")
    assert response.status_code == 404

    client = login(app, public_story.buyer_member)
    url = f"/deals/new?side_stream_id={public_story.stream.id}&need_id={public_story.need.id}"
    assert client.get(url).status_code == 200
    response = client.post("/deals/new", data={
        "side_stream_id": public_story.stream.id, "need_id": public_story.need.id,
        "tonnes_per_year": "1 200,5", "price_eur_per_t": "4,5", "start_date": "2027-01-01", "note": ""})
    assert response.status_code == 302
    deal_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    deal = deal_row(app, deal_id)
    assert (deal.state, deal.broker_id, deal.tonnes_per_year, deal.price_eur_per_t) == (
        "proposed", None, 1200.5, 4.5)
    # The opener does not accept their own proposal; the other party does.
    with pytest.raises(Forbidden):
        _move(app, deal_id, public_story.buyer_member.id, "introduced")
    _move(app, deal_id, public_story.supplier_member.id, "introduced")
    assert deal_row(app, deal_id).state == "introduced"


def test_a_second_open_deal_on_the_same_pairing_leads_to_the_first(app, story):
    deal_id = open_deal(app, story)
    client = login(app, story.broker)
    response = client.get(f"/deals/new?side_stream_id={story.stream.id}&need_id={story.need.id}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/deals/{deal_id}")


def test_the_transition_form_moves_the_deal(app, story):
    deal_id = open_deal(app, story)
    client = login(app, story.broker)
    response = client.post(f"/deals/{deal_id}/state", data={
        "to_state": "introduced", "note": "Tutustukaa", "version": version_of(app, deal_id)})
    assert response.status_code == 302
    assert deal_row(app, deal_id).state == "introduced"
