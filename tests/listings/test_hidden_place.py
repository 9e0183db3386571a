"""An anonymous listing's exact place cannot be narrowed down by searching: radius
searches, distance sorting and map frames use its approximate place for other visitors."""
from __future__ import annotations

from marketplace.models.listing import great_circle_km
from marketplace.redaction import MIN_KM_FROM_OWNER_SITES

EXACT = (65.7834, 24.1890)


def setup(make):
    owner_org = make.organisation(name="Salainen Kuona Oy")
    stream = make.stream(owner_org, title="Anonymous ferrochrome slag", visibility="anonymous",
                         lat=EXACT[0], lon=EXACT[1], values={"CaO": 2.0})
    owner = make.user(owner_org)
    other = make.user(make.organisation(name="Utelias Ostaja Oy"))
    return stream, owner, other


def found(client, user, **query):
    client.post("/auth/login", data={"email": user.email, "password": "correct horse battery staple"})
    response = client.get("/streams/map.geojson", query_string=query)
    assert response.status_code == 200
    return [f["properties"]["title"] for f in response.json["features"]]


def shown_place(client, user, title) -> tuple[float, float]:
    client.post("/auth/login", data={"email": user.email, "password": "correct horse battery staple"})
    [(lon, lat)] = [f["geometry"]["coordinates"] for f in client.get("/streams/map.geojson").json["features"]
                    if f["properties"]["title"] == title]
    return lat, lon


def test_a_small_radius_around_the_exact_place_does_not_find_it(app, make):
    stream, owner, other = setup(make)
    near = f"{EXACT[0]},{EXACT[1]}"
    shown = great_circle_km(*EXACT, *shown_place(app.test_client(), other, stream.title))
    assert shown >= MIN_KM_FROM_OWNER_SITES
    assert stream.title in found(app.test_client(), owner, near=near, km=1)
    assert stream.title not in found(app.test_client(), other, near=near, km=shown - 1)
    assert stream.title in found(app.test_client(), other, near=near, km=shown + 1)


def test_a_map_frame_around_the_exact_place_does_not_find_it(app, make):
    stream, owner, other = setup(make)
    frame = f"{EXACT[1] - 0.01},{EXACT[0] - 0.01},{EXACT[1] + 0.01},{EXACT[0] + 0.01}"
    assert stream.title in found(app.test_client(), owner, bbox=frame)
    assert stream.title not in found(app.test_client(), other, bbox=frame)
    lat, lon = shown_place(app.test_client(), other, stream.title)
    around_approximate = f"{lon - 0.01},{lat - 0.01},{lon + 0.01},{lat + 0.01}"
    assert stream.title in found(app.test_client(), other, bbox=around_approximate)
