"""Ranking semantics, written as specs."""
import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from matching import ContractError, Matcher, Reason, load_knowledge, validate_batch
from matching import reasons as R

from mhelpers import fit, need_rec, stream_rec

ROOT = Path(__file__).resolve().parents[2]


def ids(matches):
    return [m.stream_id for m in matches]


def test_requirement_met_and_broken():
    m = fit([stream_rec("ok", composition={"SiO2": 40, "Al2O3": 20}),
             stream_rec("low", composition={"SiO2": 20, "Al2O3": 10})],
            [need_rec(requirements=[{"property": "SiO2+Al2O3", "min": 50}])])
    top = m.rank_streams("N")
    assert ids(top) == ["ok"]
    assert "SiO2+Al2O3 60 wt%, at least 50 required" in [str(r) for r in top[0].reasons]
    allm = m.rank_streams("N", include_infeasible=True)
    bad = [x for x in allm if x.stream_id == "low"][0]
    assert not bad.feasible
    assert "SiO2+Al2O3 30 wt% is below the required 50 wt%" in [str(r) for r in bad.reasons]


def test_ratio_requirement_basicity():
    m = fit([stream_rec("basic", category="slag", composition={"CaO": 40, "MgO": 10, "SiO2": 35}),
             stream_rec("acid", category="slag", composition={"CaO": 10, "MgO": 5, "SiO2": 50})],
            [need_rec(requirements=[{"property": "CaO+MgO", "per": "SiO2", "min": 1.0}])])
    assert ids(m.rank_streams("N")) == ["basic"]
    assert any("(CaO+MgO)/SiO2 1.429, at least 1 required" in str(r) for r in m.rank_streams("N")[0].reasons)


def test_inclusive_bounds():
    m = fit([stream_rec("edge", composition={"CaO": 50})], [need_rec(requirements=[{"property": "CaO", "min": 50, "max": 50}])])
    assert ids(m.rank_streams("N")) == ["edge"]


def test_missing_value_is_unverified_and_ranks_below_equal_verified():
    same = dict(title="Fly ash", composition={"SiO2": 50}, quantity_t_per_year=1000, material_type="coal_fly_ash")
    m = fit([stream_rec("unverified", **same),
             stream_rec("verified", **{**same, "composition": {"SiO2": 50, "Al2O3": 20}})],
            [need_rec(requirements=[{"property": "Al2O3", "min": 10}])])
    top = m.rank_streams("N")
    assert ids(top) == ["verified", "unverified"]
    assert top[1].feasible and not top[1].verified and top[1].missing == ["Al2O3"]
    assert top[0].verified and top[0].score > top[1].score


def test_distance_limit_on_road_km():
    # Oulu -> Kemi is ~100 km great-circle, ~130 km by road with detour 1.3.
    m = fit([stream_rec("kemi", lat=65.74, lon=24.56)],
            [need_rec("near", lat=65.01, lon=25.47, max_distance_km=150), need_rec("far", lat=65.01, lon=25.47, max_distance_km=110)])
    near = m.rank_streams("near")
    assert ids(near) == ["kemi"]
    assert near[0].road_km == pytest.approx(near[0].distance_km * 1.3)
    assert m.rank_streams("far") == []
    far = m.rank_streams("far", include_infeasible=True)[0]
    assert not far.feasible and "beyond the buyer's limit of 110 km" in str(far.reasons[0])


def test_transport_reason():
    m = fit([stream_rec("s", lat=65.74, lon=24.56)], [need_rec(lat=65.01, lon=25.47)])
    x = m.rank_streams("N")[0]
    assert x.transport_cost_eur_per_t == pytest.approx(x.road_km * 0.12)
    assert x.transport_co2_kg_per_t == pytest.approx(x.road_km * 0.055)
    assert any(str(r).startswith("about ") and "€/t" in str(r) and "kg CO2/t" in str(r) for r in x.reasons)


