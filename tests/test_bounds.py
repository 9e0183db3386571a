"""Numbers that name things (ids, pages) are bounded wherever they are read: a number too
large for the database, or a digit that is not ASCII, answers 400 or 404, never 500."""
from __future__ import annotations

import re

import pytest

from marketplace.security import MAX_ID, MAX_ROW_ID, parse_id, parse_page
from tests.factories import PASSWORD

HUGE = "99999999999999999999"


@pytest.mark.parametrize(("text", "expected"), [
    ("12", 12), (" 7 ", 7), (str(MAX_ROW_ID), MAX_ROW_ID), (str(MAX_ROW_ID + 1), None),
    ("10000000000", None), (str(MAX_ID), None), (HUGE, None), ("0" * 40 + "1", None),
    ("²", None), ("١٢", None), ("-1", None), ("1e5", None), ("", None), (None, None), ("0x10", None),
])
def test_parse_id(text, expected):
    assert parse_id(text) == expected


@pytest.mark.parametrize(("text", "expected"), [("3", 3), (HUGE, 10000), ("0", 1), ("²", 1), ("x", 1), (None, 1)])
def test_parse_page(text, expected):
    assert parse_page(text) == expected


SEARCHES = [
    "/streams", "/needs", "/streams/map.geojson", "/needs/map.geojson", "/streams/export.csv",
    "/needs/export.json", "/api/v1/side-streams", "/api/v1/needs", "/api/v1/services", "/providers/",
    "/providers/map.geojson", "/providers/export.csv",
]


@pytest.fixture
def member(app, make):
    user = make.user(make.organisation(), email="member@example.fi")
    client = app.test_client()
    assert client.post("/auth/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    return client


@pytest.mark.parametrize("site", [HUGE, str(MAX_ID + 1), "²", "-1"])
@pytest.mark.parametrize("path", SEARCHES)
def test_a_site_id_out_of_bounds_answers_400_with_the_reason(app, member, path, site):
    response = member.get(f"{path}?near=site:{site}", headers={"Accept-Language": "en"})
    assert response.status_code == 400
    assert "your organisation" in response.get_data(as_text=True)


def test_ids_and_pages_out_of_bounds_in_forms_and_query_strings(app, make):
    organisation = make.organisation()
    stream = make.stream(organisation)
    admin = make.user(None, role="admin", email="admin@example.fi")
    owner = make.user(organisation, email="owner@example.fi")
    client = app.test_client()
    client.post("/auth/login", data={"email": admin.email, "password": PASSWORD})
    assert client.get(f"/admin/users?page={HUGE}").status_code == 200
    assert client.get(f"/admin/audit?page={HUGE}").status_code == 200
    assert client.get(f"/dashboard/?page={HUGE}").status_code == 200
    assert client.get(f"/deals/new?side_stream_id={HUGE}&need_id=1").status_code == 404
    assert client.get(f"/deals/new?side_stream_id=²&need_id=1").status_code == 404
    response = client.post("/dashboard/marks", data={"side_stream_id": HUGE, "need_id": HUGE, "good": "1",
                                                     "reason": "Looks good"})
    assert response.status_code == 400 and "no such pairing" in response.get_data(as_text=True)
    owners = app.test_client()
    owners.post("/auth/login", data={"email": owner.email, "password": PASSWORD})
    assert owners.get(f"/streams/{stream.id}").status_code == 200
    for url in (f"/providers/?stream={HUGE}", f"/streams?page={HUGE}", f"/providers/?page={HUGE}"):
        assert owners.get(url).status_code < 500, url


def _huge_url(rule) -> str | None:
    """The rule's URL with every number at MAX_ID + 1, or None when it takes other arguments."""
    if any(type(converter).__name__ not in ("BoundedIntegerConverter", "AnyConverter")
           for converter in rule._converters.values()):
        return None
    url = rule.rule
    for name, converter in rule._converters.items():
        value = str(MAX_ID + 1) if type(converter).__name__ == "BoundedIntegerConverter" else sorted(converter.items)[0]
        url = re.sub(rf"<[^>]*:{name}>", value, url)
    return url


def test_no_route_overflows_on_an_id_too_large(app, make):
    """Every route that takes numbers, asked as the site admin with numbers past any id."""
    admin = make.user(None, role="admin", email="admin@example.fi")
    client = app.test_client()
    client.post("/auth/login", data={"email": admin.email, "password": PASSWORD})
    asked = 0
    for rule in app.url_map.iter_rules():
        url = _huge_url(rule) if rule.arguments else None
        if url is None:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(url, method=method)
            asked += 1
            assert response.status_code < 500, f"{method} {url}: {response.status_code}"
    assert asked > 50
