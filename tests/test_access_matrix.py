"""Every route of the site, walked by every kind of visitor (see tests/access/)."""
from __future__ import annotations

import importlib
import pkgutil

import pytest

import tests.access as access
from marketplace import redaction
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
    with make.app.app_context():
        # the opaque references the site's links carry for hidden listings
        world.ref_stream_anonymous = redaction.public_ref(world.stream_anonymous)
        world.ref_stream_brokered = redaction.public_ref(world.stream_brokered)
    for extend in EXTENDERS:
        extend(world, make)
    return world


def routed_methods(app) -> set[tuple[str, str]]:
    """Each (endpoint, method) of the URL map; HEAD and OPTIONS are Flask's own answers."""
    return {(rule.endpoint, method) for rule in app.url_map.iter_rules()
            for method in rule.methods - {"HEAD", "OPTIONS"}}


def test_every_route_and_method_has_a_rule(app):
    """The POST half of a form is a route of its own: it needs its own rule."""
    covered = {(rule.endpoint, rule.method) for rule in RULES}
    missing = sorted(routed_methods(app) - covered)
    assert missing == [], f"routes and methods without an access rule in tests/access/: {missing}"


def test_rules_name_real_routes(app):
    assert sorted({(r.endpoint, r.method) for r in RULES} - routed_methods(app)) == []


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
