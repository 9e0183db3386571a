"""The matcher: hard constraints, fit score, geography, reasons.

scikit-learn conventions: parameters are stored in ``__init__``, ``fit``
builds the arrays and returns self; scoring is vectorised over the candidate
streams of one need (BallTree pre-filter), and reasons are built only for the
top K returned.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial

import numpy as np
from scipy.sparse import vstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.neighbors import BallTree
from sklearn.pipeline import FeatureUnion
from sklearn.preprocessing import StandardScaler

from . import reasons as R
from . import vocabulary as V
from . import weights as W
from .knowledge import load_knowledge
from .model import Match, Need, PairingIdea
from .reasons import Reason
from .table import CAT_CODE, CATEGORIES, LEGAL, StreamTable

EARTH_RADIUS_KM = 6371.0088  # mean Earth radius (IUGG)
WASTE_ACT = "Finnish Waste Act 646/2011, section 29"
_WASTE = LEGAL.index("waste")
#: Words in a need's title or description that say the structure is paved /
#: covered (rules scoped by structure type: MARA Annex 2 columns).
#: rank_all: needs per rule block, and cells (needs x unique texts) per
#: dense text-similarity chunk; both bound the temporaries' memory.
RANK_ALL_CHUNK = 2000
TEXT_SIMS_CELLS = 2e7
PAVED_WORDS = ("paved", "päällystet", "asfaltoi")
COVERED_WORDS = ("covered structure", "peitetty", "peitett")


def haversine_km(lat1, lon1, lat2, lon2):
    """Great-circle distance in km (arrays broadcast; degrees in)."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dphi, dlmb = p2 - p1, np.radians(lon2) - np.radians(lon1)
    a = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0, 1)))


def _unit_xyz(lat, lon) -> np.ndarray:
    la, lo = np.radians(np.asarray(lat, dtype=np.float64)), np.radians(np.asarray(lon, dtype=np.float64))
    return np.column_stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)])


def _chord(angle):
    """Chord of unit sphere for a central angle (radians)."""
    return 2.0 * np.sin(np.minimum(angle, np.pi) / 2.0)


def _arc_km(chord):
    """Great-circle km for a chord of the unit sphere."""
    return 2.0 * EARTH_RADIUS_KM * np.arcsin(np.minimum(chord / 2.0, 1.0))


def _rounded(keys, values) -> dict:
    return {k: round(v, 4) for k, v in zip(keys, values)}


def _sig(x: float) -> float:
    """Round to 4 significant digits for display."""
    return float(f"{x:.4g}")


def _label(keys, per) -> str:
    num = "+".join(keys)
    if per is None:
        return num
    num = f"({num})" if len(keys) > 1 else num
    den = "+".join(per)
    den = f"({den})" if len(per) > 1 else den
    return f"{num}/{den}"


def _limit_text(lo, hi) -> str:
    if lo is not None and hi is not None:
        return f"{lo:g}..{hi:g}"
    return f">= {lo:g}" if lo is not None else f"<= {hi:g}"


@dataclass
class _Eval:
    need: Need
    cand: np.ndarray                 # stream rows
    gc_km: np.ndarray
    road_km: np.ndarray
    feasible: np.ndarray
    missing_any: np.ndarray
    score: np.ndarray
    components: dict
    spec: list = field(default_factory=list)      # the need's terms (see _terms_for)
    compiled: dict | None = None                  # their arrays (see _compiled)
    Vm: np.ndarray | None = None                  # rule-block values (rows x groups)
    bidx: np.ndarray | None = None                # candidate -> row of Vm
    checks: list = field(default_factory=list)    # (kind, bool array of failures)
    tech_miss: np.ndarray | None = None
    profile_ref: np.ndarray | None = None
    structure: tuple | None = None                # (structure, stated) for rules scoped by structure


