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


def test_db_upgrade_places_listings_hidden_before_the_rule_anew(app, make, monkeypatch):
    """Migration 5b0c7e2a9d41 gave hidden listings the centre of their grid cell; the
    owner's site stands on it here. ``sivuvirta db upgrade`` places them with the
    current rule (at least MIN_KM_FROM_OWNER_SITES from every place of the owner), and a
    second run changes nothing."""
    import sqlalchemy as sa

    from marketplace import cli, migrate
    from marketplace.db import db
    from marketplace.models import MaterialNeed, SideStream

    owner_org = make.organisation(name="Vanha Kuona Oy", lat=65.80, lon=24.20)
    stream = make.stream(owner_org, title="Old anonymous slag", visibility="anonymous", lat=65.7834, lon=24.1890)
    need = make.need(owner_org, title="Old brokered need", visibility="brokered", lat=65.7834, lon=24.1890)
    public = make.stream(owner_org, title="Public slag", lat=65.7834, lon=24.1890)
    with app.app_context():
        for cls in (SideStream, MaterialNeed):  # what the migration wrote
            db.session.execute(sa.update(cls).where(cls.visibility != "public").values(
                approx_lat=sa.func.round(cls.lat / 0.1) * 0.1, approx_lon=sa.func.round(cls.lon / 0.2) * 0.2,
                approx_radius_km=7))
        db.session.commit()
        old = db.session.get(SideStream, stream.id)
        assert great_circle_km(old.approx_lat, old.approx_lon, 65.80, 24.20) < 1
        db.session.remove()

    monkeypatch.setattr(migrate, "upgrade", lambda engine, revision: None)
    monkeypatch.setattr("marketplace.reference.sync_reference_data",
                        lambda session: {"codes": 0, "headings": 0})
    result = app.test_cli_runner().invoke(cli.db_cli, ["upgrade"])
    assert result.exit_code == 0, result.output
    assert "Hidden listings placed anew: 2." in result.output
    with app.app_context():
        for cls, listing_id in ((SideStream, stream.id), (MaterialNeed, need.id)):
            listing = db.session.get(cls, listing_id)
            for place in ((65.80, 24.20), (65.7834, 24.1890)):
                assert great_circle_km(listing.approx_lat, listing.approx_lon, *place) >= MIN_KM_FROM_OWNER_SITES
        assert db.session.get(SideStream, public.id).approx_lat is None
        db.session.remove()
    again = app.test_cli_runner().invoke(cli.db_cli, ["upgrade"])
    assert "Hidden listings placed anew: 0." in again.output
