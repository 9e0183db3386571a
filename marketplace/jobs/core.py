"""Jobs: written with the request, handed to the queue after its commit, claimed and run
by a consumer, retried with backoff when the failure is temporary, found when their
consumer died."""
from __future__ import annotations

import json
import logging
import os
import socket
import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Callable

import sqlalchemy as sa
from flask import current_app, g, has_app_context

from ..db import db, writing
from ..logs import current_request_id, request_id_for_job
from ..models import Job
from ..models.base import utcnow
from .queue import huey

log = logging.getLogger(__name__)

# Retry backoff: RETRY_SECONDS * 4^(attempt-1), at most MAX_BACKOFF. For mail (10
# attempts) that is 30 s, 2 min, 8 min, 32 min, 2 h 8 min, then every 6 h: about a
# day and a half of a mail server being down before the admin is needed.
RETRY_SECONDS = 30
MAX_BACKOFF = timedelta(hours=6)
# A consumer on another host that has not renewed a running job's heartbeat for this
# long is taken for dead (consumers on this host are asked directly, by process id).
LEASE_SECONDS = 600
# A queued job whose message has not brought it to a consumer in this time is sent again
# (the message was lost with a Redis restart, or the hand-over after the commit failed).
RESEND_AFTER = timedelta(minutes=10)
# Finished jobs are kept this long for the admin's page, then pruned by the sweep.
KEPT_DAYS = 14


class JobError(ValueError):
    """Bad input to a job: it fails at once with this message, without retries."""


class TemporaryFailure(RuntimeError):
    """A failure that may pass (mail server down): the job is retried with backoff."""


@dataclass
class Kind:
    name: str
    function: Callable[[dict], object]
    max_attempts: int
    on_retry: Callable[[dict], dict] | None = None
    on_failed: Callable[[dict, str], None] | None = None


KINDS: dict[str, Kind] = {}
_in_flight: set[int] = set()
_in_flight_lock = threading.Lock()


def job_kind(name: str, max_attempts: int = 3, on_retry=None, on_failed=None):
    """Register ``function(args)`` as the job ``name``. ``on_retry(args)`` gives the
    arguments of the admin's retry; ``on_failed(args, reason)`` records a failure for
    good where the job's own pages show it (flushing only)."""
    def register(function):
        KINDS[name] = Kind(name, function, max_attempts, on_retry, on_failed)
        return function
    return register


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:120]


def _setting(name: str, default):
    return current_app.config.get(f"JOB_{name}", default)


# -- asking -------------------------------------------------------------------------------

def enqueue(kind: str, **args) -> Job:
    """A job of ``kind`` in the current transaction; handed to the queue by ``dispatch``
    after the commit (a rolled-back request leaves no job behind)."""
    if kind not in KINDS:
        raise JobError(f"Unknown job kind {kind!r}; the kinds are: {', '.join(sorted(KINDS))}.")
    try:
        json.dumps(args)
    except (TypeError, ValueError) as error:
        raise JobError(f"The arguments of a {kind} job must be JSON values: {error}") from error
    job = Job(kind=kind, args=args, state="queued", attempts=0, max_attempts=KINDS[kind].max_attempts,
              error="", worker="", request_id=current_request_id() or "")
    db.session.add(job)
    db.session.flush()
    g.setdefault("jobs_to_dispatch", []).append(job.id)
    return job


def gathering(kind: str, **args) -> Job:
    """The one job of ``kind`` this transaction gathers work into (the match refresh of
    every listing a request saved), enqueued with ``args`` the first time."""
    open_jobs = g.setdefault("jobs_gathering", {})
    if kind not in open_jobs:
        open_jobs[kind] = enqueue(kind, **args)
    return open_jobs[kind]


def dispatch() -> None:
    """Hand the jobs enqueued in this context to the queue; call only after the commit."""
    g.pop("jobs_gathering", None)
    for job_id in g.pop("jobs_to_dispatch", []):
        _send(job_id)


def forget_undispatched() -> None:
    """The transaction that wrote them was rolled back."""
    g.pop("jobs_gathering", None)
    g.pop("jobs_to_dispatch", None)


