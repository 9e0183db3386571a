"""Near misses: a need with few feasible matches is told what would change that, from the
engine's own judgement of the refused pairs."""
from __future__ import annotations

from marketplace.db import db
from marketplace.matches import services
from matching import nearmiss
from tests.matches.test_site_matches import FLY_ASH, GEOPOLYMER, refresh


def _setup(make, max_km=250, cd=None):
    supplier = make.organisation(name="Kaukainen Tuhka Oy", place="Oulu", lat=65.01, lon=25.47)
    buyer = make.organisation(name="Geopolymeeri Testi Oy", place="Kittilä", lat=67.9, lon=25.0)
    values = dict(FLY_ASH, **({"Cd": cd} if cd is not None else {}))
    make.stream(supplier, title="Far fly ash", category="ash", values=values, lat=65.01, lon=25.47,
                ewc_code="10 01 02", quantity_t_per_year=30000)
    requirements = list(GEOPOLYMER) + ([{"property": "Cd", "max": 1}] if cd is not None else [])
    need = make.need(buyer, title="Geopolymer precursor", requirements=requirements, lat=67.9, lon=25.0,
                     max_distance_km=max_km, quantity_t_per_year=5000)
    user = make.user(buyer, email="near.miss@example.fi")
    return need, user


def test_a_need_too_close_hears_how_far_streams_fit(app, make, client, auth):
    need, user = _setup(make)
    refresh(app)
    auth.login(user.email)
    page = client.get(f"/needs/{need.id}").text
    assert "data-near-misses" in page
    import re
    found = re.search(r"1 stream would fit within (\d+) km \(this need allows 250 km\)", page)
    assert found, page[page.find("near-misses"):][:800]
    assert int(found.group(1)) % 50 == 0 and 250 < int(found.group(1)) <= 500


def test_a_limit_that_refuses_one_stream(app, make, client, auth):
    need, user = _setup(make, max_km=500, cd=2.7)
    refresh(app)
    with app.test_request_context():
        from flask_login import login_user

        login_user(db.session.get(type(user), user.id))
        views = services.near_misses_for_need(db.session, db.session.get(type(need), need.id),
                                              db.session.get(type(user), user.id))
    assert [v.text for v in views] == ["1 stream would fit if Cd ≤ 2.7 mg/kg were allowed"]


def test_the_engine_groups_single_reasons():
    class R:
        def __init__(self, template, ok, **params):
            self.template, self.ok, self.params = template, ok, params

    class M:
        def __init__(self, sid, feasible, reasons, road_km=0, missing=()):
            self.stream_id, self.feasible, self.reasons, self.road_km, self.missing = sid, feasible, reasons, road_km, missing

    from matching import reasons as RR
    hints = nearmiss.near_misses([
        M("1", False, [R(RR.TOO_FAR, False)], road_km=312),
        M("2", False, [R(RR.TOO_FAR, False)], road_km=471),
        M("3", False, [R(RR.REQ_MAX_BROKEN, False, property="Cd", value=2.71, unit="mg/kg")]),
        M("4", False, [R(RR.TOO_FAR, False), R(RR.REQ_MAX_BROKEN, False, property="Cd", value=9, unit="mg/kg")]),
        M("5", True, [], missing=["amorphous_pct"]),
    ])
    assert [(h.kind, h.count, h.value, h.property) for h in hints] == [
        ("distance", 2, 500, None), ("analysis", 1, None, "amorphous_pct"), ("max", 1, 2.8, "Cd")]


# -- the mirror: a stream with no matching need -----------------------------------------------

def _stream_setup(make, max_km=250, cd_limit=None, need_visibility="public", language="en"):
    supplier = make.organisation(name="Tuhkan Haltija Oy", place="Oulu", lat=65.01, lon=25.47)
    buyer = make.organisation(name="Kaukainen Geopolymeeri Oy", place="Kittilä", lat=67.9, lon=25.0)
    stream = make.stream(supplier, title="Lonely fly ash", category="ash", values=dict(FLY_ASH, Cd=2.7),
                         lat=65.01, lon=25.47, ewc_code="10 01 02", quantity_t_per_year=30000)
    requirements = list(GEOPOLYMER) + ([{"property": "Cd", "max": cd_limit}] if cd_limit is not None else [])
    make.need(buyer, title="Far geopolymer precursor", requirements=requirements, lat=67.9, lon=25.0,
              max_distance_km=max_km, quantity_t_per_year=5000, visibility=need_visibility)
    owner = make.user(supplier, email="lonely.ash@example.fi", language=language)
    return stream, owner


def test_a_stream_too_far_hears_how_far_needs_would_have_to_go(app, make, client, auth):
    stream, owner = _stream_setup(make)
    refresh(app)
    auth.login(owner.email)
    page = client.get(f"/streams/{stream.id}").text
    assert "data-near-misses" in page
    import re
    found = re.search(r"1 need would take this stream if it accepted (\d+) km by road", page)
    assert found, page[page.find("matches-heading"):][:1500]
    assert int(found.group(1)) % 50 == 0 and 250 < int(found.group(1)) <= 500


def test_a_stream_hears_the_limit_it_misses_in_finnish(app, make, client, auth):
    stream, owner = _stream_setup(make, max_km=500, cd_limit=1.5, language="fi")
    refresh(app)
    auth.login(owner.email)
    page = client.get(f"/streams/{stream.id}").text
    assert "1 tarve ottaisi tämän sivuvirran, jos sen Cd olisi ≤ 1,5 mg/kg" in page


def test_a_need_the_owner_may_not_see_gives_no_hint_and_others_see_none(app, make, client, auth):
    # A brokered need is for the brokers only: the stream's owner hears nothing of it,
    # a broker does; someone else hears nothing of the stream's near misses at all.
    stream, owner = _stream_setup(make, max_km=500, cd_limit=1.5, need_visibility="brokered")
    broker = make.user(make.organisation(name="Kiertotalouskeskus"), role="broker", email="broker.nm@example.fi")
    stranger = make.user(make.organisation(name="Sivullinen Oy"), email="stranger@example.fi")
    refresh(app)
    with app.test_request_context():
        listing = db.session.get(type(stream), stream.id)
        assert services.near_misses_for_stream(db.session, listing, db.session.get(type(owner), owner.id)) == []
        assert services.near_misses_for_stream(db.session, listing, db.session.get(type(stranger), stranger.id)) == []
        told = services.near_misses_for_stream(db.session, listing, db.session.get(type(broker), broker.id))
        # (the number in the request's default locale: "1,5" or "1.5")
        assert len(told) == 1 and told[0].text.startswith("1 need would take this stream if its Cd were ≤ 1")
        assert told[0].text.endswith("5 mg/kg")
