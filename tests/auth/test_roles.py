"""Roles: the site admin appoints brokers and admins; the first admin from the command line;
the audit log for brokers and admins."""
import pytest

from marketplace.auth.services import create_site_admin
from marketplace.errors import InvalidInput
from marketplace.models import AuditEvent, User
from tests.auth.helpers import audit_actions, count, get


def test_admin_appoints_a_broker(app, client, make, auth):
    admin = make.user(None, role="admin")
    user = make.user(make.organisation())
    auth.login(admin.email)
    response = client.post(f"/admin/users/{user.id}/role", data={"role": "broker"})
    assert response.status_code == 302
    assert get(app, User, user.id).role == "broker"
    assert audit_actions(app)[-1] == "user.role_changed"


def test_the_last_admin_stays(app, client, make, auth):
    admin = make.user(None, role="admin")
    auth.login(admin.email)
    response = client.post(f"/admin/users/{admin.id}/role", data={"role": "member"})
    assert response.status_code == 400 and "at least one admin" in response.text
    assert get(app, User, admin.id).role == "admin"


@pytest.mark.parametrize(("role", "message"), [("emperor", "Choose a role."),
                                                ("org_admin", "must belong to an organisation")])
def test_bad_role(app, client, make, auth, role, message):
    admin = make.user(None, role="admin")
    loner = make.user(None)
    auth.login(admin.email)
    response = client.post(f"/admin/users/{loner.id}/role", data={"role": role})
    assert response.status_code == 400 and message in response.text
    assert get(app, User, loner.id).role == "member"
    assert count(app, AuditEvent) == 0


def test_user_list_filters(client, make, auth):
    admin = make.user(None, role="admin")
    make.user(None, role="broker", email="valitsija@example.fi")
    auth.login(admin.email)
    page = client.get("/admin/users?role=broker")
    assert "valitsija@example.fi" in page.text and admin.email not in page.text
    assert "valitsija@example.fi" in client.get("/admin/users?q=VALITSIJA").text


def test_create_site_admin(session):
    user = create_site_admin("Root@Example.fi", "Root", "tunturin huippu kutsuu")
    assert (user.email, user.role) == ("root@example.fi", "admin")
    assert user.email_confirmed_at is not None


@pytest.mark.parametrize(("email", "password", "field", "message"), [
    ("not-an-address", "tunturin huippu kutsuu", "email", "valid email"),
    ("root@example.fi", "short", "password", "at least 12"),
    ("root@example.fi", "qwerty123456", "password", "most common"),
    ("rootuser@example.fi", "rootuser-is-me-2026", "password", "email address"),
])
def test_create_site_admin_refuses_bad_input(session, email, password, field, message):
    with pytest.raises(InvalidInput) as error:
        create_site_admin(email, "Root", password)
    assert message in error.value.errors[field]
    assert session.query(User).count() == 0


def test_create_site_admin_refuses_a_taken_address(session, make):
    make.user(None, email="root@example.fi")
    with pytest.raises(InvalidInput) as error:
        create_site_admin("root@example.fi", "Root", "tunturin huippu kutsuu")
    assert "exists already" in error.value.errors["email"]


def test_cli_create_admin(app, runner):
    result = runner.invoke(args=["users", "create-admin", "--email", "cli@example.fi", "--name", "Cli",
                                 "--password", "tunturin huippu kutsuu"])
    assert result.exit_code == 0, result.output
    assert count(app, User, User.email == "cli@example.fi", User.role == "admin") == 1
    bad = runner.invoke(args=["users", "create-admin", "--email", "cli2@example.fi", "--password", "short"])
    assert bad.exit_code == 2 and "password: " in bad.output


def test_audit_log_filters_and_pages(app, client, make, auth):
    broker = make.user(None, role="broker")
    victim = make.user(make.organisation())
    for i in range(3):
        app.test_client().post("/auth/login", data={"email": victim.email, "password": f"wrong pass {i}"})
    app.test_client().post("/auth/reset", data={"email": victim.email})
    auth.login(broker.email)
    page = client.get("/admin/audit?action=auth.sign_in_failed")
    assert page.status_code == 200 and page.text.count("Sign-in failed") >= 3
    assert "Password reset requested</td>" not in page.text
    assert "3 events" in page.text
    assert "0 events" in client.get("/admin/audit?since=2099-01-01").text
    bad = client.get("/admin/audit?since=2026-02-01&until=2026-01-01")
    assert bad.status_code == 400 and "The end date is before the start date." in bad.text
    assert client.get("/admin/audit?since=yesterday").status_code == 400
