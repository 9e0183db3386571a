"""The fields contract 1.1 added, stored and given back: through the API, the JSON and CSV
exports and their re-import, and the detail page ("< 0.5" for a value below the detection
limit)."""
from __future__ import annotations

import csv
import io
import json

import pytest
import sqlalchemy as sa

from marketplace.db import db
from marketplace.models import MaterialNeed, SideStream
from tests.api.conftest import bearer, issue  # noqa: F401 - the fixture

STREAM = {
    "id": "GGBS-1", "title": "Granulated blast-furnace slag", "category": "slag", "ewc_code": "10 02 02",
    "legal_status": "by_product", "material_type": "ggbs",
    "legal_status_evidence": "Lapin ELY-keskus, ratkaisu LAPELY/123/2024, 2024-05-02",
    "hazardous_properties": ["HP14"],
    "sources": [{"kind": "lab_analysis", "reference": "Report 2024-117, Labtium", "method": "EN 12457-2",
                 "date": "2024-03-01", "properties": ["CaO", "leach:Cr"]}],
    "composition": {"SiO2": 35.0, "CaO": 40.0},
    "leaching": {"leach:Cr": 0.02},
    "below_detection": {"CrVI": 0.5, "leach:Cd": 0.002},
    "location": {"lat": 65.78, "lon": 24.17, "place": "Tornio"},
    "visibility": "public",
}
NEED = {
    "id": "N-STAB", "title": "Binder for mass stabilisation of clay", "application": "mass_stabilisation",
    "visibility": "anonymous",
    "context": {"land_use": "industrial_site", "regime": "mara_notification", "structure": "covered",
                "structure_use": "field", "groundwater_area": False},
    "requirements": [{"property": "CaO", "min": 30}],
    "location": {"lat": 65.01, "lon": 25.47, "place": "Oulu"},
}
NEW_FIELDS = ("material_type", "legal_status_evidence", "hazardous_properties", "sources", "below_detection",
              "composition", "leaching")


@pytest.fixture
def producer(make):
    organisation = make.organisation(name="Perämeren Kuona Oy", lat=65.78, lon=24.17, place="Tornio")
    user = make.user(organisation, email="producer@example.fi", language="en")
    return organisation, user


def test_the_api_stores_and_returns_the_new_fields(client, issue, producer):
    secret = issue(producer[1])
    response = client.post("/api/v1/side-streams", json=STREAM, headers=bearer(secret))
    assert response.status_code == 201, response.get_json()
    body = client.get(response.headers["Location"], headers=bearer(secret)).get_json()
    assert {k: body.get(k) for k in NEW_FIELDS} == {k: STREAM[k] for k in NEW_FIELDS}
    response = client.post("/api/v1/needs", json=NEED, headers=bearer(secret))
    assert response.status_code == 201, response.get_json()
    body = client.get(response.headers["Location"], headers=bearer(secret)).get_json()
    assert (body["application"], body["visibility"], body["context"]) == (
        "mass_stabilisation", "anonymous", NEED["context"])


def test_a_patch_keeps_what_it_does_not_name(client, issue, producer):
    secret = issue(producer[1])
    created = client.post("/api/v1/side-streams", json=STREAM, headers=bearer(secret)).get_json()
    response = client.patch(f"/api/v1/side-streams/{created['id']}", json={"title": "GGBS, ground"},
                            headers=bearer(secret))
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["title"] == "GGBS, ground"
    assert {k: body.get(k) for k in NEW_FIELDS} == {k: STREAM[k] for k in NEW_FIELDS}


@pytest.mark.parametrize("change, field, message", [
    ({"material_type": "moon_rock"}, "material_type",
     "moon_rock is not a material type of the contract's list (material-types.json)."),
    ({"below_detection": {"SiO2": 0.1}}, "below_detection.SiO2",
     "SiO2 has a measured value and is also reported below the detection limit: give one of them."),
])
def test_bad_new_fields_are_refused_by_the_api_and_the_import_alike(app, client, auth, issue, producer,
                                                                   change, field, message):
    record = {**STREAM, **change}
    response = client.post("/api/v1/side-streams", json=record, headers=bearer(issue(producer[1])))
    assert response.status_code == 400
    assert {"field": field, "message": message} in [
        {"field": e["field"], "message": e["message"]} for e in response.get_json()["errors"]]
    response = client.post("/api/v1/import", json={"side_streams": [record]}, headers=bearer(issue(producer[1])))
    assert response.status_code == 400
    assert (field, message) in {(e["field"], e["message"]) for e in response.get_json()["errors"]}
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SideStream)) == 0