def test_categories_and_ewc_restrict():
    m = fit([stream_rec("ash", category="ash", ewc_code="10 01 02", material_type="coal_fly_ash"),
             stream_rec("slag", category="slag", ewc_code="10 02 02", material_type="acbfs"),
             stream_rec("noewc", category="ash", material_type="coal_fly_ash")],
            [need_rec("cat", categories=["ash"]), need_rec("ewc", ewc_codes=["10 01 02"])])
    assert set(ids(m.rank_streams("cat"))) == {"ash", "noewc"}
    got = m.rank_streams("ewc")
    assert ids(got) == ["ash", "noewc"]
    assert got[1].missing == ["ewc_code"] and not got[1].verified


@pytest.mark.parametrize("legal,accepts,permitted,feasible,text", [
    ("waste", False, None, False, "does not accept waste"),
    ("waste", True, ["10 01 03"], False, "permit does not cover"),
    ("waste", True, ["10 01 02"], True, "covered by the receiver's permit"),
    ("waste", None, None, True, "legal status unconfirmed: the receiver"),
    (None, False, None, True, "legal status unconfirmed: the holder"),
    ("by_product", False, None, True, "by-product claimed without evidence: unconfirmed"),
    ("end_of_waste", False, None, True, "end-of-waste claimed without evidence: unconfirmed"),
])
def test_legal_status(legal, accepts, permitted, feasible, text):
    s = stream_rec("s", ewc_code="10 01 02", **({"legal_status": legal} if legal else {}))
    n = need_rec(**({"accepts_waste": accepts} if accepts is not None else {}),
                 **({"permitted_ewc_codes": permitted} if permitted is not None else {}))
    x = fit([s], [n]).rank_streams("N", include_infeasible=True)[0]
    assert x.feasible is feasible
    legal_reasons = [str(r) for r in x.reasons if "Waste Act" in str(r) or "permit needed" in str(r)]
    assert any(text in r for r in legal_reasons), legal_reasons


@pytest.mark.parametrize("application,permitted,feasible", [
    ("fertiliser", ["10 02 07*"], False),        # land uses refuse hazardous entries
    ("earth_construction", ["10 02 07*"], False),  # Decree 843/2017 covers non-hazardous only
    ("metal_recovery", ["10 02 07*"], True),     # permit names the code
    ("metal_recovery", ["10 02 08"], False),
])
def test_hazardous_policy(application, permitted, feasible):
    s = stream_rec("dust", category="dust", ewc_code="10 02 07*", legal_status="waste")
    n = need_rec(application=application, accepts_waste=True, permitted_ewc_codes=permitted)
    x = fit([s], [n]).rank_streams("N", include_infeasible=True)[0]
    assert x.feasible is feasible
    assert any("hazardous entry" in str(r) for r in x.reasons)


def test_knowledge_rule_refuses_cadmium_in_dregs_for_liming(example):
    streams, needs = validate_batch(example)
    m = Matcher().fit(streams, needs)
    x = [y for y in m.rank_streams("N2", include_infeasible=True) if y.stream_id == "S2"][0]
    assert not x.feasible
    texts = [str(r) for r in x.reasons]
    # Each reason names the regime that refused: EU (2019/1009) and national (MMM 964/2023).
    # Either regime would do; neither is met, and the match says so for each.
    assert any(t.startswith("meets neither fertiliser regime") for t in texts), texts
    assert any(t.startswith("Cd 8 mg/kg exceeds the limit 2 mg/kg (EU regime: Regulation (EU) 2019/1009")
               and "PFC 2" in t for t in texts)
    assert any(t.startswith("Cd 8 mg/kg exceeds the limit 1.5 mg/kg (national regime: MMM decree on fertiliser products 964/2023")
               and "class 2" in t for t in texts)
    assert not any("24/11" in t for t in texts)  # repealed by 964/2023 s. 12
    assert "fpr-pfc2-Cd" in x.rules


