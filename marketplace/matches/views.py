"""Matches on listing pages, pairing ideas of a stream, and the refresh a broker can ask for."""
from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..db import db
from ..errors import DomainError, Forbidden
from ..models import MaterialNeed, SideStream
from ..paging import page_count, page_number
from ..deals import services as deal_services
from .. import redaction
from . import engine, services

bp = Blueprint("matches", __name__, url_prefix="/matches")


@bp.record_once
def _fit_engine(state) -> None:
    """Each process fits its engine once, at start, in the background (not in a test)."""
    if not state.app.testing and state.app.config.get("MATCHING_FIT_AT_START"):
        engine.fit_in_background(state.app)

# Matches on one page of a listing's match list.
MATCHES_PER_PAGE = 25


@bp.app_context_processor
def match_helpers():
    def listing_matches(listing, limit=10):
        return _with_deals(services.matches_for_listing(db.session, listing, current_user, limit))

    def listing_ideas(stream, top=5):
        ideas = services.pairing_ideas(db.session, stream, current_user, g.get("language", "fi"), top)
        _with_deals([view for idea in ideas for view in idea.needs_nearby])
        return ideas

    def listing_near_misses(listing):
        if isinstance(listing, SideStream):
            return services.near_misses_for_stream(db.session, listing, current_user)
        return services.near_misses_for_need(db.session, listing, current_user)

    return {
        "listing_near_misses": listing_near_misses,
        "listing_matches": listing_matches,
        "listing_ideas": listing_ideas,
        "can_see_matches": lambda listing: services.can_see_matches(listing, current_user),
    }


def _with_deals(views):
    """The open deals of the pairs shown, read in one query for the cards' deal links."""
    deal_services.remember_open_deals([(v.match.side_stream_id, v.match.need_id) for v in views])
    return views


def _listing_for_matches(model, listing_id: int, refusal: str):
    """The listing, if the user may see it (404 otherwise) and its matches (403 otherwise)."""
    listing = redaction.find_listing(db.session, model, listing_id, current_user)
    if listing is None or not listing.is_visible_to(current_user):
        abort(404)
    if not services.can_see_matches(listing, current_user):
        raise Forbidden(refusal)
    return listing


@bp.get("/streams/<stream:stream_id>/ideas")
@login_required
def stream_ideas(stream_id: int):
    stream = _listing_for_matches(SideStream, stream_id,
                                  _("Pairing ideas are shown to the stream's owner and the brokers."))
    ideas = services.pairing_ideas(db.session, stream, current_user, g.get("language", "fi"), top=8)
    _with_deals([view for idea in ideas for view in idea.needs_nearby])
    return render_template("matches/ideas.html", stream=stream, ideas=ideas)


def _match_page(listing, kind: str):
    page = page_number()
    total = services.count_matches(db.session, listing, current_user)
    views = _with_deals(services.matches_for_listing(db.session, listing, current_user, limit=MATCHES_PER_PAGE,
                                                     offset=(page - 1) * MATCHES_PER_PAGE))
    blends = services.blends_for_need(db.session, listing, current_user) if kind == "need" and page == 1 else []
    return render_template("matches/listing.html", listing=listing, kind=kind, views=views, page=page,
                           pages=page_count(total, MATCHES_PER_PAGE), total=total, blends=blends)


@bp.get("/needs/<need:need_id>")
@login_required
def need_matches(need_id: int):
    need = _listing_for_matches(MaterialNeed, need_id, _("Matches are shown to the need's owner and the brokers."))
    return _match_page(need, "need")


@bp.get("/streams/<stream:stream_id>")
@login_required
def stream_matches(stream_id: int):
    stream = _listing_for_matches(SideStream, stream_id,
                                  _("Matches are shown to the stream's owner and the brokers."))
    return _match_page(stream, "stream")


@bp.post("/blends/<int:blend_id>/deals")
@login_required
def blend_deals(blend_id: int):
    """A broker opens a deal with each seller of a blend, in one transaction: each deal
    pairs one stream with the need, its tonnage the stream's share of the buyer's
    quantity, its note naming the blend."""
    if not current_user.is_broker:
        raise Forbidden(_("Only a broker opens deals from a blend."))
    blend = services.get_blend(db.session, blend_id)
    if blend is None or not blend.need.is_visible_to(current_user):
        abort(404)
    views = services.blends_for_need(db.session, blend.need, current_user, limit=services.BLENDS_PER_NEED)
    view = next((v for v in views if v.blend.id == blend.id), None)
    if view is None:
        abort(404)
    need = blend.need
    shares = ", ".join(f"{p.share_pct} % {p.stream.title}" for p in view.parts)
    note = _("Part of a blend for this need: %(shares)s.", shares=shares)
    deals = []
    try:
        for p in view.parts:
            tonnes = round(need.quantity_t_per_year * p.part.share, 1) if need.quantity_t_per_year else None
            deals.append(deal_services.open_deal(current_user, p.stream, need, tonnes_per_year=tonnes, note=note))
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("matches.need_matches", need_id=need.id))
    db.session.commit()
    flash(_("Deals are open with %(count)s sellers of the blend. The parties have been told.", count=len(deals)),
          "success")
    return redirect(url_for("deals.detail", deal_id=deals[0].id))


@bp.post("/refresh")
@login_required
def refresh():
    if not current_user.is_broker:
        raise Forbidden(_("Only brokers can rank every listing again."))
    from ..jobs import enqueue

    enqueue("refresh_all_matches")
    flash(_("Every listing is being ranked again; the matches are renewed in a few minutes."), "success")
    return redirect(url_for("main.index"))
