"""Near misses: what would change a listing with few or no feasible matches.

From the engine's own judgement of each pair (``Matcher.rank_streams(...,
include_infeasible=True)``), the pairs refused for exactly one reason are grouped by
that reason: too far ("3 streams fit within 500 km"), one limit ("2 fit if Cd <= 3 mg/kg
were allowed"); and pairs that are missing only analyses are counted by the property
missing ("1 has no amorphous_pct analysis"). Nothing is guessed: each hint is a count of
pairs the engine refused for that one reason alone.

The mirror for a stream (``near_misses_for_stream``), from its pairs with the needs
around it (``LiveMatcher.judge_needs``): needs that would take it but for their
distance limit ("3 needs within 500 km, beyond their limits"), needs whose one broken
limit says what the stream would have to meet ("2 needs would take it if Cd were at
most 3 mg/kg": the strictest of their limits), and needs that ask for an analysis the
stream has not got.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from . import reasons as R

# Distances in hints are rounded up to this step (km): they must not give away the
# place of a stream whose owner is hidden (the site rounds hidden distances to 10 km).
DISTANCE_STEP_KM = 50


@dataclass
class NearMiss:
    """kind: 'distance' (value: the road km that would be needed), 'max' or 'min' (a
    limit on ``property``; value: the limit that would let ``count`` pairs fit), or
    'analysis' (``property`` has no value in ``count`` pairs)."""

    kind: str
    count: int
    value: float | None = None
    property: str | None = None
    unit: str = ""
    stream_ids: list = field(default_factory=list)
    need_ids: list = field(default_factory=list)  # a stream's hints: the needs counted


def _round_up(value: float, step: float) -> float:
    return math.ceil(value / step) * step


def _loosened(value: float) -> float:
    """A limit just holding ``value``, to two significant figures (not the exact value of
    someone's analysis)."""
    if value <= 0:
        return 0.0
    digits = 1 - int(math.floor(math.log10(abs(value))))
    step = 10 ** -digits
    return round(math.ceil(value / step) * step, max(digits, 0))


def _tightened(value: float) -> float:
    if value <= 0:
        return 0.0
    digits = 1 - int(math.floor(math.log10(abs(value))))
    step = 10 ** -digits
    return round(math.floor(value / step) * step, max(digits, 0))


def _single_causes(matches, other_id, number: str):
    """The pairs refused for one reason alone, gathered by that reason: (distance: [(road
    km, id)], limits: {(kind, property, unit): [(params[number], id)]}, analyses: {property:
    [id]} of the feasible pairs missing it); ``other_id(match)`` is the other listing's id."""
    distance: list = []
    limits: dict[tuple, list] = {}
    analyses: dict[str, list] = {}
    for match in matches:
        if match.feasible:
            for key in match.missing or ():
                analyses.setdefault(key, []).append(other_id(match))
            continue
        broken = [r for r in match.reasons if r.ok is False]
        if len(broken) != 1:
            continue
        reason = broken[0]
        if reason.template == R.TOO_FAR:
            distance.append((match.road_km, other_id(match)))
        elif reason.template in (R.REQ_MAX_BROKEN, R.REQ_MIN_BROKEN):
            p = reason.params
            kind = "max" if reason.template == R.REQ_MAX_BROKEN else "min"
            limits.setdefault((kind, p.get("property"), p.get("unit", "")), []).append(
                (float(p.get(number)), other_id(match)))
    return distance, limits, analyses


def _hints(distance, limits, analyses, value_of, ids_field: str) -> list[NearMiss]:
    """NearMiss hints, most pairs first; ``value_of(kind, values)`` the limit to name."""
    hints = []
    if distance:
        hints.append(NearMiss("distance", len(distance),
                              _round_up(max(km for km, _ in distance), DISTANCE_STEP_KM),
                              **{ids_field: [i for _, i in distance]}))
    for (kind, prop, unit), found in limits.items():
        hints.append(NearMiss(kind, len(found), value_of(kind, [v for v, _ in found]), prop, unit,
                              **{ids_field: [i for _, i in found]}))
    for key, ids in analyses.items():
        hints.append(NearMiss("analysis", len(ids), None, key, **{ids_field: ids}))
    return sorted(hints, key=lambda h: (-h.count, h.kind, h.property or ""))


def near_misses(matches) -> list[NearMiss]:
    """Hints from a need's ranked pairs (feasible and refused), most pairs first."""
    def loosened(kind, values):
        return _loosened(max(values)) if kind == "max" else _tightened(min(values))

    return _hints(*_single_causes(matches, lambda m: m.stream_id, "value"), loosened, "stream_ids")


def near_misses_for_stream(matches) -> list[NearMiss]:
    """Hints from a stream's judged pairs with needs (feasible and refused), most needs
    first. kind 'distance': ``count`` needs refuse it for their distance limit alone,
    ``value`` the road km (rounded up) that would take them all; 'max' / 'min': ``count``
    needs refuse it for one limit on ``property`` alone, ``value`` the strictest of their
    limits (the stream meeting it would fit them all); 'analysis': ``count`` needs ask for
    ``property``, which the stream has no value of."""
    def strictest(kind, values):
        return min(values) if kind == "max" else max(values)

    return _hints(*_single_causes(matches, lambda m: m.need_id, "limit"), strictest, "need_ids")
