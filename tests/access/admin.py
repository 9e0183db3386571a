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
