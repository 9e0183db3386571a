"""One writer for listings: the form, the API and the import (JSON and GeoJSON files) go
through listings.services, so the same record is refused on every path with the same field
and message, the after-save hooks fire once per save, and a bad import writes nothing."""
from __future__ import annotations

import contextlib
import html
import io
import json
import re

import pytest
import sqlalchemy as sa

from marketplace import signals
from marketplace.db import db
from marketplace.models import ImportJob, MaterialNeed, SideStream
from tests.api.conftest import bearer, issue  # noqa: F401 - the fixture
from tests.listings.conftest import stream_form

RECORD = {
    "id": "FD-1", "title": "Filter dust", "category": "dust", "ewc_code": "10 02 02",
    "legal_status": "by_product", "composition": {"SiO2": 30.5, "CaO": 42.1},
    "location": {"lat": 65.78, "lon": 24.17, "place": "Tornio"},
}
HAZARDOUS_BY_PRODUCT = (
    "10 02 07* is a hazardous entry: to declare it a by-product, end-of-waste or a product, give the "
    "reference of the authority's decision or the declaration of performance, or attach the document.")

# (changes to the record, field, message): the rules of records.stream_problems.
REFUSALS = [
    ({"ewc_code": "10 02 07*", "hazardous_properties": ["HP7"], "legal_status": "by_product"},
     "legal_status", HAZARDOUS_BY_PRODUCT),
    ({"ewc_code": "10 02 07*", "hazardous_properties": ["HP7"], "legal_status": "end_of_waste"},
     "legal_status", HAZARDOUS_BY_PRODUCT),
    ({"ewc_code": "10 02 07*", "legal_status": "waste"}, "hazardous_properties",
     "10 02 07* is a hazardous entry: give its hazardous properties (HP1 to HP15) or describe the assessment."),
    ({"ewc_code": "10 02 07", "hazardous_properties": ["HP7"], "legal_status": "waste"}, "ewc_code",
     "10 02 07 is a hazardous entry: write it 10 02 07*."),
    ({"ewc_code": "10 02 02*"}, "ewc_code", "10 02 02 is not a hazardous entry: leave out the *."),
]
PATHS = ["form", "api", "api-import", "import", "geojson"]


@pytest.fixture
def producer(make):
    organisation = make.organisation(name="Perämeren Kuona Oy", lat=65.78, lon=24.17, place="Tornio")
    user = make.user(organisation, email="producer@example.fi", language="en")
    return organisation, user


def _form_data(changes: dict) -> dict:
    data = stream_form(category="dust", ewc_code=changes.get("ewc_code", "10 02 02"),
                       legal_status=changes.get("legal_status", "by_product"))
    if changes.get("hazardous_properties"):
        data["hazardous_properties"] = changes["hazardous_properties"]
    if changes.get("legal_status_evidence"):
        data["legal_status_evidence"] = changes["legal_status_evidence"]
    return data


def _feature_collection(records: list[dict]) -> dict:
    features = []
    for record in records:
        properties = {k: v for k, v in record.items() if k != "location"}
        location = record["location"]
        properties["place"] = location.get("place")
        features.append({"type": "Feature", "properties": properties,
                         "geometry": {"type": "Point", "coordinates": [location["lon"], location["lat"]]}})
    return {"type": "FeatureCollection", "features": features}


def _import_file(client, name: str, doc: dict):
    response = client.post("/listings/import", data={"file": (io.BytesIO(json.dumps(doc).encode()), name)},
                           content_type="multipart/form-data")
    assert response.status_code in (302, 400), response.text
    return response


def _job_problems(app) -> list[dict]:
    with app.app_context():
        job = db.session.scalar(sa.select(ImportJob).order_by(ImportJob.id.desc()))
        return job.report["problems"]


