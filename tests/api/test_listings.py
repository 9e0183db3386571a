"""Side streams and needs through the API: what each reader sees, search, and writing."""
from __future__ import annotations

import pytest

from tests.api.conftest import bearer, ref

NEW_STREAM = {
    "id": "ERP-77", "title": "Coal and peat fly ash", "category": "ash", "ewc_code": "10 01 02",
    "legal_status": "waste", "composition": {"SiO2": 45.0, "Al2O3": 20.0, "CaO": 10.0},
    "properties": {"amorphous_pct": 70}, "quantity_t_per_year": 30000,
    "location": {"lat": 65.01, "lon": 25.47, "place": "Oulu"},
}
NEW_NEED = {
    "id": "N-9", "title": "Liming agent", "application": "liming_agent", "accepts_waste": False,
    "requirements": [{"property": "neutralising_value_pct", "min": 20}],
    "quantity_t_per_year": 2000, "max_distance_km": 400, "location": {"lat": 67.4, "lon": 26.6},
}


def ids(body):
    return {item["title"] for item in body["items"]}


# -- reading and visibility -------------------------------------------------------------

def test_anonymous_reader_finds_public_and_anonymous_listings_only(client, world):
    body = client.get("/api/v1/side-streams").get_json()
    assert ids(body) == {"Public slag", "Anonymous slag"}
    assert body["total"] == 2


def test_a_brokered_listing_is_not_found_by_others(client, world, issue):
    url = f"/api/v1/side-streams/{world.stream_brokered.id}"
    assert client.get(url).status_code == 404
    assert client.get(url, headers=bearer(issue(world.users["member_b"]))).status_code == 404
    assert client.get(url, headers=bearer(issue(world.users["member_a"]))).status_code == 200
    assert client.get(url, headers=bearer(issue(world.users["broker"]))).status_code == 200
    listed = client.get("/api/v1/side-streams", headers=bearer(issue(world.users["member_b"]))).get_json()
    assert "Brokered slag" not in ids(listed)


def test_an_anonymous_listing_hides_its_owner_and_exact_place(app, client, world, issue):
    stream = world.stream_anonymous
    for headers in ({}, bearer(issue(world.users["member_b"]))):
        # its database id names nothing to others: the answers give its reference
        assert client.get(f"/api/v1/side-streams/{stream.id}", headers=headers).status_code == 404
        body = client.get(f"/api/v1/side-streams/{ref(app, stream)}", headers=headers).get_json()
        assert body["id"] == ref(app, stream)
        assert "organisation" not in body and "external_ref" not in body
        assert body["location_approximate"] is True
        assert body["location"] == {"lat": stream.approx_lat, "lon": stream.approx_lon}
    owner = client.get(f"/api/v1/side-streams/{stream.id}", headers=bearer(issue(world.users["member_a"]))).get_json()
    assert owner["organisation"] == "Perämeren Kuona Oy"
    assert owner["location"] == {"lat": 65.7834, "lon": 24.1721, "place": "Röyttä works"}
    assert owner["external_ref"] == "SLAG-2"


def test_values_are_shown_to_members_of_verified_organisations_only(client, world, issue):
    url = f"/api/v1/side-streams/{world.stream_public.id}"
    anonymous = client.get(url).get_json()
    assert anonymous["details_hidden"] is True and "composition" not in anonymous
    assert anonymous["organisation"] == "Perämeren Kuona Oy"  # public: the owner is shown
    unverified = client.get(url, headers=bearer(issue(world.users["unverified"]))).get_json()
    assert "composition" not in unverified
    member = client.get(url, headers=bearer(issue(world.users["member_b"]))).get_json()
    assert member["composition"] == {"SiO2": 30.0, "Al2O3": 25.0, "MgO": 23.0, "CaO": 2.0}
    assert member["id"] == str(world.stream_public.id)
    assert member["external_ref"] == "SLAG-1"


