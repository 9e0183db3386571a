"""Deal pages: the list, opening a deal on a pairing, the deal with its terms, states,
thread, deliveries and impact."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import orm

from .. import redaction
from ..db import db
from ..errors import InvalidInput, show_on_form
from ..models import DealMessage, MaterialNeed, SideStream
from ..models.deal import CLOSED_STATES, DELIVERY_STATES, NEEDS_REASON, PROGRESS, is_step_back, needs_confirmation, transition_allowed
from ..paging import page_count, page_number, sort_order
from . import permissions, services
from .forms import (
    DeliveryCorrectionForm, DeliveryForm, DeliveryRemovalForm, MessageForm, OpenDealForm, TermsForm, TransitionForm,
)
from .labels import STATE_CSS, STATE_LABELS, STEP_BACK_LABELS, TRANSITION_LABELS

# Deals on one page of the list.
DEALS_PER_PAGE = 50

bp = Blueprint("deals", __name__, url_prefix="/deals")


@bp.app_context_processor
def deal_helpers():
    def deal_link_for(stream, need):
        """Where a reader may open (or find) a deal on a pairing; None where they may not."""
        if not (current_user.is_authenticated and permissions.can_open(current_user, stream, need)):
            return None
        existing = services.open_deal_for_pair(stream.id, need.id)
        if existing is not None and permissions.can_view(current_user, existing):
            return url_for("deals.detail", deal_id=existing.id)
        return url_for("deals.new", side_stream_id=stream, need_id=need)

    return {"deal_link_for": deal_link_for, "DEAL_STATE_LABELS": STATE_LABELS,
            "DEAL_STATE_CSS": STATE_CSS}


@bp.get("/")
@login_required
def index():
    open_only = request.args.get("open") == "1"
    if request.args.get("view") == "board":
        return _board()
    sort, descending = sort_order(services.DEAL_SORTS, "last_event")
    page = page_number()
    total = services.count_deals(current_user, open_only=open_only)
    deals = services.deals_for(current_user, open_only=open_only, limit=DEALS_PER_PAGE,
                               offset=(page - 1) * DEALS_PER_PAGE, sort=sort, descending=descending)
    rows = [(deal, services.deal_name(deal, current_user)) for deal in deals]
    return render_template("deals/index.html", rows=rows, open_only=open_only, page=page,
                           pages=page_count(total, DEALS_PER_PAGE), sort=sort, descending=descending)


# At most this many open deals on the board; the list pages through all of them.
BOARD_LIMIT = 500


def _board():
    deals = services.deals_for(current_user, open_only=True, limit=BOARD_LIMIT)
    columns = {state: [] for state in PROGRESS if state != "completed"}
    for deal in deals:
        columns.setdefault(deal.state, []).append((deal, services.deal_name(deal, current_user)))
    return render_template("deals/board.html", columns=columns, STATE_LABELS=STATE_LABELS,
                           total=len(deals), limit=BOARD_LIMIT)


def _pairing_from(values) -> tuple[SideStream, MaterialNeed]:
    stream_id, need_id = redaction.parse_key(values.get("side_stream_id")), redaction.parse_key(values.get("need_id"))
    if stream_id is None or need_id is None:
        abort(404)
    stream = redaction.find_listing(db.session, SideStream, stream_id, current_user)
    need = redaction.find_listing(db.session, MaterialNeed, need_id, current_user)
    if stream is None or need is None or not stream.is_visible_to(current_user) \
            or not need.is_visible_to(current_user):
        abort(404)
    return stream, need


def _render_new(form, stream, need, status=200):
    from ..matches.services import present
    from ..models import Match

    match = db.session.scalar(sa.select(Match).where(Match.side_stream_id == stream.id,
                                                     Match.need_id == need.id))
    view = present(match, need, current_user) if match is not None else None
    return render_template("deals/new.html", form=form, stream=stream, need=need, view=view), status


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    stream, need = _pairing_from(request.values)
    if not permissions.can_open(current_user, stream, need):
        abort(403, _("Only a broker opens a deal on this pairing: the parties may open one "
                     "themselves only when both listings are public."))
    existing = services.open_deal_for_pair(stream.id, need.id)
    if existing is not None:
        flash(_("A deal on this pairing is already open."), "info")
        return redirect(url_for("deals.detail", deal_id=existing.id))
    form = OpenDealForm(side_stream_id=stream.id, need_id=need.id)
    if request.method == "GET":
        return _render_new(form, stream, need)
    if not form.validate():
        return _render_new(form, stream, need, 400)
    try:
        deal = services.open_deal(
            current_user, stream, need, tonnes_per_year=form.tonnes_per_year.data,
            price_eur_per_t=form.price_eur_per_t.data, start_date=form.start_date.data,
            note=form.note.data or "")
    except InvalidInput as error:
        show_on_form(form, error)
        return _render_new(form, stream, need, 400)
    flash(_("The deal is open. The parties have been told."), "success")
    return redirect(url_for("deals.detail", deal_id=deal.id))


def next_steps(deal, user) -> list[dict]:
    """The buttons of the deal's next steps, in the table's order, each named for what it
    does; a step back or a closing step is marked to be confirmed."""
    steps = []
    for state in deal.next_states():
        if not permissions.can_move(user, deal, state):
            continue
        back = is_step_back(deal.state, state)
        label = (STEP_BACK_LABELS.get(state) or _("Back to %(state)s", state=str(STATE_LABELS[state]).lower())) \
            if back else TRANSITION_LABELS.get(state, STATE_LABELS[state])
        kind = "back" if back else ("close" if state in CLOSED_STATES else "forward")
        steps.append({"state": state, "label": label, "kind": kind,
                      "confirm": needs_confirmation(deal.state, state)})
    return steps


def pipeline(deal) -> list[dict]:
    """The stages for the picture: done, current or to come; the side exits after them."""
    position = PROGRESS.index(deal.state) if deal.state in PROGRESS else None
    reached = {event.to_state for event in deal.events}
    stages = []
    for index, state in enumerate(PROGRESS):
        if state == deal.state:
            status = "current"
        elif position is not None and index < position:
            status = "done"
        elif position is None and state in reached:
            status = "done"
        else:
            status = "todo"
        stages.append({"state": state, "label": STATE_LABELS[state], "status": status, "exit": False})
    for state in ("declined", "cancelled"):
        stages.append({"state": state, "label": STATE_LABELS[state],
                       "status": "current" if deal.state == state else "todo", "exit": True})
    return stages


def _render_detail(deal, status=200, **forms):
    from ..dashboard.impact import deal_impact

    supplier, buyer = services.parties_for(deal, current_user)
    # Forms not submitted in this request start from the deal, not from the posted data.
    terms = forms.get("terms") or TermsForm(formdata=None, obj=deal, version=str(deal.version))
    transition = forms.get("transition") or TransitionForm(formdata=None, version=str(deal.version))
    message_form = forms.get("message") or MessageForm(formdata=None)
    delivery_form = forms.get("delivery") or DeliveryForm(formdata=None)
    messages = db.session.scalars(
        sa.select(DealMessage).where(DealMessage.deal_id == deal.id).order_by(DealMessage.id)
        .options(orm.selectinload(DealMessage.author), orm.selectinload(DealMessage.attachments))
    ).all()
    label = lambda person: services.person_label(deal, person, current_user)  # noqa: E731
    return render_template(
        "deals/detail.html", deal=deal, supplier=supplier, buyer=buyer,
        name=services.deal_name(deal, current_user), terms=terms, transition=transition,
        steps=next_steps(deal, current_user), stages=pipeline(deal),
        message_form=message_form, delivery_form=delivery_form, messages=messages,
        person_label=label, impact=deal_impact(deal), history=services.history(deal),
        STATE_LABELS=STATE_LABELS, NEEDS_REASON=NEEDS_REASON,
        can_edit_terms=permissions.can_edit_terms(current_user, deal),
        can_record_delivery=permissions.can_record_delivery(current_user, deal) and deal.state in DELIVERY_STATES,
        can_change_delivery=lambda item: (deal.state in DELIVERY_STATES
                                          and permissions.can_change_delivery(current_user, deal, item)),
        correction=forms.get("correction"), correcting=forms.get("correcting"),
        duplicate=forms.get("duplicate", False), DeliveryCorrectionForm=DeliveryCorrectionForm,
        side=deal.side_of(current_user),
    ), status


def _render_confirm(deal, form, status=200):
    to_state = form.to_state.data
    step = next((s for s in next_steps(deal, current_user) if s["state"] == to_state), None)
    if step is None:
        abort(400)
    return render_template(
        "deals/confirm_step.html", deal=deal, form=form, step=step, name=services.deal_name(deal, current_user),
        STATE_LABELS=STATE_LABELS, reason_required=to_state in NEEDS_REASON or step["kind"] == "back",
    ), status


@bp.get("/<int:deal_id>")
@login_required
def detail(deal_id: int):
    deal = services.get_deal(deal_id, current_user)
    return _render_detail(deal)


@bp.post("/<int:deal_id>/terms")
@login_required
def terms(deal_id: int):
    deal = services.get_deal(deal_id, current_user)
    form = TermsForm()
    if not form.validate():
        return _render_detail(deal, 400, terms=form)
    try:
        services.update_terms(
            current_user, deal, version=int(form.version.data),
            tonnes_per_year=form.tonnes_per_year.data, price_eur_per_t=form.price_eur_per_t.data,
            start_date=form.start_date.data, note=form.note.data or "")
    except InvalidInput as error:
        show_on_form(form, error)
        return _render_detail(deal, 400, terms=form)
    flash(_("The terms are saved."), "success")
    return redirect(url_for("deals.detail", deal_id=deal.id))


@bp.post("/<int:deal_id>/state")
@login_required
def transition(deal_id: int):
    deal = services.get_deal(deal_id, current_user)
    form = TransitionForm()
    if not form.validate():
        return _render_detail(deal, 400, transition=form)
    to_state = form.to_state.data
    confirming = transition_allowed(deal.state, to_state) and needs_confirmation(deal.state, to_state)
    if confirming and form.confirmed.data != "1":
        # Asked once more, with the reason: the hop stays in the history for good.
        if not permissions.can_move(current_user, deal, to_state):
            abort(403)
        return _render_confirm(deal, form)
    try:
        services.change_state(current_user, deal, to_state,
                              version=int(form.version.data), note=form.note.data or "")
    except InvalidInput as error:
        show_on_form(form, error)
        if confirming:
            return _render_confirm(deal, form, 400)
        return _render_detail(deal, 400, transition=form)
    flash(_("The deal is now: %(state)s.", state=STATE_LABELS[deal.state]), "success")
    return redirect(url_for("deals.detail", deal_id=deal.id))


@bp.post("/<int:deal_id>/messages")
@login_required
def message(deal_id: int):
    deal = services.get_deal(deal_id, current_user)
    form = MessageForm()
    if not form.validate():
        return _render_detail(deal, 400, message=form)
    files = [f for f in (form.files.data or []) if f and f.filename]
    try:
        services.post_message(current_user, deal, form.body.data, files)
    except InvalidInput as error:
        show_on_form(form, error)
        return _render_detail(deal, 400, message=form)
    flash(_("Your message is sent."), "success")
    return redirect(url_for("deals.detail", deal_id=deal.id, _anchor="thread"))


@bp.get("/<int:deal_id>/files/<int:attachment_id>")
@login_required
def attachment(deal_id: int, attachment_id: int):
    from .attachments import path_of

    deal = services.get_deal(deal_id, current_user)
    item = services.get_message_attachment(current_user, deal, attachment_id)
    path = path_of(item)
    if not path.exists():
        abort(404)
    body, name = redaction.download(path, item, redaction.deal_file_revealed(deal, item, current_user))
    response = send_file(body, mimetype=item.content_type, as_attachment=True, download_name=name, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _say_if_closed(deal, error) -> None:
    """On a closed deal the delivery forms are not shown: say why at the top instead."""
    if deal.state not in DELIVERY_STATES:
        flash((error.errors or {}).get("delivered_on") or error.message, "error")


@bp.post("/<int:deal_id>/deliveries")
@login_required
def delivery(deal_id: int):
    deal = services.get_deal(deal_id, current_user)
    if not permissions.can_record_delivery(current_user, deal):
        abort(403, _("Deliveries are recorded by the brokers."))
    form = DeliveryForm()
    if not form.validate():
        return _render_detail(deal, 400, delivery=form)
    try:
        services.record_delivery(current_user, deal, delivered_on=form.delivered_on.data,
                                 tonnes=form.tonnes.data, note=form.note.data or "",
                                 confirm_duplicate=bool(form.confirm_duplicate.data))
    except InvalidInput as error:
        show_on_form(form, error)
        _say_if_closed(deal, error)
        return _render_detail(deal, 400, delivery=form, duplicate=isinstance(error, services.DuplicateDelivery))
    flash(_("The delivery is recorded."), "success")
    return redirect(url_for("deals.detail", deal_id=deal.id, _anchor="deliveries"))


@bp.post("/<int:deal_id>/deliveries/<int:delivery_id>")
@login_required
def correct_delivery(deal_id: int, delivery_id: int):
    deal = services.get_deal(deal_id, current_user)
    item = services.get_delivery(current_user, deal, delivery_id)
    if not permissions.can_change_delivery(current_user, deal, item):
        abort(403, _("Only whoever recorded a delivery, or a broker, corrects it."))
    form = DeliveryCorrectionForm()
    if not form.validate():
        return _render_detail(deal, 400, correction=form, correcting=item.id)
    try:
        services.correct_delivery(current_user, deal, item, delivered_on=form.delivered_on.data,
                                  tonnes=form.tonnes.data, note=form.note.data or "")
    except InvalidInput as error:
        show_on_form(form, error)
        _say_if_closed(deal, error)
        return _render_detail(deal, 400, correction=form, correcting=item.id)
    flash(_("The delivery is corrected."), "success")
    return redirect(url_for("deals.detail", deal_id=deal.id, _anchor="deliveries"))


@bp.post("/<int:deal_id>/deliveries/<int:delivery_id>/remove")
@login_required
def remove_delivery(deal_id: int, delivery_id: int):
    deal = services.get_deal(deal_id, current_user)
    item = services.get_delivery(current_user, deal, delivery_id)
    if not permissions.can_change_delivery(current_user, deal, item):
        abort(403, _("Only whoever recorded a delivery, or a broker, removes it."))
    form = DeliveryRemovalForm()
    if not form.validate():
        return _render_detail(deal, 400)
    try:
        services.remove_delivery(current_user, deal, item, note=form.note.data or "")
    except InvalidInput as error:
        flash(error.message, "error")
        return _render_detail(deal, 400)
    flash(_("The delivery is removed."), "success")
    return redirect(url_for("deals.detail", deal_id=deal.id, _anchor="deliveries"))