def _send(job_id: int, delay: float | None = None) -> None:
    if huey.immediate and delay:
        return  # tests: a retry waits for the test (or the sweep) to run it
    try:
        if delay:
            execute_job.schedule(args=(job_id,), delay=delay)
        else:
            execute_job(job_id)
    except Exception:  # noqa: BLE001 - the row is committed: the sweep sends it again
        log.exception("job %s not handed to the queue; the sweep sends it again", job_id)


@huey.task(name="sivuvirta.run_job")
def execute_job(job_id: int):
    from .queue import state

    app = current_app._get_current_object() if has_app_context() else state["app"]
    if app is None:
        raise RuntimeError("no Sivuvirta app in this consumer: start it with `sivuvirta jobs worker`")
    return run(app, job_id)


# -- running --------------------------------------------------------------------------------

def run(app, job_id: int) -> str | None:
    """Claim the job and run it in a context and transactions of its own. Returns its new
    state, or None when it was not this call's to run (claimed already, or not yet due)."""
    with app.app_context(), writing():
        session = db.session
        try:
            now = utcnow()
            claimed = session.execute(
                sa.update(Job).where(Job.id == job_id, Job.state == "queued",
                                     sa.or_(Job.run_after.is_(None), Job.run_after <= now + timedelta(seconds=2)))
                .values(state="running", attempts=Job.attempts + 1, worker=worker_name(),
                        started_at=now, heartbeat_at=now, run_after=None, finished_at=None)
            ).rowcount == 1
            session.commit()
            if not claimed:
                return None
            job = session.get(Job, job_id)
            kind = KINDS.get(job.kind)
            args = dict(job.args or {})
            request_id = job.request_id or None
        except Exception:
            session.rollback()
            raise
        with _in_flight_lock:
            _in_flight.add(job_id)
        with request_id_for_job(request_id):  # its log lines carry the id of the request that queued it
            g.current_job_id = job_id
            try:
                if kind is None:
                    raise JobError(f"No job kind {job.kind!r} in this version of Sivuvirta.")
                log.info("job %s (%s) started, attempt %s", job_id, job.kind, job.attempts)
                kind.function(args)
                # Done in the same commit as the job's last writes: a consumer that dies before
                # it leaves the job running (run again, its effects idempotent), never done twice.
                session.execute(sa.update(Job).where(Job.id == job_id).values(
                    state="done", finished_at=utcnow(), worker=""))  # error: an earlier attempt's, kept
                session.commit()
            except Exception as error:  # noqa: BLE001 - every failure ends in a state the admin sees
                session.rollback()
                forget_undispatched()
                return _failed(session, job_id, error)
            finally:
                with _in_flight_lock:
                    _in_flight.discard(job_id)
            log.info("job %s (%s) done", job_id, job.kind)
            dispatch()
            return "done"


def _describe(error: Exception) -> str:
    if isinstance(error, (JobError, TemporaryFailure)):
        return str(error)[:2000]
    return f"{type(error).__name__}: {error}"[:2000]


def backoff(attempts: int) -> timedelta:
    seconds = _setting("RETRY_SECONDS", RETRY_SECONDS) * 4 ** max(0, attempts - 1)
    return min(timedelta(seconds=seconds), MAX_BACKOFF)


def _failed(session, job_id: int, error: Exception) -> str:
    temporary = isinstance(error, (TemporaryFailure, sa.exc.OperationalError, sa.exc.InterfaceError))
    job = session.get(Job, job_id)
    job.error = _describe(error)
    job.worker = ""
    if temporary and job.attempts < job.max_attempts:
        wait = backoff(job.attempts)
        job.state, job.run_after = "queued", utcnow() + wait
        session.commit()
        log.warning("job %s (%s) failed for now, retried in %s: %s", job_id, job.kind, wait, job.error)
        _send(job_id, delay=wait.total_seconds())
        return "queued"
    job.state, job.finished_at = "failed", utcnow()
    _record_failure(job)
    session.commit()
    if isinstance(error, (JobError, TemporaryFailure)):
        log.error("job %s (%s) failed: %s", job_id, job.kind, job.error)
    else:
        log.error("job %s (%s) failed", job_id, job.kind, exc_info=error)
    return "failed"


def _record_failure(job: Job) -> None:
    kind = KINDS.get(job.kind)
    if kind is not None and kind.on_failed is not None:
        kind.on_failed(dict(job.args or {}), job.error)


