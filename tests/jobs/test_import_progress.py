"""The import page follows its job wherever the job runs: on PostgreSQL the consumer's
progress is in the ImportJob row (short transactions of their own), on SQLite in a file
beside the database that every process on the machine reads."""
from __future__ import annotations

import sqlalchemy as sa

from marketplace import create_app
from marketplace.db import db
from marketplace.listings import jobs
from marketplace.models import ImportJob


def test_progress_written_by_the_consumer_is_what_any_web_process_reads(app, ctx, engines, backend):
    if backend == "postgis":
        # A committed row and an app bound to the engine, as the consumer is.
        engine = engines["postgis"]
        with engine.begin() as connection:
            job_id = connection.execute(sa.insert(ImportJob).values(
                filename="big.csv", state="checking", total=5000, done=0, created_at=sa.func.now())
                .returning(ImportJob.id)).scalar_one()
        consumer = create_app({"TESTING": True, "ENGINE": engine, "DATABASE_URL": str(engine.url),
                               "SECRET_KEY": "x", "SERVER_NAME": "sivuvirta.test"})
        try:
            with consumer.app_context():
                jobs._write_progress(job_id, "writing", 2500, 5000)
            with engine.connect() as reader:  # another process's connection
                assert reader.execute(sa.select(ImportJob.state, ImportJob.done)
                                      .where(ImportJob.id == job_id)).one() == ("writing", 2500)
        finally:
            with engine.begin() as connection:
                connection.execute(sa.delete(ImportJob).where(ImportJob.id == job_id))
        return
    job = ImportJob(filename="big.csv", state="checking", total=5000, done=0)
    db.session.add(job)
    db.session.flush()
    jobs._write_progress(job.id, "writing", 2500, 5000)
    assert jobs.progress_of(job) == {"id": job.id, "state": "writing", "done": 2500, "total": 5000,
                                     "finished": False, "ok": False, "percent": 50}
    job.state = "done"
    assert jobs.progress_of(job)["done"] == 0 and jobs.progress_of(job)["finished"]  # the row, once finished


def test_a_large_import_is_a_job_and_its_file_leaves_the_job_row_when_done(app, client, auth, make):
    import json

    from marketplace.models import Job, SideStream
    from tests.listings.test_import import _batch, _upload

    organisation = make.organisation(name="Example Steel Oy")
    make.user(organisation, email="importer@example.fi", language="en")
    base = _batch()["side_streams"][0]
    doc = {"side_streams": [dict(base, id=f"S{i}") for i in range(jobs.BACKGROUND_FROM)]}
    auth.login("importer@example.fi")
    page = _upload(client, "big.json", json.dumps(doc).encode())
    assert f"{jobs.BACKGROUND_FROM} side streams created" in page.text
    with app.app_context():
        job = db.session.scalars(sa.select(Job).where(Job.kind == "import")).one()
        assert job.state == "done" and job.attempts == 1 and set(job.args) == {"import_job_id", "user_id"}
        assert db.session.get(ImportJob, job.args["import_job_id"]).state == "done"
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SideStream)) == jobs.BACKGROUND_FROM
