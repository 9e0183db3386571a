"""A worker that has just started fits its engine and recogniser in the background. A
request that needs them waits only so long (below gunicorn's 30 s timeout) and is then
answered 503 with Retry-After, nothing saved, instead of holding the worker until it is
killed (found by the full-size production check); jobs wait as long as the fit takes."""
from __future__ import annotations

import sqlalchemy as sa

from marketplace.db import db
from marketplace.matches import engine
from marketplace.models import SideStream

from .conftest import bearer
from .test_listings import NEW_STREAM


def test_a_save_while_the_recogniser_is_fitted_gets_503_and_saves_nothing(app, client, world, issue):
    from matching import matcher

    secret = issue(world.users["member_a"])
    app.config["MATCHING_REQUEST_WAIT_SECONDS"] = 0.2
    with app.app_context():
        before = db.session.scalar(sa.select(sa.func.count()).select_from(SideStream))
    assert matcher._recogniser_lock.acquire(timeout=5)  # the start-up fit holds it
    try:
        response = client.post("/api/v1/side-streams", json=NEW_STREAM, headers=bearer(secret))
    finally:
        matcher._recogniser_lock.release()
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    assert response.mimetype == "application/problem+json"
    assert "Nothing you sent in this request was saved" in response.get_json()["detail"]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SideStream)) == before
    # The fit done, the same request is served.
    assert client.post("/api/v1/side-streams", json=NEW_STREAM, headers=bearer(secret)).status_code == 201


def test_a_request_waits_for_the_engine_only_so_long_a_job_as_long_as_it_takes(app, world):
    app.config["MATCHING_REQUEST_WAIT_SECONDS"] = 0.2
    assert engine._lock.acquire(timeout=5)
    try:
        with app.test_request_context("/"):
            try:
                engine.current(db.session)
            except engine.EngineWarming as error:
                assert error.code == 503 and error.retry_after == 5
            else:
                raise AssertionError("the request waited for the engine without limit")
    finally:
        engine._lock.release()
    with app.app_context(), app.test_request_context("/"):
        from flask import g

        g.current_job_id = 1  # a job (in a request context of its own, for its links) waits
        assert engine.current(db.session) is not None


def test_a_need_s_matches_page_shows_without_near_misses_while_the_engine_is_fitted(app, client, auth, world):
    app.config["MATCHING_REQUEST_WAIT_SECONDS"] = 0.2
    auth.login(world.users["member_a"].email)
    assert engine._lock.acquire(timeout=5)
    try:
        response = client.get(f"/matches/needs/{world.need_public.id}")
    finally:
        engine._lock.release()
    assert response.status_code == 200


def test_a_stream_s_page_shows_without_near_misses_while_the_engine_is_fitted(app, client, auth, world):
    app.config["MATCHING_REQUEST_WAIT_SECONDS"] = 0.2
    auth.login(world.users["member_a"].email)
    assert engine._lock.acquire(timeout=5)
    try:
        response = client.get(f"/streams/{world.stream_draft.id}")
    finally:
        engine._lock.release()
    assert response.status_code == 200
