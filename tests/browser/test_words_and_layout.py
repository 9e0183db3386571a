"""In a real browser: search in Finnish and English and by code, a value below detection
kept from the form to the page, the phone menu and map at 390 px, the desktop menu on
one line at 1366 px, and the waste-code picker used from the keyboard."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_listings import sign_in
from tests.factories import Factory

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def listed(live_server):
    make = Factory(live_server.app)
    org = make.organisation(name="Sanojen Kuona Oy", lat=65.78, lon=24.17, place="Tornio")
    return {
        "english": make.stream(org, title="Air-cooled slag from Tornio", category="slag", ewc_code="10 02 01",
                               material_type="acbfs"),
        "finnish": make.stream(org, title="Lentotuhka Oulu", category="ash", ewc_code="10 01 02"),
        "coded": make.stream(org, title="Granuloitu kuona", category="slag", ewc_code="10 02 02"),
        "other": make.stream(org, title="Mixed fines", category="other", ewc_code="10 13 06",
                             description="Once sold as 10 02 02 by mistake."),
        "user": make.user(org, email="words.browser@example.fi", language="en"),
    }


def _results(page):
    return page.locator(".listing-results h3").all_inner_texts()


def test_a_finnish_word_finds_an_english_title_and_the_reverse(page, listed):
    page.goto("/streams")
    page.fill("#q", "masuunikuonaa")
    page.locator("#search-filters button[type=submit]").click()
    page.wait_for_url("**q=masuunikuonaa**")
    assert _results(page) == ["Air-cooled slag from Tornio"]
    page.goto("/streams?q=fly+ash")
    assert _results(page) == ["Lentotuhka Oulu"]


def test_a_code_finds_its_entry_first(page, listed):
    page.goto("/streams?q=10+02+02")
    assert _results(page) == ["Granuloitu kuona", "Mixed fines"]
    page.goto("/streams?q=100202")
    assert _results(page)[0] == "Granuloitu kuona"


def test_the_waste_code_picker_from_the_keyboard(page, listed):
    sign_in(page, listed["user"].email)
    page.goto("/streams/new")
    field = page.locator("#ewc_code")
    field.click()
    field.press_sequentially("10 02", delay=30)
    listbox = page.locator("[data-waste-suggestions]")
    expect(listbox).to_be_visible()
    assert field.get_attribute("role") == "combobox"
    assert field.get_attribute("aria-expanded") == "true"
    field.press("ArrowDown")
    first = page.locator("[data-waste-suggestions] [role=option]").nth(0)
    expect(first).to_have_attribute("aria-selected", "true")
    assert field.get_attribute("aria-activedescendant") == first.get_attribute("id")
    field.press("ArrowDown")
    field.press("ArrowUp")
    field.press("Enter")  # takes the entry; the form is not sent
    assert page.url.endswith("/streams/new")
    assert page.input_value("#ewc_code") == "10 02 01"
    expect(listbox).to_be_hidden()
    field.fill("")
    field.press_sequentially("kuona", delay=30)
    expect(listbox).to_be_visible()
    field.press("Escape")
    expect(listbox).to_be_hidden()
    assert field.get_attribute("aria-expanded") == "false"


def test_phone_menu_and_map_at_390_px(browser, live_server, listed):
    context = browser.new_context(locale="en-GB", extra_http_headers={"Accept-Language": "en"},
                                  base_url=live_server.url, viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        sign_in(page, listed["user"].email)
        page.goto("/streams/map")
        toggle = page.locator(".menu-toggle")
        expect(toggle).to_be_visible()
        expect(page.locator("#main-menu")).to_be_hidden()
        header = page.locator(".site-header").bounding_box()
        assert header["height"] < 200, header
        # the map first, near the top; the filters behind their button below it
        the_map = page.locator("#browse-map").bounding_box()
        assert the_map["y"] < 450, the_map
        expect(page.locator("#search-filters")).to_be_hidden()
        page.locator("[data-filters-toggle]").click()
        expect(page.locator("#search-filters")).to_be_visible()
        assert page.locator("#search-filters").bounding_box()["y"] > the_map["y"]
        toggle.click()
        expect(page.locator("#main-menu")).to_be_visible()
        expect(page.locator("[data-group=mine]")).to_contain_text("Our listings")
        page.locator("#main-menu").get_by_role("link", name="Our listings").click()
        page.wait_for_url("**/listings/mine**")
        # tables are cards: every cell is labelled with its column
        cells = page.locator("main table.cards td[data-label]")
        if cells.count():
            assert cells.first.bounding_box()["width"] <= 390
    finally:
        context.close()


def test_desktop_menu_on_one_line_at_1366_px(browser, live_server, listed):
    context = browser.new_context(locale="fi-FI", extra_http_headers={"Accept-Language": "fi"},
                                  base_url=live_server.url, viewport={"width": 1366, "height": 800})
    page = context.new_page()
    try:
        sign_in(page, listed["user"].email)
        page.goto("/streams")
        expect(page.locator(".menu-toggle")).to_be_hidden()
        titles = page.locator(".menu-group-title")
        tops = [titles.nth(i).bounding_box()["y"] for i in range(titles.count())]
        assert max(tops) - min(tops) < 8, tops  # one line
        assert page.locator(".site-header").bounding_box()["height"] < 90
        titles.nth(1).click()
        expect(page.locator("#menu-mine")).to_be_visible()
        page.keyboard.press("Escape")
        expect(page.locator("#menu-mine")).to_be_hidden()
    finally:
        context.close()


def test_a_near_miss_hint(page, live_server):
    from marketplace.db import db
    from marketplace.matches import services
    from tests.matches.test_site_matches import FLY_ASH, GEOPOLYMER

    make = Factory(live_server.app)
    supplier = make.organisation(name="Selaimen Tuhka Oy", place="Oulu", lat=65.01, lon=25.47)
    buyer = make.organisation(name="Selaimen Geopolymeeri Oy", place="Kittilä", lat=67.9, lon=25.0)
    make.stream(supplier, title="Browser fly ash", category="ash", values=FLY_ASH, lat=65.01, lon=25.47,
                ewc_code="10 01 02", quantity_t_per_year=30000)
    need = make.need(buyer, title="Browser geopolymer need", requirements=GEOPOLYMER, lat=67.9, lon=25.0,
                     max_distance_km=250, quantity_t_per_year=5000)
    user = make.user(buyer, email="near.browser@example.fi", language="en")
    live_server.run(lambda: services.refresh_all(db.session))
    sign_in(page, user.email)
    page.goto(f"/needs/{need.id}")
    hint = page.locator("[data-near-misses]")
    # other tests' streams in this server may fit farther too
    expect(hint).to_contain_text(re.compile(r"\d+ streams? would fit within \d+ km"))
    expect(hint).to_contain_text("(this need allows 250 km)")


def test_a_streams_near_miss_hint(page, live_server):
    from marketplace.db import db
    from marketplace.matches import services
    from tests.matches.test_site_matches import FLY_ASH, GEOPOLYMER

    make = Factory(live_server.app)
    supplier = make.organisation(name="Selaimen Yksinäinen Tuhka Oy", place="Oulu", lat=65.02, lon=25.48)
    buyer = make.organisation(name="Selaimen Kaukainen Tarve Oy", place="Kittilä", lat=67.9, lon=25.0)
    stream = make.stream(supplier, title="Browser lonely fly ash", category="ash", values=FLY_ASH, lat=65.02,
                         lon=25.48, ewc_code="10 01 02", quantity_t_per_year=30000)
    make.need(buyer, title="Browser far geopolymer need", requirements=GEOPOLYMER, lat=67.9, lon=25.0,
              max_distance_km=250, quantity_t_per_year=5000)
    owner = make.user(supplier, email="lonely.browser@example.fi", language="en")
    live_server.run(lambda: services.refresh_all(db.session))
    sign_in(page, owner.email)
    page.goto(f"/streams/{stream.id}")
    hint = page.locator("[data-near-misses]")
    # other tests' needs in this server may be beyond their limits too
    expect(hint).to_contain_text(re.compile(r"\d+ needs? would take this stream if (it|they) accepted \d+ km by road"))


def test_below_detection_round_trip(page, listed):
    # last in the file: the ranking after a publication holds the SQLite write lock a while
    sign_in(page, listed["user"].email)
    page.goto("/streams/new")
    page.fill("#title", "Slag with a chromium analysis")
    page.select_option("#category", "slag")
    page.fill("#lat", "65,78")
    page.fill("#lon", "24,17")
    page.fill("#paste", "SiO2 31,5\nCr(VI) < 0,5 mg/kg")
    page.click("button[value=paste]")
    assert page.input_value("#values-1-value") == "< 0.5"
    page.click("button[value=publish]")
    page.wait_for_url("**/streams/*")
    row = page.locator(".values-table tr", has_text="CrVI")
    expect(row).to_contain_text("< 0")
    page.goto(page.url + "/edit")
    assert page.input_value("#values-1-value") == "< 0.5"
