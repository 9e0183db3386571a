"""Matches in the site: the engine's rankings stored, kept current after every change,
and each match shown to a reader only as far as the listings' visibility allows.

Pages read stored rows only (``Match``, ``PairingIdea``). After a listing changes, the
process's fitted engine (engine.py) ranks again the lists the change can reach after
the request, in a job of the task queue; the full refresh ranks everything in committed
chunks, nightly or when a broker asks."""
from __future__ import annotations

import logging
import os
from collections import defaultdict
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import timedelta

import sqlalchemy as sa
from flask import has_request_context
from flask_babel import get_locale, gettext, ngettext
from sqlalchemy import orm

import matching
import matching.live
import matching.weights
from matching import reasons as R, weights as W

from .. import redaction
from ..db import db
from ..models import Blend, BlendPart, ListingChange, MaterialNeed, Match, MatchRefresh, PairingIdea, SideStream
from ..models.base import utcnow
from ..models.listing import SEARCHABLE_STATUSES, _is_broker
from . import engine
from .records import (  # noqa: F401  (the engine's records, named here for the other areas)
    _engine_codes, _matchable, engine_need, engine_needs, engine_streams, hazardous_codes,
)

log = logging.getLogger(__name__)

# How many streams are kept for each need, and needs for each stream. A stream's page
# also shows the needs whose lists it is in.
TOP_PER_NEED = 20
TOP_PER_STREAM = 10
TOP_PER_LISTING = TOP_PER_NEED
# Pairing ideas kept for each stream (the ideas page shows them all, the dashboard three).
IDEAS_PER_STREAM = 8
# Blends kept for each need (matching/blends.py).
BLENDS_PER_NEED = 3
# A full refresh commits after this many needs, and this many streams. A chunk's needs
# keep their evaluations (arrays over every stream in reach) until their reasons are
# built: 1 000 needs took 0.94 GiB more at 100 000 streams, 250 took 0.06 GiB, in the
# same time (5.4 s a thousand, load average 0.9).
NEEDS_PER_CHUNK = 250
STREAMS_PER_CHUNK = 2000
# Change rows older than this are pruned by the full refresh (each process rebuilds daily).
CHANGES_KEPT_DAYS = 2
# Ids per IN list.
IN_CHUNK = 500


def _chunks(items, size=IN_CHUNK):
    items = list(items)
    for a in range(0, len(items), size):
        yield items[a:a + size]


def _reason_record(reason: matching.Reason) -> dict:
    return {"template": reason.template, "params": dict(reason.params), "ok": reason.ok,
            "source": reason.source}


def _values(result: matching.Match, now) -> dict:
    return {
        "score": float(result.score), "verified": bool(result.verified),
        "distance_km": float(result.distance_km), "road_km": float(result.road_km),
        "transport_cost_eur_per_t": float(result.transport_cost_eur_per_t),
        "transport_co2_kg_per_t": float(result.transport_co2_kg_per_t),
        "missing": list(result.missing), "reasons": [_reason_record(r) for r in result.reasons],
        "rules": list(result.rules), "computed_at": now,
        "summary": _reason_record(result.summary) if result.summary is not None else None,
        "material_type": result.material_type,
        "material_confidence": float(result.material_confidence) if result.material_confidence is not None else None,
    }


# -- writing the lists --------------------------------------------------------

_SIDES = {
    # side: (owner column, other column, own flag, other flag, engine id of the other)
    "need": (Match.need_id, Match.side_stream_id, "for_need", "for_stream", "stream_id"),
    "stream": (Match.side_stream_id, Match.need_id, "for_stream", "for_need", "need_id"),
}


def _write_lists(session, side: str, lists: dict, fresh_since=None) -> None:
    """Make ``lists`` ({owner id: entries}) the lists of their owners on one side. An entry
    is an engine Match (its values are written) or the id of a counterpart whose stored
    row is kept as it is. Rows that leave a list lose its flag, and go when neither
    side keeps them. ``fresh_since``: rows computed since then were written by the same
    engine (the full refresh's other phase), so their values, reasons included, are not
    built again."""
    _store_lists(session, _plan_lists(session, side, lists, fresh_since))


def _plan_lists(session, side: str, lists: dict, fresh_since=None) -> tuple[list, list, list]:
    """The rows ``_write_lists`` writes: (inserts, updates, deletes), read and built
    (reasons included) without writing anything."""
    owner_col, other_col, flag, other_flag, other_of = _SIDES[side]
    existing = defaultdict(dict)     # owner: {other: (row id, kept by the other side, fresh)}
    for chunk in _chunks(lists):
        for row_id, owner, other, kept, computed_at in session.execute(
            sa.select(Match.id, owner_col, other_col, getattr(Match, other_flag), Match.computed_at)
            .where(owner_col.in_(chunk))
        ):
            existing[owner][other] = (row_id, kept, fresh_since is not None and computed_at >= fresh_since)
    now = utcnow()
    inserts, updates, deletes = [], [], []
    for owner, entries in lists.items():
        rows = existing.get(owner, {})
        wanted = set()
        for entry in entries:
            if isinstance(entry, matching.Match):
                other = int(getattr(entry, other_of))
                row = rows.get(other)
                if row is None:
                    pair = {owner_col.key: owner, other_col.key: other}
                    inserts.append({**_values(entry, now), flag: True, **pair, other_flag: False,
                                    "first_seen_at": now})
                elif row[2]:
                    updates.append({"id": row[0], flag: True})
                else:
                    updates.append({"id": row[0], **_values(entry, now), flag: True})
            else:
                other = int(entry)
                updates.append({"id": rows[other][0], flag: True})
            wanted.add(other)
        for other, (row_id, kept, _fresh) in rows.items():
            if other in wanted:
                continue
            if kept:
                updates.append({"id": row_id, flag: False})
            else:
                deletes.append(row_id)
    return inserts, updates, deletes


