"""Links sent by mail: expiry, tampering, single use; passwords reset and changed."""
import pytest

from marketplace.auth import tokens
from marketplace.models import OutboxMessage, User
from tests.auth.helpers import audit_actions, comparable, count, get, link_in, mails
from tests.factories import PASSWORD

NEW_PASSWORD = "lumi sataa tunturiin 2026"


@pytest.fixture
def user(make):
    return make.user(make.organisation(name="Kemin Kuona Oy"), email="pekka@example.fi", language="en")


def reset_link(app, client, email="pekka@example.fi"):
    client.post("/auth/reset", data={"email": email})
    return link_in(mails(app, email)[-1], "/auth/reset/")


def test_reset_request_answers_alike_for_unknown_addresses(app, client, user):
    known = client.post("/auth/reset", data={"email": user.email}, follow_redirects=True)
    unknown = client.post("/auth/reset", data={"email": "ghost@example.fi"}, follow_redirects=True)
    assert known.status_code == unknown.status_code == 200
    assert comparable(known.text, user.email) == comparable(unknown.text, "ghost@example.fi")
    assert len(mails(app, user.email)) == 1 and mails(app, "ghost@example.fi") == []


def test_password_reset_is_single_use_and_ends_other_sessions(app, client, user, auth):
    other = app.test_client()
    other.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    assert other.get("/auth/account").status_code == 200
    path = reset_link(app, client)
    assert client.get(path).status_code == 200
    response = client.post(path, data={"password": NEW_PASSWORD, "password_again": NEW_PASSWORD})
    assert response.status_code == 302
    assert other.get("/auth/account").status_code == 302  # signed out
    again = client.post(path, data={"password": "another long password 9", "password_again": "another long password 9"})
    assert again.status_code == 400 and "already been used" in again.text
    assert client.post("/auth/login", data={"email": user.email, "password": NEW_PASSWORD}).status_code == 302
    assert "auth.password_reset" in audit_actions(app)
    assert mails(app, user.email)[-1].subject == "Your Sivuvirta password was changed"


def test_expired_reset_link(app, client, user, monkeypatch):
    path = reset_link(app, client)
    import itsdangerous.timed

    real = itsdangerous.timed.time.time
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: real() + 3601)
    response = client.get(path)
    assert response.status_code == 400 and "The link has expired" in response.text


@pytest.mark.parametrize("mangle", [
    lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"),  # the signature
    lambda t: "x" + t[1:],                                          # the payload
    lambda t: t.split(".")[0],                                      # cut short
])
def test_tampered_reset_link(app, client, user, mangle):
    path = reset_link(app, client)
    token = path.rsplit("/", 1)[1]
    response = client.get(f"/auth/reset/{mangle(token)}")
    assert response.status_code == 400 and "not valid" in response.text


def test_a_token_for_one_purpose_does_not_serve_another(app, client, user):
    with app.app_context():
        confirm = tokens.make_token("confirm-email", {"u": user.id, "e": user.email})
    assert client.get(f"/auth/reset/{confirm}").status_code == 400


def test_reset_requests_are_throttled_per_address(app, client, user):
    for _ in range(3):
        assert client.post("/auth/reset", data={"email": user.email}).status_code == 302
    refused = client.post("/auth/reset", data={"email": user.email})
    assert refused.status_code == 429
    assert "Too many reset requests for this address" in refused.text
    # From another client address (the per-address count is the same for unknown ones).
    elsewhere = app.test_client()
    ghost = [elsewhere.post("/auth/reset", data={"email": "ghost@example.fi"},
                            environ_base={"REMOTE_ADDR": "192.0.2.7"}).status_code for _ in range(4)]
    assert ghost == [302, 302, 302, 429]
    assert len(mails(app, user.email)) == 3


@pytest.mark.parametrize(("password", "again", "field", "message"), [
    ("short", "short", "password", "Use at least 12 characters."),
    ("password1234", "password1234", "password", "most common"),
    ("pekka is my name!", "pekka is my name!", "password", "must not contain your email address"),
    ("kemin kuona 2026", "kemin kuona 2026", "password", "your organisation"),
    (NEW_PASSWORD, "different", "password_again", "The passwords do not match."),
])
def test_bad_new_password_on_reset(app, client, user, password, again, field, message):
    path = reset_link(app, client)
    before = get(app, User, user.id).password_hash
    response = client.post(path, data={"password": password, "password_again": again})
    assert response.status_code == 400
    assert message in response.text.split(f'id="{field}-error">', 1)[1].split("</p>")[0]
    assert get(app, User, user.id).password_hash == before


def test_change_of_password_keeps_this_session_and_ends_the_others(app, client, user, auth):
    auth.login(user.email)
    other = app.test_client()
    other.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    response = client.post("/auth/account/password", data={
        "current_password": PASSWORD, "new_password": NEW_PASSWORD, "new_password_again": NEW_PASSWORD})
    assert response.status_code == 302
    assert client.get("/auth/account").status_code == 200
    assert other.get("/auth/account").status_code == 302
    assert "auth.password_changed" in audit_actions(app)


