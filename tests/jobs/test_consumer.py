"""The queue with a real consumer process (`sivuvirta jobs worker`), on the SQLite storage
and, when redis-server is installed, on Redis: a job queued before any consumer runs is
run when one starts, and a job whose consumer is killed in the middle of it is run again
by the next one, once more and no more."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from marketplace import create_app
from marketplace.db import db
from marketplace.jobs import dispatch, enqueue
from marketplace.models import Job
from tests.servers import own_redis

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 120  # seconds: the consumer builds the app (loads the engine's libraries) first


@pytest.fixture(params=["sqlite", "redis"])
def queue_url(request, tmp_path):
    if request.param == "sqlite":
        yield None
        return
    with own_redis(tmp_path) as (_, url):
        yield f"{url}/0"


@pytest.fixture
def site(tmp_path, queue_url):
    """A site on a database of its own (committed for real: the consumer is another
    process), its queue not immediate."""
    from tests.conftest import build_schema

    path = tmp_path / "site.sqlite"
    url = f"sqlite:///{path}"
    from marketplace.db import create_engine

    engine = create_engine(url)
    build_schema(engine)
    engine.dispose()
    env = {**os.environ, "SIVUVIRTA_DATABASE_URL": url, "SIVUVIRTA_INSTANCE_PATH": str(tmp_path),
           "SIVUVIRTA_SECRET_KEY": "consumer-test", "SIVUVIRTA_QUEUE_IMMEDIATE": "0"}
    if queue_url:
        env["SIVUVIRTA_QUEUE_URL"] = queue_url
    config = {"DATABASE_URL": url, "SECRET_KEY": "consumer-test", "QUEUE_IMMEDIATE": False, "QUEUE_URL": queue_url}
    app = create_app(config)
    app.instance_path = str(tmp_path)
    from marketplace.jobs.queue import configure

    configure(app)  # the queue file in tmp_path
    yield app, env
    app.extensions["sivuvirta.engine"].dispose()
    # Later tests build their apps in immediate mode again (create_app configures the queue).


def _consumer(env, log: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", "from marketplace.cli import main; main()",
                             "jobs", "worker", "--workers", "1", "--no-periodic"],
                            cwd=ROOT, env=env, stdout=log.open("a"), stderr=subprocess.STDOUT)


def _wait_for(app, job_id, states, timeout=START_TIMEOUT) -> Job:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with app.app_context():
            job = db.session.get(Job, job_id)
            db.session.remove()
        if job.state in states:
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} still {job.state} after {timeout} s")


def _enqueue(app, **args) -> int:
    with app.app_context():
        job = enqueue("ping", **args)
        db.session.commit()
        dispatch()
        job_id = job.id
        db.session.remove()
    return job_id


def test_a_queued_job_survives_the_consumer_being_killed_and_runs_once_more(site, tmp_path):
    app, env = site
    log = tmp_path / "consumer.log"
    before = _enqueue(app, seconds=0)          # queued while no consumer runs
    interrupted = _enqueue(app, seconds=8)     # running when its consumer is killed
    first = _consumer(env, log)
    try:
        assert _wait_for(app, before, {"done", "failed"}).state == "done"
        _wait_for(app, interrupted, {"running"})
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait()
    with app.app_context():
        left = db.session.get(Job, interrupted)
        assert left.state == "running" and left.worker.endswith(f":{first.pid}")
        db.session.remove()
    second = _consumer(env, log)
    try:
        job = _wait_for(app, interrupted, {"done", "failed"})
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(timeout=60)
    assert job.state == "done", log.read_text()[-3000:]
    assert job.attempts == 2 and f"The consumer {left.worker} stopped while running it (attempt 1 of 3)" in job.error
    with app.app_context():
        assert db.session.get(Job, before).attempts == 1
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Job).where(Job.state != "done")) == 0
        db.session.remove()
