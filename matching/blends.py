"""Blends: two (or three) side streams mixed for a need that no single stream
meets, or meets only at a higher delivered cost.

What mixes and what does not
----------------------------
Only total contents on a dry basis mix by mass fraction: wt% (composition) and
mg/kg (trace) of the blend are the share-weighted means of the components, and
a ratio of such sums (``per``) is held as two linear rows (A - lo x B >= 0,
A - hi x B <= 0, B > 0). Everything else is **never averaged**: leaching,
pH, particle size, glass (amorphous) content, hydraulic conductivity and every
other physical property depend on how the grains and phases interact, so each
component must meet those rules on its own. A component that does not, or
whose material type is unsuitable for the use on its own, takes part only in
a mixture the knowledge names as documented (``knowledge/blends.json``, with
its source); the mixture's own tests are then missing analyses. Rules scoped
to a material, category or legal status (EN 450-1 for coal fly ash, glass
content for slags) are rules of that component and are checked on it.
Legal status and receivers' permits, hazardous entries, distance, accepted
categories and codes, the decree's scope and acid-base accounting are checked
on each component and are never lifted.

Bounds: each share between ``min_share`` and 1 - ``min_share``, the shares of
a documented mixture, a documented upper limit of a type for the use, and the
quantity each stream offers against the buyer's minimum quantity. A share
under ``additive_below`` (5 %) is an additive and is shown as such.

Cost: minimise the delivered cost per tonne of blend (each component's asking
price, 0 where not stated, plus its haulage to the buyer); ties (within
0.01 EUR/t) are broken by the haulage CO2 per tonne, by a second linear
program over the cost-optimal face. A blend is kept only where it is cheaper
delivered than the best feasible single stream or where no single stream is
feasible.

Search: for pairs the feasible share interval and the cost-optimal end of it
are computed exactly for every candidate pair at once (numpy), after a
pre-filter on what each component adds: where a feasible single stream
exists, one component must be cheaper delivered than it; the pool is the
cheapest components plus, for every mixing limit, those furthest on its good
side. The best pairs are then solved with ``scipy.optimize.linprog`` (the
answer the blend reports, binding rows from the slacks). Triples
(``components=3``) are solved with ``linprog`` over a small pool: the
components of the best pairs and the cheapest ones.
"""
from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
from scipy.optimize import linprog

from . import reasons as R
from . import vocabulary as V
from . import weights as W
from .checks import CHECKS, Frame
from .materials import load_catalogue
from .reasons import Reason
from .table import LEGAL

#: Kinds of keys whose totals mix by mass fraction (dry basis).
LINEAR_KINDS = ("composition", "trace")
#: Checks of the blend as a whole, not of its components.
BLEND_LEVEL_CHECKS = ("quantity", "price")
#: Checks a documented mixture may lift for a component (its type alone is unsuitable).
LIFTABLE_CHECKS = ("material_use",)
#: Delivered cost within this many EUR/t counts as equal (CO2 decides).
COST_TIE_EUR = 0.01
#: Candidate pool of the pair search (cheapest components, and per mixing
#: limit those furthest on its good side).
POOL_CHEAP = 300
POOL_PER_ROW = 20
#: Pool of the triple search.
POOL_TRIPLE = 12
_EPS = 1e-9
#: Mixing rows are tightened by this (relative) for the solver, whose primal
#: feasibility tolerance is 1e-7; a limit within 10x that counts as binding.
TIGHTEN = 5e-7
BINDING_TOL = 1e-5


# ----------------------------------------------------------------- knowledge
@dataclass(frozen=True)
class Role:
    types: frozenset
    lo: float
    hi: float


@dataclass(frozen=True)
class Mixture:
    """A mixture of material types documented for a use, with the shares the
    cited work used."""
    id: str
    application: str
    name: dict
    roles: tuple
    tests: tuple
    source: str


@dataclass(frozen=True)
class ShareLimit:
    application: str
    types: frozenset
    max: float
    source: str


@dataclass(frozen=True)
class BlendKnowledge:
    mixtures: tuple
    limits: tuple
    additive_below: float
    min_share: float


