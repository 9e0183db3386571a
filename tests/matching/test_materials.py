"""The material catalogue (matching/knowledge/materials.json) as a specification:
its format, its completeness against the contract, and the expert judgements it
must encode."""
import json
from pathlib import Path

import pytest

from matching import vocabulary as V
from matching.materials import (LANGUAGES, STATUSES, contract_applications, contract_types,
                                load_catalogue, read_catalogue)

ROOT = Path(__file__).resolve().parents[2]
LIST_OF_WASTE = ROOT / "marketplace" / "data" / "list_of_waste.json"


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue()


@pytest.fixture(scope="module")
def list_of_waste():
    doc = json.loads(LIST_OF_WASTE.read_text("utf-8"))
    return {e["code"]: e["hazardous"] for e in doc["entries"]}


def test_every_contract_type_is_in_the_catalogue(catalogue):
    assert set(contract_types()) <= set(catalogue.types)
    assert len(catalogue.types) >= 47


def test_applications_are_the_need_schemas_without_other(catalogue):
    assert "other" not in catalogue.applications
    for new in ("mass_stabilisation", "mine_backfill", "phosphorus_filter",
                "cement_raw_material", "co2_mineralisation"):
        assert new in catalogue.applications
    assert catalogue.applications == contract_applications()


def test_every_type_is_fully_written(catalogue):
    for key, t in catalogue.types.items():
        assert t.key == key
        assert set(t.names) == set(LANGUAGES) and all(t.names.values()), key
        assert all(t.synonyms[lang] for lang in LANGUAGES), key
        assert all(w == w.lower() for ws in t.synonyms.values() for w in ws), key
        assert t.ewc_codes and t.composition and t.deciding and t.uses, key
        assert t.composition_source in catalogue.sources, key


def test_composition_uses_the_vocabulary_and_ranges_are_ordered(catalogue):
    for t in catalogue.types.values():
        for prop, (lo, hi) in t.composition.items():
            assert V.is_known(prop), (t.key, prop)
            assert lo <= hi, (t.key, prop)
            if V.kind_of(prop) == "composition":
                assert 0 <= lo and hi <= 100, (t.key, prop)


def test_codes_are_on_the_list_of_waste_with_the_right_asterisk(catalogue, list_of_waste):
    for t in catalogue.types.values():
        for code in t.ewc_codes:
            bare = code.rstrip("*")
            assert bare in list_of_waste, (t.key, code)
            assert code.endswith("*") == list_of_waste[bare], (t.key, code, "asterisk disagrees with the list")


def test_every_use_cites_a_source_and_reads_in_three_languages(catalogue):
    for t in catalogue.types.values():
        for app, use in t.uses.items():
            assert app in catalogue.applications
            assert use.status in STATUSES
            assert use.source in catalogue.sources, (t.key, app)
            assert all(use.reason[lang] for lang in LANGUAGES), (t.key, app)
            if use.condition:
                V.parse_expression(use.condition.property)
                assert use.condition.min is not None or use.condition.max is not None


def test_every_source_is_cited_and_says_where_it_was_not_verified(catalogue):
    cited = {u.source for t in catalogue.types.values() for u in t.uses.values()}
    cited |= {t.composition_source for t in catalogue.types.values()}
    assert set(catalogue.sources) <= cited | {"low"}, set(catalogue.sources) - cited
    for key, text in catalogue.sources.items():
        assert len(text) > 40, key


def test_not_documented_is_none_and_unknown_application_is_an_error(catalogue):
    assert catalogue.use("ggbs", "fuel") is None
    with pytest.raises(KeyError):
        catalogue.use("ggbs", "other")


@pytest.mark.parametrize("fault, message", [
    (lambda d: d["types"]["ggbs"]["composition"].update({"Sio2": [1, 2]}), "unknown property key 'Sio2'"),
    (lambda d: d["types"]["ggbs"]["composition"].update({"CaO": [45, 32]}), "min above max"),
    (lambda d: d["types"]["ggbs"]["uses"]["cement_scm"].update({"source": "nowhere"}), "source 'nowhere'"),
    (lambda d: d["types"]["ggbs"]["uses"]["cement_scm"].update({"status": "maybe"}), "status must be one of"),
    (lambda d: d["types"]["ggbs"]["uses"].update({"road_salt": d["types"]["ggbs"]["uses"]["cement_scm"]}),
     "unknown application 'road_salt'"),
    (lambda d: d["types"]["ggbs"]["names"].pop("sv"), "languages"),
    (lambda d: d["types"]["ggbs"]["synonyms"]["fi"].append("Masuunihiekka"), "lower-case"),
])
def test_a_faulty_file_is_refused_naming_the_place(tmp_path, fault, message):
    doc = json.loads((ROOT / "matching" / "knowledge" / "materials.json").read_text("utf-8"))
    fault(doc)
    path = tmp_path / "materials.json"
    path.write_text(json.dumps(doc), "utf-8")
    with pytest.raises(ValueError, match=message):
        read_catalogue(path)


def _status(catalogue, key, app):
    use = catalogue.use(key, app)
    return use.status if use else None


