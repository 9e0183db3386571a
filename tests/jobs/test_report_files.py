"""Report files (impact, self-evaluation) built by a job of the queue: asked for by a form,
built in the asker's language, written once however often the job runs, failures shown on
the file's page and to the admin (tests run the queue in immediate mode)."""
from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from marketplace.dashboard import reports
from marketplace.db import db
from marketplace.jobs import run
from marketplace.models import Job, ReportFile
from tests import report_files


@pytest.fixture
def broker(make):
    return make.user(None, role="broker", email="raportit@example.fi", language="sv")


def _file(report_id) -> ReportFile:
    db.session.expire_all()
    return db.session.get(ReportFile, report_id)


def test_a_report_file_is_built_by_its_job_in_the_asker_s_language(app, client, auth, broker):
    auth.login(broker.email)
    response = report_files.ask(client, "impact", "csv", 2026)
    assert response.status_code == 302
    report_id = report_files.report_id(response)
    with app.app_context():
        report = _file(report_id)
        job = db.session.get(Job, report.job_id)
        assert (job.kind, job.state, job.args) == ("report", "done", {"report_file_id": report_id})
        assert (report.state, report.language, report.filename) == ("done", "sv", "sivuvirta-impact-2026.csv")
        assert report.size_bytes == len(reports.content(report)) > 0
    page = client.get(f"/dashboard/reports/{report_id}")
    assert "Filen är klar." in page.text and f"/dashboard/reports/{report_id}/file" in page.text
    download = client.get(f"/dashboard/reports/{report_id}/file")
    assert download.headers["Content-Disposition"] == 'attachment; filename="sivuvirta-impact-2026.csv"'
    assert download.headers["Cache-Control"] == "private, no-store"
    assert download.data.decode("utf-8-sig").splitlines()[0].startswith('"Affär","Rubrik"')


def test_the_self_evaluation_as_a_workbook(app, client, auth, broker):
    auth.login(broker.email)
    workbook = load_workbook(io.BytesIO(report_files.fetch(client, "evaluation", "xlsx", 2025).data))
    assert {"members", "activities", "requests_answered", "deals", "messages"} <= set(workbook.sheetnames)


def test_a_job_run_again_writes_the_file_once(app, client, auth, broker, monkeypatch):
    auth.login(broker.email)
    report_id = report_files.report_id(report_files.ask(client, "impact", "xlsx"))
    built = []
    monkeypatch.setattr(reports, "build", lambda report, user: built.append(report.id) or b"again")
    with app.app_context():
        first = _file(report_id)
        body, finished, job_id = reports.content(first), first.finished_at, first.job_id
        # The message delivered twice: the claim makes the second a no-op.
        assert run(app, job_id) is None
        # The job run again after it was done (its consumer died before it said so).
        db.session.execute(sa.update(Job).where(Job.id == job_id).values(state="queued"))
        db.session.commit()
        assert run(app, job_id) == "done"
        again = _file(report_id)
        assert (reports.content(again), again.finished_at, built) == (body, finished, [])


def test_a_failed_build_is_shown_on_the_page_and_to_the_admin(app, client, auth, broker, make, monkeypatch):
    def broken(year, fmt):
        raise RuntimeError("the workbook writer ran out of memory")

    monkeypatch.setattr(reports, "impact_file", broken)
    auth.login(broker.email)
    report_id = report_files.report_id(report_files.ask(client, "impact", "xlsx", 2026))
    with app.app_context():
        report = _file(report_id)
        job = db.session.get(Job, report.job_id)
        assert job.state == "failed" and job.error == "RuntimeError: the workbook writer ran out of memory"
        assert report.state == "failed" and report.error == job.error
    page = client.get(f"/dashboard/reports/{report_id}")
    assert "Filen kunde inte göras: RuntimeError: the workbook writer ran out of memory" in page.text
    assert 'name="kind" value="impact"' in page.text  # asked again from there
    assert client.get(f"/dashboard/reports/{report_id}/file").headers["Location"].endswith(f"/dashboard/reports/{report_id}")
    admin = make.user(None, role="admin", email="admin@example.fi")
    auth.logout()
    auth.login(admin.email)
    jobs_page = client.get("/admin/jobs?state=failed")
    assert "the workbook writer ran out of memory" in jobs_page.text and "Report file" in jobs_page.text


