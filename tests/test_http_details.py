"""Details of HTTP that clients rely on: a 405 names the methods that are allowed (RFC 9110
section 15.5.6), on pages and in problem+json alike; the API holds its parameters to the
lengths its OpenAPI document gives."""
from __future__ import annotations

import pytest

from marketplace.api import parameters


def _allowed(response) -> set[str]:
    return {method.strip() for method in response.headers.get("Allow", "").split(",") if method.strip()}


@pytest.mark.parametrize(("method", "url", "allowed"), [
    ("PUT", "/streams", {"GET", "HEAD", "OPTIONS"}),
    ("GET", "/auth/logout", {"POST", "OPTIONS"}),
    ("DELETE", "/cluster/", {"GET", "HEAD", "OPTIONS"}),
])
def test_a_page_answering_405_names_the_allowed_methods(client, method, url, allowed):
    response = client.open(url, method=method)
    assert response.status_code == 405
    assert response.mimetype == "text/html"
    assert _allowed(response) == allowed


def test_every_api_route_answers_an_unknown_method_with_405_and_allow(app, client):
    asked = 0
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("api.") or rule.arguments:
            continue
        siblings = {m for other in app.url_map.iter_rules() if other.rule == rule.rule for m in other.methods}
        for method in {"GET", "POST", "PUT", "PATCH", "DELETE"} - siblings:
            response = client.open(rule.rule, method=method)
            asked += 1
            assert response.status_code == 405, f"{method} {rule.rule}"
            assert response.mimetype == "application/problem+json"
            assert response.get_json()["status"] == 405
            assert _allowed(response) == siblings, f"{method} {rule.rule}"
    assert asked >= 10


def test_a_405_on_an_id_route_of_the_api(client):
    response = client.delete("/api/v1/side-streams/1")
    assert response.status_code == 405
    assert _allowed(response) == {"GET", "HEAD", "OPTIONS", "PUT", "PATCH"}


@pytest.mark.parametrize(("length", "status"), [(200, 200), (201, 400), (5000, 400)])
def test_waste_code_search_holds_q_to_its_max_length(client, length, status):
    response = client.get("/api/v1/waste-codes", query_string={"q": "k" * length})
    assert response.status_code == status
    if status == 400:
        assert [error["field"] for error in response.get_json()["errors"]] == ["q"]


@pytest.mark.parametrize(("text", "schema", "wrong"), [
    ("12", {"type": "integer", "minimum": 1, "maximum": 50}, False),
    ("0", {"type": "integer", "minimum": 1, "maximum": 50}, True),
    ("1.5", {"type": "integer"}, True),
    ("", {"type": "integer"}, True),
    ("²", {"type": "integer"}, True),
    ("2.5", {"type": "number", "exclusiveMinimum": 0, "maximum": 2000}, False),
    ("0", {"type": "number", "exclusiveMinimum": 0}, True),
    ("nan", {"type": "number"}, True),
    ("1e999", {"type": "number"}, True),
    ("slag", {"enum": ["slag", "ash"]}, False),
    ("plastic", {"enum": ["slag", "ash"]}, True),
    ("Kemi", {"type": "string", "maxLength": 200, "pattern": r"^([^:]*|site:[0-9]{1,18})$"}, False),
    ("site:12", {"type": "string", "maxLength": 200, "pattern": r"^([^:]*|site:[0-9]{1,18})$"}, False),
    ("site:" + "9" * 20, {"type": "string", "maxLength": 200, "pattern": r"^([^:]*|site:[0-9]{1,18})$"}, True),
])
def test_one_value_against_its_schema(app, text, schema, wrong):
    with app.test_request_context():
        assert (parameters.value_problem(text, schema) is not None) == wrong
