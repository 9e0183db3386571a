"""Every kind of job, in one list, and the periodic ones that replace the cron lines.

The functions delegate to their areas' services; each runs in an app context and a
transaction of the job runner (core.run), which commits after it. Work that renders mail
links runs in a request context on SITE_URL, as the commands do."""
from __future__ import annotations

import time
from contextlib import contextmanager
from datetime import date, datetime

from flask import current_app
from huey import crontab

from ..db import db
from .core import JobError, dispatch, enqueue, job_kind, sweep
from .queue import huey, state


@contextmanager
def _site_request():
    base_url = current_app.config.get("SITE_URL") or "http://localhost"
    with current_app.test_request_context("/", base_url=base_url):
        yield


def _day(args: dict) -> date | None:
    value = args.get("day")
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError) as error:
        raise JobError(f"day must be a date as YYYY-MM-DD, not {value!r}.") from error


def _allow_resend(args: dict) -> dict:
    # The admin's retry sends a mail whose hand-over was interrupted: they were told it
    # may have arrived.
    return {**args, "resend": True}


@job_kind("mail", max_attempts=10, on_retry=_allow_resend)
def mail(args: dict) -> None:
    from ..mail import send_outbox_message

    outbox_id = args.get("outbox_id")
    if not isinstance(outbox_id, int):
        raise JobError(f"A mail job needs outbox_id, an integer, not {outbox_id!r}.")
    send_outbox_message(outbox_id, resend=bool(args.get("resend")))


def _import_failed(args: dict, reason: str) -> None:
    from ..listings.jobs import import_failed

    import_failed(args, reason)


@job_kind("import", max_attempts=3, on_failed=_import_failed)
def import_listings(args: dict) -> None:
    from ..listings.jobs import run_import_job

    run_import_job(args)


@job_kind("refresh_matches", max_attempts=3)
def refresh_matches(args: dict) -> None:
    from ..matches.services import refresh_job

    for key in ("stream_ids", "need_ids"):
        if not all(isinstance(i, int) for i in args.get(key) or []):
            raise JobError(f"{key} must be a list of integer ids.")
    refresh_job(args)


@job_kind("refresh_all_matches", max_attempts=3)
def refresh_all_matches(args: dict) -> None:
    """The full refresh commits in chunks and resumes where an interrupted run stopped."""
    from ..matches.services import refresh_all

    refresh_all(db.session)


@job_kind("alerts_digest", max_attempts=3)
def alerts_digest(args: dict) -> None:
    from ..alerts.services import send_digests

    with _site_request():
        send_digests()


@job_kind("notifications_digest", max_attempts=3)
def notifications_digest(args: dict) -> None:
    from ..notifications.services import send_digests

    with _site_request():
        send_digests()


@job_kind("listings_remind", max_attempts=3)
def listings_remind(args: dict) -> None:
    """Reminders two weeks before a publication period ends, then expiry of ended ones
    (what `sivuvirta listings remind` does)."""
    from ..lifecycle.services import expire, send_reminders

    day = _day(args) or date.today()
    with _site_request():
        send_reminders(day)
        db.session.commit()
        expire(day)


def _report_failed(args: dict, reason: str) -> None:
    from ..dashboard.reports import job_failed

    job_failed(args, reason)


@job_kind("report", max_attempts=3, on_failed=_report_failed)
def report_file(args: dict) -> None:
    """A report file (impact of deals, self-evaluation) built and kept in its row."""
    from ..dashboard.reports import run_job

    run_job(args)


@job_kind("ping", max_attempts=3)
def ping(args: dict) -> None:
    """Does nothing for ``seconds``: shows an operator (and the tests) that a consumer runs
    jobs, and what happens to a job whose consumer dies."""
    seconds = args.get("seconds", 0)
    if not isinstance(seconds, (int, float)) or not 0 <= seconds <= 600:
        raise JobError(f"seconds must be a number from 0 to 600, not {seconds!r}.")
    time.sleep(seconds)


# -- periodic: what cron ran -------------------------------------------------------------
# Hours in UTC (Huey's default): 00:30 UTC is 02:30 or 03:30 in Finland, when the site is
# quiet. Each enqueues a visible job once a day (the day is in its arguments, so that two
# consumers with periodic tasks on do not run it twice; run only one with them anyway).

DAILY = {
    "refresh_all_matches": crontab(hour="0", minute="30"),
    "listings_remind": crontab(hour="4", minute="0"),
    "alerts_digest": crontab(hour="5", minute="0"),
    "notifications_digest": crontab(hour="5", minute="10"),
}


def enqueue_daily(kind: str, day: date) -> bool:
    """Enqueue today's ``kind`` job unless there is one. Returns whether it did."""
    import sqlalchemy as sa

    from ..models import Job

    since = datetime.combine(day, datetime.min.time())
    existing = db.session.scalars(sa.select(Job.args).where(Job.kind == kind, Job.created_at >= since))
    if any((args or {}).get("day") == day.isoformat() for args in existing):
        return False
    enqueue(kind, day=day.isoformat())
    return True


def _in_app(work) -> None:
    app = state["app"]
    with app.app_context():
        try:
            work()
            db.session.commit()
        except Exception:
            db.session.rollback()
            raise
        dispatch()


def _daily_task(kind: str, schedule):
    @huey.periodic_task(schedule, name=f"sivuvirta.daily.{kind}")
    def daily():
        _in_app(lambda: enqueue_daily(kind, datetime.utcnow().date()))
    return daily


for _kind, _schedule in DAILY.items():
    _daily_task(_kind, _schedule)


@huey.periodic_task(crontab(minute="*"), name="sivuvirta.sweep")
def sweep_every_minute():
    """Jobs of dead consumers retried, lost messages sent again, old jobs and report files
    pruned."""
    from ..dashboard.reports import prune

    _in_app(lambda: (sweep(db.session), prune(db.session)))