def test_a_draft_is_seen_by_its_owner_only(client, world, issue):
    url = f"/api/v1/side-streams/{world.stream_draft.id}"
    assert client.get(url, headers=bearer(issue(world.users["member_b"]))).status_code == 404
    assert client.get(url, headers=bearer(issue(world.users["member_a"]))).get_json()["status"] == "draft"


def test_reads_honour_the_site_session(client, auth, world):
    auth.login(world.users["member_a"].email)
    assert client.get(f"/api/v1/side-streams/{world.stream_brokered.id}").status_code == 200


# -- search -----------------------------------------------------------------------

@pytest.mark.parametrize("query, titles", [
    ("q=anonymous", {"Anonymous slag"}),
    ("category=slag", {"Public slag", "Anonymous slag"}),
    ("category=ash", set()),
    ("chapter=10", {"Public slag"}),
    ("prop=SiO2:20:40", {"Public slag", "Anonymous slag"}),
    ("prop=CaO:30:", set()),
    ("prop=CaO::5&prop=MgO:20:", {"Public slag", "Anonymous slag"}),
    # the anonymous slag stands at its approximate place, at least 5 km from the exact one
    ("near=65.78,24.17&radius_km=4", {"Public slag"}),
    ("near=65.78,24.17&radius_km=60", {"Public slag", "Anonymous slag"}),
    ("near=67.65,24.91&radius_km=50", set()),
    ("qmin=100000", {"Public slag"}),
])
def test_search_filters(client, world, issue, query, titles):
    """As a member of a verified organisation, who may see the values filtered on."""
    response = client.get(f"/api/v1/side-streams?{query}", headers=bearer(issue(world.users["member_b"])))
    assert response.status_code == 200, response.get_json()
    assert ids(response.get_json()) == titles


@pytest.mark.parametrize("reader", [None, "unverified"])
def test_filters_on_values_the_reader_may_not_see_find_nothing(client, world, issue, reader):
    headers = bearer(issue(world.users[reader])) if reader else {}
    for query in ("prop=SiO2:20:40", "prop=SiO2:50:"):
        assert ids(client.get(f"/api/v1/side-streams?{query}", headers=headers).get_json()) == set()


def test_search_pages_with_total_and_links(client, world):
    first = client.get("/api/v1/side-streams?per_page=1&sort=date").get_json()
    assert first["total"] == 2 and len(first["items"]) == 1 and first["pages"] == 2
    assert first["links"]["prev"] is None
    second = client.get(first["links"]["next"].replace("http://sivuvirta.test", "")).get_json()
    assert second["page"] == 2 and second["links"]["next"] is None
    assert ids(first) | ids(second) == {"Public slag", "Anonymous slag"}


def test_search_with_near_gives_distances_from_what_the_reader_may_see(client, world):
    body = client.get("/api/v1/side-streams?near=65.78,24.17&sort=distance").get_json()
    assert [i["title"] for i in body["items"]] == ["Public slag", "Anonymous slag"]
    assert body["items"][0]["distance_km"] == 0.0
    assert body["items"][1]["distance_km"] % 5 == 0  # rounded: the exact distance would give the place away


@pytest.mark.parametrize("query, field", [
    ("category=plastic", "category"),
    ("sort=cheapest", "sort"),
    ("per_page=500", "per_page"),
    ("page=0", "page"),
    ("prop=CaO>30", "prop[0]"),
    ("prop=Calcium:1:", "prop[0]"),
    ("prop=CaO::", "prop[0]"),
    ("q=" + "k" * 201, "q"),
    ("near=site:99999999999999999999", "near"),
    ("chapter=1", "chapter"),
    ("application=magic", "application"),
])
def test_search_names_the_bad_parameter(client, world, query, field):
    response = client.get(f"/api/v1/side-streams?{query}")
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert field in {e["field"] for e in response.get_json()["errors"]}


