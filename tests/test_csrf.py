"""With CSRF protection on, every route that changes something (POST, PUT, PATCH, DELETE
in the URL map) refuses a request without a token, for a visitor signed in with the
most rights and for the anonymous one. The exemptions are listed here, by name, so that a
new one is a visible change of this file."""
from __future__ import annotations

import re

import pytest

from tests.access import VISITORS
from tests.test_access_matrix import RULES, build_world, signed_in_client

CHANGES = {"POST", "PUT", "PATCH", "DELETE"}

EXEMPT = {
    # The API: writes need a bearer token, which a browser does not send by itself; the
    # session cookie is honoured for reads only (tests/access/api.py: writes answer 401).
    ("api.stream_create", "POST"), ("api.need_create", "POST"),
    ("api.stream_replace", "PUT"), ("api.need_replace", "PUT"),
    ("api.stream_patch", "PATCH"), ("api.need_patch", "PATCH"),
    ("api.stream_close", "POST"), ("api.need_close", "POST"),
    ("api.stream_publish", "POST"), ("api.need_publish", "POST"),
    ("api.batch_import", "POST"),
    # The stop link of an alert mail: its signed token is the key (RFC 8058 one-click).
    ("alerts.stop", "POST"),
}


def changing_routes(app) -> set[tuple[str, str]]:
    return {(rule.endpoint, method) for rule in app.url_map.iter_rules() for method in rule.methods & CHANGES}


def test_the_exemptions_name_real_routes(app):
    assert sorted(EXEMPT - changing_routes(app)) == []


def test_every_changing_route_has_a_url_to_try(app):
    tried = {(rule.endpoint, rule.method) for rule in RULES if rule.method in CHANGES}
    assert sorted(changing_routes(app) - EXEMPT - tried) == []


@pytest.mark.parametrize("visitor", ["anonymous", "admin", "org_admin_a", "member_b"])
def test_a_change_without_a_csrf_token_is_refused(app, make, visitor):
    assert visitor in VISITORS
    world = build_world(make)
    client = signed_in_client(app, world, visitor)
    app.config["WTF_CSRF_ENABLED"] = True
    accepted = []
    seen = set()
    for rule in RULES:
        key = (rule.endpoint, rule.method)
        if rule.method not in CHANGES or key in EXEMPT or key in seen:
            continue
        seen.add(key)
        url = rule.url(world)
        response = client.open(url, method=rule.method, data=rule.data(world) if rule.data else {})
        body = response.get_data(as_text=True)
        if response.status_code != 400 or not re.search(r"CSRF|session has expired", body, re.IGNORECASE):
            accepted.append(f"{rule.method} {url} ({rule.endpoint}): {response.status_code}")
    assert accepted == []
    assert seen == changing_routes(app) - EXEMPT


def test_a_change_with_its_token_is_let_through(app, make):
    """The refusal above is the missing token, not the route: with the page's token, the
    same sign-out succeeds."""
    world = build_world(make)
    client = signed_in_client(app, world, "member_a")
    app.config["WTF_CSRF_ENABLED"] = True
    page = client.get("/auth/account").get_data(as_text=True)
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page)
    assert token, "the account page carries a CSRF token"
    assert client.post("/auth/logout", data={}).status_code == 400
    assert client.post("/auth/logout", data={"csrf_token": token.group(1)}).status_code == 302
