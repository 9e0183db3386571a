"""Recognition of material types from what sellers write and measure."""
import numpy as np
import pytest

from matching.materials import load_catalogue
from matching.recognition import Recogniser, category_only, category_share
from matching.weights import MIN_MATERIAL_CONFIDENCE


@pytest.fixture(scope="module")
def recogniser():
    return Recogniser().fit(load_catalogue())


def _rec(title, description="", category="other", ewc_code=None, **values):
    return {"title": title, "description": description, "category": category,
            "ewc_code": ewc_code, "values": values}


# Records as sellers write them: Finnish, Swedish and English titles, inflected
# and compound words, partial or no analyses, codes without spaces.
SELLER_RECORDS = [
    (_rec("Masuunikuonaa myytävänä", "granuloitu ja jauhettu, lasipitoisuus yli 90 %", "slag", "100202", CaO=38, SiO2=35), "ggbs"),
    (_rec("Kuonamurske 0-32 mm", "ilmajäähdytettyä masuunikuonaa tierakentamiseen", "slag", "10 02 02"), "acbfs"),
    (_rec("Lentotuhkat voimalaitokselta", "kivihiilen pölypoltto, sähkösuodatin", "ash", "10 01 02", SiO2=52, Al2O3=25, LOI=4), "coal_fly_ash"),
    (_rec("Rikastushiekka", "kultakaivoksen flotaatio, arseenikiisua", "tailings", "01 03 04*", S=4), "tailings_sulphidic"),
    (_rec("Träaska från fluidbädd", "bark och flis från massabruket", "ash", None, Cd=8, CaO=25, K2O=4), "fbc_wood_ash"),
    (_rec("Viherlipeäsakka", "", "dregs"), "green_liquor_dregs"),
    (_rec("OKTO aggregate 0/16", "Tornio works", "slag", None, Cr2O3=6, MgO=23, Al2O3=25), "fecr_slag_lumpy"),
    (_rec("Sivukivi", "mustaliuske, kiisupitoinen", "waste_rock", "01 01 01", S=3, S_sulphide=2.8), "waste_rock_paf"),
    (_rec("Stream 17", "", "slag", None, CaO=45, Fe2O3=25, SiO2=12, MnO=3, V=1500), "bof_slag"),
    (_rec("Quartz sand", "", "mineral_fines", None, SiO2=98.5), "quartz_fines"),
    (_rec("Meesaa sellutehtaalta", "kaustisointi, kosteus 35 %", "lime_residue", "03 03 09"), "lime_mud"),
    (_rec("Betonimursketta 0/45", "purkukohteesta, BEM", "other", "17 01 01"), "crushed_concrete"),
    (_rec("Gjuterisand", "använd formsand från järngjuteri", "other", "10 09 08"), "foundry_sand"),
    (_rec("Fosfokipsi", "Siilinjärven kipsi peltokäyttöön", "gypsum", "06 09 04", CaO=32, SO3=45), "phosphogypsum"),
    (_rec("Kalkkikivijauhe", "maatalouskalkki, neutralointikyky 48 %", "mineral_fines", None, neutralising_value_pct=48, CaO=51), "limestone_fines"),
    (_rec("Valssihilse", "öljyinen hilse valssaamolta", "metal_scrap", "10 02 10"), "mill_scale"),
    (_rec("Jätteenpolton pohjakuona", "ikääntetty, metallit erotettu", "ash", "19 01 12"), "mswi_bottom_ash"),
    (_rec("Savukaasunpuhdistusjäte", "jätevoimalan APC-jäte", "dust", "19 01 07*"), "apc_residue"),
    (_rec("Kuitusavi", "paperitehtaan primääriliete", "sludge", "03 03 10", moisture_pct=60), "fibre_clay"),
    (_rec("Krossat gråberg 0-63", "icke syrabildande, granit", "waste_rock", None, S=0.05, los_angeles=24), "waste_rock_naf"),
    (_rec("Peat fly ash", "fluidised bed boiler, peat", "ash", "10 01 03", SiO2=45, Fe2O3=12), "fbc_peat_ash"),
    (_rec("Bark", "debarking drum, fuel grade", "biomass_residue", "03 01 01", calorific_value_mj_kg=19), "bark_wood_residue"),
]


@pytest.mark.parametrize("record, expected", SELLER_RECORDS, ids=[r["title"] for r, _ in SELLER_RECORDS])
def test_seller_records_are_read_as_their_material(recogniser, record, expected):
    (key, confidence), = recogniser.predict([record])
    assert key == expected, (key, confidence)


def test_a_stated_material_type_wins(recogniser):
    record = _rec("Masuunikuonaa", "", "slag", "10 02 02")
    record["material_type"] = "acbfs"
    assert recogniser.predict([record]) == [("acbfs", 1.0)]


@pytest.mark.parametrize("category", ["slag", "ash"])
def test_records_with_nothing_to_read_get_low_confidence(recogniser, category):
    (key, confidence), = recogniser.predict([_rec("Sivuvirta", "erä saatavilla", category)])
    assert confidence < 0.5


