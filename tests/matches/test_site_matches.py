"""The site's matches: ranked from the database's listings, stored, refreshed on change,
and shown to each reader only as far as the listings' visibility allows."""
from __future__ import annotations

import sqlalchemy as sa

from marketplace import redaction
from marketplace.db import db
from marketplace.matches import services
from marketplace.models import Match, MaterialNeed, SideStream

FLY_ASH = {"SiO2": 45.0, "Al2O3": 20.0, "Fe2O3": 8.0, "CaO": 10.0, "LOI": 4.0, "amorphous_pct": 70.0}
GEOPOLYMER = [{"property": "SiO2+Al2O3", "min": 50}, {"property": "LOI", "max": 7}]


def setup_pair(make, visibility="public", verified_supplier=True):
    supplier = make.organisation(name="Oulun Energia Testi Oy", verified=verified_supplier,
                                 place="Oulu", lat=65.01, lon=25.47)
    buyer = make.organisation(name="Kittilän Kaivos Testi Oy", place="Kittilä", lat=67.9, lon=25.0)
    stream = make.stream(supplier, title="Coal and peat fly ash", category="ash",
                         values=FLY_ASH, lat=65.01, lon=25.47, visibility=visibility,
                         ewc_code="10 01 02", quantity_t_per_year=30000)
    need = make.need(buyer, title="Aluminosilicate precursor for a geopolymer cover",
                     requirements=GEOPOLYMER, lat=67.9, lon=25.0, max_distance_km=500,
                     quantity_t_per_year=5000)
    return supplier, buyer, stream, need


def refresh(app):
    with app.app_context():
        kept = services.refresh_all(db.session)
        db.session.commit()
    return kept


def test_refresh_all_stores_the_feasible_pairing_with_reasons(app, make):
    _, _, stream, need = setup_pair(make)
    assert refresh(app) >= 1
    with app.app_context():
        match = db.session.scalar(sa.select(Match).where(Match.side_stream_id == stream.id,
                                                         Match.need_id == need.id))
        assert match is not None and 0 < match.score <= 1
        assert any("SiO2+Al2O3" in r["template"].format(**r["params"]) for r in match.reasons)
        assert 250 < match.road_km < 500


def test_first_seen_is_kept_when_ranked_again(app, make):
    _, _, stream, need = setup_pair(make)
    refresh(app)
    with app.app_context():
        first = db.session.scalar(sa.select(Match.first_seen_at).where(Match.need_id == need.id))
    refresh(app)
    with app.app_context():
        assert db.session.scalar(sa.select(Match.first_seen_at).where(Match.need_id == need.id)) == first


def test_a_changed_stream_that_breaks_a_limit_loses_its_match(app, make):
    _, _, stream, need = setup_pair(make)
    refresh(app)
    with app.app_context():
        row = db.session.get(SideStream, stream.id)
        for value in row.values:
            if value.property == "LOI":
                value.value = 12.0
        db.session.flush()
        services.refresh_for_stream(db.session, row)
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Match).where(
            Match.side_stream_id == stream.id)) == 0


def test_unverified_organisations_listings_are_not_matched(app, make):
    _, _, stream, need = setup_pair(make, verified_supplier=False)
    refresh(app)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Match).where(
            Match.side_stream_id == stream.id)) == 0


def views_for(app, need_id, user):
    with app.app_context():
        from marketplace.models import User

        viewer = db.session.get(User, user.id) if user else None
        need = db.session.get(MaterialNeed, need_id)
        views = services.matches_for_listing(db.session, need, viewer)
        return [(v.counterpart.id, v.organisation_name, v.road_km, v.reasons) for v in views]


def test_the_buyer_sees_a_public_streams_owner_and_reasons(app, make):
    supplier, buyer, stream, need = setup_pair(make)
    refresh(app)
    owner = make.user(buyer)
    [(stream_id, organisation, road_km, reasons)] = views_for(app, need.id, owner)
    assert stream_id == stream.id and organisation == supplier.name and reasons


def test_an_anonymous_stream_hides_its_owner_and_exact_distance(app, make):
    supplier, buyer, stream, need = setup_pair(make, visibility="anonymous")
    refresh(app)
    owner = make.user(buyer)
    [(stream_id, organisation, road_km, reasons)] = views_for(app, need.id, owner)
    assert organisation is None
    assert road_km % redaction.HIDDEN_DISTANCE_STEP_KM == 0
    assert all(supplier.name not in text for text, _ in reasons)


def test_a_brokered_stream_is_shown_to_brokers_only(app, make):
    supplier, buyer, stream, need = setup_pair(make, visibility="brokered")
    refresh(app)
    assert views_for(app, need.id, make.user(buyer)) == []
    broker = make.user(None, role="broker")
    [(stream_id, organisation, _, _)] = views_for(app, need.id, broker)
    assert stream_id == stream.id and organisation == supplier.name


def test_matches_are_not_shown_to_third_parties(app, make):
    _, _, stream, need = setup_pair(make)
    refresh(app)
    outsider = make.user(make.organisation(name="Kolmas Osapuoli Oy"))
    assert views_for(app, need.id, outsider) == []
    assert views_for(app, need.id, None) == []


def test_pairing_ideas_name_the_uses_and_the_buyer_nearby(app, make):
    supplier, buyer, stream, need = setup_pair(make)
    owner = make.user(supplier)
    refresh(app)
    with app.app_context():
        from marketplace.models import User

        ideas = services.pairing_ideas(db.session, db.session.get(SideStream, stream.id),
                                       db.session.get(User, owner.id), "en")
    assert ideas, "a fly ash has uses"
    geopolymer = [i for i in ideas if i.application == "geopolymer_binder"]
    assert geopolymer and geopolymer[0].needs_nearby[0].counterpart.id == need.id


def test_a_stream_posted_through_the_services_is_matched_at_once(app, make):
    from marketplace.listings import services as listings
    from marketplace.models import User

    supplier = make.organisation(name="Heti Kuona Oy", place="Oulu", lat=65.01, lon=25.47)
    buyer = make.organisation(name="Heti Ostaja Oy", place="Kittilä", lat=67.9, lon=25.0)
    need = make.need(buyer, requirements=GEOPOLYMER, lat=67.9, lon=25.0, max_distance_km=500)
    poster = make.user(supplier)
    record = {"id": "ASH-1", "title": "Coal and peat fly ash", "category": "ash", "ewc_code": "10 01 02",
              "composition": {k: v for k, v in FLY_ASH.items() if k != "amorphous_pct"},
              "properties": {"amorphous_pct": 70.0}, "location": {"lat": 65.01, "lon": 25.47}}
    with app.app_context():
        stream = listings.create_stream(db.session.get(User, poster.id), record, publish=True)
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Match).where(
            Match.side_stream_id == stream.id, Match.need_id == need.id)) == 1
        listings.close(db.session.get(User, poster.id), stream)
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Match).where(
            Match.side_stream_id == stream.id)) == 0
