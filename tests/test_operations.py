"""What operators rely on: health and readiness answers, client addresses behind trusted
proxies only, and rate limits that survive their Redis going away."""
from __future__ import annotations

import logging

import pytest
from sqlalchemy.exc import OperationalError

from marketplace import create_app
from marketplace.db import db
from marketplace.extensions import limiter
from tests.servers import own_redis


def test_healthz_and_readyz(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}
    assert client.get("/readyz").get_json() == {"status": "ok", "database": "ok", "queue": "ok"}


def test_readyz_answers_503_when_the_database_does_not(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(db.session, "execute", refuse)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unavailable"
    assert client.get("/healthz").status_code == 200


def _same_app(app, **changes):
    """An app like the test's (its database, in its transaction) with other settings."""
    keys = ("TESTING", "ENGINE", "DATABASE_URL", "SECRET_KEY", "WTF_CSRF_ENABLED", "UPLOAD_DIR", "TILE_URL",
            "SERVER_NAME", "BABEL_DEFAULT_LOCALE")
    other = create_app({**{key: app.config[key] for key in keys}, **changes})
    other.extensions["sivuvirta.bind"] = app.extensions["sivuvirta.bind"]
    return other


def _failed_sign_ins(app, addresses):
    client = app.test_client()
    return [client.post("/auth/login", data={"email": f"nobody{i}@example.fi", "password": "not it at all"},
                        headers={"X-Forwarded-For": address}).status_code
            for i, address in enumerate(addresses)]


ADDRESSES = [f"192.0.2.{n}" for n in range(1, 12)]


def test_without_trusted_proxies_x_forwarded_for_is_not_believed(app):
    """Sign-in allows 10 failures a minute per address: a forged header buys no more."""
    limiter.reset()
    assert _failed_sign_ins(app, ADDRESSES)[-1] == 429


def test_behind_a_trusted_proxy_each_client_has_its_own_limit(app):
    proxied = _same_app(app, TRUSTED_PROXIES=1)
    limiter.reset()
    assert set(_failed_sign_ins(proxied, ADDRESSES)) == {400}
    limiter.reset()
    assert _failed_sign_ins(proxied, ["198.51.100.7"] * 11)[-1] == 429


@pytest.fixture
def redis_server(tmp_path):
    with own_redis(tmp_path) as server:
        yield server


def test_rate_limits_fall_back_to_memory_when_redis_goes_away(app, redis_server, caplog):
    server, uri = redis_server
    # One limiter serves every app the suite builds, and Flask-Limiter warns once per
    # outage: forget an outage an earlier test (the other database's run) left marked.
    limiter._storage_dead = False
    on_redis = _same_app(app, RATELIMIT_STORAGE_URI=uri)
    client = on_redis.test_client()
    assert client.get("/api/v1/side-streams").status_code == 200
    server.kill()
    server.wait()
    with caplog.at_level(logging.WARNING):
        assert client.get("/api/v1/side-streams").status_code == 200
        signing_in = client.post("/auth/login", data={"email": "nobody@example.fi", "password": "wrong one"})
        assert signing_in.status_code == 400
    assert "falling back to in-memory storage" in caplog.text
