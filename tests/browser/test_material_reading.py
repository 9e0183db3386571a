"""A seller sees what the stream is read as while typing, saves it, and corrects the type on
the form; the page then shows the type as stated by the seller."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_listings import sign_in
from tests.factories import Factory

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def seller(live_server):
    from marketplace.matches.engine import catalogue_recogniser

    # The process fits its recogniser once, at the first reading: here, not in the test's wait.
    live_server.run(catalogue_recogniser)
    make = Factory(live_server.app)
    organisation = make.organisation(name="Tunnistuksen Kuona Oy", lat=65.78, lon=24.17, place="Tornio")
    return make.user(organisation, email="reading.browser@example.fi", language="en")


def test_the_seller_sees_the_reading_and_corrects_it(page, live_server, seller):
    sign_in(page, seller.email)
    page.goto("/streams/new")
    page.fill("#title", "Ilmajäähdytetty masuunikuona 0-32 mm")
    page.select_option("#category", "slag")
    # read live, before anything is saved
    expect(page.locator("[data-material-live] [data-material-reading]")).to_contain_text(
        "Read as: Air-cooled blast-furnace slag", timeout=20000)
    page.fill("#lat", "65.78")
    page.fill("#lon", "24.17")
    page.click("button[value=draft]")
    page.wait_for_url("**/streams/*")
    expect(page.locator("[data-material-reading]")).to_contain_text("Read as: Air-cooled blast-furnace slag")
    expect(page.locator(".facts")).to_contain_text("inferred")

    page.click("text=Edit")
    page.wait_for_url("**/edit")
    expect(page.locator("[data-material-reading]")).to_contain_text("Air-cooled blast-furnace slag")
    page.select_option("#material_type", "ggbs")
    page.click("button[value=save]")
    page.wait_for_url("**/streams/*")
    expect(page.locator("[data-material-stated]")).to_contain_text(
        "Material type: Granulated blast-furnace slag (ground or unground), stated by the seller")
    expect(page.locator(".facts")).to_contain_text("stated by the seller")
