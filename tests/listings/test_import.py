"""Importing listings: all or nothing, every error by row and field, re-import updates."""
import copy
import io
import json

import pytest
import sqlalchemy as sa

from marketplace.db import db
from marketplace.listings import tabular
from marketplace.listings.importer import EXAMPLE, import_batch
from marketplace.models import MaterialNeed, Organisation, SideStream
from marketplace.spreadsheets import csv_file, xlsx_file

CONTRACT_EXAMPLE = json.loads(open("/work/shared/contract/example.json", encoding="utf-8").read()) \
    if __import__("os").path.exists("/work/shared/contract/example.json") else copy.deepcopy(EXAMPLE)


@pytest.fixture
def member(make):
    organisation = make.organisation(name="Example Steel Oy")
    make.user(organisation, email="importer@example.fi", language="en")
    return organisation


def _count(app, cls=SideStream):
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(cls))


def _upload(client, name, body: bytes):
    response = client.post("/listings/import", data={"file": (io.BytesIO(body), name)},
                           content_type="multipart/form-data")
    assert response.status_code == 302, response.text
    return client.get(response.headers["Location"])


def _batch():
    doc = copy.deepcopy(CONTRACT_EXAMPLE)
    for record in doc["side_streams"] + doc["needs"]:
        record.pop("organisation", None)
    return doc


def test_json_import_creates_and_reimport_updates(app, client, auth, member):
    auth.login("importer@example.fi")
    page = _upload(client, "batch.json", json.dumps(_batch()).encode())
    assert "3 side streams created, 0 updated; 2 needs created" in page.text
    assert _count(app) == 3 and _count(app, MaterialNeed) == 2
    doc = _batch()
    doc["side_streams"][0]["title"] = "Ferrochrome slag, renamed"
    page = _upload(client, "batch.json", json.dumps(doc).encode())
    assert "0 side streams created, 3 updated" in page.text
    assert _count(app) == 3
    with app.app_context():
        stream = db.session.scalar(sa.select(SideStream).where(SideStream.external_ref == "S1"))
        assert stream.title == "Ferrochrome slag, renamed" and stream.values_by_property["Cr"] == 40000


def test_one_bad_row_writes_nothing_and_every_error_is_reported(app, client, auth, member):
    auth.login("importer@example.fi")
    doc = _batch()
    doc["side_streams"][1]["composition"]["CaO"] = 135
    doc["side_streams"][2]["ewc_code"] = "99 99 99"
    doc["side_streams"][2]["trace"] = {"Cdd": 3}
    doc["needs"][0]["requirements"][0]["property"] = "SiO2+Al2O4"
    doc["needs"][1]["organisation"] = "Someone Else Oy"
    page = _upload(client, "batch.json", json.dumps(doc).encode())
    assert _count(app) == 0 and _count(app, MaterialNeed) == 0
    text = page.text
    assert "nothing was imported" in text
    for row, field, message in [
        ("side_streams[1] (S2)", "composition.CaO", "CaO must be between 0 and 100 wt%"),
        ("side_streams[2] (S3)", "ewc_code", "99 99 99 is not a code of the European List of Waste."),
        ("side_streams[2] (S3)", "composition.Cdd", "Unknown property Cdd. Did you mean Cd?"),
        ("needs[0] (N1)", "requirements[0].property", "Unknown property Al2O4"),
        ("needs[1] (N2)", "organisation", "only for your own organisation"),
    ]:
        assert row in text and field in text and message in text, (row, field, message)


def test_csv_import_reports_rows_and_fields(app, client, auth, member):
    auth.login("importer@example.fi")
    records = _batch()["side_streams"]
    header = tabular.stream_header()
    rows = [tabular.stream_row(r) for r in records]
    rows[1][header.index("category")] = "dregz"
    rows[2][header.index("quantity_t_per_year")] = "paljon"
    body = csv_file(header, rows)
    page = _upload(client, "streams.csv", body)
    assert _count(app) == 0
    assert "row 3" in page.text and "category" in page.text
    assert "row 4" in page.text and "paljon is not a number." in page.text