def read_blend_knowledge(path: str | Path | None = None) -> BlendKnowledge:
    """Read and check ``knowledge/blends.json``; ValueError naming the entry
    and field of any fault (unknown type or application, share outside 0..1,
    min above max, no source)."""
    if path is None:
        text = resources.files("matching.knowledge").joinpath("blends.json").read_text("utf-8")
    else:
        text = Path(path).read_text("utf-8")
    doc = json.loads(text)
    cat = load_catalogue()

    def err(where, msg):
        return ValueError(f"blend knowledge: {where}: {msg}")

    def types_of(where, keys):
        unknown = [k for k in keys if k not in cat.types]
        if unknown or not keys:
            raise err(where, f"unknown or no material types {unknown}")
        return frozenset(keys)

    def share(where, lo, hi):
        if not (0 <= lo <= hi <= 1):
            raise err(where, f"share {lo}..{hi} must satisfy 0 <= min <= max <= 1")
        return float(lo), float(hi)

    mixtures = []
    for i, rec in enumerate(doc.get("mixtures", [])):
        where = f"mixtures[{i}] ({rec.get('id')!r})"
        if rec.get("application") not in cat.applications:
            raise err(where, f"unknown application {rec.get('application')!r}")
        if not rec.get("source"):
            raise err(where, "no source")
        roles = tuple(Role(types_of(f"{where}.components[{j}]", c["types"]),
                           *share(f"{where}.components[{j}]", *c["share"]))
                      for j, c in enumerate(rec["components"]))
        if len(roles) != 2:
            raise err(where, "a documented mixture has two components")
        for k in rec.get("tests", []):
            V.kind_of(k)
        mixtures.append(Mixture(rec["id"], rec["application"], dict(rec["name"]), roles,
                                tuple(rec.get("tests", [])), rec["source"]))
    limits = []
    for i, rec in enumerate(doc.get("limits", [])):
        where = f"limits[{i}]"
        if rec.get("application") not in cat.applications or not rec.get("source"):
            raise err(where, "unknown application or no source")
        limits.append(ShareLimit(rec["application"], types_of(where, rec["types"]),
                                 share(where, 0, rec["max"])[1], rec["source"]))
    return BlendKnowledge(tuple(mixtures), tuple(limits), float(doc["additive_below"]), float(doc["min_share"]))


@lru_cache(maxsize=1)
def load_blend_knowledge() -> BlendKnowledge:
    return read_blend_knowledge()


# ------------------------------------------------------------------ results
@dataclass
class Part:
    """One component of a blend."""
    stream_id: str
    share: float
    additive: bool
    material_type: str | None
    price_eur_per_t: float | None
    road_km: float
    transport_cost_eur_per_t: float
    transport_co2_kg_per_t: float
    delivered_eur_per_t: float
    line: Reason = None
    adds: list = field(default_factory=list)


@dataclass
class Blend:
    """A mixture of two or three streams for one need, as the search found it."""
    need_id: str
    parts: list
    cost_eur_per_t: float
    co2_kg_per_t: float
    verified: bool
    missing: list
    binding: Reason | None
    reasons: list
    documented: Mixture | None
    best_single_eur_per_t: float | None
    values: dict = field(default_factory=dict)       # mixing limits' labels -> blend value
    summary: Reason | None = None
    limits_unknown: int = 0                          # mixing limits a component has not analysed

    @property
    def stream_ids(self) -> list:
        return [p.stream_id for p in self.parts]

    @property
    def cheaper_than_single(self) -> bool:
        return self.best_single_eur_per_t is None or self.cost_eur_per_t < self.best_single_eur_per_t

    def to_dict(self, gettext=None, locale=None) -> dict:
        """Plain JSON: the shares, each component's delivered cost and why it
        is there, the binding limit, missing analyses and reasons, rendered
        in ``locale`` with ``gettext`` (English without)."""
        def r(x):
            return x.render(gettext, locale) if x is not None else None
        doc = self.documented
        return {
            "need_id": self.need_id,
            "components": [{
                "stream_id": p.stream_id, "share": round(p.share, 4), "additive": p.additive,
                "material_type": p.material_type, "price_eur_per_t": p.price_eur_per_t,
                "road_km": round(p.road_km, 1),
                "transport_cost_eur_per_t": round(p.transport_cost_eur_per_t, 2),
                "transport_co2_kg_per_t": round(p.transport_co2_kg_per_t, 2),
                "delivered_cost_eur_per_t": round(p.delivered_eur_per_t, 2),
                "line": r(p.line), "why": [r(x) for x in p.adds]} for p in self.parts],
            "cost_eur_per_t": round(self.cost_eur_per_t, 2),
            "co2_kg_per_t": round(self.co2_kg_per_t, 2),
            "best_single_cost_eur_per_t": (round(self.best_single_eur_per_t, 2)
                                           if self.best_single_eur_per_t is not None else None),
            "cheaper_than_single": self.cheaper_than_single,
            "documented": ({"id": doc.id, "name": doc.name.get((locale or "en")[:2], doc.name["en"]),
                            "source": doc.source} if doc else None),
            "binding": r(self.binding),
            "values": {k: round(v, 4) for k, v in self.values.items()},
            "verified": self.verified,
            "missing": list(self.missing),
            "next_step": "trial_mix",
            "reasons": [r(x) for x in self.reasons],
            "summary": r(self.summary),
        }


