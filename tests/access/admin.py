"""Access rules of the site admin's pages and the audit log."""
from tests.access import BROKERS, Rule, only

RULES = [
    Rule("admin.users", lambda w: "/admin/users", expect=only({"admin"}, 200)),
    Rule("admin.user_role", lambda w: f"/admin/users/{w.users['member_b'].id}/role", method="POST",
         data=lambda w: {"role": "member"}, expect=only({"admin"}, 302)),
    Rule("admin.audit_log", lambda w: "/admin/audit", expect=only(BROKERS, 200)),
    Rule("admin.audit_log", lambda w: "/admin/audit?action=auth.sign_in_failed&since=2026-01-01&page=2",
         expect=only(BROKERS, 200)),
]


def extend_world(world, make):
    from marketplace.db import db
    from marketplace.models import Job

    with make.app.app_context():
        job = Job(kind="ping", args={"seconds": 0}, state="failed", attempts=3, max_attempts=3,
                  error="The consumer host:1 stopped while running it (attempt 3 of 3).", worker="")
        db.session.add(job)
        db.session.commit()
        world.extra["failed_job"] = job.id
        db.session.remove()


RULES += [
    Rule("admin.jobs", lambda w: "/admin/jobs", expect=only({"admin"}, 200)),
    Rule("admin.jobs", lambda w: "/admin/jobs?state=failed&kind=mail&page=2", expect=only({"admin"}, 200)),
    Rule("admin.job_retry", lambda w: f"/admin/jobs/{w.extra['failed_job']}/retry", method="POST",
         expect=only({"admin"}, 302)),
    # No job 999999: the admin learns it is not there; everyone else may not ask.
    Rule("admin.job_retry", lambda w: "/admin/jobs/999999/retry", method="POST",
         expect=only({"admin"}, 404)),
]
