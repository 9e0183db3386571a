"""The cluster's public page (/cluster) and the brokers' yearly self-evaluation."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..attachments import storage
from ..errors import Forbidden, InvalidInput, NotFound
from ..models.base import utcnow
from . import evaluation as evaluations, services
from .forms import EvaluationForm, ProfileForm

bp = Blueprint("cluster", __name__, url_prefix="/cluster")


@bp.get("/")
def index():
    return render_template("cluster/index.html", profile=services.profile(), members=services.members(),
                           activities=services.coming_activities(), providers=services.providers(),
                           can_edit=services.can_edit(current_user),
                           can_evaluate=evaluations.can_evaluate(current_user))


@bp.get("/strategy")
def strategy():
    profile = services.profile()
    if profile is None or not profile.strategy_sha256:
        raise NotFound(_("The cluster has no strategy document here."))
    path = storage.path_of(profile.strategy_sha256)
    if not path.exists():
        raise NotFound()
    response = send_file(path, mimetype=profile.strategy_content_type, as_attachment=False,
                         download_name=profile.strategy_filename or "strategy.pdf", max_age=0, conditional=True)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def _apply(form, error: InvalidInput) -> None:
    for name, message in (error.errors or {}).items():
        field = getattr(form, name, None)
        if field is not None:
            field.errors = list(field.errors) + [message]


@bp.route("/edit", methods=["GET", "POST"])
@login_required
def edit():
    if not services.can_edit(current_user):
        raise Forbidden(_("Brokers edit the cluster's page."))
    profile = services.profile()
    form = ProfileForm(obj=profile)
    if request.method == "POST":
        if form.validate():
            values = {name: getattr(form, name).data for name in services.PROFILE_FIELDS}
            try:
                services.update_profile(current_user, values, request.files.get("strategy_file"),
                                        remove_document=form.remove_document.data)
            except InvalidInput as error:
                _apply(form, error)
            else:
                flash(_("The cluster's page is saved."), "success")
                return redirect(url_for("cluster.index"))
        return render_template("cluster/edit.html", form=form, profile=profile), 400
    return render_template("cluster/edit.html", form=form, profile=profile)


@bp.get("/evaluation")
@login_required
def evaluation_index():
    if not evaluations.can_evaluate(current_user):
        raise Forbidden(_("The self-evaluation is for the brokers."))
    return redirect(url_for("cluster.evaluation", year=utcnow().year))


@bp.route("/evaluation/<int:year>", methods=["GET", "POST"])
@login_required
def evaluation(year: int):
    report = evaluations.report(current_user, year)
    form = EvaluationForm(obj=report.evaluation)
    if request.method == "GET" and report.evaluation is None:
        form.evaluated_on.data = utcnow().date()
    if request.method == "POST":
        if form.validate():
            try:
                evaluations.save_evaluation(current_user, year, form.evaluated_on.data, form.note.data or "")
            except InvalidInput as error:
                _apply(form, error)
            else:
                flash(_("The evaluation of %(year)d is saved.", year=year), "success")
                return redirect(url_for("cluster.evaluation", year=year))
        return render_template("cluster/evaluation.html", report=report, form=form), 400
    return render_template("cluster/evaluation.html", report=report, form=form)