class Matcher:
    """Ranks side streams for material needs and needs for streams.

    Parameters
    ----------
    weights : dict or None
        Component weights (see matching.weights.WEIGHTS); missing keys keep
        their defaults.
    knowledge : dict or None
        Knowledge document (``load_knowledge()`` by default).
    detour_factor : float
        Road km per great-circle km.
    cost_eur_per_tkm, co2_kg_per_tkm : float
        Truck haulage cost (EUR per tonne-km) and CO2 (kg per tonne-km).
    distance_decay_km : float
        e-folding length of the distance component, road km.
    default_max_road_km : float
        Candidate radius for needs without max_distance_km, road km.
    unverified_factor : float
        Score factor for pairs with missing analyses.
    """

    def __init__(self, weights=None, knowledge=None, detour_factor=W.DETOUR_FACTOR,
                 cost_eur_per_tkm=W.COST_EUR_PER_TKM, co2_kg_per_tkm=W.CO2_KG_PER_TKM,
                 distance_decay_km=W.DISTANCE_DECAY_KM, default_max_road_km=W.DEFAULT_MAX_ROAD_KM,
                 unverified_factor=W.UNVERIFIED_FACTOR):
        self.weights = weights
        self.knowledge = knowledge
        self.detour_factor = detour_factor
        self.cost_eur_per_tkm = cost_eur_per_tkm
        self.co2_kg_per_tkm = co2_kg_per_tkm
        self.distance_decay_km = distance_decay_km
        self.default_max_road_km = default_max_road_km
        self.unverified_factor = unverified_factor

    # ------------------------------------------------------------------ fit
    def fit(self, streams, needs=(), like=None):
        """Build arrays, the BallTree over stream coordinates and the TF-IDF
        model. ``streams``: list of Stream or a StreamTable.

        ``like``: an already fitted Matcher whose text model and profile
        scalers are reused (not refitted): texts and needs it already holds
        keep their vectors, others are transformed. Scores then equal those
        of ``like`` for the same pairs, so a small matcher over a few changed
        streams ranks exactly as the big one would."""
        self.like_ = like
        self.weights_ = {**W.WEIGHTS, **(self.weights or {})}
        self.knowledge_ = self.knowledge or load_knowledge()
        self.apps_ = self.knowledge_["applications"]
        self.structured_apps_ = {name for name, app in self.apps_.items()
                                 if any(r.get("structure") for r in app.get("rules", []))}
        t = streams if isinstance(streams, StreamTable) else StreamTable.from_streams(streams)
        self.table_ = t
        self.stream_index_ = {sid: i for i, sid in enumerate(t.ids)}
        self.needs_ = list(needs)
        self.need_index_ = {n.id: i for i, n in enumerate(self.needs_)}
        if len(self.need_index_) != len(self.needs_) or len(self.stream_index_) != len(t):
            raise ValueError("duplicate ids")
        # Tree on 3-D unit vectors (chord distance): same neighbours as the
        # haversine metric, several times faster to query.
        self.tree_ = BallTree(_unit_xyz(t.lat, t.lon)) if len(t) else None
        self._fit_text()
        self._fit_profiles()
        self.ewc_lookup_ = {c: i for i, c in enumerate(t.ewc_codes)}
        self.hazardous_ = t.hazardous
        return self

    def _need_text(self, need: Need) -> str:
        app = self.apps_.get(need.application, {})
        return " ".join([need.title, need.description or "", app.get("name_en", ""), app.get("name_fi", "")])

    def _fit_text(self):
        if self.like_ is not None:
            return self._reuse_text(self.like_)
        # word n-grams catch English terms, char_wb 3-5 n-grams catch Finnish
        # compounds and inflections ("kuonaa" ~ "kuona", "lentotuhka" ~ "tuhka").
        self.vectorizer_ = FeatureUnion([
            ("word", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, dtype=np.float32)),
            ("char", TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True,
                                     dtype=np.float32, max_features=200_000)),
        ])
        docs = list(self.table_.texts) + [self._need_text(n) for n in self.needs_]
        if not any(d.strip() for d in docs):
            docs = docs + ["material"]
        self.vectorizer_.fit(docs)
        self.text_matrix_ = self._tfidf(self.table_.texts)
        self.text_matrix_T_ = self.text_matrix_.T.tocsr()
        nt = self._tfidf([self._need_text(n) for n in self.needs_]) if self.needs_ else None
        self.need_text_matrix_ = nt
        self.need_text_ = {n.id: nt[i] for i, n in enumerate(self.needs_)} if nt is not None else {}
        self._terms_cache = {}

    def _reuse_text(self, like):
        """Text vectors in ``like``'s vocabulary: rows it has, transforms for the rest."""
        self.vectorizer_ = like.vectorizer_
        self.text_matrix_ = self._rows_like(list(self.table_.texts), like._text_rows(), like.text_matrix_)
        self.text_matrix_T_ = self.text_matrix_.T.tocsr()
        nt = None
        if self.needs_:
            nt = self._rows_like([self._need_text(n) for n in self.needs_], like._need_text_rows(),
                                 like.need_text_matrix_)
        self.need_text_matrix_ = nt
        self.need_text_ = {}
        self._terms_cache = {}

    def _text_rows(self) -> dict:
        """{stream text: row of text_matrix_}, built on first use."""
        rows = self.__dict__.get("_text_row")
        if rows is None:
            rows = self.__dict__["_text_row"] = {t: i for i, t in enumerate(self.table_.texts)}
        return rows

    def _need_text_rows(self) -> dict:
        """{need text: row of need_text_matrix_}, built on first use."""
        rows = self.__dict__.get("_need_text_row")
        if rows is None:
            rows = self.__dict__["_need_text_row"] = {self._need_text(n): i for i, n in enumerate(self.needs_)}
        return rows

    def _rows_like(self, texts: list, known: dict, matrix):
        """Rows of ``matrix`` for the texts in ``known``, the others transformed."""
        if not texts:
            return self._tfidf([])
        idx = [known.get(t, -1) for t in texts]
        fresh = [i for i, j in enumerate(idx) if j < 0]
        if not fresh:
            return matrix[idx]
        extra = self._tfidf([texts[i] for i in fresh])
        if len(fresh) == len(texts):
            return extra
        old = [i for i, j in enumerate(idx) if j >= 0]
        order = np.empty(len(texts), dtype=np.int64)
        order[old] = np.arange(len(old))
        order[fresh] = len(old) + np.arange(len(fresh))
        return vstack([matrix[[idx[i] for i in old]], extra]).tocsr()[order]

    def _tfidf(self, docs):
        if len(docs) == 0:  # no stream yet: an empty matrix of the vocabulary's width
            return self._tfidf(["material"])[:0]
        m = self.vectorizer_.transform(docs).astype(np.float32)
        # FeatureUnion concatenates two unit vectors: renormalise to cosine.
        norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        from scipy.sparse import diags
        return (diags(1.0 / norms) @ m).tocsr()

    def _fit_profiles(self):
        """Per application: similarity of each stream to its best reference
        profile (StandardScaler over the profile keys, RBF on the mean squared
        standardised difference, blended to neutral 0.5 by key coverage)."""
        t = self.table_
        self.profile_sim_, self.profile_ref_ = {}, {}
        like_scalers = self.like_.profile_scalers_ if self.like_ is not None else None
        self.profile_scalers_ = {}
        for name, app in self.apps_.items():
            profiles = app.get("profiles") or []
            keys = sorted({k for p in profiles for k in p["values"]})
            if not profiles or not keys:
                continue
            refs = np.array([[p["values"].get(k, np.nan) for k in keys] for p in profiles], dtype=np.float64)
            cols = [t.column(k) for k in keys]
            n = len(t)
            best = np.full(n, 0.5, dtype=np.float32)
            which = np.zeros(n, dtype=np.int8)
            if n == 0:
                self.profile_sim_[name], self.profile_ref_[name] = best, which
                continue
            if like_scalers is not None and name in like_scalers:
                Zr, mean32, scale32 = like_scalers[name]
            else:
                # Scaler on the references plus (a sample of) the market's own
                # data so that a key is scaled by its real spread.
                sample = np.full((min(n, 200_000), len(keys)), np.nan, dtype=np.float32)
                for j, c in enumerate(cols):
                    if c is not None:
                        sample[:, j] = t.X[: len(sample), c]
                scaler = StandardScaler().fit(np.vstack([refs, sample]))
                del sample
                scale = np.where(np.isfinite(scaler.scale_) & (scaler.scale_ > 0), scaler.scale_, 1.0)
                Zr = ((refs - scaler.mean_) / scale).astype(np.float32)
                mean32, scale32 = scaler.mean_.astype(np.float32), scale.astype(np.float32)
            self.profile_scalers_[name] = (Zr, mean32, scale32)
            best[:] = -1
            step = 100_000  # chunks keep the temporaries small at a million rows
            for a in range(0, n, step):
                b = min(n, a + step)
                Z = np.full((b - a, len(keys)), np.nan, dtype=np.float32)
                for j, c in enumerate(cols):
                    if c is not None:
                        Z[:, j] = t.X[a:b, c]
                Z = (Z - mean32) / scale32
                for r in range(len(profiles)):
                    d = Z - Zr[r]
                    cnt = (~np.isnan(d)).sum(axis=1)
                    mse = np.where(cnt > 0, np.nansum(d * d, axis=1) / np.maximum(cnt, 1), np.inf)
                    sim = np.exp(-W.PROFILE_GAMMA * mse)
                    cover = np.minimum(cnt / max(1, int((~np.isnan(Zr[r])).sum())), 1.0)
                    sim = cover * sim + (1 - cover) * 0.5
                    seg = best[a:b]
                    better = sim > seg
                    seg[better] = sim[better]
                    which[a:b][better] = r
            self.profile_sim_[name], self.profile_ref_[name] = best, which

    # ------------------------------------------------------------ geography
    def transport(self, gc_km):
        """(road km, EUR/t, kg CO2/t) for great-circle km."""
        road = np.asarray(gc_km) * self.detour_factor
        cost = W.COST_EUR_PER_T_FIXED + road * self.cost_eur_per_tkm
        return road, cost, road * self.co2_kg_per_tkm

    def _radius_road(self, need: Need, include_infeasible: bool) -> float:
        r = need.max_distance_km or self.default_max_road_km
        if include_infeasible:
            r = max(r * 1.5, self.default_max_road_km)
        return r

    def _candidates(self, need: Need, include_infeasible: bool):
        if self.tree_ is None:
            return np.empty(0, dtype=np.int64), np.empty(0)
        r = _chord(self._radius_road(need, include_infeasible) / self.detour_factor / EARTH_RADIUS_KM)
        ind, dist = self.tree_.query_radius(_unit_xyz([need.lat], [need.lon]), r=r, return_distance=True)
        return ind[0].astype(np.int64), _arc_km(dist[0])

    # ------------------------------------------------------------ evaluation
    def _values(self, keys, rows, cache):
        """Sum of the keys' columns over rows; NaN where any is missing."""
        out = None
        for k in keys:
            if k not in cache:
                c = self.table_.column(k)
                cache[k] = (self.table_.X[rows, c].astype(np.float64) if c is not None
                            else np.full(len(rows), np.nan))
            out = cache[k].copy() if out is None else out + cache[k]
        return out

    def _structure(self, need: Need):
        """(structure, stated) for rules scoped by structure type (MARA):
        'paved' where the need's title or description says so, else the
        stricter 'covered'; stated says whether the need said it."""
        text = f"{need.title} {need.description or ''}".lower()
        if any(w in text for w in PAVED_WORDS):
            return "paved", True
        if any(w in text for w in COVERED_WORDS):
            return "covered", True
        return "covered", False

    def _terms_for(self, need: Need):
        """(keys, per, lo, hi, hard, source, rule_id, categories, statuses,
        alternative) of the buyer's requirements and the application's rules."""
        app = self.apps_.get(need.application, {})
        structure = self._structure(need)[0] if need.application in self.structured_apps_ else None
        key = (need.application, need.requirements, structure)
        hit = self._terms_cache.get(key)
        if hit is not None:
            return hit
        out = []
        for r in need.requirements:
            out.append((V.parse_expression(r.property), V.parse_expression(r.per) if r.per else None,
                        r.min, r.max, True, None, None, None, None, None))
        for r in app.get("rules", []):
            if r.get("structure") and r["structure"] != structure:
                continue
            stat = r.get("statuses")
            out.append((V.parse_expression(r["property"]),
                        V.parse_expression(r["per"]) if r.get("per") else None,
                        r.get("min"), r.get("max"), r["kind"] != "technical",
                        r["source"], r["id"], r.get("categories"),
                        tuple(-1 if x is None else LEGAL.index(x) for x in stat) if stat else None,
                        r.get("alternative")))
        self._terms_cache[key] = out
        return out

    def _compiled(self, spec):
        """Arrays of a list of terms (cached per list)."""
        key = ("c", id(spec))
        hit = self._terms_cache.get(key)
        if hit is not None:
            return hit
        nT, nC, nL = len(spec), len(CATEGORIES), len(LEGAL) + 1
        lo = np.array([-np.inf if s[2] is None else s[2] for s in spec])
        hi = np.array([np.inf if s[3] is None else s[3] for s in spec])
        catmask = np.ones((nT, nC), dtype=bool)
        statmask = np.ones((nT, nL), dtype=bool)   # column = legal code + 1 (0 = not stated)
        for ti, s in enumerate(spec):
            if s[7]:
                catmask[ti] = False
                catmask[ti, [CAT_CODE[c] for c in s[7]]] = True
            if s[8]:
                statmask[ti] = False
                statmask[ti, [x + 1 for x in s[8]]] = True
        # Group terms on the same expression (same keys, ratio, category and
        # status scope, hardness): the feasibility matrix needs only the
        # strictest bound of each group; reasons still cite every rule.
        col = self.table_.column
        groups, group_of, dead = {}, {}, []
        for ti, s_ in enumerate(spec):
            if len(s_[0]) == 1 and s_[1] is None and col(s_[0][0]) is None:
                dead.append(ti)
                continue
            gkey = (s_[0], s_[1], tuple(s_[7] or ()), s_[8] or (), s_[4])
            g = groups.setdefault(gkey, {"tis": [], "lo": -np.inf, "hi": np.inf})
            g["tis"].append(ti)
            g["lo"] = max(g["lo"], lo[ti])
            g["hi"] = min(g["hi"], hi[ti])
            group_of[ti] = list(groups).index(gkey)
        glist = list(groups.items())
        glo = np.array([g["lo"] for _, g in glist])
        ghi = np.array([g["hi"] for _, g in glist])
        gboth = np.isfinite(glo) & np.isfinite(ghi)
        ghalf = np.where(gboth, np.maximum((ghi - glo) / 2, 1e-12), 1.0)
        simple_pos, simple_cols, compound = [], [], []
        for gi, (gkey, _) in enumerate(glist):
            if len(gkey[0]) == 1 and gkey[1] is None:
                simple_pos.append(gi)
                simple_cols.append(col(gkey[0][0]))
            else:
                compound.append((gi, gkey[0], gkey[1]))
        gcat = np.ones((len(glist), nC), dtype=bool)
        gstat = np.ones((len(glist), nL), dtype=bool)
        for gi, (gkey, _) in enumerate(glist):
            if gkey[2]:
                gcat[gi] = False
                gcat[gi, [CAT_CODE[c] for c in gkey[2]]] = True
            if gkey[3]:
                gstat[gi] = False
                gstat[gi, [x + 1 for x in gkey[3]]] = True
        den_lo = np.where(gboth, ghalf, np.maximum(np.abs(np.where(np.isfinite(glo), glo, 1.0)), 1e-12))
        den_hi = np.where(gboth, ghalf, np.maximum(np.abs(np.where(np.isfinite(ghi), ghi, 1.0)), 1e-12))
        out = {"catmask": catmask, "statmask": statmask,
               "scoped": [bool(s_[7]) or bool(s_[8]) for s_ in spec],
               "g_lo32": glo.astype(np.float32), "g_hi32": ghi.astype(np.float32),
               "g_den_lo32": den_lo.astype(np.float32), "g_den_hi32": den_hi.astype(np.float32),
               "g_cat": gcat, "g_stat": gstat,
               "g_cat_scoped": bool(any(g[0][2] for g in glist)),
               "g_stat_scoped": bool(any(g[0][3] for g in glist)),
               "g_hard": np.array([g[0][4] for g in glist], dtype=bool),
               "g_simple_pos": np.array(simple_pos, dtype=np.int64),
               "g_simple_cols": np.array(simple_cols, dtype=np.int64),
               "g_compound": compound, "group_of": group_of, "dead": dead,
               "labels": [_label(s_[0], s_[1]) for s_ in spec],
               "units": ["" if s_[1] is not None else V.unit_of_expression(s_[0]) for s_ in spec]}
        out["g_any_hard"] = bool(out["g_hard"].any())
        out["g_any_soft"] = bool((~out["g_hard"]).any())
        out["dead_hard"] = [ti for ti in dead if spec[ti][4]]
        self._terms_cache[key] = out
        return out

    def _rule_block(self, spec, rows, application=None):
        """The need-independent part of a need's evaluation over stream rows:
        rule values (rows x groups), hard rule broken, hard value missing,
        count of broken guidance rules, and the application's static score
        components (margin, profile, category) with their weighted sum.
        Computed once for a block of rows and shared by every need with the
        same terms (rank_all)."""
        t, n = self.table_, len(rows)
        feas = np.ones(n, dtype=bool)
        miss = np.zeros(n, dtype=bool)
        tech = np.zeros(n, dtype=np.int32)
        msum, mcnt = np.zeros(n), np.zeros(n)
        Vm = None
        cat = t.category[rows]
        if spec:
            c = self._compiled(spec)
            nG = len(c["g_lo32"])
            Vm = np.empty((n, nG), dtype=np.float32)
            if len(c["g_simple_pos"]):
                Vm[:, c["g_simple_pos"]] = t.X[np.ix_(rows, c["g_simple_cols"])]
            cache = {}
            for gi, keys, per in c["g_compound"]:
                v = self._values(keys, rows, cache)
                if per is not None:
                    den = self._values(per, rows, cache)
                    with np.errstate(divide="ignore", invalid="ignore"):
                        v = np.where(den > 0, v / den, np.where(np.isnan(den), np.nan, np.inf))
                Vm[:, gi] = v
            leg = t.legal[rows].astype(np.int64) + 1
            APm = None                                  # (n, G) rule applies
            if c["g_cat_scoped"]:
                APm = c["g_cat"][:, cat].T
            if c["g_stat_scoped"]:
                S = c["g_stat"][:, leg].T
                APm = S if APm is None else (APm & S)
            lo, hi = c["g_lo32"], c["g_hi32"]
            OKm = (Vm >= lo) & (Vm <= hi)             # NaN compares False
            known = ~np.isnan(Vm)
            val = known if APm is None else (APm & known)
            broken = val & ~OKm
            hard = c["g_hard"]
            if c["g_any_hard"]:
                feas &= ~broken[:, hard].any(axis=1)
                unk = ~known if APm is None else (APm & ~known)
                miss |= unk[:, hard].any(axis=1)
            if c["g_any_soft"]:
                tech += broken[:, ~hard].sum(axis=1).astype(np.int32)
            # Margin: relative headroom inside the binding limit, full at MARGIN_FULL.
            with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
                rel = np.minimum((Vm - lo) / c["g_den_lo32"], (hi - Vm) / c["g_den_hi32"])
            good = val & OKm
            msum += np.where(good, np.clip(rel / W.MARGIN_FULL, 0, 1), 0).sum(axis=1)
            mcnt += good.sum(axis=1)
            # Hard terms with no data column at all: missing wherever they apply.
            for ti in c["dead_hard"]:
                if c["scoped"][ti]:
                    miss |= c["catmask"][ti][cat] & c["statmask"][ti][leg]
                else:
                    miss[:] = True
        app = self.apps_.get(application, {}) if application else {}
        margin = np.where(mcnt > 0, msum / np.maximum(mcnt, 1), 0.5)
        prof = self.profile_sim_.get(application)
        profile = prof[rows].astype(np.float64) if prof is not None else np.full(n, 0.5)
        typical = app.get("categories") or []
        if typical:
            tab = np.full(len(CATEGORIES), W.CATEGORY_OTHER)
            tab[[CAT_CODE[c_] for c_ in typical]] = W.CATEGORY_TYPICAL
            category = tab[cat]
        else:
            category = np.full(n, 0.5)
        w = self.weights_
        static = w["margin"] * margin + w["profile"] * profile + w["category"] * category
        factor = W.TECHNICAL_MISS_FACTOR ** tech
        ref = self.profile_ref_.get(application)
        return {"Vm": Vm, "feasible": feas, "missing": miss, "tech": tech, "factor": factor,
                "margin": margin, "profile": profile, "category": category, "static": static,
                "ref": ref[rows] if ref is not None else None}

    def _code_table(self, codes) -> np.ndarray:
        """Boolean lookup over EWC code indices (last entry: no code)."""
        tab = np.zeros(len(self.table_.ewc_codes) + 1, dtype=bool)
        for c in codes or ():
            i = self.ewc_lookup_.get(c)
            if i is not None:
                tab[i] = True
        return tab

    def _evaluate(self, need: Need, cand: np.ndarray, gc_km: np.ndarray, block=None,
                  bidx=None, sims_u=None, prefilter=False) -> _Eval:
        """Score one need's candidates. ``block``: a _rule_block over rows
        that include the candidates, ``bidx`` the candidates' positions in it
        (rank_all shares one block among the needs with the same terms).
        ``prefilter``: drop infeasible candidates before scoring (when only
        feasible ones are returned); the scores of the others are unchanged."""
        t = self.table_
        app = self.apps_.get(need.application, {})
        spec = self._terms_for(need)
        if block is None:
            block, bidx = self._rule_block(spec, cand, need.application), np.arange(len(cand))
        road = gc_km * self.detour_factor
        feasible = block["feasible"][bidx]
        checks = []
        # Cheap hard checks first (distance, category, EWC, legal status).
        if need.max_distance_km is not None:
            bad = road > need.max_distance_km
            feasible &= ~bad
            checks.append(("distance", bad))
        cat = t.category[cand]
        if need.categories:
            ok = np.zeros(len(CATEGORIES), dtype=bool)
            ok[[CAT_CODE[c] for c in need.categories]] = True
            bad = ~ok[cat]
            feasible &= ~bad
            checks.append(("category", bad))
        ewc = t.ewc[cand]
        if need.ewc_codes:
            unknown = ewc < 0
            bad = ~unknown & ~self._code_table(need.ewc_codes)[ewc]
            feasible &= ~bad
            checks.append(("ewc", bad))
            checks.append(("ewc_unknown", unknown))
        q = t.quantity[cand]
        if need.min_quantity_t_per_year is not None:
            unknown_q = np.isnan(q)
            bad = ~unknown_q & (q < need.min_quantity_t_per_year)
            feasible &= ~bad
            checks.append(("quantity", bad))
            checks.append(("quantity_unknown", unknown_q))
        if need.max_price_eur_per_t is not None:
            bad = t.price[cand] > need.max_price_eur_per_t  # NaN compares False
            feasible &= ~bad
            checks.append(("price", bad))
        # Legal status, Waste Act 646/2011 s. 29.
        waste = t.legal[cand] == _WASTE
        if need.accepts_waste is False:
            feasible &= ~waste
            checks.append(("waste_refused", waste))
        ptab = self._code_table(need.permitted_ewc_codes)
        if need.permitted_ewc_codes is not None:
            unknown = waste & (ewc < 0)
            bad = waste & (ewc >= 0) & ~ptab[ewc]
            feasible &= ~bad
            checks.append(("waste_code", bad))
            checks.append(("waste_code_unknown", unknown))
        # Scope of a decree that covers only listed wastes (MARA Annex 1):
        # a listed waste is under the decree; an unlisted one needs a permit
        # naming its code; a waste without a code is unverified.
        if app.get("scope"):
            stab = self._code_table(app["scope"].get("ewc_codes"))
            bad = waste & (ewc >= 0) & ~stab[ewc] & ~ptab[ewc]
            feasible &= ~bad
            checks.append(("scope_out", bad))
            checks.append(("scope_unknown", waste & (ewc < 0)))
        # Hazardous entries: the application's policy.
        haz = self.hazardous_[cand]
        bad = haz if app.get("hazardous_policy", "permit") == "refuse" else (haz & ~ptab[ewc])
        feasible &= ~bad
        checks.append(("hazardous", bad))

        if prefilter:
            keep = np.flatnonzero(feasible)
            if len(keep) < len(cand):
                cand, gc_km, road, bidx, feasible, q = cand[keep], gc_km[keep], road[keep], bidx[keep], \
                    feasible[keep], q[keep]
                checks = [(k, a[keep]) for k, a in checks]
        n = len(cand)
        missing_any = block["missing"][bidx]
        for kind, arr in checks:
            if kind in ("ewc_unknown", "quantity_unknown", "waste_code_unknown", "scope_unknown"):
                missing_any |= arr

        # Fit components, each 0..1.
        comp = {"margin": block["margin"][bidx], "profile": block["profile"][bidx]}
        if n:
            if sims_u is None:
                sims_u = self._text_sims([need])[0]
            comp["text"] = np.clip(sims_u[t.text_id[cand]] / W.TEXT_FULL, 0, 1)
        else:
            comp["text"] = np.zeros(0)
        comp["category"] = block["category"][bidx]
        if need.quantity_t_per_year:
            comp["quantity"] = np.where(np.isnan(q), 0.5, np.minimum(1.0, q / need.quantity_t_per_year))
        else:
            comp["quantity"] = np.full(n, 0.5)
        comp["distance"] = np.exp(-road / self.distance_decay_km)
        w = self.weights_
        score = (block["static"][bidx] + w["text"] * comp["text"] + w["quantity"] * comp["quantity"]
                 + w["distance"] * comp["distance"]) / sum(w.values())
        score = score * np.where(missing_any, self.unverified_factor, 1.0) * block["factor"][bidx]
        if not prefilter:
            score = score * np.where(feasible, 1.0, W.INFEASIBLE_FACTOR)
        ref = block["ref"]
        return _Eval(need, cand, gc_km, road, feasible, missing_any, np.clip(score, 0, 1), comp,
                     spec, self._compiled(spec) if spec else None, block["Vm"], bidx, checks,
                     block["tech"][bidx], ref[bidx] if ref is not None else None,
                     self._structure(need) if need.application in self.structured_apps_ else None)

    def _scope_codes(self, application) -> np.ndarray:
        key = ("scope", application)
        hit = self._terms_cache.get(key)
        if hit is None:
            codes = self.apps_[application]["scope"].get("ewc_codes", [])
            hit = np.array([self.ewc_lookup_[c] for c in codes if c in self.ewc_lookup_], dtype=np.int64)
            self._terms_cache[key] = hit
        return hit

    def _text_sims(self, needs) -> np.ndarray:
        """Cosine of each need's text with every unique stream text (needs x texts)."""
        rows, other = [], []
        for i, nd in enumerate(needs):
            j = self.need_index_.get(nd.id)
            if j is not None and self.needs_[j] is nd:
                rows.append(j)
            else:
                other.append(i)
        if not other:
            qm = self.need_text_matrix_[rows]
        else:
            qm = self._tfidf_cached([self._need_text(nd) for nd in needs])
        return (qm @ self.text_matrix_T_).toarray()

    def _tfidf_cached(self, docs):
        """_tfidf of texts not fitted (pairing ideas' uses, changed needs), each
        transformed once per fitted matcher."""
        cache = self._terms_cache.setdefault("texts", {})
        fresh = [d for d in dict.fromkeys(docs) if d not in cache]
        if fresh:
            for d, row in zip(fresh, self._tfidf(fresh)):
                cache[d] = row
        return vstack([cache[d] for d in docs]).tocsr()

    # ---------------------------------------------------------------- output
    def _select(self, ev: _Eval, top: int, include_infeasible: bool) -> np.ndarray:
        idx = np.arange(len(ev.cand)) if include_infeasible else np.flatnonzero(ev.feasible)
        if len(idx) == 0 or top <= 0:
            return idx[:0]
        key = ev.score[idx] + 2.0 * ev.feasible[idx]
        if len(idx) > top:
            part = np.argpartition(-key, top - 1)[:top]
            idx, key = idx[part], key[part]
        # Ties broken by stream id for determinism.
        ids = self.table_.ids[ev.cand[idx]].astype(str)
        order = np.lexsort((ids, -key))
        return idx[order]

    def _matches(self, ev: _Eval, js) -> list:
        """Match objects for candidate positions js (reasons built lazily)."""
        js = np.asarray(js, dtype=np.int64)
        if len(js) == 0:
            return []
        t, need = self.table_, ev.need
        keys = list(ev.components)
        comps = np.column_stack([ev.components[k][js] for k in keys]).tolist()
        rows = ev.cand[js]
        gc = ev.gc_km[js]
        road = ev.road_km[js]
        cost = (W.COST_EUR_PER_T_FIXED + road * self.cost_eur_per_tkm).tolist()
        co2 = (road * self.co2_kg_per_tkm).tolist()
        ids = t.ids[rows].tolist()
        score, feas, miss = ev.score[js].tolist(), ev.feasible[js].tolist(), ev.missing_any[js].tolist()
        gc, road = gc.tolist(), road.tolist()
        out = []
        for i, j in enumerate(js.tolist()):
            out.append(Match(need_id=need.id, stream_id=str(ids[i]), score=score[i], feasible=feas[i],
                             verified=not miss[i], distance_km=gc[i], road_km=road[i],
                             transport_cost_eur_per_t=cost[i], transport_co2_kg_per_t=co2[i],
                             components=partial(_rounded, keys, comps[i]),
                             explain=partial(self._explain, ev, j)))
        return out

    def _match(self, ev: _Eval, j: int) -> Match:
        return self._matches(ev, [j])[0]

    def _explain(self, ev: _Eval, j: int):
        """(missing, reasons, rules) of candidate j, built on demand."""
        t, need = self.table_, ev.need
        row = int(ev.cand[j])
        app = self.apps_.get(need.application, {})
        reasons, missing, rules = [], set(), []
        broken_first = []
        fails = {kind: bool(arr[j]) for kind, arr in ev.checks}
        cat_name = CATEGORIES[t.category[row]]
        ewc = t.ewc_codes[t.ewc[row]] if t.ewc[row] >= 0 else None
        legal = LEGAL[t.legal[row]] if t.legal[row] >= 0 else None
        if fails.get("category"):
            broken_first.append(Reason(R.CATEGORY_REFUSED, {"category": cat_name, "accepted": ", ".join(need.categories)}, False))
        if fails.get("ewc"):
            broken_first.append(Reason(R.EWC_REFUSED, {"ewc": ewc, "accepted": ", ".join(need.ewc_codes)}, False))
        if fails.get("ewc_unknown"):
            missing.add("ewc_code")
            broken_first.append(Reason(R.EWC_UNKNOWN, {"accepted": ", ".join(need.ewc_codes)}, None))
        q = t.quantity[row]
        if fails.get("quantity"):
            broken_first.append(Reason(R.QUANTITY_TOO_SMALL, {"quantity": _sig(q), "limit": need.min_quantity_t_per_year}, False))
        if fails.get("quantity_unknown"):
            missing.add("quantity_t_per_year")
            broken_first.append(Reason(R.QUANTITY_UNKNOWN, {"limit": need.min_quantity_t_per_year}, None))
        if fails.get("price"):
            broken_first.append(Reason(R.PRICE_TOO_HIGH, {"price": _sig(t.price[row]), "limit": need.max_price_eur_per_t}, False))
        # Legal status.
        if legal == "waste":
            if fails.get("waste_refused"):
                reasons.append(Reason(R.WASTE_NOT_ACCEPTED, {}, False, WASTE_ACT))
            elif fails.get("waste_code"):
                reasons.append(Reason(R.WASTE_CODE_NOT_PERMITTED, {"ewc": ewc}, False, WASTE_ACT))
            elif fails.get("waste_code_unknown"):
                missing.add("ewc_code")
                reasons.append(Reason(R.WASTE_CODE_UNKNOWN, {}, None, WASTE_ACT))
            elif need.permitted_ewc_codes is not None:
                reasons.append(Reason(R.WASTE_PERMITTED, {"ewc": ewc}, True, WASTE_ACT))
            elif need.accepts_waste:
                reasons.append(Reason(R.WASTE_ACCEPTED, {}, True, WASTE_ACT))
            else:
                reasons.append(Reason(R.STATUS_UNCONFIRMED, {"who": "the receiver"}, None, WASTE_ACT))
        elif legal is None:
            reasons.append(Reason(R.STATUS_UNCONFIRMED, {"who": "the holder of the stream"}, None, WASTE_ACT))
        else:
            reasons.append(Reason(R.NO_PERMIT_NEEDED, {"status": legal.replace("_", "-")}, True))
        if ewc and ewc.endswith("*"):
            src = app.get("hazardous_source")
            if fails.get("hazardous"):
                tpl = R.HAZARDOUS_REFUSED if app.get("hazardous_policy") == "refuse" else R.HAZARDOUS_NOT_PERMITTED
                reasons.append(Reason(tpl, {"ewc": ewc, "application": app.get("name_en", need.application)}, False, src))
            else:
                reasons.append(Reason(R.HAZARDOUS_PERMITTED, {"ewc": ewc}, True, src))
        # Scope of the decree (MARA Annex 1) and the structure type.
        scope = app.get("scope")
        if scope:
            act = scope.get("act", scope.get("source"))
            ssrc = scope.get("source")
            status_in = (None if legal is None else legal) in scope.get("statuses", ["waste", None])
            if not status_in:
                reasons.append(Reason(R.SCOPE_NOT_WASTE, {"status": legal.replace("_", "-"), "act": act}, None, ssrc))
            elif fails.get("scope_out"):
                broken_first.append(Reason(R.SCOPE_NOT_LISTED, {"ewc": ewc, "act": act}, False, ssrc))
            elif fails.get("scope_unknown"):
                missing.add("ewc_code")
                reasons.append(Reason(R.SCOPE_CODE_UNKNOWN, {"act": act}, None, ssrc))
            elif ewc is not None and int(t.ewc[row]) not in self._scope_codes(need.application):
                if legal == "waste":
                    reasons.append(Reason(R.SCOPE_PERMITTED, {"ewc": ewc, "act": act}, True, ssrc))
                else:
                    reasons.append(Reason(R.SCOPE_UNCONFIRMED, {"ewc": ewc, "act": act}, None, ssrc))
            elif ewc is not None:
                reasons.append(Reason(R.SCOPE_LISTED, {"ewc": ewc, "act": act}, True, ssrc))
            if status_in and ev.structure is not None:
                structure, stated = ev.structure
                if stated:
                    reasons.append(Reason(R.STRUCTURE_STATED, {"structure": structure, "act": act}, None))
                else:
                    reasons.append(Reason(R.STRUCTURE_ASSUMED, {"act": act}, None))
        # Requirements and rules.
        rule_missing = []
        c = ev.compiled
        cat_code, leg = int(t.category[row]), int(t.legal[row]) + 1
        brow = int(ev.bidx[j])
        for ti, (keys_, per_, lo_, hi_, hard_, source_, rid_, cats_, stats_, alt_) in enumerate(ev.spec):
            if c["scoped"][ti] and not (c["catmask"][ti][cat_code] and c["statmask"][ti][leg]):
                continue
            if rid_:
                rules.append(rid_)
            gi = c["group_of"].get(ti)
            v = float("nan") if gi is None else float(ev.Vm[brow, gi])
            label, unit = c["labels"][ti], c["units"][ti]
            if np.isnan(v):
                keys = [k for k in keys_ + (per_ or ()) if self._is_missing(row, k)]
                if hard_:
                    missing.update(keys)
                if rid_ is None:
                    reasons.append(Reason(R.REQ_MISSING, {"property": label,
                                                          "limit": _limit_text(lo_, hi_)}, None))
                elif hard_:
                    rule_missing.extend(keys)
                continue
            ok = bool((lo_ is None or v >= lo_) and (hi_ is None or v <= hi_))
            params = {"property": label, "value": _sig(v), "unit": unit}
            if not hard_ and not ok:
                reasons.append(Reason(R.REQ_SOFT_BROKEN, {**params, "limit": _limit_text(lo_, hi_)}, False, source_))
                continue
            if lo_ is not None and (v < lo_ or hi_ is None):
                tpl = R.REQ_MIN_OK if ok else R.REQ_MIN_BROKEN
                limit = lo_
            else:
                tpl = R.REQ_MAX_OK if ok else R.REQ_MAX_BROKEN
                limit = hi_
            r = Reason(tpl, {**params, "limit": limit}, ok, source_)
            (reasons if ok else broken_first).append(r)
            if alt_ and cat_name in alt_.get("categories", [cat_name]):
                (reasons if ok else broken_first).append(Reason(
                    R.ALT_LIMIT, {"use": alt_["use"], "property": label, "limit": alt_["limit"], "unit": unit},
                    None, alt_.get("source")))
        if rule_missing:
            keys = sorted(set(rule_missing))
            reasons.append(Reason(R.UNVERIFIED, {"count": len(keys), "keys": ", ".join(keys)}, None))
        # Geography.
        road = float(ev.road_km[j])
        _, cost, co2 = self.transport(ev.gc_km[j])
        if fails.get("distance"):
            broken_first.append(Reason(R.TOO_FAR, {"road_km": road, "limit": need.max_distance_km}, False))
        reasons.append(Reason(R.TRANSPORT, {"road_km": road, "cost": float(cost), "co2": float(co2)}, None))
        if need.quantity_t_per_year and not np.isnan(q):
            reasons.append(Reason(R.QUANTITY_FIT, {"quantity": _sig(q), "wanted": need.quantity_t_per_year}, None))
        if ev.profile_ref is not None and ev.components["profile"][j] > 0.6:
            ref = app["profiles"][int(ev.profile_ref[j])]["name"]
            reasons.append(Reason(R.PROFILE_SIMILAR, {"reference": ref, "similarity": float(ev.components["profile"][j])}, None))
        if cat_name in (app.get("categories") or []):
            reasons.append(Reason(R.CATEGORY_TYPICAL, {"category": cat_name.replace("_", " "),
                                                         "application": app.get("name_en", need.application)}, None))
        return sorted(missing), broken_first + reasons, rules

    def _is_missing(self, row, key) -> bool:
        c = self.table_.column(key)
        return c is None or bool(np.isnan(self.table_.X[row, c]))

    # -------------------------------------------------------------- public
    def _need(self, need_id) -> Need:
        try:
            return self.needs_[self.need_index_[need_id]]
        except KeyError:
            raise KeyError(f"unknown need id {need_id!r}") from None

    def _stream_row(self, stream_id) -> int:
        try:
            return self.stream_index_[stream_id]
        except KeyError:
            raise KeyError(f"unknown stream id {stream_id!r}") from None

    def rank_streams(self, need_id, top=10, include_infeasible=False, _cand=None) -> list:
        """Best streams for one need, feasible first, best first."""
        need = self._need(need_id)
        cand, gc = _cand if _cand is not None else self._candidates(need, include_infeasible)
        ev = self._evaluate(need, cand, gc, prefilter=not include_infeasible)
        return self._matches(ev, self._select(ev, top, include_infeasible))

    def rank_all(self, top=10, include_infeasible=False, needs=None, each=None) -> dict:
        """{need_id: rank_streams(need_id)} for every need, batched: one
        BallTree query for all needs' candidates; needs with the same terms
        (application, requirements, structure) share one evaluation of the
        rule matrix over the union of their candidates, and their text
        similarities are one sparse product. Results equal rank_streams.

        ``needs``: a part of the fitted needs (default all), to rank in chunks.
        ``each(need, rows, scores)``: called for every need with the stream
        rows it scored (feasible only unless ``include_infeasible``) and their
        scores, for callers that keep more than the top of each need."""
        needs = self.needs_ if needs is None else list(needs)
        if not needs:
            return {}
        if self.tree_ is None:
            return {n.id: [] for n in needs}
        pts = _unit_xyz([n.lat for n in needs], [n.lon for n in needs])
        r = np.array([self._radius_road(n, include_infeasible) for n in needs])
        ind, dist = self.tree_.query_radius(pts, r=_chord(r / self.detour_factor / EARTH_RADIUS_KM),
                                            return_distance=True)
        groups = {}
        for i, n in enumerate(needs):
            spec = self._terms_for(n)
            groups.setdefault(id(spec), (spec, []))[1].append(i)
        out = {}
        n_texts = max(1, len(self.table_.texts))
        text_chunk = max(1, int(TEXT_SIMS_CELLS // n_texts))
        for spec, members in groups.values():
            for a in range(0, len(members), RANK_ALL_CHUNK):
                part = members[a:a + RANK_ALL_CHUNK]
                cands = [ind[i].astype(np.int64) for i in part]
                seen = np.zeros(len(self.table_), dtype=bool)
                for c_ in cands:
                    seen[c_] = True
                rows = np.flatnonzero(seen)
                block = self._rule_block(spec, rows, needs[part[0]].application)
                rowpos = np.zeros(len(self.table_), dtype=np.int64)
                rowpos[rows] = np.arange(len(rows))
                for b in range(0, len(part), text_chunk):
                    sub = part[b:b + text_chunk]
                    sims = self._text_sims([needs[i] for i in sub])
                    for k, i in enumerate(sub):
                        cand = cands[b + k]
                        ev = self._evaluate(needs[i], cand, _arc_km(dist[i]), block,
                                            rowpos[cand], sims[k], prefilter=not include_infeasible)
                        if each is not None:
                            each(needs[i], ev.cand, ev.score)
                        out[needs[i].id] = self._matches(ev, self._select(ev, top, include_infeasible))
        return {n.id: out[n.id] for n in needs}

    def rank_streams_for(self, need: Need, top=10, include_infeasible=False, stream_ids=None) -> list:
        """Best streams for a need record that need not be among the fitted
        ones (its text is transformed, not fitted). ``stream_ids``: score only
        these streams (default: every stream within the need's reach)."""
        if stream_ids is None:
            cand, gc = self._candidates(need, include_infeasible)
        else:
            cand = np.array([self.stream_index_[s] for s in stream_ids], dtype=np.int64)
            # Distances as the tree measures them (chord of the unit sphere), so that a
            # pair scores as in rank_streams and rank_all.
            d = _unit_xyz(self.table_.lat[cand], self.table_.lon[cand]) - _unit_xyz([need.lat], [need.lon])
            gc = _arc_km(np.sqrt((d * d).sum(axis=1)))
        ev = self._evaluate(need, cand, gc, prefilter=not include_infeasible)
        return self._matches(ev, self._select(ev, top, include_infeasible))

    def rank_needs(self, stream_id, top=10, include_infeasible=False) -> list:
        """Best needs for one stream. Loops over the needs whose distance cap
        reaches the stream (needs are few; streams are many)."""
        row = self._stream_row(stream_id)
        t = self.table_
        out = []
        for need in self.needs_:
            gc = float(haversine_km(need.lat, need.lon, t.lat[row], t.lon[row]))
            if gc * self.detour_factor > self._radius_road(need, include_infeasible):
                continue
            ev = self._evaluate(need, np.array([row]), np.array([gc]))
            if ev.feasible[0] or include_infeasible:
                out.append((not ev.feasible[0], -ev.score[0], need.id, ev))
        out.sort(key=lambda x: x[:3])
        return [self._match(ev, 0) for *_, ev in out[:top]]

    def pairing_ideas(self, stream_id, top=5, with_needs=True) -> list:
        """Applications a stream could serve (feasible or not, and why), the
        analyses missing to be sure, and the posted needs nearby (left out
        when ``with_needs`` is false: the ideas then depend on the stream alone)."""
        row = self._stream_row(stream_id)
        t = self.table_
        nearby = self.rank_needs(stream_id, top=len(self.needs_) or 1, include_infeasible=True) \
            if with_needs else []
        ideas = []
        for name, app in self.apps_.items():
            if name == "other":
                continue
            pseudo = Need(id=f"idea:{name}", title=app["name_en"], application=name,
                          lat=float(t.lat[row]), lon=float(t.lon[row]),
                          description=app.get("description_en", ""))
            ev = self._evaluate(pseudo, np.array([row]), np.array([0.0]))
            m = self._match(ev, 0)
            comps = ev.components
            # Distance and quantity say nothing about a use: leave them out.
            keys = ("margin", "profile", "text", "category")
            score = sum(self.weights_[k] * float(comps[k][0]) for k in keys) / sum(self.weights_[k] for k in keys)
            score *= (self.unverified_factor if not m.verified else 1.0) * (1.0 if m.feasible else W.INFEASIBLE_FACTOR)
            score *= W.TECHNICAL_MISS_FACTOR ** int(ev.tech_miss[0])
            expected_missing = [k for k in app.get("analyses", []) if self._is_missing(row, k)]
            missing = sorted(set(m.missing) | set(expected_missing))
            head = Reason(R.IDEA_FEASIBLE if m.feasible else R.IDEA_INFEASIBLE, {"application": app["name_en"]}, m.feasible)
            body = [r for r in m.reasons if r.template not in (R.TRANSPORT,)]
            near = [x for x in nearby if self._need(x.need_id).application == name
                    and x.road_km <= (self._need(x.need_id).max_distance_km or self.default_max_road_km)]
            if near:
                body.append(Reason(R.IDEA_NEEDS_NEARBY, {"count": len(near), "application": app["name_en"]}, None))
            ideas.append(PairingIdea(stream_id=str(t.ids[row]), application=name, name_en=app["name_en"],
                                     name_fi=app["name_fi"], score=float(np.clip(score, 0, 1)),
                                     feasible=m.feasible, reasons=[head] + body, missing=missing,
                                     needs_nearby=near))
        ideas.sort(key=lambda i: (not i.feasible, -i.score, i.application))
        return ideas[:top]

    def pairing_ideas_many(self, stream_ids, top=5) -> dict:
        """{stream_id: pairing_ideas(stream_id, top, with_needs=False)} for many streams at
        once: each use is evaluated once over all the streams (its pseudo-need does not
        depend on where the stream is: distance is left out of an idea's score), and
        reasons are built only for the ideas kept."""
        rows = np.array([self._stream_row(s) for s in stream_ids], dtype=np.int64)
        t = self.table_
        keys = ("margin", "profile", "text", "category")
        weight = sum(self.weights_[k] for k in keys)
        scored = []
        for name, app in self.apps_.items():
            if name == "other":
                continue
            pseudo = Need(id=f"idea:{name}", title=app["name_en"], application=name, lat=0.0, lon=0.0,
                          description=app.get("description_en", ""))
            ev = self._evaluate(pseudo, rows, np.zeros(len(rows)))
            # The same operations, in the same order and precision, as pairing_ideas.
            score = sum(self.weights_[k] * ev.components[k].astype(np.float64) for k in keys) / weight
            score = score * (np.where(ev.missing_any, self.unverified_factor, 1.0)
                             * np.where(ev.feasible, 1.0, W.INFEASIBLE_FACTOR))
            score = score * W.TECHNICAL_MISS_FACTOR ** ev.tech_miss.astype(np.float64)
            scored.append((name, app, ev, np.clip(score, 0, 1)))
        out = {}
        for j, row in enumerate(rows.tolist()):
            ranked = sorted(scored, key=lambda x: (not x[2].feasible[j], -float(x[3][j]), x[0]))[:top]
            ideas = []
            for name, app, ev, score in ranked:
                m = self._match(ev, j)
                expected_missing = [k for k in app.get("analyses", []) if self._is_missing(row, k)]
                head = Reason(R.IDEA_FEASIBLE if m.feasible else R.IDEA_INFEASIBLE,
                              {"application": app["name_en"]}, m.feasible)
                ideas.append(PairingIdea(
                    stream_id=str(t.ids[row]), application=name, name_en=app["name_en"], name_fi=app["name_fi"],
                    score=float(score[j]), feasible=m.feasible,
                    reasons=[head] + [r for r in m.reasons if r.template not in (R.TRANSPORT,)],
                    missing=sorted(set(m.missing) | set(expected_missing)), needs_nearby=[]))
            out[str(t.ids[row])] = ideas
        return out
