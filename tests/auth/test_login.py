"""Signing in and out: no enumeration, throttling, safe redirects, CSRF, sessions."""
import pytest

from marketplace.models import AuditEvent
from marketplace.security import safe_next_url
from tests.auth.helpers import audit_actions, comparable, count
from tests.factories import PASSWORD


@pytest.fixture
def user(make):
    return make.user(make.organisation(), email="kirsi@example.fi", language="en")


def login(client, email, password=PASSWORD, **extra):
    return client.post("/auth/login", data={"email": email, "password": password, **extra})


def test_sign_in_and_out(client, user):
    response = login(client, "  Kirsi@Example.FI ")
    assert response.status_code == 302
    assert "kirsi@example.fi" in client.get("/auth/account").text
    assert client.post("/auth/logout").status_code == 302
    assert client.get("/auth/account").status_code == 302



def test_a_session_cookie_copied_before_sign_out_no_longer_works(app, client, user):
    login(client, user.email)
    name = app.config["SESSION_COOKIE_NAME"]
    copied = app.test_client()
    copied.set_cookie(name, client.get_cookie(name, domain="sivuvirta.test").value, domain="sivuvirta.test")
    assert copied.get("/auth/account").status_code == 200
    assert client.post("/auth/logout").status_code == 302
    assert copied.get("/auth/account").status_code == 302


def test_sign_out_ends_the_remembered_session_too(app, client, user):
    name = app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
    login(client, user.email, remember="y")
    remembered = client.get_cookie(name, domain="sivuvirta.test").value
    client.post("/auth/logout")
    later = app.test_client()
    later.set_cookie(name, remembered, domain="sivuvirta.test")
    assert later.get("/auth/account").status_code == 302

def test_wrong_password_and_unknown_address_answer_alike(client, user):
    wrong = login(client, user.email, "not the password at all")
    unknown = login(client, "nobody@example.fi", "not the password at all")
    assert wrong.status_code == unknown.status_code == 400
    assert "The email address or the password is wrong." in wrong.text
    assert comparable(wrong.text, user.email) == comparable(unknown.text, "nobody@example.fi")


def test_failed_sign_in_is_audited_although_the_answer_is_an_error(app, client, user):
    login(client, user.email, "not the password at all")
    assert audit_actions(app) == ["auth.sign_in_failed"]
    assert count(app, AuditEvent, AuditEvent.target_id == user.id) == 1


def test_inactive_account_cannot_sign_in(make, client):
    inactive = make.user(make.organisation(), active=False)
    assert login(client, inactive.email).status_code == 400


@pytest.mark.parametrize("email", ["kirsi@example.fi", "no.such.person@example.fi"])
def test_five_failures_lock_the_address_for_15_minutes(client, user, email):
    statuses = [login(client, email, f"wrong password {i}").status_code for i in range(5)]
    assert statuses == [400, 400, 400, 400, 429]
    locked = login(client, email, PASSWORD)  # even the right password now
    assert locked.status_code == 429
    assert "Sign-in is locked for 15 minutes" in locked.text
    # Other addresses are not affected.
    assert login(client, "other@example.fi", "whatever it is").status_code == 400


def test_lock_text_is_the_same_for_existing_and_unknown_addresses(app, user):
    texts = []
    for email in ("kirsi@example.fi", "ghost@example.fi"):
        client = app.test_client()
        client.post("/language", data={"language": "en"})
        for i in range(5):
            last = login(client, email, f"wrong password {i}")
        texts.append(comparable(last.text, email))
    assert texts[0] == texts[1]


def test_lock_ends_after_15_minutes(client, user, monkeypatch):
    import time

    for i in range(5):
        login(client, user.email, f"wrong password {i}")
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + 15 * 60 + 1)
    assert login(client, user.email).status_code == 302


def test_per_ip_limit_on_failed_sign_ins(client, user):
    # Ten failures a minute from one address (spread over different accounts to stay
    # under the per-account lock), then the eleventh request is refused.
    for i in range(10):
        assert login(client, f"spray{i}@example.fi", "wrong password!").status_code == 400
    refused = login(client, user.email)
    assert refused.status_code == 429
    assert "Too many attempts from your address" in refused.text


def test_successful_sign_ins_do_not_use_up_the_ip_limit(client, user):
    for _ in range(12):
        assert login(client, user.email).status_code == 302


def test_remember_me_sets_a_long_lived_cookie(client, user):
    response = login(client, user.email, remember="y")
    assert "remember_token=" in response.headers.get("Set-Cookie", "")
    plain = login(client, user.email)
    assert "remember_token=" not in plain.headers.get("Set-Cookie", "")


@pytest.mark.parametrize("target", [
    "//evil.com", "https://evil.com", "/\\evil.com", "\\\\evil.com", "javascript:alert(1)",
    "http:/evil.com", " //evil.com", "/%5Cevil.com\\x",
])
def test_next_never_leaves_the_site(client, user, target):
    assert safe_next_url(target) is None or safe_next_url(target).startswith("/") and "\\" not in target
    response = login(client, user.email, next=target)
    assert response.status_code == 302
    assert response.headers["Location"] in ("/", "http://sivuvirta.test/")


def test_next_keeps_a_local_path(client, user):
    response = login(client, user.email, next="/organisations/?page=2")
    assert response.headers["Location"].endswith("/organisations/?page=2")


def test_post_without_csrf_token_is_refused(app, user):
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    response = login(client, user.email)
    assert response.status_code == 400
    assert "CSRF" in response.text
    page = client.get("/auth/login")
    token = page.text.split('name="csrf_token" type="hidden" value="', 1)[1].split('"', 1)[0]
    assert login(client, user.email, csrf_token=token).status_code == 302


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"email": "", "password": "x"}, "email", "This field is required."),
    ({"email": "not an address", "password": "x"}, "email", "Enter a valid email address."),
    ({"email": "a@example.fi", "password": ""}, "password", "This field is required."),
])
def test_bad_sign_in_input(app, client, data, field, message):
    response = client.post("/auth/login", data=data)
    assert response.status_code == 400
    assert message in response.text.split(f'id="{field}-error">', 1)[1].split("</p>")[0]
    assert count(app, AuditEvent) == 0
