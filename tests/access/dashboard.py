"""The brokers' dashboard, their marks and the impact report: brokers only."""
from __future__ import annotations

from tests.access import BROKERS, Rule, only

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
    Rule("dashboard.impact_csv", lambda w: "/dashboard/impact.csv", expect=only(BROKERS, 200)),
    Rule("dashboard.impact_xlsx", lambda w: "/dashboard/impact.xlsx", expect=only(BROKERS, 200)),
    Rule("dashboard.impact_report", lambda w: "/dashboard/impact/report/2026", expect=only(BROKERS, 200)),
]
