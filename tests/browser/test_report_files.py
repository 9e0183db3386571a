"""A broker asks for the impact workbook, waits on its page while the queue's consumer builds
it, and downloads it.

The live server runs its jobs in itself; here the hand-over to the queue is held back, so
the page waits as it does in production until the test runs the job as a consumer does
(``marketplace.jobs.run``)."""
from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook

from tests.browser.test_listings import sign_in
from tests.factories import Factory

pytestmark = pytest.mark.browser


def test_a_broker_asks_for_a_workbook_waits_and_downloads_it(page, live_server, monkeypatch):
    from marketplace.jobs import core, run

    held = []
    monkeypatch.setattr(core, "_send", lambda job_id, delay=None: held.append(job_id))
    broker = Factory(live_server.app).user(None, role="broker", email="report.broker@example.fi", language="en")
    sign_in(page, broker.email)
    page.goto("/dashboard/impact")
    page.click("[data-report-request=impact] button[value=xlsx]")
    page.wait_for_url(re.compile(r"/dashboard/reports/\d+$"))
    assert "The file waits for its turn." in page.content()
    assert page.locator("[data-report-state]").get_attribute("data-report-state") == "queued"
    assert page.locator("a[download]").count() == 0

    assert len(held) == 1
    assert run(live_server.app, held[0]) == "done"  # what the consumer does with the message
    page.wait_for_selector("[data-report-state=done]", timeout=20_000)  # the page follows the job
    with page.expect_download() as download_info:
        page.click("a[download]")
    download = download_info.value
    assert download.suggested_filename == "sivuvirta-impact.xlsx"
    with open(download.path(), "rb") as handle:
        workbook = load_workbook(io.BytesIO(handle.read()))
    assert workbook.sheetnames[:2] == ["Deals", "By month"]
    assert next(workbook["Deals"].values)[:3] == ("Deal", "Title", "State")