# ------------------------------------------------------------------- search
@dataclass
class _Row:
    """One linear mixing row: lo <= coef . x <= hi."""
    label: str
    unit: str
    lo: float
    hi: float
    coef: np.ndarray        # per candidate (NaN: not analysed)
    shown: np.ndarray       # the value people read (the sum or the ratio)
    glo: float              # the group's own bounds, for the reasons
    ghi: float
    num: np.ndarray | None = None   # a ratio's numerator and denominator
    den: np.ndarray | None = None


def _linear(keys) -> bool:
    return all(V.kind_of(k) in LINEAR_KINDS for k in keys)


class BlendSearch:
    """Blend search over a fitted Matcher.

    ``components``: 2 (pairs) or 3 (pairs and triples). ``top``: blends per
    need. ``knowledge``: a BlendKnowledge (the package's by default)."""

    def __init__(self, matcher, knowledge: BlendKnowledge | None = None, components: int = 2, top: int = 3):
        if components not in (2, 3):
            raise ValueError("components must be 2 or 3")
        self.m = matcher
        self.k = knowledge or load_blend_knowledge()
        self.components = components
        self.top = top

    # ---------------------------------------------------------------- public
    def for_need(self, need, top: int | None = None, exclude=()) -> list:
        """Blends for one need (a fitted need's id, or a Need), cheapest first.
        ``exclude``: stream ids that take no part (streams replaced or removed
        since the fit)."""
        m = self.m
        if isinstance(need, str):
            need = m._need(need)
        top = self.top if top is None else top
        cand, gc = m._candidates(need, False)
        if len(cand) < 2 or top <= 0:
            return []
        if exclude:
            keep = ~np.isin(m.table_.ids[cand], list(exclude))
            cand, gc = cand[keep], gc[keep]
        return self._search(need, cand, gc, top)

    def all(self, needs=None, top: int | None = None) -> dict:
        """{need_id: blends} for every fitted need (or the given ones)."""
        needs = self.m.needs_ if needs is None else list(needs)
        return {n.id: self.for_need(n, top) for n in needs}

    # --------------------------------------------------------------- helpers
    def _mixtures_for(self, application):
        return [x for x in self.k.mixtures if x.application == application]

    def _search(self, need, cand, gc, top):
        m, t = self.m, self.m.table_
        ctx = m.context(need)
        app = m.apps_.get(ctx.application, {})
        spec = m._terms_for(need, ctx)
        road = gc * m.detour_factor
        frame = Frame(m, need, app, ctx, cand, road, t.ewc[cand], t.legal[cand] == LEGAL.index("waste"),
                      m.code_table(need.permitted_ewc_codes))
        n = len(cand)
        own_bad = np.zeros(n, dtype=bool)        # refused on grounds never lifted
        liftable = np.zeros(n, dtype=bool)       # refused on its own, a documented mixture may lift it
        single_ok = np.ones(n, dtype=bool)
        single_unknown = np.zeros(n, dtype=bool)
        checks = []
        for check in CHECKS:
            out = check.test(frame)
            if out is None:
                continue
            bad = out.bad if out.bad is not None else np.zeros(n, dtype=bool)
            unknown = out.unknown if out.unknown is not None else np.zeros(n, dtype=bool)
            checks.append((check, bad, unknown))
            single_ok &= ~bad
            single_unknown |= unknown
            if check.name in BLEND_LEVEL_CHECKS:
                continue
            if check.name in LIFTABLE_CHECKS:
                liftable |= bad
            else:
                own_bad |= bad
        block = m._rule_block(spec, cand, ctx.application)
        # The single streams a blend must beat: feasible and verified (a
        # stream without the analyses is not known to meet the need).
        single_ok &= block["feasible"] & ~block["missing"] & ~single_unknown
        rows, own_groups = self._rows(spec, cand, block)
        for gi, broken, _unk, _label in own_groups:
            if gi[1]:
                liftable |= broken
            else:
                own_bad |= broken
        price = t.price[cand].astype(np.float64)
        price0 = np.where(np.isnan(price), 0.0, price)
        haul = W.COST_EUR_PER_T_FIXED + road * m.cost_eur_per_tkm
        co2 = road * m.co2_kg_per_tkm
        delivered = price0 + haul
        best_single = float(delivered[single_ok].min()) if single_ok.any() else None
        if need.max_price_eur_per_t is not None:
            # The buyer's maximum price holds for the blend's price (linear).
            rows.append(_Row("price", "EUR/t", -np.inf, need.max_price_eur_per_t, price0, price0,
                             -np.inf, need.max_price_eur_per_t))
        eligible = ~own_bad
        mixtures = self._mixtures_for(ctx.uses_of) + (self._mixtures_for(ctx.application)
                                                      if ctx.uses_of != ctx.application else [])
        types = m.mtype_sure_[cand]
        all_types = m.types_ + [None]

        def of_types(keys):
            """Candidates whose type (read with confidence) is one of ``keys``."""
            return np.array([k in keys for k in all_types], dtype=bool)[types]
        # Share caps: quantity offered against the buyer's minimum, documented limits.
        cap = np.full(n, 1.0)
        cap_why = np.full(n, None, dtype=object)
        if need.min_quantity_t_per_year:
            q = t.quantity[cand].astype(np.float64)
            qcap = np.where(np.isnan(q), 1.0, np.minimum(1.0, q / need.min_quantity_t_per_year))
            cap_why = np.where(qcap < cap, R.BLEND_WHY_QUANTITY, cap_why)
            cap = np.minimum(cap, qcap)
        for lim in self.k.limits:
            if lim.application in (ctx.application, ctx.uses_of):
                hit = of_types(lim.types) & (cap > lim.max)
                cap = np.where(hit, lim.max, cap)
                cap_why = np.where(hit, R.BLEND_WHY_LIMIT, cap_why)
        role_masks = [[of_types(role.types) for role in mx.roles] for mx in mixtures]
        pool = self._pool(eligible, delivered, best_single, rows)
        found = self._pairs(pool, rows, delivered, co2, cap, liftable, mixtures, role_masks, best_single)
        results = []
        # The closed form already ranks the pairs; linprog solves the few that are shown
        # (two spare for those the final ordering by verification moves).
        for (i, j), mix in found[:top + 2]:
            sol = self._solve([i, j], rows, delivered, co2, cap, mixtures[mix] if mix >= 0 else None,
                              role_masks[mix] if mix >= 0 else None)
            if sol is not None:
                results.append(([i, j], sol, mix))
        if self.components == 3:
            results += self._triples(results, pool, rows, delivered, co2, cap, liftable, best_single)
        if best_single is not None:
            results = [r_ for r_ in results if r_[1][1] < best_single - COST_TIE_EUR]
        out, seen = [], set()
        for members, (x, cost, co2_), mix in results:
            key = tuple(sorted(members))
            if key in seen:
                continue
            seen.add(key)
            out.append(self._blend(need, ctx, cand, road, members, x, cost, co2_, rows, own_groups, checks,
                                   frame, mixtures[mix] if mix >= 0 else None, best_single, delivered, haul,
                                   price, cap, cap_why))
        # Verified blends first (every analysis the limits need), then the cheapest.
        out.sort(key=lambda b_: (b_.limits_unknown > 0, round(b_.cost_eur_per_t, 2), b_.co2_kg_per_t))
        return out[:top]

    def _rows(self, spec, cand, block):
        """(mixing rows, per-component groups) of the need's hard rules.
        Per-component groups: ((gi, liftable), broken, unknown, label)."""
        m, t = self.m, self.m.table_
        rows, own = [], []
        if not spec or block["Vm"] is None:
            return rows, own
        c = m._compiled(spec)
        members = {}
        for ti, gi in c["group_of"].items():
            members.setdefault(gi, []).append(spec[ti])
        Vm, ok, known, applies = block["Vm"], block["ok_m"], block["known_m"], block["applies_m"]
        cache = {}
        for gi, terms in sorted(members.items()):
            term = terms[0]
            if not c["g_hard"][gi]:
                continue
            lo = max([-np.inf] + [x.lo for x in terms if x.lo is not None])
            hi = min([np.inf] + [x.hi for x in terms if x.hi is not None])
            app_g = applies[:, gi] if applies is not None else np.ones(len(cand), dtype=bool)
            linear = _linear(term.keys) and (term.per is None or _linear(term.per))
            if not linear or term.scoped:
                broken = app_g & known[:, gi] & ~ok[:, gi]
                # Never averaged: a documented mixture may lift a break of a
                # property that does not mix linearly; a scoped rule (EN 450-1
                # on coal fly ash) is the component's own and stays.
                own.append(((gi, not linear), broken, app_g & ~known[:, gi], term.label))
                continue
            # Alternative fertiliser regimes (EU or national): a blend must
            # meet the mixing rows of both, stricter than a single stream.
            shown = Vm[:, gi].astype(np.float64)
            usable = known[:, gi] & ~np.isnan(shown)
            if term.per is None:
                coef = np.where(usable, shown, np.nan)
                rows.append(_Row(term.label, term.unit, lo, hi, coef, coef, lo, hi))
            else:
                a = m._values(term.keys, cand, cache)
                b = m._values(term.per, cand, cache)
                a, b = np.where(usable, a, np.nan), np.where(usable, b, np.nan)
                if np.isfinite(lo):
                    rows.append(_Row(term.label, "", 0.0, np.inf, a - lo * b, shown, lo, hi, a, b))
                if np.isfinite(hi):
                    rows.append(_Row(term.label, "", -np.inf, 0.0, a - hi * b, shown, lo, hi, a, b))
        return rows, own

    def _pool(self, eligible, delivered, best_single, rows):
        """Pre-filter: the components worth pairing (see the module doc)."""
        idx = np.flatnonzero(eligible)
        if len(idx) < 2:
            return idx
        order = idx[np.argsort(delivered[idx], kind="stable")]
        keep = set(order[:POOL_CHEAP].tolist())
        for row in rows:
            v = row.coef[idx]
            ok = ~np.isnan(v)
            if not ok.any():
                continue
            # Those furthest on the row's good side add most of what others lack.
            if np.isfinite(row.lo):
                keep.update(idx[ok][np.argsort(-v[ok], kind="stable")[:POOL_PER_ROW]].tolist())
            if np.isfinite(row.hi):
                keep.update(idx[ok][np.argsort(v[ok], kind="stable")[:POOL_PER_ROW]].tolist())
        return np.array(sorted(keep), dtype=np.int64)

    def _pairs(self, pool, rows, delivered, co2, cap, liftable, mixtures, role_masks, best_single):
        """Every pair of the pool with its exact feasible share interval; the
        cost-optimal end of it; cheapest first. [((i, j), mixture index)]."""
        if len(pool) < 2:
            return []
        a, b = np.triu_indices(len(pool), 1)
        I, J = pool[a], pool[b]
        if best_single is not None:
            keep = np.minimum(delivered[I], delivered[J]) < best_single - COST_TIE_EUR
            I, J = I[keep], J[keep]
        if not len(I):
            return []
        ms = self.k.min_share
        # Share t of I: bounds from the defaults and the caps.
        tlo = np.maximum(ms, 1 - cap[J])
        thi = np.minimum(1 - ms, cap[I])
        mix = np.full(len(I), -1)
        for mi, (mx, (ra, rb)) in enumerate(zip(mixtures, role_masks)):
            for first, second, (lo1, hi1), (lo2, hi2) in (
                    (ra, rb, (mx.roles[0].lo, mx.roles[0].hi), (mx.roles[1].lo, mx.roles[1].hi)),
                    (rb, ra, (mx.roles[1].lo, mx.roles[1].hi), (mx.roles[0].lo, mx.roles[0].hi))):
                hit = (mix < 0) & first[I] & second[J]
                tlo = np.where(hit, np.maximum(tlo, np.maximum(lo1, 1 - hi2)), tlo)
                thi = np.where(hit, np.minimum(thi, np.minimum(hi1, 1 - lo2)), thi)
                mix = np.where(hit, mi, mix)
        # A component refused on its own counts only in a documented mixture.
        alive = (mix >= 0) | ~(liftable[I] | liftable[J])
        unverified = np.zeros(len(I), dtype=bool)
        repairs = np.zeros(len(I), dtype=bool)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            for row in rows:
                ai, aj = row.coef[I], row.coef[J]
                ki, kj = ~np.isnan(ai), ~np.isnan(aj)
                known = ki & kj
                bi = ki & ((ai < row.lo - _EPS) | (ai > row.hi + _EPS))
                bj = kj & ((aj < row.lo - _EPS) | (aj > row.hi + _EPS))
                # A limit one component breaks cannot be shown met by mixing
                # with a partner that has not analysed it.
                alive &= ~((bi & ~kj) | (bj & ~ki))
                # Not analysed by either, or by one that meets it: not
                # imposed, the blend is unverified for it (as a single is).
                unverified |= ~known
                repairs |= known & (bi | bj)
                d = ai - aj
                up = np.abs(d) > _EPS
                r_lo = (row.lo - aj) / d
                r_hi = (row.hi - aj) / d
                lo_ = np.where(d > 0, r_lo, r_hi)
                hi_ = np.where(d > 0, r_hi, r_lo)
                flat_ok = (aj >= row.lo - _EPS) & (aj <= row.hi + _EPS)
                lo_ = np.where(up, lo_, np.where(flat_ok, -np.inf, np.inf))
                hi_ = np.where(up, hi_, np.where(flat_ok, np.inf, -np.inf))
                # fmax/fmin ignore the NaN of 0/0 (a flat row inside its bounds).
                tlo = np.where(known, np.fmax(tlo, lo_), tlo)
                thi = np.where(known, np.fmin(thi, hi_), thi)
        # A pair is a blend where mixing repairs a limit one component breaks,
        # where neither stream offers the quantity alone, or where the
        # knowledge documents the mixture; else the cheaper stream alone does.
        alive &= repairs | (cap[I] < 1) | (cap[J] < 1) | (mix >= 0)
        ok = alive & (tlo <= thi + _EPS)
        if not ok.any():
            return []
        I, J, tlo, thi, mix, unverified = I[ok], J[ok], tlo[ok], thi[ok], mix[ok], unverified[ok]
        ci, cj = delivered[I], delivered[J]
        alone = self._alone(rows, cap, liftable)
        tie = np.abs(ci - cj) <= COST_TIE_EUR
        use_hi = np.where(tie, co2[I] < co2[J], ci < cj)
        tstar = np.where(use_hi, thi, tlo)
        cost = cj + tstar * (ci - cj)
        em = co2[J] + tstar * (co2[I] - co2[J])
        # A pair is no blend where one of its components alone meets every
        # mixing limit at no higher cost: that stream is the answer.
        dominated = ((alone[I] & (ci <= cost + COST_TIE_EUR)) | (alone[J] & (cj <= cost + COST_TIE_EUR)))
        I, J, mix, unverified, cost, em = (a_[~dominated] for a_ in (I, J, mix, unverified, cost, em))
        # Pairs whose mixing rows are all analysed first, then by cost and CO2.
        order = np.lexsort((em, np.round(cost, 2), unverified))
        return [((int(I[k]), int(J[k])), int(mix[k])) for k in order[:max(self.top * 4, 12)]]

    @staticmethod
    def _alone(rows, cap, liftable) -> np.ndarray:
        """Components that meet every mixing limit on their own (analysed),
        may be used alone and offer the whole quantity."""
        ok = ~liftable & (cap >= 1.0)
        for row in rows:
            v = row.coef
            ok &= ~np.isnan(v) & (v >= row.lo - _EPS) & (v <= row.hi + _EPS)
        return ok

    def _solve(self, members, rows, delivered, co2, cap, mixture, roles):
        """linprog over the shares of ``members``: minimise delivered cost,
        then CO2 on the cost-optimal face. (shares, cost, co2) or None."""
        k = len(members)
        ms = self.k.min_share
        bounds = [(ms, min(1 - ms, cap[i])) for i in members]
        if mixture is not None:
            # The documented mixture's shares, its roles in the members' order.
            first = 0 if (roles[0][members[0]] and roles[1][members[1]]) else 1
            for pos, role in ((0, mixture.roles[first]), (1, mixture.roles[1 - first])):
                lo, hi = bounds[pos]
                bounds[pos] = (max(lo, role.lo), min(hi, role.hi))
        if any(lo > hi + _EPS for lo, hi in bounds):
            return None
        A, ub = [], []
        repairs = any(cap[i] < 1 for i in members) or mixture is not None
        for row in rows:
            v = row.coef[members]
            known = ~np.isnan(v)
            broken = known & ((v < row.lo - _EPS) | (v > row.hi + _EPS))
            if not known.all():
                # A limit one member breaks cannot be shown met with a member that
                # has not analysed it; one nobody breaks is a missing analysis.
                if broken.any():
                    return None
                continue
            repairs |= bool(broken.any())
            # Tightened by the solver's feasibility tolerance, so that the blend meets
            # the limit as written, not within 1e-7 of it.
            if np.isfinite(row.hi):
                A.append(v)
                ub.append(row.hi - TIGHTEN * (1 + abs(row.hi)))
            if np.isfinite(row.lo):
                A.append(-v)
                ub.append(-(row.lo + TIGHTEN * (1 + abs(row.lo))))
        if not repairs:
            # Mixing repairs nothing: the cheaper member alone does as well.
            return None
        A_ub = np.array(A) if A else None
        b_ub = np.array(ub) if ub else None
        c = delivered[members]
        res = linprog(c, A_ub=A_ub, b_ub=b_ub, A_eq=np.ones((1, k)), b_eq=[1.0], bounds=bounds, method="highs")
        if res.status != 0:
            return None
        best = float(res.fun)
        if k == 2 and abs(c[0] - c[1]) > COST_TIE_EUR:
            # Two components at different costs: the optimum is a unique vertex.
            x = res.x
            return x, float(c @ x), float(co2[members] @ x)
        A2 = np.vstack([A_ub, c]) if A_ub is not None else c[None, :]
        # CO2 decides among shares of the same cost (to rounding), never at a higher cost.
        face = best + 1e-7 * (1 + abs(best))
        b2 = np.append(b_ub, face) if b_ub is not None else np.array([face])
        res2 = linprog(co2[members], A_ub=A2, b_ub=b2, A_eq=np.ones((1, k)), b_eq=[1.0],
                       bounds=bounds, method="highs")
        x = res2.x if res2.status == 0 else res.x
        return x, float(c @ x), float(co2[members] @ x)

    def _triples(self, pairs, pool, rows, delivered, co2, cap, liftable, best_single):
        """Three components (never a documented mixture: each must be allowed
        on its own), over the components of the best pairs and the cheapest."""
        seed = [i for members, _, _ in pairs for i in members]
        cheap = [int(i) for i in pool[np.argsort(delivered[pool], kind="stable")] if not liftable[i]]
        small = list(dict.fromkeys([i for i in seed if not liftable[i]] + cheap))[:POOL_TRIPLE]
        out = []
        alone = self._alone(rows, cap, liftable)
        best_pair = min((sol[1] for _, sol, _ in pairs), default=np.inf)
        for tri in itertools.combinations(small, 3):
            tri = list(tri)
            if best_single is not None and min(delivered[tri]) >= best_single - COST_TIE_EUR:
                continue
            sol = self._solve(tri, rows, delivered, co2, cap, None, None)
            # A triple only where it beats the best pair and no member alone does as well.
            if (sol is not None and sol[1] < best_pair - COST_TIE_EUR
                    and not any(alone[i] and delivered[i] <= sol[1] + COST_TIE_EUR for i in tri)):
                out.append((tri, sol, -1))
        return out

    # ------------------------------------------------------------ explaining
    def _blend(self, need, ctx, cand, road, members, x, cost, co2, rows, own_groups, checks, frame,
               mixture, best_single, delivered, haul, price, cap, cap_why):
        m, t = self.m, self.m.table_
        ids = [str(t.ids[cand[i]]) for i in members]
        keys = [m.type_of(int(cand[i])) for i in members]
        names = [m.type_names(k) if k else {"material": "?"} for k in keys]
        parts = []
        for pos, i in enumerate(members):
            p = None if np.isnan(price[i]) else float(price[i])
            share = float(x[pos])
            params = {"share": share, **names[pos], "stream": ids[pos], "haul": float(haul[i]),
                      "road_km": float(road[i]), "cost": float(delivered[i])}
            line = (Reason(R.BLEND_PART, {**params, "price": p}) if p is not None
                    else Reason(R.BLEND_PART_NO_PRICE, params))
            parts.append(Part(ids[pos], share, share < self.k.additive_below, keys[pos], p, float(road[i]),
                              float(haul[i]), float(road[i] * m.co2_kg_per_tkm),
                              float(delivered[i]), line))
        # Why each component: a mixing limit another component breaks and it
        # brings back; else it lowers the cost.
        values, binding = {}, None
        for row in rows:
            v = row.coef[members]
            if np.isnan(v).any():
                continue
            blend_val = float(v @ x)
            if row.num is not None:
                num, den = float(row.num[members] @ x), float(row.den[members] @ x)
                shown_val = num / den if den > 0 else float("inf")
            else:
                shown_val = blend_val
            if row.label != "price":
                values[row.label] = shown_val
            if binding is None and row.label != "price":
                at_lo = np.isfinite(row.lo) and abs(blend_val - row.lo) <= BINDING_TOL * (1 + abs(row.lo))
                at_hi = np.isfinite(row.hi) and abs(blend_val - row.hi) <= BINDING_TOL * (1 + abs(row.hi))
                if at_lo or at_hi:
                    # A ratio's lower row is A - lo x B >= 0: its limit is the group's lo.
                    lim = row.glo if at_lo else row.ghi
                    binding = Reason(R.BLEND_BINDING, {"property": row.label, "value": shown_val,
                                                       "unit": row.unit, "limit": lim})
            for pos, i in enumerate(members):
                others = [o for o in range(len(members)) if o != pos]
                mine = float(row.shown[members[pos]])
                for o in others:
                    theirs = float(row.shown[members[o]])
                    if row.label == "price" or np.isnan(mine) or np.isnan(theirs):
                        continue
                    if theirs < row.glo <= mine:
                        parts[pos].adds.append(Reason(R.BLEND_ADDS, {"property": row.label, "value": mine,
                                                                     "unit": row.unit, "other": theirs}, True))
                    elif theirs > row.ghi >= mine:
                        parts[pos].adds.append(Reason(R.BLEND_DILUTES, {"property": row.label, "value": mine,
                                                                        "unit": row.unit, "other": theirs}, True))
        for pos, p in enumerate(parts):
            # One line per property (a ratio's two rows say the same).
            p.adds = list({r_.params["property"]: r_ for r_ in p.adds}.values())
            if not p.adds:
                other = min(parts[o].delivered_eur_per_t for o in range(len(parts)) if o != pos)
                if p.delivered_eur_per_t < other:
                    p.adds.append(Reason(R.BLEND_CHEAPER_PART, {"cost": p.delivered_eur_per_t,
                                                                "other_cost": other}, True))
        if binding is None:
            for pos, i in enumerate(members):
                if cap_why[i] is not None and abs(x[pos] - cap[i]) <= BINDING_TOL:
                    binding = Reason(R.BLEND_BINDING_SHARE, {**names[pos], "share": float(cap[i]),
                                                             "why": cap_why[i]})
                    break
            else:
                if mixture is not None:
                    binding = Reason(R.BLEND_BINDING_SHARE, {**names[0], "share": float(x[0]),
                                                             "why": R.BLEND_WHY_MIXTURE})
        # Missing analyses: each component's (checks and its own rules), the
        # mixing limits it has not analysed, and a documented mixture's tests.
        missing = set()
        for pos, i in enumerate(members):
            frame.j = i
            for check, bad, unknown in checks:
                if unknown[i] and check.name not in BLEND_LEVEL_CHECKS:
                    missing |= check.explain(frame, int(cand[i]), bool(bad[i]), True, False)[1]
            for (gi, lift), broken, unk, label in own_groups:
                if unk[i] or (broken[i] and lift):
                    missing.add(label)
        limits_unknown = 0
        for row in rows:
            if np.isnan(row.coef[members]).any():
                missing.add(row.label)
                limits_unknown += 1
        if mixture is not None:
            missing |= set(mixture.tests)
        missing = sorted(missing)
        appn = m.app_names(ctx.uses_of)
        reasons = []
        if mixture is not None:
            reasons.append(Reason(R.BLEND_DOCUMENTED, {**appn, "mixture": mixture.name["en"],
                                                       "mixture_fi": mixture.name.get("fi", ""),
                                                       "mixture_sv": mixture.name.get("sv", "")}, True,
                                  mixture.source.split(". Verified")[0].split(". NOT VERIFIED")[0][:160]))
        else:
            reasons.append(Reason(R.BLEND_UNDOCUMENTED, appn))
        if binding is not None:
            reasons.append(binding)
        for p in parts:
            reasons.append(p.line)
            if p.additive:
                reasons.append(Reason(R.BLEND_ADDITIVE, {"share": p.share, "threshold": self.k.additive_below,
                                                          **names[parts.index(p)]}))
        if best_single is None:
            reasons.append(Reason(R.BLEND_NO_SINGLE, {}, True))
        else:
            reasons.append(Reason(R.BLEND_CHEAPER, {"saving": best_single - cost, "single": best_single}, True))
        if missing:
            reasons.append(Reason(R.BLEND_MISSING, {"keys": ", ".join(missing)}))
        reasons.append(Reason(R.BLEND_TRIAL_MIX, {}))
        shares = " + ".join(f"{round(p.share * 100)} % {p.stream_id}" for p in parts)
        if binding is not None:
            summary = Reason(R.BLEND_SUMMARY, {"parts": shares, "cost": cost,
                                               "binding": {"template": binding.template, "params": binding.params}})
        else:
            summary = Reason(R.BLEND_SUMMARY_FREE, {"parts": shares, "cost": cost})
        return Blend(need.id, parts, cost, co2, not missing, missing, binding, reasons, mixture,
                     best_single, values, summary, limits_unknown)
