"""Each user's choice of mails, and the notification centre: what is new for them."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..paging import page_count, page_number
from . import centre, services
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


# -- the notification centre ------------------------------------------------------

@bp.app_context_processor
def bell():
    """The unread count for the bell in the header (one count query a page, signed in only)."""
    def unread_notices() -> int:
        if not current_user.is_authenticated:
            return 0
        return centre.unread_count(current_user)

    return {"unread_notices": unread_notices}


@bp.get("/")
@login_required
def index():
    page = page_number()
    total = centre.count_for(current_user)
    notices = centre.notices_for(current_user, limit=centre.NOTICES_PER_PAGE,
                                 offset=(page - 1) * centre.NOTICES_PER_PAGE)
    views = [centre.describe(notice, current_user) for notice in notices]
    return render_template("notifications/index.html", views=views, page=page,
                           pages=page_count(total, centre.NOTICES_PER_PAGE),
                           unread=centre.unread_count(current_user))


@bp.get("/<int:notice_id>")
@login_required
def open_notice(notice_id: int):
    """Opening a notice marks it read and goes where it points."""
    notice = centre.open_notice(current_user, notice_id)
    view = centre.describe(notice, current_user)
    return redirect(view.url or url_for("notifications.index"))


@bp.post("/read")
@login_required
def read_all():
    centre.mark_all_read(current_user)
    flash(_("Everything is marked read."), "success")
    return redirect(url_for("notifications.index"))
