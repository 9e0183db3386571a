"""The brokers' dashboard, their marks and the impact report: brokers only."""
from __future__ import annotations

from tests.access import BROKERS, Rule, only


def extend_world(world, make):
    """A report file the broker asked for, built, and one of another broker's: a file is
    its asker's (and the admins')."""
    from marketplace.models import ReportFile

    second = make.user(None, role="broker", email="second.broker@example.fi")
    for name, owner in (("report_file", world.users["broker"]), ("other_report_file", second)):
        world.extra[name] = make._save(ReportFile(
            kind="impact", fmt="csv", year=2026, language="fi", user_id=owner.id, state="done",
            filename="sivuvirta-impact-2026.csv", content_type="text/csv; charset=utf-8", content=b"a;b\r\n",
            size_bytes=6, error=""))

RULES = [
    Rule("dashboard.index", lambda w: "/dashboard/", expect=only(BROKERS, 200)),
    Rule("dashboard.mark", lambda w: "/dashboard/marks", method="POST",
         data=lambda w: {"side_stream_id": w.stream_public.id, "need_id": w.need_public.id, "good": "",
                         "reason": ""},
         expect=only(BROKERS, 400)),
    Rule("dashboard.organisations", lambda w: "/dashboard/organisations.json?q=oy", expect=only(BROKERS, 200)),
    Rule("dashboard.marks", lambda w: "/dashboard/marks", expect=only(BROKERS, 200)),
    Rule("dashboard.marks_export", lambda w: "/dashboard/marks/zip", expect=only(BROKERS, 200)),
    Rule("dashboard.marks_batch", lambda w: "/dashboard/marks/batch.json", expect=only(BROKERS, 200)),
    Rule("dashboard.impact", lambda w: "/dashboard/impact", expect=only(BROKERS, 200)),
    # report files: any broker asks for one (a job builds it); a file is its asker's and the admins'
    Rule("dashboard.report_request", lambda w: "/dashboard/reports", method="POST",
         data=lambda w: {"kind": "impact", "fmt": "csv", "year": "2026"}, expect=only(BROKERS, 302)),
    Rule("dashboard.report_request", lambda w: "/dashboard/reports", method="POST",
         data=lambda w: {"kind": "evaluation", "fmt": "xlsx", "year": "2026"}, expect=only(BROKERS, 302)),
    Rule("dashboard.report_request", lambda w: "/dashboard/reports", method="POST",
         data=lambda w: {"kind": "evaluation", "fmt": "pdf", "year": ""}, expect=only(BROKERS, 400)),
    Rule("dashboard.report_status", lambda w: f"/dashboard/reports/{w.report_file.id}", expect=only(BROKERS, 200)),
    Rule("dashboard.report_status", lambda w: f"/dashboard/reports/{w.other_report_file.id}",
         expect=only({"admin"}, 200, others=403) | {"broker": 404}),
    Rule("dashboard.report_download", lambda w: f"/dashboard/reports/{w.report_file.id}/file",
         expect=only(BROKERS, 200)),
    Rule("dashboard.report_download", lambda w: f"/dashboard/reports/{w.other_report_file.id}/file",
         expect=only({"admin"}, 200, others=403) | {"broker": 404}),
    Rule("dashboard.impact_report", lambda w: "/dashboard/impact/report/2026", expect=only(BROKERS, 200)),
]
