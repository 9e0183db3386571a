"""rank_all (batched) must equal rank_streams need by need."""
import numpy as np

from matching import Matcher, Need, Requirement, Stream

CATS = ["slag", "ash", "dust", "sludge", "lime_residue", "dregs", "mineral_fines", "waste_rock", "gypsum"]
APPS = ["geopolymer_binder", "liming_agent", "cement_scm", "earth_construction", "neutralisation",
        "fertiliser", "cover_layer", "concrete_aggregate", "filler", "soil_improver", "other"]
KEYS = ["SiO2", "Al2O3", "CaO", "MgO", "LOI", "SO3", "Cd", "Cr", "Ni", "Zn", "As", "Hg", "Pb", "Cu",
        "leach:Ni", "leach:Cr", "leach:Mo", "leach:Cl", "neutralising_value_pct", "amorphous_pct", "los_angeles"]
CODES = ["10 01 02", "10 02 02", "10 02 07*", "03 03 09", "19 12 12", None]
STATUS = ["waste", "by_product", "end_of_waste", "product", None]


def _random_batch(seed=7, n_streams=200, n_needs=44):
    rng = np.random.default_rng(seed)
    streams = []
    for i in range(n_streams):
        vals = {k: float(np.round(rng.lognormal(1, 1.2), 3)) for k in KEYS if rng.random() < 0.6}
        streams.append(Stream(id=f"S{i:03d}", title=f"stream {CATS[i % len(CATS)]} {i % 7}", category=CATS[i % len(CATS)],
                              lat=65 + rng.normal(0, 0.8), lon=25 + rng.normal(0, 1.5),
                              ewc_code=CODES[rng.integers(len(CODES))], legal_status=STATUS[rng.integers(len(STATUS))],
                              values=vals, quantity_t_per_year=None if rng.random() < 0.2 else float(rng.integers(100, 50000)),
                              price_eur_per_t=None if rng.random() < 0.5 else float(rng.integers(-5, 30))))
    needs = []
    for i in range(n_needs):
        app = APPS[i % len(APPS)]
        reqs = (Requirement("CaO", min=20),) if i % 4 == 0 else ()
        needs.append(Need(id=f"N{i:02d}", title=f"need {app}", application=app, lat=65 + rng.normal(0, 0.8),
                          lon=25 + rng.normal(0, 1.5), requirements=reqs,
                          description="paved field" if i % 5 == 0 else "",
                          accepts_waste=[None, True, False][i % 3],
                          permitted_ewc_codes=("10 02 02",) if i % 6 == 0 else None,
                          quantity_t_per_year=5000.0, min_quantity_t_per_year=1000.0 if i % 7 == 0 else None,
                          max_distance_km=[None, 150, 300][i % 3], max_price_eur_per_t=20.0 if i % 2 else None))
    return streams, needs


def _dump(ms):
    return [(x.stream_id, x.score, x.feasible, x.verified, x.road_km, x.components, x.to_contract(), x.rules)
            for x in ms]


def test_rank_all_equals_rank_streams():
    streams, needs = _random_batch()
    m = Matcher().fit(streams, needs)
    for infeasible in (False, True):
        batched = m.rank_all(top=8, include_infeasible=infeasible)
        assert list(batched) == [n.id for n in needs]
        for n in needs:
            assert _dump(batched[n.id]) == _dump(m.rank_streams(n.id, top=8, include_infeasible=infeasible)), n.id
