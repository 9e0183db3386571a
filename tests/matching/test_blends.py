"""Blend search (matching/blends.py): what mixes linearly and what never
does, bounds, cost, explanation, the labelled published mixtures and the
batch command's --blends."""
import json
import subprocess
import sys

import numpy as np
import pytest
from mhelpers import fit, need_rec, stream_rec

from matching.blends import BlendSearch, read_blend_knowledge
from matching.eval.blends import BLENDS, check_blend, evaluate_blends


def ash(id, cao, price, lat=65.0, lon=25.0, **kw):
    """A coal fly ash record with a lab analysis: CaO as given, glass 70 %."""
    props = {"amorphous_pct": 70, "d50_mm": 0.02, **kw.pop("props", {})}
    comp = {"CaO": cao, "SiO2": max(1, 60 - cao), "Al2O3": 10, **kw.pop("comp", {})}
    return stream_rec(id, title=kw.pop("title", "Kivihiilen lentotuhka"), category="ash",
                      material_type=kw.pop("material_type", "coal_fly_ash"), composition=comp,
                      properties=props, price_eur_per_t=price, quantity_t_per_year=kw.pop("q", 50000),
                      lat=lat, lon=lon, ewc_code=kw.pop("ewc_code", "10 01 02"),
                      legal_status=kw.pop("legal_status", "by_product"),
                      legal_status_evidence="notified", hazardous_properties=[], **kw)


def geo_need(**kw):
    reqs = kw.pop("requirements", [{"property": "CaO", "min": 15, "max": 30}])
    return need_rec("N", title="Geopolymeerin raaka-aine", application=kw.pop("application", "geopolymer_binder"),
                    requirements=reqs, max_distance_km=300, **kw)


def blends_of(streams, need, **kw):
    m = fit(streams, [need])
    return m, BlendSearch(m, **kw).for_need("N", top=5)


def test_linear_properties_mix_by_mass_fraction_and_cost_is_minimised():
    m, bl = blends_of([ash("LOW", 4, 5), ash("HIGH", 40, 20, material_type="ggbs")], geo_need())
    assert bl, "a blend of a CaO-poor and a CaO-rich stream meets CaO 15-30"
    b = bl[0]
    shares = {p.stream_id: p.share for p in b.parts}
    assert sum(shares.values()) == pytest.approx(1)
    # Cheapest: as little of the dear stream as CaO >= 15 allows: (15 - 4) / (40 - 4).
    # (The solver's rows are tightened by 5e-7 relative so the limit holds as written.)
    assert shares["HIGH"] == pytest.approx(11 / 36, abs=1e-5)
    assert 15 <= b.values["CaO"] <= 15 + 1e-4
    assert b.cost_eur_per_t == pytest.approx(5 * (25 / 36) + 20 * (11 / 36), abs=1e-4)
    assert "CaO" in str(b.binding)
    assert b.best_single_eur_per_t is None and b.cheaper_than_single


def test_why_each_component_is_there():
    _, bl = blends_of([ash("LOW", 4, 5), ash("HIGH", 38, 20, material_type="ggbs")], geo_need())
    why = {p.stream_id: [str(r) for r in p.adds] for p in bl[0].parts}
    assert why["HIGH"] == ["adds CaO: 38 wt% vs 4 wt%"]
    assert why["LOW"] == ["lowers CaO: 4 wt% vs 38 wt%"]


def test_haulage_of_each_component_is_in_the_delivered_cost():
    near, far = ash("NEAR", 4, 5, lat=65.0), ash("FAR", 40, 5, lat=66.0, material_type="ggbs")
    _, bl = blends_of([near, far], geo_need())
    parts = {p.stream_id: p for p in bl[0].parts}
    assert parts["NEAR"].transport_cost_eur_per_t == pytest.approx(0, abs=0.01)
    assert parts["FAR"].transport_cost_eur_per_t > 10
    assert parts["FAR"].delivered_eur_per_t == pytest.approx(5 + parts["FAR"].transport_cost_eur_per_t)
    assert bl[0].cost_eur_per_t == pytest.approx(sum(p.share * p.delivered_eur_per_t for p in bl[0].parts))


