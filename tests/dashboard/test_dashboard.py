"""The brokers' dashboard: pairings under filters, streams with no buyer, organisations to
verify, deals waiting, the activities count; and the marks on pairings."""
import csv
import io
import json
import zipfile
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import url_for

from marketplace.db import db
from marketplace.models import Activity, Deal, Match, MatchMark
from marketplace.models.base import utcnow
from matching.eval.evaluate import load_marks, score_set
from tests.deals.story import add_match, login, open_deal


def _pairing_titles(html):
    start = html.index('id="pairings"') if 'id="pairings"' in html else -1
    return html[start:html.index("</table>", start)] if start >= 0 else ""


def test_the_dashboard_is_for_brokers(app, story):
    assert login(app, story.buyer_member).get("/dashboard/").status_code == 403
    assert app.test_client().get("/dashboard/").status_code == 302
    assert login(app, story.broker).get("/dashboard/").status_code == 200


@pytest.mark.parametrize("query,shown", [
    ("", True),
    ("application=geopolymer_binder", True),
    ("application=fertiliser", False),
    ("category=slag", True),
    ("category=ash", False),
    ("municipality=kittilä", True),
    ("municipality=Tornio", True),
    ("municipality=Inari", False),
    ("min_score=80", True),
    ("min_score=90", False),
    ("since=2000-01-01", True),
])
def test_pairings_under_filters(app, story, query, shown):
    html = login(app, story.broker).get(f"/dashboard/?{query}").get_data(as_text=True)
    assert ("Geopolymer precursor for paving stones" in _pairing_titles(html)) is shown


def test_pairings_of_one_organisation_and_new_since(app, make, story):
    lone = make.organisation(name="Yksinäinen Oy")
    stream = make.stream(lone, title="Lonely ash", category="ash")
    need = make.need(story.other, title="Old cover layer", application="cover_layer")
    add_match(make, stream, need, first_seen_at=utcnow() - timedelta(days=40))
    broker = login(app, story.broker)
    html = _pairing_titles(broker.get(f"/dashboard/?organisation={lone.id}").get_data(as_text=True))
    assert "Lonely ash" in html and "Geopolymer precursor" not in html
    since = (utcnow() - timedelta(days=7)).date().isoformat()
    html = _pairing_titles(broker.get(f"/dashboard/?since={since}").get_data(as_text=True))
    assert "Lonely ash" not in html and "Ferrochrome slag" in html


def test_pairings_of_organisations_found_by_part_of_their_name(app, make, story):
    lone = make.organisation(name="Yksinäinen Oy")
    make.organisation(name="Yksinäinen Odottaja Oy", verified=False)
    stream = make.stream(lone, title="Lonely ash", category="ash")
    need = make.need(story.other, title="Old cover layer", application="cover_layer")
    add_match(make, stream, need)
    broker = login(app, story.broker)
    page = broker.get("/dashboard/")
    html = page.get_data(as_text=True)
    assert 'name="organisation"' in html and 'list="organisation-suggestions"' in html
    assert "<select" not in html.split('name="organisation"')[0].rsplit("<div", 1)[-1], "a text field, not a select"
    assert "Yksinäinen Oy</option>" not in html, "the page does not list every organisation"
    for text in ("yksinäinen", "Yksinäinen", "inen o"):
        response = broker.get(f"/dashboard/?organisation={text}")
        assert response.status_code == 200
        titles = _pairing_titles(response.get_data(as_text=True))
        assert "Lonely ash" in titles and "Geopolymer precursor" not in titles, text


@pytest.mark.parametrize("query,message", [
    ("organisation=Nobody%20at%20all", "No verified organisation&#39;s name contains"),
    ("organisation=" + "x" * 201, "At most 200 characters."),
    ("min_score=150", "between 0 and 100"),
    ("since=yesterday", "date"),
    ("application=rocket_fuel", "id=\"application-error\""),
])
def test_bad_filters_answer_400(app, story, query, message):
    response = login(app, story.broker).get(f"/dashboard/?{query}")
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_streams_waiting_organisations_deals_and_activities(app, make, story):
    make.stream(story.supplier, title="Unpaired dust", category="dust", values={"CaO": 40.0})
    make.organisation(name="Odottava Oy", verified=False)
    deal_id = open_deal(app, story)
    with app.app_context():
        db.session.add(Activity(title_fi="Sivuvirtapäivä", title_en="Side-stream day", kind="event",
                                starts_on=utcnow().date().replace(month=1, day=15)))
        db.session.commit()
        db.session.remove()
    html = login(app, story.broker).get("/dashboard/").get_data(as_text=True)
    assert "Unpaired dust" in html
    assert "Odottava Oy" in html
    assert f"/deals/{deal_id}" in html and "Proposed, the parties not yet introduced" in html
    assert "1 / 2" in html and "below the yearly commitment" in html


def test_a_quiet_deal_needs_action(app, story):
    deal_id = open_deal(app, story)
    with app.app_context():
        deal = db.session.get(Deal, deal_id)
        deal.state = "negotiating"
        deal.last_event_at = utcnow() - timedelta(days=30)
        db.session.commit()
        db.session.remove()
    html = login(app, story.broker).get("/dashboard/").get_data(as_text=True)
    assert "Nothing has happened for 14 days" in html


# -- marks --------------------------------------------------------------------

def _marks(app):
    with app.app_context():
        rows = [(m.side_stream_id, m.need_id, m.good, m.reason) for m in db.session.query(MatchMark)]
        db.session.remove()
    return rows


