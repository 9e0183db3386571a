"""What a receiver of a waste stream would need, in the stream's pairing ideas."""
from __future__ import annotations

from marketplace.compliance.receiver import mara_codes, receiver_requirements
from marketplace.db import db
from marketplace.matches.services import refresh_all
from marketplace.models import SideStream


def test_mara_annex_1_comes_from_the_engine_s_knowledge():
    assert "10 01 02" in mara_codes() and "10 02 02" not in mara_codes()


def test_what_the_receiver_needs(app, make):
    organisation = make.organisation()
    fly_ash = make.stream(organisation, title="Fly ash", category="ash", ewc_code="10 01 02", legal_status="waste")
    slag = make.stream(organisation, title="Slag", ewc_code="10 02 02")
    by_product = make.stream(organisation, title="Slag product", ewc_code="10 02 02", legal_status="by_product")
    with app.test_request_context(headers={"Accept-Language": "en"}):
        ash = receiver_requirements(db.session.get(SideStream, fly_ash.id), "earth_construction")
        assert any("permit or a registration covering EWC 10 01 02" in s and "section 29" in s for s in ash)
        assert any("843/2017 (MARA)" in s and "Annex 1" in s for s in ash)
        unstated = receiver_requirements(db.session.get(SideStream, slag.id), "earth_construction")
        assert any("is not in Annex 1" in s for s in unstated)
        assert any("treated as waste" in s for s in unstated)
        assert receiver_requirements(db.session.get(SideStream, by_product.id), "earth_construction") == []


def test_the_ideas_page_says_it(app, client, auth, make):
    organisation = make.organisation()
    make.user(organisation, email="owner@example.fi", language="en")
    stream = make.stream(organisation, title="Fly ash", category="ash", ewc_code="10 01 02", legal_status="waste",
                         values={"SiO2": 40.0, "Al2O3": 20.0, "CaO": 10.0})
    with app.app_context():  # pages read the ideas the last ranking stored
        refresh_all(db.session)
    auth.login("owner@example.fi")
    page = client.get(f"/matches/streams/{stream.id}/ideas").text
    assert "What the receiver would need:" in page
    assert "permit or a registration covering EWC 10 01 02" in page
