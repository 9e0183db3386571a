"""Receivers' permits: recorded by the organisation's admins, seen by its members and the
brokers; a new need is pre-filled from the permits valid today."""
from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from marketplace.db import db
from marketplace.models import MaterialNeed, Permit
from tests.listings.conftest import need_form

PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def receiver(make):
    organisation = make.organisation(name="Lapin Maarakennus Oy", place="Rovaniemi", lat=66.5, lon=25.7)
    admin = make.user(organisation, role="org_admin", email="admin@lapinmaa.fi", language="en")
    member = make.user(organisation, email="member@lapinmaa.fi", language="en")
    return organisation, admin, member


def permit_form(**changes):
    data = {"kind": "mara_registration", "authority": "Lapin ELY-keskus", "decision_number": "LAPELY/34/2026",
            "decision_date": "2026-02-01", "valid_from": "2026-02-01", "valid_until": "",
            "ewc_codes": "100102, 10 01 03", "note": ""}
    data.update(changes)
    return data


def permits(app) -> list[Permit]:
    with app.app_context():
        return list(db.session.scalars(sa.select(Permit)))


def test_an_admin_records_a_permit_with_its_document(app, client, auth, receiver):
    organisation, _admin, _member = receiver
    auth.login("admin@lapinmaa.fi")
    data = permit_form()
    data["document"] = (io.BytesIO(PDF), "registration.pdf")
    response = client.post(f"/organisations/{organisation.id}/permits/new", data=data,
                           content_type="multipart/form-data")
    assert response.status_code == 302, response.text
    (permit,) = permits(app)
    assert permit.ewc_codes == ["10 01 02", "10 01 03"]
    assert permit.document_filename == "registration.pdf"
    page = client.get(f"/organisations/{organisation.id}/permits").text
    assert "10 01 02, 10 01 03" in page and "LAPELY/34/2026" in page
    assert client.get(f"/organisations/{organisation.id}/permits/{permit.id}/document").data == PDF


@pytest.mark.parametrize("changes, field, message", [
    ({"kind": ""}, "kind", "Choose the kind of permit or registration."),
    ({"authority": ""}, "authority", "Name the authority that granted it."),
    ({"ewc_codes": ""}, "ewc_codes", "List the waste codes the permit covers."),
    ({"ewc_codes": "10 01"}, "ewc_codes", "10 01 is not a List of Waste code"),
    ({"ewc_codes": "99 99 99"}, "ewc_codes", "99 99 99 is not in the List of Waste."),
    ({"valid_until": "2026-01-01"}, "valid_until", "The end of validity comes before its start."),
    ({"valid_from": "someday"}, "valid_from", "Not a valid date value."),
])
def test_bad_permit_input_is_refused(app, client, auth, receiver, changes, field, message):
    organisation, _admin, _member = receiver
    auth.login("admin@lapinmaa.fi")
    response = client.post(f"/organisations/{organisation.id}/permits/new", data=permit_form(**changes))
    assert response.status_code == 400
    assert f'id="{field}-error"' in response.text and message in response.text
    assert permits(app) == []


def test_a_member_sees_the_permits_but_does_not_manage_them(app, client, auth, receiver, make):
    organisation, _admin, _member = receiver
    auth.login("member@lapinmaa.fi")
    assert client.get(f"/organisations/{organisation.id}/permits").status_code == 200
    assert client.post(f"/organisations/{organisation.id}/permits/new", data=permit_form()).status_code == 403
    assert permits(app) == []
    other = make.organisation(name="Muu Oy")
    make.user(other, email="other@example.fi")
    auth.logout()
    auth.login("other@example.fi")
    assert client.get(f"/organisations/{organisation.id}/permits").status_code == 404


def test_an_admin_changes_and_removes_a_permit(app, client, auth, receiver):
    organisation, admin, _member = receiver
    with app.app_context():
        permit = Permit(organisation_id=organisation.id, kind="environmental_permit", authority="AVI",
                        ewc_codes=["10 01 02"])
        db.session.add(permit)
        db.session.commit()
        permit_id = permit.id
    auth.login("admin@lapinmaa.fi")
    url = f"/organisations/{organisation.id}/permits/{permit_id}"
    assert client.post(url + "/edit", data=permit_form(ewc_codes="10 01 15")).status_code == 302
    assert permits(app)[0].ewc_codes == ["10 01 15"]
    assert client.post(url + "/edit", data=permit_form(authority="")).status_code == 400
    assert permits(app)[0].authority == "Lapin ELY-keskus"
    assert client.post(url + "/delete").status_code == 302
    assert permits(app) == []


def test_a_new_need_is_pre_filled_from_the_permits_valid_today(app, client, auth, receiver):
    organisation, _admin, _member = receiver
    today = date.today()
    with app.app_context():
        db.session.add_all([
            Permit(organisation_id=organisation.id, kind="mara_registration", authority="ELY",
                   valid_until=today + timedelta(days=30), ewc_codes=["10 01 02"]),
            Permit(organisation_id=organisation.id, kind="environmental_permit", authority="AVI",
                   valid_until=today - timedelta(days=1), ewc_codes=["19 01 12"]),
        ])
        db.session.commit()
    auth.login("member@lapinmaa.fi")
    page = client.get("/needs/new").text
    assert 'value="10 01 02"' in page and "19 01 12" not in page
    assert '<input checked id="codes_from_permits"' in page
    response = client.post("/needs/new", data=need_form(codes_from_permits="y"))
    assert response.status_code == 302
    with app.app_context():
        need = db.session.scalar(sa.select(MaterialNeed))
        assert need.codes_from_permits is True


def test_without_permits_the_need_form_is_not_pre_filled(client, auth, make):
    organisation = make.organisation(name="Ilman Lupaa Oy")
    make.user(organisation, email="nopermit@example.fi", language="en")
    auth.login("nopermit@example.fi")
    page = client.get("/needs/new").text
    assert '<input id="codes_from_permits"' in page