def _refusals(app, client, auth, issue, user, path: str, record: dict) -> set[tuple[str, str]]:
    """(field, message) of every problem the path reports for ``record`` (the form: every
    message shown under a field)."""
    if path in ("api", "api-import"):
        if path == "api":
            response = client.post("/api/v1/side-streams", json=record, headers=bearer(issue(user)))
        else:
            response = client.post("/api/v1/import", json={"side_streams": [record]}, headers=bearer(issue(user)))
        assert response.status_code == 400, response.get_json()
        return {(e["field"], e["message"]) for e in response.get_json()["errors"]}
    auth.login(user.email)
    if path == "form":
        response = client.post("/streams/new", data=_form_data(record))
        assert response.status_code == 400
        return {(field, html.unescape(message)) for field, message
                in re.findall(r'<p class="error" id="([\w-]+)-error">(.*?)</p>', response.text)}
    if path == "import":
        _import_file(client, "batch.json", {"side_streams": [record]})
    else:
        _import_file(client, "batch.geojson", _feature_collection([record]))
    return {(p["field"], p["message"]) for p in _job_problems(app)}


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("changes, field, message", REFUSALS)
def test_every_path_refuses_a_record_with_the_same_field_and_message(
        app, client, auth, issue, producer, path, changes, field, message):
    _organisation, user = producer
    found = _refusals(app, client, auth, issue, user, path, {**RECORD, **changes})
    assert (field, message) in found, found
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SideStream)) == 0


@pytest.mark.parametrize("path", ["form", "api", "import"])
def test_a_reference_of_the_decision_meets_the_evidence_rule_on_every_path(
        app, client, auth, issue, producer, path):
    _organisation, user = producer
    record = {**RECORD, "ewc_code": "10 02 07*", "hazardous_properties": ["HP7"],
              "legal_status_evidence": "Lapin ELY-keskus, ratkaisu LAPELY/123/2024, 2024-05-02"}
    if path == "api":
        response = client.post("/api/v1/side-streams", json=record, headers=bearer(issue(user)))
        assert response.status_code == 201, response.get_json()
    elif path == "form":
        auth.login(user.email)
        assert client.post("/streams/new", data=_form_data(record)).status_code == 302
    else:
        auth.login(user.email)
        _import_file(client, "batch.json", {"side_streams": [record]})
        assert _job_problems(app) == []
    with app.app_context():
        stream = db.session.scalar(sa.select(SideStream))
        assert stream.legal_status_evidence == record["legal_status_evidence"]
        assert stream.hazardous_properties == ["HP7"] and stream.is_hazardous


# -- the after-save hooks ------------------------------------------------------------

@contextlib.contextmanager
def recorded():
    """Every send of the listings' signals: (signal name, kinds and count of listings)."""
    calls = []

    def receiver(name):
        def receive(sender, listings, **extra):
            calls.append((name, len(listings)))
        return receive

    receivers = {name: receiver(name) for name in ("published", "saved", "closed", "renewed")}
    with contextlib.ExitStack() as stack:
        for name, function in receivers.items():
            stack.enter_context(getattr(signals, f"listings_{name}").connected_to(function))
        yield calls


def test_the_form_fires_the_hooks_once_per_save(client, auth, producer):
    auth.login("producer@example.fi")
    with recorded() as calls:
        assert client.post("/streams/new", data=stream_form()).status_code == 302
    assert calls == [("published", 1), ("saved", 1)]
    with recorded() as calls:
        assert client.post("/streams/new", data=stream_form(action="save")).status_code == 302
    assert calls == [("saved", 1)]


def test_the_api_fires_the_hooks_once_per_save(app, client, issue, producer):
    secret = issue(producer[1])
    with recorded() as calls:
        response = client.post("/api/v1/side-streams", json=RECORD, headers=bearer(secret))
    assert response.status_code == 201
    assert calls == [("published", 1), ("saved", 1)]
    listing_id = response.get_json()["id"]
    with recorded() as calls:
        response = client.patch(f"/api/v1/side-streams/{listing_id}", json={"title": "Filter dust, dry"},
                                headers=bearer(secret))
    assert response.status_code == 200, response.get_json()
    assert calls == [("saved", 1)]
    with recorded() as calls:
        assert client.post(f"/api/v1/side-streams/{listing_id}/close", headers=bearer(secret)).status_code == 200
    assert calls == [("closed", 1)]


def test_an_import_fires_each_hook_once_for_all_its_listings(app, client, auth, producer):
    auth.login("producer@example.fi")
    streams = [{**RECORD, "id": f"FD-{n}"} for n in range(3)]
    need = {"id": "N-1", "title": "Binder", "application": "mine_backfill",
            "location": {"lat": 67.9, "lon": 25.0}}
    with recorded() as calls:
        _import_file(client, "batch.json", {"side_streams": streams, "needs": [need]})
    assert _job_problems(app) == []
    assert calls == [("published", 4), ("saved", 4)]
    with recorded() as calls:
        _import_file(client, "batch.json", {"side_streams": streams})  # updates: no new period
    assert calls == [("saved", 3)]


