"""Renewing a listing and closing it with a reason."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..db import db
from ..errors import DomainError, Forbidden, InvalidInput, NotFound
from ..models import MaterialNeed, SideStream
from ..models.listing import SEARCHABLE_STATUSES
from ..listings import services as listing_services
from .. import redaction
from . import services
from .forms import CLOSING_REASON_LABELS, CloseForm, RenewForm

bp = Blueprint("lifecycle", __name__, url_prefix="/lifecycle")
KINDS = {"streams": SideStream, "needs": MaterialNeed}


@bp.app_context_processor
def lifecycle_helpers():
    return {"renew_form": lambda: RenewForm(formdata=None), "closure_figures": services.closure_figures,
            "CLOSING_REASON_LABELS": CLOSING_REASON_LABELS, "REMINDER_DAYS": services.REMINDER_DAYS}


def _detail_url(listing) -> str:
    endpoint = "listings.stream_detail" if isinstance(listing, SideStream) else "listings.need_detail"
    return url_for(endpoint, listing_id=listing)


def _load_own(kind: str, listing_id: int):
    listing = redaction.find_listing(db.session, KINDS[kind], listing_id, current_user)
    if listing is None or not listing.is_visible_to(current_user):
        raise NotFound(_("No such listing, or it is not shown to you."))
    if not listing.can_edit(current_user):
        raise Forbidden(_("Only members of the listing's organisation can change it."))
    return listing


@bp.post("/<any(streams,needs):kind>/<listing:listing_id>/renew")
@login_required
def renew(kind: str, listing_id: int):
    listing = _load_own(kind, listing_id)
    form = RenewForm()
    if not form.validate():
        message = _("Choose a period of 1 to %(max)d months.", max=12)
        raise InvalidInput(message, {"months": message})
    until = listing_services.renew(current_user, listing, form.months.data)
    flash(_("Published until %(date)s.", date=until.isoformat()), "success")
    return redirect(_detail_url(listing))


@bp.route("/<any(streams,needs):kind>/<listing:listing_id>/close", methods=["GET", "POST"])
@login_required
def close(kind: str, listing_id: int):
    listing = _load_own(kind, listing_id)
    if listing.status not in SEARCHABLE_STATUSES:
        raise InvalidInput(_("Only an active or reserved listing can be closed."))
    form = CloseForm()
    status = 200
    if form.is_submitted():
        if form.validate():
            try:
                services.close(current_user, listing, form.reason.data, form.note.data or "", form.tonnes.number)
                flash(_("The listing is closed. Thank you for telling why."), "success")
                return redirect(_detail_url(listing))
            except DomainError as error:
                for name, message in error.errors.items():
                    getattr(form, name).errors = list(getattr(form, name).errors or []) + [message]
        status = 400
    return render_template("lifecycle/close.html", form=form, listing=listing, kind=kind,
                           default_tonnes=services.default_tonnes(listing)), status
