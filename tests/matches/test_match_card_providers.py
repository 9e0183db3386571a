"""Match cards list the nearest providers of an analysis the match misses, for the stream's
owner and the brokers only; a card with nothing to suggest renders as before."""
from __future__ import annotations

import pytest

from tests.matches.test_site_matches import FLY_ASH, refresh
from tests.providers.helpers import make_provider

REQUIREMENTS = [{"property": "SiO2+Al2O3", "min": 50}, {"property": "leach:Mo", "max": 0.5}]
LAB = "Oulun Liukoisuuslaboratorio Oy"


@pytest.fixture
def pair(app, make):
    supplier = make.organisation(name="Oulun Energia Testi Oy", place="Oulu", lat=65.01, lon=25.47)
    buyer = make.organisation(name="Kittilän Kaivos Testi Oy", place="Kittilä", lat=67.9, lon=25.0)
    stream = make.stream(supplier, title="Coal and peat fly ash", category="ash", values=FLY_ASH,
                         lat=65.01, lon=25.47, ewc_code="10 01 02", quantity_t_per_year=30000)
    need = make.need(buyer, title="Geopolymer cover", requirements=REQUIREMENTS, lat=67.9, lon=25.0,
                     max_distance_km=500, quantity_t_per_year=5000)
    refresh(app)
    return {"supplier": supplier, "buyer": buyer, "stream": stream, "need": need,
            "owner": make.user(supplier), "buyer_member": make.user(buyer),
            "broker": make.user(None, role="broker")}


def _lab(make):
    lab = make.organisation(name=LAB, kind="provider", place="Oulu", lat=65.02, lon=25.48)
    return make_provider(make, lab, services=({"kind": "analysis_leaching", "lead_time_days": 10},))


def test_the_owner_and_brokers_see_who_can_measure_the_missing_analysis(client, auth, make, pair):
    _lab(make)
    url = f"/matches/streams/{pair['stream'].id}"
    for user in ("owner", "broker"):
        auth.login(pair[user].email)
        response = client.get(url)
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        assert "leach:Mo" in page, "the match should miss the leaching test"
        assert LAB in page and "gap-providers" in page
        auth.logout()


def test_the_counterpart_sees_no_providers_on_its_card(client, auth, make, pair):
    _lab(make)
    auth.login(pair["buyer_member"].email)
    response = client.get(f"/matches/needs/{pair['need'].id}")
    assert response.status_code == 200
    assert LAB not in response.get_data(as_text=True)


def test_a_card_with_no_provider_to_suggest_still_renders(client, auth, pair):
    auth.login(pair["owner"].email)
    response = client.get(f"/matches/streams/{pair['stream'].id}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Geopolymer cover" in page and LAB not in page
    assert client.get(f"/matches/streams/{pair['stream'].id}/ideas").status_code == 200
