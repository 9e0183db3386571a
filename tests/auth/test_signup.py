"""Signing up: a new organisation with its first user, who becomes its admin."""
import pytest
import sqlalchemy as sa

from marketplace.models import Organisation, OutboxMessage, Site, User
from tests.auth.helpers import audit_actions, count, link_in, mails
from tests.factories import PASSWORD, valid_business_id

SIGNUP = {
    "organisation_name": "Sallan Kuonajaloste Oy",
    "country": "FI",
    "business_id": valid_business_id(9001),
    "kind": "producer",
    "site_name": "Salla works",
    "place": "Salla",
    "lat": "66.83",
    "lon": "28.67",
    "name": "Salla Saarinen",
    "email": "Salla.Saarinen@Example.fi",
    "password": PASSWORD,
    "password_again": PASSWORD,
    "language": "en",
}


def signup(client, **changes):
    return client.post("/auth/signup", data={**SIGNUP, **changes})


def test_sign_up_creates_a_pending_organisation_with_its_admin(app, client):
    response = signup(client)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/auth/signup/check-email")
    with app.app_context():
        from marketplace.db import db

        user = db.session.scalar(sa.select(User).where(User.email == "salla.saarinen@example.fi"))
        assert user.role == "org_admin" and user.email_confirmed_at is None and user.language == "en"
        assert user.organisation.name == "Sallan Kuonajaloste Oy"
        assert user.organisation.verification_status == "pending"
        assert [s.place for s in user.organisation.sites] == ["Salla"]
        assert user.password_hash.startswith("$argon2id$")
    assert "auth.signed_up" in audit_actions(app)
    [mail] = mails(app, "salla.saarinen@example.fi")
    assert mail.subject == "Confirm your email address for Sivuvirta"
    assert "/auth/confirm/" in mail.body


def test_confirming_by_the_mailed_link(app, client):
    signup(client)
    [mail] = mails(app, "salla.saarinen@example.fi")
    path = link_in(mail, "/auth/confirm/")
    page = client.get(path)
    assert page.status_code == 200 and "Confirm my address" in page.text
    with app.app_context():
        from marketplace.db import db

        assert db.session.scalar(sa.select(User.email_confirmed_at).where(
            User.email == "salla.saarinen@example.fi")) is None  # GET changes nothing
    response = client.post(path)
    assert response.status_code == 302
    with app.app_context():
        from marketplace.db import db

        assert db.session.scalar(sa.select(User.email_confirmed_at).where(
            User.email == "salla.saarinen@example.fi")) is not None


def test_unconfirmed_user_signs_in_and_sees_the_banner(client):
    signup(client)
    response = client.post("/auth/login", data={"email": "salla.saarinen@example.fi", "password": PASSWORD})
    assert response.status_code == 302
    page = client.get("/")
    assert "is not confirmed yet" in page.text
    assert "cannot post listings" in page.text


def test_foreign_organisation_needs_a_registration_number_not_a_y_tunnus(app, client):
    response = signup(client, country="SE", business_id="556677-8899", organisation_name="Norrbotten Slagg AB")
    assert response.status_code == 302
    assert count(app, Organisation, Organisation.name == "Norrbotten Slagg AB", Organisation.country == "SE") == 1


def test_existing_address_answers_the_same_and_mails_the_owner(app, client, make):
    owner = make.user(make.organisation(), email="owner@example.fi", language="en")
    fresh = signup(client, email="someone.new@example.fi")
    organisations_before = count(app, Organisation)
    again = signup(app.test_client(), email="OWNER@example.fi", organisation_name="Toinen Oy",
                   business_id=valid_business_id(9002))
    assert again.status_code == fresh.status_code == 302
    assert again.headers["Location"] == fresh.headers["Location"]
    assert count(app, Organisation) == organisations_before  # nothing created
    [mail] = mails(app, owner.email)
    assert mail.subject == "Someone tried to sign up with your address"
    assert "/auth/reset" in mail.body



def test_a_taken_address_costs_the_same_password_hashing_as_a_new_one(app, client, make, monkeypatch):
    """Counted, not timed: Argon2id is what makes a sign-up slow, so both answers hash once."""
    from marketplace.auth import services

    make.user(make.organisation(), email="owner@example.fi")
    hashed = []
    real = services.hash_password
    monkeypatch.setattr(services, "hash_password", lambda password: hashed.append(password) or real(password))
    assert signup(client, email="someone.new@example.fi").status_code == 302
    assert signup(app.test_client(), email="owner@example.fi", organisation_name="Toinen Oy",
                  business_id=valid_business_id(9003)).status_code == 302
    assert hashed == [PASSWORD, PASSWORD]


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"organisation_name": ""}, "organisation_name", "This field is required."),
    ({"business_id": "1234567-8"}, "business_id", "Enter a valid Finnish business ID"),
    ({"business_id": ""}, "business_id", "Enter a valid Finnish business ID"),
    ({"country": "SE", "business_id": ""}, "business_id", "registration number"),
    ({"country": "XX"}, "country", "Not a valid choice"),
    ({"place": ""}, "place", "This field is required."),
    ({"lat": "north"}, "lat", "Enter the latitude in decimal degrees."),
    ({"lat": "91"}, "lat", "The latitude is between -90 and 90."),
    ({"lon": "-181"}, "lon", "The longitude is between -180 and 180."),
    ({"name": ""}, "name", "This field is required."),
    ({"email": "not-an-address"}, "email", "Enter a valid email address."),
    ({"password": "short pw", "password_again": "short pw"}, "password", "Use at least 12 characters."),
    ({"password": "qwertyuiop123", "password_again": "qwertyuiop123"}, "password", "most common"),
    ({"password": "salla.saarinen-2026", "password_again": "salla.saarinen-2026"}, "password",
     "must not contain your email address"),
    ({"password": "kuonajaloste2026!", "password_again": "kuonajaloste2026!"}, "password",
     "must not contain your email address or your organisation"),
    ({"password_again": "something else entirely"}, "password_again", "The passwords do not match."),
    ({"language": "de"}, "language", "Not a valid choice"),
])
def test_bad_sign_up_input(app, client, changes, field, message):
    before = (count(app, Organisation), count(app, User), count(app, Site), count(app, OutboxMessage))
    response = signup(client, **changes)
    assert response.status_code == 400
    assert f'id="{field}-error"' in response.text
    error = response.text.split(f'id="{field}-error">', 1)[1].split("</p>", 1)[0]
    assert message in error
    assert (count(app, Organisation), count(app, User), count(app, Site), count(app, OutboxMessage)) == before


def test_organisation_name_and_business_id_must_be_new(app, client, make):
    existing = make.organisation(name="Vanha Oy")
    response = signup(client, organisation_name="vanha oy", business_id=existing.business_id)
    assert response.status_code == 400
    assert "already registered" in response.text.split('id="organisation_name-error">')[1]
    assert "already registered" in response.text.split('id="business_id-error">')[1]


def test_signed_in_user_is_sent_away_from_sign_up(client, make, auth):
    user = make.user(make.organisation())
    auth.login(user.email)
    assert client.get("/auth/signup").status_code == 302
