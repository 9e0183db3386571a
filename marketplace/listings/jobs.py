"""Running an import as a job the page can follow.

A small file is imported during the request. A large one (BACKGROUND_FROM records and
more) runs in a background thread with its own session and transaction; the job row
says how far it is. Progress is written to the row through a separate short transaction
on PostgreSQL; SpatiaLite allows one writer at a time, so while the import holds the
write lock its progress is kept in this process (the dev server and a single worker
answer the polls from it) and the row gets the final state."""
from __future__ import annotations

import logging
import threading

import sqlalchemy as sa
from flask import current_app

from ..db import db
from ..models import ImportJob, User
from ..models.base import utcnow
from .importer import ImportProblem, ImportReport, ParsedFile, import_batch, user_resolver

BACKGROUND_FROM = 1000
_progress: dict[int, tuple[str, int, int]] = {}
_lock = threading.Lock()
log = logging.getLogger(__name__)


def progress_of(job: ImportJob) -> dict:
    state, done, total = job.state, job.done, job.total
    with _lock:
        live = _progress.get(job.id)
    if live and not job.finished:
        state, done, total = live
    report = job.report or {}
    return {"id": job.id, "state": state, "done": done, "total": total, "finished": job.finished,
            "ok": job.state == "done" and not report.get("problems"),
            "percent": int(100 * done / total) if total else (100 if job.finished else 0)}


def start(user, filename: str, parsed: ParsedFile) -> ImportJob:
    """A job for the parsed file; run now when small or when no engine can be shared
    with a thread (tests bind the app to one connection), else in the background."""
    total = sum(len(parsed.doc.get(k) or []) for k in ("side_streams", "needs")) if isinstance(parsed.doc, dict) else 0
    job = ImportJob(user_id=user.id, filename=filename[:200], state="queued", total=total)
    db.session.add(job)
    db.session.flush()
    bind = current_app.extensions["sivuvirta.bind"]
    if total < BACKGROUND_FROM or not isinstance(bind, sa.Engine):
        report = import_batch(parsed.doc, user, user_resolver(user), row_labels=parsed.labels,
                              cell_problems=parsed.cell_problems)
        _finish(job, report)
        db.session.flush()
        return job
    # The job row must exist for the thread and the polling page: commit it now.
    db.session.commit()
    app = current_app._get_current_object()
    thread = threading.Thread(target=_run, args=(app, job.id, user.id, parsed), daemon=True,
                              name=f"import-{job.id}")
    thread.start()
    return job


def _finish(job: ImportJob, report: ImportReport) -> None:
    job.state = "done" if report.ok else "failed"
    job.done = job.total if report.ok else job.done
    job.report = report.to_dict()
    job.finished_at = utcnow()


def _run(app, job_id: int, user_id: int, parsed: ParsedFile) -> None:
    with app.app_context():
        engine = app.extensions["sivuvirta.engine"]
        postgres = engine.dialect.name == "postgresql"

        def progress(phase: str, done: int, total: int) -> None:
            with _lock:
                _progress[job_id] = (phase, done, total)
            if postgres or phase == "checking":
                try:
                    with engine.begin() as connection:
                        connection.execute(sa.update(ImportJob).where(ImportJob.id == job_id)
                                           .values(state=phase, done=done))
                except sa.exc.OperationalError:  # the row is busy: the next step writes it
                    pass

        try:
            user = db.session.get(User, user_id)
            report = import_batch(parsed.doc, user, user_resolver(user), progress=progress,
                                  row_labels=parsed.labels, cell_problems=parsed.cell_problems)
            if report.ok:
                db.session.commit()
            else:
                db.session.rollback()
        except Exception:  # noqa: BLE001 - a job must end in a state the page can show
            log.exception("import job %s failed", job_id)
            db.session.rollback()
            report = ImportReport()
            report.problems.append(ImportProblem("batch", "file", None, "(document)",
                                                 "The import stopped on an unexpected error; nothing was written."))
        job = db.session.get(ImportJob, job_id)
        _finish(job, report)
        db.session.commit()
        db.session.remove()
        with _lock:
            _progress.pop(job_id, None)
