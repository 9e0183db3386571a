"""Tokens: how the API tells who is calling, what each token may do, and the rate limits."""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

import pytest

from marketplace.db import db
from marketplace.models import ApiToken
from tests.api.conftest import bearer

STREAM = {"id": "X-1", "title": "Fly ash", "category": "ash", "location": {"lat": 65.0, "lon": 25.4}}
NEED = {"id": "N-1", "title": "Binder", "application": "geopolymer_binder", "location": {"lat": 67.0, "lon": 25.0}}

# (method, url, body): every operation of the API that writes
WRITES = [
    ("POST", lambda w: "/api/v1/side-streams", STREAM),
    ("PUT", lambda w: f"/api/v1/side-streams/{w.stream_public.id}", {**STREAM, "id": "SLAG-1"}),
    ("PATCH", lambda w: f"/api/v1/side-streams/{w.stream_public.id}", {"title": "Renamed"}),
    ("POST", lambda w: f"/api/v1/side-streams/{w.stream_public.id}/close", None),
    ("POST", lambda w: f"/api/v1/side-streams/{w.stream_draft.id}/publish", None),
    ("POST", lambda w: "/api/v1/needs", NEED),
    ("PUT", lambda w: f"/api/v1/needs/{w.need_public.id}", NEED),
    ("PATCH", lambda w: f"/api/v1/needs/{w.need_public.id}", {"title": "Renamed"}),
    ("POST", lambda w: f"/api/v1/needs/{w.need_public.id}/close", None),
    ("POST", lambda w: f"/api/v1/needs/{w.need_public.id}/publish", None),
    ("POST", lambda w: "/api/v1/import", {"side_streams": [STREAM]}),
]
# every operation that reads
READS = [
    lambda w: "/api/v1/",
    lambda w: "/api/v1/openapi.json",
    lambda w: "/api/v1/me",
    lambda w: "/api/v1/side-streams",
    lambda w: "/api/v1/needs",
    lambda w: f"/api/v1/side-streams/{w.stream_public.id}",
    lambda w: f"/api/v1/needs/{w.need_public.id}",
    lambda w: f"/api/v1/side-streams/{w.stream_public.id}/matches",
    lambda w: f"/api/v1/needs/{w.need_public.id}/matches",
    lambda w: f"/api/v1/side-streams/{w.stream_public.id}/pairing-ideas",
    lambda w: "/api/v1/waste-codes?q=slag",
    lambda w: "/api/v1/waste-codes/100202",
]


def _send(client, method, url, body, headers=None):
    return client.open(url, method=method, json=body, headers=headers or {})


@pytest.mark.parametrize("index", range(len(WRITES)))
def test_every_write_refuses_a_missing_wrong_revoked_expired_or_read_token(client, world, issue, index):
    method, url, body = WRITES[index]
    member = world.users["member_a"]
    cases = {
        "missing": {},
        "wrong": bearer("svv_" + "x" * 43),
        "not bearer": {"Authorization": "Basic dXNlcjpwYXNz"},
        "revoked": bearer(issue(member, revoked=True)),
        "expired": bearer(issue(member, expires_at=datetime.utcnow() - timedelta(minutes=1))),
    }
    for name, headers in cases.items():
        response = _send(client, method, url(world), body, headers)
        assert response.status_code == 401, name
        assert response.mimetype == "application/problem+json"
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    response = _send(client, method, url(world), body, bearer(issue(member, scope="read")))
    assert response.status_code == 403
    assert 'error="insufficient_scope"' in response.headers["WWW-Authenticate"]


@pytest.mark.parametrize("index", range(len(WRITES)))
def test_a_signed_in_session_cannot_write_without_a_token(client, auth, world, index):
    method, url, body = WRITES[index]
    auth.login(world.users["member_a"].email)
    response = _send(client, method, url(world), body)
    assert response.status_code == 401


