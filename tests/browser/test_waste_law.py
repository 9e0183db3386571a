"""Waste law in a real browser: a supplier declares a slag a by-product with its decision
attached; a buyer without a waste permit sees it matched while a fly ash listed as waste is
refused with the law named; and the buyer's saved search mails them the new stream."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from tests.browser.test_listings import sign_in
from tests.factories import Factory

pytestmark = pytest.mark.browser
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(scope="module")
def people(live_server):
    make = Factory(live_server.app)
    supplier_org = make.organisation(name="Lain Kuona Oy", lat=65.78, lon=24.17, place="Tornio")
    buyer_org = make.organisation(name="Luvaton Maarakennus Oy", lat=65.73, lon=24.56, place="Kemi")
    need = make.need(buyer_org, title="Road base for the harbour", application="earth_construction",
                     accepts_waste=False, lat=65.73, lon=24.56)
    make.stream(supplier_org, title="Peat fly ash", category="ash", ewc_code="10 01 02", legal_status="waste",
                quantity_t_per_year=3000.0, lat=65.76, lon=24.50)
    return {
        "supplier": make.user(supplier_org, email="supplier.law@example.fi", language="en"),
        "buyer": make.user(buyer_org, email="buyer.law@example.fi", language="en"),
        "need": need,
    }


def sign_out(page):
    page.context.clear_cookies()


def _mails_to(email):
    from marketplace.db import db
    from marketplace.models import OutboxMessage

    return [(m.subject, m.body) for m in db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.recipient == email).order_by(OutboxMessage.id))]


def _refresh():
    from marketplace.db import db
    from marketplace.matches.services import refresh_all

    return refresh_all(db.session)


def test_the_law_in_the_marketplace(page, live_server, people):
    # The buyer saves a search of slags, to be told at once.
    sign_in(page, people["buyer"].email)
    page.goto("/streams?category=slag")
    page.click("#save-search")
    page.fill("#name", "Slags near Kemi")
    page.select_option("#frequency", "immediate")
    page.click("#save-search-submit")
    page.wait_for_url("**/alerts/")
    assert "Slags near Kemi" in page.locator("main").inner_text()
    sign_out(page)

    # The supplier declares a slag a by-product and attaches the authority's decision.
    sign_in(page, people["supplier"].email)
    page.goto("/streams/new")
    page.fill("#title", "Ferrochrome slag, by-product")
    page.select_option("#category", "slag")
    page.fill("#ewc_code", "10 02 02")
    page.select_option("#legal_status", "by_product")
    page.locator("details.legal-guide-toggle > summary").click()
    page.locator("details[data-legal-status=by_product] > summary").click()
    assert page.get_by_text("Further use is certain").first.is_visible()
    page.set_input_files("#legal_evidence", files=[{"name": "ely-decision.pdf", "mimeType": "application/pdf",
                                                     "buffer": PDF}])
    page.fill("#legal_evidence_title", "Lapland ELY Centre by-product decision")
    page.fill("#lat", "65.78")
    page.fill("#lon", "24.17")
    page.click("button[value=publish]")
    page.wait_for_url(re.compile(r".*/streams/\d+$"))
    assert page.locator("#legal-status").inner_text().count("By-product") == 1
    assert "Lapland ELY Centre by-product decision" in page.locator("main").inner_text()
    sign_out(page)

    # The buyer's saved search mailed the new stream, with a link that stops the alert.
    mails = live_server.run(lambda: _mails_to(people["buyer"].email))
    assert len(mails) == 1
    subject, body = mails[0]
    assert "Ferrochrome slag, by-product" in subject and "/alerts/stop/" in body

    # The nightly ranking runs; the buyer without a waste permit sees the slag matched and the
    # fly ash refused, with the law named.
    live_server.run(_refresh)
    sign_in(page, people["buyer"].email)
    page.goto(f"/matches/needs/{people['need'].id}")
    main = page.locator("main").inner_text()
    assert "Ferrochrome slag, by-product" in page.locator(".cards").inner_text()
    refused = page.locator("#refused-by-law").inner_text()
    assert "Peat fly ash" in refused
    assert "the receiver does not accept waste" in refused and "Waste Act 646/2011, section 29" in refused
    assert "Peat fly ash" not in page.locator(".cards").inner_text()
    assert "Refused by waste law" in main
