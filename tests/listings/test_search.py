"""Browsing: property ranges and distances in the database, visibility on every row."""
import pytest

from marketplace.listings.search import degrees_around, parse_filters, search
from marketplace.models import SideStream
from werkzeug.datastructures import MultiDict


@pytest.fixture
def streams(make):
    org = make.organisation(name="Kuona Oy")
    hidden_org = make.organisation(name="Salainen Oy")
    return {
        "tornio": make.stream(org, title="Tornio slag", values={"CaO": 42.0, "SiO2": 30.0}, lat=65.85, lon=24.15),
        "oulu": make.stream(org, title="Oulu fly ash", category="ash", ewc_code="10 01 02",
                            values={"CaO": 10.0, "SiO2": 45.0}, lat=65.01, lon=25.47),
        "helsinki": make.stream(org, title="Helsinki slag", values={"CaO": 35.0}, lat=60.17, lon=24.94),
        "anonymous": make.stream(hidden_org, title="Secret dregs", category="dregs", visibility="anonymous",
                                 values={"CaO": 35.0}, lat=65.73, lon=24.57),
        "brokered": make.stream(hidden_org, title="Brokered dust", category="dust", visibility="brokered",
                                values={"CaO": 50.0}, lat=65.75, lon=24.6),
        "draft": make.stream(org, title="Draft slag", status="draft", values={"CaO": 50.0}),
    }


def _titles(client, query):
    response = client.get("/streams" + query)
    assert response.status_code == 200, response.text
    return response


def test_property_range_search(client, auth, make, streams):
    """Values are for members of verified organisations: for a visitor a filter on them
    finds nothing, whatever the values (a filter must not tell what a page hides)."""
    text = _titles(client, "?prop=CaO&min=30").text
    assert "Tornio slag" not in text and "Secret dregs" not in text
    auth.login(make.user(make.organisation(name="Ostaja Oy")).email)
    text = _titles(client, "?prop=CaO&min=30").text
    assert "Tornio slag" in text and "Helsinki slag" in text and "Secret dregs" in text
    assert "Oulu fly ash" not in text and "Brokered dust" not in text and "Draft slag" not in text
    text = _titles(client, "?prop=CaO&min=30&max=&prop=SiO2&min=25&max=35").text
    assert "Tornio slag" in text and "Helsinki slag" not in text


def test_distance_search_in_the_database(ctx, streams):
    filters = parse_filters(MultiDict({"near": "Kemi", "km": "100", "sort": "distance"}), None)
    page = search(SideStream, filters, None)
    titles = [s.title for s in page.items]
    assert titles == ["Secret dregs", "Tornio slag", "Oulu fly ash"]
    assert page.total == 3
    distances = [page.distances[s.id] for s in page.items]
    assert distances == sorted(distances) and 80_000 < distances[-1] < 100_000


def test_distance_search_far_north_covers_the_longitude_stretch(ctx, make):
    org = make.organisation()
    make.stream(org, title="East of Kilpisjärvi", lat=69.0, lon=25.5)
    filters = parse_filters(MultiDict({"near": "69.0, 20.8", "km": "200"}), None)
    assert [s.title for s in search(SideStream, filters, None).items] == ["East of Kilpisjärvi"]
    assert degrees_around(69.0, 200) > 200 / 111.0 * 2.5


def test_anonymous_rows_show_no_owner_and_a_rounded_distance(client, streams):
    text = _titles(client, "?q=dregs&near=Kemi&km=50").text
    assert "Secret dregs" in text and "Salainen Oy" not in text


def test_free_text_category_chapter_and_paging(client, streams):
    assert "Oulu fly ash" in _titles(client, "?q=fly+ash").text
    text = _titles(client, "?chapter=10").text
    assert "Oulu fly ash" in text and "Tornio slag" not in text
    text = _titles(client, "?category=slag").text
    assert "Tornio slag" in text and "Oulu fly ash" not in text
    assert "<strong>4 " in _titles(client, "").text


@pytest.mark.parametrize(("query", "message"), [
    ("?prop=Kalsium&min=3", "Choose a property."),
    ("?prop=CaO&min=abc", "Enter numbers"),
    ("?prop=CaO", "Give a minimum, a maximum or both."),
    ("?near=Atlantis&km=10", "No place called Atlantis"),
    ("?km=10", "Give a place or choose one of your sites"),
    ("?chapter=1x", "A chapter is two digits"),
])
def test_bad_filters_are_explained(client, query, message):
    response = client.get("/streams" + query, headers={"Accept-Language": "en"})
    assert response.status_code == 400
    assert message in response.text


def test_search_around_my_site(client, auth, make):
    org = make.organisation(lat=65.75, lon=24.56)
    make.user(org, email="me@example.fi")
    make.stream(org, title="Near my site", lat=65.8, lon=24.6)
    auth.login("me@example.fi")
    text = client.get(f"/streams?near=site:{org.sites[0].id}&km=20").text
    assert "Near my site" in text
    other = make.organisation()
    assert client.get(f"/streams?near=site:{other.sites[0].id}&km=20").status_code == 400


def test_needs_list_and_filters(client, make):
    org = make.organisation()
    make.need(org, title="Fertiliser raw material", application="fertiliser")
    make.need(org, title="Geopolymer need")
    text = client.get("/needs?application=fertiliser").text
    assert "Fertiliser raw material" in text and "Geopolymer need" not in text


def test_suitable_for_follows_the_engines_documented_uses(client, make):
    """"Suitable for" is the catalogue's documented use (matching.materials.Catalogue.suited):
    a stated material type whose use is unsuitable is left out even where its category is
    typical; a stream without a stated type stands by its category."""
    org = make.organisation()
    make.stream(org, title="Stated GGBS", material_type="ggbs")
    make.stream(org, title="Stated air-cooled slag", material_type="acbfs")
    make.stream(org, title="Unstated slag")
    make.stream(org, title="Unstated sludge", category="sludge")
    text = client.get("/streams?application=cement_scm").text
    assert "Stated GGBS" in text and "Unstated slag" in text
    assert "Stated air-cooled slag" not in text and "Unstated sludge" not in text
