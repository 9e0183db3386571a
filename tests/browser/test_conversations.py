"""From a listing to a conversation, in Chromium against a live server: a visitor is asked
to sign in and comes back to the listing, a buyer writes to a public listing's owner, asks
the Center to introduce them to an anonymous one's (the broker accepts, with the match's
explanation in view), an enquiry becomes a deal, the deal walks its pipeline with one
step back confirmed, a delivery is corrected, and the bell counts and clears."""
from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD, Factory

pytestmark = pytest.mark.browser

SLAG = {"SiO2": 30.0, "Al2O3": 25.0, "MgO": 23.0, "CaO": 2.0}


@pytest.fixture(scope="module")
def world(live_server):
    from marketplace.db import db
    from marketplace.matches.services import refresh_all

    make = Factory(live_server.app)
    smelter = make.organisation(name="Keskustelun Sulatto Oy", lat=65.85, lon=24.15, place="Tornio")
    builder = make.organisation(name="Keskustelun Rakennus Oy", lat=67.65, lon=24.91, place="Kittilä")
    people = {
        "seller": make.user(smelter, email="seller.talk@example.fi", name="Selma Myyjä", language="en"),
        "buyer": make.user(builder, email="buyer.talk@example.fi", name="Bruno Ostaja", language="en"),
        "broker": make.user(None, role="broker", email="broker.talk@example.fi", name="Veera Välittäjä",
                            language="en"),
    }
    public = make.stream(smelter, title="Public converter slag", values=SLAG, place="Tornio")
    hidden = make.stream(smelter, title="Quiet ladle slag", visibility="anonymous", values=SLAG, place="Tornio",
                         lat=65.84, lon=24.2)
    need = make.need(builder, title="Binder for paving stones", place="Kittilä",
                     requirements=[{"property": "SiO2+Al2O3", "min": 50}])
    live_server.run(lambda: refresh_all(db.session))
    return {**people, "public": public, "hidden": hidden, "need": need, "smelter": smelter}


def sign_in(page, email):
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(lambda url: "/auth/login" not in url)


def go_sign_in(page, email):
    page.goto("/auth/login")
    sign_in(page, email)


def as_user(browser, live_server, email):
    context = browser.new_context(locale="en-GB", extra_http_headers={"Accept-Language": "en"},
                                  base_url=live_server.url)
    context.set_default_timeout(15_000)
    page = context.new_page()
    go_sign_in(page, email)
    return page


def bell_count(page) -> str:
    count = page.locator("#bell-count")
    return count.inner_text() if count.count() else "0"


def test_enquiry_from_a_public_listing_and_the_bell(page, browser, live_server, world):
    listing = f"/streams/{world['public'].id}"
    page.goto(listing)
    page.click("#sign-in-to-contact")
    sign_in(page, world["buyer"].email)
    assert page.url.endswith(listing), "the visitor comes back to the listing after signing in"
    page.click("#send-enquiry")
    page.fill("#body", "Could we buy 300 t for a trial section?")
    page.fill("#quantity_t", "300")
    page.fill("#timing", "May 2027")
    page.click("#enquiry-form button[type=submit]")
    page.wait_for_url("**/enquiries/*")
    expect(page.locator("#enquiry-state")).to_have_text("Open")
    assert "Could we buy 300 t" in page.inner_text("#thread-section")

    seller = as_user(browser, live_server, world["seller"].email)
    assert bell_count(seller) == "1"
    seller.click("#bell")
    seller.wait_for_url("**/notifications/")
    seller.click("#notices a >> nth=0")
    seller.wait_for_url("**/enquiries/*")
    assert "Bruno Ostaja (Keskustelun Rakennus Oy)" in seller.inner_text("#enquiry-sender")
    assert bell_count(seller) == "0", "opening the notice marks it read"
    seller.fill("#reply-form textarea[name=body]", "Yes, from week 18.")
    seller.click("#reply-form button[type=submit]")
    seller.wait_for_url("**#thread")

    page.reload()
    assert bell_count(page) == "1"
    page.goto("/notifications/")
    page.click("#read-all-form button")
    page.wait_for_url("**/notifications/")
    assert bell_count(page) == "0"
    expect(page.locator("#notices li.unread")).to_have_count(0)
    seller.context.close()