@pytest.mark.parametrize("key, app, status", [
    ("tailings_sulphidic", "cover_layer", "unsuitable"),
    ("tailings_sulphidic", "earth_construction", "unsuitable"),
    ("tailings_sulphidic", "concrete_aggregate", "unsuitable"),
    ("tailings_sulphidic", "mine_backfill", "possible"),
    ("quartz_fines", "geopolymer_binder", "unsuitable"),
    ("quartz_fines", "cement_scm", "unsuitable"),
    ("acbfs", "geopolymer_binder", "unsuitable"),
    ("acbfs", "cement_scm", "unsuitable"),
    ("acbfs", "concrete_aggregate", "proven"),
    ("ggbs", "geopolymer_binder", "proven"),
    ("ggbs", "cement_scm", "proven"),
    ("waste_rock_paf", "cover_layer", "unsuitable"),
    ("waste_rock_paf", "earth_construction", "unsuitable"),
    ("waste_rock_paf", "concrete_aggregate", "unsuitable"),
    ("waste_rock_paf", "mine_backfill", "possible"),
    ("acbfs", "earth_construction", "proven"),
    ("coal_fly_ash", "cement_scm", "proven"),
    ("fbc_wood_ash", "cement_scm", "unsuitable"),
    ("fbc_peat_ash", "cement_scm", "unsuitable"),
    ("fbc_mixed_ash", "cement_scm", "unsuitable"),
    ("grate_wood_ash", "cement_scm", "unsuitable"),
    ("fbc_wood_ash", "fertiliser", "proven"),
    ("fecr_slag_lumpy", "concrete_aggregate", "proven"),
    ("fecr_slag_lumpy", "earth_construction", "proven"),
    ("fecr_slag_lumpy", "liming_agent", "unsuitable"),
    ("fecr_slag_granulated", "liming_agent", "unsuitable"),
    ("eaf_slag_stainless", "liming_agent", "unsuitable"),
    ("eaf_slag_carbon", "liming_agent", "unsuitable"),
    ("apc_residue", "earth_construction", "unsuitable"),
    ("apc_residue", "concrete_aggregate", "unsuitable"),
    ("green_liquor_dregs", "cover_layer", "proven"),
    ("green_liquor_dregs", "liming_agent", "proven"),
    ("eaf_slag_carbon", "neutralisation", "unsuitable"),
    ("fecr_slag_lumpy", "neutralisation", "unsuitable"),
    ("feldspar_fines", "geopolymer_binder", "unsuitable"),
    ("limestone_fines", "liming_agent", "proven"),
    ("burnt_lime_fines", "neutralisation", "proven"),
])
def test_expert_judgements(catalogue, key, app, status):
    assert _status(catalogue, key, app) == status


def test_binder_uses_of_slag_depend_on_glass(catalogue):
    cond = catalogue.use("ggbs", "cement_scm").condition
    assert cond.property == "amorphous_pct" and cond.min >= 66


def test_wood_ash_is_a_forest_fertiliser_by_its_cadmium(catalogue):
    use = catalogue.use("fbc_wood_ash", "fertiliser")
    assert (use.condition.property, use.condition.max) == ("Cd", 25)
    assert "forest" in use.reason["en"] and "1.5" in use.reason["en"]


def test_slag_dosed_as_a_reagent_depends_on_particle_size(catalogue):
    cond = catalogue.use("bof_slag", "neutralisation").condition
    assert cond.property == "max_particle_mm" and cond.max <= 1


def test_en_450_is_cited_only_for_ash_and_en_15167_only_for_slag(catalogue):
    for t in catalogue.types.values():
        for use in t.uses.values():
            if use.source == "en450":
                assert t.category == "ash", t.key
            if use.source == "en15167":
                assert t.category == "slag", t.key
    assert catalogue.use("coal_fly_ash", "cement_scm").source == "en450"
    assert catalogue.use("ggbs", "cement_scm").source == "en15167"


def test_every_application_has_a_proven_material(catalogue):
    # Road dust is bound with hygroscopic salts or lignosulphonate, none of which is
    # a contract material type; the catalogue documents only what must not be spread.
    for app in catalogue.applications:
        if app == "dust_binder":
            assert catalogue.with_status(app, "unsuitable")
            continue
        assert catalogue.with_status(app, "proven"), app


def test_contract_categories_agree(catalogue):
    types = contract_types()
    for key, t in catalogue.types.items():
        assert types[key] == t.category, key


def test_what_suits_a_use_is_what_the_engine_does_not_refuse_and_documents():
    """Catalogue.suited (the site's "suitable for" filter) names exactly the types the
    engine ranks in a documented tier (proven or possible) for the use; the site's filter
    reads only this function."""
    catalogue = load_catalogue()
    for app in contract_applications():
        types, categories = catalogue.suited(app)
        for key in catalogue.types:
            use = catalogue.use(key, app)
            assert (key in types) == (use is not None and use.status in ("proven", "possible")), (app, key)
        assert set(categories) == {catalogue.types[k].category for k in types}
    assert catalogue.suited("other") == ([], [])
