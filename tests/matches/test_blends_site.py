"""Blends in the site: computed at refresh and stored, shown on the need's matches page
and the broker's dashboard through the redaction, opened as deals with each seller, and
returned by the API."""
from __future__ import annotations

import sqlalchemy as sa

from marketplace import redaction
from marketplace.db import db
from marketplace.matches import services
from marketplace.models import Blend, BlendPart, Deal, MaterialNeed, User

GGBS = {"CaO": 38.0, "SiO2": 35.0, "Al2O3": 10.0, "MgO": 10.0, "amorphous_pct": 95.0, "d50_mm": 0.012}
ASH = {"CaO": 4.0, "SiO2": 52.0, "Al2O3": 25.0, "LOI": 3.0, "amorphous_pct": 72.0, "d50_mm": 0.02}


def setup_blend(make, slag_visibility="public"):
    steel = make.organisation(name="Raahen Terästesti Oy", place="Raahe", lat=64.68, lon=24.48)
    power = make.organisation(name="Oulun Voimatesti Oy", place="Oulu", lat=65.01, lon=25.47)
    buyer = make.organisation(name="Geopolymeeritesti Oy", place="Oulu", lat=65.0, lon=25.5)
    broker = make.user(role="broker", email="broker-blend@example.fi")
    member = make.user(buyer, email="buyer-blend@example.fi")
    slag = make.stream(steel, title="Masuunihiekka, jauhettu", category="slag", values=GGBS, lat=64.68,
                       lon=24.48, ewc_code="10 02 02", material_type="ggbs", price_eur_per_t=35.0,
                       quantity_t_per_year=300000, visibility=slag_visibility)
    ash = make.stream(power, title="Kivihiilen lentotuhka", category="ash", values=ASH, lat=65.01, lon=25.47,
                      ewc_code="10 01 02", material_type="coal_fly_ash", price_eur_per_t=8.0,
                      quantity_t_per_year=60000)
    need = make.need(buyer, title="Geopolymeerisideaineen raaka-aine", application="geopolymer_binder",
                     requirements=[{"property": "CaO", "min": 15, "max": 30}], lat=65.0, lon=25.5,
                     max_distance_km=300, quantity_t_per_year=20000)
    return broker, member, slag, ash, need


def refresh(app):
    with app.app_context():
        services.refresh_all(db.session)
        db.session.commit()


def test_refresh_stores_the_blend_with_its_parts(app, make):
    _, _, slag, ash, need = setup_blend(make)
    refresh(app)
    with app.app_context():
        blend = db.session.scalar(sa.select(Blend).where(Blend.need_id == need.id, Blend.position == 0))
        assert blend is not None and blend.part_count == 2
        shares = {p.side_stream_id: p.share for p in blend.parts}
        assert set(shares) == {slag.id, ash.id}
        assert 0.3 <= shares[slag.id] <= 0.7
        assert blend.mixture == "aam-ggbs-fly-ash"


def test_a_closed_stream_takes_its_blends_with_it(app, make):
    _, _, slag, ash, need = setup_blend(make)
    refresh(app)
    with app.app_context():
        from marketplace.models import SideStream

        row = db.session.get(SideStream, slag.id)
        row.status = "closed"
        db.session.flush()
        services.refresh_for_stream(db.session, row)
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(BlendPart)
                                 .where(BlendPart.side_stream_id == slag.id)) == 0


def test_need_page_and_dashboard_show_the_blend(app, make, client, auth):
    broker, member, slag, ash, need = setup_blend(make)
    refresh(app)
    auth.login(member.email)
    page = client.get(f"/matches/needs/{need.id}").get_data(as_text=True)
    assert "Blends" in page and "Masuunihiekka, jauhettu" in page and "Kivihiilen lentotuhka" in page
    assert "adds CaO: 38 wt% vs 4 wt%" in page
    assert "Open deals with the sellers" not in page       # brokers only
    auth.logout()
    auth.login(broker.email)
    page = client.get(f"/matches/needs/{need.id}").get_data(as_text=True)
    assert "Open deals with the sellers of this blend" in page
    dash = client.get("/dashboard/").get_data(as_text=True)
    assert "Blends for needs" in dash and "Geopolymeerisideaineen raaka-aine" in dash


def test_hidden_streams_distance_and_cost_stay_rounded(app, make):
    _, member, slag, ash, need = setup_blend(make, slag_visibility="anonymous")
    refresh(app)
    with app.app_context():
        viewer = db.session.get(User, member.id)
        views = services.blends_for_need(db.session, db.session.get(MaterialNeed, need.id), viewer)
        assert views
        part = next(p for p in views[0].parts if p.stream.id == slag.id)
        assert part.organisation_name is None
        assert part.transport.road_km % redaction.HIDDEN_DISTANCE_STEP_KM == 0
        assert part.part.road_km % redaction.HIDDEN_DISTANCE_STEP_KM != 0   # the stored one is exact
        exact = sum(p.part.share * ((p.part.price_eur_per_t or 0) + p.part.transport_cost_eur_per_t)
                    for p in views[0].parts)
        assert abs(views[0].cost_eur_per_t - exact) > 1e-9 or part.part.road_km == part.transport.road_km
        texts = " ".join(t for t, _ in views[0].reasons)
        assert "haulage" not in texts and "Raahen" not in texts


def test_a_broker_opens_a_deal_with_each_seller(app, make, client, auth):
    broker, _, slag, ash, need = setup_blend(make)
    refresh(app)
    with app.app_context():
        blend_id = db.session.scalar(sa.select(Blend.id).where(Blend.need_id == need.id, Blend.position == 0))
    auth.login(broker.email)
    response = client.post(f"/matches/blends/{blend_id}/deals")
    assert response.status_code == 302
    with app.app_context():
        deals = db.session.scalars(sa.select(Deal).where(Deal.need_id == need.id)).all()
        assert {d.side_stream_id for d in deals} == {slag.id, ash.id}
        assert all("blend" in d.note for d in deals)
        assert sum(d.tonnes_per_year for d in deals) == 20000


def test_the_api_returns_the_blends(app, make, client, auth):
    _, member, slag, ash, need = setup_blend(make)
    refresh(app)
    auth.login(member.email)
    body = client.get(f"/api/v1/needs/{need.id}/blends").get_json()
    item = body["items"][0]
    assert {c["stream_id"] for c in item["components"]} == {str(slag.id), str(ash.id)}
    assert item["documented_mixture"] == "aam-ggbs-fly-ash" and item["binding"]
    assert abs(sum(c["share"] for c in item["components"]) - 1) < 1e-3
