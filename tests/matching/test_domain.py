"""Domain rules checked against the acts (see the notes in
matching/knowledge/applications.json): MARA 843/2017 scope, structure classes
and statuses; fertiliser regimes and the forest-ash alternative."""
import pytest

from mhelpers import fit, need_rec, stream_rec

# Within MARA Annex 2 Table 1: covered field 0.4, paved field 1.2 (leach:Ni).
LEACH_OK = {"leach:Ni": 0.3, "leach:Cr": 0.1, "leach:Zn": 1}
LEACH_PAVED_ONLY = {"leach:Ni": 1.0, "leach:Cr": 0.1, "leach:Zn": 1}


def _one(stream, need):
    return fit([stream], [need]).rank_streams("N", include_infeasible=True)[0]


def texts(x):
    return [str(r) for r in x.reasons]


def test_mara_listed_waste_covered_by_default_and_reason_says_so():
    s = stream_rec("fa", category="ash", ewc_code="10 01 02", legal_status="waste", leaching=LEACH_PAVED_ONLY)
    x = _one(s, need_rec(application="earth_construction", accepts_waste=True))
    assert not x.feasible
    t = texts(x)
    assert any("leaching of Ni 1 mg/kg exceeds the limit 0.4 mg/kg" in r and "Kenttä, peitetty" in r for r in t), t
    assert "structure not stated: the stricter covered structure is applied" in t
    assert "mara-field-covered-Ni" in x.rules and "mara-field-paved-Ni" not in x.rules


def test_mara_paved_structure_when_need_says_so():
    s = stream_rec("fa", category="ash", ewc_code="10 01 02", legal_status="waste", leaching=LEACH_PAVED_ONLY)
    x = _one(s, need_rec(application="earth_construction", accepts_waste=True,
                         description="Asfaltilla päällystetty kenttä / paved storage field"))
    assert x.feasible
    assert "mara-field-paved-Ni" in x.rules
    assert any(r.startswith("read as: paved structure, field") for r in texts(x)), texts(x)


@pytest.mark.parametrize("status,applied", [("waste", True), (None, True), ("product", False),
                                            ("end_of_waste", False), ("by_product", False)])
def test_mara_limits_only_for_waste_and_unstated(status, applied):
    s = stream_rec("fecr", category="slag", ewc_code="10 01 02", leaching={"leach:Cr": 3},
                   **({"legal_status": status} if status else {}))
    x = _one(s, need_rec(application="earth_construction", accepts_waste=True))
    assert x.feasible is (not applied)
    assert ("mara-field-covered-Cr" in x.rules) is applied
    if not applied:
        assert any("applies to wastes only, its limits are not applied" in r for r in texts(x))


def test_mara_refuses_waste_not_in_annex1_unless_permit_names_it():
    slag = stream_rec("fecr", category="slag", ewc_code="10 02 02", legal_status="waste", leaching=LEACH_OK)
    x = _one(slag, need_rec(application="earth_construction", accepts_waste=True))
    assert not x.feasible
    assert any("not among the wastes of Decree 843/2017 (MARA): not under the decree, an environmental permit"
               in r for r in texts(x))
    y = _one(slag, need_rec(application="earth_construction", accepts_waste=True, permitted_ewc_codes=["10 02 02"]))
    assert y.feasible and any("the receiver's permit names this code" in r for r in texts(y))
    listed = stream_rec("fa", category="ash", ewc_code="10 01 02", legal_status="waste", leaching=LEACH_OK)
    z = _one(listed, need_rec(application="earth_construction", accepts_waste=True))
    assert z.feasible and any("is a waste listed in Decree 843/2017" in r for r in texts(z))


def test_mara_unstated_status_not_listed_is_flagged_not_refused():
    s = stream_rec("x", category="slag", ewc_code="10 02 02", leaching=LEACH_OK)
    x = _one(s, need_rec(application="earth_construction"))
    assert x.feasible
    assert any("if the stream is waste, an environmental permit is needed" in r for r in texts(x))


