"""Matches in the site: listings adapted to the engine, its rankings stored, and each
match shown to a reader only as far as the listings' visibility allows."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext
from sqlalchemy import orm

import matching

from .. import redaction
from ..models import MaterialNeed, Match, MeasuredValue, Organisation, SideStream, WasteCode
from ..models.base import utcnow
from ..models.listing import SEARCHABLE_STATUSES, _is_broker

# How many matches are kept for each listing, on each side.
TOP_PER_LISTING = 20


def _matchable(model, today=None):
    """Listings the engine considers: published or reserved, of a verified organisation,
    not past their publication period, whatever their visibility (brokers may propose
    brokered listings)."""
    return sa.and_(
        model.status.in_(SEARCHABLE_STATUSES),
        model.organisation_id.in_(
            sa.select(Organisation.id).where(Organisation.verification_status == "verified")
        ),
        model.not_expired_clause(today),
    )


def engine_streams(session, ids=None, today=None) -> list[matching.Stream]:
    """Side streams as engine records, with every measured value, in two narrow SELECTs.
    A hidden stream stands at its approximate place (``redaction.matching_place``)."""
    query = (
        sa.select(
            SideStream.id, SideStream.title, SideStream.description, SideStream.category,
            SideStream.ewc_code, WasteCode.hazardous, SideStream.legal_status,
            SideStream.quantity_t_per_year, SideStream.price_eur_per_t, SideStream.industry,
            SideStream.place, *redaction.matching_place_columns(SideStream),
        )
        .outerjoin(WasteCode, WasteCode.code == SideStream.ewc_code)
        .where(_matchable(SideStream, today))
    )
    values_query = sa.select(
        MeasuredValue.side_stream_id, MeasuredValue.property, MeasuredValue.value
    ).where(MeasuredValue.side_stream_id.in_(sa.select(SideStream.id).where(_matchable(SideStream, today))))
    if ids is not None:
        query = query.where(SideStream.id.in_(ids))
        values_query = values_query.where(MeasuredValue.side_stream_id.in_(ids))
    values: dict[int, dict[str, float]] = defaultdict(dict)
    for stream_id, key, value in session.execute(values_query):
        values[stream_id][key] = value
    return [
        matching.Stream(
            id=str(row.id), title=row.title, description=row.description or "",
            category=row.category,
            ewc_code=(row.ewc_code + ("*" if row.hazardous else "")) if row.ewc_code else None,
            legal_status=row.legal_status, values=values.get(row.id, {}),
            quantity_t_per_year=row.quantity_t_per_year, price_eur_per_t=row.price_eur_per_t,
            industry=row.industry, place=row.place, lat=row.lat, lon=row.lon,
        )
        for row in session.execute(query)
    ]


def engine_needs(session, ids=None, today=None) -> list[matching.Need]:
    """Needs as engine records. A need that follows its organisation's permits gets the
    codes of the permits valid ``today`` (default: the real today)."""
    from ..compliance.permits import valid_codes_by_organisation

    query = (
        sa.select(MaterialNeed)
        .options(orm.selectinload(MaterialNeed.requirements))
        .where(_matchable(MaterialNeed, today))
    )
    if ids is not None:
        query = query.where(MaterialNeed.id.in_(ids))
    needs = list(session.scalars(query))
    following = {n.organisation_id for n in needs if n.codes_from_permits}
    codes = valid_codes_by_organisation(session, following, today) if following else {}
    hazardous = hazardous_codes(session)
    return [engine_need(need, permit_codes=codes.get(need.organisation_id, ()) if need.codes_from_permits
                        else None, hazardous=hazardous) for need in needs]


def hazardous_codes(session) -> frozenset[str]:
    return frozenset(session.scalars(sa.select(WasteCode.code).where(WasteCode.hazardous.is_(True))))


def _engine_codes(codes, hazardous) -> tuple:
    """The site keeps codes without the hazard mark ('10 02 07'; the mark lives on the List
    of Waste entry); the engine names a hazardous entry with it ('10 02 07*'), as it names
    the streams' codes (engine_streams)."""
    return tuple(c.rstrip("*") + ("*" if c.rstrip("*") in hazardous else "") for c in codes)


