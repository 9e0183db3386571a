"""From a missing analysis to the nearest providers of an analysis that measures it."""
from __future__ import annotations

from matching import vocabulary as V

from marketplace.providers import vocabulary
from marketplace.providers.search import providers_for_missing
from tests.providers.conftest import STREAM_AT


def test_every_key_of_the_vocabulary_is_measured_by_an_analysis():
    for key in V.ALL_KEYS:
        assert vocabulary.kinds_measuring(key), key
    for kind in vocabulary.SERVICE_KINDS:
        assert all(V.is_known(k) for k in vocabulary.measures(kind)), kind


def test_analyses_are_tied_to_their_keys_and_standards():
    assert vocabulary.kinds_measuring("leach:Mo") == ("analysis_leaching",)
    assert vocabulary.kinds_measuring("SiO2") == ("analysis_xrf",)
    assert vocabulary.kinds_measuring("S_sulphide") == ("analysis_carbon_sulphur",)
    assert vocabulary.kinds_measuring("los_angeles") == ("analysis_abrasion",)
    assert vocabulary.kinds_measuring("ewc_code") == ()
    assert vocabulary.standard("analysis_leaching") == "EN 12457-2"
    assert vocabulary.standard("analysis_neutralising_value") == "EN 12945"
    assert vocabulary.standard("analysis_xrf") == "EN 15309"


def test_the_nearest_providers_of_the_analysis_that_measures_the_missing_key(make, labs, session):
    organisation = make.organisation()
    stream = make.stream(organisation, lat=STREAM_AT[0], lon=STREAM_AT[1])
    suggestions = providers_for_missing(stream, ["leach:Mo", "leach:Cr", "ewc_code"])
    assert [s.kind for s in suggestions] == ["analysis_leaching"]
    assert suggestions[0].keys == ["leach:Mo", "leach:Cr"]
    offers = suggestions[0].offers
    # Nearest first; the XRF lab next door measures no leaching, the unverified one is not shown.
    assert [o.organisation.name for o in offers] == ["Keminmaan Laboratorio Oy", "Oulun Laboratorio Oy"]
    assert 28 < offers[0].distance_km < 32
    assert offers[0].distance_km < offers[1].distance_km


def test_the_ideas_page_lists_providers_for_a_missing_leaching_test(client, make, auth, labs):
    organisation = make.organisation()
    owner = make.user(organisation)
    stream = make.stream(organisation, title="Kuona", lat=STREAM_AT[0], lon=STREAM_AT[1],
                         values={"SiO2": 30.0, "Al2O3": 6.0, "CaO": 42.0, "MgO": 10.0})
    auth.login(owner.email)
    page = client.get(f"/matches/streams/{stream.id}/ideas").get_data(as_text=True)
    if "leach:" in page:
        assert "Keminmaan Laboratorio Oy" in page
        assert "Piilolaboratorio Oy" not in page
