"""The last decision behind a hazardous by-product cannot be removed."""
import hashlib
from pathlib import Path

import sqlalchemy as sa

from marketplace.db import db
from marketplace.models import Attachment

PDF = b"%PDF-1.4\n% decision\n%%EOF\n"


def test_the_only_evidence_of_a_hazardous_by_product_stays(app, make, client, auth):
    organisation = make.organisation(name="Vaarallinen Pöly Oy")
    owner = make.user(organisation)
    stream = make.stream(organisation, title="Filter dust", category="dust", ewc_code="10 02 07",
                         legal_status="by_product")
    digest = hashlib.sha256(PDF).hexdigest()
    path = Path(app.config["UPLOAD_DIR"]) / digest[:2] / digest[2:4] / digest
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(PDF)
    evidence = make._save(Attachment(sha256=digest, filename="decision.pdf", content_type="application/pdf",
                                     size_bytes=len(PDF), kind="legal_evidence", side_stream_id=stream.id,
                                     uploaded_by_id=owner.id))
    auth.login(owner.email)
    response = client.post(f"/attachments/{evidence.id}/delete")
    assert response.status_code == 400
    assert "hazardous entry" in response.text
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Attachment).where(
            Attachment.id == evidence.id)) == 1