def engine_need(need: MaterialNeed, permit_codes=None, hazardous=None) -> matching.Need:
    """``permit_codes``: for a need that follows its organisation's permits, the codes they
    cover today; the receiver may take waste only if there is one (Waste Act s. 29).
    ``hazardous``: the hazardous List of Waste codes (read from the database if not given)."""
    if hazardous is None:
        from ..db import db

        hazardous = hazardous_codes(orm.object_session(need) or db.session)
    accepts_waste = need.accepts_waste
    permitted = tuple(need.permitted_ewc_codes) if need.permitted_ewc_codes is not None else None
    if permit_codes is not None:
        accepts_waste, permitted = bool(permit_codes), (tuple(permit_codes) or None)
    if permitted is not None:
        permitted = _engine_codes(permitted, hazardous)
    lat, lon = redaction.matching_place(need)
    return matching.Need(
        id=str(need.id), title=need.title, application=need.application,
        description=need.description or "", lat=lat, lon=lon,
        requirements=tuple(
            matching.Requirement(property=r.property, min=r.min, max=r.max, per=r.per,
                                 note=r.note or None)
            for r in need.requirements
        ),
        categories=tuple(need.categories or ()), ewc_codes=_engine_codes(need.ewc_codes or (), hazardous),
        accepts_waste=accepts_waste,
        permitted_ewc_codes=permitted,
        quantity_t_per_year=need.quantity_t_per_year,
        min_quantity_t_per_year=need.min_quantity_t_per_year,
        max_distance_km=need.max_distance_km, max_price_eur_per_t=need.max_price_eur_per_t,
        place=need.place,
    )


def _store(session, results: list[matching.Match], stale: sa.ColumnElement | None) -> int:
    """Write the engine's matches, keeping ``first_seen_at`` of pairs already known, and
    delete the pairs under ``stale`` that the engine no longer ranks."""
    wanted = {(int(m.stream_id), int(m.need_id)): m for m in results if m.feasible}
    existing_query = sa.select(Match)
    if stale is not None:
        existing_query = existing_query.where(stale)
    existing = {(m.side_stream_id, m.need_id): m for m in session.scalars(existing_query)}
    for pair, row in existing.items():
        if pair not in wanted:
            session.delete(row)
    now = utcnow()
    for pair, result in wanted.items():
        row = existing.get(pair)
        if row is None:
            row = session.scalar(
                sa.select(Match).where(Match.side_stream_id == pair[0], Match.need_id == pair[1])
            ) or Match(side_stream_id=pair[0], need_id=pair[1], first_seen_at=now)
            session.add(row)
        row.score = float(result.score)
        row.verified = bool(result.verified)
        row.distance_km = float(result.distance_km)
        row.road_km = float(result.road_km)
        row.transport_cost_eur_per_t = float(result.transport_cost_eur_per_t)
        row.transport_co2_kg_per_t = float(result.transport_co2_kg_per_t)
        row.missing = list(result.missing)
        row.reasons = [_reason_record(r) for r in result.reasons]
        row.rules = list(result.rules)
        row.computed_at = now
    session.flush()
    return len(wanted)


def _reason_record(reason: matching.Reason) -> dict:
    return {"template": reason.template, "params": dict(reason.params), "ok": reason.ok,
            "source": reason.source}


def refresh_all(session) -> int:
    """Rank every matchable need and stream against each other; returns the matches kept."""
    streams, needs = engine_streams(session), engine_needs(session)
    if not streams or not needs:
        session.execute(sa.delete(Match))
        return 0
    matcher = matching.Matcher().fit(streams, needs)
    results = [m for ranked in matcher.rank_all(top=TOP_PER_LISTING).values() for m in ranked]
    for stream in streams:
        results.extend(matcher.rank_needs(stream.id, top=TOP_PER_LISTING))
    return _store(session, results, stale=None)


def refresh_for_stream(session, stream: SideStream) -> int:
    """After a stream changed: its matches against every need, ranked again."""
    records = engine_streams(session, ids=[stream.id])
    needs = engine_needs(session) if records else []
    results = []
    if records and needs:
        results = matching.Matcher().fit(records, needs).rank_needs(str(stream.id), top=TOP_PER_LISTING)
    return _store(session, results, stale=Match.side_stream_id == stream.id)


def refresh_for_need(session, need: MaterialNeed) -> int:
    """After a need changed: its best streams, ranked again."""
    records = engine_needs(session, ids=[need.id])
    streams = engine_streams(session) if records else []
    results = []
    if records and streams:
        results = matching.Matcher().fit(streams, records).rank_streams(str(need.id), top=TOP_PER_LISTING)
    return _store(session, results, stale=Match.need_id == need.id)


def refresh_for(session, listing) -> int:
    if isinstance(listing, SideStream):
        return refresh_for_stream(session, listing)
    return refresh_for_need(session, listing)


# Past this many changed listings, ranking everything once is cheaper than one by one.
REFRESH_ALL_FROM = 30


def refresh_many(session, listings) -> int:
    """After an import: the changed listings' matches, ranked again."""
    listings = list(listings)
    if len(listings) >= REFRESH_ALL_FROM:
        return refresh_all(session)
    return sum(refresh_for(session, listing) for listing in listings)


# -- reading matches --------------------------------------------------------

