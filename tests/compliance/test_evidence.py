"""The legal status of a side stream: a hazardous entry declared other than waste needs its
document; a broker marks the evidence checked, shown as a badge; the guide in both languages."""
from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from marketplace.db import db
from marketplace.models import Attachment, LegalEvidenceCheck, SideStream
from tests.listings.conftest import stream_form

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"


@pytest.fixture
def supplier(make):
    organisation = make.organisation(name="Outokumpu Tornio Testi Oy", lat=65.78, lon=24.17, place="Tornio")
    user = make.user(organisation, email="supplier@example.fi", language="en")
    return organisation, user


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


@pytest.mark.parametrize("status", ["by_product", "end_of_waste", "product"])
def test_a_hazardous_stream_declared_other_than_waste_without_a_document_is_refused(
        app, client, auth, supplier, status):
    auth.login("supplier@example.fi")
    response = client.post("/streams/new", data=stream_form(
        ewc_code="10 02 07*", hazardous_properties=["HP7"], legal_status=status))
    assert response.status_code == 400
    assert "10 02 07* is a hazardous entry: to declare it a by-product" in response.text
    assert 'id="legal_status-error"' in response.text  # the message sits on the legal-status field
    assert count(app, SideStream) == 0 and count(app, Attachment) == 0


def test_a_hazardous_stream_declared_waste_needs_no_document(app, client, auth, supplier):
    auth.login("supplier@example.fi")
    response = client.post("/streams/new", data=stream_form(
        ewc_code="10 02 07*", hazardous_properties=["HP7"], legal_status="waste"))
    assert response.status_code == 302


def test_a_hazardous_by_product_with_its_decision_attached_is_accepted(app, client, auth, supplier):
    auth.login("supplier@example.fi")
    data = stream_form(ewc_code="10 02 07*", hazardous_properties=["HP7"], legal_status="by_product",
                       legal_evidence_title="ELY decision 2026")
    data["legal_evidence"] = (io.BytesIO(PDF), "decision.pdf")
    response = client.post("/streams/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 302, response.text
    with app.app_context():
        stream = db.session.scalar(sa.select(SideStream))
        (document,) = db.session.scalars(sa.select(Attachment).where(Attachment.side_stream_id == stream.id)).all()
        assert (stream.legal_status, document.kind, document.title) == ("by_product", "legal_evidence",
                                                                        "ELY decision 2026")
    # Once attached, editing the stream keeps the status without a new upload.
    edit = stream_form(ewc_code="10 02 07*", hazardous_properties=["HP7"], legal_status="by_product",
                       action="", title="Filter dust, renamed")
    assert client.post(f"/streams/{stream.id}/edit", data=edit).status_code == 302


def test_a_non_hazardous_by_product_needs_no_document(client, auth, supplier):
    auth.login("supplier@example.fi")
    assert client.post("/streams/new", data=stream_form(legal_status="by_product")).status_code == 302


def test_a_broker_marks_the_evidence_checked_and_the_badge_says_who(app, client, auth, make, supplier):
    organisation, _user = supplier
    stream = make.stream(organisation, title="Slag", ewc_code="10 02 02", legal_status="by_product")
    with app.app_context():
        db.session.add(Attachment(sha256="0" * 64, filename="decision.pdf", content_type="application/pdf",
                                  size_bytes=10, kind="legal_evidence", side_stream_id=stream.id))
        db.session.commit()
    make.user(None, role="broker", email="broker@example.fi", name="Brita Broker", language="en")
    auth.login("supplier@example.fi")
    assert client.post(f"/streams/{stream.id}/legal-evidence/check").status_code == 403
    auth.logout()
    auth.login("broker@example.fi")
    response = client.post(f"/streams/{stream.id}/legal-evidence/check", data={"note": "Read the decision."})
    assert response.status_code == 302
    page = client.get(f"/streams/{stream.id}").text
    assert "Evidence checked by Brita Broker" in page
    # Another status: the check was for the one before and is not shown.
    with app.app_context():
        db.session.get(SideStream, stream.id).legal_status = "product"
        db.session.commit()
        assert db.session.scalar(sa.select(LegalEvidenceCheck)).legal_status == "by_product"
    assert "Evidence checked by" not in client.get(f"/streams/{stream.id}").text


def test_nothing_to_check_is_refused(app, client, auth, make, supplier):
    organisation, _user = supplier
    stream = make.stream(organisation, title="Slag", ewc_code="10 02 02", legal_status="by_product")
    make.user(None, role="broker", email="broker@example.fi", language="en")
    auth.login("broker@example.fi")
    response = client.post(f"/streams/{stream.id}/legal-evidence/check")
    assert response.status_code == 400
    assert "No document is attached to check." in response.text
    assert count(app, LegalEvidenceCheck) == 0


def test_an_unstated_status_shows_as_unconfirmed(client, make, supplier):
    organisation, _user = supplier
    stream = make.stream(organisation, title="Slag", ewc_code="10 02 02")
    assert "Legal status unconfirmed" in client.get(f"/streams/{stream.id}", headers={"Accept-Language": "en"}).text


def test_the_guide_names_the_law_in_both_languages(client):
    english = client.get("/legal-status", headers={"Accept-Language": "en"}).text
    for words in ("Directive 2008/98/EC, Article 5", "Directive 2008/98/EC, Article 6",
                  "Waste Act 646/2011, section 5", "Further use is certain", "A market or demand exists",
                  "declaration of performance", "EN 13242"):
        assert words in english
    assert client.get("/legal-status", headers={"Accept-Language": "fi"}).status_code == 200


def test_the_form_shows_the_guide_and_the_evidence_field(client, auth, supplier):
    auth.login("supplier@example.fi")
    page = client.get("/streams/new").text
    assert 'enctype="multipart/form-data"' in page
    assert 'name="legal_evidence"' in page and "Further use is certain" in page