def test_composition_alone_tells_the_slags_apart(recogniser):
    high_cr = _rec("", "", "slag", None, SiO2=30, Al2O3=25, MgO=23, Cr2O3=7, CaO=2)
    bof = _rec("", "", "slag", None, CaO=45, SiO2=12, Fe2O3=22, MnO=3, CaO_free=6)
    assert [k for k, _ in recogniser.predict([high_cr, bof])] in (
        ["fecr_slag_lumpy", "bof_slag"], ["fecr_slag_granulated", "bof_slag"])


def test_contract_records_are_read_from_their_groups(recogniser):
    record = {"title": "Kivihiilen lentotuhka", "category": "ash", "ewc_code": "10 01 02",
              "composition": {"SiO2": 52, "Al2O3": 25}, "properties": {"amorphous_pct": 70}}
    assert recogniser.predict([record])[0][0] == "coal_fly_ash"


# A bare title with only a generic word tells the category, not the type.
VAGUE_RECORDS = [
    _rec("Kuona", "", "slag"),
    _rec("slag", "", "slag"),
    _rec("Sivuvirta", "", "other"),
    _rec("Sivuvirta", "erä saatavilla", "ash"),
    _rec("Tuhkaa myydään", "", "ash"),
    _rec("Kuonaa tarjolla", "noudettavissa", "slag"),
    _rec("Sivukivi", "", "waste_rock"),
]


@pytest.mark.parametrize("record", VAGUE_RECORDS, ids=[f"{r['title']}/{r['category']}" for r in VAGUE_RECORDS])
def test_a_bare_generic_title_reads_as_its_category_only(recogniser, record):
    (key, confidence), = recogniser.predict([record])
    assert not recogniser.has_evidence(record)
    assert confidence <= category_share(key, record["category"]) + 1e-6
    assert confidence < MIN_MATERIAL_CONFIDENCE or record["category"] == "waste_rock"
    assert category_only(key, confidence, record["category"])


def test_the_category_share_is_the_prior_of_its_types():
    slags = [k for k, t in load_catalogue().types.items() if t.category == "slag"]
    assert category_share("ggbs", "slag") == pytest.approx(1 / len(slags))
    # A category of one type: the category tells the type.
    assert category_share("green_liquor_dregs", "dregs") == 1.0
    assert not category_only("green_liquor_dregs", 1.0, "dregs")


@pytest.mark.parametrize("record, expected", [
    (_rec("Masuunikuonaa", "", "slag"), None),                   # a compound naming the type
    (_rec("Kuonamurske 0/32", "", "slag"), "acbfs"),
    (_rec("Kuona", "", "slag", "10 02 02"), None),               # a List of Waste code
    (_rec("Kuona", "", "slag", None, CaO=45, Fe2O3=22, V=1500), None),  # an analysis
    (_rec("Kalkkikivijauhe", "", "mineral_fines"), "limestone_fines"),
    (_rec("Viherlipeäsakka", "", "dregs"), "green_liquor_dregs"),
])
def test_a_word_beyond_the_category_a_code_or_an_analysis_is_evidence(recogniser, record, expected):
    assert recogniser.has_evidence(record)
    (key, confidence), = recogniser.predict([record])
    assert not category_only(key, confidence, record["category"])
    if expected:
        assert key == expected


def test_confidence_is_calibrated_on_held_out_reference_samples(recogniser):
    """Reliability: on samples drawn with another seed, the share of correct
    readings in each confidence band matches the band's mean confidence."""
    catalogue = load_catalogue()
    records, labels = Recogniser(samples_per_type=60, random_state=7).reference_samples(catalogue)
    proba = recogniser.predict_proba(records)
    best = proba.argmax(axis=1)
    confidence = proba[np.arange(len(records)), best]
    correct = recogniser.classes_[best] == np.array(labels)
    bins = np.minimum((confidence * 10).astype(int), 9)
    ece = 0.0
    for b in range(10):
        inside = bins == b
        if not inside.any():
            continue
        gap = abs(correct[inside].mean() - confidence[inside].mean())
        ece += inside.mean() * gap
        if inside.sum() >= 30:
            assert gap <= 0.15, (b, correct[inside].mean(), confidence[inside].mean())
    assert ece <= 0.03, ece
    assert correct.mean() >= 0.9


def test_estimator_conventions():
    r = Recogniser(samples_per_type=20, random_state=3)
    assert r.get_params()["samples_per_type"] == 20
    assert not hasattr(r, "classes_")
    small = load_catalogue()
    assert r.fit(small) is r
    again = Recogniser(samples_per_type=20, random_state=3).fit(small)
    record = _rec("Masuunikuona", "", "slag", "10 02 02", CaO=38)
    assert r.predict([record]) == again.predict([record])


def test_a_match_of_a_bare_slag_says_slag_type_not_known():
    from mhelpers import fit, need_rec, stream_rec
    m = fit([stream_rec("K", title="Kuona", category="slag")], [need_rec(application="mass_stabilisation")])
    by_id = {x.stream_id: x for x in m.rank_streams("N", top=5, include_infeasible=True)}
    vague = by_id["K"]
    assert not vague.verified and vague.material_confidence < MIN_MATERIAL_CONFIDENCE
    assert "read as slag, type not known: the material type is unverified" in [str(r) for r in vague.reasons]
    finnish = [r.render(lambda s: s, "fi") for r in vague.reasons]
    assert "read as kuona, type not known: the material type is unverified" in finnish  # the category in Finnish
