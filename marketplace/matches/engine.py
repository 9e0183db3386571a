"""The fitted engine of this process: built once from the database, shared by every
request of the process, kept current listing by listing.

Each worker process holds one ``LiveMatcher`` (matching/live.py). A process that
changes listings writes a ``ListingChange`` row beside the change and applies it to its
own engine; the other processes read the rows above the last one they applied before
they use their engine (one query on the primary key), reload those listings and apply
them too. Nothing here refits the whole engine except the first build of the process
and a new day (listings past their period leave matching at midnight).
"""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

import sqlalchemy as sa
from flask import current_app, g, has_request_context
from flask_babel import gettext as _
from werkzeug.exceptions import ServiceUnavailable

from matching import Matcher, Need
from matching import weights as W
from matching.live import LiveMatcher
from matching.materials import load_catalogue
# The engine's own recogniser, fitted once per process and shared with every Matcher fit,
# so that a stream's page and its matches read it the same way.
from matching.matcher import _recogniser as catalogue_recogniser
from matching.recognition import category_only
from matching.table import stream_text

from ..db import db
from ..models import ListingChange
from .records import engine_needs, engine_streams

# Change rows may commit out of their numbering order (two transactions at once): the
# rows this far below the last one seen are read again, and only the unseen applied.
LOOKBACK = 200

_lock = threading.Lock()
log = logging.getLogger(__name__)
# A web request waits at most this long for the process's engine or recogniser, which a
# worker that has just started fits in the background: below gunicorn's 30 s timeout, so
# that the request is answered (503, Retry-After) and the worker lives on to finish its fit
# instead of being killed and the fit started again in its replacement. Jobs and commands
# wait as long as the fit takes.
REQUEST_WAIT_SECONDS = 20.0


class EngineWarming(ServiceUnavailable):
    """This process's engine is still being fitted: try again in a few seconds."""

    def __init__(self):
        super().__init__(_("The site's matching is still starting in this server process. Nothing you sent "
                           "in this request was saved; please try again in a few seconds."), retry_after=5)


def _serving_a_request() -> bool:
    return has_request_context() and g.get("current_job_id") is None


def _acquire(lock: threading.Lock, what: str) -> None:
    if not _serving_a_request():
        lock.acquire()
        return
    wait = current_app.config.get("MATCHING_REQUEST_WAIT_SECONDS", REQUEST_WAIT_SECONDS)
    if not lock.acquire(timeout=wait):
        log.warning("the %s was still being fitted after %.0f s: the request is answered 503", what, wait)
        raise EngineWarming()


@dataclass
class ProcessEngine:
    live: LiveMatcher
    built_on: date
    last_change: int
    seen: set = field(default_factory=set)


def _state() -> ProcessEngine | None:
    return current_app.extensions.get("sivuvirta.matching")


def _last_change(session) -> int:
    return session.scalar(sa.select(sa.func.max(ListingChange.id))) or 0


def build(session) -> ProcessEngine:
    """Fit the process's engine on every matchable listing."""
    last = _last_change(session)
    state = ProcessEngine(LiveMatcher(engine_streams(session), engine_needs(session)),
                          built_on=date.today(), last_change=last)
    current_app.extensions["sivuvirta.matching"] = state
    return state


def current(session) -> LiveMatcher:
    """This process's engine, with every change other processes recorded applied."""
    _acquire(_lock, "matching engine")
    try:
        state = _state()
        if state is None or state.built_on != date.today():
            return build(session).live
        rows = session.execute(
            sa.select(ListingChange.id, ListingChange.kind, ListingChange.listing_id)
            .where(ListingChange.id > state.last_change - LOOKBACK)
        ).all()
        fresh = [r for r in rows if r.id not in state.seen]
        if fresh:
            _apply(session, state.live,
                   {r.listing_id for r in fresh if r.kind == "stream"},
                   {r.listing_id for r in fresh if r.kind == "need"})
        _mark_seen(state, [r.id for r in rows])
        return state.live
    finally:
        _lock.release()


def _mark_seen(state: ProcessEngine, ids) -> None:
    if ids:
        state.last_change = max(state.last_change, max(ids))
    state.seen = {i for i in state.seen | set(ids) if i > state.last_change - LOOKBACK}


def _apply(session, live: LiveMatcher, stream_ids, need_ids) -> None:
    """Reload these listings: those still matchable replace their rows, the others leave."""
    streams = engine_streams(session, ids=sorted(stream_ids)) if stream_ids else []
    needs = engine_needs(session, ids=sorted(need_ids)) if need_ids else []
    kept_streams, kept_needs = {s.id for s in streams}, {n.id for n in needs}
    live.update(streams=streams, needs=needs,
                removed_streams=[str(i) for i in stream_ids if str(i) not in kept_streams],
                removed_needs=[str(i) for i in need_ids if str(i) not in kept_needs])


