"""A person signs up, confirms the address by the mailed link, signs in, is refused a
broker's page and signs out: in Chromium, against a live server."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from tests.factories import valid_business_id

pytestmark = pytest.mark.browser

PASSWORD = "ruskan värit tunturissa 2026"


def _confirmation_link(live_server, email: str) -> str:
    from marketplace.db import db
    from marketplace.models import OutboxMessage

    body = live_server.run(lambda: db.session.scalar(
        sa.select(OutboxMessage.body).where(OutboxMessage.recipient == email)
        .order_by(OutboxMessage.id.desc())))
    assert body, f"no mail to {email}"
    return re.search(r"https?://\S+/auth/confirm/\S+", body).group(0)


def test_sign_up_confirm_sign_in_and_out(page, live_server):
    email = "aino.browser@example.fi"
    page.goto("/auth/signup")
    page.fill("#organisation_name", "Selaimen Sivuvirta Oy")
    page.select_option("#country", "FI")
    page.fill("#business_id", valid_business_id(4242))
    page.select_option("#kind", "producer")
    page.fill("#site_name", "Kemi mill")
    page.fill("#place", "Kemi")
    page.fill("#lat", "65.7364")
    page.fill("#lon", "24.5637")
    page.fill("#name", "Aino Selain")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.fill("#password_again", PASSWORD)
    page.select_option("#language", "en")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/auth/signup/check-email")
    assert "Check your mail" in page.inner_text("h1")

    page.goto(_confirmation_link(live_server, email))
    page.click("main form button[type=submit]")
    page.wait_for_url("**/auth/login")
    assert "your email address is confirmed" in page.inner_text(".flashes")

    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(live_server.url + "/")
    assert "Aino Selain" in page.inner_text(".header-tools")
    assert page.locator(".banner-warning").count() == 0  # confirmed: no banner

    response = page.goto("/organisations/verification")
    assert response.status == 403
    assert "You may not do that" in page.inner_text("h1")

    page.click(".header-tools button:has-text('Sign out')")
    page.wait_for_url(live_server.url + "/")
    assert "Sign in" in page.inner_text(".header-tools")
    assert page.goto("/auth/account").url.startswith(live_server.url + "/auth/login")
