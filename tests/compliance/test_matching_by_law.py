"""Matching by the law, through the site's adapter: the contract's legal-status rule
(Waste Act 646/2011, section 29) applied to every status and receiver, permits that stop
counting on their end date, and what a receiver of a waste stream would need."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

import matching
from marketplace.matches.services import engine_needs, engine_streams, matches_for_listing, refresh_for
from marketplace.models import MaterialNeed, Permit, SideStream

LAW = "Waste Act 646/2011, section 29"
TODAY = date(2026, 6, 1)


def judge(session, stream_id: int, need_id: int, today=None) -> matching.Match:
    """The engine's verdict on one pair, with the rows adapted as the site adapts them."""
    streams = engine_streams(session, ids=[stream_id], today=today)
    needs = engine_needs(session, ids=[need_id], today=today)
    ranked = matching.Matcher().fit(streams, needs).rank_streams(str(need_id), top=5, include_infeasible=True)
    (match,) = [m for m in ranked if m.stream_id == str(stream_id)]
    return match


def texts(match) -> list[str]:
    return [r.render() for r in match.reasons]


@pytest.fixture
def parties(make):
    supplier = make.organisation(name="Kemin Voima Oy")
    buyer = make.organisation(name="Lapin Tienrakennus Oy", place="Rovaniemi", lat=66.50, lon=25.73)
    return supplier, buyer


# (stream's legal status, need's accepts_waste, need's permitted codes) -> feasible, words of the reason
CASES = [
    ("waste", False, None, False, "the stream is legally waste and the receiver does not accept waste"),
    ("waste", True, None, True, "the receiver states it may take waste"),
    ("waste", True, ["10 01 02"], True, "waste with EWC 10 01 02, covered by the receiver's permit"),
    ("waste", True, ["10 01 03"], False, "which the receiver's permit does not cover"),
    ("waste", None, None, True, "legal status unconfirmed: the receiver has not stated it"),
    # Without an attached decision or a broker's check, the status is a claim (contract 1.1).
    ("by_product", False, None, True, "legal status by-product claimed without evidence: unconfirmed"),
    ("end_of_waste", False, None, True, "legal status end-of-waste claimed without evidence: unconfirmed"),
    ("product", False, None, True, "legal status product: no waste permit needed"),
    (None, False, None, True, "legal status unconfirmed: the holder of the stream has not stated it"),
    (None, True, ["10 01 02"], True, "legal status unconfirmed: the holder of the stream has not stated it"),
]


@pytest.mark.parametrize("status, accepts, permitted, feasible, words", CASES)
def test_every_status_and_receiver(make, session, parties, status, accepts, permitted, feasible, words):
    supplier, buyer = parties
    stream = make.stream(supplier, title="Peat fly ash", category="ash", ewc_code="10 01 02", legal_status=status,
                         lat=65.74, lon=24.56)
    need = make.need(buyer, title="Binder for stabilisation", application="metal_recovery", accepts_waste=accepts,
                     permitted_ewc_codes=permitted, lat=65.80, lon=24.60)
    match = judge(session, stream.id, need.id)
    assert match.feasible is feasible
    found = [t for t in texts(match) if words in t]
    assert found, texts(match)
    if status == "waste" or status is None:
        # The reason names the law it applies.
        assert LAW in found[0]


def test_a_refused_waste_match_is_not_stored_and_a_permitted_one_names_the_law(make, session, parties):
    supplier, buyer = parties
    stream = make.stream(supplier, title="Fly ash", category="ash", ewc_code="10 01 02", legal_status="waste",
                         lat=65.74, lon=24.56)
    refusing = make.need(buyer, title="No waste here", application="metal_recovery", accepts_waste=False,
                         lat=65.80, lon=24.60)
    permitted = make.need(buyer, title="Permitted receiver", application="metal_recovery", accepts_waste=True,
                          permitted_ewc_codes=["10 01 02"], lat=65.80, lon=24.60)
    refresh_for(session, session.get(SideStream, stream.id))
    owner = make.user(supplier)
    with make.app.test_request_context():
        views = matches_for_listing(session, session.get(SideStream, stream.id), session.merge(owner))
    assert [v.counterpart.id for v in views] == [permitted.id]
    assert any(LAW in text for text, _css in views[0].reasons)
    assert refusing.id not in [v.counterpart.id for v in views]


def _permit(session, organisation, codes, valid_until, valid_from=date(2025, 1, 1)):
    permit = Permit(organisation_id=organisation.id, kind="environmental_permit", authority="Lapin ELY-keskus",
                    decision_number="LAPELY/12/2025", valid_from=valid_from, valid_until=valid_until,
                    ewc_codes=codes)
    session.add(permit)
    session.flush()
    return permit