def test_xlsx_round_trip_with_semicolon_lists_and_requirements(app, client, auth, member):
    auth.login("importer@example.fi")
    doc = _batch()
    header, rows = tabular.need_header(3), [tabular.need_row(r, 3) for r in doc["needs"]]
    workbook = xlsx_file({"needs": (header, rows),
                          "side_streams": (tabular.stream_header(),
                                           [tabular.stream_row(r) for r in doc["side_streams"]])})
    page = _upload(client, "listings.xlsx", workbook)
    assert "3 side streams created" in page.text and "2 needs created" in page.text
    with app.app_context():
        need = db.session.scalar(sa.select(MaterialNeed).where(MaterialNeed.external_ref == "N1"))
        assert need.permitted_ewc_codes == ["10 01 02"] and need.accepts_waste is True
        assert [r.property for r in need.requirements] == ["SiO2+Al2O3", "amorphous_pct", "LOI"]


def test_export_of_own_listings_reimports_as_updates(app, client, auth, member, make):
    make.stream(member, title="Made on the site", values={"SiO2": 20.0})
    auth.login("importer@example.fi")
    exported = client.get("/streams/export.csv").data
    page = _upload(client, "export.csv", exported)
    assert "0 side streams created, 1 updated" in page.text
    assert _count(app) == 1


def test_templates_download_and_import(app, client, auth, member):
    for kind in ("side_streams", "needs"):
        for fmt in ("csv", "xlsx", "json"):
            response = client.get(f"/listings/import/template-{kind}.{fmt}")
            assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    auth.login("importer@example.fi")
    page = _upload(client, "t.csv", client.get("/listings/import/template-side_streams.csv").data)
    assert "1 side streams created" in page.text


def test_broker_imports_for_a_named_organisation(app, client, auth, make, member):
    make.user(None, role="broker", email="broker@example.fi", language="en")
    auth.login("broker@example.fi")
    doc = {"side_streams": [dict(_batch()["side_streams"][0], organisation="Example Steel Oy")]}
    assert "1 side streams created" in _upload(client, "b.json", json.dumps(doc).encode()).text
    doc = {"side_streams": [dict(_batch()["side_streams"][0], organisation="Nobody Oy")]}
    assert "No organisation called Nobody Oy" in _upload(client, "b.json", json.dumps(doc).encode()).text


def test_import_batch_for_the_demo_loader(ctx, session, make):
    organisation = make.organisation(name="Example Steel Oy")
    names = {"Example Steel Oy": organisation}

    def resolver(name):
        return session.get(Organisation, names[name or "Example Steel Oy"].id)

    report = import_batch(CONTRACT_EXAMPLE, None, resolver)
    assert report.ok and report.created == {"side_streams": 3, "needs": 2}
    again = import_batch(CONTRACT_EXAMPLE, None, resolver)
    assert again.updated == {"side_streams": 3, "needs": 2} and again.created["side_streams"] == 0
    statuses = session.scalars(sa.select(SideStream.status)).all()
    assert set(statuses) == {"active"}


def test_duplicate_ids_in_one_file_are_refused(ctx, session, make):
    organisation = make.organisation()
    doc = {"side_streams": [EXAMPLE["side_streams"][0], EXAMPLE["side_streams"][0]]}
    report = import_batch(doc, None, lambda name: session.get(Organisation, organisation.id))
    assert not report.ok and report.problems[0].field == "id" and report.problems[0].row == "side_streams[1]"


def test_large_import_shows_real_progress(app, client, auth, member, monkeypatch):
    """The job row counts the rows checked and written (run inline in tests)."""
    from marketplace.listings import jobs

    seen = []
    real = jobs.import_batch

    def spy(*args, **kwargs):
        progress = kwargs.get("progress")

        def record(phase, done, total):
            seen.append((phase, done, total))
            if progress:
                progress(phase, done, total)
        kwargs["progress"] = record
        return real(*args, **kwargs)

    monkeypatch.setattr(jobs, "import_batch", spy)
    base = _batch()["side_streams"][0]
    doc = {"side_streams": [dict(base, id=f"S{i}") for i in range(1200)]}
    auth.login("importer@example.fi")
    page = _upload(client, "big.json", json.dumps(doc).encode())
    assert "1200 side streams created" in page.text
    assert ("checking", 500, 1200) in seen and ("writing", 1000, 1200) in seen
    progress = client.get(page.request.path + ".json").json
    assert progress["finished"] and progress["ok"] and progress["done"] == 1200
