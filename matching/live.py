"""A fitted matcher kept current as listings change, without refitting everything.

``LiveMatcher`` holds a base Matcher fitted once (streams, needs, the TF-IDF
vocabulary, the profile scalers), the current needs, and a small delta: the
streams added or changed since, in a second Matcher fitted ``like`` the base
(same vocabulary and scalers, so the same pair scores the same in either).
A changed or removed stream leaves a tombstone on its base row. When the
delta grows past ``compact_at`` streams, base and delta are merged into a new
base (arrays concatenated, the tree rebuilt, text vectors reused), still
without refitting the vocabulary.

Rankings merge base and delta and equal a full ranking by a Matcher fitted
``like`` the base on the current streams and needs (tests/matches check it).
"""
from __future__ import annotations

import numpy as np

from . import vocabulary as V
from .matcher import Matcher, haversine_km
from .model import Need, Stream
from .table import StreamTable

#: Streams in the delta before it is merged into the base.
COMPACT_AT = 256


def table_rows(table: StreamTable, rows) -> StreamTable:
    """The rows ``rows`` of a table, as a table of their own."""
    rows = np.asarray(rows, dtype=np.int64)
    texts, tid = [], np.empty(len(rows), dtype=np.int32)
    index: dict[int, int] = {}
    for k, old in enumerate(table.text_id[rows].tolist()):
        new = index.get(old)
        if new is None:
            new = index[old] = len(texts)
            texts.append(table.texts[old])
        tid[k] = new
    return StreamTable(
        ids=table.ids[rows], lat=table.lat[rows], lon=table.lon[rows], category=table.category[rows],
        ewc=table.ewc[rows], ewc_codes=list(table.ewc_codes), legal=table.legal[rows],
        quantity=table.quantity[rows], price=table.price[rows], X=table.X[rows], keys=table.keys,
        text_id=tid, texts=texts,
        titles=table.titles[rows] if table.titles is not None else None,
        places=table.places[rows] if table.places is not None else None)


def concat_tables(a: StreamTable, b: StreamTable) -> StreamTable:
    """Rows of ``a`` then rows of ``b``: value columns and codes united."""
    keys = tuple(k for k in V.ALL_KEYS if k in a.keys or k in b.keys) + tuple(
        k for k in dict.fromkeys(a.keys + b.keys) if k not in V.ALL_KEYS)
    X = np.full((len(a) + len(b), len(keys)), np.nan, dtype=np.float32)
    for part, offset in ((a, 0), (b, len(a))):
        for j, k in enumerate(part.keys):
            X[offset:offset + len(part), keys.index(k)] = part.X[:, j]
    codes = list(a.ewc_codes) + [c for c in b.ewc_codes if c not in a.ewc_codes]
    code_of = np.array([codes.index(c) for c in b.ewc_codes] + [-1], dtype=np.int32)
    texts = list(a.texts)
    text_index = {t: i for i, t in enumerate(texts)}
    b_tid = np.empty(len(b), dtype=np.int32)
    for k, t in enumerate(b.texts[i] for i in b.text_id.tolist()):
        i = text_index.get(t)
        if i is None:
            i = text_index[t] = len(texts)
            texts.append(t)
        b_tid[k] = i

    def both(name):
        x, y = getattr(a, name), getattr(b, name)
        if x is None or y is None:
            return None
        return np.concatenate([x, y])

    return StreamTable(
        ids=both("ids"), lat=both("lat"), lon=both("lon"), category=both("category"),
        ewc=np.concatenate([a.ewc, code_of[b.ewc]]), ewc_codes=codes, legal=both("legal"),
        quantity=both("quantity"), price=both("price"), X=X, keys=keys,
        text_id=np.concatenate([a.text_id, b_tid]), texts=texts,
        titles=both("titles"), places=both("places"))


def _order(m) -> tuple:
    """The matcher's order: feasible first, best first, ties by id (Matcher._select)."""
    return (not m.feasible, -m.score, m.stream_id)


