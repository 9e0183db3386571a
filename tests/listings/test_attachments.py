"""Documents of listings: type by content, size limit, served only to those shown details."""
import io

import pytest

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def listing(make):
    owner = make.organisation(name="Kuona Oy")
    make.user(owner, email="owner@example.fi", language="en")
    make.user(make.organisation(), email="verified@example.fi")
    make.user(make.organisation(verified=False), email="unverified@example.fi")
    return make.stream(owner, title="Slag with a certificate")


def _upload(client, listing, body, name="certificate.pdf", kind="lab_certificate"):
    return client.post(f"/streams/{listing.id}/attachments",
                       data={"file": (io.BytesIO(body), name), "kind": kind, "title": "XRF report"},
                       content_type="multipart/form-data")


def _attachment_url(client, listing):
    page = client.get(f"/streams/{listing.id}").text
    start = page.index("/attachments/")
    return page[start:page.index('"', start)]


def test_owner_attaches_a_pdf_and_verified_members_download_it(app, client, auth, listing):
    auth.login("owner@example.fi")
    assert _upload(client, listing, PDF).status_code == 302
    url = _attachment_url(client, listing)
    auth.logout()
    assert client.get(url).status_code == 404
    auth.login("unverified@example.fi")
    assert client.get(url).status_code == 404
    auth.logout()
    auth.login("verified@example.fi")
    response = client.get(url)
    assert response.status_code == 200 and response.data == PDF
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_stored_outside_static_by_content_hash(app, client, auth, listing):
    import hashlib
    from pathlib import Path

    auth.login("owner@example.fi")
    _upload(client, listing, PNG, name="photo.png", kind="other")
    digest = hashlib.sha256(PNG).hexdigest()
    stored = Path(app.config["UPLOAD_DIR"]) / digest[:2] / digest[2:4] / digest
    assert stored.read_bytes() == PNG
    assert not str(stored.resolve()).startswith(str(Path(app.static_folder).resolve()))


@pytest.mark.parametrize(("body", "name", "message"), [
    (b"MZ\x90\x00 not a pdf", "report.pdf", "Only PDF, PNG and JPEG files are accepted."),
    (b"<html><script>alert(1)</script>", "image.png", "Only PDF, PNG and JPEG files are accepted."),
    (b"", "empty.pdf", "The file is empty."),
    (b"%PDF-" + b"x" * 2048, "big.pdf", "The file is larger than"),
])
def test_bad_files_are_refused(app, client, auth, listing, body, name, message):
    app.config["MAX_UPLOAD_BYTES"] = 1024
    auth.login("owner@example.fi")
    response = _upload(client, listing, body, name=name)
    assert response.status_code == 400
    assert message in response.text


def test_only_owners_attach_and_remove(app, client, auth, listing):
    auth.login("verified@example.fi")
    assert _upload(client, listing, PDF).status_code == 403
    auth.logout()
    auth.login("owner@example.fi")
    _upload(client, listing, PDF)
    url = _attachment_url(client, listing)
    auth.logout()
    auth.login("verified@example.fi")
    assert client.post(url + "/delete").status_code == 403
    auth.logout()
    auth.login("owner@example.fi")
    assert client.post(url + "/delete").status_code == 302
    assert client.get(url).status_code == 404
