"""Providers and their services through the API: the site's search filters, bad input as
problem JSON naming the parameter, the site's visibility of an unverified provider, and
answers that validate against the OpenAPI document."""
from __future__ import annotations

import jsonschema
import pytest

from tests.api.conftest import bearer
from tests.providers.helpers import make_provider

LEACHING = "Keminmaan Laboratorio Oy"
FAR = "Oulun Laboratorio Oy"
XRF = "Tornion XRF Oy"
HIDDEN = "Piilolaboratorio Oy"
TORNIO = "65.78,24.17"


@pytest.fixture
def labs(make):
    """Providers around Tornio: a leaching lab 30 km away, a lab and pilot plant 200 km away,
    an XRF lab 5 km away, and an unverified leaching lab 1 km away."""
    near = make.organisation(name=LEACHING, kind="provider", lat=65.78, lon=24.83, place="Keminmaa")
    far = make.organisation(name=FAR, kind="provider", lat=65.01, lon=25.47, place="Oulu")
    xrf = make.organisation(name=XRF, kind="provider", lat=65.82, lon=24.20, place="Tornio")
    hidden = make.organisation(name=HIDDEN, kind="provider", verified=False, lat=65.785, lon=24.18, place="Tornio")
    return {
        "near": make_provider(make, near, services=(
            {"kind": "analysis_leaching", "lead_time_days": 14, "name_fi": "Liukoisuustesti",
             "name_en": "Leaching test", "price_basis": "280 EUR per sample"},)),
        "far": make_provider(make, far, kinds=("laboratory", "pilot_plant"), themes=("clean_tech_low_carbon",),
                             services=({"kind": "analysis_leaching", "lead_time_days": 7},
                                       {"kind": "pilot_geopolymer", "lead_time_days": 60})),
        "xrf": make_provider(make, xrf, services=({"kind": "analysis_xrf", "lead_time_days": 3},)),
        "hidden": make_provider(make, hidden, services=({"kind": "analysis_leaching", "lead_time_days": 1},)),
        "orgs": {"near": near, "far": far, "xrf": xrf, "hidden": hidden},
    }


def organisations(response) -> list[str]:
    assert response.status_code == 200, response.get_data(as_text=True)
    return [item["provider"]["organisation"] for item in response.get_json()["items"]]


@pytest.fixture
def check(client):
    """check(body, component): validate an answer against a schema of /api/v1/openapi.json."""
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    doc = client.get("/api/v1/openapi.json").get_json()
    registry = Registry().with_resource("urn:doc", Resource(contents=doc, specification=DRAFT202012))

    def validate(body, component):
        schema = {"$ref": f"urn:doc#/components/schemas/{component}"}
        jsonschema.Draft202012Validator(schema, registry=registry).validate(body)

    return validate


# -- the search ---------------------------------------------------------------------------

@pytest.mark.parametrize("query, expected", [
    ("", {LEACHING, FAR, XRF}),
    ("q=liukoisuustesti", {LEACHING, FAR}),
    ("q=geopolymeeri", {FAR}),
    ("q=leaching", {LEACHING, FAR}),
    ("q=Keminmaan", {LEACHING}),
    ("q=XRF", {XRF}),
    ("kind=analysis_xrf", {XRF}),
    ("kind=pilot_geopolymer", {FAR}),
    ("group=processing", {FAR}),
    ("theme=clean_tech_low_carbon", {FAR}),
    ("provider_kind=pilot_plant", {FAR}),
    ("key=leach:Mo", {LEACHING, FAR}),
    ("key=SiO2", {XRF}),
    (f"kind=analysis_leaching&near={TORNIO}&radius_km=100", {LEACHING}),
])
def test_the_filters_of_the_site(client, labs, query, expected):
    assert set(organisations(client.get(f"/api/v1/services?{query}"))) == expected


def test_near_sorts_by_distance_and_gives_it(client, labs):
    response = client.get(f"/api/v1/services?kind=analysis_leaching&near={TORNIO}&radius_km=300")
    assert organisations(response) == [LEACHING, FAR]
    first = response.get_json()["items"][0]
    assert 28 < first["distance_km"] < 32
    assert first["name_en"] == "Leaching test" and first["price_basis"] == "280 EUR per sample"
    assert first["sites"] == [{"name": "Keminmaa works", "place": "Keminmaa", "lat": 65.78, "lon": 24.83}]
    by_lead_time = client.get(f"/api/v1/services?kind=analysis_leaching&near={TORNIO}&sort=lead_time")
    assert organisations(by_lead_time) == [FAR, LEACHING]


def test_paging_with_links(client, labs):
    first = client.get("/api/v1/services?per_page=2")
    body = first.get_json()
    assert (body["total"], body["pages"], body["page"], body["per_page"]) == (4, 2, 1, 2)
    assert len(body["items"]) == 2 and body["links"]["prev"] is None
    assert 'rel="next"' in first.headers["Link"]
    second = client.get(body["links"]["next"]).get_json()
    assert second["page"] == 2 and len(second["items"]) == 2 and second["links"]["next"] is None
    seen = [i["id"] for i in body["items"] + second["items"]]
    assert len(set(seen)) == 4