def _store_lists(session, plan: tuple[list, list, list]) -> None:
    inserts, updates, deletes = plan
    _update_rows(session, updates)
    if inserts:
        session.execute(sa.insert(Match.__table__), inserts)
    for chunk in _chunks(deletes):
        session.execute(sa.delete(Match).where(Match.id.in_(chunk)))
    _forget_loaded(session, (Match,))


def _update_rows(session, updates: list[dict]) -> None:
    """UPDATE match rows by id, one executemany per set of columns written."""
    table = Match.__table__
    for keys in {tuple(sorted(k for k in u if k != "id")) for u in updates}:
        statement = sa.update(table).where(table.c.id == sa.bindparam("row_id")) \
            .values({key: sa.bindparam(f"new_{key}") for key in keys})
        session.execute(statement, [{"row_id": u["id"], **{f"new_{k}": u[k] for k in keys}}
                                    for u in updates if tuple(sorted(k for k in u if k != "id")) == keys])


def _forget_loaded(session, models) -> None:
    """The statements above bypass the identity map: loaded rows would be stale."""
    for obj in list(session.identity_map.values()):
        if isinstance(obj, models):
            session.expunge(obj)


def _write_ideas(session, ideas: dict) -> None:
    """Replace the stored ideas of these streams ({stream id: engine ideas})."""
    for chunk in _chunks(ideas):
        session.execute(sa.delete(PairingIdea).where(PairingIdea.side_stream_id.in_([int(s) for s in chunk])))
    now = utcnow()
    rows = [
        {"side_stream_id": int(stream_id), "position": position, "application": idea.application,
         "name_en": idea.name_en, "name_fi": idea.name_fi, "score": float(idea.score),
         "feasible": bool(idea.feasible), "reasons": [_reason_record(r) for r in idea.reasons],
         "missing": list(idea.missing), "computed_at": now}
        for stream_id, found in ideas.items() for position, idea in enumerate(found)
    ]
    if rows:
        session.execute(sa.insert(PairingIdea.__table__), rows)
    _forget_loaded(session, (PairingIdea,))


def _write_blends(session, blends: dict) -> None:
    """Replace the stored blends of these needs ({need id: engine blends})."""
    for chunk in _chunks(blends):
        session.execute(sa.delete(Blend).where(Blend.need_id.in_([int(n) for n in chunk])))
    now = utcnow()
    for need_id, found in blends.items():
        for position, b in enumerate(found):
            row = Blend(need_id=int(need_id), position=position, part_count=len(b.parts),
                        cost_eur_per_t=float(b.cost_eur_per_t), co2_kg_per_t=float(b.co2_kg_per_t),
                        cheaper_than_single=bool(b.cheaper_than_single), verified=bool(b.verified),
                        mixture=b.documented.id if b.documented else None,
                        binding=_reason_record(b.binding) if b.binding else None,
                        reasons=[_reason_record(r) for r in b.reasons], missing=list(b.missing),
                        computed_at=now)
            for i, p in enumerate(b.parts):
                row.parts.append(BlendPart(
                    side_stream_id=int(p.stream_id), position=i, share=float(p.share), additive=bool(p.additive),
                    price_eur_per_t=p.price_eur_per_t, distance_km=float(p.road_km) / matching.weights.DETOUR_FACTOR,
                    road_km=float(p.road_km), transport_cost_eur_per_t=float(p.transport_cost_eur_per_t),
                    transport_co2_kg_per_t=float(p.transport_co2_kg_per_t),
                    adds=[_reason_record(r) for r in p.adds]))
            session.add(row)
    session.flush()
    # Pages read the rows again (the deletes above bypassed the identity map); expunging
    # a blend expunges its parts.
    for obj in list(session.identity_map.values()):
        if isinstance(obj, (Blend, BlendPart)) and obj in session:
            session.expunge(obj)


def _needs_blending(session, stream_ids) -> set[str]:
    """Needs whose stored blends hold any of these streams."""
    out = set()
    for chunk in _chunks(stream_ids):
        out |= {str(n) for n in session.scalars(
            sa.select(Blend.need_id).join(BlendPart, BlendPart.blend_id == Blend.id)
            .where(BlendPart.side_stream_id.in_([int(s) for s in chunk])).distinct())}
    return out


def _stored_lists(session, side: str, owners) -> dict:
    """{owner id: [(score, counterpart id)]} of the stored lists on one side."""
    owner_col, other_col, flag, _, _ = _SIDES[side]
    out = defaultdict(list)
    for chunk in _chunks(owners):
        for owner, other, score in session.execute(
            sa.select(owner_col, other_col, Match.score).where(owner_col.in_(chunk), getattr(Match, flag))
        ):
            out[owner].append((score, other))
    return out


def _merged(session, side: str, offers: dict, top: int) -> dict:
    """Lists that changed counterparts may enter: the stored list and the offers ranked
    together (the engine's order: best first, ties by id), for the owners whose list
    changes. The counterparts already in a stored list did not change."""
    stored = _stored_lists(session, side, offers)
    other_of = _SIDES[side][4]
    changed = {}
    for owner, found in offers.items():
        old = stored.get(owner, [])
        entries = [(score, str(other), other) for score, other in old] + \
            [(m.score, getattr(m, other_of), m) for m in found]
        entries.sort(key=lambda e: (-e[0], e[1]))
        kept = [e[2] for e in entries[:top]]
        if any(isinstance(e, matching.Match) for e in kept) or len(kept) < len(old):
            changed[owner] = kept
    return changed