@pytest.mark.parametrize("query, status", [
    ("near=Atlantis", 404), ("near=site:999999", 404), ("near=91,0", 404), ("radius_km=10", 200),
])
def test_a_well_formed_place_that_is_not_found_is_404_and_a_radius_alone_is_ignored(client, world, query, status):
    """The OpenAPI document calls these valid: none answers 400."""
    response = client.get(f"/api/v1/side-streams?{query}")
    assert response.status_code == status
    if status == 404:
        assert response.mimetype == "application/problem+json"
        assert [e["field"] for e in response.get_json()["errors"]] == ["near"]


def test_needs_search(client, world):
    body = client.get("/api/v1/needs?application=geopolymer_binder").get_json()
    assert ids(body) == {"Geopolymer precursor"}
    assert body["items"][0]["visibility"] == "public"
    body = client.get("/api/v1/needs?application=concrete_aggregate").get_json()
    assert ids(body) == {"Aggregate for a haul road"}


# -- writing ---------------------------------------------------------------------

def test_create_a_side_stream_from_a_contract_record(client, world, issue):
    secret = issue(world.users["member_a"])
    response = client.post("/api/v1/side-streams", json=NEW_STREAM, headers=bearer(secret))
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["id"] != "ERP-77" and body["external_ref"] == "ERP-77"
    assert body["status"] == "active" and body["organisation"] == "Perämeren Kuona Oy"
    assert body["composition"] == NEW_STREAM["composition"]
    assert response.headers["Location"].endswith(f"/api/v1/side-streams/{body['id']}")
    assert client.get(f"/api/v1/side-streams/{body['id']}").status_code == 200


def test_create_as_draft(client, world, issue):
    response = client.post("/api/v1/needs?draft=true", json=NEW_NEED, headers=bearer(issue(world.users["member_a"])))
    assert response.status_code == 201
    assert response.get_json()["status"] == "draft"


@pytest.mark.parametrize("value", ["", "maybe"])
def test_a_flag_that_is_not_a_boolean_is_refused(client, world, issue, value):
    """Found by Schemathesis' negative mode on bodies: ``?draft=`` created a published
    listing (an empty value was read as false)."""
    response = client.post(f"/api/v1/needs?draft={value}", json=NEW_NEED, headers=bearer(issue(world.users["member_a"])))
    assert response.status_code == 400
    assert [e["field"] for e in response.get_json()["errors"]] == ["draft"]


@pytest.mark.parametrize("change, field", [
    ({"category": "plastic"}, "category"),
    ({"composition": {"SiO2": 145.0}}, "composition.SiO2"),
    ({"composition": {"Sio2": 45.0}}, "composition.Sio2"),
    ({"ewc_code": "99 99 99"}, "ewc_code"),
    ({"location": {"lat": 95, "lon": 25}}, "location.lat"),
    ({"colour": "grey"}, ""),
])
def test_a_bad_record_is_refused_with_the_field_named(client, world, issue, change, field):
    response = client.post("/api/v1/side-streams", json={**NEW_STREAM, **change},
                           headers=bearer(issue(world.users["member_a"])))
    assert response.status_code == 400
    errors = response.get_json()["errors"]
    assert field in {e["field"] for e in errors}, errors


def test_a_bad_need_requirement_is_named(client, world, issue):
    need = {**NEW_NEED, "requirements": [{"property": "CaO", "min": 5, "max": 1}]}
    response = client.post("/api/v1/needs", json=need, headers=bearer(issue(world.users["member_a"])))
    assert response.status_code == 400
    assert "requirements[0].max" in {e["field"] for e in response.get_json()["errors"]}


def test_a_body_that_is_not_json_is_refused(client, world, issue):
    response = client.post("/api/v1/side-streams", data="title=x", headers=bearer(issue(world.users["member_a"])))
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"


def test_only_members_of_an_organisation_create(client, world, issue):
    response = client.post("/api/v1/side-streams", json=NEW_STREAM, headers=bearer(issue(world.users["loner"])))
    assert response.status_code == 403


def test_a_record_naming_another_organisation_is_refused(client, world, issue):
    response = client.post("/api/v1/side-streams", json={**NEW_STREAM, "organisation": "Kittilän Maanrakennus Oy"},
                           headers=bearer(issue(world.users["member_a"])))
    assert response.status_code == 400
    assert response.get_json()["errors"][0]["field"] == "organisation"