def test_rule_applies_even_if_buyer_did_not_write_it_and_stricter_buyer_also_applies():
    s = stream_rec("ash", category="ash", trace={"Cd": 1.2}, properties={"neutralising_value_pct": 30})
    lenient = need_rec("L", application="liming_agent")
    strict = need_rec("S", application="liming_agent", requirements=[{"property": "Cd", "max": 1.0}])
    m = fit([s], [lenient, strict])
    assert m.rank_streams("L")[0].feasible
    assert m.rank_streams("S") == []


def test_technical_rule_is_guidance_not_refusal():
    s = stream_rec("s", category="slag", material_type="ggbs", composition={"SiO2": 20, "Al2O3": 10},
                   properties={"amorphous_pct": 90, "d50_mm": 0.02})
    x = fit([s], [need_rec(application="geopolymer_binder")]).rank_streams("N")[0]
    assert x.feasible  # SiO2+Al2O3 below the 40 % rule of thumb
    assert any("rule of thumb, not a hard limit" in str(r) for r in x.reasons)


def test_standards_apply_by_material_identity_for_cement_scm():
    ggbs = stream_rec("ggbs", category="slag", material_type="ggbs",
                      composition={"CaO": 40, "SiO2": 35, "Al2O3": 10, "MgO": 9, "LOI": 1},
                      properties={"amorphous_pct": 95, "specific_surface_m2_kg": 400})
    wood_ash = stream_rec("wood", category="ash", material_type="fbc_wood_ash",
                          composition={"CaO": 30, "SiO2": 30, "LOI": 12}, properties={"amorphous_pct": 50})
    m = fit([ggbs, wood_ash], [need_rec(application="cement_scm")])
    x = [y for y in m.rank_streams("N", include_infeasible=True) if y.stream_id == "ggbs"][0]
    assert x.feasible and "en450-sum" not in x.rules and "en15167-glass" in x.rules
    w = [y for y in m.rank_streams("N", include_infeasible=True) if y.stream_id == "wood"][0]
    assert "en450-loi" not in w.rules and "en15167-glass" not in w.rules  # EN 450-1 is for coal fly ash only


def test_quantity_and_price():
    m = fit([stream_rec("small", quantity_t_per_year=100, price_eur_per_t=5), stream_rec("big", quantity_t_per_year=10000, price_eur_per_t=50),
             stream_rec("unknown")],
            [need_rec("q", min_quantity_t_per_year=1000), need_rec("p", max_price_eur_per_t=10)])
    q = m.rank_streams("q", include_infeasible=True)
    assert [x.stream_id for x in q if x.feasible] == ["big", "unknown"]
    assert "quantity_t_per_year" in [x for x in q if x.stream_id == "unknown"][0].missing
    assert set(ids(m.rank_streams("p"))) == {"small", "unknown"}


def test_reasons_are_translatable_templates():
    src = (ROOT / "matching" / "reasons.py").read_text()
    for tpl in R.ALL_TEMPLATES:
        assert f'N_("{tpl}")' in src
    r = Reason(R.REQ_MAX_BROKEN, {"property": "Cd", "value": 8, "unit": "mg/kg", "limit": 1.5}, False, "X")
    assert str(r) == "Cd 8 mg/kg exceeds the limit 1.5 mg/kg (X)"
    fi = r.render(lambda t: t.replace("exceeds the limit", "ylittää raja-arvon"), "fi")
    assert fi == "Cd 8 mg/kg ylittää raja-arvon 1,5 mg/kg (X)"  # numbers as the locale writes them


def test_reasons_name_properties_as_people_write_them():
    r = Reason(R.REQ_MAX_BROKEN, {"property": "leach:As", "value": 0.8, "unit": "mg/kg", "limit": 0.5}, False)
    assert str(r) == "leaching of As 0.8 mg/kg exceeds the limit 0.5 mg/kg"
    assert str(Reason(R.REQ_MISSING, {"property": "CrVI", "limit": "<= 2"})).startswith("no value for Cr(VI)")
    t = Reason(R.QUANTITY_FIT, {"quantity": 1_800_000.0, "wanted": 5000})
    fi = t.render(None, "fi")
    assert fi.startswith("1,8 milj. t/a offered for 5") and fi.endswith("000 t/a wanted")