# -- refreshing after changes -------------------------------------------------

def refresh_listings(session, stream_ids=(), need_ids=()) -> int:
    """Rank again what changed listings can reach, with the process's fitted engine:
    the changed listings' own lists, the lists they were in (ranked in full), the lists
    they may enter (merged), and the changed streams' pairing ideas. Returns the number
    of lists written."""
    live = engine.current(session)
    streams, needs = {str(i) for i in stream_ids}, {str(i) for i in need_ids}
    alive_streams = {s for s in streams if live.has_stream(s)}
    alive_needs = {n for n in needs if n in live.needs}
    gone_streams = [int(s) for s in streams - alive_streams]
    gone_needs = [int(n) for n in needs - alive_needs]
    # Lists a changed listing was in: ranked again in full (one may have to come up).
    was_in_needs = {str(n) for chunk in _chunks(streams) for n in session.scalars(
        sa.select(Match.need_id).where(Match.side_stream_id.in_([int(s) for s in chunk]), Match.for_need))}
    was_in_streams = {str(s) for chunk in _chunks(needs) for s in session.scalars(
        sa.select(Match.side_stream_id).where(Match.need_id.in_([int(n) for n in chunk]), Match.for_stream))}
    blending = _needs_blending(session, streams)
    for chunk in _chunks(gone_streams):
        session.execute(sa.delete(Match).where(Match.side_stream_id.in_(chunk)))
        session.execute(sa.delete(PairingIdea).where(PairingIdea.side_stream_id.in_(chunk)))
    for chunk in _chunks(gone_needs):
        session.execute(sa.delete(Match).where(Match.need_id.in_(chunk)))
    full_needs = (alive_needs | was_in_needs) & set(live.needs)
    full_streams = {s for s in alive_streams | was_in_streams if live.has_stream(s)}

    need_lists = {int(n): live.rank_streams(live.needs[n], top=TOP_PER_NEED) for n in sorted(full_needs)}
    # A changed stream's every feasible need (it may enter their lists); the others' best.
    ranked = live.rank_needs(sorted(alive_streams))
    ranked.update(live.rank_needs(sorted(full_streams - alive_streams), top=TOP_PER_STREAM))
    stream_lists = {int(s): found[:TOP_PER_STREAM] for s, found in ranked.items()}

    # Lists a changed listing may enter: merged with what is stored.
    offers = defaultdict(list)
    for s in alive_streams:
        for m in ranked[s]:
            if m.need_id not in full_needs:
                offers[int(m.need_id)].append(m)
    need_lists.update(_merged(session, "need", offers, TOP_PER_NEED))
    offers = defaultdict(list)
    everything = len(live.stream_ids())
    for n in alive_needs:
        for m in live.rank_streams(live.needs[n], top=everything):
            if m.stream_id not in full_streams:
                offers[int(m.stream_id)].append(m)
    stream_lists.update(_merged(session, "stream", offers, TOP_PER_STREAM))

    _write_lists(session, "need", need_lists)
    _write_lists(session, "stream", stream_lists)
    if alive_streams:
        _write_ideas(session, live.pairing_ideas(sorted(alive_streams), top=IDEAS_PER_STREAM))
    # Blends of the needs ranked in full and of those whose blends held a changed stream.
    _write_blends(session, live.blends(sorted((full_needs | blending) & set(live.needs)), top=BLENDS_PER_NEED))
    session.flush()
    return len(need_lists) + len(stream_lists)


def _refresh_later(stream_ids, need_ids, ended: bool) -> None:
    """Gather the listings into this transaction's one refresh job; the queue runs it
    once the request has committed."""
    from ..jobs.core import gathering

    job = gathering("refresh_matches", stream_ids=[], need_ids=[], ended=False)
    args = dict(job.args)
    args["stream_ids"] = sorted(set(args["stream_ids"]) | {int(i) for i in stream_ids})
    args["need_ids"] = sorted(set(args["need_ids"]) | {int(i) for i in need_ids})
    args["ended"] = bool(args["ended"] or ended)
    job.args = args


def _refresh_changed(session, stream_ids, need_ids, ended: bool) -> int:
    live = engine.current(session)
    if ended:
        live.update(removed_streams=[str(i) for i in stream_ids], removed_needs=[str(i) for i in need_ids])
    return refresh_listings(session, stream_ids, need_ids)


def refresh_job(args: dict) -> None:
    """The refresh job of the listings a transaction saved (see _refresh_later)."""
    _refresh_changed(db.session, args.get("stream_ids") or [], args.get("need_ids") or [],
                     bool(args.get("ended")))


def refresh_many(session, listings, ended: bool = False) -> None:
    """After listings were saved, closed, imported or expired: note the change (other
    processes follow it), and rank again what it reaches: in a job after the request
    commits when there is a request, at once otherwise (commands, tests). ``ended``: the listings leave
    matching whatever their dates say (expiry run as on another day)."""
    listings = list(listings)
    stream_ids = [x.id for x in listings if isinstance(x, SideStream)]
    need_ids = [x.id for x in listings if isinstance(x, MaterialNeed)]
    if not stream_ids and not need_ids:
        return
    session.flush()
    engine.note_changes(session, stream_ids, need_ids)
    if has_request_context():
        _refresh_later(stream_ids, need_ids, ended)
    else:
        _refresh_changed(session, stream_ids, need_ids, ended)