def test_a_broker_who_is_no_longer_one_gets_no_file(app, ctx, make):
    broker = make.user(None, role="broker", email="entinen@example.fi")
    report = ReportFile(kind="evaluation", fmt="csv", year=2026, language="fi", user_id=broker.id, state="queued",
                        filename="sivuvirta-cluster-evaluation-2026.csv", content_type="text/csv", size_bytes=0,
                        error="")
    db.session.add(report)
    db.session.flush()
    job = Job(kind="report", args={"report_file_id": report.id}, state="queued", attempts=0, max_attempts=3,
              error="", worker="")
    db.session.add(job)
    db.session.flush()
    report.job_id = job.id
    db.session.get(type(broker), broker.id).role = "member"
    db.session.commit()
    assert run(app, job.id) == "failed"
    assert _file(report.id).state == "failed"
    assert "no longer a broker's; nothing was built" in _file(report.id).error
    assert reports.content(_file(report.id)) == b""


@pytest.mark.parametrize("data, field", [
    ({"kind": "impact", "fmt": "pdf", "year": "2026"}, "CSV"),
    ({"kind": "sales", "fmt": "csv", "year": "2026"}, "self-evaluation"),
    ({"kind": "evaluation", "fmt": "csv", "year": ""}, "2000 to 2100"),
    ({"kind": "impact", "fmt": "csv", "year": "1999"}, "2000 to 2100"),
])
def test_a_bad_request_names_what_is_wrong_and_queues_nothing(app, client, auth, make, data, field):
    broker = make.user(None, role="broker", email="valittaja@example.fi")
    auth.login(broker.email)
    response = client.post("/dashboard/reports", data=data)
    assert response.status_code == 400 and field in response.text
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ReportFile)) == 0
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Job).where(Job.kind == "report")) == 0


def test_a_file_is_its_asker_s(app, client, auth, make, broker):
    auth.login(broker.email)
    report_id = report_files.report_id(report_files.ask(client, "impact", "csv"))
    auth.logout()
    other = make.user(None, role="broker", email="toinen@example.fi")
    auth.login(other.email)
    assert client.get(f"/dashboard/reports/{report_id}").status_code == 404
    assert client.get(f"/dashboard/reports/{report_id}/file").status_code == 404


def test_the_sweep_prunes_files_made_more_than_two_weeks_ago(app, ctx, make, monkeypatch):
    from datetime import timedelta

    from marketplace.jobs import kinds
    from marketplace.jobs.queue import state
    from marketplace.models.base import utcnow

    broker = make.user(None, role="broker", email="vanhat@example.fi")
    made = {}
    for name, days in (("old", reports.KEPT_DAYS + 1), ("recent", reports.KEPT_DAYS - 1)):
        report = ReportFile(kind="impact", fmt="csv", language="fi", user_id=broker.id, state="done",
                            filename="sivuvirta-impact.csv", content_type="text/csv", content=b"x", size_bytes=1,
                            error="", finished_at=utcnow() - timedelta(days=days))
        db.session.add(report)
        db.session.flush()
        made[name] = report.id
    db.session.commit()
    monkeypatch.setitem(state, "app", app)
    kinds.sweep_every_minute.call_local()  # what the consumer runs each minute
    db.session.expire_all()
    assert db.session.get(ReportFile, made["old"]) is None
    assert db.session.get(ReportFile, made["recent"]) is not None


def test_a_consumer_builds_the_file_outside_any_request(app, ctx, make):
    """The consumer runs the job in an app context of its own, with no request: the file is
    built in the asker's language all the same."""
    broker = make.user(None, role="broker", email="kuluttaja@example.fi", language="fi")
    report = ReportFile(kind="evaluation", fmt="xlsx", year=2026, language="sv", user_id=broker.id,
                        state="queued", filename="sivuvirta-cluster-evaluation-2026.xlsx",
                        content_type=reports.CONTENT_TYPES["xlsx"], size_bytes=0, error="")
    db.session.add(report)
    db.session.flush()
    job = Job(kind="report", args={"report_file_id": report.id}, state="queued", attempts=0, max_attempts=3,
              error="", worker="")
    db.session.add(job)
    db.session.flush()
    report.job_id = job.id
    db.session.commit()
    from flask import has_request_context

    assert not has_request_context()
    assert run(app, job.id) == "done"
    workbook = load_workbook(io.BytesIO(reports.content(_file(report.id))))
    assert workbook.sheetnames[0] == "Sammanfattning"
