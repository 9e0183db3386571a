"""Each user's choice of mails."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from . import services
from .forms import SettingsForm

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings():
    setting = services.setting_for(current_user)
    form = SettingsForm(obj=setting)
    if request.method == "POST":
        if form.validate():
            services.save_settings(current_user, on_message=form.on_message.data,
                                   on_state_change=form.on_state_change.data,
                                   on_introduction=form.on_introduction.data, digest=form.digest.data)
            flash(_("Your mail settings are saved."), "success")
            return redirect(url_for("notifications.settings"))
        return render_template("notifications/settings.html", form=form,
                               min_score_pct=round(services.digest_min_score() * 100)), 400
    return render_template("notifications/settings.html", form=form,
                           min_score_pct=round(services.digest_min_score() * 100))
