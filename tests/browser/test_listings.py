"""Listings in a real browser: a supplier posts a slag through the form and the map, a buyer
finds it by a property filter and on the map, and a bad import writes nothing."""
from __future__ import annotations

import itertools

import pytest
from playwright.sync_api import expect
import sqlalchemy as sa

from tests.factories import PASSWORD, Factory

pytestmark = pytest.mark.browser
_n = itertools.count(1)


@pytest.fixture(scope="module")
def people(live_server):
    make = Factory(live_server.app)
    supplier_org = make.organisation(name="Selaimen Kuona Oy", lat=65.78, lon=24.17, place="Tornio")
    buyer_org = make.organisation(name="Selaimen Ostaja Oy", lat=67.65, lon=24.91, place="Kittilä")
    return {
        "supplier": make.user(supplier_org, email="supplier.browser@example.fi", language="en"),
        "buyer": make.user(buyer_org, email="buyer.browser@example.fi", language="en"),
        "supplier_org": supplier_org,
    }


def sign_in(page, email):
    page.goto("/auth/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(lambda url: "/auth/login" not in url)


def test_supplier_posts_a_slag_through_the_form_and_the_map(page, live_server, people):
    sign_in(page, people["supplier"].email)
    page.goto("/streams/new")
    page.fill("#title", "Browser slag, air-cooled")
    page.select_option("#category", "slag")
    page.fill("#ewc_code", "100202")
    page.wait_for_selector("[data-waste-suggestions] [role=option]")
    page.click("[data-waste-suggestions] [role=option] >> nth=0")
    assert page.input_value("#ewc_code") == "10 02 02"
    page.fill("#quantity_t_per_year", "12 000")
    page.fill("#paste", "SiO2\t31,5\nCaO 44.2 %\nMgO 9\nAl2O3 11")
    page.click("button[value=paste]")
    assert page.input_value("#values-1-property") == "CaO"
    # the form came back from the server: place the stream by clicking the map
    page.wait_for_selector("[data-location-map].leaflet-container")
    the_map = page.locator("[data-location-map]")
    the_map.scroll_into_view_if_needed()
    box = the_map.bounding_box()
    the_map.click(position={"x": box["width"] / 2, "y": box["height"] / 2})
    assert page.input_value("#lat") != "" and page.input_value("#lon") != ""
    page.click("button[value=publish]")
    page.wait_for_url("**/streams/*")
    assert page.locator("h1").inner_text() == "Browser slag, air-cooled"
    assert page.locator(".values-table").inner_text().count("wt%") == 4
    page.wait_for_selector("#composition-chart")

    from marketplace.models import SideStream

    stream = live_server.run(lambda: _one(SideStream, "Browser slag, air-cooled"))
    assert stream["values"] == {"SiO2": 31.5, "CaO": 44.2, "MgO": 9.0, "Al2O3": 11.0}
    assert 60 < stream["lat"] < 70 and 20 < stream["lon"] < 30


def _one(cls, title):
    from marketplace.db import db

    listing = db.session.scalar(sa.select(cls).where(cls.title == title))
    return {"values": listing.values_by_property, "lat": listing.lat, "lon": listing.lon}


def test_buyer_finds_it_by_a_property_filter_and_on_the_map(page, live_server, people):
    make = Factory(live_server.app)
    make.stream(people["supplier_org"], title="High-lime ladle slag", values={"CaO": 48.0, "SiO2": 20.0},
                lat=65.80, lon=24.20)
    make.stream(people["supplier_org"], title="Low-lime fly ash", category="ash", values={"CaO": 5.0},
                lat=65.01, lon=25.47)
    sign_in(page, people["buyer"].email)
    page.goto("/streams")
    page.fill(".range-row >> nth=0 >> input[name=prop]", "CaO")
    page.fill(".range-row >> nth=0 >> input[name=min]", "30")
    page.fill("#near", "Kittilä")
    page.fill("#km", "400")
    page.click("form.filters button[type=submit]")
    results = page.locator(".listing-results")
    assert "High-lime ladle slag" in results.inner_text()
    assert "Low-lime fly ash" not in results.inner_text()
    page.fill("#q", "ladle")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**q=ladle**")
    page.click("main >> text=Show on the map")
    page.wait_for_url("**/streams/map?**")
    # A locator wait, not wait_for_function: the page's CSP forbids evaluating strings.
    expect(page.locator("#map-status")).to_contain_text("1 of 1")
    page.locator("#browse-map").scroll_into_view_if_needed()
    page.locator(".leaflet-marker-icon").first.click()
    assert "High-lime ladle slag" in page.locator(".leaflet-popup-content").inner_text()
    assert page.locator(".leaflet-popup-content a").first.get_attribute("href").startswith("/streams/")
    assert "Low-lime fly ash" not in page.content()


def test_an_import_with_one_bad_row_shows_the_error_and_writes_nothing(page, live_server, people, tmp_path):
    from marketplace.listings import tabular
    from marketplace.listings.importer import EXAMPLE
    from marketplace.spreadsheets import csv_file

    good = dict(EXAMPLE["side_streams"][0], id="B1", title="Imported slag one")
    bad = dict(EXAMPLE["side_streams"][0], id="B2", title="Imported slag two",
               composition={"SiO2": 30.0, "CaO": 142.0})
    body = csv_file(tabular.stream_header(), [tabular.stream_row(good), tabular.stream_row(bad)])
    path = tmp_path / "streams.csv"
    path.write_bytes(body)
    sign_in(page, people["supplier"].email)
    page.goto("/listings/import")
    page.set_input_files("#import-file", str(path))
    page.click("main form button[type=submit]")
    page.wait_for_selector(".import-errors")
    errors = page.locator(".import-errors").inner_text()
    assert "row 3" in errors and "composition.CaO" in errors and "between 0 and 100" in errors
    assert "nothing was imported" in page.content()

    from marketplace.db import db
    from marketplace.models import SideStream

    count = live_server.run(lambda: db.session.scalar(
        sa.select(sa.func.count()).select_from(SideStream).where(SideStream.title.like("Imported slag%"))))
    assert count == 0
