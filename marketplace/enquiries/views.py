"""Enquiry pages: writing to a listing's owner (or asking the Center to introduce you),
the conversations, the broker's decision on an introduction, and turning one into a deal."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import redaction
from ..db import db
from ..errors import InvalidInput, show_on_form
from ..models import MaterialNeed, SideStream
from ..paging import page_count, page_number
from ..security import parse_id
from . import services
from .forms import DecisionForm, EnquiryForm, ReplyForm
from .labels import KIND_LABELS, STATE_LABELS

bp = Blueprint("enquiries", __name__, url_prefix="/enquiries")

LISTING_CLASSES = {"streams": SideStream, "needs": MaterialNeed}


def listing_url(listing) -> str:
    endpoint = "listings.stream_detail" if listing.__tablename__ == "side_stream" else "listings.need_detail"
    return url_for(endpoint, listing_id=listing.id)


@bp.app_context_processor
def contact_helpers():
    def enquiry_contact(listing) -> dict:
        """What a listing's page offers the reader: sign in, write, or why they cannot."""
        kind = services.kind_for(listing)
        if not current_user.is_authenticated:
            return {"state": "visitor", "kind": kind,
                    "url": url_for("auth.login", next=listing_url(listing))}
        if listing.organisation_id == current_user.organisation_id or current_user.is_broker:
            return {"state": "none", "kind": kind}
        reason = services.why_not(current_user, listing)
        if reason is not None:
            return {"state": "blocked", "kind": kind, "reason": reason}
        plural = "streams" if listing.__tablename__ == "side_stream" else "needs"
        return {"state": "able", "kind": kind,
                "url": url_for("enquiries.new", kind=plural, listing_id=listing.id)}

    return {"enquiry_contact": enquiry_contact, "ENQUIRY_KIND_LABELS": KIND_LABELS,
            "ENQUIRY_STATE_LABELS": STATE_LABELS}


def _listing(kind: str, listing_id: int | str):
    # A hidden listing is named by its reference; its id names it to its owner and brokers only.
    listing = redaction.find_listing(db.session, LISTING_CLASSES[kind], listing_id, current_user)
    if listing is None or not listing.is_visible_to(current_user):
        abort(404)
    return listing


@bp.route("/<any(streams, needs):kind>/<listing:listing_id>", methods=["GET", "POST"])
@login_required
def new(kind: str, listing_id: int | str):
    listing = _listing(kind, listing_id)
    reason = services.why_not(current_user, listing)
    if reason is not None:
        return render_template("enquiries/cannot.html", listing=listing, reason=reason,
                               listing_url=listing_url(listing)), 403
    form = EnquiryForm()
    own = services.own_listings(current_user, listing)
    form.own_listing.choices = [("", _("None"))] + [(str(item.id), item.title) for item in own]
    enquiry_kind = services.kind_for(listing)

    def page(status=200):
        return render_template("enquiries/new.html", form=form, listing=listing, enquiry_kind=enquiry_kind,
                               listing_url=listing_url(listing), owner=services.owner_label_for_listing(
                                   listing, current_user)), status

    if request.method == "GET":
        return page()
    if not form.validate():
        return page(400)
    own_id = parse_id(form.own_listing.data) if form.own_listing.data else None
    if form.own_listing.data and own_id is None:
        form.own_listing.errors = [_("Choose one of your organisation's active listings.")]
        return page(400)
    try:
        enquiry = services.send(current_user, listing, body=form.body.data, quantity_t=form.quantity_t.data,
                                timing=form.timing.data or "", own_listing_id=own_id)
    except InvalidInput as error:
        show_on_form(form, error)
        return page(400)
    if enquiry.kind == "introduction":
        flash(_("Your request is with the Circular Economy Center. A broker will answer you here."), "success")
    else:
        flash(_("Your enquiry is sent. The owner answers you here."), "success")
    return redirect(url_for("enquiries.detail", enquiry_id=enquiry.id))