def test_enquiry_turned_into_a_deal(page, browser, live_server, world):
    go_sign_in(page, world["buyer"].email)
    page.goto("/enquiries/")
    page.click("#enquiries a >> text=Public converter slag")
    page.click("#make-deal-form button")
    page.wait_for_url("**/deals/*")
    expect(page.locator("#deal-state")).to_have_text("Proposed")
    assert page.locator("#pipeline li.current").inner_text().strip().endswith("Proposed")
    # Terms were not demanded before anyone spoke: they are empty, to be filled in.
    assert page.input_value("#tonnes_per_year") == ""

    seller = as_user(browser, live_server, world["seller"].email)
    seller.goto(page.url)
    seller.click("#next-steps button[data-step=introduced]")
    seller.wait_for_load_state()
    expect(seller.locator("#deal-state")).to_have_text("Introduced")
    seller.context.close()


def test_introduction_request_for_an_anonymous_listing(page, browser, live_server, world):
    from marketplace import redaction

    go_sign_in(page, world["buyer"].email)
    with live_server.app.app_context():  # a hidden listing is named to others by its reference
        page.goto(f"/streams/{redaction.public_ref(world['hidden'])}")
    assert "Keskustelun Sulatto Oy" not in page.content()
    page.click("#request-introduction")
    page.fill("#body", "We would test this slag as a binder.")
    page.select_option("#own_listing", str(world["need"].id))
    page.click("#enquiry-form button[type=submit]")
    page.wait_for_url("**/enquiries/*")
    enquiry_url = page.url
    assert "Keskustelun Sulatto Oy" not in page.content()

    broker = as_user(browser, live_server, world["broker"].email)
    assert int(bell_count(broker)) >= 1
    broker.goto(enquiry_url)
    assert "%" in broker.inner_text("#match-explanation"), "the broker sees the match's explanation"
    broker.fill("#decision-form textarea[name=note]", "A good fit: meet each other.")
    broker.click("#accept-introduction")
    broker.wait_for_url("**/deals/*")
    expect(broker.locator("#deal-state")).to_have_text("Introduced")
    broker.context.close()

    page.goto(enquiry_url)
    expect(page.locator("#enquiry-state")).to_have_text("Became a deal")
    assert "A good fit" in page.inner_text("#decision-note")
    page.click("#enquiry-deal")
    expect(page.locator("#supplier-name")).to_have_text("Keskustelun Sulatto Oy")


def test_the_pipeline_forward_with_one_step_back_and_a_delivery_corrected(page, world):
    go_sign_in(page, world["broker"].email)
    page.goto("/deals/?view=board")
    page.click("#stage-introduced a >> text=Quiet ladle slag")
    page.wait_for_url("**/deals/*")

    def step(state):
        page.click(f"#next-steps button[data-step={state}]")
        page.wait_for_load_state()

    step("negotiating")
    step("trial")
    expect(page.locator("#pipeline li.current")).to_contain_text("Trial")
    # Back to negotiating: asked once more, with the reason.
    step("negotiating")
    expect(page.locator("#confirm-text")).to_contain_text("goes back from Trial to Negotiating")
    page.click("#confirm-step")
    expect(page.locator("#note-error")).to_be_visible()
    page.fill("#note", "The trial batch was too wet.")
    page.click("#confirm-step")
    page.wait_for_url("**/deals/*")
    expect(page.locator("#deal-state")).to_have_text("Negotiating")
    assert "The trial batch was too wet." in page.inner_text("#history-list")
    for state in ("trial", "agreed", "delivering"):
        step(state)
    expect(page.locator("#deal-state")).to_have_text("Delivering")

    today = date.today().isoformat()
    page.fill("#delivery-form input[name=delivered_on]", today)
    page.fill("#delivery-form input[name=tonnes]", "120")
    page.click("#delivery-form button[type=submit]")
    page.wait_for_url("**#deliveries")
    expect(page.locator("#deal-tonnes")).to_have_text("120")
    # The same again within a day asks first.
    page.fill("#delivery-form input[name=delivered_on]", today)
    page.fill("#delivery-form input[name=tonnes]", "120")
    page.click("#delivery-form button[type=submit]")
    expect(page.locator("#delivery-form")).to_contain_text("already recorded")
    expect(page.locator("#deal-tonnes")).to_have_text("120")

    row = page.locator("#deliveries-table tbody tr").first
    row.locator("summary", has_text="Correct").click()
    row.locator(".correction-form input[name=tonnes]").fill("102")
    row.locator(".correction-form textarea[name=note]").fill("Weighbridge slip")
    row.locator("button", has_text="Save the correction").click()
    page.wait_for_url("**#deliveries")
    expect(page.locator("#deal-tonnes")).to_have_text("102")
    assert "delivery corrected: 120 t on" in page.inner_text("#history-list")

    step("completed")
    page.click("#confirm-step")
    page.wait_for_url("**/deals/*")
    expect(page.locator("#deal-state")).to_have_text("Completed")
    expect(page.locator("#delivery-form")).to_have_count(0)
    expect(page.locator("#next-steps")).to_have_count(0)
