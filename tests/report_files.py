"""Asking for a report file as a browser does: the form's POST, its page, its download.
In the tests the queue runs the job inside the POST (QUEUE_IMMEDIATE)."""
from __future__ import annotations

import re


def ask(client, kind: str, fmt: str, year=None):
    """POST the request; returns the answer (a redirect to the file's page when accepted)."""
    return client.post("/dashboard/reports", data={"kind": kind, "fmt": fmt, "year": "" if year is None else str(year)})


def report_id(response) -> int:
    found = re.search(r"/dashboard/reports/(\d+)$", response.headers.get("Location", ""))
    assert found, (response.status_code, response.headers.get("Location"))
    return int(found.group(1))


def fetch(client, kind: str, fmt: str, year=None):
    """The built file's download (asserts that the request was accepted and the file made)."""
    response = ask(client, kind, fmt, year)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    number = report_id(response)
    page = client.get(f"/dashboard/reports/{number}")
    assert page.status_code == 200 and 'data-report-state="done"' in page.get_data(as_text=True)
    download = client.get(f"/dashboard/reports/{number}/file")
    assert download.status_code == 200
    return download