def test_an_expired_permit_stops_a_waste_match_on_its_end_date(make, session, parties):
    supplier, buyer = parties
    stream = make.stream(supplier, title="Fly ash", category="ash", ewc_code="10 01 02", legal_status="waste",
                         lat=65.74, lon=24.56, published_until=None)
    need = make.need(buyer, title="Binder", application="metal_recovery", accepts_waste=True,
                     permitted_ewc_codes=["10 01 02"], codes_from_permits=True, lat=65.80, lon=24.60,
                     published_until=None)
    end = date(2026, 12, 31)
    _permit(session, buyer, ["10 01 02"], valid_until=end)

    on_the_last_day = judge(session, stream.id, need.id, today=end)
    assert on_the_last_day.feasible
    assert any("covered by the receiver's permit" in t for t in texts(on_the_last_day))

    the_day_after = judge(session, stream.id, need.id, today=end + timedelta(days=1))
    assert not the_day_after.feasible
    refused = [t for t in texts(the_day_after) if "does not accept waste" in t]
    assert refused and LAW in refused[0]

    # A need that does not follow its permits keeps what its owner wrote.
    session.get(MaterialNeed, need.id).codes_from_permits = False
    session.flush()
    assert judge(session, stream.id, need.id, today=end + timedelta(days=1)).feasible


def test_a_permit_for_another_code_does_not_cover_the_stream(make, session, parties):
    supplier, buyer = parties
    stream = make.stream(supplier, title="Bottom ash", category="ash", ewc_code="10 01 01", legal_status="waste",
                         lat=65.74, lon=24.56)
    need = make.need(buyer, title="Binder", application="metal_recovery", codes_from_permits=True,
                     lat=65.80, lon=24.60)
    _permit(session, buyer, ["10 01 02"], valid_until=None)
    match = judge(session, stream.id, need.id, today=TODAY)
    assert not match.feasible
    assert any("which the receiver's permit does not cover" in t and LAW in t for t in texts(match))


def test_a_permit_not_yet_valid_does_not_count(make, session, parties):
    supplier, buyer = parties
    stream = make.stream(supplier, title="Fly ash", category="ash", ewc_code="10 01 02", legal_status="waste",
                         lat=65.74, lon=24.56)
    need = make.need(buyer, title="Binder", application="metal_recovery", codes_from_permits=True,
                     lat=65.80, lon=24.60)
    _permit(session, buyer, ["10 01 02"], valid_until=None, valid_from=TODAY + timedelta(days=10))
    assert not judge(session, stream.id, need.id, today=TODAY).feasible
    assert judge(session, stream.id, need.id, today=TODAY + timedelta(days=10)).feasible


def test_a_hazardous_waste_needs_a_permit_naming_its_code(make, session, parties):
    supplier, buyer = parties
    stream = make.stream(supplier, title="Filter dust", category="dust", ewc_code="10 02 07", legal_status="waste",
                         hazardous_properties=["HP7"], lat=65.74, lon=24.56)
    without = make.need(buyer, title="Binder", application="metal_recovery", accepts_waste=True, lat=65.80, lon=24.60)
    named = make.need(buyer, title="Binder with permit", application="metal_recovery", codes_from_permits=True,
                      lat=65.80, lon=24.60)
    _permit(session, buyer, ["10 02 07"], valid_until=None)
    assert not judge(session, stream.id, without.id, today=TODAY).feasible
    match = judge(session, stream.id, named.id, today=TODAY)
    assert match.feasible
    assert any("hazardous entry named in the receiver's permit" in t for t in texts(match))


def test_the_need_s_owner_sees_what_the_law_refuses_and_why(client, auth, make, parties):
    supplier, buyer = parties
    make.user(buyer, email="buyer@example.fi", language="en")
    make.stream(supplier, title="Peat fly ash", category="ash", ewc_code="10 01 02", legal_status="waste",
                lat=65.74, lon=24.56)
    make.stream(supplier, title="Slag by-product", ewc_code="10 02 02", legal_status="by_product",
                lat=65.74, lon=24.56)
    need = make.need(buyer, title="Binder", application="metal_recovery", accepts_waste=False, lat=65.80, lon=24.60)
    auth.login("buyer@example.fi")
    page = client.get(f"/matches/needs/{need.id}").text
    refused = page[page.index('id="refused-by-law"'):]
    assert "Peat fly ash" in refused and LAW in refused and "Slag by-product" not in refused