@bp.get("/")
@login_required
def index():
    page = page_number()
    total = services.count_for(current_user)
    enquiries = services.enquiries_for(current_user, offset=(page - 1) * services.ENQUIRIES_PER_PAGE)
    rows = [(e, services.enquiry_title(e, current_user)) for e in enquiries]
    return render_template("enquiries/index.html", rows=rows, page=page,
                           pages=page_count(total, services.ENQUIRIES_PER_PAGE))


def _render_detail(enquiry, status=200, reply_form=None, decision_form=None):
    from ..matches.services import present

    match = services.match_for(enquiry) if current_user.is_broker else None
    view = None
    if match is not None:
        counterpart = match.need if enquiry.side_stream_id else match.side_stream
        view = present(match, counterpart, current_user)
    listing = enquiry.listing
    return render_template(
        "enquiries/detail.html", enquiry=enquiry, title=services.enquiry_title(enquiry, current_user),
        owner=services.owner_label(enquiry, current_user), sender=services.sender_label(enquiry, current_user),
        author_label=lambda person: services.author_label(enquiry, person, current_user),
        side=services.side_of(current_user, enquiry), match_view=view,
        listing_link=listing_url(listing) if listing is not None and listing.is_visible_to(current_user) else None,
        reply_form=reply_form or ReplyForm(formdata=None),
        decision_form=decision_form or DecisionForm(formdata=None),
        can_reply=enquiry.state == "open",
        can_decide=services.can_decide(current_user, enquiry),
        can_make_deal=services.can_make_deal(current_user, enquiry),
    ), status


@bp.get("/<int:enquiry_id>")
@login_required
def detail(enquiry_id: int):
    return _render_detail(services.get_enquiry(current_user, enquiry_id))


@bp.post("/<int:enquiry_id>/messages")
@login_required
def reply(enquiry_id: int):
    enquiry = services.get_enquiry(current_user, enquiry_id)
    form = ReplyForm()
    if not form.validate():
        return _render_detail(enquiry, 400, reply_form=form)
    try:
        services.reply(current_user, enquiry, form.body.data)
    except InvalidInput as error:
        show_on_form(form, error)
        return _render_detail(enquiry, 400, reply_form=form)
    flash(_("Your message is sent."), "success")
    return redirect(url_for("enquiries.detail", enquiry_id=enquiry.id, _anchor="thread"))


@bp.post("/<int:enquiry_id>/decision")
@login_required
def decision(enquiry_id: int):
    enquiry = services.get_enquiry(current_user, enquiry_id)
    if not current_user.is_broker:
        abort(403, _("Only a broker decides on an introduction."))
    form = DecisionForm()
    if not form.validate():
        return _render_detail(enquiry, 400, decision_form=form)
    try:
        deal = services.decide(current_user, enquiry, accept=form.decision.data == "accept",
                               note=form.note.data or "")
    except InvalidInput as error:
        show_on_form(form, error)
        return _render_detail(enquiry, 400, decision_form=form)
    if deal is not None:
        flash(_("The parties are introduced: the deal is open."), "success")
        return redirect(url_for("deals.detail", deal_id=deal.id))
    flash(_("The request is declined. The enquirer has been told why."), "success")
    return redirect(url_for("enquiries.detail", enquiry_id=enquiry.id))


@bp.post("/<int:enquiry_id>/deal")
@login_required
def make_deal(enquiry_id: int):
    enquiry = services.get_enquiry(current_user, enquiry_id)
    deal = services.make_deal(current_user, enquiry)
    flash(_("The deal is open. Fill in the terms when you know them."), "success")
    return redirect(url_for("deals.detail", deal_id=deal.id))


@bp.post("/<int:enquiry_id>/report")
@login_required
def report(enquiry_id: int):
    enquiry = services.get_enquiry(current_user, enquiry_id)
    services.report(current_user, enquiry)
    flash(_("Thank you: the Center's brokers will look at this enquiry."), "success")
    return redirect(url_for("enquiries.detail", enquiry_id=enquiry.id))