def test_an_import_starts_the_publication_period_and_ranks_matches(app, client, auth, producer):
    auth.login("producer@example.fi")
    need = {"id": "N-1", "title": "Binder", "application": "geopolymer_binder",
            "requirements": [{"property": "SiO2", "min": 20}], "location": {"lat": 65.9, "lon": 24.5}}
    _import_file(client, "batch.json", {"side_streams": [RECORD], "needs": [need]})
    assert _job_problems(app) == []
    with app.app_context():
        stream = db.session.scalar(sa.select(SideStream))
        assert stream.published_until is not None
        from marketplace.models import Match

        assert db.session.scalar(sa.select(sa.func.count()).select_from(Match)) >= 1


# -- GeoJSON import -----------------------------------------------------------------------

def test_a_geojson_feature_collection_imports_points_as_locations(app, client, auth, producer):
    auth.login("producer@example.fi")
    need = {"id": "N-1", "title": "Backfill binder", "application": "mine_backfill",
            "location": {"lat": 67.9, "lon": 25.0, "place": "Kittilä"}}
    _import_file(client, "listings.geojson", _feature_collection([RECORD, need]))
    assert _job_problems(app) == []
    with app.app_context():
        stream = db.session.scalar(sa.select(SideStream))
        assert (stream.external_ref, stream.lat, stream.lon, stream.place) == ("FD-1", 65.78, 24.17, "Tornio")
        need_row = db.session.scalar(sa.select(MaterialNeed))
        assert (need_row.application, need_row.lat, need_row.lon) == ("mine_backfill", 67.9, 25.0)


@pytest.mark.parametrize("feature, field", [
    ({"type": "Feature", "properties": {**RECORD}, "geometry": {"type": "LineString", "coordinates": [[1, 2], [3, 4]]}},
     "geometry"),
    ({"type": "Feature", "properties": {**RECORD}, "geometry": None}, "geometry"),
    ({"type": "Feature", "properties": None, "geometry": {"type": "Point", "coordinates": [24.1, 65.7]}},
     "properties"),
    ({"type": "Feature", "properties": {**RECORD, "category": "plastic"},
      "geometry": {"type": "Point", "coordinates": [24.1, 65.7]}}, "category"),
    ({"type": "Feature", "properties": {**RECORD}, "geometry": {"type": "Point", "coordinates": [24.1, 95.0]}},
     "location.lat"),
])
def test_a_bad_feature_is_named_by_index_and_field_and_nothing_is_written(
        app, client, auth, producer, feature, field):
    auth.login("producer@example.fi")
    good = _feature_collection([{**RECORD, "id": "FD-0"}])["features"][0]
    bad = {**feature, "properties": {**feature["properties"], "id": "FD-9"} if feature["properties"] else None}
    _import_file(client, "listings.geojson", {"type": "FeatureCollection", "features": [good, bad]})
    problems = _job_problems(app)
    assert any(p["row"].startswith("feature 1") and p["field"] == field for p in problems), problems
    assert not any(p["row"].startswith("feature 0") for p in problems), problems
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SideStream)) == 0


def test_the_life_cycle_pages_fire_the_hooks_once(app, client, auth, producer):
    auth.login("producer@example.fi")
    assert client.post("/streams/new", data=stream_form()).status_code == 302
    with app.app_context():
        stream_id = db.session.scalar(sa.select(SideStream.id))
    with recorded() as calls:
        assert client.post(f"/lifecycle/streams/{stream_id}/renew", data={"months": "3"}).status_code == 302
    assert calls == [("renewed", 1)]
    with recorded() as calls:
        assert client.post(f"/lifecycle/streams/{stream_id}/close", data={"reason": "sold"}).status_code == 302
    assert calls == [("closed", 1)]
    with recorded() as calls:
        assert client.post(f"/streams/{stream_id}/reopen").status_code == 302
    assert calls == [("published", 1), ("saved", 1)]


def test_the_form_drops_hazard_fields_left_ticked_for_a_code_that_is_not_hazardous(app, client, auth, producer):
    auth.login("producer@example.fi")
    data = _form_data({"ewc_code": "10 02 02", "legal_status": "by_product", "hazardous_properties": ["HP7"]})
    data["hazard_note"] = "Assessed for the previous code."
    assert client.post("/streams/new", data=data).status_code == 302
    with app.app_context():
        stream = db.session.scalar(sa.select(SideStream))
        assert (stream.hazardous_properties, stream.hazard_note) == ([], "")