class LiveMatcher:
    """Base matcher + delta of changed streams + the current needs.

    Parameters
    ----------
    streams : list of Stream or a StreamTable
    needs : list of Need
    compact_at : int
        Delta size (streams) at which base and delta are merged.
    matcher_params : dict
        Passed to every Matcher built.
    """

    def __init__(self, streams, needs, compact_at=COMPACT_AT, **matcher_params):
        self.compact_at = compact_at
        self.matcher_params = matcher_params
        self.base = Matcher(**matcher_params).fit(streams, list(needs))
        self.needs = {n.id: n for n in needs}
        self.dead: set[str] = set()          # base stream ids replaced or removed
        self.delta_streams: dict[str, Stream] = {}
        self.delta: Matcher | None = None
        self._reach: tuple | None = None

    # ---------------------------------------------------------------- state
    def stream_ids(self) -> set:
        return {s for s in self.base.table_.ids.tolist() if s not in self.dead} | set(self.delta_streams)

    def has_stream(self, stream_id: str) -> bool:
        return stream_id in self.delta_streams or (
            stream_id in self.base.stream_index_ and stream_id not in self.dead)

    def update(self, streams=(), needs=(), removed_streams=(), removed_needs=()) -> None:
        """Changed listings replace their rows; removed ones leave. Only the delta is refitted."""
        streams = list(streams)
        for sid in [s.id for s in streams] + list(removed_streams):
            if sid in self.base.stream_index_:
                self.dead.add(sid)
            self.delta_streams.pop(sid, None)
        for s in streams:
            self.delta_streams[s.id] = s
        for n in needs:
            self.needs[n.id] = n
        for nid in removed_needs:
            self.needs.pop(nid, None)
        if needs or removed_needs:
            self._reach = None
        if len(self.delta_streams) + len(self.dead) >= self.compact_at:
            self.compact()
        elif streams or removed_streams:
            self._fit_delta()

    def _fit_delta(self) -> None:
        self.delta = (Matcher(**self.matcher_params).fit(list(self.delta_streams.values()), (), like=self.base)
                      if self.delta_streams else None)

    def compact(self) -> None:
        """Merge the delta into a new base, keeping the vocabulary and scalers."""
        t = self.base.table_
        alive = np.flatnonzero(~np.isin(t.ids, list(self.dead))) if self.dead else np.arange(len(t))
        table = table_rows(t, alive)
        if self.delta_streams:
            table = concat_tables(table, StreamTable.from_streams(self.delta_streams.values()))
        self.base = Matcher(**self.matcher_params).fit(table, list(self.needs.values()), like=self.base)
        self.dead, self.delta_streams, self.delta, self._reach = set(), {}, None, None

    # -------------------------------------------------------------- ranking
    def rank_streams(self, need: Need, top=10, include_infeasible=False) -> list:
        """Best streams for a need (current or not yet known), base and delta merged:
        feasible ones only, or feasible first then the others; ``top`` None for all."""
        size = len(self.base.table_) + len(self.delta_streams) if top is None else top
        found = [m for m in self.base.rank_streams_for(need, top=size + len(self.dead),
                                                       include_infeasible=include_infeasible)
                 if m.stream_id not in self.dead]
        if self.delta is not None:
            found += self.delta.rank_streams_for(need, top=size, include_infeasible=include_infeasible)
        return sorted(found, key=_order)[:size]

    def judge_needs(self, stream_id: str, top: int = 50) -> list:
        """The current needs within the wider reach of refused pairs
        (``Matcher._radius_road(..., include_infeasible=True)``) of a stream, nearest
        first, the first ``top``, each judged with this stream, feasible or not: the
        pairs a stream's near misses are drawn from (``nearmiss.near_misses_for_stream``).
        Bounded by ``top`` pair evaluations; nothing is fitted."""
        if stream_id in self.delta_streams and self.delta is not None:
            matcher = self.delta
        elif self.has_stream(stream_id):
            matcher = self.base
        else:
            return []
        row = matcher.stream_index_[stream_id]
        lat, lon = float(matcher.table_.lat[row]), float(matcher.table_.lon[row])
        near = []
        for need in self.needs.values():
            km = float(haversine_km(need.lat, need.lon, lat, lon))
            if km * matcher.detour_factor <= matcher._radius_road(need, True):
                near.append((km, need.id, need))
        near.sort(key=lambda x: x[:2])
        found = []
        for _, _, need in near[:top]:
            found += matcher.rank_streams_for(need, top=1, include_infeasible=True, stream_ids=[stream_id])
        return sorted(found, key=lambda m: (not m.feasible, -m.score, m.need_id))

    def refused_streams(self, need: Need, checks, top=None) -> list:
        """Streams the named checks refuse the need, base and delta merged, best first
        (Matcher.rank_refused_for)."""
        found = [m for m in self.base.rank_refused_for(need, checks) if m.stream_id not in self.dead]
        if self.delta is not None:
            found += self.delta.rank_refused_for(need, checks)
        found.sort(key=_order)
        return found if top is None else found[:top]

    def _needs_in_reach(self, lat, lon) -> list:
        """Current needs whose distance cap reaches any of the points."""
        if self._reach is None:
            needs = list(self.needs.values())
            radius = np.array([self.base._radius_road(n, False) for n in needs]) / self.base.detour_factor
            self._reach = (needs, np.array([n.lat for n in needs]), np.array([n.lon for n in needs]), radius)
        needs, nlat, nlon, radius = self._reach
        if not needs:
            return []
        near = np.zeros(len(needs), dtype=bool)
        for la, lo in zip(lat, lon):
            near |= haversine_km(nlat, nlon, la, lo) <= radius
        return [needs[i] for i in np.flatnonzero(near)]

    def _matcher_of(self, stream_ids, with_needs=True) -> Matcher:
        """A matcher over these streams only, fitted like the base, with the
        current needs that reach them."""
        rows, extra = [], []
        for sid in stream_ids:
            if sid in self.delta_streams:
                extra.append(self.delta_streams[sid])
            else:
                rows.append(self.base.stream_index_[sid])
        table = table_rows(self.base.table_, rows)
        if extra:
            table = concat_tables(table, StreamTable.from_streams(extra))
        needs = self._needs_in_reach(table.lat, table.lon) if with_needs else []
        return Matcher(**self.matcher_params).fit(table, needs, like=self.base)

    def rank_needs(self, stream_ids, top=None) -> dict:
        """{stream_id: its feasible needs, best first (the first ``top``, or all)}.

        Every need in reach is scored over these streams in one batched pass (rank_all,
        scores only); match objects, and later their reasons, are built only for the
        pairs kept."""
        stream_ids = [s for s in stream_ids if self.has_stream(s)]
        out = {s: [] for s in stream_ids}
        if not stream_ids:
            return out
        small = self._matcher_of(stream_ids)
        found_need, found_row, found_score = [], [], []

        def keep(need, rows, scores):
            found_need.append(np.full(len(rows), small.need_index_[need.id], dtype=np.int64))
            found_row.append(rows)
            found_score.append(scores)

        small.rank_all(top=0, each=keep)
        if not found_row:
            return out
        need_pos, rows, scores = (np.concatenate(found_need), np.concatenate(found_row),
                                  np.concatenate(found_score))
        # The matcher's order within a stream: best first, ties by need id.
        id_rank = np.empty(len(small.needs_), dtype=np.int64)
        id_rank[np.argsort(np.array([n.id for n in small.needs_], dtype=object))] = np.arange(len(small.needs_))
        order = np.lexsort((id_rank[need_pos], -scores, rows))
        rows, need_pos = rows[order], need_pos[order]
        first = np.searchsorted(rows, rows, side="left")
        chosen = np.arange(len(rows)) - first < (len(rows) if top is None else top)
        by_need: dict[int, list] = {}
        for n, r in zip(need_pos[chosen].tolist(), rows[chosen].tolist()):
            by_need.setdefault(n, []).append(small.table_.ids[r])
        for n, ids in by_need.items():
            for m in small.rank_streams_for(small.needs_[n], top=len(ids), stream_ids=ids):
                out[m.stream_id].append(m)
        for ms in out.values():
            ms.sort(key=lambda m: (-m.score, m.need_id))
        return out

    def pairing_ideas(self, stream_ids, top=5) -> dict:
        """{stream_id: its pairing ideas}, from the stream alone (no needs nearby)."""
        stream_ids = [s for s in stream_ids if self.has_stream(s)]
        if not stream_ids:
            return {}
        return self._matcher_of(stream_ids, with_needs=False).pairing_ideas_many(stream_ids, top=top)

    def blends(self, need_ids, top=3, components=2) -> dict:
        """{need id: blends} for current needs, over the base's streams (the
        streams replaced or removed since its fit take no part; a stream changed
        since joins blends at the next compaction or full refresh)."""
        from .blends import BlendSearch
        search = BlendSearch(self.base, components=components, top=top)
        return {nid: search.for_need(self.needs[nid], exclude=self.dead) for nid in need_ids if nid in self.needs}


__all__ = ["LiveMatcher", "table_rows", "concat_tables", "COMPACT_AT"]
