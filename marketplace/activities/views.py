"""Cluster activities: the coming ones for members, and the brokers' list of sign-ups."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..errors import InvalidInput
from . import services
from .forms import ActivityForm

bp = Blueprint("activities", __name__, url_prefix="/activities")



def _values(form: ActivityForm) -> dict:
    return {name: getattr(form, name).data for name in services.FIELDS}


def _apply(form, error: InvalidInput) -> None:
    for name, message in error.errors.items():
        field = getattr(form, name, None)
        if field is not None:
            field.errors = list(field.errors) + [message]


@bp.get("/")
@login_required
def index():
    return render_template("activities/index.html", coming=services.coming(),
                           past=services.past() if services.can_manage(current_user) else [],
                           can_manage=services.can_manage(current_user),
                           can_sign_up=services.can_sign_up(current_user),
                           signup_of=lambda a: services.signup_of(a, current_user))


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    if not services.can_manage(current_user):
        abort(403, _("Brokers offer the cluster's activities."))
    form = ActivityForm()
    if request.method == "POST":
        if form.validate():
            try:
                activity = services.create_activity(current_user, **_values(form))
            except InvalidInput as error:
                _apply(form, error)
            else:
                flash(_("The activity is published to the members."), "success")
                return redirect(url_for("activities.detail", activity_id=activity.id))
        return render_template("activities/form.html", form=form, activity=None), 400
    return render_template("activities/form.html", form=form, activity=None)


@bp.route("/<int:activity_id>/edit", methods=["GET", "POST"])
@login_required
def edit(activity_id: int):
    if not services.can_manage(current_user):
        abort(403, _("Brokers offer the cluster's activities."))
    activity = services.get_activity(activity_id)
    form = ActivityForm(obj=activity)
    if request.method == "POST":
        if form.validate():
            try:
                services.update_activity(current_user, activity, **_values(form))
            except InvalidInput as error:
                _apply(form, error)
            else:
                flash(_("The activity is saved."), "success")
                return redirect(url_for("activities.detail", activity_id=activity.id))
        return render_template("activities/form.html", form=form, activity=activity), 400
    return render_template("activities/form.html", form=form, activity=activity)


@bp.get("/<int:activity_id>")
@login_required
def detail(activity_id: int):
    activity = services.get_activity(activity_id)
    return render_template("activities/detail.html", activity=activity,
                           can_manage=services.can_manage(current_user),
                           can_sign_up=services.can_sign_up(current_user),
                           signup=services.signup_of(activity, current_user))


@bp.post("/<int:activity_id>/signup")
@login_required
def sign_up(activity_id: int):
    activity = services.get_activity(activity_id)
    services.sign_up(current_user, activity)
    flash(_("You have signed up."), "success")
    return redirect(url_for("activities.detail", activity_id=activity.id))


@bp.post("/<int:activity_id>/cancel")
@login_required
def cancel(activity_id: int):
    activity = services.get_activity(activity_id)
    if services.cancel_signup(current_user, activity):
        flash(_("Your sign-up is cancelled."), "info")
    return redirect(url_for("activities.detail", activity_id=activity.id))
