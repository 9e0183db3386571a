"""What the broker dashboard shows: the best new pairings, streams nobody pairs with,
organisations to verify, deals waiting for someone, and the brokers' marks on pairings."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy import orm

from ..db import db
from ..errors import Forbidden, InvalidInput, NotFound
from ..models import (
    Activity, Match, MatchMark, MaterialNeed, MeasuredValue, Organisation, SideStream,
)
from ..models.activity import ACTIVITIES_PER_YEAR_TARGET
from ..models.base import utcnow
from ..models.listing import SEARCHABLE_STATUSES

# A deal with no event for this many days waits for someone.
STALE_DEAL_DAYS = 14
PAIRINGS_PER_PAGE = 50
# The pairings under the filters are counted up to this many; past it the dashboard says
# "more than" (a count of every stored pairing joined with both listings grows with the
# site: a million rows at 100 000 streams).
PAIRINGS_COUNTED = 1000
# Rows of the dashboard's other tables (organisations waiting, deals waiting): the oldest first.
WAITING_ROWS = 20


def require_broker(user) -> None:
    if not (user and user.is_authenticated and user.is_broker):
        raise Forbidden(_("The dashboard is for the Circular Economy Center's brokers."))


@dataclass
class PairingFilters:
    application: str | None = None
    category: str | None = None
    municipality: str | None = None
    organisation_id: int | None = None
    # Part of a verified organisation's name (the dashboard's search field).
    organisation_name: str | None = None
    min_score: float | None = None
    since: date | None = None


# The columns the pairings table sorts by; best score first by default.
PAIRING_SORTS = {
    "stream": sa.func.lower(SideStream.title), "need": sa.func.lower(MaterialNeed.title),
    "score": Match.score, "road_km": Match.road_km, "since": Match.first_seen_at,
}


def pairings(filters: PairingFilters, limit: int = PAIRINGS_PER_PAGE, offset: int = 0,
             sort: str = "score", descending: bool = True) -> tuple[list[Match], int]:
    """Stored matches of listings still on offer, under the filters, best first unless
    sorted by another column; and how many there are, counted up to
    ``PAIRINGS_COUNTED + 1`` (more means "more than PAIRINGS_COUNTED"). ``municipality``
    is either listing's place. Sorted by a column of the match, the page is read along
    its index (ix_match_score, ix_match_newest), so a page costs its rows, not the table."""
    # One table in FROM, the listings' conditions in EXISTS: both databases then walk
    # ix_match_newest and probe each row's listings by primary key until the page is full.
    # (With joins, SQLite may start from the needs and sort every pairing: 2 s at 10 000
    # streams when its statistics predate the refresh.)
    streams = [SideStream.status.in_(SEARCHABLE_STATUSES)]
    needs = [MaterialNeed.status.in_(SEARCHABLE_STATUSES)]
    either = []

    # Correlated with the match only: sorted by a title, the outer query joins the listing
    # too, and the EXISTS must still read its own copy.
    def stream_has(*conditions):
        return sa.exists().where(SideStream.id == Match.side_stream_id, *conditions).correlate(Match)

    def need_has(*conditions):
        return sa.exists().where(MaterialNeed.id == Match.need_id, *conditions).correlate(Match)

    if filters.application:
        needs.append(MaterialNeed.application == filters.application)
    if filters.category:
        streams.append(SideStream.category == filters.category)
    if filters.municipality:
        place = filters.municipality.strip().lower()
        either.append(sa.or_(stream_has(sa.func.lower(SideStream.place) == place),
                             need_has(sa.func.lower(MaterialNeed.place) == place)))
    if filters.organisation_id:
        either.append(sa.or_(stream_has(SideStream.organisation_id == filters.organisation_id),
                             need_has(MaterialNeed.organisation_id == filters.organisation_id)))
    if filters.organisation_name:
        named = sa.select(Organisation.id).where(*_verified_named(filters.organisation_name)).scalar_subquery()
        either.append(sa.or_(stream_has(SideStream.organisation_id.in_(named)),
                             need_has(MaterialNeed.organisation_id.in_(named))))
    query = sa.select(Match).where(stream_has(*streams), need_has(*needs), *either)
    if filters.min_score is not None:
        query = query.where(Match.score >= filters.min_score)
    if filters.since is not None:
        query = query.where(Match.first_seen_at >= datetime.combine(filters.since, datetime.min.time()))
    counted = query.with_only_columns(Match.id).limit(PAIRINGS_COUNTED + 1).subquery()
    count = db.session.scalar(sa.select(sa.func.count()).select_from(counted))
    if sort == "stream":  # a listing's title: the one sort that needs its row joined
        query = query.join(SideStream, SideStream.id == Match.side_stream_id)
    elif sort == "need":
        query = query.join(MaterialNeed, MaterialNeed.id == Match.need_id)
    sort = sort if sort in PAIRING_SORTS else "score"
    # The score breaks ties only when it is not the sort itself: SQLite reads a repeated
    # ORDER BY term as one no index gives and sorted all 1.2 million pairings (2.2 s
    # instead of 11 ms at 100 000 streams, bench_site.py's data).
    ties = [Match.score.desc()] if sort != "score" else []
    rows = db.session.scalars(
        query.order_by(_ordered(PAIRING_SORTS[sort], descending), *ties, Match.id)
        .limit(limit).offset(offset)
        .options(orm.selectinload(Match.side_stream).selectinload(SideStream.organisation),
                 orm.selectinload(Match.need).selectinload(MaterialNeed.organisation))
    )
    return list(rows), count or 0


def _ordered(column, descending: bool):
    # No NULLS LAST: every sort column is NOT NULL, and with it PostgreSQL cannot walk
    # ix_match_score or ix_match_newest (their order is DESC NULLS FIRST read backwards
    # or forwards): at 1.2 million stored pairings it joined and sorted every one of
    # them for the default page (0.97 s, EXPLAIN ANALYZE on bench_site.py's data).
    return column.desc() if descending else column.asc()


def pairing(stream_id: int, need_id: int) -> Match | None:
    return db.session.scalar(sa.select(Match).where(Match.side_stream_id == stream_id, Match.need_id == need_id))


def latest_marks(pairs: list[tuple[int, int]]) -> dict[tuple[int, int], MatchMark]:
    """The newest mark on each of the given (stream, need) pairs."""
    if not pairs:
        return {}
    stream_ids = {s for s, _ in pairs}
    marks = db.session.scalars(
        sa.select(MatchMark).where(MatchMark.side_stream_id.in_(stream_ids)).order_by(MatchMark.id)
    )
    wanted = set(pairs)
    return {(m.side_stream_id, m.need_id): m for m in marks if (m.side_stream_id, m.need_id) in wanted}


def municipalities() -> list[str]:
    places = db.session.scalars(
        sa.union(sa.select(SideStream.place), sa.select(MaterialNeed.place))
    )
    return sorted({p for p in places if p}, key=str.lower)


# Names offered by the organisation field of the dashboard's filters, as it is typed.
ORGANISATION_SUGGESTIONS = 20
ORGANISATION_NAME_MAX = 200


def _verified_named(text: str) -> list:
    """Verified organisations whose name contains ``text``, whatever its case. SQLite's
    lower() folds only A to Z: the name as typed is tried too, so "Äänekoski" is found
    when typed with its capital."""
    text = text.strip()
    return [Organisation.verification_status == "verified",
            sa.or_(sa.func.lower(Organisation.name).contains(text.lower(), autoescape=True),
                   Organisation.name.contains(text, autoescape=True))]


def organisations_named(text: str, limit: int = ORGANISATION_SUGGESTIONS) -> list[Organisation]:
    """Up to ``limit`` verified organisations whose name contains ``text``, by name."""
    text = (text or "").strip()
    if len(text) > ORGANISATION_NAME_MAX:
        message = _("Give at most %(num)d characters of the organisation's name.", num=ORGANISATION_NAME_MAX)
        raise InvalidInput(message, errors={"q": message})
    conditions = _verified_named(text) if text else [Organisation.verification_status == "verified"]
    return list(db.session.scalars(sa.select(Organisation).where(*conditions)
                                   .order_by(Organisation.name, Organisation.id).limit(limit)))


def unmatched_streams(limit: int = 20) -> list[SideStream]:
    """Streams on offer from verified organisations that no need pairs with."""
    # The organisation in EXISTS rather than joined: SQLite then walks
    # ix_side_stream_created_at and stops at the twentieth (0.3 ms, against 170 ms when it
    # started from the organisations and sorted their streams).
    return list(db.session.scalars(
        sa.select(SideStream)
        .where(SideStream.status.in_(SEARCHABLE_STATUSES),
               sa.exists().where(Organisation.id == SideStream.organisation_id,
                                 Organisation.verification_status == "verified"),
               ~sa.exists(sa.select(Match.id).where(Match.side_stream_id == SideStream.id)))
        .order_by(SideStream.created_at.desc())
        .limit(limit)
        .options(orm.selectinload(SideStream.organisation))
    ))


def has_composition(stream_ids: list[int]) -> set[int]:
    return set(db.session.scalars(
        sa.select(MeasuredValue.side_stream_id).where(MeasuredValue.side_stream_id.in_(stream_ids)).distinct()
    ))


def pending_organisations(limit: int | None = None) -> list[Organisation]:
    return list(db.session.scalars(
        sa.select(Organisation).where(Organisation.verification_status == "pending")
        .order_by(Organisation.created_at).limit(limit)
    ))


def activities_this_year(today: date | None = None) -> tuple[int, int]:
    """(activities offered this calendar year, the yearly target)."""
    today = today or utcnow().date()
    count = db.session.scalar(
        sa.select(sa.func.count()).select_from(Activity)
        .where(Activity.starts_on >= date(today.year, 1, 1), Activity.starts_on <= date(today.year, 12, 31))
    )
    return count or 0, ACTIVITIES_PER_YEAR_TARGET


# -- marks on pairings --------------------------------------------------------

def mark_pairing(user, stream_id: int, need_id: int, good: bool | None, reason: str) -> MatchMark:
    """A broker's judgement of a suggested pairing, kept whatever the next ranking does."""
    require_broker(user)
    stream = db.session.get(SideStream, stream_id)
    need = db.session.get(MaterialNeed, need_id)
    if stream is None or need is None:
        raise NotFound(_("There is no such pairing."))
    errors = {}
    if good is None:
        errors["good"] = _("Say whether the pairing is good or bad.")
    reason = (reason or "").strip()
    if len(reason) < 3:
        errors["reason"] = _("Give the reason, in a few words.")
    elif len(reason) > 2000:
        errors["reason"] = _("At most 2000 characters.")
    if errors:
        raise InvalidInput(_("The mark has errors."), errors)
    match = db.session.scalar(sa.select(Match).where(Match.side_stream_id == stream_id, Match.need_id == need_id))
    mark = MatchMark(side_stream_id=stream_id, need_id=need_id, broker_id=user.id, good=good,
                     reason=reason, score=match.score if match else None, created_at=utcnow())
    db.session.add(mark)
    db.session.flush()
    return mark


def marks(limit: int | None = None) -> list[MatchMark]:
    query = sa.select(MatchMark).order_by(MatchMark.id.desc()).options(
        orm.selectinload(MatchMark.side_stream), orm.selectinload(MatchMark.need),
        orm.selectinload(MatchMark.broker))
    if limit:
        query = query.limit(limit)
    return list(db.session.scalars(query))


def stale_cutoff() -> datetime:
    return utcnow() - timedelta(days=STALE_DEAL_DAYS)