def _import(client, name: str, body: bytes):
    response = client.post("/listings/import", data={"file": (io.BytesIO(body), name)},
                           content_type="multipart/form-data")
    assert response.status_code == 302, response.text
    return client.get(response.headers["Location"])


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_an_export_reimports_to_the_same_listings(app, client, auth, producer, fmt):
    auth.login("producer@example.fi")
    page = _import(client, "batch.json", json.dumps({"side_streams": [STREAM], "needs": [NEED]}).encode())
    assert "1 side streams created" in page.text, page.text
    exported = {kind: client.get(f"/{kind}/export.{fmt}?q=") for kind in ("streams", "needs")}
    assert all(r.status_code == 200 for r in exported.values())
    with app.app_context():
        db.session.execute(sa.update(SideStream).values(material_type=None, sources=None))
        db.session.execute(sa.update(MaterialNeed).values(context=None))
        db.session.commit()
    for kind, response in exported.items():
        page = _import(client, f"{kind}.{fmt}", response.data)
        assert "updated" in page.text and "problems" not in page.text.lower(), page.text
    with app.app_context():
        stream = db.session.scalar(sa.select(SideStream))
        need = db.session.scalar(sa.select(MaterialNeed))
        assert stream.material_type == "ggbs" and stream.hazardous_properties == ["HP14"]
        assert stream.legal_status_evidence == STREAM["legal_status_evidence"]
        rows = {v.property: (v.value, v.below_detection) for v in stream.values}
        assert rows["CrVI"] == (0.5, True) and rows["leach:Cd"] == (0.002, True) and rows["CaO"] == (40.0, False)
        assert (need.application, need.visibility, need.context) == ("mass_stabilisation", "anonymous",
                                                                     NEED["context"])
        if fmt == "json":
            assert stream.sources == STREAM["sources"]


def test_the_csv_writes_a_value_below_the_detection_limit_with_its_sign(client, auth, producer):
    auth.login("producer@example.fi")
    _import(client, "batch.json", json.dumps({"side_streams": [STREAM]}).encode())
    rows = list(csv.DictReader(io.StringIO(client.get("/streams/export.csv").data.decode("utf-8-sig"))))
    assert rows[0]["trace.CrVI"] == "<0.5" and rows[0]["composition.CaO"] == "40"
    assert rows[0]["hazardous_properties"] == "HP14" and rows[0]["material_type"] == "ggbs"


def test_the_page_shows_a_value_below_the_detection_limit_as_less_than(app, client, auth, producer):
    auth.login("producer@example.fi")
    _import(client, "batch.json", json.dumps({"side_streams": [STREAM]}).encode())
    with app.app_context():
        stream_id = db.session.scalar(sa.select(SideStream.id))
    page = client.get(f"/streams/{stream_id}").text
    assert "&lt; </span>0.5" in page
    assert "Granulated blast-furnace slag (ground or unground)" in page  # the material type's name
    form = client.get(f"/streams/{stream_id}/edit").text
    assert 'value="&lt; 0.5"' in form  # an edit keeps the flag


def test_the_form_reads_a_less_than_value_as_below_the_detection_limit(app, client, auth, producer):
    from tests.listings.conftest import stream_form

    auth.login("producer@example.fi")
    response = client.post("/streams/new", data=stream_form(**{"values-3-property": "Cd", "values-3-value": "< 0,2",
                                                                "values-3-unit": "mg/kg"}))
    assert response.status_code == 302, response.text
    with app.app_context():
        stream = db.session.scalar(sa.select(SideStream))
        assert {v.property: (v.value, v.below_detection) for v in stream.values}["Cd"] == (0.2, True)


def test_the_forms_carry_the_contract_1_1_fields_through_an_edit(app, client, auth, issue, producer):
    """The edit forms show material type, sources and context: saved as shown, they stay."""
    from tests.listings.conftest import form_fields

    secret = issue(producer[1])
    stream_id = client.post("/api/v1/side-streams", json=STREAM, headers=bearer(secret)).get_json()["id"]
    need_id = client.post("/api/v1/needs", json=NEED, headers=bearer(secret)).get_json()["id"]
    auth.login("producer@example.fi")
    for path in (f"/streams/{stream_id}/edit", f"/needs/{need_id}/edit"):
        data = form_fields(client.get(path).get_data(as_text=True))
        data.update(title="Edited in the form", action="")
        response = client.post(path, data=data)
        assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        stream = db.session.get(SideStream, int(stream_id))
        need = db.session.get(MaterialNeed, int(need_id))
        assert (stream.title, stream.material_type, stream.sources) == (
            "Edited in the form", "ggbs", STREAM["sources"])
        assert (need.title, need.context) == ("Edited in the form", NEED["context"])