def refresh_for(session, listing) -> None:
    refresh_many(session, [listing])


refresh_for_stream = refresh_for
refresh_for_need = refresh_for


# -- the full refresh ---------------------------------------------------------

def _matchable_ids(session, model) -> list[int]:
    return list(session.scalars(sa.select(model.id).where(_matchable(model)).order_by(model.id)))


def refresh_all(session, progress=None, commit=None, workers=None) -> int:
    """Rank every matchable listing again in chunks, each committed (``commit``, default
    the session's), resuming an interrupted run where it stopped. ``progress(phase,
    done, total)`` is called after each chunk. Returns the matches kept.

    ``workers`` (default the ``MATCHING_REFRESH_WORKERS`` setting): with more than one,
    the engine is fitted here once and forked worker processes rank and commit the
    chunks (see ``_refresh_parallel``); the stored rows are those of one process."""
    progress = progress or (lambda phase, done, total: None)
    commit = commit or session.commit
    workers = refresh_workers() if workers is None else int(workers)
    if workers > 1 and not isinstance(session.get_bind(), sa.Engine):
        # A session inside a caller's open transaction (the tests'): worker processes
        # with their own connections would not see its rows.
        workers = 1
    run = session.scalar(sa.select(MatchRefresh).where(MatchRefresh.finished_at.is_(None))
                         .order_by(MatchRefresh.id.desc()).limit(1))
    if run is None:
        run = MatchRefresh(phase="needs", last_id=0, done=0, total=0)
        session.add(run)
    # A fresh fit on every listing: the nightly refresh also renews the vocabulary.
    live = matching.live.LiveMatcher(engine_streams(session), engine_needs(session))
    engine.adopt(session, live)
    fitted_at = utcnow()
    if run.phase == "needs" and run.last_id == 0:
        stream_ids, need_ids = sa.select(SideStream.id).where(_matchable(SideStream)), \
            sa.select(MaterialNeed.id).where(_matchable(MaterialNeed))
        session.execute(sa.delete(Match).where(
            sa.or_(Match.side_stream_id.not_in(stream_ids), Match.need_id.not_in(need_ids))))
        session.execute(sa.delete(PairingIdea).where(PairingIdea.side_stream_id.not_in(stream_ids)))
        gone = sa.select(BlendPart.blend_id).where(BlendPart.side_stream_id.not_in(stream_ids))
        session.execute(sa.delete(Blend).where(sa.or_(Blend.need_id.not_in(need_ids), Blend.id.in_(gone))))
    if run.phase == "needs":
        run.total = len(live.needs)
    if workers > 1:
        return _refresh_parallel(session, live, run, fitted_at, workers, progress, commit)
    if run.phase == "needs":
        for chunk in _phase_chunks(live, run):
            _refresh_chunk(session, live, "needs", chunk, fitted_at)
            _advance(session, run, chunk, commit, progress)
        _next_phase(session, run, "streams", len(live.stream_ids()), commit)
    if run.phase == "streams":
        for chunk in _phase_chunks(live, run):
            _refresh_chunk(session, live, "streams", chunk, fitted_at)
            _advance(session, run, chunk, commit, progress)
        _next_phase(session, run, "ideas", len(live.stream_ids()), commit)
    if run.phase == "ideas":
        for chunk in _phase_chunks(live, run):
            _refresh_chunk(session, live, "ideas", chunk, fitted_at)
            _advance(session, run, chunk, commit, progress)
        _finish(session, run)
        commit()
        _analyze(session, commit)
    return session.scalar(sa.select(sa.func.count()).select_from(Match))


PHASES = ("needs", "streams", "ideas")


def refresh_workers() -> int:
    """Processes of the full refresh: the ``MATCHING_REFRESH_WORKERS`` setting, else one
    for each CPU."""
    from flask import current_app

    setting = current_app.config.get("MATCHING_REFRESH_WORKERS")
    if not setting:
        setting = 1 if current_app.config.get("TESTING") else os.cpu_count()
    return max(1, int(setting or 1))


def _phase_chunks(live, run: MatchRefresh) -> list[list[int]]:
    """The chunks of the run's phase not yet committed, in order of their ids."""
    if run.phase == "needs":
        ids, size = sorted(int(n) for n in live.needs), NEEDS_PER_CHUNK
    else:
        ids, size = sorted(int(s) for s in live.stream_ids()), STREAMS_PER_CHUNK
    return list(_chunks([i for i in ids if i > run.last_id], size))


def _ranked_chunk(live, phase: str, chunk) -> dict:
    """The engine's work on one chunk, before anything is read or written."""
    if phase == "needs":
        return live.base.rank_all(top=TOP_PER_NEED, needs=[live.needs[str(i)] for i in chunk])
    if phase == "streams":
        return live.rank_needs([str(i) for i in chunk], top=TOP_PER_STREAM)
    return live.pairing_ideas([str(i) for i in chunk], top=IDEAS_PER_STREAM)


