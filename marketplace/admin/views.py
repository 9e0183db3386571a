"""The site admin's pages: accounts and their roles, the background jobs; the audit log
(brokers and admins)."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from ..audit import ACTIONS, action_label
from ..auth import services as accounts
from ..auth.permissions import require_admin, require_broker
from ..db import db
from ..errors import InvalidInput, NotFound
from ..models import AuditEvent, Job, User
from ..security import parse_page
from .forms import AuditFilterForm, JobFilterForm, JobRetryForm, RoleForm, UserFilterForm

bp = Blueprint("admin", __name__, url_prefix="/admin")

PAGE_SIZE = 50


def _page() -> int:
    return parse_page(request.args.get("page"))


@bp.get("/users")
@login_required
def users():
    require_admin(current_user)
    form = UserFilterForm(request.args, meta={"csrf": False})
    query = sa.select(User)
    if form.validate():
        if form.q.data:
            needle = f"%{form.q.data.strip().lower()}%"
            query = query.where(sa.or_(sa.func.lower(User.email).like(needle),
                                       sa.func.lower(User.name).like(needle)))
        if form.role.data:
            query = query.where(User.role == form.role.data)
    page = _page()
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
    rows = db.session.scalars(query.order_by(User.email).limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE))
    return render_template("admin/users.html", form=form, users=list(rows), page=page,
                           pages=max(1, -(-total // PAGE_SIZE)), total=total, role_form=RoleForm()), \
        200 if not form.errors else 400


@bp.post("/users/<int:user_id>/role")
@login_required
def user_role(user_id):
    require_admin(current_user)
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound()
    form = RoleForm()
    if not form.validate_on_submit():
        raise InvalidInput(_("Choose a role."), {"role": _("Choose a role.")})
    accounts.change_role(current_user, user, form.role.data)
    flash(_("%(email)s is now: %(role)s.", email=user.email, role=dict(form.role.choices)[form.role.data]),
          "success")
    return redirect(url_for("admin.users", **{k: v for k, v in request.args.items() if k in ("q", "role", "page")}))


@bp.get("/audit")
@login_required
def audit_log():
    require_broker(current_user)
    form = AuditFilterForm(request.args, meta={"csrf": False})
    form.action.choices = [("", _("All actions"))] + [(k, str(v)) for k, v in ACTIONS.items()]
    query = sa.select(AuditEvent)
    if form.validate():
        if form.action.data:
            query = query.where(AuditEvent.action == form.action.data)
        if form.since.data:
            query = query.where(AuditEvent.created_at >= datetime.combine(form.since.data, datetime.min.time()))
        if form.until.data:
            query = query.where(AuditEvent.created_at < datetime.combine(form.until.data + timedelta(days=1),
                                                                         datetime.min.time()))
        status = 200
    else:
        status = 400
        query = query.where(sa.false())
    page = _page()
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
    events = db.session.scalars(query.order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
                                .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE))
    args = {k: v for k, v in request.args.items() if k in ("action", "since", "until") and v}
    return render_template("admin/audit.html", form=form, events=list(events), page=page, total=total,
                           pages=max(1, -(-total // PAGE_SIZE)), args=args, action_label=action_label,
                           today=date.today()), status


# -- background jobs ------------------------------------------------------------------------

JOB_STATE_LABELS = {"queued": _l("Queued"), "running": _l("Running"), "done": _l("Done"), "failed": _l("Failed")}
JOB_KIND_LABELS = {
    "mail": _l("Mail"), "import": _l("Import of listings"), "refresh_matches": _l("Matches of saved listings"),
    "refresh_all_matches": _l("Ranking every listing again"), "alerts_digest": _l("Saved searches' digest"),
    "notifications_digest": _l("Pairings' digest"), "listings_remind": _l("Publication reminders and expiry"),
    "ping": _l("Check of the consumer"), "report": _l("Report file"),
}


@bp.get("/jobs")
@login_required
def jobs():
    require_admin(current_user)
    form = JobFilterForm(request.args, meta={"csrf": False})
    form.state.choices = [("", _("All states"))] + [(k, str(v)) for k, v in JOB_STATE_LABELS.items()]
    form.kind.choices = [("", _("All kinds"))] + [(k, str(v)) for k, v in JOB_KIND_LABELS.items()]
    query = sa.select(Job)
    if form.validate():
        if form.state.data:
            query = query.where(Job.state == form.state.data)
        if form.kind.data:
            query = query.where(Job.kind == form.kind.data)
        status = 200
    else:
        query, status = query.where(sa.false()), 400
    counts = dict(db.session.execute(sa.select(Job.state, sa.func.count()).group_by(Job.state)).all())
    page = _page()
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
    rows = db.session.scalars(query.order_by(Job.id.desc()).limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE))
    return render_template("admin/jobs.html", form=form, jobs=list(rows), page=page, total=total,
                           pages=max(1, -(-total // PAGE_SIZE)), counts=counts, state_labels=JOB_STATE_LABELS,
                           kind_labels=JOB_KIND_LABELS, retry_form=JobRetryForm()), status


@bp.post("/jobs/<int:job_id>/retry")
@login_required
def job_retry(job_id):
    require_admin(current_user)
    from ..jobs import JobError, retry

    job = db.session.get(Job, job_id)
    if job is None:
        raise NotFound()
    if not JobRetryForm().validate_on_submit():
        raise InvalidInput(_("The form expired: please try again."))
    try:
        retry(db.session, job)
    except JobError:
        raise InvalidInput(_("Only failed or queued jobs can be retried; this one is %(state)s.",
                             state=JOB_STATE_LABELS.get(job.state, job.state)))
    flash(_("Job %(id)d is queued again.", id=job.id), "success")
    return redirect(url_for("admin.jobs", **{k: v for k, v in request.args.items() if k in ("state", "kind", "page")}))
