"""My saved searches: save one from a search page, rename it, change how often it mails,
delete it; and the signed link in every alert that stops it without signing in."""
from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..errors import DomainError, NotFound
from ..extensions import csrf
from . import services
from .forms import FREQUENCY_LABELS, SavedSearchForm

bp = Blueprint("alerts", __name__, url_prefix="/alerts")


def _kind_labels():
    return {"streams": _("Side streams"), "needs": _("Material needs"), "services": _("Services")}


@bp.app_context_processor
def alert_helpers():
    def save_search_url(kind):
        """The link of a search page's "Save this search": its filters, without the page."""
        # The filters go in the query string as they are: a services search has a filter
        # called 'kind' too, which must not clash with the route's own.
        args = [(k, v) for k, v in request.args.items(multi=True) if k not in ("page", "sort", "bbox")]
        query = urlencode(args)
        return url_for("alerts.new", kind=kind) + (f"?{query}" if query else "")

    return {"save_search_url": save_search_url, "FREQUENCY_LABELS": FREQUENCY_LABELS}


def _apply_errors(form, error: DomainError) -> list[str]:
    other = []
    for name, message in (error.errors or {}).items():
        field = getattr(form, name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = list(field.errors or []) + [message]
        else:
            other.append(message)
    return other


@bp.get("/")
@login_required
def index():
    searches = services.searches_of(current_user)
    forms = {s.id: SavedSearchForm(formdata=None, obj=s, prefix=f"s{s.id}") for s in searches}
    return render_template("alerts/index.html", searches=searches, forms=forms, describe=services.describe,
                           results_url=services.results_url, kind_labels=_kind_labels())


def _filters_args():
    return request.args.copy()


@bp.route("/new/<any(streams,needs,services):kind>", methods=["GET", "POST"])
@login_required
def new(kind: str):
    args = _filters_args()
    filters = services.parse(kind, args, current_user)
    form = SavedSearchForm()
    problems = [f"{k}: {v}" for k, v in filters.errors.items()]
    status = 400 if filters.errors else 200
    if request.method == "POST":
        try:
            saved = services.save(current_user, kind, args, form.name.data or "", form.frequency.data or "")
            flash(_("The search %(name)s is saved.", name=saved.name), "success")
            return redirect(url_for("alerts.index"))
        except DomainError as error:
            if error.status != 400:
                raise
            problems += _apply_errors(form, error)
            status = 400
    return render_template("alerts/new.html", form=form, kind=kind, kind_label=_kind_labels()[kind],
                           query=services.stored_query(filters) if not filters.errors else dict(args.lists()),
                           problems=list(dict.fromkeys(problems)), args=args), status


@bp.post("/<int:saved_id>")
@login_required
def edit(saved_id: int):
    saved = services.get_own(current_user, saved_id)
    form = SavedSearchForm(prefix=f"s{saved.id}")
    try:
        services.update(current_user, saved, form.name.data or "", form.frequency.data or "")
    except DomainError as error:
        if error.status != 400:
            raise
        _apply_errors(form, error)
        searches = services.searches_of(current_user)
        forms = {s.id: SavedSearchForm(formdata=None, obj=s, prefix=f"s{s.id}") for s in searches}
        forms[saved.id] = form
        return render_template("alerts/index.html", searches=searches, forms=forms, describe=services.describe,
                               results_url=services.results_url, kind_labels=_kind_labels()), 400
    flash(_("The search %(name)s is saved.", name=saved.name), "success")
    return redirect(url_for("alerts.index"))


@bp.post("/<int:saved_id>/delete")
@login_required
def delete(saved_id: int):
    saved = services.get_own(current_user, saved_id)
    services.delete(current_user, saved)
    flash(_("The saved search was deleted."), "success")
    return redirect(url_for("alerts.index"))


@bp.route("/stop/<token>", methods=["GET", "POST"])
@csrf.exempt
def stop(token: str):
    """The link in every alert: stops it without signing in. The signed token is the key,
    so the POST needs no CSRF token (a mail client's one-click POST, RFC 8058, works too);
    the GET only asks, so that link scanners stop nothing."""
    saved = services.search_for_token(token)
    if saved is None:
        raise NotFound(_("This link does not stop any alert: it may have been deleted."))
    if request.method == "POST":
        services.stop(token)
        return render_template("alerts/stopped.html", saved=saved)
    return render_template("alerts/stop.html", saved=saved, token=token)
