"""Every route of the site, walked by every kind of visitor (see tests/access/)."""
from __future__ import annotations

import importlib
import pkgutil

import pytest

import tests.access as access
from tests.access import VISITORS, World


def all_rules():
    rules, extenders = [], []
    for module_info in pkgutil.iter_modules(access.__path__):
        module = importlib.import_module(f"tests.access.{module_info.name}")
        rules.extend(getattr(module, "RULES", []))
        if hasattr(module, "extend_world"):
            extenders.append(module.extend_world)
    return rules, extenders


RULES, EXTENDERS = all_rules()


def build_world(make) -> World:
    world = World()
    world.org_a = make.organisation(name="Perämeren Kuona Oy")
    world.org_b = make.organisation(name="Kittilän Maanrakennus Oy", place="Kittilä", lat=67.65, lon=24.91)
    world.org_unverified = make.organisation(name="Uusi Yritys Oy", verified=False)
    world.users = {
        "unverified": make.user(world.org_unverified, email="unverified@example.fi"),
        "member_a": make.user(world.org_a, email="member.a@example.fi"),
        "member_b": make.user(world.org_b, email="member.b@example.fi"),
        "org_admin_a": make.user(world.org_a, role="org_admin", email="admin.a@example.fi"),
        "broker": make.user(None, role="broker", email="broker@example.fi"),
        "admin": make.user(None, role="admin", email="admin@example.fi"),
    }
    values = {"SiO2": 30.0, "Al2O3": 25.0, "MgO": 23.0, "CaO": 2.0}
    world.stream_public = make.stream(world.org_a, title="Public slag", values=values)
    world.stream_anonymous = make.stream(world.org_a, title="Anonymous slag", visibility="anonymous", values=values)
    world.stream_brokered = make.stream(world.org_a, title="Brokered slag", visibility="brokered", values=values)
    world.need_public = make.need(world.org_a, title="Geopolymer precursor",
                                  requirements=[{"property": "SiO2+Al2O3", "min": 50}])
    for extend in EXTENDERS:
        extend(world, make)
    return world


def test_every_route_has_a_rule(app):
    covered = {rule.endpoint for rule in RULES}
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    missing = sorted(endpoints - covered)
    assert missing == [], f"routes without an access rule in tests/access/: {missing}"


def test_rules_name_real_routes(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert sorted({r.endpoint for r in RULES} - endpoints) == []


def signed_in_client(app, world, visitor):
    client = app.test_client()
    if visitor != "anonymous":
        response = client.post("/auth/login", data={
            "email": world.users[visitor].email, "password": "correct horse battery staple"})
        assert response.status_code == 302, f"{visitor} could not sign in"
    return client


@pytest.mark.parametrize("visitor", VISITORS)
def test_access_matrix(app, make, visitor):
    world = build_world(make)
    failures = []
    client = signed_in_client(app, world, visitor)
    for rule in RULES:
        url = rule.url(world)
        if rule.method == "GET":
            response = client.get(url)
        else:
            response = client.open(url, method=rule.method, data=rule.data(world) if rule.data else {})
        expected = rule.expect[visitor]
        if response.status_code != expected:
            failures.append(f"{rule.method} {url} ({rule.endpoint}): {response.status_code}, expected {expected}")
        if rule.method != "GET":
            # A change (signing out, a new password...) may end the session: start afresh.
            client = signed_in_client(app, world, visitor)
    assert failures == []