def test_a_mark_outlives_the_match(app, story):
    broker = login(app, story.broker)
    response = broker.post("/dashboard/marks", data={
        "side_stream_id": story.stream.id, "need_id": story.need.id, "good": "0",
        "reason": "Chromium leaching too high for paving", "next": "/dashboard/"})
    assert response.status_code == 302
    with app.app_context():
        db.session.execute(sa.delete(Match))
        db.session.commit()
        db.session.remove()
    assert _marks(app) == [(story.stream.id, story.need.id, False, "Chromium leaching too high for paving")]
    assert "Chromium leaching" in broker.get("/dashboard/marks").get_data(as_text=True)


@pytest.mark.parametrize("data,message", [
    ({"good": "", "reason": "fine"}, "good or bad"),
    ({"good": "1", "reason": ""}, "Give the reason"),
    ({"good": "maybe", "reason": "fine"}, "id=\"good-error\""),
])
def test_bad_marks_are_refused(app, story, data, message):
    response = login(app, story.broker).post("/dashboard/marks", data={
        "side_stream_id": story.stream.id, "need_id": story.need.id, **data})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert _marks(app) == []


def test_only_brokers_mark(app, story):
    response = login(app, story.buyer_member).post("/dashboard/marks", data={
        "side_stream_id": story.stream.id, "need_id": story.need.id, "good": "1", "reason": "mine"})
    assert response.status_code == 403
    assert _marks(app) == []


def test_marks_export_is_read_by_the_engine_evaluation(app, story, tmp_path):
    broker = login(app, story.broker)
    broker.post("/dashboard/marks", data={"side_stream_id": story.stream.id, "need_id": story.need.id,
                                          "good": "1", "reason": "Good binder"})
    archive = zipfile.ZipFile(io.BytesIO(broker.get("/dashboard/marks/zip").data))
    assert sorted(archive.namelist()) == ["batch.json", "marks.csv", "marks.json"]
    archive.extractall(tmp_path)
    document = json.loads((tmp_path / "marks.json").read_text())
    assert document == {"batch": "batch.json", "marks": [
        {"need_id": str(story.need.id), "stream_id": str(story.stream.id), "good": True, "reason": "Good binder"}]}
    batch = json.loads((tmp_path / "batch.json").read_text())
    assert "organisation" not in json.dumps(batch)
    for name in ("marks.json", "marks.csv"):
        loaded, grades = load_marks(tmp_path / name)
        assert grades[0]["grade"] == 3 and grades[0]["stream_id"] == str(story.stream.id)
        rows = score_set(loaded, grades)
        assert rows and rows[0]["need_id"] == str(story.need.id)
    rows = list(csv.DictReader(io.StringIO(broker.get("/dashboard/marks/csv").get_data(as_text=True))))
    assert rows[0]["good"] == "true" and rows[0]["batch"] == "batch.json"
    assert json.loads(broker.get("/dashboard/marks/batch.json").data)["side_streams"][0]["composition"]["SiO2"] == 30.0


def _rows(html) -> list[str]:
    table = _pairing_titles(html)
    return [row.split("</td>")[0] for row in table.split("<tr>")[2:]]


def test_pairings_are_sorted_by_score_and_by_every_column(app, make, story):
    lone = make.organisation(name="Yksinäinen Oy")
    stream = make.stream(lone, title="Aardvark ash", category="ash")
    add_match(make, stream, story.need, score=0.95, road_km=900.0, first_seen_at=utcnow() - timedelta(days=3))
    broker = login(app, story.broker)

    def order(query=""):
        return ["Aardvark" if "Aardvark ash" in row else "Ferro" for row in
                _rows(broker.get(f"/dashboard/?{query}").get_data(as_text=True))]

    assert order() == ["Aardvark", "Ferro"], "best score first, not newest first"
    assert order("sort=score&dir=asc") == ["Ferro", "Aardvark"]
    assert order("sort=road_km&dir=asc") == ["Ferro", "Aardvark"]
    assert order("sort=stream&dir=desc") == ["Ferro", "Aardvark"]
    assert order("sort=since&dir=desc") == ["Ferro", "Aardvark"]
    assert order("sort=no-such-column") == ["Aardvark", "Ferro"]
    html = broker.get("/dashboard/?sort=score&dir=asc").get_data(as_text=True)
    assert 'aria-sort="ascending"' in html
    with app.test_request_context():  # a hidden stream's link carries its reference, for the broker too
        assert url_for("dashboard.pairing", stream_id=story.stream.id, need_id=story.need.id) in html


def test_each_pairing_links_to_its_explanation(app, make, story):
    broker = login(app, story.broker)
    response = broker.get(f"/dashboard/pairings/{story.stream.id}/{story.need.id}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "85 %" in html and "Ferrochrome slag" in html and "Geopolymer precursor" in html
    assert broker.get(f"/dashboard/pairings/{story.stream.id}/999999").status_code == 404
    assert login(app, story.buyer_member).get(
        f"/dashboard/pairings/{story.stream.id}/{story.need.id}").status_code == 403


def test_organisation_suggestions_for_the_filter(app, make, story):
    make.organisation(name="Yksinäinen Oy")
    make.organisation(name="Yksinäinen Odottaja Oy", verified=False)
    broker = login(app, story.broker)
    found = broker.get("/dashboard/organisations.json?q=YKSIN").get_json()
    assert [o["name"] for o in found] == ["Yksinäinen Oy"], "verified organisations only"
    assert len(broker.get("/dashboard/organisations.json").get_json()) <= 20
    assert broker.get("/dashboard/organisations.json?q=%25").get_json() == [], "% is a character, not a wildcard"
    response = broker.get("/dashboard/organisations.json?q=" + "x" * 201, headers={"Accept": "application/json"})
    assert response.status_code == 400 and "q" in response.get_data(as_text=True)
