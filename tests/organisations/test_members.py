"""Members and invitations: an organisation admin invites and removes; the invitee joins."""
from datetime import timedelta

import pytest

from marketplace.auth import tokens
from marketplace.db import db
from marketplace.models import Invitation, User
from marketplace.models.base import utcnow
from tests.auth.helpers import audit_actions, count, get, link_in, mails

NEW_PASSWORD = "revontulet loistavat 2026"


@pytest.fixture
def org(make):
    return make.organisation(name="Tornion Teräs Oy")


@pytest.fixture
def admin(make, org):
    return make.user(org, role="org_admin", email="boss@example.fi", language="en")


def invite(client, org, email="new.colleague@example.fi", role="member"):
    return client.post(f"/organisations/{org.id}/invitations",
                       data={"email": email, "role": role, "language": "en"})


def test_invitation_and_joining_as_a_new_user(app, client, org, admin, auth):
    auth.login(admin.email)
    assert invite(client, org).status_code == 302
    [mail] = mails(app, "new.colleague@example.fi")
    assert "Tornion Teräs Oy" in mail.subject
    path = link_in(mail, "/auth/join/")
    auth.logout()
    assert "Create my account and join" in client.get(path).text
    response = client.post(path, data={"name": "Uusi Kollega", "password": NEW_PASSWORD,
                                       "password_again": NEW_PASSWORD, "language": "fi"})
    assert response.status_code == 302
    with app.app_context():
        user = db.session.query(User).filter_by(email="new.colleague@example.fi").one()
        assert (user.organisation_id, user.role) == (org.id, "member")
        assert user.email_confirmed_at is not None
    assert client.get("/auth/account").status_code == 200  # signed in
    used = app.test_client().get(path)
    assert used.status_code == 400 and "already been used" in used.text
    assert "organisation.member_joined" in audit_actions(app)


def test_existing_account_accepts_after_signing_in(app, client, org, admin, make, auth):
    loner = make.user(None, email="loner@example.fi", language="en")
    auth.login(admin.email)
    invite(client, org, email=loner.email, role="org_admin")
    path = link_in(mails(app, loner.email)[-1], "/auth/join/")
    auth.logout()
    assert "Sign in, then open the invitation link again" in client.get(path).text
    auth.login(loner.email)
    assert client.post(path).status_code == 302
    joined = get(app, User, loner.id)
    assert (joined.organisation_id, joined.role) == (org.id, "org_admin")


def test_a_member_of_another_organisation_cannot_accept(app, client, org, admin, make, auth):
    other = make.user(make.organisation(), email="taken.elsewhere@example.fi")
    auth.login(admin.email)
    invite(client, org, email=other.email)
    path = link_in(mails(app, other.email)[-1], "/auth/join/")
    auth.logout()
    auth.login(other.email)
    assert client.post(path).status_code == 409
    assert get(app, User, other.id).organisation_id != org.id


def test_signed_in_as_someone_else(app, client, org, admin, make, auth):
    auth.login(admin.email)
    invite(client, org, email="someone@example.fi")
    path = link_in(mails(app, "someone@example.fi")[-1], "/auth/join/")
    assert client.post(path).status_code == 403


def _token(app, invitation_id, organisation_id, email):
    with app.app_context():
        return tokens.make_token("invitation", {"i": invitation_id, "o": organisation_id, "e": email})


def _invitation(app, org, email="x@example.fi", **fields):
    with app.app_context():
        invitation = Invitation(organisation_id=org.id, email=email, role="member",
                                expires_at=fields.pop("expires_at", utcnow() + timedelta(days=14)), **fields)
        db.session.add(invitation)
        db.session.commit()
        return invitation.id


def test_expired_invitation(app, client, org):
    invitation_id = _invitation(app, org, expires_at=utcnow() - timedelta(minutes=1))
    response = client.get(f"/auth/join/{_token(app, invitation_id, org.id, 'x@example.fi')}")
    assert response.status_code == 400 and "has expired" in response.text


def test_expired_invitation_token(app, client, org, monkeypatch):
    invitation_id = _invitation(app, org)
    token = _token(app, invitation_id, org.id, "x@example.fi")
    import itsdangerous.timed

    real = itsdangerous.timed.time.time
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: real() + 15 * 24 * 3600)
    response = client.get(f"/auth/join/{token}")
    assert response.status_code == 400 and "has expired" in response.text


def test_revoked_invitation(app, client, org, admin, auth):
    invitation_id = _invitation(app, org)
    auth.login(admin.email)
    assert client.post(f"/organisations/{org.id}/invitations/{invitation_id}/revoke").status_code == 302
    response = app.test_client().get(f"/auth/join/{_token(app, invitation_id, org.id, 'x@example.fi')}")
    assert response.status_code == 400 and "withdrawn" in response.text


