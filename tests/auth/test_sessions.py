"""Each sign-in is a session of its own on the server: signing out ends that one only,
"sign out of all other sessions" and a password change end the others."""
import sqlalchemy as sa

from marketplace.db import db
from marketplace.models import UserSession
from tests.factories import PASSWORD

NEW_PASSWORD = "lumi sataa tunturiin 2026"


def _signed_in(app, email):
    client = app.test_client()
    assert client.post("/auth/login", data={"email": email, "password": PASSWORD}).status_code == 302
    return client


def _copy(app, client):
    name = app.config["SESSION_COOKIE_NAME"]
    copied = app.test_client()
    copied.set_cookie(name, client.get_cookie(name, domain="sivuvirta.test").value, domain="sivuvirta.test")
    return copied


def _sessions(app, user) -> int:
    with app.app_context():
        n = db.session.scalar(sa.select(sa.func.count()).select_from(UserSession).where(UserSession.user_id == user.id))
        db.session.remove()
    return n


def test_sign_out_ends_this_session_only(app, make):
    user = make.user(make.organisation(), email="sanna@example.fi", language="en")
    laptop, phone = _signed_in(app, user.email), _signed_in(app, user.email)
    copied = _copy(app, laptop)
    assert _sessions(app, user) == 2
    assert copied.get("/auth/account").status_code == 200
    assert laptop.post("/auth/logout").status_code == 302
    assert copied.get("/auth/account").status_code == 302  # the copy of the cookie is dead
    assert laptop.get("/auth/account").status_code == 302
    assert phone.get("/auth/account").status_code == 200  # the other session goes on
    assert _sessions(app, user) == 1


def test_a_cookie_without_a_session_row_signs_nobody_in(app, make):
    """The nonce is the server's: deleting the row (as sign-out does) is what ends it."""
    user = make.user(make.organisation(), email="ilkka@example.fi", language="en")
    client = _signed_in(app, user.email)
    with app.app_context():
        db.session.execute(sa.delete(UserSession))
        db.session.commit()
        db.session.remove()
    assert client.get("/auth/account").status_code == 302


def test_sign_out_of_all_other_sessions(app, make):
    user = make.user(make.organisation(), email="tuula@example.fi", language="en")
    other_user = make.user(make.organisation(name="Toinen Oy"), email="toinen@example.fi", language="en")
    here, there, elsewhere = (_signed_in(app, user.email) for _ in range(3))
    stranger = _signed_in(app, other_user.email)
    page = here.get("/auth/account")
    assert "You are signed in on 2 other browsers or devices." in page.text
    response = here.post("/auth/account/sessions/end-others", follow_redirects=True)
    assert "2 other sessions were signed out." in response.text
    assert "You are signed in here only." in response.text
    assert here.get("/auth/account").status_code == 200
    assert there.get("/auth/account").status_code == 302
    assert elsewhere.get("/auth/account").status_code == 302
    assert stranger.get("/auth/account").status_code == 200  # another user's sessions are not touched


def test_a_password_change_ends_the_other_sessions_and_keeps_this_one(app, make):
    user = make.user(make.organisation(), email="mikko@example.fi", language="en")
    here, there = _signed_in(app, user.email), _signed_in(app, user.email)
    response = here.post("/auth/account/password", data={
        "current_password": PASSWORD, "new_password": NEW_PASSWORD, "new_password_again": NEW_PASSWORD})
    assert response.status_code == 302
    assert here.get("/auth/account").status_code == 200
    assert there.get("/auth/account").status_code == 302
    assert _sessions(app, user) == 1