def _refresh_chunk(session, live, phase: str, chunk, fitted_at, between=None) -> None:
    """Rank one chunk of a phase and write it (without committing). ``between()`` is called
    once the rows are read and built, before the first write (the workers commit the
    reading there and take the write lock)."""
    between = between or (lambda: None)
    ranked = _ranked_chunk(live, phase, chunk)
    if phase == "needs":
        plan = _plan_lists(session, "need", {int(n): found for n, found in ranked.items()})
        blends = live.blends([str(i) for i in chunk], top=BLENDS_PER_NEED)
        between()
        _store_lists(session, plan)
        _write_blends(session, blends)
    elif phase == "streams":
        plan = _plan_lists(session, "stream", {int(s): found for s, found in ranked.items()}, fresh_since=fitted_at)
        between()
        _store_lists(session, plan)
    else:
        for found in ranked.values():  # the reasons are built before the write lock is taken
            for idea in found:
                idea.reasons  # noqa: B018
        between()
        _write_ideas(session, ranked)


def _advance(session, run: MatchRefresh, chunk, commit, progress) -> None:
    run.last_id = max(chunk)
    run.done += len(chunk)
    session.flush()
    commit()
    progress(run.phase, run.done, run.total)


def _next_phase(session, run: MatchRefresh, phase: str, total: int, commit) -> None:
    run.phase, run.last_id, run.done, run.total = phase, 0, 0, total
    session.flush()
    commit()


def _finish(session, run: MatchRefresh) -> None:
    run.phase, run.finished_at = "done", utcnow()
    session.execute(sa.delete(ListingChange).where(
        ListingChange.changed_at < utcnow() - timedelta(days=CHANGES_KEPT_DAYS)))


# Tables a full refresh rewrites: their statistics are taken again at its end.
REWRITTEN = ("match", "pairing_idea", "blend", "blend_part")


def _analyze(session, commit) -> None:
    """Statistics of the rewritten tables, taken again: the planner otherwise plans with
    those of before the refresh (or none) until autovacuum comes round, or never where it
    is off. At 1.2 million stored pairings, stale statistics made a need's match count
    walk every stream (80 ms) and the dashboard sort every pairing (0.97 s)."""
    for table in REWRITTEN:
        session.execute(sa.text(f"ANALYZE {table}"))
    commit()


# -- the full refresh on several processes ------------------------------------

# The engine the forked workers share with the parent (copy-on-write), and the moment
# it was fitted; set in the parent just before the workers are forked.
_forked_engine = None


def _worker_start() -> None:
    """In a forked worker: the parent's pooled connections are not this process's to use
    (nor to close); the worker opens its own."""
    db.engine.dispose(close=False)


def _worker_chunk(phase: str, chunk: list[int]) -> tuple[str, list[int]]:
    """Rank and commit one chunk in a worker, in a session of its own. On SQLite the
    chunk's rows are read and built in a reading transaction, then written in one that
    takes the write lock at its start (db.writing: workers wait their turn, busy_timeout,
    instead of failing on a snapshot another worker's commit made stale)."""
    from ..db import AppSession, writing

    live, fitted_at = _forked_engine
    session = AppSession(expire_on_commit=False)
    try:
        with ExitStack() as stack:
            def between():
                session.commit()
                stack.enter_context(writing())

            _refresh_chunk(session, live, phase, chunk, fitted_at, between=between)
            session.commit()
        return phase, chunk
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def _refresh_parallel(session, live, run: MatchRefresh, fitted_at, workers: int, progress, commit) -> int:
    """The full refresh with ``workers`` forked processes. The parent holds the fitted
    engine, hands out the chunks of each phase in order and keeps ``match_refresh``: a
    chunk counts as done once its worker committed it and every chunk before it is done
    too, so an interrupted run goes on from the first chunk not known committed (a chunk
    done again writes the same rows). A worker's error stops the refresh with that error."""
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    from ..db import writing

    global _forked_engine
    # The deletes above and the run row are committed before any worker starts writing.
    _commit_progress(session, commit)
    _forked_engine = (live, fitted_at)
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork"),
                                 initializer=_worker_start) as pool:
            while run.phase in PHASES:
                chunks = _phase_chunks(live, run)
                pending = {pool.submit(_worker_chunk, run.phase, chunk): i for i, chunk in enumerate(chunks)}
                finished, next_index = set(), 0
                try:
                    while pending:
                        done, _ = wait(pending, return_when=FIRST_COMPLETED)
                        for future in done:
                            index = pending.pop(future)
                            future.result()  # a worker's error is raised here
                            finished.add(index)
                        advanced = []
                        while next_index in finished:
                            advanced.append(chunks[next_index])
                            next_index += 1
                        if advanced:
                            with writing():
                                _advance(session, run, [i for c in advanced for i in c], commit, progress)
                except BaseException:
                    for future in pending:
                        future.cancel()
                    raise
                with writing():
                    if run.phase == "ideas":
                        _finish(session, run)
                        _commit_progress(session, commit)
                    else:
                        _next_phase(session, run, PHASES[PHASES.index(run.phase) + 1], len(live.stream_ids()),
                                    commit)
    finally:
        _forked_engine = None
    with writing():
        _analyze(session, commit)
    return session.scalar(sa.select(sa.func.count()).select_from(Match))


def _commit_progress(session, commit) -> None:
    session.flush()
    commit()


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
    summary: str = ""

    @property
    def score_pct(self) -> int:
        return round(self.match.score * 100)

    @property
    def headline(self) -> list[tuple[str, str]]:
        """The reasons shown before "more": the engine orders the decisive ones first."""
        return self.reasons[:HEADLINE_REASONS]

    @property
    def more(self) -> list[tuple[str, str]]:
        return self.reasons[HEADLINE_REASONS:]


# Reason lines a card shows before "more" (matching.Match.HEADLINE).
HEADLINE_REASONS = matching.Match.HEADLINE


