"""An operator follows a request through the logs by its id, and a database that is out
of reach gives clean 503 answers (a page or problem+json), never a traceback."""
from __future__ import annotations

import json
import logging
import socket

import pytest

from marketplace import create_app
from marketplace.logs import HEADER, JsonFormatter, RequestIdFilter, current_request_id, request_id_for_job


def test_every_response_carries_a_request_id(client):
    first = client.get("/healthz").headers[HEADER]
    second = client.get("/healthz").headers[HEADER]
    assert len(first) == 32 and first != second


@pytest.mark.parametrize("offered, kept", [
    ("edge-7f3a9c1e-0001", True),
    ("short", False),
    ("has spaces in it ok", False),
    ("x" * 65, False),
    ("<script>alert(1)</script>", False),
])
def test_a_proxy_s_request_id_is_kept_only_when_it_looks_like_one(client, offered, kept):
    answered = client.get("/healthz", headers={HEADER: offered}).headers[HEADER]
    assert (answered == offered) is kept


def test_a_job_logs_under_the_id_of_the_request_that_queued_it():
    assert current_request_id() is None
    with request_id_for_job("req-0123456789"):
        assert current_request_id() == "req-0123456789"
    with request_id_for_job(None):  # queued outside a request (a periodic task): an id of its own
        assert len(current_request_id()) == 32
    assert current_request_id() is None


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def unreachable(tmp_path):
    """A site whose PostgreSQL is not there (nothing listens on its port)."""
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "UPLOAD_DIR": str(tmp_path),
                      "DATABASE_URL": f"postgresql://postgres@127.0.0.1:{_closed_port()}/sivuvirta",
                      "BABEL_DEFAULT_LOCALE": "en"})
    yield app
    app.extensions["sivuvirta.engine"].dispose()


def test_pages_answer_503_with_a_page_of_their_own_while_the_database_is_away(unreachable):
    response = unreachable.test_client().get("/streams")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    page = response.get_data(as_text=True)
    assert "The service is briefly unavailable" in page and "Nothing you sent in this request was saved" in page
    assert "Traceback" not in page and "psycopg" not in page


@pytest.mark.parametrize("path", ["/streams", "/listings/mine", "/deals/", "/needs/new"])
def test_a_signed_in_user_gets_the_503_page_too(unreachable, path):
    """Their language is read from their account, which is in the database that is away:
    the answer falls back to the browser's language instead of failing again."""
    client = unreachable.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = "7:token:nonce"
        session["_fresh"] = True
    response = client.get(path, headers={"Accept-Language": "sv"})
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert "Tjänsten är tillfälligt otillgänglig" in page
    assert "Traceback" not in page and "psycopg" not in page


def test_the_api_answers_503_problem_json_while_the_database_is_away(unreachable):
    response = unreachable.test_client().get("/api/v1/side-streams")
    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["status"] == 503


def test_readyz_says_the_database_is_away(unreachable):
    response = unreachable.test_client().get("/readyz")
    assert response.status_code == 503 and response.get_json()["database"] == "unavailable"


def test_json_logs_carry_the_request_id_the_response_gave(unreachable):
    records = []

    class Keep(logging.Handler):
        def emit(self, record):
            records.append(self.format(record))

    handler = Keep()
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    unreachable.logger.addHandler(handler)
    try:
        response = unreachable.test_client().get("/streams")
    finally:
        unreachable.logger.removeHandler(handler)
    lines = [json.loads(line) for line in records]
    warning = next(line for line in lines if line["message"].startswith("database unavailable"))
    assert warning["request_id"] == response.headers[HEADER]
    assert warning["level"] == "WARNING" and warning["time"].endswith("+00:00")


def test_a_queued_job_logs_under_the_request_id_of_the_request_that_queued_it(app, caplog):
    from flask import g

    from marketplace.db import db
    from marketplace.jobs import core

    with app.test_request_context():
        g.request_id = "req-queued-0001"
        job = core.enqueue("ping")
        db.session.commit()
        job_id = job.id
        assert job.request_id == "req-queued-0001"
    handler_filter = RequestIdFilter()
    caplog.handler.addFilter(handler_filter)
    try:
        with caplog.at_level(logging.INFO, logger="marketplace.jobs.core"):
            assert core.run(app, job_id) == "done"
    finally:
        caplog.handler.removeFilter(handler_filter)
    lines = [r for r in caplog.records if r.name == "marketplace.jobs.core" and f"job {job_id}" in r.getMessage()]
    assert lines and {r.request_id for r in lines} == {"req-queued-0001"}
