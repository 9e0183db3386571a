"""Running an import as a job the page can follow.

A small file is imported during the request (its report is the answer). A large one
(BACKGROUND_FROM records and more) becomes an ``import`` job of the task queue, carrying
the parsed file; a consumer imports it in one transaction, so that a consumer that dies
leaves nothing half-written and the job, retried, starts again from the file.

The page polls the ImportJob row wherever the job runs. On PostgreSQL the consumer writes
its progress to the row in short transactions of their own. SQLite has one writer at a
time and the import holds it, so there the progress goes to a small file in the instance
folder beside the database (one machine by definition), read by any web process; the
row gets the checking phase and the final state."""
from __future__ import annotations

import json
import logging
import os
from pathlib import Path

import sqlalchemy as sa
from flask import current_app, g
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _

from ..db import db
from ..models import ImportJob, Job, User
from ..models.base import utcnow
from .importer import ImportProblem, ImportReport, ParsedFile, import_batch, user_resolver

BACKGROUND_FROM = 1000
log = logging.getLogger(__name__)


def _progress_file(job_id: int) -> Path:
    return Path(current_app.instance_path) / "jobs" / f"import-{job_id}.json"


def _read_progress_file(job_id: int):
    try:
        live = json.loads(_progress_file(job_id).read_text())
        return live["state"], int(live["done"]), int(live["total"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def progress_of(job: ImportJob) -> dict:
    state, done, total = job.state, job.done, job.total
    live = None if job.finished else _read_progress_file(job.id)
    if live:
        state, done, total = live
    report = job.report or {}
    return {"id": job.id, "state": state, "done": done, "total": total, "finished": job.finished,
            "ok": job.state == "done" and not report.get("problems"),
            "percent": int(100 * done / total) if total else (100 if job.finished else 0)}


def start(user, filename: str, parsed: ParsedFile) -> ImportJob:
    """A job for the parsed file: imported now when small, else queued (the queue gets it
    when the request commits)."""
    from ..jobs import enqueue

    total = sum(len(parsed.doc.get(k) or []) for k in ("side_streams", "needs")) if isinstance(parsed.doc, dict) else 0
    job = ImportJob(user_id=user.id, filename=filename[:200], state="queued", total=total)
    db.session.add(job)
    db.session.flush()
    if total < BACKGROUND_FROM:
        report = import_batch(parsed.doc, user, user_resolver(user), row_labels=parsed.labels,
                              cell_problems=parsed.cell_problems)
        _finish(job, report)
        db.session.flush()
        return job
    enqueue("import", import_job_id=job.id, user_id=user.id, locale=str(get_locale() or "fi"),
            doc=parsed.doc, labels=[[kind, index, str(label)] for (kind, index), label in parsed.labels.items()],
            cell_problems=[[str(x) if i == 3 else x for i, x in enumerate(p)] for p in parsed.cell_problems])
    return job


def _finish(job: ImportJob, report: ImportReport) -> None:
    job.state = "done" if report.ok else "failed"
    job.done = job.total if report.ok else job.done
    job.report = report.to_dict()
    job.finished_at = utcnow()


def _stopped(reason: str) -> ImportReport:
    report = ImportReport()
    report.problems.append(ImportProblem("batch", "file", None, "(document)", reason))
    return report


def _write_progress(job_id: int, phase: str, done: int, total: int) -> None:
    from ..jobs import heartbeat

    bind = current_app.extensions["sivuvirta.bind"]
    if isinstance(bind, sa.Engine) and bind.dialect.name == "postgresql":
        try:
            with bind.begin() as connection:
                connection.execute(sa.update(ImportJob).where(ImportJob.id == job_id)
                                   .values(state=phase, done=done))
        except sa.exc.OperationalError:  # the next step writes it
            pass
        heartbeat(bind)
        return
    path = _progress_file(job_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    scratch = path.with_suffix(f".{os.getpid()}.tmp")
    scratch.write_text(json.dumps({"state": phase, "done": done, "total": total}))
    os.replace(scratch, path)  # readers see the old or the new, never half of one


def run_import_job(args: dict) -> None:
    """The ``import`` job. Commits the listings and the job's report together."""
    from ..jobs import JobError

    try:
        job_id, user_id = int(args["import_job_id"]), int(args["user_id"])
    except (KeyError, TypeError, ValueError) as error:
        raise JobError(f"An import job needs import_job_id and user_id (integers): {error!r} is wrong.") from error
    job = db.session.get(ImportJob, job_id)
    if job is None:
        raise JobError(f"No import {job_id}.")
    if job.finished:
        return  # done already: a repeated delivery
    user = db.session.get(User, user_id)
    if user is None:
        with force_locale(args.get("locale") or "fi"):
            _finish(job, _stopped(_("The account that uploaded the file is gone; nothing was written.")))
        db.session.commit()
        return
    labels = {(kind, int(index)): label for kind, index, label in args.get("labels") or []}
    parsed = ParsedFile(args.get("doc") or {}, labels, [tuple(p) for p in args.get("cell_problems") or []])
    job.state, job.done = "checking", 0
    db.session.commit()
    try:
        with force_locale(args.get("locale") or "fi"):
            report = import_batch(parsed.doc, user, user_resolver(user),
                                  progress=lambda phase, done, total: _write_progress(job_id, phase, done, total),
                                  row_labels=parsed.labels, cell_problems=parsed.cell_problems)
        job = db.session.get(ImportJob, job_id)
        if not report.ok:
            db.session.rollback()
            job = db.session.get(ImportJob, job_id)
        _finish(job, report)
        db.session.commit()
    except sa.exc.OperationalError:
        db.session.rollback()  # the database went away: the job is retried from the file
        raise
    except Exception as error:
        db.session.rollback()
        raise JobError(f"The import stopped on an unexpected error: {type(error).__name__}: {error}") from error
    finally:
        _progress_file(job_id).unlink(missing_ok=True)
    # Done: the file's records need not stay in the job's row.
    current = g.get("current_job_id")
    if current is not None:
        db.session.execute(sa.update(Job).where(Job.id == current)
                           .values(args={"import_job_id": job_id, "user_id": user_id}))
        db.session.commit()


def import_failed(args: dict, reason: str) -> None:
    """The import job failed for good (or its consumer died too often): the page says
    why. Flushes; the caller commits."""
    job_id = args.get("import_job_id")
    job = db.session.get(ImportJob, job_id) if isinstance(job_id, int) else None
    if job is not None and not job.finished:
        with force_locale(args.get("locale") or "fi"):
            # The reason is the job's error, as the admin reads it (technical, in English).
            _finish(job, _stopped(_("The import stopped: %(reason)s Nothing was written.", reason=reason)))
        db.session.flush()