def render_summary(record: dict | None) -> str:
    """The stored one-line summary in the reader's language ('' for rows ranked before
    summaries were kept)."""
    if not record:
        return ""
    return render_reason(record)[0][:300]


def render_reason(record: dict) -> tuple[str, str]:
    """(text in the reader's language, css class ok/bad/info/unverified)."""
    reason = matching.Reason(record["template"], record.get("params") or {}, record.get("ok"),
                             record.get("source"))
    kind = {True: "ok", False: "bad"}.get(reason.ok, "info")
    if record["template"] in (matching.reasons.REQ_MISSING, matching.reasons.UNVERIFIED):
        kind = "unverified"
    return reason.render(gettext, str(get_locale() or "en")), kind


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
        summary=render_summary(redaction.reason_record(match.summary, numbers)) if details and match.summary else "",
    )


def can_see_matches(listing, viewer) -> bool:
    """A listing's matches are for its owner and the brokers."""
    return listing.is_owned_by(viewer) or _is_broker(viewer)


def _matches_query(listing):
    """(query of a listing's stored matches with a published counterpart, counterpart of a
    row, loader option)."""
    if isinstance(listing, SideStream):
        return (sa.select(Match).join(MaterialNeed, MaterialNeed.id == Match.need_id)
                .where(Match.side_stream_id == listing.id, MaterialNeed.status.in_(SEARCHABLE_STATUSES)),
                lambda m: m.need,
                orm.selectinload(Match.need).selectinload(MaterialNeed.organisation))
    return (sa.select(Match).join(SideStream, SideStream.id == Match.side_stream_id)
            .where(Match.need_id == listing.id, SideStream.status.in_(SEARCHABLE_STATUSES)),
            lambda m: m.side_stream,
            orm.selectinload(Match.side_stream).selectinload(SideStream.organisation))


def count_matches(session, listing, viewer) -> int:
    """How many stored matches the listing has with published counterparts (by SQL)."""
    if not can_see_matches(listing, viewer):
        return 0
    query, _, _ = _matches_query(listing)
    return session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0


def matches_for_listing(session, listing, viewer, limit: int = 10, offset: int = 0) -> list[MatchView]:
    """One page of a listing's matches, best first: the stored rows in SQL order, the
    counterparts loaded in one more query, those the reader may not see left out."""
    if not can_see_matches(listing, viewer):
        return []
    query, counterpart_of, option = _matches_query(listing)
    rows = session.scalars(query.options(option).order_by(Match.score.desc(), Match.id)
                           .offset(offset).limit(limit))
    return [present(m, counterpart_of(m), viewer) for m in rows if counterpart_of(m).is_visible_to(viewer)]


@dataclass
class IdeaView:
    application: str
    name: str
    score_pct: int
    feasible: bool
    reasons: list[tuple[str, str]]
    missing: list[str]
    needs_nearby: list[MatchView]


# Buyers shown under each idea: the best of the stream's stored matches for that use.
NEEDS_PER_IDEA = 4


def pairing_ideas(session, stream: SideStream, viewer, language: str, top: int = 5) -> list[IdeaView]:
    """The uses a stream could serve, for its owner and the brokers, as stored by the last
    ranking, with the buyers of each use among the stream's stored matches."""
    return ideas_for_streams(session, [stream], viewer, language, top).get(stream.id, [])


def ideas_for_streams(session, streams, viewer, language: str, top: int = 5) -> dict[int, list[IdeaView]]:
    """{stream id: its ideas} for several streams in three queries."""
    ids = [s.id for s in streams if can_see_matches(s, viewer)]
    if not ids:
        return {}
    rank = sa.func.row_number().over(partition_by=PairingIdea.side_stream_id,
                                     order_by=PairingIdea.position).label("rank")
    ranked = sa.select(PairingIdea.id, rank).where(PairingIdea.side_stream_id.in_(ids)).subquery()
    ideas = list(session.scalars(
        sa.select(PairingIdea).join(ranked, ranked.c.id == PairingIdea.id).where(ranked.c.rank <= top)
        .order_by(PairingIdea.side_stream_id, PairingIdea.position)))
    nearby = defaultdict(list)
    for match in session.scalars(
        sa.select(Match).join(MaterialNeed, MaterialNeed.id == Match.need_id)
        .where(Match.side_stream_id.in_(ids), MaterialNeed.status.in_(SEARCHABLE_STATUSES),
               MaterialNeed.application.in_({i.application for i in ideas}))
        .options(orm.selectinload(Match.need).selectinload(MaterialNeed.organisation))
        .order_by(Match.score.desc(), Match.id)
    ):
        shown = nearby[(match.side_stream_id, match.need.application)]
        if len(shown) < NEEDS_PER_IDEA and match.need.is_visible_to(viewer):
            shown.append(present(match, match.need, viewer))
    out = defaultdict(list)
    for idea in ideas:
        out[idea.side_stream_id].append(IdeaView(
            application=idea.application, name=_idea_name(idea, language),
            score_pct=round(idea.score * 100), feasible=idea.feasible,
            reasons=[render_reason(r) for r in idea.reasons], missing=list(idea.missing),
            needs_nearby=nearby.get((idea.side_stream_id, idea.application), []),
        ))
    return dict(out)


def _idea_name(idea, language: str) -> str:
    """The engine stores a use's name in Finnish and English; Swedish takes the site's label
    of the use (translated by the catalogue), English where the site has none."""
    if language == "fi":
        return idea.name_fi
    if language == "sv":
        from ..i18n import APPLICATION_LABELS

        label = APPLICATION_LABELS.get(idea.application)
        if label is not None:
            return str(label)
    return idea.name_en