def test_rank_needs_and_rank_all(example):
    streams, needs = validate_batch(example)
    m = Matcher().fit(streams, needs)
    assert set(m.rank_all(include_infeasible=True)) == {"N1", "N2"}
    got = m.rank_needs("S3", include_infeasible=True)
    assert {x.need_id for x in got} == {"N1", "N2"}


def test_pairing_ideas():
    dregs = stream_rec("gld", category="dregs", title="Green liquor dregs", composition={"CaO": 35, "MgO": 4, "SiO2": 2, "LOI": 38},
                       trace={"Cd": 0.5, "Ni": 20, "Zn": 200}, properties={"neutralising_value_pct": 32})
    m = fit([dregs], [need_rec("AMD", application="neutralisation", lat=65.1, lon=25.1, max_distance_km=100)])
    ideas = m.pairing_ideas("gld", top=14)
    apps = [i.application for i in ideas]
    assert "neutralisation" in apps[:3] or "liming_agent" in apps[:3]
    neu = [i for i in ideas if i.application == "neutralisation"][0]
    assert [x.need_id for x in neu.needs_nearby] == ["AMD"]
    lim = [i for i in ideas if i.application == "liming_agent"][0]
    assert lim.feasible and "Hg" in lim.missing  # analyses still needed to be sure
    assert all(isinstance(r, Reason) for r in lim.reasons)
    json.dumps([i.to_dict() for i in ideas])


def test_determinism(example):
    streams, needs = validate_batch(example)
    a = Matcher().fit(streams, needs).rank_all(include_infeasible=True)
    b = Matcher().fit(streams, needs).rank_all(include_infeasible=True)
    assert {k: [x.to_contract() for x in v] for k, v in a.items()} == {k: [x.to_contract() for x in v] for k, v in b.items()}


def test_knowledge_file_is_complete_and_sourced():
    k = load_knowledge()["applications"]
    for name, app in k.items():
        assert app["name_en"] and app["name_fi"] and app["description_fi"]
        for r in app["rules"]:
            assert r["source"] and r["note"]


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "matching", *args], capture_output=True, text=True, cwd=ROOT)


def test_cli_rank_output_validates(tmp_path):
    schema = json.loads((ROOT / "matching" / "schemas" / "matches.schema.json").read_text())
    p = _cli("rank", "--input", str(ROOT / "tests/matching/data/example.json"), "--include-infeasible")
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    jsonschema.validate(out, schema)
    assert set(out["matches"]) == {"N1", "N2"}


def test_cli_bad_input_exit_2(tmp_path, example):
    example["side_streams"][0]["composition"]["Sio2"] = 3
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(example))
    p = _cli("rank", "--input", str(bad))
    assert p.returncode == 2 and "'S1'" in p.stderr and "composition.Sio2" in p.stderr and p.stdout == ""


def test_cli_ideas(example):
    p = _cli("ideas", "--input", str(ROOT / "tests/matching/data/example.json"), "--stream", "S2")
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["ideas"]


def test_unverified_is_exactly_the_factor_below_an_equal_fit():
    # Same components: the verified stream's margin on Al2O3 (12.5 vs >= 10) is
    # 0.5, the neutral margin of the stream that lacks the value.
    same = dict(title="Fly ash", composition={"SiO2": 50}, quantity_t_per_year=1000, material_type="coal_fly_ash")
    m = fit([stream_rec("u", **same), stream_rec("v", **{**same, "composition": {"SiO2": 50, "Al2O3": 12.5}})],
            [need_rec(requirements=[{"property": "Al2O3", "min": 10}])])
    v, u = m.rank_streams("N")
    assert (v.stream_id, u.stream_id) == ("v", "u") and v.components == u.components
    w = {"margin": 0.25, "profile": 0.20, "text": 0.15, "category": 0.10, "quantity": 0.10, "distance": 0.20}
    fit_v = sum(w[k] * v.components[k] for k in w)
    # Same tier (not documented): the unverified one is exactly the factor below.
    assert v.score == pytest.approx(0.999 * fit_v / 3)
    assert u.score == pytest.approx(0.85 * v.score) and u.score < v.score