def heartbeat(engine) -> None:
    """A long job says it is alive, in a short transaction of its own (PostgreSQL: SQLite's
    one writer is the job itself, and consumers on its host are asked by process id)."""
    job_id = g.get("current_job_id")
    if job_id is None or engine.dialect.name != "postgresql":
        return
    try:
        with engine.begin() as connection:
            connection.execute(sa.update(Job).where(Job.id == job_id).values(heartbeat_at=utcnow()))
    except sa.exc.OperationalError:
        pass  # the next beat tries again


def beat_while_running(app, every: float = 60.0) -> threading.Thread | None:
    """In a consumer: renew the heartbeat of this process's running jobs every minute, so
    that consumers on other hosts do not take a long job (the nightly refresh) for lost.
    PostgreSQL only: SQLite is one machine, where the process is asked directly."""
    engine = app.extensions["sivuvirta.engine"]
    if engine.dialect.name != "postgresql":
        return None

    def beat():
        while True:
            time.sleep(every)
            with _in_flight_lock:
                running = sorted(_in_flight)
            if not running:
                continue
            try:
                with engine.begin() as connection:
                    connection.execute(sa.update(Job).where(Job.id.in_(running), Job.state == "running")
                                       .values(heartbeat_at=utcnow()))
            except sa.exc.SQLAlchemyError:
                log.warning("heartbeat of jobs %s not written; the next one tries again", running)

    thread = threading.Thread(target=beat, name="sivuvirta-job-heartbeat", daemon=True)
    thread.start()
    return thread


# -- finding the lost ones ------------------------------------------------------------------

def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _consumer_alive(job: Job, now, lease: timedelta) -> bool:
    if job.worker == worker_name():
        return job.id in _in_flight
    host, _, pid = job.worker.rpartition(":")
    if host == socket.gethostname() and pid.isdigit():
        return _pid_alive(int(pid))
    return job.heartbeat_at is not None and job.heartbeat_at > now - lease


def sweep(session) -> dict:
    """Retry (or fail, when out of attempts) the running jobs whose consumer died, send
    again the queued jobs no consumer picked up, and prune old finished jobs. Flushes;
    the caller commits and then calls ``dispatch``."""
    now = utcnow()
    lease = timedelta(seconds=_setting("LEASE_SECONDS", LEASE_SECONDS))
    report = {"retried": 0, "failed": 0, "resent": 0, "pruned": 0}
    for job in session.scalars(sa.select(Job).where(Job.state == "running").order_by(Job.id)):
        if _consumer_alive(job, now, lease):
            continue
        reason = f"The consumer {job.worker or '(unknown)'} stopped while running it (attempt {job.attempts} of {job.max_attempts})"
        job.worker = ""
        if job.attempts < job.max_attempts:
            job.state, job.run_after, job.error = "queued", None, reason + "; run again."
            g.setdefault("jobs_to_dispatch", []).append(job.id)
            report["retried"] += 1
        else:
            job.state, job.finished_at, job.error = "failed", now, reason + "."
            _record_failure(job)
            report["failed"] += 1
        log.warning("job %s (%s): %s", job.id, job.kind, job.error)
    stale = now - _setting("RESEND_AFTER", RESEND_AFTER)
    for job in session.scalars(sa.select(Job).where(
            Job.state == "queued", sa.func.coalesce(Job.run_after, Job.created_at) < stale).order_by(Job.id)):
        job.run_after = now
        g.setdefault("jobs_to_dispatch", []).append(job.id)
        report["resent"] += 1
    report["pruned"] = session.execute(sa.delete(Job).where(
        Job.state == "done", Job.finished_at < now - timedelta(days=KEPT_DAYS))).rowcount
    session.flush()
    return report


def retry(session, job: Job) -> Job:
    """The admin's retry of a failed (or stuck queued) job: all its attempts again."""
    if job.state not in ("failed", "queued"):
        raise JobError(f"Job {job.id} is {job.state}; only failed or queued jobs can be retried.")
    kind = KINDS.get(job.kind)
    if kind is not None and kind.on_retry is not None:
        job.args = kind.on_retry(dict(job.args or {}))
    job.state, job.attempts, job.error, job.worker = "queued", 0, "", ""
    job.run_after = job.finished_at = None
    session.flush()
    g.setdefault("jobs_to_dispatch", []).append(job.id)
    return job
