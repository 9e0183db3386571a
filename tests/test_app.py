"""The site starts, speaks both languages and answers errors as pages or problem JSON."""
import pytest

from marketplace import create_app
from marketplace.config import ConfigError


def test_front_page_in_finnish_by_default(app, client):
    app.config["BABEL_DEFAULT_LOCALE"] = "fi"
    response = client.get("/")
    assert response.status_code == 200
    assert 'lang="fi"' in response.text
    assert "Sivuvirta" in response.text


def test_front_page_follows_accept_language(client):
    response = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert 'lang="en"' in response.text
    assert "Side streams of the north" in response.text


def test_language_switch_is_remembered(client):
    response = client.post("/language", data={"language": "en", "next": "/"})
    assert response.status_code == 302
    assert 'lang="en"' in client.get("/").text


def test_language_switch_refuses_foreign_redirect(client):
    response = client.post("/language", data={"language": "en", "next": "https://evil.example/"})
    assert response.headers["Location"] in ("/", "http://sivuvirta.test/")


def test_not_found_page_in_both_languages(client):
    fi = client.get("/no-such-page", headers={"Accept-Language": "fi"})
    assert fi.status_code == 404
    assert "Ei löytynyt" in fi.text
    en = client.get("/no-such-page", headers={"Accept-Language": "en"})
    assert "Not found" in en.text


def test_not_found_as_problem_json_for_json_clients(client):
    response = client.get("/no-such-page", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert response.json["status"] == 404


def test_security_headers(client):
    headers = client.get("/").headers
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_production_refuses_to_start_without_secret_key(tmp_path, monkeypatch):
    monkeypatch.setenv("SIVUVIRTA_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("SIVUVIRTA_SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="SIVUVIRTA_SECRET_KEY"):
        create_app({"ENV": "production", "DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite"})


def test_development_generates_a_secret_key_once(tmp_path, monkeypatch):
    monkeypatch.setenv("SIVUVIRTA_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("SIVUVIRTA_SECRET_KEY", raising=False)
    first = create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite"}).config["SECRET_KEY"]
    second = create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite"}).config["SECRET_KEY"]
    assert first == second and len(first) == 64
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_production_cookies_are_secure(tmp_path, monkeypatch):
    monkeypatch.setenv("SIVUVIRTA_INSTANCE_PATH", str(tmp_path))
    app = create_app({"ENV": "production", "SECRET_KEY": "x" * 32,
                      "DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite"})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_an_id_too_large_for_the_database_is_not_found(client):
    assert client.get(f"/streams/{2**70}").status_code == 404
    assert client.get(f"/matches/needs/{2**63}").status_code in (302, 404)


def test_a_nul_character_is_refused_with_the_field_named(client):
    response = client.get("/streams", query_string={"q": "slag\x00"}, headers={"Accept-Language": "en"})
    assert response.status_code == 400
    assert "q" in response.text and "NUL" in response.text


def test_an_id_too_large_answers_404_for_every_method(client):
    assert client.put(f"/api/v1/side-streams/{2**64}", json={}).status_code == 404
    assert client.post(f"/streams/{2**64}/close").status_code == 404
