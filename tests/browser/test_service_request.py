"""An SME opens a pairing idea that misses a leaching test, picks the laboratory 30 km away,
sends a request; the laboratory answers with the result and the idea turns verified: in
Chromium, against a live server."""
from __future__ import annotations

import re

from datetime import datetime

import pytest

pytestmark = pytest.mark.browser

PASSWORD = "kuonaa ja liukoisuutta 2026"
VALUES = {"SiO2": 33.0, "Al2O3": 7.0, "Fe2O3": 1.0, "CaO": 41.0, "MgO": 10.0, "SO3": 0.5, "S": 1.0, "Cl": 0.01,
          "LOI": 0.5, "d50_mm": 8.0, "max_particle_mm": 32.0, "bulk_density_t_m3": 1.6, "los_angeles": 25.0,
          "Cr2O3": 2.0, "ZnO": 0.01, "NiO": 0.01, "CuO": 0.01, "As": 1, "Ba": 100, "Cd": 0.1, "Cr": 300,
          "Cu": 20, "Hg": 0.01, "Mo": 5, "Ni": 20, "Pb": 5.0, "Sb": 1, "Se": 0.5, "V": 50, "Zn": 30, "Co": 5,
          "neutralising_value_pct": 35.0, "passing_0063_pct": 40.0}


def _world():
    from marketplace.auth.passwords import hash_password
    from marketplace.db import db
    from marketplace.matches.services import refresh_all
    from marketplace.models import (
        MaterialNeed, MeasuredValue, Organisation, ProviderService, ServiceProvider, SideStream, Site, User,
    )
    from marketplace.providers.services import check_service

    def organisation(name, lat, lon, place, kind="both"):
        org = Organisation(name=name, kind=kind, verification_status="verified", verified_at=datetime(2026, 1, 1))
        site = Site(name=f"{place} site", place=place)
        site.location = f"SRID=4326;POINT({lon} {lat})"
        org.sites.append(site)
        db.session.add(org)
        db.session.flush()
        return org

    def user(email, org):
        db.session.add(User(email=email, name=email.split("@")[0], password_hash=hash_password(PASSWORD),
                            organisation_id=org.id, language="en", email_confirmed_at=datetime(2026, 1, 1)))

    sme = organisation("Tornion Kuona Oy", 65.78, 24.17, "Tornio", "producer")
    near_lab = organisation("Keminmaan Laboratorio Oy", 65.78, 24.83, "Keminmaa", "provider")
    far_lab = organisation("Oulun Laboratorio Oy", 65.01, 25.47, "Oulu", "provider")
    buyer = organisation("Kaivoksen Neutralointi Oy", 67.9, 25.4, "Kittilä", "buyer")
    user("sme@example.fi", sme)
    user("lab@example.fi", near_lab)
    for org in (near_lab, far_lab):
        provider = ServiceProvider(organisation_id=org.id, kinds=["laboratory"], themes=["industrial_circular_economy"])
        provider.services.append(ProviderService(**check_service(
            {"kind": "analysis_leaching", "lead_time_days": 14, "name_en": "Leaching test EN 12457-2"})))
        db.session.add(provider)
    stream = SideStream(organisation_id=sme.id, title="Converter slag", category="slag", place="Tornio",
                        quantity_t_per_year=50000, status="active", visibility="public")
    stream.set_location(65.78, 24.17)
    stream.values = [MeasuredValue(property=k, value=v) for k, v in VALUES.items()]
    need = MaterialNeed(organisation_id=buyer.id, title="Neutralising agent", application="neutralisation",
                        place="Kittilä", status="active", visibility="public")
    need.set_location(67.9, 25.4)
    db.session.add_all([stream, need])
    db.session.flush()
    refresh_all(db.session)
    return stream.id


def _sign_in(page, email):
    page.goto("/auth/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(lambda url: "/auth/login" not in url)


def _sign_out(page):
    page.click(".header-tools form[action$='/auth/logout'] button")
    page.wait_for_selector(".header-tools a[href*='/auth/login']")


def _idea_with_leaching_missing(page):
    return page.locator("section.idea").filter(has_text="leach:Cd").first


def test_from_a_missing_leaching_test_to_a_verified_idea(page, live_server):
    stream_id = live_server.run(_world)

    _sign_in(page, "sme@example.fi")
    page.goto(f"/matches/streams/{stream_id}/ideas")
    idea = _idea_with_leaching_missing(page)
    # The use's name, without the badges (the fit changes once the analysis is in).
    title = re.split(r"\s+(?:possible|not as analysed)\b", idea.locator("h2").inner_text())[0].strip()
    assert "Analyses still missing" in idea.inner_text()
    assert idea.locator(".idea-verified").count() == 0
    offers = idea.locator(".gap-offer")
    assert offers.first.get_attribute("data-provider") == "Keminmaan Laboratorio Oy"  # nearest first
    assert "30 km" in offers.first.inner_text()
    offers.first.get_by_role("link", name="Ask for this").click()

    page.wait_for_url("**/providers/services/*/request*")
    assert "leach:Cd" in page.input_value("#keys")
    page.fill("#body", "Please run a leaching test on our converter slag; a sample is ready.")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/providers/requests/*")
    request_url = page.url
    assert "The request is sent" in page.inner_text(".flashes")
    _sign_out(page)

    _sign_in(page, "lab@example.fi")
    page.goto(request_url)
    assert "Tornion Kuona Oy" in page.inner_text(".stream-organisation")  # a public stream
    rows = page.locator(".results-form tbody tr")
    for i in range(rows.count()):
        key = rows.nth(i).locator("input[name=key]").input_value()
        if key.startswith("leach:"):
            rows.nth(i).locator("input[name=value]").fill("0,01")
    page.click(".results-form button[type=submit]")
    page.wait_for_url(request_url)
    assert "written to the stream" in page.inner_text(".flashes")
    assert "answered" in page.inner_text("h1")
    _sign_out(page)

    _sign_in(page, "sme@example.fi")
    # The ideas are ranked again after the answer's response: read them when that is done.
    for _ in range(30):
        page.goto(f"/matches/streams/{stream_id}/ideas")
        idea = page.locator("section.idea").filter(has=page.locator("h2", has_text=title)).first
        if "Analyses still missing" not in idea.inner_text():
            break
        page.wait_for_timeout(500)
    assert "Analyses still missing" not in idea.inner_text()
    assert idea.locator(".idea-verified").count() == 1