# -- reading blends -----------------------------------------------------------

# Stored reasons of a blend that carry distances or costs: the page computes those
# from the parts through the redaction instead of showing the engine's exact text.
_BLEND_NUMBER_TEMPLATES = (matching.reasons.BLEND_PART, matching.reasons.BLEND_PART_NO_PRICE,
                           matching.reasons.BLEND_CHEAPER, matching.reasons.BLEND_SUMMARY,
                           matching.reasons.BLEND_SUMMARY_FREE)


@dataclass
class BlendPartView:
    part: BlendPart
    stream: SideStream
    organisation_name: str | None
    transport: redaction.Transport
    delivered_eur_per_t: float
    adds: list[tuple[str, str]]

    @property
    def share_pct(self) -> int:
        return round(self.part.share * 100)


@dataclass
class BlendView:
    """A stored blend as one reader may see it: each part's haulage through
    ``redaction.transport`` (a hidden stream's distance rounded, its cost and CO2 from the
    rounded distance), and the blend's cost and CO2 computed from those numbers."""

    blend: Blend
    parts: list[BlendPartView]
    cost_eur_per_t: float
    co2_kg_per_t: float
    reasons: list[tuple[str, str]]
    binding: str | None
    details_hidden: bool = False

    @property
    def missing(self) -> list[str]:
        return list(self.blend.missing)

    @property
    def no_single(self) -> bool:
        """No analysed single stream meets the need (else the blend is cheaper than the best)."""
        return any(r.get("template") == matching.reasons.BLEND_NO_SINGLE for r in self.blend.reasons)


def present_blend(blend: Blend, viewer) -> BlendView:
    parts = []
    for p in blend.parts:
        stream = p.side_stream
        reveals = redaction.owner_shown(stream, viewer)
        numbers = redaction.transport(p, reveals)
        parts.append(BlendPartView(
            part=p, stream=stream, organisation_name=stream.organisation.name if reveals else None,
            transport=numbers, delivered_eur_per_t=(p.price_eur_per_t or 0.0) + numbers.cost_eur_per_t,
            adds=[render_reason(r) for r in p.adds] if stream.shows_details_to(viewer) else []))
    # The blend's values come from its streams' analyses: shown only where every stream's are.
    details = all(p.side_stream.shows_details_to(viewer) for p in blend.parts)
    return BlendView(
        blend=blend, parts=parts,
        cost_eur_per_t=sum(v.part.share * v.delivered_eur_per_t for v in parts),
        co2_kg_per_t=sum(v.part.share * v.transport.co2_kg_per_t for v in parts),
        reasons=[render_reason(r) for r in blend.reasons
                 if r.get("template") not in _BLEND_NUMBER_TEMPLATES] if details else [],
        binding=render_reason(blend.binding)[0] if blend.binding and details else None,
        details_hidden=not details)


def blends_for_need(session, need: MaterialNeed, viewer, limit: int = BLENDS_PER_NEED) -> list[BlendView]:
    """A need's stored blends for its owner and the brokers, cheapest first; a blend is
    left out when one of its streams is gone, no longer published or not visible to the
    reader (half a blend is no blend)."""
    if not can_see_matches(need, viewer):
        return []
    rows = session.scalars(
        sa.select(Blend).where(Blend.need_id == need.id).order_by(Blend.position, Blend.id)
        .options(orm.selectinload(Blend.parts).selectinload(BlendPart.side_stream)
                 .selectinload(SideStream.organisation)))
    out = []
    for b in rows:
        streams = [p.side_stream for p in b.parts]
        if len(streams) != b.part_count or any(
                s.status not in SEARCHABLE_STATUSES or not s.is_visible_to(viewer) for s in streams):
            continue
        out.append(present_blend(b, viewer))
        if len(out) >= limit:
            break
    return out


def get_blend(session, blend_id: int) -> Blend | None:
    return session.get(Blend, blend_id)


def blends_for_dashboard(session, viewer, limit: int = 5) -> list[tuple[MaterialNeed, BlendView]]:
    """The best blend of the published needs that have one, newest first, for the
    brokers' dashboard (each through the same visibility and redaction as the need's page)."""
    if not _is_broker(viewer):
        return []
    rows = session.scalars(
        sa.select(Blend).join(MaterialNeed, MaterialNeed.id == Blend.need_id)
        .where(Blend.position == 0, MaterialNeed.status.in_(SEARCHABLE_STATUSES))
        .order_by(Blend.computed_at.desc(), Blend.id.desc()).limit(limit * 4)
        .options(orm.selectinload(Blend.parts).selectinload(BlendPart.side_stream)
                 .selectinload(SideStream.organisation)))
    out = []
    for b in rows:
        streams = [p.side_stream for p in b.parts]
        if not b.need.is_visible_to(viewer) or len(streams) != b.part_count or any(
                s.status not in SEARCHABLE_STATUSES or not s.is_visible_to(viewer) for s in streams):
            continue
        out.append((b.need, present_blend(b, viewer)))
        if len(out) >= limit:
            break
    return out


# -- near misses -----------------------------------------------------------------------

# A need with fewer feasible matches than this gets the engine's near misses.
FEW_MATCHES = 3
NEAR_MISS_CANDIDATES = 200


@dataclass
class NearMissView:
    text: str
    offers: list = field(default_factory=list)  # providers.search.Offer, analyses only


