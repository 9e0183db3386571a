"""Brokers verify or reject organisations; the admins are told; evidence is kept privately."""
import io
from pathlib import Path

import pytest

from marketplace.models import Organisation, Review, VerificationDocument
from tests.auth.helpers import audit_actions, count, get, mails


@pytest.fixture
def pending(make):
    org = make.organisation(name="Jonottava Oy", verified=False)
    make.user(org, role="org_admin", email="jono.admin@example.fi", language="en")
    make.user(org, email="jono.member@example.fi")
    return org


@pytest.fixture
def broker(make):
    return make.user(None, role="broker", email="broker@example.fi")


def test_queue_lists_pending_organisations(client, auth, pending, broker, make):
    make.organisation(name="Valmis Oy")
    auth.login(broker.email)
    page = client.get("/organisations/verification").text
    assert "Jonottava Oy" in page and "Valmis Oy" not in page


def test_verification_with_a_document(app, client, auth, pending, broker):
    auth.login(broker.email)
    response = client.post(f"/organisations/{pending.id}/review", data={
        "decision": "verified", "note": "Welcome aboard.", "evidence": "Partnership agreement 2026-03-01",
        "document": (io.BytesIO(b"%PDF-1.7 agreement"), "sopimus.pdf"),
    }, content_type="multipart/form-data")
    assert response.status_code == 302
    org = get(app, Organisation, pending.id)
    assert org.verification_status == "verified" and org.verified_at is not None
    assert count(app, Review, Review.organisation_id == pending.id, Review.decision == "verified") == 1
    [mail] = mails(app, "jono.admin@example.fi")
    assert "is verified" in mail.subject and "Welcome aboard." in mail.body
    assert mails(app, "jono.member@example.fi") == []  # admins only
    assert "organisation.verified" in audit_actions(app)
    with app.app_context():
        from marketplace.db import db

        document = db.session.query(VerificationDocument).one()
        stored = Path(app.config["UPLOAD_DIR"]) / "verification" / document.stored_name
        assert stored.read_bytes() == b"%PDF-1.7 agreement"
        assert "static" not in str(stored)
    download = client.get(f"/organisations/{pending.id}/documents/{document.id}")
    assert download.status_code == 200 and download.data == b"%PDF-1.7 agreement"
    assert "attachment" in download.headers["Content-Disposition"]


def test_rejection_needs_a_note_and_hides_nothing_new(app, client, auth, pending, broker):
    auth.login(broker.email)
    response = client.post(f"/organisations/{pending.id}/review", data={"decision": "rejected", "note": "No agreement."})
    assert response.status_code == 302
    assert get(app, Organisation, pending.id).verification_status == "rejected"
    assert "was not verified" in mails(app, "jono.admin@example.fi")[-1].subject


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"note": "x"}, "decision", "Choose verify or reject."),
    ({"decision": "maybe"}, "decision", "Not a valid choice"),
    ({"decision": "rejected", "note": " "}, "note", "Say why"),
    ({"decision": "verified", "document": (b"MZ\x90\x00 not a pdf", "evil.pdf")}, "document",
     "Upload a PDF, PNG or JPEG file."),
    ({"decision": "verified", "document": (b"", "empty.pdf")}, "document", "empty"),
])
def test_bad_review_input(app, client, auth, pending, broker, data, field, message):
    auth.login(broker.email)
    if "document" in data:  # a fresh file for each run (each backend)
        data = {**data, "document": (io.BytesIO(data["document"][0]), data["document"][1])}
    response = client.post(f"/organisations/{pending.id}/review", data=data, content_type="multipart/form-data")
    assert response.status_code == 400
    assert message in response.text.split(f'id="{field}-error">', 1)[1].split("</p>")[0]
    assert get(app, Organisation, pending.id).verification_status == "pending"
    assert count(app, Review) == count(app, VerificationDocument) == 0
    assert mails(app) == []


def test_members_cannot_verify_their_own_organisation(app, client, auth, pending):
    auth.login("jono.admin@example.fi")
    assert client.post(f"/organisations/{pending.id}/review", data={"decision": "verified"}).status_code == 403
    assert get(app, Organisation, pending.id).verification_status == "pending"


def test_queue_sorts_by_every_column_and_pages(client, auth, pending, broker, make, monkeypatch):
    from marketplace.organisations import views

    make.organisation(name="Aamun Oy", verified=False)
    auth.login(broker.email)

    def names(query=""):
        page = client.get(f"/organisations/verification?{query}").text
        return [n for n in ("Aamun Oy", "Jonottava Oy") if n in page], page

    shown, page = names()
    assert shown == ["Aamun Oy", "Jonottava Oy"]
    # The longest waiting first by default: Jonottava signed up first.
    assert page.index("Jonottava Oy") < page.index("Aamun Oy")
    _, page = names("sort=name&dir=asc")
    assert page.index("Aamun Oy") < page.index("Jonottava Oy")
    _, page = names("sort=name&dir=desc")
    assert page.index("Jonottava Oy") < page.index("Aamun Oy")
    for column in ("business_id", "country", "signed_up"):
        assert client.get(f"/organisations/verification?sort={column}").status_code == 200
    monkeypatch.setattr(views, "QUEUE_PER_PAGE", 1)
    first = client.get("/organisations/verification?sort=name&dir=asc").text
    second = client.get("/organisations/verification?sort=name&dir=asc&page=2").text
    assert "Aamun Oy" in first and "Jonottava Oy" not in first and 'rel="next"' in first
    assert "Jonottava Oy" in second and "Aamun Oy" not in second
