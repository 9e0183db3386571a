"""The brokering story in Chromium against a live server: a smelter offers a slag
(anonymously), a builder needs a geopolymer precursor, the broker sees the pairing on the
dashboard, opens a deal and introduces the parties, they write to each other, the deal is
completed and the impact dashboard counts the tonnes.

The organisations, people and the two listings are made through the database (the listing
forms are another area's, tested there); the engine ranks them as the nightly refresh
does; everything after that goes through the pages."""
from __future__ import annotations

from datetime import datetime

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery staple"


def _setting_up():
    from marketplace.auth.passwords import hash_password
    from marketplace.db import db
    from marketplace.matches.services import refresh_all
    from marketplace.models import MaterialNeed, MeasuredValue, Organisation, Requirement, SideStream, User

    def organisation(name, business_id):
        org = Organisation(name=name, business_id=business_id, verification_status="verified",
                           verified_at=datetime(2026, 1, 1), email=f"office@{business_id}.fi")
        db.session.add(org)
        return org

    smelter = organisation("Perämeren Ferrokromi Oy", "2345678-1")
    builder = organisation("Levin Kivituote Oy", "3456789-2")
    db.session.flush()
    password = hash_password(PASSWORD)
    for email, name, org, role in (
        ("saila@ferrokromi.example", "Saila Sulattaja", smelter, "member"),
        ("olli@kivituote.example", "Olli Ostaja", builder, "member"),
        ("veera@kiertotalous.example", "Veera Välittäjä", None, "broker"),
    ):
        db.session.add(User(email=email, name=name, password_hash=password, role=role, language="en",
                            organisation_id=org.id if org else None,
                            email_confirmed_at=datetime(2026, 1, 1)))
    slag = SideStream(organisation_id=smelter.id, title="Ferrochrome slag, granulated", category="slag",
                      place="Tornio", visibility="anonymous", legal_status="waste",
                      quantity_t_per_year=30000, status="active")
    slag.set_location(65.85, 24.15)
    for key, value in {"SiO2": 30.0, "Al2O3": 25.0, "MgO": 23.0, "CaO": 2.0}.items():
        slag.values.append(MeasuredValue(property=key, value=value))
    need = MaterialNeed(organisation_id=builder.id, title="Geopolymer precursor for paving stones",
                        application="geopolymer_binder", place="Kittilä", quantity_t_per_year=2000,
                        status="active")
    need.set_location(67.65, 24.91)
    need.requirements.append(Requirement(position=0, property="SiO2+Al2O3", min=50))
    db.session.add_all([slag, need])
    db.session.flush()
    return refresh_all(db.session)


def _sign_in(page, email):
    page.goto("/auth/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url("**/")


def _move(page, state, note=""):
    """Press the next step's button; a closing step is confirmed on the page it leads to."""
    page.click(f"#next-steps button[data-step={state}]")
    page.wait_for_load_state()
    if page.locator("#confirm-form").count():
        if note:
            page.fill("#confirm-form textarea[name=note]", note)
        page.click("#confirm-step")
        page.wait_for_load_state()


def test_from_pairing_to_tonnes(page, browser, live_server):
    assert live_server.run(_setting_up) >= 1

    # The broker sees the pairing and opens a deal.
    _sign_in(page, "veera@kiertotalous.example")
    page.goto("/dashboard/")
    row = page.locator("#pairings tr", has_text="Geopolymer precursor for paving stones")
    assert "Ferrochrome slag, granulated" in row.inner_text()
    row.get_by_role("link", name="Deal").click()
    page.wait_for_url("**/deals/new**")
    page.fill("#tonnes_per_year", "1200")
    page.fill("#price_eur_per_t", "5")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/deals/*")
    deal_url = page.url
    assert page.inner_text("#deal-state") == "Proposed"

    # Before the introduction the buyer does not learn who offers the slag.
    buyer_context = browser.new_context(locale="en-GB", base_url=live_server.url)
    buyer = buyer_context.new_page()
    _sign_in(buyer, "olli@kivituote.example")
    buyer.goto(deal_url)
    assert "Perämeren Ferrokromi Oy" not in buyer.content()

    _move(page, "introduced")
    assert page.inner_text("#deal-state") == "Introduced"

    buyer.goto(deal_url)
    assert buyer.inner_text("#supplier-name") == "Perämeren Ferrokromi Oy"
    buyer.fill("#message-form textarea[name=body]", "Could we run a trial batch of 50 t in May?")
    buyer.click("#message-form button[type=submit]")
    buyer.wait_for_url("**#thread")
    assert "trial batch of 50 t" in buyer.inner_text("#thread-section")

    supplier_context = browser.new_context(locale="en-GB", base_url=live_server.url)
    supplier = supplier_context.new_page()
    _sign_in(supplier, "saila@ferrokromi.example")
    supplier.goto(deal_url)
    assert "Olli Ostaja (Levin Kivituote Oy)" in supplier.inner_text("#thread-section")
    supplier.fill("#message-form textarea[name=body]", "Yes: we load it in week 19.")
    supplier.click("#message-form button[type=submit]")
    supplier.wait_for_url("**#thread")

    buyer.goto(deal_url)
    assert "we load it in week 19" in buyer.inner_text("#thread-section")

    # The deal goes on to completion, with the deliveries recorded.
    page.goto(deal_url)
    for state in ("negotiating", "trial", "agreed", "delivering"):
        _move(page, state)
    assert page.inner_text("#deal-state") == "Delivering"
    page.fill("#delivery-form input[name=delivered_on]", datetime.utcnow().date().isoformat())
    page.fill("#delivery-form input[name=tonnes]", "1200")
    page.click("#delivery-form button[type=submit]")
    page.wait_for_url("**#deliveries")
    assert page.inner_text("#deal-tonnes") == "1,200"
    _move(page, "completed")
    assert page.inner_text("#deal-state") == "Completed"

    page.goto("/dashboard/impact")
    assert page.inner_text("#total-tonnes") == "1,200"
    assert page.locator("#impact-deals").inner_text().count("Ferrochrome slag, granulated") == 1
    # The charts drew (Chart.js from the vendored file, data from the data- attribute).
    # A locator wait, not wait_for_function: the page's CSP forbids evaluating strings.
    expect(page.locator("#chart-month")).to_have_attribute("width", re.compile(r"^[1-9][0-9]*$"))

    # Everyone was told in mail, in turn.
    from marketplace.db import db
    from marketplace.models import OutboxMessage

    subjects = live_server.run(lambda: [m.subject for m in db.session.query(OutboxMessage).filter(
        OutboxMessage.recipient == "olli@kivituote.example")])
    assert any("introduced" in s for s in subjects)
    assert any("new message" in s for s in subjects)
    buyer_context.close()
    supplier_context.close()
