"""Matches and pairing ideas of a listing, batch import, and the List of Waste look-up."""
from __future__ import annotations

import json

import pytest

from tests.api.conftest import bearer, ref



def example_batch() -> dict:
    from marketplace.listings.importer import EXAMPLE as doc

    return json.loads(json.dumps(doc))


# -- matches -------------------------------------------------------------------

def test_matches_of_a_need_for_its_owner(app, client, world, issue, refresh_matches):
    refresh_matches()
    body = client.get(f"/api/v1/needs/{world.need_b.id}/matches", headers=bearer(issue(world.users["member_b"]))).get_json()
    by_stream = {item["stream_id"]: item for item in body["items"]}
    assert str(world.stream_public.id) in by_stream
    assert str(world.stream_brokered.id) not in by_stream  # the brokered stream is hidden from B
    public = by_stream[str(world.stream_public.id)]
    assert public["need_id"] == str(world.need_b.id)
    assert 0 <= public["score"] <= 1 and public["feasible"] is True
    assert public["counterpart"]["organisation"] == "Perämeren Kuona Oy"
    assert str(world.stream_anonymous.id) not in by_stream  # a hidden stream goes by its reference
    anonymous = by_stream[ref(app, world.stream_anonymous)]
    assert anonymous["counterpart"]["id"] == ref(app, world.stream_anonymous)
    assert "organisation" not in anonymous["counterpart"] and "transport" not in anonymous
    assert anonymous["distance_km"] % 10 == 0


def test_brokers_see_every_match(client, world, issue, refresh_matches):
    refresh_matches()
    body = client.get(f"/api/v1/needs/{world.need_b.id}/matches", headers=bearer(issue(world.users["broker"]))).get_json()
    assert str(world.stream_brokered.id) in {item["stream_id"] for item in body["items"]}


def test_matches_are_for_the_owner_and_brokers(client, world, issue):
    url = f"/api/v1/side-streams/{world.stream_public.id}/matches"
    assert client.get(url).status_code == 401
    assert client.get(url, headers=bearer(issue(world.users["member_b"]))).status_code == 403
    assert client.get(url, headers=bearer(issue(world.users["member_a"]))).status_code == 200
    assert client.get(f"/api/v1/side-streams/{world.stream_brokered.id}/matches",
                      headers=bearer(issue(world.users["member_b"]))).status_code == 404


def test_pairing_ideas_of_a_stream(client, world, issue):
    url = f"/api/v1/side-streams/{world.stream_public.id}/pairing-ideas?top=3"
    assert client.get(url, headers=bearer(issue(world.users["member_b"]))).status_code == 403
    body = client.get(url, headers=bearer(issue(world.users["member_a"]))).get_json()
    assert len(body["items"]) <= 3
    for idea in body["items"]:
        assert set(idea) >= {"application", "name", "score", "feasible", "reasons", "needs_nearby"}


# -- import ------------------------------------------------------------------------

def test_import_a_batch(client, world, issue):
    response = client.post("/api/v1/import", json=example_batch(), headers=bearer(issue(world.users["member_a"])))
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert [row["record"] for row in body["side_streams"]] == ["S1"]
    assert body["side_streams"][0]["created"] is True
    stream = client.get(f"/api/v1/side-streams/{body['side_streams'][0]['id']}",
                        headers=bearer(issue(world.users["member_a"]))).get_json()
    assert stream["external_ref"] == "S1" and stream["organisation"] == "Perämeren Kuona Oy"
    again = client.post("/api/v1/import", json=example_batch(), headers=bearer(issue(world.users["member_a"])))
    assert again.status_code == 200
    assert again.get_json()["side_streams"][0] == {**body["side_streams"][0], "created": False}


def test_an_import_with_one_bad_record_writes_nothing(client, world, issue):
    doc = example_batch()
    doc["side_streams"].append({**doc["side_streams"][0], "id": "S2", "composition": {"SiO2": 130}})
    doc["needs"][0]["requirements"][0]["property"] = "SiO2+Alumina"
    secret = issue(world.users["member_a"])
    response = client.post("/api/v1/import", json=doc, headers=bearer(secret))
    assert response.status_code == 400
    errors = response.get_json()["errors"]
    assert {"kind": "side_streams", "index": 1, "record": "S2", "field": "composition.SiO2"} == {
        k: v for k, v in errors[0].items() if k != "message"}
    assert ("N1", "requirements[0].property") in {(e.get("record"), e["field"]) for e in errors}
    listed = client.get("/api/v1/side-streams?q=Ferrochrome", headers=bearer(secret)).get_json()
    assert listed["total"] == 0


def test_an_import_dry_run_writes_nothing(client, world, issue):
    secret = issue(world.users["member_a"])
    response = client.post("/api/v1/import?dry_run=true", json=example_batch(), headers=bearer(secret))
    assert response.status_code == 200 and response.get_json()["dry_run"] is True
    assert client.get("/api/v1/side-streams?q=Ferrochrome", headers=bearer(secret)).get_json()["total"] == 0


def test_members_import_only_for_their_organisation(client, world, issue):
    doc = example_batch()
    doc["side_streams"][0]["organisation"] = "Kittilän Maanrakennus Oy"
    response = client.post("/api/v1/import", json=doc, headers=bearer(issue(world.users["member_a"])))
    assert response.status_code == 400
    assert response.get_json()["errors"][0]["field"] == "organisation"


# -- List of Waste ----------------------------------------------------------------------

@pytest.mark.parametrize("query, code", [
    ("q=unprocessed slag", "10 02 02"),
    ("q=käsittelemättömät kuonat", "10 02 02"),
    ("q=10 02 02", "10 02 02"),
    ("q=100202", "10 02 02"),
])
def test_waste_code_search_in_both_languages(client, world, query, code):
    body = client.get(f"/api/v1/waste-codes?{query}").get_json()
    assert code in {item["code"] for item in body["items"]}


def test_waste_code_search_by_chapter_pages(client, world):
    body = client.get("/api/v1/waste-codes?chapter=10&per_page=5").get_json()
    assert body["total"] > 5 and len(body["items"]) == 5 and body["links"]["next"]
    assert all(item["chapter"] == "10" for item in body["items"])


def test_one_waste_code(client, world):
    body = client.get("/api/v1/waste-codes/10%2001%2004*").get_json()
    assert body["display_code"] == "10 01 04*" and body["hazardous"] is True
    assert client.get("/api/v1/waste-codes/999999").status_code == 404
    english = client.get("/api/v1/waste-codes/100202", headers={"Accept-Language": "en"}).get_json()
    assert english["title"] == "unprocessed slag"