def test_a_reference_used_twice_in_an_organisation_is_a_conflict(client, world, issue):
    response = client.post("/api/v1/side-streams", json={**NEW_STREAM, "id": "SLAG-1"},
                           headers=bearer(issue(world.users["member_a"])))
    assert response.status_code == 409
    assert response.get_json()["errors"][0]["field"] == "id"


def test_put_replaces_the_record_and_keeps_the_reference_for_the_site_id(client, world, issue):
    secret = issue(world.users["member_a"])
    url = f"/api/v1/side-streams/{world.stream_public.id}"
    record = {**NEW_STREAM, "id": str(world.stream_public.id), "title": "Slag, replaced"}
    body = client.put(url, json=record, headers=bearer(secret)).get_json()
    assert body["title"] == "Slag, replaced"
    assert body["external_ref"] == "SLAG-1"
    assert body["composition"] == NEW_STREAM["composition"]  # values replaced, MgO gone


def test_an_answer_can_be_sent_back_as_it_is(client, world, issue):
    secret = issue(world.users["member_a"])
    url = f"/api/v1/side-streams/{world.stream_public.id}"
    body = client.get(url, headers=bearer(secret)).get_json()
    body["title"] = "Edited copy"
    response = client.put(url, json=body, headers=bearer(secret))
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["title"] == "Edited copy"


def test_patch_merges(client, world, issue):
    secret = issue(world.users["member_a"])
    url = f"/api/v1/side-streams/{world.stream_public.id}"
    body = client.patch(url, json={"price_eur_per_t": 3.5, "composition": {"CaO": None, "FeO": 1.0}},
                        headers=bearer(secret)).get_json()
    assert body["price_eur_per_t"] == 3.5
    assert body["composition"] == {"SiO2": 30.0, "Al2O3": 25.0, "MgO": 23.0, "FeO": 1.0}
    assert body["title"] == "Public slag"


def test_patch_checks_the_merged_record(client, world, issue):
    response = client.patch(f"/api/v1/needs/{world.need_public.id}", json={"title": None},
                            headers=bearer(issue(world.users["member_a"])))
    assert response.status_code == 400
    assert response.get_json()["errors"][0]["field"] == ""  # the whole record: title is required
    assert "title" in response.get_json()["errors"][0]["message"]


def test_another_organisation_cannot_change_or_close(client, world, issue):
    secret = issue(world.users["member_b"])
    assert client.patch(f"/api/v1/side-streams/{world.stream_public.id}", json={"title": "Mine"},
                        headers=bearer(secret)).status_code == 403
    assert client.post(f"/api/v1/side-streams/{world.stream_public.id}/close", headers=bearer(secret)).status_code == 403
    assert client.post(f"/api/v1/side-streams/{world.stream_brokered.id}/close", headers=bearer(secret)).status_code == 404


def test_close_and_publish(client, world, issue):
    secret = issue(world.users["member_a"])
    closed = client.post(f"/api/v1/side-streams/{world.stream_public.id}/close", headers=bearer(secret))
    assert closed.status_code == 200 and closed.get_json()["status"] == "closed"
    again = client.post(f"/api/v1/side-streams/{world.stream_public.id}/close", headers=bearer(secret))
    assert again.status_code == 400
    published = client.post(f"/api/v1/side-streams/{world.stream_draft.id}/publish", headers=bearer(secret))
    assert published.get_json()["status"] == "active"
    assert client.get(f"/api/v1/side-streams/{world.stream_public.id}").status_code == 404


def test_a_nul_character_is_refused_with_the_field_named(client, world, issue):
    response = client.post("/api/v1/side-streams", json={**NEW_STREAM, "title": "Ash\x00"},
                           headers=bearer(issue(world.users["member_a"])))
    assert response.status_code == 400
    assert response.get_json()["errors"] == [{"field": "title", "message": "Contains a NUL character."}]
    assert client.get("/api/v1/side-streams?q=%00").status_code == 400