@pytest.mark.parametrize("index", range(len(READS)))
def test_every_read_refuses_a_wrong_revoked_or_expired_token(client, world, issue, index):
    url = READS[index](world)
    member = world.users["member_a"]
    for secret in ("svv_nonsense", issue(member, revoked=True),
                   issue(member, expires_at=datetime.utcnow() - timedelta(seconds=1))):
        response = client.get(url, headers=bearer(secret))
        assert response.status_code == 401, url
        assert response.get_json()["status"] == 401


@pytest.mark.parametrize("index", range(len(READS)))
def test_every_read_works_with_a_read_token(client, world, issue, index):
    secret = issue(world.users["member_a"], scope="read")
    assert client.get(READS[index](world), headers=bearer(secret)).status_code == 200


def test_a_token_of_a_deactivated_user_is_refused(app, client, world, issue):
    from marketplace.models import User

    member = world.users["member_a"]
    secret = issue(member)
    with app.app_context():
        db.session.get(User, member.id).active = False
        db.session.commit()
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 401


def test_me_names_the_user_and_the_token_and_records_its_use(app, client, world, issue):
    secret = issue(world.users["member_a"], scope="read", name="ERP")
    body = client.get("/api/v1/me", headers=bearer(secret)).get_json()
    assert body["email"] == "member.a@example.fi"
    assert body["organisation"] == "Perämeren Kuona Oy"
    assert body["token"] == {"name": "ERP", "prefix": secret[:12], "scope": "read", "expires_at": None}
    with app.app_context():
        token = db.session.query(ApiToken).filter_by(prefix=secret[:12]).one()
        assert token.last_used_at is not None


def test_only_a_digest_of_the_token_is_stored(app, world, issue):
    secret = issue(world.users["member_a"])
    with app.app_context():
        token = db.session.query(ApiToken).filter_by(prefix=secret[:12]).one()
        assert secret not in (token.token_hash, token.prefix, token.name)
        assert len(token.token_hash) == 64
        assert secret.startswith("svv_") and len(secret) == 4 + 43  # 32 random bytes, base64url


def test_anonymous_reads_are_rate_limited_with_retry_after(app, client, world):
    app.config["API_RATELIMIT_ANONYMOUS"] = "3/minute"
    statuses = [client.get("/api/v1/side-streams").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = client.get("/api/v1/side-streams")
    assert response.mimetype == "application/problem+json"
    assert int(response.headers["Retry-After"]) >= 1
    assert response.get_json()["status"] == 429


def test_rate_limits_count_per_token_and_apart_for_reads_and_writes(app, client, world, issue):
    app.config["API_RATELIMIT_READ"] = "2/minute"
    app.config["API_RATELIMIT_WRITE"] = "1/minute"
    first, second = issue(world.users["member_a"]), issue(world.users["member_a"])
    assert [client.get("/api/v1/me", headers=bearer(first)).status_code for _ in range(3)] == [200, 200, 429]
    assert client.get("/api/v1/me", headers=bearer(second)).status_code == 200
    patch = {"title": "Renamed once"}
    url = f"/api/v1/side-streams/{world.stream_public.id}"
    assert client.patch(url, json=patch, headers=bearer(first)).status_code == 200
    assert client.patch(url, json=patch, headers=bearer(first)).status_code == 429


def test_no_token_reaches_the_logs(app, client, world, issue, caplog):
    secret = issue(world.users["member_a"])
    with caplog.at_level(logging.DEBUG):
        client.get("/api/v1/me", headers=bearer(secret))
        client.get("/api/v1/me", headers=bearer(secret + "wrong"))
        app.logger.warning("client sent Authorization: Bearer %s", secret)
        logging.getLogger("werkzeug").info('"GET /api/v1/me?token=%s HTTP/1.1" 200', secret)
    assert secret not in caplog.text
    assert secret[4:] not in caplog.text
    assert "[redacted]" in caplog.text


def test_the_redaction_filter_cleans_messages_and_arguments():
    from marketplace.api.redaction import RedactSecrets

    record = logging.LogRecord("x", logging.INFO, __file__, 1, "token %s and Bearer abc.def", ("svv_secretvalue",), None)
    RedactSecrets().filter(record)
    assert record.getMessage() == "token [redacted] and Bearer [redacted]"