def near_misses_for_need(session, need, viewer) -> list[NearMissView]:
    """What would change a need with few or no feasible matches, from the engine's own
    judgement of its refused pairs (``matching.nearmiss``), in the reader's words.

    Only streams the reader may find count, and only those whose values the reader may
    read count for a limit (the limit named would tell their value); distances come from
    the place the engine holds for a hidden stream (its approximate one), rounded up."""
    from matching import nearmiss

    from ..formatting import number

    if not can_see_matches(need, viewer) or count_matches(session, need, viewer) >= FEW_MATCHES:
        return []
    try:
        live = engine.current(session)
    except engine.EngineWarming:
        return []  # a worker just started: the page is shown without them rather than not at all
    record = live.needs.get(str(need.id))
    if record is None:
        return []
    found = live.rank_streams(record, top=NEAR_MISS_CANDIDATES, include_infeasible=True)
    kept = _countable_pairs(session, found, SideStream, lambda m: m.stream_id, viewer)
    views = []
    for hint in nearmiss.near_misses(kept):
        if hint.kind == "distance":
            views.append(NearMissView(ngettext(
                "%(num)d stream would fit within %(km)s km (this need allows %(limit)s km)",
                "%(num)d streams would fit within %(km)s km (this need allows %(limit)s km)", hint.count,
                km=number(hint.value, 0), limit=number(need.max_distance_km or W.DEFAULT_MAX_ROAD_KM, 0))))
        elif hint.kind in ("max", "min"):
            views.append(NearMissView(ngettext(
                "%(num)d stream would fit if %(property)s %(op)s %(value)s %(unit)s were allowed",
                "%(num)d streams would fit if %(property)s %(op)s %(value)s %(unit)s were allowed", hint.count,
                property=hint.property, op="≤" if hint.kind == "max" else "≥", value=number(hint.value, 3),
                unit=hint.unit)))
        elif hint.kind == "analysis":
            from ..providers.search import providers_for_missing

            offers = [o for s in providers_for_missing(need, [hint.property], per_kind=1) for o in s.offers]
            views.append(NearMissView(ngettext(
                "%(num)d stream has no %(property)s analysis", "%(num)d streams have no %(property)s analysis",
                hint.count, property=hint.property), offers))
    return views


def _countable_pairs(session, found, model, other_id, viewer) -> list:
    """The judged pairs a near miss may count for ``viewer``: the other listing (``model``,
    its id ``other_id(pair)``) still on offer and findable by the reader, and a refused pair
    only where the reader may read that listing's requirements or distance alone refuses it."""
    listings = {}
    for chunk in _chunks([int(other_id(m)) for m in found]):
        listings.update({x.id: x for x in session.scalars(sa.select(model).where(
            model.id.in_(chunk), model.status.in_(SEARCHABLE_STATUSES)))})
    kept = []
    for m in found:
        other = listings.get(int(other_id(m)))
        if other is None or not other.is_visible_to(viewer):
            continue
        if not m.feasible and not other.shows_details_to(viewer) and any(
                r.ok is False and r.template != R.TOO_FAR for r in m.reasons):
            continue
        kept.append(m)
    return kept


# The needs around a stream judged for its near misses (one pair evaluation each, in the
# request: bounded, the process's fitted engine, nothing fitted).
STREAM_NEAR_MISS_NEEDS = 60


def near_misses_for_stream(session, stream, viewer) -> list[NearMissView]:
    """What would bring a stream with few or no feasible matches some, from the engine's
    own judgement of its pairs with the needs around it (``LiveMatcher.judge_needs``,
    ``matching.nearmiss.near_misses_for_stream``), in the reader's words.

    For the stream's owner and the brokers (``can_see_matches``). Only needs the reader
    may find count, and only those whose requirements the reader may read count for a
    limit (the limit named is the need's); distances come from the place the engine
    holds for a hidden need (its approximate one), rounded up."""
    from matching import nearmiss

    from ..formatting import number

    if not can_see_matches(stream, viewer) or count_matches(session, stream, viewer) >= FEW_MATCHES:
        return []
    try:
        live = engine.current(session)
    except engine.EngineWarming:
        return []  # a worker just started: the page is shown without them rather than not at all
    found = live.judge_needs(str(stream.id), top=STREAM_NEAR_MISS_NEEDS)
    kept = _countable_pairs(session, found, MaterialNeed, lambda m: m.need_id, viewer)
    views = []
    for hint in nearmiss.near_misses_for_stream(kept):
        if hint.kind == "distance":
            views.append(NearMissView(ngettext(
                "%(num)d need would take this stream if it accepted %(km)s km by road",
                "%(num)d needs would take this stream if they accepted %(km)s km by road", hint.count,
                km=number(hint.value, 0))))
        elif hint.kind in ("max", "min"):
            views.append(NearMissView(ngettext(
                "%(num)d need would take this stream if its %(property)s were %(op)s %(value)s %(unit)s",
                "%(num)d needs would take this stream if its %(property)s were %(op)s %(value)s %(unit)s",
                hint.count, property=hint.property, op="≤" if hint.kind == "max" else "≥",
                value=number(hint.value, 3), unit=hint.unit)))
        elif hint.kind == "analysis":
            from ..providers.search import providers_for_missing

            offers = [o for s in providers_for_missing(stream, [hint.property], per_kind=1) for o in s.offers]
            views.append(NearMissView(ngettext(
                "%(num)d need asks for a %(property)s analysis this stream has not got",
                "%(num)d needs ask for a %(property)s analysis this stream has not got",
                hint.count, property=hint.property), offers))
    return views
