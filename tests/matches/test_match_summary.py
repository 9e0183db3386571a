"""The one-line summary of a match and its reasons, five before "more": stored with the
ranking, shown on the cards and in the API in the reader's language, with a hidden
owner's distance rounded in the summary as in the reasons."""
from __future__ import annotations

import re

import sqlalchemy as sa

from marketplace import redaction
from marketplace.db import db
from marketplace.models import Match
from tests.api.conftest import bearer, issue  # noqa: F401 - the fixture
from tests.matches.test_site_matches import refresh, setup_pair


def _stored(app, need_id) -> Match:
    with app.app_context():
        return db.session.scalar(sa.select(Match).where(Match.need_id == need_id))


def test_the_ranking_stores_the_summary_and_the_material_type(app, make):
    _, _, stream, need = setup_pair(make)
    refresh(app)
    match = _stored(app, need.id)
    assert match.summary["template"] == "{material}: {use}{binding}{missing}; {road_km} km"
    assert match.material_type and 0 < match.material_confidence <= 1


def test_the_need_page_shows_the_summary_and_five_reasons_before_more(app, client, auth, make):
    _, buyer, stream, need = setup_pair(make)
    make.user(buyer, email="buyer@example.fi", language="en")
    refresh(app)
    auth.login("buyer@example.fi")
    page = client.get(f"/matches/needs/{need.id}").get_data(as_text=True)
    summary = re.search(r'<p class="match-summary">([^<]*)</p>', page)
    assert summary and " km" in summary.group(1)
    headline = page.split('<p class="match-summary">', 1)[1].split("</ul>", 1)[0]
    assert headline.count("<li") <= 5
    reasons = len(_stored(app, need.id).reasons)
    if reasons > 5:
        assert f"{reasons - 5} more reason" in page


def test_a_finnish_reader_gets_the_summary_in_finnish(app, client, auth, make):
    _, buyer, stream, need = setup_pair(make)
    make.user(buyer, email="ostaja@example.fi", language="fi")
    refresh(app)
    auth.login("ostaja@example.fi")
    page = client.get(f"/matches/needs/{need.id}").get_data(as_text=True)
    summary = re.search(r'<p class="match-summary">([^<]*)</p>', page).group(1)
    assert "km" in summary and "proven for" not in summary and "fits the limits" not in summary


def test_the_api_match_list_gives_the_summary(app, client, make, issue):
    _, buyer, stream, need = setup_pair(make)
    user = make.user(buyer)
    refresh(app)
    body = client.get(f"/api/v1/needs/{need.id}/matches", headers=bearer(issue(user))).get_json()
    [item] = body["items"]
    assert item["summary"].endswith(" km") and len(item["summary"]) <= 300
    assert item["material_type"] and 0 < item["material_confidence"] <= 1


def test_a_hidden_owners_distance_is_rounded_in_the_summary(app, client, make, issue):
    _, buyer, stream, need = setup_pair(make, visibility="anonymous")
    user = make.user(buyer)
    refresh(app)
    exact = _stored(app, need.id).road_km
    body = client.get(f"/api/v1/needs/{need.id}/matches", headers=bearer(issue(user))).get_json()
    [item] = body["items"]
    km = int(re.search(r"; ([\d,]+) km$", item["summary"]).group(1).replace(",", ""))
    assert km % redaction.HIDDEN_DISTANCE_STEP_KM == 0
    assert km == item["road_km"] and abs(km - exact) <= redaction.HIDDEN_DISTANCE_STEP_KM / 2
