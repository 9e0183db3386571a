"""The queue's storage: chosen by a setting with a clear error for a wrong one, asked by
/readyz, and a queue that is down loses no job (the row stays, the sweep sends it again)."""
from __future__ import annotations

import socket
from datetime import timedelta

import pytest

from marketplace import create_app
from marketplace.config import ConfigError
from marketplace.db import db
from marketplace.jobs import dispatch, enqueue, sweep
from marketplace.jobs.queue import storage_for
from marketplace.models import Job


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _app_on(app, **changes):
    keys = ("TESTING", "ENGINE", "DATABASE_URL", "SECRET_KEY", "WTF_CSRF_ENABLED", "UPLOAD_DIR", "TILE_URL",
            "SERVER_NAME", "BABEL_DEFAULT_LOCALE")
    other = create_app({**{key: app.config[key] for key in keys}, **changes})
    other.extensions["sivuvirta.bind"] = app.extensions["sivuvirta.bind"]
    return other


def test_the_storage_follows_the_setting(tmp_path):
    storage, described = storage_for(None, str(tmp_path))
    assert type(storage).__name__ == "SqliteStorage" and described == f"sqlite:///{tmp_path / 'queue.sqlite'}"
    with pytest.raises(ConfigError, match="must start with redis://, rediss:// or sqlite:///, not 'amqp'"):
        storage_for("amqp://guest@localhost//", str(tmp_path))


def test_a_queue_that_is_down_fails_readyz_and_loses_no_job(app):
    pytest.importorskip("redis", reason="the redis extra (pip install sivuvirta[redis]) is not installed")
    down = _app_on(app, QUEUE_IMMEDIATE=False, QUEUE_URL=f"redis://127.0.0.1:{_closed_port()}/0",
                   JOB_RESEND_AFTER=timedelta(0))
    response = down.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "database": "ok", "queue": "unavailable"}
    with down.app_context():
        job = enqueue("ping", seconds=0)
        db.session.commit()
        dispatch()  # Redis refuses: logged, not raised; the row stays queued
        assert db.session.get(Job, job.id).state == "queued"
        assert sweep(db.session)["resent"] >= 1
        db.session.commit()
        dispatch()
        db.session.remove()