def test_function_first_unsuitable_refused_and_proven_ranks_above_possible():
    # Sulphidic tailings for a cover over sulphidic tailings: unsuitable (the
    # catalogue) and acid-forming (NP/AP far below 1), whatever the numbers.
    tail = stream_rec("tail", category="tailings", material_type="tailings_sulphidic",
                      composition={"S_sulphide": 5, "SiO2": 50}, properties={"neutralising_value_pct": 0.5,
                                                                             "hydraulic_conductivity_m_s": 1e-9})
    m = fit([tail], [need_rec(application="cover_layer")])
    x = m.rank_streams("N", include_infeasible=True)[0]
    assert not x.feasible
    t = [str(r) for r in x.reasons]
    assert t[0].startswith("unsuitable for") or t[0].startswith("acid-forming"), t
    assert any(r.startswith("acid-forming: NP/AP 0.06") for r in t), t
    # Proven (granulated slag) above possible (air-cooled slag) for mine backfill,
    # even when the possible one is much nearer.
    near = stream_rec("acbfs", category="slag", material_type="acbfs", lat=65.0, lon=25.0)
    far = stream_rec("ggbs", category="slag", material_type="ggbs", lat=66.5, lon=25.0)
    m = fit([near, far], [need_rec(application="mine_backfill", lat=65.0, lon=25.0)])
    got = m.rank_streams("N")
    assert ids(got)[0] == "ggbs", [(g.stream_id, g.score) for g in got]
    assert got[0].to_contract()["material_type"] == "ggbs" and got[0].to_contract()["material_confidence"] == 1.0
    assert got[0].to_contract()["summary"].startswith("Granulated blast-furnace slag")


def test_deciding_property_missing_is_unverified_and_crystalline_refused():
    quartz = stream_rec("q", category="mineral_fines", composition={"SiO2": 98}, properties={"amorphous_pct": 2, "d50_mm": 0.02})
    unknown = stream_rec("u", category="slag", material_type="ggbs", composition={"SiO2": 36, "CaO": 38, "Al2O3": 10})
    m = fit([quartz, unknown], [need_rec(application="geopolymer_binder")])
    assert ids(m.rank_streams("N")) == ["u"]
    u = m.rank_streams("N")[0]
    assert not u.verified and {"amorphous_pct", "d50_mm"} <= set(u.missing)


def test_below_detection_and_typical_values():
    s = stream_rec("bd", category="ash", material_type="coal_fly_ash", below_detection={"Cd": 0.5},
                   trace={"Ni": 10}, sources=[{"kind": "typical", "properties": ["Ni"]}])
    m = fit([s], [need_rec(requirements=[{"property": "Cd", "max": 1.0}]),
                  need_rec("N2", requirements=[{"property": "Cd", "max": 0.2}]),
                  need_rec("N3", requirements=[{"property": "Ni", "max": 50}])])
    assert m.rank_streams("N")[0].verified           # < 0.5 meets a maximum of 1
    assert not m.rank_streams("N2")[0].verified      # < 0.5 cannot show <= 0.2
    assert not m.rank_streams("N3")[0].verified      # a typical value is not an analysis


def test_star_must_agree_with_the_list_of_waste():
    with pytest.raises(ContractError) as exc:
        validate_batch({"side_streams": [stream_rec("H", ewc_code="10 02 07")]})
    assert "write it '10 02 07*'" in str(exc.value)
    with pytest.raises(ContractError) as exc:
        validate_batch({"side_streams": [stream_rec("H", ewc_code="10 01 02*")]})
    assert "without '*'" in str(exc.value)


def test_mirror_entry_judged_by_hazardous_properties():
    s = stream_rec("ba", category="ash", ewc_code="19 01 12", legal_status="waste", hazardous_properties=["HP14"])
    x = fit([s], [need_rec(application="fertiliser", accepts_waste=True)]).rank_streams("N", include_infeasible=True)[0]
    assert not x.feasible and any("mirror entry and the stream has hazardous properties HP14" in str(r) for r in x.reasons)


