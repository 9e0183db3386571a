"""In a real browser: the language switch turns the site Swedish and keeps it so."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.factories import Factory

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def listed(live_server):
    make = Factory(live_server.app)
    org = make.organisation(name="Torneå Slagg Ab", lat=65.85, lon=24.15, place="Tornio")
    return make.stream(org, title="Granulated blast furnace slag", category="slag", ewc_code="10 02 02")


def test_switching_to_swedish(page, listed):
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_role("button", name="På svenska").click()
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page.get_by_role("button", name="Suomeksi")).to_be_visible()
    expect(page.get_by_role("button", name="In English")).to_be_visible()
    page.goto("/streams")
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page.get_by_role("heading", name="Granulated blast furnace slag")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sidoströmmar")
    expect(page.locator(".listing-results")).to_contain_text("Slagg")
