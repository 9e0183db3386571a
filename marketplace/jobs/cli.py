"""``sivuvirta jobs``: the consumer of the task queue, and the admin's look at the jobs."""
from __future__ import annotations

import json
import logging

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import with_appcontext


@click.group("jobs", help="Background jobs: the queue's consumer, and the jobs' states.")
def jobs_cli():
    pass


@jobs_cli.command("worker")
@click.option("--workers", type=click.IntRange(1, 64), default=2, show_default=True,
              help="Jobs run at once (threads).")
@click.option("--periodic/--no-periodic", default=True, show_default=True,
              help="Also run the daily jobs and the sweep; with several consumers, on one only.")
@with_appcontext
def worker(workers, periodic):
    """Run the consumer: jobs from the queue until Ctrl-C. SIGINT lets running jobs finish;
    SIGTERM, or a harder kill, stops them, and the next sweep runs them again."""
    from ..db import db
    from .core import beat_while_running, dispatch, sweep
    from .queue import huey, state

    if huey.immediate:
        raise click.UsageError("QUEUE_IMMEDIATE is on: jobs run inside the web process and need no consumer.")
    app = current_app._get_current_object()
    if not logging.getLogger().handlers:
        from flask.logging import default_handler

        # One handler for the consumer's, Huey's and the jobs' lines (not Flask's as well).
        app.logger.removeHandler(default_handler)
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    state["app"] = app
    report = sweep(db.session)
    db.session.commit()
    dispatch()
    click.echo(f"Queue {state['describe']}: {workers} workers; at start {report['retried']} jobs of stopped "
               f"consumers retried, {report['failed']} failed, {report['resent']} sent again.")
    beat_while_running(app)
    consumer = huey.create_consumer(workers=workers, worker_type="thread", periodic=periodic)
    consumer.run()


@jobs_cli.command("list")
@click.option("--state", type=click.Choice(["queued", "running", "done", "failed"]), default=None)
@click.option("--limit", type=click.IntRange(1, 1000), default=50, show_default=True)
@with_appcontext
def list_jobs(state, limit):
    """The latest jobs, newest first."""
    from ..db import db
    from ..models import Job

    query = sa.select(Job).order_by(Job.id.desc()).limit(limit)
    if state:
        query = query.where(Job.state == state)
    for job in db.session.scalars(query):
        click.echo(f"{job.id}\t{job.kind}\t{job.state}\t{job.attempts}/{job.max_attempts}\t"
                   f"{job.created_at:%Y-%m-%d %H:%M:%S}\t{job.error}")


@jobs_cli.command("retry")
@click.argument("job_id", type=int)
@with_appcontext
def retry_job(job_id):
    """Queue a failed job again, with all its attempts."""
    from ..db import db
    from ..models import Job
    from .core import JobError, dispatch, retry

    job = db.session.get(Job, job_id)
    if job is None:
        raise click.BadParameter(f"No job {job_id}.", param_hint="JOB_ID")
    try:
        retry(db.session, job)
    except JobError as error:
        raise click.BadParameter(str(error), param_hint="JOB_ID") from error
    db.session.commit()
    dispatch()
    click.echo(f"Job {job_id} ({job.kind}) queued again.")


@jobs_cli.command("enqueue")
@click.argument("kind")
@click.option("--args", "arguments", default="{}", help='The job\'s arguments as a JSON object, e.g. \'{"seconds": 5}\'.')
@with_appcontext
def enqueue_job(kind, arguments):
    """Queue a job of KIND by hand (``ping`` checks that a consumer runs)."""
    from ..db import db
    from .core import JobError, dispatch, enqueue

    try:
        args = json.loads(arguments)
    except ValueError as error:
        raise click.BadParameter(f"not JSON: {error}", param_hint="--args") from error
    if not isinstance(args, dict):
        raise click.BadParameter("must be a JSON object ({...}).", param_hint="--args")
    try:
        job = enqueue(kind, **args)
    except JobError as error:
        raise click.BadParameter(str(error), param_hint="KIND") from error
    db.session.commit()
    dispatch()
    click.echo(f"Job {job.id} ({kind}) queued.")


@jobs_cli.command("sweep")
@with_appcontext
def sweep_command():
    """Retry the jobs of stopped consumers and send again what no consumer picked up."""
    from ..db import db
    from .core import dispatch, sweep

    report = sweep(db.session)
    db.session.commit()
    dispatch()
    click.echo(", ".join(f"{count} {what}" for what, count in report.items()))
