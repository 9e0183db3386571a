"""Near misses of a stream: from the engine's own judgement of its pairs with the needs
around it, what would bring it matches (the mirror of a need's near misses)."""
from matching import Need, Requirement, Stream, nearmiss
from matching import reasons as R
from matching.live import LiveMatcher

FLY_ASH = {"SiO2": 45.0, "Al2O3": 20.0, "Fe2O3": 8.0, "CaO": 10.0, "LOI": 4.0, "amorphous_pct": 70.0, "Cd": 2.7}
GEOPOLYMER = (Requirement("SiO2+Al2O3", min=50), Requirement("LOI", max=7))


def _need(id, lat=65.1, lon=25.5, extra=(), **kw):
    return Need(id=id, title="Geopolymer precursor", application="geopolymer_binder", lat=lat, lon=lon,
                requirements=GEOPOLYMER + tuple(extra), quantity_t_per_year=5000.0, accepts_waste=True, **kw)


def _world():
    stream = Stream(id="S1", title="Coal and peat fly ash", category="ash", lat=65.01, lon=25.47,
                    values=FLY_ASH, quantity_t_per_year=30000.0, legal_status="by_product")
    needs = [
        _need("fits"),
        _need("far-1", lat=67.9, lon=25.0, max_distance_km=250.0),   # Kittilä: about 320 km
        _need("far-2", lat=67.4, lon=26.6, max_distance_km=200.0),   # Sodankylä
        _need("cd-1", extra=(Requirement("Cd", max=1.0),)),
        _need("cd-2", extra=(Requirement("Cd", max=2.0),)),
        _need("mgo", extra=(Requirement("MgO", max=5.0),)),
        _need("out-of-reach", lat=60.2, lon=24.9, max_distance_km=100.0),  # Helsinki
    ]
    return LiveMatcher([stream], needs)


def test_the_needs_judged_are_those_in_reach_nearest_first():
    live = _world()
    judged = live.judge_needs("S1")
    ids = {m.need_id for m in judged}
    assert "out-of-reach" not in ids and {"fits", "far-1", "far-2", "cd-1", "cd-2"} <= ids
    assert judged[0].feasible
    assert len(live.judge_needs("S1", top=1)) == 1
    assert live.judge_needs("unknown") == []


def test_a_streams_hints_from_its_refused_pairs():
    live = _world()
    judged = live.judge_needs("S1")
    reasons = {m.need_id: [r.template for r in m.reasons if r.ok is False] for m in judged}
    assert reasons["far-1"] == [R.TOO_FAR] and reasons["cd-2"] == [R.REQ_MAX_BROKEN]
    hints = {(h.kind, h.property): h for h in nearmiss.near_misses_for_stream(judged)}
    far = hints[("distance", None)]
    assert far.count == 2 and sorted(far.need_ids) == ["far-1", "far-2"]
    assert far.value % nearmiss.DISTANCE_STEP_KM == 0 and far.value > 250
    cd = hints[("max", "Cd")]
    # The stream would have to meet the strictest of the two limits to fit both.
    assert (cd.count, cd.value, sorted(cd.need_ids)) == (2, 1.0, ["cd-1", "cd-2"])
    assert "mgo" in hints[("analysis", "MgO")].need_ids


def test_a_stream_hears_which_analysis_a_need_asks_for():
    class Reason:
        def __init__(self, template, ok, **params):
            self.template, self.ok, self.params = template, ok, params

    class Pair:
        def __init__(self, nid, feasible, reasons, road_km=0, missing=()):
            self.need_id, self.stream_id = nid, "S"
            self.feasible, self.reasons, self.road_km, self.missing = feasible, reasons, road_km, missing

    hints = nearmiss.near_misses_for_stream([
        Pair("1", True, [], missing=["glass_pct"]),
        Pair("2", True, [], missing=["glass_pct"]),
        Pair("3", False, [Reason(R.REQ_MIN_BROKEN, False, property="CaO", value=10, limit=20, unit="wt%")]),
        Pair("4", False, [Reason(R.REQ_MIN_BROKEN, False, property="CaO", value=10, limit=30, unit="wt%")]),
        Pair("5", False, [Reason(R.REQ_MIN_BROKEN, False, property="CaO", value=10, limit=25, unit="wt%"),
                          Reason(R.TOO_FAR, False, road_km=600, limit=300)], road_km=600),
    ])
    assert [(h.kind, h.count, h.value, h.property, h.need_ids) for h in hints] == [
        ("analysis", 2, None, "glass_pct", ["1", "2"]), ("min", 2, 30.0, "CaO", ["3", "4"])]