def test_mara_waste_without_code_is_unverified():
    s = stream_rec("x", category="ash", legal_status="waste", leaching=LEACH_OK)
    x = _one(s, need_rec(application="earth_construction", accepts_waste=True))
    assert x.feasible and not x.verified and "ewc_code" in x.missing


def test_fertiliser_ash_cadmium_national_and_forest_alternative():
    ash = stream_rec("ash", category="ash", trace={"Cd": 2.0, "As": 5, "Hg": 0.1, "Ni": 20, "Pb": 10, "Cr": 50,
                                                   "Cu": 50, "Zn": 300})
    x = _one(ash, need_rec(application="fertiliser"))
    # Land use not stated: the field class 1C1 (Cd 1.5) of the national regime is
    # broken, but the EU regime (PFC 1(C)(I), Cd 3) is met, and one regime suffices.
    assert x.feasible
    t = texts(x)
    assert any(r.startswith("no limit of the EU regime (Regulation (EU) 2019/1009) is broken") for r in t), t
    assert any(r.startswith("national regime (MMM decree 964/2023): Cd 2 mg/kg exceeds 1.5 mg/kg") for r in t), t
    assert "land use not stated: the stricter field fertiliser class is applied" in t, t


def test_forest_ash_fertiliser_read_from_text_uses_class_1C3():
    wood_ash = stream_rec("ash", category="ash", material_type="fbc_wood_ash",
                          composition={"K2O": 4, "P2O5": 2.5},
                          trace={"Cd": 8.5, "As": 5, "Hg": 0.1, "Ni": 20, "Pb": 10, "Cr": 50, "Cu": 50, "Zn": 900})
    x = _one(wood_ash, need_rec(application="fertiliser", title="Tuhkalannoite metsään",
                                description="Metsätuhkalannoite turvemaiden kasvatuslannoitukseen"))
    t = texts(x)
    assert x.feasible, t
    assert any(r.startswith("read as: forest use") for r in t), t
    assert "mmm964-1c3-Cd" in x.rules and "mmm964-1c1-Cd" not in x.rules
    assert any(r.startswith("no limit of the national regime (MMM decree 964/2023) is broken") for r in t), t
    # Stated context wins over the text; a mine site is under its permit, not product law.
    y = _one(wood_ash, need_rec(application="fertiliser", context={"land_use": "mine_site"}))
    assert y.feasible and not [r for r in y.rules if r.startswith(("mmm964", "fpr"))]
    assert any("fertiliser product law does not apply" in r for r in texts(y))


def test_covered_road_read_from_finnish_text_takes_the_road_column():
    ash = stream_rec("pa", category="ash", ewc_code="10 01 03", legal_status="waste", material_type="fbc_peat_ash",
                     leaching={"leach:Mo": 1.2, "leach:Ni": 0.3, "leach:Cr": 0.1})
    need = need_rec(application="earth_construction", accepts_waste=True, title="Kaivostien rakennekerros",
                    description="Peitetty väylä, kantava kerros")
    x = _one(ash, need)
    # Mo 1.2 passes the covered road (1.5), not the covered field (0.5).
    assert "mara-road-covered-Mo" in x.rules and x.feasible, texts(x)
    assert any(r.startswith("read as: covered structure, road") for r in texts(x)), texts(x)


def test_important_groundwater_area_is_outside_the_decree():
    ash = stream_rec("fa", category="ash", ewc_code="10 01 02", legal_status="waste", leaching=LEACH_OK)
    x = _one(ash, need_rec(application="earth_construction", accepts_waste=True, context={"groundwater_area": True}))
    assert not x.feasible
    assert any("important groundwater area" in r for r in texts(x))


def test_fertiliser_forest_note_only_for_ash():
    sludge = stream_rec("sl", category="sludge", trace={"Cd": 2.0})
    x = _one(sludge, need_rec(application="fertiliser"))
    assert not any("forest use" in r for r in texts(x))
