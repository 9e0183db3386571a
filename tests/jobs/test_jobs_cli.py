"""`sivuvirta jobs ...`: clear errors for bad input, and the daily jobs queued once a day."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from marketplace.db import db
from marketplace.models import Job


def test_bad_input_to_the_commands_gives_a_clear_error(runner):
    result = runner.invoke(args=["jobs", "enqueue", "pong"])
    assert result.exit_code == 2 and "Unknown job kind 'pong'; the kinds are: alerts_digest" in result.output
    result = runner.invoke(args=["jobs", "enqueue", "ping", "--args", "{seconds: 1}"])
    assert result.exit_code == 2 and "Invalid value for --args: not JSON" in result.output
    result = runner.invoke(args=["jobs", "enqueue", "ping", "--args", "[1]"])
    assert result.exit_code == 2 and "must be a JSON object" in result.output
    result = runner.invoke(args=["jobs", "retry", "987654"])
    assert result.exit_code == 2 and "No job 987654." in result.output
    result = runner.invoke(args=["jobs", "worker", "--workers", "0"])
    assert result.exit_code == 2 and "0 is not in the range 1<=x<=64" in result.output
    # Tests run the queue in immediate mode: there is nothing for a consumer to do.
    result = runner.invoke(args=["jobs", "worker"])
    assert result.exit_code == 2 and "QUEUE_IMMEDIATE is on" in result.output


def test_enqueue_list_retry_and_sweep_from_the_command_line(app, runner):
    result = runner.invoke(args=["jobs", "enqueue", "ping", "--args", '{"seconds": 0}'])
    assert result.exit_code == 0, result.output
    job_id = int(result.output.split()[1])
    listed = runner.invoke(args=["jobs", "list", "--state", "done"]).output
    assert f"{job_id}\tping\tdone\t1/3" in listed
    result = runner.invoke(args=["jobs", "retry", str(job_id)])
    assert result.exit_code == 2 and f"Job {job_id} is done; only failed or queued jobs can be retried." in result.output
    result = runner.invoke(args=["jobs", "sweep"])
    assert result.exit_code == 0 and "0 retried, 0 failed, 0 resent" in result.output


def test_the_daily_jobs_are_queued_once_a_day(app, ctx):
    from marketplace.jobs.kinds import DAILY, enqueue_daily

    day = date(2026, 12, 4)
    assert set(DAILY) == {"refresh_all_matches", "listings_remind", "alerts_digest", "notifications_digest"}
    assert enqueue_daily("listings_remind", day) is True
    assert enqueue_daily("listings_remind", day) is False
    db.session.commit()
    jobs = db.session.scalars(sa.select(Job).where(Job.kind == "listings_remind")).all()
    assert [job.args for job in jobs] == [{"day": "2026-12-04"}]


def test_the_cron_commands_still_run_by_hand(runner):
    for command in (["listings", "remind", "--today", "2026-12-04"], ["alerts", "digest"],
                    ["notifications", "digest"]):
        result = runner.invoke(args=command)
        assert result.exit_code == 0, (command, result.output)
