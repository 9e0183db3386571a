"""Every bulk exit honours visibility: the map's GeoJSON and the CSV, XLSX and JSON exports."""
import csv
import io
import json

import pytest
from openpyxl import load_workbook

from marketplace.models.listing import great_circle_km
from marketplace.redaction import MIN_KM_FROM_OWNER_SITES


@pytest.fixture
def world(make):
    owner = make.organisation(name="Perämeren Kuona Oy")
    viewer_org = make.organisation(name="Ostaja Oy")
    make.user(owner, email="owner@example.fi")
    make.user(viewer_org, email="viewer@example.fi")
    values = {"SiO2": 30.0, "CaO": 41.234}
    make.stream(owner, title="Public slag", values=values, lat=65.78321, lon=24.17654)
    make.stream(owner, title="Anonymous slag", visibility="anonymous", values=values, lat=65.78321, lon=24.17654,
                place="Röyttä works")
    make.stream(owner, title="Brokered slag", visibility="brokered", values=values)
    return owner


def _geojson(client):
    response = client.get("/streams/map.geojson")
    assert response.status_code == 200
    assert response.mimetype == "application/geo+json"
    return {f["properties"]["title"]: f for f in response.json["features"]}


def test_geojson_hides_owner_and_exact_place_of_anonymous_listings(client, auth, world):
    auth.login("viewer@example.fi")
    features = _geojson(client)
    assert set(features) == {"Public slag", "Anonymous slag"}
    anonymous = features["Anonymous slag"]
    assert anonymous["properties"]["organisation"] is None and anonymous["properties"]["approximate"]
    lon, lat = anonymous["geometry"]["coordinates"]
    assert great_circle_km(lat, lon, 65.78321, 24.17654) >= MIN_KM_FROM_OWNER_SITES
    public = features["Public slag"]
    assert public["properties"]["organisation"] == "Perämeren Kuona Oy"
    assert public["geometry"]["coordinates"] == [24.17654, 65.78321]
    raw = client.get("/streams/map.geojson").text
    assert "24.17654" in raw.replace(" ", "") and raw.count("24.17654") == 1
    assert "Perämeren Kuona Oy".encode("unicode_escape").decode() not in raw.split('"Anonymous slag"')[0][-400:]


def test_owner_and_broker_see_everything_exactly(client, auth, make, world):
    auth.login("owner@example.fi")
    features = _geojson(client)
    assert set(features) == {"Public slag", "Anonymous slag", "Brokered slag"}
    assert features["Anonymous slag"]["geometry"]["coordinates"] == [24.17654, 65.78321]


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx", "geojson"])
def test_exports_honour_visibility(client, auth, world, fmt):
    auth.login("viewer@example.fi")
    response = client.get(f"/streams/export.{fmt}")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    if fmt == "xlsx":
        sheet = load_workbook(io.BytesIO(response.data)).active
        rows = list(sheet.iter_rows(values_only=True))
        header, body = rows[0], rows[1:]
        text = json.dumps([list(r) for r in rows], default=str, ensure_ascii=False)
        records = [dict(zip(header, r)) for r in body]
    elif fmt == "csv":
        text = response.data.decode("utf-8-sig")
        records = list(csv.DictReader(io.StringIO(text)))
    else:
        text = response.data.decode()
        records = None
    assert "Brokered slag" not in text
    assert "Röyttä works" not in text
    assert text.count("Perämeren Kuona Oy") == 1
    assert "24.17654" in text and text.count("24.17654") == 1
    if records is not None:
        anonymous = [r for r in records if r["title"] == "Anonymous slag"][0]
        assert anonymous["organisation"] in ("", None)
        assert great_circle_km(float(anonymous["lat"]), float(anonymous["lon"]), 65.78321, 24.17654) >= 5
        assert anonymous["id"].startswith("L-")
        assert float(anonymous["composition.CaO"]) == 41.234


def test_export_leaves_out_values_for_visitors_without_details(client, world):
    document = client.get("/streams/export.json").json
    titles = {r["title"]: r for r in document["side_streams"]}
    assert set(titles) == {"Public slag", "Anonymous slag"}
    assert "composition" not in titles["Public slag"]
    assert "organisation" not in titles["Anonymous slag"]
    location = titles["Anonymous slag"]["location"]
    assert set(location) == {"lat", "lon"}
    assert great_circle_km(location["lat"], location["lon"], 65.78321, 24.17654) >= MIN_KM_FROM_OWNER_SITES


def test_exported_json_is_valid_against_the_contract(client, auth, world):
    from matching.contract import check_batch

    auth.login("owner@example.fi")
    assert check_batch(client.get("/streams/export.json").json) == []
    assert check_batch(client.get("/needs/export.json").json) == []
