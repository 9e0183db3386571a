"""The deal page as a pipeline: the stages, a button per next step named for what it does,
and a step back or a closing step confirmed once more with its reason."""
from __future__ import annotations

import re

from marketplace.db import db
from marketplace.models import Deal
from tests.deals.story import deal_row, login, open_deal, set_state, version_of


def _buttons(html: str) -> list[str]:
    return re.findall(r'data-step="([a-z]+)"', html)


def test_the_page_shows_the_stages_and_the_next_steps_as_buttons(app, story):
    deal_id = open_deal(app, story)
    set_state(app, deal_id, "introduced", introduced=True)
    set_state(app, deal_id, "negotiating")
    set_state(app, deal_id, "trial")
    html = login(app, story.broker).get(f"/deals/{deal_id}").get_data(as_text=True)
    assert 'class="current" data-state="trial" aria-current="step"' in html
    assert 'class="done" data-state="negotiating"' in html
    # From a trial: back to negotiating, agreed, declined, cancelled, in the table's order.
    assert _buttons(html) == ["negotiating", "agreed", "declined", "cancelled"]
    assert "Back to negotiating…" in html
    assert "Mark as agreed" in html
    assert "<select" not in html.split('id="next-steps"')[1].split("</section>")[0]


def test_a_step_back_is_asked_again_and_needs_a_reason(app, story):
    deal_id = open_deal(app, story)
    set_state(app, deal_id, "introduced", introduced=True)
    set_state(app, deal_id, "negotiating")
    set_state(app, deal_id, "trial")
    client = login(app, story.broker)
    version = version_of(app, deal_id)
    asked = client.post(f"/deals/{deal_id}/state", data={"to_state": "negotiating", "version": version})
    assert asked.status_code == 200
    assert 'id="confirm-form"' in asked.get_data(as_text=True)
    assert deal_row(app, deal_id).state == "trial"

    no_reason = client.post(f"/deals/{deal_id}/state", data={
        "to_state": "negotiating", "version": version, "confirmed": "1", "note": ""})
    assert no_reason.status_code == 400
    assert "Give the reason" in no_reason.get_data(as_text=True)
    assert deal_row(app, deal_id).state == "trial"

    done = client.post(f"/deals/{deal_id}/state", data={
        "to_state": "negotiating", "version": version, "confirmed": "1", "note": "The trial batch failed."})
    assert done.status_code == 302
    with app.app_context():
        deal = db.session.get(Deal, deal_id)
        assert deal.state == "negotiating"
        assert (deal.events[-1].from_state, deal.events[-1].to_state, deal.events[-1].note) == (
            "trial", "negotiating", "The trial batch failed.")


def test_a_forward_step_is_taken_at_once(app, story):
    deal_id = open_deal(app, story)
    response = login(app, story.broker).post(f"/deals/{deal_id}/state", data={
        "to_state": "introduced", "version": version_of(app, deal_id)})
    assert response.status_code == 302
    assert deal_row(app, deal_id).state == "introduced"


def test_closing_is_confirmed_with_the_reason(app, story):
    deal_id = open_deal(app, story)
    client = login(app, story.broker)
    version = version_of(app, deal_id)
    asked = client.post(f"/deals/{deal_id}/state", data={"to_state": "cancelled", "version": version})
    assert asked.status_code == 200 and "cannot be opened again" in asked.get_data(as_text=True)
    assert deal_row(app, deal_id).state == "proposed"
    client.post(f"/deals/{deal_id}/state", data={
        "to_state": "cancelled", "version": version, "confirmed": "1", "note": "The buyer closed the site."})
    deal = deal_row(app, deal_id)
    assert (deal.state, deal.reason) == ("cancelled", "The buyer closed the site.")


def test_a_closed_deal_offers_no_step(app, story):
    deal_id = open_deal(app, story)
    set_state(app, deal_id, "declined")
    html = login(app, story.broker).get(f"/deals/{deal_id}").get_data(as_text=True)
    assert _buttons(html) == []
    assert "The deal is closed." in html


def test_the_board_shows_open_deals_by_stage(app, story):
    deal_id = open_deal(app, story)
    set_state(app, deal_id, "introduced", introduced=True)
    html = login(app, story.broker).get("/deals/?view=board").get_data(as_text=True)
    column = html.split('id="stage-introduced"')[1].split("</section>")[0]
    assert f"/deals/{deal_id}" in column
