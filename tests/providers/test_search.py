"""The search of services: filters, distance, visibility, exports, map; bad input answers
400 with a clear message."""
from __future__ import annotations

import csv
import io
import json

import pytest


def names_in(response) -> str:
    return response.get_data(as_text=True)


@pytest.mark.parametrize("query, message", [
    ("kind=analysis_magic", "Choose a kind of service from the list."),
    ("theme=space_mining", "Choose a theme of the strategy from the list."),
    ("provider_kind=wizard", "Choose a kind of provider from the list."),
    ("group=everything", "Choose a group of services from the list."),
    ("key=sio2x", "Unknown property sio2x"),
    ("key=ewc_code", "Unknown property ewc_code"),
    ("near=Kemi&km=lots", "Enter a number."),
    ("near=Kemi&km=-5", "Must be at least 0."),
    ("km=50", "Give a place or choose one of your sites to search around."),
    ("near=Atlantis&km=50", "No place called Atlantis was found."),
])
def test_bad_filters_answer_400_with_a_clear_message(client, labs, query, message):
    response = client.get(f"/providers/?{query}", headers={"Accept-Language": "en"})
    assert response.status_code == 400
    assert message in names_in(response)


@pytest.mark.parametrize("query, field", [("kind=bogus", "kind"), ("near=Kemi&km=x", "km")])
def test_bad_filters_of_exports_and_map_are_problem_json(client, labs, query, field):
    for url in (f"/providers/export.json?{query}", f"/providers/map.geojson?{query}"):
        response = client.get(url, headers={"Accept": "application/json"})
        assert response.status_code == 400
        assert field in [e["field"] for e in response.get_json()["errors"]]


def test_distance_search_lists_the_nearest_first_within_the_radius(client, labs):
    response = client.get("/providers/export.json?kind=analysis_leaching&near=65.78,24.17&km=100")
    services = response.get_json()["services"]
    assert [s["provider"]["organisation"] for s in services] == ["Keminmaan Laboratorio Oy"]
    assert 28 < services[0]["distance_km"] < 32
    response = client.get("/providers/export.json?kind=analysis_leaching&near=65.78,24.17&km=300&sort=distance")
    assert [s["provider"]["organisation"] for s in response.get_json()["services"]] == [
        "Keminmaan Laboratorio Oy", "Oulun Laboratorio Oy"]


@pytest.mark.parametrize("query, expected", [
    ("q=liukoisuustesti", {"Keminmaan Laboratorio Oy", "Oulun Laboratorio Oy"}),
    ("q=geopolymeeri", {"Oulun Laboratorio Oy"}),
    ("q=Keminmaan", {"Keminmaan Laboratorio Oy"}),
    ("q=leaching", {"Keminmaan Laboratorio Oy", "Oulun Laboratorio Oy"}),
    ("q=XRF", {"Tornion XRF Oy"}),
    ("theme=clean_tech_low_carbon", {"Oulun Laboratorio Oy"}),
    ("provider_kind=pilot_plant", {"Oulun Laboratorio Oy"}),
    ("group=processing", {"Oulun Laboratorio Oy"}),
    ("key=leach:Mo", {"Keminmaan Laboratorio Oy", "Oulun Laboratorio Oy"}),
    ("key=SiO2", {"Tornion XRF Oy"}),
])
def test_filters_in_both_languages(client, labs, query, expected):
    services = client.get(f"/providers/export.json?{query}").get_json()["services"]
    assert {s["provider"]["organisation"] for s in services} == expected


def test_an_unverified_provider_is_seen_only_by_its_members_and_brokers(client, make, auth, labs):
    hidden = "Piilolaboratorio Oy"
    assert hidden not in names_in(client.get("/providers/"))
    assert client.get(f"/providers/{labs['hidden'].id}").status_code == 404
    member = make.user(labs["orgs"]["hidden"])
    auth.login(member.email)
    assert hidden in names_in(client.get("/providers/"))
    auth.logout()
    broker = make.user(None, role="broker")
    auth.login(broker.email)
    assert hidden in names_in(client.get("/providers/export.csv"))


def test_csv_export_and_map(client, labs):
    response = client.get("/providers/export.csv?kind=analysis_leaching")
    assert response.headers["Content-Disposition"].startswith("attachment;")
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert {r["organisation"] for r in rows} == {"Keminmaan Laboratorio Oy", "Oulun Laboratorio Oy"}
    assert {r["standard"] for r in rows} == {"EN 12457-2"}
    geo = json.loads(client.get("/providers/map.geojson?kind=analysis_leaching").data)
    assert {f["properties"]["title"] for f in geo["features"]} == {"Keminmaan Laboratorio Oy", "Oulun Laboratorio Oy"}
    assert geo["features"][0]["geometry"]["type"] == "Point"


def test_members_manage_their_services(client, make, auth):
    organisation = make.organisation(name="Uusi Labra Oy")
    member = make.user(organisation)
    auth.login(member.email)
    response = client.post("/providers/new", data={"kinds": ["laboratory"], "themes": ["ict_digitalisation"],
                                                   "description_en": "A lab"})
    assert response.status_code == 302
    provider_url = response.headers["Location"]
    provider_id = int(provider_url.rstrip("/").rsplit("/", 1)[-1])
    bad = client.post(f"/providers/{provider_id}/services/new", data={"kind": "analysis_psd", "lead_time_days": "999"})
    assert bad.status_code == 400
    ok = client.post(f"/providers/{provider_id}/services/new",
                     data={"kind": "analysis_psd", "lead_time_days": "5", "price_basis": "90 EUR per sample"})
    assert ok.status_code == 302
    page = names_in(client.get(f"/providers/{provider_id}"))
    assert "Particle size distribution" in page or "Raekokojakauma" in page
    assert "EN 933-1" in page
