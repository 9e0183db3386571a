"""Matcher.rank_refused_for: the streams the named checks refuse, chosen on the checks'
arrays, are the infeasible streams of a full ranking whose reasons carry such a refusal,
in the same order."""
from __future__ import annotations

from matching import reasons as R
from matching.live import LiveMatcher

from mhelpers import fit, need_rec, stream_rec

LEGAL = {"legal_status", "hazardous", "scope"}
TEMPLATES = {R.WASTE_NOT_ACCEPTED, R.WASTE_CODE_NOT_PERMITTED, R.HAZARDOUS_NOT_PERMITTED, R.SCOPE_NOT_LISTED}


def streams():
    return [
        stream_rec("waste", ewc_code="10 01 02", legal_status="waste", composition={"SiO2": 40}),
        stream_rec("waste2", ewc_code="10 01 02", legal_status="waste", lat=65.3, composition={"SiO2": 30}),
        stream_rec("product", ewc_code="10 01 02", legal_status="by_product", composition={"SiO2": 40}),
        stream_rec("far", ewc_code="10 01 02", legal_status="waste", lat=69.5),
        stream_rec("hazard", category="dust", ewc_code="10 02 07*", legal_status="waste"),
        stream_rec("low", legal_status="by_product", composition={"SiO2": 5}),
    ]


def expected(matcher, need_id):
    ranked = matcher.rank_streams(need_id, top=100, include_infeasible=True)
    return [m.stream_id for m in ranked if not m.feasible
            and any(r.template in TEMPLATES and r.ok is False for r in m.reasons)]


def test_refused_by_the_legal_checks_are_those_a_full_ranking_explains_so():
    need = need_rec(accepts_waste=False, requirements=[{"property": "SiO2", "min": 20}])
    m = fit(streams(), [need])
    found = [x.stream_id for x in m.rank_refused_for(m.needs_[0], LEGAL)]
    assert found == expected(m, "N")
    assert {"waste", "waste2", "hazard"} <= set(found) and "low" not in found and "product" not in found


def test_the_live_engine_merges_base_and_delta_alike():
    need = need_rec(accepts_waste=False)
    m = fit(streams(), [need])
    live = LiveMatcher(m.table_, m.needs_)
    live.update(streams=_moved_waste())     # into the delta; its base row gets a tombstone
    assert [x.stream_id for x in live.refused_streams(m.needs_[0], LEGAL)] == \
        [x.stream_id for x in live.rank_streams(m.needs_[0], top=None, include_infeasible=True)
         if not x.feasible and any(r.template in TEMPLATES and r.ok is False for r in x.reasons)]


def _moved_waste():
    from matching import validate_batch
    s, _ = validate_batch({"side_streams": [stream_rec("waste", ewc_code="10 01 02", legal_status="waste",
                                                       lat=65.1)], "needs": []})
    return s