@pytest.mark.parametrize("key,bad,good,limit", [
    ("leach:Mo", 0.9, 0.1, {"max": 0.5}),
    ("ph", 13.2, 9.0, {"max": 12.5}),
    ("d50_mm", 0.2, 0.01, {"max": 0.045}),
    ("amorphous_pct", 20, 90, {"min": 40}),
    ("hydraulic_conductivity_m_s", 1e-6, 1e-9, {"max": 1e-8}),
])
def test_properties_that_do_not_mix_linearly_are_never_averaged(key, bad, good, limit):
    group = "leaching" if key.startswith("leach:") else "properties"

    def rec(id, cao, price, v):
        r = ash(id, cao, price, material_type="fbc_peat_ash" if id == "BAD" else "ggbs")
        r.setdefault(group, {})[key] = v
        if group == "properties" and key not in ("amorphous_pct", "d50_mm"):
            pass
        return r
    need = geo_need(requirements=[{"property": "CaO", "min": 15, "max": 30}, {"property": key, **limit}])
    # BAD is cheap and would average to a passing value with GOOD; it must not be used.
    m, bl = blends_of([rec("BAD", 4, 1, bad), rec("GOOD", 40, 30, good), rec("OTHER", 5, 10, good)], need)
    assert bl, "GOOD with OTHER meets the need"
    assert all("BAD" not in b.stream_ids for b in bl)


def test_an_additive_is_shown_as_such():
    _, bl = blends_of([ash("BASE", 14.6, 5, material_type="fbc_peat_ash"),
                       ash("LIME", 51, 50, material_type="lime_mud")],
                      geo_need(application="mass_stabilisation", requirements=[{"property": "CaO", "min": 15}]))
    b = bl[0]
    parts = {p.stream_id: p for p in b.parts}
    assert parts["LIME"].share < 0.05 and parts["LIME"].additive
    assert not parts["BASE"].additive
    assert any("additive" in str(r) for r in b.reasons)


def test_blends_only_where_cheaper_than_the_best_single_stream():
    streams = [ash("LOW", 4, 5), ash("HIGH", 40, 20, material_type="ggbs")]
    _, bl = blends_of(streams + [ash("ALONE", 20, 4.5)], geo_need())
    assert bl == [], "a stream meeting CaO 15-30 at 4.50 EUR/t beats every blend"
    _, bl = blends_of(streams + [ash("ALONE", 20, 30)], geo_need())
    assert bl and bl[0].best_single_eur_per_t == pytest.approx(30, abs=0.01)
    assert bl[0].cost_eur_per_t < 30 and "cheaper" in " ".join(map(str, bl[0].reasons))


def test_quantity_offered_caps_a_share():
    need = geo_need(min_quantity_t_per_year=10000)
    # (Not GGBS with coal fly ash: their documented mixture holds 30-70 % slag.)
    low = ash("LOW", 4, 5, q=100000, material_type="fbc_peat_ash")
    _, bl = blends_of([low, ash("HIGH", 60, 1, material_type="ggbs", q=2500)], need)
    parts = {p.stream_id: p for p in bl[0].parts}
    assert parts["HIGH"].share == pytest.approx(0.25, abs=1e-5)
    assert "quantity" in str(bl[0].binding)


def test_ratio_requirement_mixes_as_a_ratio_of_sums():
    need = geo_need(requirements=[{"property": "CaO", "per": "SiO2", "min": 0.5, "max": 1.0}])
    low = ash("LOW", 5, 5, comp={"SiO2": 50})
    high = ash("HIGH", 45, 20, material_type="ggbs", comp={"SiO2": 30})
    _, bl = blends_of([low, high], need)
    x = {p.stream_id: p.share for p in bl[0].parts}
    ratio = (5 * x["LOW"] + 45 * x["HIGH"]) / (50 * x["LOW"] + 30 * x["HIGH"])
    assert 0.5 <= ratio <= 0.5 + 1e-5


def test_hazardous_or_acid_forming_components_are_never_mixed_in():
    need = geo_need(application="cover_layer", requirements=[{"property": "CaO", "min": 15}])
    haz = ash("HAZ", 60, 0, ewc_code="19 01 07*", material_type="apc_residue", legal_status="waste")
    _, bl = blends_of([ash("LOW", 4, 5), haz, ash("HIGH", 40, 40)], need)
    assert bl and all("HAZ" not in b.stream_ids for b in bl)


def test_a_limit_a_partner_has_not_analysed_is_not_met_by_mixing():
    need = geo_need(requirements=[{"property": "CaO", "min": 15}, {"property": "Cd", "max": 5}])
    dirty = ash("DIRTY", 40, 1, material_type="ggbs", trace={"Cd": 8})
    unknown = ash("UNKNOWN", 4, 1)
    _, bl = blends_of([dirty, unknown], need)
    assert bl == []