def test_invitation_token_naming_another_organisation(app, client, org, make):
    other = make.organisation()
    invitation_id = _invitation(app, org)
    response = client.get(f"/auth/join/{_token(app, invitation_id, other.id, 'x@example.fi')}")
    assert response.status_code == 400 and "not valid" in response.text


def test_admin_of_another_organisation_cannot_revoke(app, client, org, make, auth):
    invitation_id = _invitation(app, org)
    other = make.organisation()
    other_admin = make.user(other, role="org_admin")
    auth.login(other_admin.email)
    assert client.post(f"/organisations/{org.id}/invitations/{invitation_id}/revoke").status_code == 403
    assert client.post(f"/organisations/{other.id}/invitations/{invitation_id}/revoke").status_code == 404


def test_a_new_invitation_replaces_the_open_one(app, client, org, admin, auth):
    auth.login(admin.email)
    invite(client, org)
    first = link_in(mails(app, "new.colleague@example.fi")[-1], "/auth/join/")
    invite(client, org)
    assert app.test_client().get(first).status_code == 400
    assert count(app, Invitation, Invitation.revoked_at.is_(None)) == 1


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"email": "", "role": "member", "language": "en"}, "email", "This field is required."),
    ({"email": "nope", "role": "member", "language": "en"}, "email", "Enter a valid email address."),
    ({"email": "boss@example.fi", "role": "member", "language": "en"}, "email", "already a member"),
    ({"email": "a@example.fi", "role": "broker", "language": "en"}, "role", "Not a valid choice"),
    ({"email": "a@example.fi", "role": "member", "language": "ru"}, "language", "Not a valid choice"),
])
def test_bad_invitation_input(app, client, org, admin, auth, data, field, message):
    auth.login(admin.email)
    response = client.post(f"/organisations/{org.id}/invitations", data=data)
    assert response.status_code == 400
    assert message in response.text.split(f'id="{field}-error">', 1)[1].split("</p>")[0]
    assert count(app, Invitation) == 0


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"name": "", "password": NEW_PASSWORD, "password_again": NEW_PASSWORD, "language": "fi"}, "name",
     "This field is required."),
    ({"name": "N", "password": "tornion teräs rocks", "password_again": "tornion teräs rocks",
      "language": "fi"}, "password", "your organisation"),
    ({"name": "N", "password": NEW_PASSWORD, "password_again": "nope", "language": "fi"}, "password_again",
     "do not match"),
])
def test_bad_join_input(app, client, org, data, field, message):
    invitation_id = _invitation(app, org)
    response = client.post(f"/auth/join/{_token(app, invitation_id, org.id, 'x@example.fi')}", data=data)
    assert response.status_code == 400
    assert message in response.text.split(f'id="{field}-error">', 1)[1].split("</p>")[0]
    assert count(app, User, User.email == "x@example.fi") == 0
    assert get(app, Invitation, invitation_id).accepted_at is None


def test_removing_a_member(app, client, org, admin, make, auth):
    member = make.user(org)
    auth.login(admin.email)
    assert client.post(f"/organisations/{org.id}/members/{member.id}/remove").status_code == 302
    assert get(app, User, member.id).organisation_id is None
    assert "organisation.member_removed" in audit_actions(app)


def test_the_last_org_admin_cannot_remove_themselves(app, client, org, admin, auth):
    auth.login(admin.email)
    response = client.post(f"/organisations/{org.id}/members/{admin.id}/remove")
    assert response.status_code == 409 and "last admin" in response.text
    assert get(app, User, admin.id).organisation_id == org.id


def test_the_last_org_admin_cannot_step_down(app, client, org, admin, auth):
    auth.login(admin.email)
    response = client.post(f"/organisations/{org.id}/members/{admin.id}/role", data={"role": "member"})
    assert response.status_code == 409
    assert get(app, User, admin.id).role == "org_admin"


def test_an_org_admin_may_leave_when_another_remains(app, client, org, admin, make, auth):
    make.user(org, role="org_admin")
    auth.login(admin.email)
    assert client.post(f"/organisations/{org.id}/members/{admin.id}/remove").status_code == 302
    left = get(app, User, admin.id)
    assert (left.organisation_id, left.role) == (None, "member")


def test_members_cannot_manage(app, client, org, make, auth):
    member = make.user(org)
    other = make.user(org)
    auth.login(member.email)
    assert client.post(f"/organisations/{org.id}/members/{other.id}/remove").status_code == 403
    assert invite(client, org).status_code == 403
    assert get(app, User, other.id).organisation_id == org.id


def test_removing_someone_from_another_organisation(app, client, org, admin, make, auth):
    stranger = make.user(make.organisation())
    auth.login(admin.email)
    assert client.post(f"/organisations/{org.id}/members/{stranger.id}/remove").status_code == 404