def test_remember_cookie_of_an_old_password_is_refused(app, user):
    remembered = app.test_client()
    remembered.post("/auth/login", data={"email": user.email, "password": PASSWORD, "remember": "y"})
    with remembered.session_transaction() as session:
        session.clear()  # the browser was closed: only the remember cookie is left
    assert remembered.get("/auth/account").status_code == 200
    changer = app.test_client()
    changer.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    changer.post("/auth/account/password", data={
        "current_password": PASSWORD, "new_password": NEW_PASSWORD, "new_password_again": NEW_PASSWORD})
    with remembered.session_transaction() as session:
        session.clear()
    assert remembered.get("/auth/account").status_code == 302


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"current_password": "wrong one", "new_password": NEW_PASSWORD, "new_password_again": NEW_PASSWORD},
     "current_password", "The current password is wrong."),
    ({"current_password": PASSWORD, "new_password": "qwerty123456", "new_password_again": "qwerty123456"},
     "new_password", "most common"),
    ({"current_password": PASSWORD, "new_password": NEW_PASSWORD, "new_password_again": "x"},
     "new_password_again", "The passwords do not match."),
    ({"current_password": "", "new_password": NEW_PASSWORD, "new_password_again": NEW_PASSWORD},
     "current_password", "This field is required."),
])
def test_bad_password_change(app, client, user, auth, data, field, message):
    auth.login(user.email)
    before = get(app, User, user.id)
    response = client.post("/auth/account/password", data=data)
    assert response.status_code == 400
    assert message in response.text.split(f'id="{field}-error">', 1)[1].split("</p>")[0]
    after = get(app, User, user.id)
    assert (after.password_hash, after.session_token) == (before.password_hash, before.session_token)


def test_change_of_email_takes_effect_when_the_new_address_confirms(app, client, user, auth):
    auth.login(user.email)
    response = client.post("/auth/account/email", data={"new_email": "pekka.new@example.fi", "password": PASSWORD})
    assert response.status_code == 302
    assert get(app, User, user.id).email == user.email  # not yet
    path = link_in(mails(app, "pekka.new@example.fi")[-1], "/auth/email/")
    assert client.get(path).status_code == 200
    assert client.post(path).status_code == 302
    changed = get(app, User, user.id)
    assert changed.email == "pekka.new@example.fi" and changed.email_confirmed_at is not None
    assert mails(app, user.email)[-1].subject == "Your Sivuvirta email address was changed"
    assert client.post(path).status_code == 400  # used


def test_change_to_a_taken_address_mails_its_owner_and_answers_alike(app, client, user, auth, make):
    taken = make.user(None, email="taken@example.fi", language="en")
    auth.login(user.email)
    free = client.post("/auth/account/email", data={"new_email": "free@example.fi", "password": PASSWORD})
    busy = client.post("/auth/account/email", data={"new_email": taken.email, "password": PASSWORD})
    assert free.status_code == busy.status_code == 302
    assert mails(app, taken.email)[-1].subject == "Someone tried to use your address on Sivuvirta"
    assert get(app, User, user.id).email == user.email


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"new_email": "pekka.new@example.fi", "password": "wrong"}, "password", "The password is wrong."),
    ({"new_email": "pekka@example.fi", "password": PASSWORD}, "new_email", "This is your current address."),
    ({"new_email": "nope", "password": PASSWORD}, "new_email", "Enter a valid email address."),
])
def test_bad_email_change(app, client, user, auth, data, field, message):
    auth.login(user.email)
    before = count(app, OutboxMessage)
    response = client.post("/auth/account/email", data=data)
    assert response.status_code == 400
    assert message in response.text.split(f'id="{field}-error">', 1)[1].split("</p>")[0]
    assert count(app, OutboxMessage) == before


def test_profile_sets_the_language_of_site_and_mail(app, client, user, auth):
    auth.login(user.email)
    response = client.post("/auth/account", data={"name": "Pekka P.", "language": "fi"})
    assert response.status_code == 302
    assert get(app, User, user.id).language == "fi"
    assert 'lang="fi"' in client.get("/auth/account").text


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"name": "", "language": "fi"}, "name", "This field is required."),
    ({"name": "P", "language": "de"}, "language", "Not a valid choice"),
    ({"name": "x" * 201, "language": "fi"}, "name", "200"),
])
def test_bad_profile_input(app, client, user, auth, data, field, message):
    auth.login(user.email)
    response = client.post("/auth/account", data=data)
    assert response.status_code == 400
    assert message in response.text.split(f'id="{field}-error">', 1)[1].split("</p>")[0]
    assert get(app, User, user.id).name == user.name


def test_confirmation_link_for_an_old_address_fails(app, client, user):
    with app.app_context():
        token = tokens.make_token("confirm-email", {"u": user.id, "e": "old@example.fi"})
    assert client.get(f"/auth/confirm/{token}").status_code == 400


def test_resend_confirmation(app, client, make, auth):
    unconfirmed = make.user(make.organisation(), confirmed=False, language="en")
    auth.login(unconfirmed.email)
    assert client.post("/auth/confirm/resend").status_code == 302
    assert mails(app, unconfirmed.email)[-1].subject == "Confirm your email address for Sivuvirta"


def test_mail_is_written_in_the_recipients_language(app, client, make):
    finnish = make.user(make.organisation(), language="fi")
    client.post("/auth/reset", data={"email": finnish.email})
    [mail] = mails(app, finnish.email)
    with app.test_request_context():
        from flask_babel import force_locale, gettext

        with force_locale("fi"):
            assert mail.subject == gettext("Reset your Sivuvirta password")