@dataclass
class MatchView:
    """A match as one reader may see it."""

    match: Match
    counterpart: object
    organisation_name: str | None
    distance_km: float
    road_km: float
    transport: redaction.Transport | None = None
    reasons: list[tuple[str, str]] = field(default_factory=list)
    details_hidden: bool = False
    feasible: bool = True

    @property
    def score_pct(self) -> int:
        return round(self.match.score * 100)


def render_reason(record: dict) -> tuple[str, str]:
    """(text in the reader's language, css class ok/bad/info/unverified)."""
    reason = matching.Reason(record["template"], record.get("params") or {}, record.get("ok"),
                             record.get("source"))
    kind = {True: "ok", False: "bad"}.get(reason.ok, "info")
    if record["template"] in (matching.reasons.REQ_MISSING, matching.reasons.UNVERIFIED):
        kind = "unverified"
    return reason.render(gettext), kind


def present(match: Match, counterpart, viewer, feasible: bool = True) -> MatchView:
    """Hide what the counterpart's visibility hides from this reader: its owner, and the
    distances, cost and CO2 in the numbers and in the reasons' text alike."""
    reveals = redaction.owner_shown(counterpart, viewer)
    details = counterpart.shows_details_to(viewer)
    numbers = redaction.transport(match, reveals)
    return MatchView(
        match=match,
        counterpart=counterpart,
        organisation_name=counterpart.organisation.name if reveals else None,
        distance_km=numbers.distance_km,
        road_km=numbers.road_km,
        transport=numbers,
        reasons=[render_reason(redaction.reason_record(r, numbers)) for r in match.reasons] if details else [],
        details_hidden=not details,
        feasible=feasible,
    )


def can_see_matches(listing, viewer) -> bool:
    """A listing's matches are for its owner and the brokers."""
    return listing.is_owned_by(viewer) or _is_broker(viewer)


def matches_for_listing(session, listing, viewer, limit: int = 10) -> list[MatchView]:
    if not can_see_matches(listing, viewer):
        return []
    if isinstance(listing, SideStream):
        query = sa.select(Match).where(Match.side_stream_id == listing.id)
        counterpart_of = lambda m: m.need  # noqa: E731
        option = orm.selectinload(Match.need).selectinload(MaterialNeed.organisation)
    else:
        query = sa.select(Match).where(Match.need_id == listing.id)
        counterpart_of = lambda m: m.side_stream  # noqa: E731
        option = orm.selectinload(Match.side_stream).selectinload(SideStream.organisation)
    views = []
    for match in session.scalars(query.options(option).order_by(Match.score.desc())):
        counterpart = counterpart_of(match)
        if counterpart.is_visible_to(viewer) and counterpart.status in SEARCHABLE_STATUSES:
            views.append(present(match, counterpart, viewer))
        if len(views) >= limit:
            break
    return views


@dataclass
class IdeaView:
    application: str
    name: str
    score_pct: int
    feasible: bool
    reasons: list[tuple[str, str]]
    missing: list[str]
    needs_nearby: list[MatchView]


def pairing_ideas(session, stream: SideStream, viewer, language: str, top: int = 5) -> list[IdeaView]:
    """The uses a stream could serve, for its owner and the brokers."""
    if not can_see_matches(stream, viewer):
        return []
    records = engine_streams(session, ids=[stream.id])
    if not records:
        return []
    # Only the needs the reader may see count (a brokered need's existence is the Center's).
    visible = set(session.scalars(sa.select(MaterialNeed.id).where(MaterialNeed.visible_to_clause(viewer))))
    needs = [n for n in engine_needs(session) if int(n.id) in visible]
    ideas = matching.Matcher().fit(records, needs).pairing_ideas(str(stream.id), top=top)
    need_rows = {
        n.id: n for n in session.scalars(
            sa.select(MaterialNeed).where(
                MaterialNeed.id.in_([int(m.need_id) for i in ideas for m in i.needs_nearby])
            )
        )
    }
    views = []
    for idea in ideas:
        nearby = []
        for result in idea.needs_nearby:
            need = need_rows.get(int(result.need_id))
            if need is None or not need.is_visible_to(viewer):
                continue
            row = Match(side_stream_id=stream.id, need_id=need.id, score=result.score,
                        verified=result.verified, distance_km=result.distance_km,
                        road_km=result.road_km,
                        transport_cost_eur_per_t=result.transport_cost_eur_per_t,
                        transport_co2_kg_per_t=result.transport_co2_kg_per_t,
                        missing=list(result.missing),
                        reasons=[_reason_record(r) for r in result.reasons])
            nearby.append(present(row, need, viewer, feasible=result.feasible))
        views.append(IdeaView(
            application=idea.application,
            name=idea.name_fi if language == "fi" else idea.name_en,
            score_pct=round(idea.score * 100), feasible=idea.feasible,
            reasons=[render_reason(_reason_record(r)) for r in idea.reasons],
            missing=list(idea.missing), needs_nearby=nearby,
        ))
    return views