def test_three_components_when_asked():
    need = geo_need(requirements=[{"property": "CaO", "min": 15, "max": 30}, {"property": "MgO", "min": 4}])
    a = ash("A", 4, 1, comp={"MgO": 1})
    b = ash("B", 40, 10, material_type="ggbs", comp={"MgO": 1})
    c = ash("C", 5, 10, material_type="fbc_peat_ash", comp={"MgO": 20})
    m, two = blends_of([a, b, c], need)
    _, three = blends_of([a, b, c], need, components=3)
    assert three and len(three[0].parts) == 3
    assert not two or three[0].cost_eur_per_t < two[0].cost_eur_per_t
    assert check_blend(m, m._need("N"), three[0], {s.id: s for s in m_streams(a, b, c)}) == []


def m_streams(*recs):
    from matching import validate_batch
    return validate_batch({"side_streams": list(recs), "needs": []})[0]


def test_labelled_published_mixtures_are_found_within_their_range_and_break_no_rule():
    out = evaluate_blends()
    assert out["total"] >= 3
    for case in out["cases"]:
        assert case["found"], f"{case['id']}: documented mixture not found; blends: {case['blends']}"
        assert case["in_range"], f"{case['id']}: share {case['share']} outside {case['expected_share']}"
        assert not case["violations"], case["violations"]
        assert not case["forbidden_used"], case["forbidden_used"]


def test_labelled_set_names_its_sources_and_types():
    doc = json.loads(BLENDS.read_text("utf-8"))
    k = read_blend_knowledge()
    ids = {x.id for x in k.mixtures}
    for case in doc["cases"]:
        assert case["source"] and case["mixture"] in ids
        lo, hi = case["expected"]["share"]
        assert 0 <= lo < hi <= 1


def test_rule_check_catches_a_broken_blend():
    m, bl = blends_of([ash("LOW", 4, 5), ash("HIGH", 40, 20, material_type="ggbs")], geo_need())
    b = bl[0]
    b.parts[0].share, b.parts[1].share = 0.99, 0.01
    assert check_blend(m, m._need("N"), b, {s.id: s for s in m.needs_ and m_streams(
        ash("LOW", 4, 5), ash("HIGH", 40, 20, material_type="ggbs"))})


def test_knowledge_errors_name_the_entry(tmp_path):
    doc = json.loads(BLENDS.parent.parent.joinpath("knowledge", "blends.json").read_text("utf-8"))
    doc["mixtures"][0]["components"][0]["types"] = ["ggbz"]
    p = tmp_path / "b.json"
    p.write_text(json.dumps(doc), "utf-8")
    with pytest.raises(ValueError, match=r"mixtures\[0\].*ggbz"):
        read_blend_knowledge(p)
    doc["mixtures"][0]["components"][0] = {"types": ["ggbs"], "share": [0.8, 0.2]}
    p.write_text(json.dumps(doc), "utf-8")
    with pytest.raises(ValueError, match="min <= max"):
        read_blend_knowledge(p)


def test_finnish_rendering():
    _, bl = blends_of([ash("LOW", 4, 5), ash("HIGH", 38, 20, material_type="ggbs")], geo_need())
    from babel.support import Translations
    from pathlib import Path
    mo = Path(__file__).resolve().parents[2] / "marketplace" / "translations"
    tr = Translations.load(str(mo), ["fi"], "messages")
    d = bl[0].to_dict(tr.gettext, "fi")
    text = json.dumps(d, ensure_ascii=False)
    assert "lisää CaO: 38 wt%, toisessa 4 wt%" in text
    assert "perille toimitettuna" in d["summary"] and "seuraava vaihe: laboratorion koeseos" in d["reasons"]
    assert any("," in c["line"] for c in d["components"])   # 5,00 €/t


def test_batch_command_puts_blends_beside_matches(tmp_path):
    batch = {"side_streams": [ash("LOW", 4, 5), ash("HIGH", 40, 20, material_type="ggbs")], "needs": [geo_need()]}
    p = tmp_path / "batch.json"
    p.write_text(json.dumps(batch), "utf-8")
    run = lambda *a: subprocess.run([sys.executable, "-m", "matching", "rank", "--input", str(p), *a],
                                    capture_output=True, text=True, check=True)
    plain = json.loads(run().stdout)
    with_blends = json.loads(run("--blends").stdout)
    assert set(with_blends) == {"matches", "blends"} and with_blends["matches"] == plain["matches"]
    b = with_blends["blends"]["N"][0]
    assert {c["stream_id"] for c in b["components"]} == {"LOW", "HIGH"}
    assert b["next_step"] == "trial_mix" and b["binding"]
