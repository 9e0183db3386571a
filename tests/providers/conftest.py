from __future__ import annotations

import pytest

from tests.providers.helpers import make_provider

# The stream sits at the Tornio works; distances by the haversine formula.
STREAM_AT = (65.78, 24.17)


@pytest.fixture
def labs(make):
    """Providers around Tornio: a leaching lab 30 km away, one 200 km away, an XRF-only lab
    5 km away, and an unverified leaching lab 1 km away."""
    near_org = make.organisation(name="Keminmaan Laboratorio Oy", kind="provider", lat=65.78, lon=24.83, place="Keminmaa")
    far_org = make.organisation(name="Oulun Laboratorio Oy", kind="provider", lat=65.01, lon=25.47, place="Oulu")
    xrf_org = make.organisation(name="Tornion XRF Oy", kind="provider", lat=65.82, lon=24.20, place="Tornio")
    hidden_org = make.organisation(name="Piilolaboratorio Oy", kind="provider", verified=False,
                                   lat=65.785, lon=24.18, place="Tornio")
    return {
        "near": make_provider(make, near_org, services=(
            {"kind": "analysis_leaching", "lead_time_days": 14, "name_fi": "Liukoisuustesti",
             "name_en": "Leaching test", "price_basis": "280 EUR per sample"},)),
        "far": make_provider(make, far_org, kinds=("laboratory", "pilot_plant"), themes=("clean_tech_low_carbon",),
                             services=({"kind": "analysis_leaching", "lead_time_days": 7},
                                       {"kind": "pilot_geopolymer", "lead_time_days": 60})),
        "xrf": make_provider(make, xrf_org, services=({"kind": "analysis_xrf", "lead_time_days": 3},)),
        "hidden": make_provider(make, hidden_org, services=({"kind": "analysis_leaching", "lead_time_days": 1},)),
        "orgs": {"near": near_org, "far": far_org, "xrf": xrf_org, "hidden": hidden_org},
    }