def note_changes(session, stream_ids, need_ids) -> None:
    """Write the change rows of listings changed in this transaction: every process's
    engine (this one's too) applies them when it next reads the rows."""
    session.add_all([ListingChange(kind="stream", listing_id=i) for i in stream_ids]
                    + [ListingChange(kind="need", listing_id=i) for i in need_ids])
    session.flush()


def fit_in_background(app) -> None:
    """Fit this process's engine in a thread at start, so that the first save does not
    wait for it (the pages never do: they read stored matches)."""
    def fit():
        with app.app_context():
            try:
                current(db.session)
                # A stream form's live reading should not wait for the recogniser's fit
                # (about 10 s); the engine fits it only when a stream states no type.
                catalogue_recogniser()
            except Exception:
                log.exception("matching engine not fitted at start; the first save fits it")
            finally:
                db.session.remove()

    threading.Thread(target=fit, name="matching-engine", daemon=True).start()


# -- what a stream is read as, and where a need is used --------------------------------

@dataclass(frozen=True)
class MaterialReading:
    """What the recogniser read a stream as: a catalogue key and its calibrated
    confidence (0..1). ``sure`` is False where the engine would not trust it (below
    ``matching.weights.MIN_MATERIAL_CONFIDENCE``, or a type of another category than the
    one the seller chose): the stream's matches are then unverified."""

    key: str
    confidence: float
    category: str

    @property
    def category_disagrees(self) -> bool:
        material = load_catalogue().types.get(self.key)
        return material is not None and material.category != self.category

    @property
    def category_only(self) -> bool:
        """Only the category is known ("slag, type not known"): the reading is no better
        than the type's share of the category's types (matching.recognition.category_only)."""
        return category_only(self.key, self.confidence, self.category or None)

    @property
    def sure(self) -> bool:
        return (self.confidence >= W.MIN_MATERIAL_CONFIDENCE and not self.category_disagrees
                and not self.category_only)


def _recognition_record(stream, values: dict[str, float]) -> dict:
    """A stream as the engine's recogniser reads it (matching.matcher.Matcher._records):
    its matching text, List of Waste code with the hazard mark, category and ``values``
    (measured above the detection limit). A stated type is left out: this is the reading."""
    code = stream.ewc_code
    if code and stream.waste_code is not None and stream.waste_code.hazardous:
        code += "*"
    return {"title": stream_text(stream.title, stream.description, stream.category, stream.industry),
            "description": "", "ewc_code": code, "category": stream.category, "values": values}


def _recogniser():
    """The process's recogniser; a request waits for its start-up fit only so long."""
    if not _serving_a_request():
        return catalogue_recogniser()
    from matching import matcher

    # Wait (so long) until no one is fitting it, the lock catalogue_recogniser() takes; that
    # call then finds it fitted (or fits it here, where fitting at start is off).
    _acquire(matcher._recogniser_lock, "material recogniser")
    matcher._recogniser_lock.release()
    return catalogue_recogniser()


def read_materials(streams, values_of: dict[int, dict[str, float]]) -> list[MaterialReading]:
    """What each stream is read as, in one batch of the process's recogniser;
    ``values_of``: stream id -> its values measured above the detection limit."""
    streams = list(streams)
    if not streams:
        return []
    found = _recogniser().predict([_recognition_record(s, values_of.get(s.id, {})) for s in streams])
    return [MaterialReading(key, conf, s.category) for s, (key, conf) in zip(streams, found)]


def read_record(record: dict) -> MaterialReading:
    """What a contract record of a stream (title, description, category, code, values)
    would be read as: for the form's live reading, before anything is saved."""
    values = {}
    for group in ("composition", "trace", "leaching", "properties"):
        values.update(record.get(group) or {})
    text = stream_text(record.get("title"), record.get("description"), record.get("category"),
                       record.get("industry"))
    found = _recogniser().predict([{
        "title": text, "description": "", "ewc_code": record.get("ewc_code"),
        "category": record.get("category"), "values": values}])
    key, conf = found[0]
    return MaterialReading(key, conf, record.get("category") or "")


@lru_cache(maxsize=1)
def _context_reader() -> Matcher:
    """A matcher fitted on nothing: it holds the knowledge that reads a need's context
    from its fields and text (Matcher.context), at no cost per request."""
    return Matcher(recognise=False).fit([], [])


def read_context(need: Need):
    """The engine's reading of a need's use and legal context (matching.matcher.Context)."""
    return _context_reader().context(need)


def forget() -> None:
    """Drop this process's engine (after a full refresh built a new one, or in tests)."""
    current_app.extensions.pop("sivuvirta.matching", None)


def adopt(session, live: LiveMatcher) -> None:
    """Keep a freshly fitted engine as this process's one."""
    current_app.extensions["sivuvirta.matching"] = ProcessEngine(
        live, built_on=date.today(), last_change=_last_change(session))
