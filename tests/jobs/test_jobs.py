"""Background jobs: written with the request, run after its commit, retried with backoff
when the failure is temporary, found when their consumer died, visible to the admin, and
mail sent once (tests run the queue in immediate mode: a job runs at dispatch)."""
from __future__ import annotations

import smtplib
import subprocess
from datetime import timedelta

import pytest
import sqlalchemy as sa

from marketplace.db import db
from marketplace.jobs import JobError, dispatch, enqueue, retry, run, sweep
from marketplace.jobs.core import worker_name
from marketplace.mail import queue_mail
from marketplace.models import ImportJob, Job, OutboxMessage
from marketplace.models.base import utcnow


class FakeSMTP:
    """An SMTP server that is down (``down``) or counts what it is handed."""

    down = False
    sent: list = []

    def __init__(self, host, port, timeout=None):
        if FakeSMTP.down:
            raise ConnectionRefusedError(111, "Connection refused")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def starttls(self):
        pass

    def login(self, user, password):
        pass

    def send_message(self, email):
        FakeSMTP.sent.append(email)


@pytest.fixture
def smtp(app, monkeypatch):
    FakeSMTP.down, FakeSMTP.sent = False, []
    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    app.config.update(MAIL_SERVER="smtp.example.fi", MAIL_USERNAME=None, JOB_RETRY_SECONDS=30)
    return FakeSMTP


def _job(job_id) -> Job:
    db.session.expire_all()
    return db.session.get(Job, job_id)


def _queue_and_send(recipient="anna@example.fi"):
    message = queue_mail(recipient, "Uusi pari", "Kuonalle löytyi käyttö.")
    job_id = max(db.session.scalars(sa.select(Job.id)))
    db.session.commit()
    dispatch()
    return message.id, job_id


def test_a_request_s_mail_is_sent_by_a_job_after_the_commit(app, ctx, smtp):
    outbox_id, job_id = _queue_and_send()
    job = _job(job_id)
    assert (job.kind, job.state, job.attempts, job.args) == ("mail", "done", 1, {"outbox_id": outbox_id})
    assert db.session.get(OutboxMessage, outbox_id).sent_at is not None
    assert len(smtp.sent) == 1 and smtp.sent[0]["Message-ID"].startswith(f"<") and f"outbox-{outbox_id}" in smtp.sent[0]["Message-ID"]


def test_a_rolled_back_request_leaves_no_job_and_sends_nothing(app, smtp):
    from flask import Response

    with app.test_request_context("/", method="POST"):
        before = db.session.scalar(sa.select(sa.func.count()).select_from(Job))
        queue_mail("anna@example.fi", "Uusi pari", "Teksti")
        db._finish_request(Response(status=400))  # the request failed: rolled back
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Job)) == before
    assert smtp.sent == []


def test_smtp_down_retries_with_backoff_and_sends_one_copy(app, ctx, smtp):
    smtp.down = True
    outbox_id, job_id = _queue_and_send()
    job = _job(job_id)
    assert job.state == "queued" and job.attempts == 1 and "could not be reached" in job.error
    assert timedelta(seconds=25) < job.run_after - utcnow() <= timedelta(seconds=30)
    message = db.session.get(OutboxMessage, outbox_id)
    assert message.sent_at is None and message.sending_at is None and "refused" in message.error
    # Not yet due: a message that comes early does nothing.
    assert run(app, job_id) is None
    job.run_after = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert run(app, job_id) == "queued"
    assert timedelta(seconds=110) < _job(job_id).run_after - utcnow() <= timedelta(seconds=120)  # 30 s * 4
    smtp.down = False
    _job(job_id).run_after = utcnow()
    db.session.commit()
    assert run(app, job_id) == "done"
    # The queue delivers the message again, or the admin forces the job back: one copy.
    assert run(app, job_id) is None
    _job(job_id).state = "queued"
    db.session.commit()
    assert run(app, job_id) == "done"
    assert len(smtp.sent) == 1 and _job(job_id).attempts == 4


def test_a_mail_interrupted_in_the_hand_over_is_not_sent_again_unless_the_admin_says(app, ctx, smtp):
    message = queue_mail("anna@example.fi", "Uusi pari", "Teksti")
    job_id = max(db.session.scalars(sa.select(Job.id)))
    message.sending_at = utcnow()  # a consumer died between this and sent_at
    db.session.commit()
    dispatch()
    job = _job(job_id)
    assert job.state == "failed" and "may have been delivered" in job.error and smtp.sent == []
    retry(db.session, job)
    db.session.commit()
    dispatch()
    assert _job(job_id).state == "done" and len(smtp.sent) == 1


def test_a_refused_recipient_fails_at_once_with_the_reason(app, ctx, smtp, monkeypatch):
    def refuse(self, email):
        raise smtplib.SMTPRecipientsRefused({"x@example.fi": (550, b"No such user")})

    monkeypatch.setattr(FakeSMTP, "send_message", refuse)
    _, job_id = _queue_and_send("x@example.fi")
    job = _job(job_id)
    assert job.state == "failed" and job.attempts == 1 and "refused the recipient x@example.fi" in job.error


