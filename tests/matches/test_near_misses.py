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
