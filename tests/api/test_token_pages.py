"""The API tokens page of the account: list, create (the secret shown once), revoke."""
from __future__ import annotations

import re
from datetime import date, timedelta

from marketplace.db import db
from marketplace.models import ApiToken
from tests.api.conftest import bearer


def test_the_page_needs_a_sign_in(client):
    response = client.get("/auth/account/api-tokens")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_create_shows_the_secret_once_and_it_works(client, auth, world):
    auth.login(world.users["member_a"].email)
    response = client.post("/auth/account/api-tokens", data={"name": "ERP export", "scope": "read-write"})
    assert response.status_code == 201
    assert response.headers["Cache-Control"] == "no-store"
    secret = re.search(r"svv_[A-Za-z0-9_\-]{43}", response.get_data(as_text=True)).group(0)
    me = client.get("/api/v1/me", headers=bearer(secret)).get_json()
    assert me["token"]["scope"] == "read-write" and me["token"]["name"] == "ERP export"
    page = client.get("/auth/account/api-tokens").get_data(as_text=True)
    assert "ERP export" in page and secret[:12] in page and secret not in page


def test_a_token_with_an_expiry_date_works_until_that_day_ends(app, client, auth, world):
    auth.login(world.users["member_a"].email)
    tomorrow = date.today() + timedelta(days=1)
    client.post("/auth/account/api-tokens", data={"name": "Short", "scope": "read", "expires_on": tomorrow.isoformat()})
    with app.app_context():
        token = db.session.query(ApiToken).filter_by(name="Short").one()
        assert token.expires_at.date() == tomorrow + timedelta(days=1)
        assert token.scope == "read"


def test_bad_input_is_shown_on_the_form(client, auth, world):
    auth.login(world.users["member_a"].email)
    assert client.post("/auth/account/api-tokens", data={"name": "", "scope": "read"}).status_code == 400
    assert client.post("/auth/account/api-tokens", data={"name": "x", "scope": "admin"}).status_code == 400
    past = (date.today() - timedelta(days=2)).isoformat()
    response = client.post("/auth/account/api-tokens", data={"name": "x", "scope": "read", "expires_on": past})
    assert response.status_code == 400 and "past" in response.get_data(as_text=True)


def test_revoke_stops_the_token(app, client, auth, world, issue):
    secret = issue(world.users["member_a"], name="Old")
    with app.app_context():
        token_id = db.session.query(ApiToken).filter_by(name="Old").one().id
    auth.login(world.users["member_a"].email)
    assert client.post(f"/auth/account/api-tokens/{token_id}/revoke").status_code == 302
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 401
    assert client.get("/auth/account/api-tokens").status_code == 200


def test_nobody_revokes_another_users_token(app, client, auth, world, issue):
    secret = issue(world.users["member_a"], name="Theirs")
    with app.app_context():
        token_id = db.session.query(ApiToken).filter_by(name="Theirs").one().id
    auth.login(world.users["member_b"].email)
    assert client.post(f"/auth/account/api-tokens/{token_id}/revoke").status_code == 404
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 200
