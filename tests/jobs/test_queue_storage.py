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


def test_a_request_that_mails_never_waits_for_the_mail_server(app, make, monkeypatch, tmp_path):
    """With a consumer (not immediate), the request writes the outbox row and its job and
    hands the job to the queue: SMTP is not touched while the page answers."""
    import smtplib

    import sqlalchemy as sa

    from marketplace.models import OutboxMessage

    def no_smtp(*args, **kwargs):
        raise AssertionError("the request talked to the mail server")

    monkeypatch.setattr(smtplib, "SMTP", no_smtp)
    make.user(make.organisation(), email="pekka@example.fi")
    queued = _app_on(app, QUEUE_IMMEDIATE=False, MAIL_SERVER="smtp.example.fi", WTF_CSRF_ENABLED=False)
    queued.instance_path = str(tmp_path)
    from marketplace.jobs.queue import configure, huey

    configure(queued)  # the queue file in tmp_path
    response = queued.test_client().post("/auth/reset", data={"email": "pekka@example.fi"})
    assert response.status_code in (200, 302)
    with queued.app_context():
        message = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.recipient == "pekka@example.fi")).one()
        job = db.session.scalars(sa.select(Job).where(Job.kind == "mail")).one()
        assert message.sent_at is None and job.state == "queued" and job.args == {"outbox_id": message.id}
        db.session.remove()
    assert huey.storage.queue_size() == 1