def _dead_pid() -> int:
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def test_the_sweep_retries_the_job_of_a_dead_consumer_and_fails_it_when_out_of_attempts(app, ctx):
    import socket

    here = socket.gethostname()
    dead = f"{here}:{_dead_pid()}"
    retried = Job(kind="ping", args={"seconds": 0}, state="running", attempts=1, max_attempts=3, worker=dead,
                  started_at=utcnow(), heartbeat_at=utcnow())
    spent = Job(kind="ping", args={"seconds": 0}, state="running", attempts=3, max_attempts=3, worker=dead,
                started_at=utcnow(), heartbeat_at=utcnow())
    alive = Job(kind="ping", args={"seconds": 0}, state="running", attempts=1, max_attempts=3,
                worker=f"{here}:1", started_at=utcnow(), heartbeat_at=utcnow())
    elsewhere_stale = Job(kind="ping", args={}, state="running", attempts=1, max_attempts=3, worker="other-host:7",
                          heartbeat_at=utcnow() - timedelta(minutes=11))
    elsewhere_fresh = Job(kind="ping", args={}, state="running", attempts=1, max_attempts=3, worker="other-host:8",
                          heartbeat_at=utcnow() - timedelta(minutes=1))
    db.session.add_all([retried, spent, alive, elsewhere_stale, elsewhere_fresh])
    db.session.flush()
    report = sweep(db.session)
    db.session.commit()
    assert report["retried"] == 2 and report["failed"] == 1
    assert spent.state == "failed" and f"The consumer {dead} stopped while running it (attempt 3 of 3)." == spent.error
    assert alive.state == "running" and elsewhere_fresh.state == "running"
    dispatch()  # the retried ones run (immediate mode), a second time
    for job in (retried, elsewhere_stale):
        job = _job(job.id)
        assert job.state == "done" and job.attempts == 2 and "stopped while running it" in job.error


def test_a_dead_consumer_s_import_is_failed_with_the_reason_on_its_page(app, ctx, client, auth, make):
    organisation = make.organisation()
    user = make.user(organisation, email="importer@example.fi")
    imported = ImportJob(user_id=user.id, filename="big.csv", state="writing", total=5000, done=2000)
    db.session.add(imported)
    db.session.flush()
    job = Job(kind="import", args={"import_job_id": imported.id, "user_id": user.id}, state="running",
              attempts=3, max_attempts=3, worker=f"{__import__('socket').gethostname()}:{_dead_pid()}")
    db.session.add(job)
    db.session.flush()
    sweep(db.session)
    db.session.commit()
    assert imported.state == "failed"
    auth.login("importer@example.fi")
    page = client.get(f"/listings/import/{imported.id}")
    assert "stopped while running it" in page.text and "Mitään ei tallennettu" in page.text


def test_bad_input_to_a_job_gives_a_clear_error(app, ctx):
    with pytest.raises(JobError, match="Unknown job kind 'sned_mail'"):
        enqueue("sned_mail", outbox_id=1)
    with pytest.raises(JobError, match="must be JSON values"):
        enqueue("ping", seconds=object())
    bad = enqueue("ping", seconds=-5)
    missing = enqueue("mail", outbox_id=987654)
    wrong = enqueue("listings_remind", day="tomorrow")
    db.session.commit()
    dispatch()
    assert _job(bad.id).error == "seconds must be a number from 0 to 600, not -5."
    assert _job(missing.id).error == "No outbox message 987654."
    assert _job(wrong.id).error == "day must be a date as YYYY-MM-DD, not 'tomorrow'."
    assert {_job(j.id).state for j in (bad, missing, wrong)} == {"failed"}
    assert _job(bad.id).attempts == 1  # bad input is not retried
    with pytest.raises(JobError, match="only failed or queued jobs can be retried"):
        retry(db.session, _job(_queue_and_send()[1]))


def test_the_claim_makes_a_second_delivery_a_no_op(app, ctx):
    job = enqueue("ping", seconds=0)
    db.session.commit()
    assert run(app, job.id) == "done"
    assert run(app, job.id) is None
    assert _job(job.id).attempts == 1 and _job(job.id).worker == ""
    assert worker_name().endswith(f":{__import__('os').getpid()}")


def test_the_admin_sees_jobs_and_their_errors_and_retries_one(app, client, auth, make):
    admin = make.user(None, role="admin", email="admin@example.fi")
    with app.app_context():
        failed = Job(kind="mail", args={"outbox_id": 1}, state="failed", attempts=10, max_attempts=10,
                     error="The mail server could not be reached: [Errno 111] Connection refused", worker="")
        waiting = Job(kind="import", args={}, state="queued", attempts=1, max_attempts=3, worker="",
                      run_after=utcnow() + timedelta(minutes=2), error="OperationalError: server closed")
        db.session.add_all([failed, waiting])
        db.session.commit()
        failed_id = failed.id
    auth.login(admin.email)
    page = client.get("/admin/jobs?state=failed")
    assert page.status_code == 200
    assert "Connection refused" in page.text and "10 / 10" in page.text and "Mail" in page.text
    assert "server closed" not in page.text
    assert "next attempt" in client.get("/admin/jobs?state=queued").text
    assert client.get("/admin/jobs?state=sleeping").status_code == 400
    response = client.post(f"/admin/jobs/{failed_id}/retry")
    assert response.status_code == 302
    with app.app_context():
        job = db.session.get(Job, failed_id)
        # Run again at once (immediate mode): the outbox row 1 is not there, so it failed again, for that reason.
        assert job.attempts == 1 and job.error == "No outbox message 1."
    assert client.post("/admin/jobs/999999/retry").status_code == 404


def test_the_admin_s_job_page_in_finnish(app, client, auth, make):
    admin = make.user(None, role="admin", email="admin@example.fi", language="fi")
    auth.login(admin.email)
    page = client.get("/admin/jobs", headers={"Accept-Language": "fi"})
    assert page.status_code == 200 and "Taustatyöt" in page.text