def test_other_need_read_into_a_known_use():
    s = stream_rec("g", category="slag", material_type="ggbs")
    x = fit([s], [need_rec(application="other", title="Sideaine kaivostäyttöön")]).rank_streams("N")[0]
    assert any(str(r).startswith("use read from the need's text as Mine backfill") for r in x.reasons)


def test_backfill_binder_need_judged_by_binder_uses():
    rock = stream_rec("rock", category="waste_rock", material_type="waste_rock_naf",
                      composition={"S_sulphide": 0.05}, properties={"neutralising_value_pct": 2})
    slag = stream_rec("ggbs", category="slag", material_type="ggbs", lat=65.5)
    m = fit([rock, slag], [need_rec(application="mine_backfill", title="Pastatäytön sideaine",
                                    description="Sementin korvaaja sementoituun pastatäyttöön")])
    got = m.rank_streams("N")
    assert ids(got)[0] == "ggbs"
    assert any(str(r).startswith("read as: binder") for r in got[0].reasons)


def test_a_sealing_layer_need_does_not_count_a_protective_layer_use():
    """NAF waste rock is documented for a cover's protective layer only: for a need that
    asks for the sealing layer it is not documented, and ranks below a sealing material."""
    rock = stream_rec("rock", category="waste_rock", material_type="waste_rock_naf",
                      composition={"S": 0.05, "S_sulphide": 0.04}, properties={"neutralising_value_pct": 2})
    dregs = stream_rec("dregs", category="dregs", material_type="green_liquor_dregs", lat=66.5)
    m = fit([rock, dregs], [need_rec(application="cover_layer", title="Tiivistekerros rikastushiekka-altaan peitteeseen")])
    got = m.rank_streams("N")
    assert ids(got) == ["dregs", "rock"]
    assert any(str(r).startswith("documented for Cover layer for waste rock / tailings only as protective layer, "
                                 "not as the sealing layer") for r in got[1].reasons)
    assert any(str(r).startswith("read as: sealing layer") for r in got[1].reasons)


def test_backfill_binder_takes_binder_uses_not_concrete_standards():
    """Peat fly ash is a documented partial binder of paste fill though EN 450-1 does not
    cover it; tailings are the fill's aggregate, not its binder."""
    ash = stream_rec("ash", category="ash", material_type="fbc_peat_ash")
    tailings = stream_rec("tailings", category="tailings", material_type="tailings_low_sulphide",
                          composition={"S": 0.05, "S_sulphide": 0.03}, properties={"neutralising_value_pct": 5})
    m = fit([ash, tailings], [need_rec(application="mine_backfill", title="Pastatäytön sideaine")])
    got = {x.stream_id: x for x in m.rank_streams("N")}
    assert got["ash"].score > got["tailings"].score
    assert got["ash"].feasible


def test_air_cooled_slag_sulphur_by_its_own_clause_and_no_acid_base_accounting():
    """EN 12620 allows 2 % S in air-cooled blast-furnace slag (1 % in other aggregates);
    the sulphide of a slag is not acid-forming, so a missing neutralising value does not
    leave it unverified."""
    slag = stream_rec("slag", category="slag", material_type="acbfs", title="Masuunikuonamurske",
                      composition={"S": 1.3, "SO3": 0.3}, properties={"los_angeles": 30})
    rock = stream_rec("rock", category="waste_rock", material_type="waste_rock_naf",
                      composition={"S": 1.3, "SO3": 0.3}, properties={"los_angeles": 30})
    m = fit([slag, rock], [need_rec(application="concrete_aggregate")])
    got = {x.stream_id: x for x in m.rank_streams("N", include_infeasible=True)}
    assert got["slag"].feasible and not got["rock"].feasible
    assert not any("acid-base" in str(r) for r in got["slag"].reasons)