@pytest.mark.parametrize("query, field", [
    ("kind=analysis_magic", "kind"),
    ("group=everything", "group"),
    ("theme=space_mining", "theme"),
    ("provider_kind=wizard", "provider_kind"),
    ("key=sio2x", "key"),
    ("key=ewc_code", "key"),
    ("near=site:99999999999999999999", "near"),
    ("near=Kemi&radius_km=lots", "radius_km"),
    ("near=Kemi&radius_km=-5", "radius_km"),
    ("near=Kemi&radius_km=nan", "radius_km"),
    ("sort=cheapest", "sort"),
    ("page=0", "page"),
    ("page=x", "page"),
    ("per_page=101", "per_page"),
    ("per_page=-1", "per_page"),
])
def test_bad_filters_answer_400_problem_json_naming_the_field(client, labs, check, query, field):
    response = client.get(f"/api/v1/services?{query}", headers={"Accept-Language": "en"})
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    check(body, "Problem")
    assert field in [error["field"] for error in body["errors"]]


@pytest.mark.parametrize("query, status", [("near=Atlantis", 404), ("near=site:999999", 404), ("radius_km=50", 200)])
def test_a_well_formed_place_not_found_is_404_and_a_radius_alone_is_ignored(client, labs, check, query, status):
    response = client.get(f"/api/v1/services?{query}")
    assert response.status_code == status
    if status == 404:
        check(response.get_json(), "Problem")
        assert [error["field"] for error in response.get_json()["errors"]] == ["near"]


def test_a_nul_character_is_refused_with_the_parameter_named(client, labs):
    response = client.get("/api/v1/services", query_string={"q": "slag\x00"}, headers={"Accept-Language": "en"})
    assert response.status_code == 400 and response.mimetype == "application/problem+json"
    assert "q" in response.get_json()["detail"]


def test_a_filter_message_follows_the_language(client, labs):
    english = client.get("/api/v1/services?kind=x", headers={"Accept-Language": "en"}).get_json()
    assert english["errors"][0]["message"].startswith("One of: analysis_xrf, ")
    finnish = client.get("/api/v1/services?kind=x", headers={"Accept-Language": "fi"}).get_json()
    assert finnish["errors"][0]["field"] == "kind"
    assert finnish["errors"][0]["message"].startswith("Sallitut arvot: analysis_xrf, ")


# -- one service, one provider ---------------------------------------------------------

def test_a_service_and_its_provider(client, labs, check):
    service = labs["far"].services[1]
    body = client.get(f"/api/v1/services/{service.id}").get_json()
    check(body, "ServiceRead")
    assert body["id"] == service.id and body["kind"] == "pilot_geopolymer"
    assert body["provider"] == {"id": labs["far"].id, "organisation": FAR, "kinds": ["laboratory", "pilot_plant"],
                                "themes": ["clean_tech_low_carbon"], "verified": True}
    provider = client.get(body["links"]["provider"]).get_json()
    check(provider, "ProviderRead")
    assert provider["organisation"] == FAR and provider["verified"] is True
    assert [s["kind"] for s in provider["services"]] == ["analysis_leaching", "pilot_geopolymer"]
    assert provider["sites"][0]["place"] == "Oulu"
    assert provider["links"]["html"].endswith(f"/providers/{labs['far'].id}")


@pytest.mark.parametrize("url", ["/api/v1/services/999999", "/api/v1/providers/999999",
                                 f"/api/v1/services/{2**63}", f"/api/v1/providers/{2**63}"])
def test_unknown_ids_are_404_problems(client, check, url):
    response = client.get(url)
    assert response.status_code == 404 and response.mimetype == "application/problem+json"
    check(response.get_json(), "Problem")


def test_an_unverified_provider_is_seen_only_by_its_members_and_brokers(client, make, issue, labs):
    hidden = labs["hidden"]
    urls = (f"/api/v1/providers/{hidden.id}", f"/api/v1/services/{hidden.services[0].id}")
    outsider = bearer(issue(make.user(labs["orgs"]["near"])))
    member = bearer(issue(make.user(labs["orgs"]["hidden"])))
    broker = bearer(issue(make.user(None, role="broker")))
    for headers in ({}, outsider):
        assert [client.get(url, headers=headers).status_code for url in urls] == [404, 404]
        assert HIDDEN not in organisations(client.get("/api/v1/services", headers=headers))
    for headers in (member, broker):
        assert [client.get(url, headers=headers).status_code for url in urls] == [200, 200]
        assert HIDDEN in organisations(client.get("/api/v1/services", headers=headers))
        assert client.get(urls[0], headers=headers).get_json()["verified"] is False


def test_the_index_links_to_services(client):
    links = client.get("/api/v1/").get_json()["links"]
    assert links["services"].endswith("/api/v1/services")


def test_answers_validate_against_the_document(client, labs, check):
    check(client.get(f"/api/v1/services?near={TORNIO}").get_json(), "ServicePage")
    check(client.get("/api/v1/services?q=XRF&sort=lead_time").get_json(), "ServicePage")
    check(client.get("/api/v1/services?kind=bogus").get_json(), "Problem")
    for provider in ("near", "far", "xrf"):
        check(client.get(f"/api/v1/providers/{labs[provider].id}").get_json(), "ProviderRead")
