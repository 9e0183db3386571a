"""The matcher: what a stream is and what it is documented for, hard
constraints, fit score, geography, reasons.

scikit-learn conventions: parameters are stored in ``__init__``, ``fit``
builds the arrays and returns self; scoring is vectorised over the candidate
streams of one need (BallTree pre-filter), and reasons are built only for the
top K returned.
"""
from __future__ import annotations

import math
import re
import threading
from dataclasses import dataclass, field
from functools import lru_cache, partial, cached_property

import numpy as np
from scipy.sparse import diags, vstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.neighbors import BallTree
from sklearn.pipeline import FeatureUnion
from sklearn.preprocessing import StandardScaler

from . import reasons as R
from . import vocabulary as V
from . import weights as W
from .checks import CHECKS, Frame, line
from .knowledge import load_knowledge, load_list_of_waste
from .materials import load_catalogue
from .recognition import Recogniser
from .model import Match, Need, PairingIdea
from .reasons import Reason
from .table import CAT_CODE, CATEGORIES, LEGAL, StreamTable

EARTH_RADIUS_KM = 6371.0088  # mean Earth radius (IUGG)
_WASTE = LEGAL.index("waste")
#: Streams recognised per batch of the recogniser (bounds the feature matrix).
RECOGNISE_CHUNK = 50_000
#: rank_all: needs per rule block, and cells (needs x unique texts) per
#: dense text-similarity chunk; both bound the temporaries' memory.
RANK_ALL_CHUNK = 2000
TEXT_SIMS_CELLS = 2e7


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


@dataclass(frozen=True)
class Term:
    """One limit on a value: a buyer's requirement or a knowledge rule.
    ``lo``/``hi`` inclusive, in the vocabulary's unit. ``hard`` refuses on a
    break (law, standard, buyer, or a deciding property); a rule of thumb
    that is not deciding only lowers the score."""
    keys: tuple
    per: tuple | None
    lo: float | None
    hi: float | None
    hard: bool
    source: str | None = None
    rule_id: str | None = None
    categories: tuple | None = None
    statuses: tuple | None = None      # legal codes, -1 = not stated
    materials: tuple | None = None     # material type keys
    except_materials: tuple | None = None   # material type keys the rule does not apply to
    regime: str | None = None          # fertiliser regime: 'EU' or 'national'
    kind: str = "requirement"          # requirement, legal, standard, technical
    # label, unit, act and cited are read for every pair a reason is built for (millions
    # in a full refresh): computed once per term (cached_property writes the instance's
    # __dict__, which a frozen dataclass allows).

    @cached_property
    def scoped(self) -> bool:
        return bool(self.categories or self.statuses or self.materials or self.except_materials)

    @cached_property
    def label(self) -> str:
        return _label(self.keys, self.per)

    @cached_property
    def unit(self) -> str:
        return "" if self.per is not None else V.unit_of_expression(self.keys)

    @cached_property
    def act(self) -> str | None:
        """Short name of the law or standard a rule cites, for collapsed lines."""
        if not self.source or self.kind == "technical":
            return None
        hit = _ACT.search(self.source)
        return hit.group(0) if hit else None

    @cached_property
    def cited(self) -> str | None:
        """The source shown with a reason: a law or standard, never a rule of thumb."""
        return None if self.kind == "technical" else self.source

    def reason(self, v: float) -> Reason:
        """Reason for a known value ``v`` (met or broken)."""
        ok = (self.lo is None or v >= self.lo) and (self.hi is None or v <= self.hi)
        params = {"property": self.label, "value": _sig(v), "unit": self.unit}
        if not ok and self.kind == "technical":
            tpl = R.REQ_THUMB_BROKEN if self.hard else R.REQ_SOFT_BROKEN
            return Reason(tpl, {**params, "limit": _limit_text(self.lo, self.hi)}, False)
        if self.lo is not None and (v < self.lo or self.hi is None):
            return Reason(R.REQ_MIN_OK if ok else R.REQ_MIN_BROKEN, {**params, "limit": self.lo}, ok, self.cited)
        return Reason(R.REQ_MAX_OK if ok else R.REQ_MAX_BROKEN, {**params, "limit": self.hi}, ok, self.cited)

    def share(self, v: float) -> float:
        """How close a met value is to the limit: 1 at the limit (0..1)."""
        if self.hi is not None and self.hi > 0:
            return max(0.0, v / self.hi)
        if self.lo is not None and v > 0:
            return max(0.0, self.lo / v)
        return 0.0


_ACT = re.compile(r"(Government Decree \d+/\d+|MMM decree on fertiliser products \d+/\d+|"
                  r"Regulation \(EU\) \d+/\d+|EN \d+(-\d+)?|Decree \d+/\d+)")


@dataclass(frozen=True)
class Context:
    """Where and under which rules a need's material is used: the contract's
    ``context`` fields, what was read from the need's text, and the stricter
    readings assumed where nothing could be read."""
    application: str                  # the use (an 'other' need read into a known use)
    values: dict
    read: tuple = ()                  # label keys read from the text ('land_use:forestry')
    stricter: tuple = ()              # label keys assumed as the stricter reading
    app_read: bool = False
    uses_of: str = ""                 # the use whose documented uses decide (the application)

    @property
    def key(self) -> tuple:
        v = self.values
        return (self.application, v.get("mara_column"), v.get("product_class"), v.get("regime"), self.uses_of)


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
    context: Context
    tier: np.ndarray                                # documented use: 2 proven, 1 possible, 0 none
    spec: list = field(default_factory=list)      # the need's terms (see _terms_for)
    compiled: dict | None = None                  # their arrays (see _compiled)
    Vm: np.ndarray | None = None                  # rule-block values (rows x groups)
    bidx: np.ndarray | None = None                # candidate -> row of Vm
    checks: list = field(default_factory=list)    # (check, bad, unknown, soft) arrays
    tech_miss: np.ndarray | None = None
    profile_ref: np.ndarray | None = None
    frame: object = None


_recogniser_lock = threading.Lock()


@lru_cache(maxsize=1)
def _fitted_recogniser() -> Recogniser:
    return Recogniser().fit(load_catalogue())


def _recogniser() -> Recogniser:
    """The catalogue's recogniser, trained once per process. A caller that comes while
    another thread trains it waits for that one instead of training a second copy (a web
    worker fits it in the background at start while its first request may need it)."""
    with _recogniser_lock:
        return _fitted_recogniser()


class Matcher:
    """Ranks side streams for material needs and needs for streams.

    Parameters
    ----------
    weights : dict or None
        Component weights (see matching.weights.WEIGHTS); missing keys keep
        their defaults.
    knowledge : dict or None
        Knowledge document (``load_knowledge()`` by default).
    catalogue : Catalogue or None
        Material catalogue (``load_catalogue()`` by default).
    detour_factor : float
        Road km per great-circle km.
    cost_eur_per_tkm, co2_kg_per_tkm : float
        Truck haulage cost (EUR per tonne-km) and CO2 (kg per tonne-km).
    distance_decay_km : float
        e-folding length of the distance component, road km.
    default_max_road_km : float
        Candidate radius for needs without max_distance_km, road km.
    unverified_factor : float
        Score factor of the fit of pairs with missing analyses (within a level).
    min_confidence : float
        A material type read with less confidence ranks as unverified and
        its documented uses are not counted.
    recognise : bool
        Infer the material type of streams that do not state it (the
        catalogue's recogniser, trained once per process).
    """

    def __init__(self, weights=None, knowledge=None, catalogue=None, detour_factor=W.DETOUR_FACTOR,
                 cost_eur_per_tkm=W.COST_EUR_PER_TKM, co2_kg_per_tkm=W.CO2_KG_PER_TKM,
                 distance_decay_km=W.DISTANCE_DECAY_KM, default_max_road_km=W.DEFAULT_MAX_ROAD_KM,
                 unverified_factor=W.UNVERIFIED_FACTOR, min_confidence=W.MIN_MATERIAL_CONFIDENCE,
                 recognise=True):
        self.weights = weights
        self.knowledge = knowledge
        self.catalogue = catalogue
        self.detour_factor = detour_factor
        self.cost_eur_per_tkm = cost_eur_per_tkm
        self.co2_kg_per_tkm = co2_kg_per_tkm
        self.distance_decay_km = distance_decay_km
        self.default_max_road_km = default_max_road_km
        self.unverified_factor = unverified_factor
        self.min_confidence = min_confidence
        self.recognise = recognise

    # ------------------------------------------------------------------ fit
    def fit(self, streams, needs=(), like=None):
        """Build arrays, the BallTree over stream coordinates, the TF-IDF
        model and the material types (stated, else recognised in one batch).
        ``streams``: list of Stream or a StreamTable.

        ``like``: an already fitted Matcher whose text model and profile
        scalers are reused (not refitted): texts and needs it already holds
        keep their vectors, others are transformed. Scores then equal those
        of ``like`` for the same pairs, so a small matcher over a few changed
        streams ranks exactly as the big one would."""
        self.like_ = like
        self.weights_ = {**W.WEIGHTS, **(self.weights or {})}
        self.knowledge_ = self.knowledge or load_knowledge()
        self.catalogue_ = self.catalogue or load_catalogue()
        self.apps_ = self.knowledge_["applications"]
        self.reading_ = self.knowledge_.get("reading", {})
        self.list_of_waste_ = load_list_of_waste()
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
        self._terms_cache = {}
        self._fit_text()
        self._fit_profiles()
        self._fit_materials()
        self.ewc_lookup_ = {c: i for i, c in enumerate(t.ewc_codes)}
        self.hazardous_ = self._hazardous()
        self.contexts_ = {n.id: self._read_context(n) for n in self.needs_}
        return self

    def _fit_materials(self):
        """Material type per stream as an index into types_ (len = unknown),
        with its confidence; per application, lookup tables of the
        documented-use matrix over the types."""
        t, cat = self.table_, self.catalogue_
        self.types_ = list(cat.types) + [k for k in t.material_types if k not in cat.types]
        index = {k: i for i, k in enumerate(self.types_)}
        unknown = len(self.types_)
        remap = np.array([index[k] for k in t.material_types] + [unknown], dtype=np.int32)
        self.mtype_ = remap[t.material]          # -1 picks the trailing unknown
        self.mconf_ = np.where(t.material >= 0, t.material_conf, 0.0).astype(np.float32)
        todo = np.flatnonzero(t.material < 0)
        if self.recognise and len(todo) and cat is load_catalogue():
            recogniser = _recogniser()
            for a in range(0, len(todo), RECOGNISE_CHUNK):
                rows = todo[a:a + RECOGNISE_CHUNK]
                for row, (key, conf) in zip(rows, recogniser.predict(self._records(rows))):
                    self.mtype_[row] = index[key]
                    self.mconf_[row] = conf
        # A type whose category contradicts the one the seller chose is not
        # trusted, however sure the reading (the match says why).
        type_cat = np.array([CAT_CODE[cat.types[k].category] if k in cat.types else -1 for k in self.types_] + [-1])
        self.category_disagrees_ = (t.material < 0) & (type_cat[self.mtype_] >= 0) & (type_cat[self.mtype_] != t.category)
        # A reading no better than the type's share of the stream's category
        # tells the category only ("slag, type not known").
        n_types = np.bincount([CAT_CODE[m.category] for m in cat.types.values()], minlength=len(CATEGORIES))
        n_cat = n_types[t.category].astype(np.float32)
        self.category_only_ = (t.material < 0) & (n_cat > 1) & (self.mconf_ <= 1.0 / np.maximum(n_cat, 1) + 1e-6)
        sure = (self.mconf_ >= self.min_confidence) & ~self.category_disagrees_ & ~self.category_only_
        self.mtype_sure_ = np.where(sure, self.mtype_, unknown).astype(np.int32)
        self.sulphide_deciding_ = np.array(
            [("S_sulphide" in cat.types[k].deciding) if k in cat.types else False for k in self.types_] + [False])
        # Mine wastes (tailings, waste rock): acid-base accounting applies.
        self.mine_waste_type_ = np.array(
            [(cat.types[k].category in ("tailings", "waste_rock")) if k in cat.types else False
             for k in self.types_] + [False])
        self._use_tables = {}

    def _records(self, rows) -> list:
        """Streams of the table as the recogniser reads them: text, List of
        Waste code, category and analysed values."""
        t = self.table_
        X = t.X[rows]
        keys = t.keys
        out = []
        for i, row in enumerate(rows):
            vals = X[i]
            present = np.flatnonzero(~np.isnan(vals))
            code = t.ewc_codes[t.ewc[row]] if t.ewc[row] >= 0 else None
            out.append({"title": t.texts[t.text_id[row]], "description": "", "ewc_code": code,
                        "category": CATEGORIES[t.category[row]],
                        "values": {keys[j]: float(vals[j]) for j in present}})
        return out

    def _use_table(self, application):
        """(tier, unsuitable) over type indices + unknown for an application."""
        hit = self._use_tables.get(application)
        if hit is None:
            tier = np.zeros(len(self.types_) + 1, dtype=np.int8)
            bad = np.zeros(len(self.types_) + 1, dtype=bool)
            if application in self.catalogue_.applications:
                for i, k in enumerate(self.types_):
                    use = self.use_of(k, application)
                    if use is not None:
                        tier[i] = W.USE_TIERS[use.status]
                        bad[i] = use.status == "unsuitable"
            hit = self._use_tables[application] = (tier, bad)
        return hit

    def established(self, application) -> np.ndarray:
        """Over type indices + unknown: the use is proven by a standard, a
        product class or a national guide (Catalogue.is_established)."""
        key = ("established", application)
        hit = self._use_tables.get(key)
        if hit is None:
            hit = np.zeros(len(self.types_) + 1, dtype=bool)
            if application in self.catalogue_.applications:
                for i, k in enumerate(self.types_):
                    hit[i] = self.catalogue_.is_established(self.use_of(k, application))
            self._use_tables[key] = hit
        return hit

    def other_part(self, application, part) -> np.ndarray:
        """Over type indices + unknown: the use is documented only for other
        parts than ``part`` (a protective layer for a sealing one, a fill
        aggregate for a binder)."""
        key = ("part", application, part)
        hit = self._use_tables.get(key)
        if hit is None:
            hit = np.zeros(len(self.types_) + 1, dtype=bool)
            for i, k in enumerate(self.types_):
                use = self.use_of(k, application)
                hit[i] = bool(use is not None and use.parts and part not in use.parts)
            self._use_tables[key] = hit
        return hit

    def use_unsuitable(self, application) -> np.ndarray:
        return self._use_table(application)[1]

    def use_of(self, type_key, application):
        """The catalogue's documented use of a type, or None."""
        if type_key not in self.catalogue_.types or application not in self.catalogue_.applications:
            return None
        return self.catalogue_.use(type_key, application)

    def type_of(self, row) -> str | None:
        i = int(self.mtype_[row])
        return self.types_[i] if i < len(self.types_) else None

    def type_names(self, key) -> dict:
        mt = self.catalogue_.types.get(key)
        if mt is None:
            return {"material": key.replace("_", " ")}
        return {"material": mt.name("en"), "material_fi": mt.name("fi"), "material_sv": mt.name("sv")}

    def app_names(self, application) -> dict:
        app = self.apps_.get(application, {})
        return {"application": app.get("name_en", application), "application_fi": app.get("name_fi", ""),
                "application_sv": app.get("name_sv", "")}

    def source_of(self, use) -> str:
        """A documented use's source, short: the work it cites, not its summary."""
        text = self.catalogue_.sources.get(use.source, use.source)
        cut = min([i for i in (text.find(": "), text.find(" (")) if i > 0] or [len(text)])
        return text[:min(cut, 120)]

    def _hazardous(self) -> np.ndarray:
        """Hazardous per stream: a '*' entry, or a non-hazardous mirror entry
        whose stated hazardous properties make it hazardous."""
        t = self.table_
        haz = t.hazardous.copy()
        mirror = np.array([bool((self.list_of_waste_.get(c.rstrip("*")) or {}).get("mirror"))
                           for c in t.ewc_codes] + [False], dtype=bool)
        haz |= mirror[t.ewc] & (t.hp > 0)
        return haz

    def code_table(self, codes) -> np.ndarray:
        """Boolean lookup over EWC code indices (last entry: no code)."""
        tab = np.zeros(len(self.table_.ewc_codes) + 1, dtype=bool)
        for c in codes or ():
            i = self.ewc_lookup_.get(c)
            if i is not None:
                tab[i] = True
        return tab

    def ewc_of(self, row) -> str | None:
        i = int(self.table_.ewc[row])
        return self.table_.ewc_codes[i] if i >= 0 else None

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


    # --------------------------------------------------------------- context
    def _read_context(self, need: Need) -> Context:
        """The need's use and legal context: its ``context`` fields, else what
        its title and description say (Finnish, Swedish, English), else the
        stricter reading."""
        rd = self.reading_
        text = f" {need.title} {need.description or ''} ".lower()

        def said(words):
            return any(w in text for w in words)

        application, app_read = need.application, False
        if application == "other":
            hits = [a for a, words in rd.get("applications", {}).items() if said(words)]
            if len(hits) == 1:
                application, app_read = hits[0], True
        app = self.apps_.get(application, {})
        values = {k: v for k, v in need.context.items() if v is not None}
        read, stricter = [], []
        regimes = any(r.get("regime") for r in app.get("rules", []))
        if (regimes or app.get("scope")) and "land_use" not in values:
            for use, words in rd.get("land_use", {}).items():
                if said(words):
                    values["land_use"] = use
                    read.append(f"land_use:{use}")
                    break
        if app.get("scope"):
            if "groundwater_area" not in values and said(rd.get("groundwater_area", ())):
                values["groundwater_area"] = True
                read.append("groundwater_area:true")
            if "structure" not in values:
                for kind, words in rd.get("structure", {}).items():
                    if said(words):
                        values["structure"] = kind
                        read.append(f"structure:{kind}")
                        break
                else:
                    values["structure"] = "covered"
                    stricter.append("structure:covered")
            forest_road = said(rd.get("ash_forest_road", ()))
            if "structure_use" not in values:
                # Where the text names several uses, the strictest column's
                # use is taken (field before embankment before road).
                uses = [u for u in ("field", "embankment", "road") if said(rd.get("structure_use", {}).get(u, ()))]
                if uses:
                    values["structure_use"] = uses[0]
                    read.append(f"structure_use:{uses[0]}")
            if forest_road:
                read.append("ash_forest_road:true")
            values["mara_column"] = self._mara_column(values, forest_road)
            if values.get("structure_use") in (None, "other"):
                stricter.append("structure_use:any")
        if regimes:
            regime = values.get("regime")
            if values.get("land_use") == "mine_site" or regime == "environmental_permit":
                values["regime"] = "permit"
            elif regime == "eu_fertilising_product":
                values["regime"] = "EU"
            elif regime == "national_fertiliser_product":
                values["regime"] = "national"
            classes = app.get("product_classes")
            if classes:
                values["product_class"] = classes.get(values.get("land_use"), classes["default"])
                if "land_use" not in values:
                    stricter.append(f"product_class:{classes['default']}")
        # The part of the structure asked for (a cover's sealing layer, a
        # backfill's binder): uses documented only for other parts do not count.
        for part, words in rd.get("parts", {}).get(application, {}).items():
            if "part" not in values and said(words):
                values["part"] = part
                read.append(f"part:{part}")
        uses_of = application
        return Context(application, values, tuple(read), tuple(stricter), app_read, uses_of)

    @staticmethod
    def _mara_column(values, forest_road) -> str:
        """The column of Decree 843/2017 Annex 2 for a structure and its use;
        where the use is not known, the strictest column of the structure
        type (field)."""
        structure, use = values.get("structure", "covered"), values.get("structure_use")
        if forest_road or (use == "road" and values.get("land_use") == "forestry"):
            return "ash_forest_road"
        if use == "road":
            return f"road_{structure}"
        if use == "embankment":
            return "embankment_covered"  # the decree has embankments as covered structures only
        return f"field_{structure}"

    def context(self, need: Need) -> Context:
        hit = self.contexts_.get(need.id)
        if hit is None or self.needs_[self.need_index_.get(need.id, -1)] is not need:
            hit = self._read_context(need)
        return hit

    # ------------------------------------------------------------ evaluation
    def _terms_for(self, need: Need, ctx: Context):
        """Terms of the buyer's requirements and of the rules of the use that
        the context selects (see Term)."""
        key = (ctx.key, need.requirements)
        hit = self._terms_cache.get(key)
        if hit is not None:
            return hit
        out = [Term(V.parse_expression(r.property), V.parse_expression(r.per) if r.per else None,
                    r.min, r.max, True) for r in need.requirements]
        app = self.apps_.get(ctx.application, {})
        values = ctx.values
        non_ash = tuple(c for c in CATEGORIES if c != "ash")
        for r in app.get("rules", []):
            cats = tuple(r["categories"]) if r.get("categories") else None
            when = r.get("when") or {}
            column = when.get("mara_column")
            if column and values.get("mara_column") == "ash_forest_road":
                # The ash forest-road column is for ash; other wastes in a
                # forest road take the covered-road column.
                if column == ["ash_forest_road"]:
                    cats = ("ash",)
                elif column == ["road_covered"]:
                    cats = non_ash
                else:
                    continue
            elif any(values.get(k) not in allowed for k, allowed in when.items()):
                continue
            regime = r.get("regime")
            if regime and values.get("regime") not in (None, regime):
                continue
            stat = r.get("statuses")
            out.append(Term(V.parse_expression(r["property"]),
                            V.parse_expression(r["per"]) if r.get("per") else None,
                            r.get("min"), r.get("max"), r["kind"] != "technical" or bool(r.get("deciding")),
                            r["source"], r["id"], cats,
                            tuple(-1 if x is None else LEGAL.index(x) for x in stat) if stat else None,
                            tuple(r["materials"]) if r.get("materials") else None,
                            tuple(r["except_materials"]) if r.get("except_materials") else None,
                            regime, r["kind"]))
        self._terms_cache[key] = out
        return out

    def _compiled(self, spec):
        """Arrays of a list of terms (cached per list)."""
        key = ("c", id(spec))
        hit = self._terms_cache.get(key)
        if hit is not None:
            return hit
        nC, nL, nM = len(CATEGORIES), len(LEGAL) + 1, len(self.types_) + 1
        index = {k: i for i, k in enumerate(self.types_)}

        def masks(term):
            cat = np.ones(nC, dtype=bool)
            stat = np.ones(nL, dtype=bool)    # column = legal code + 1 (0 = not stated)
            mat = np.ones(nM, dtype=bool)     # last = not known with confidence
            if term.categories:
                cat[:] = False
                cat[[CAT_CODE[c] for c in term.categories]] = True
            if term.statuses:
                stat[:] = False
                stat[[x + 1 for x in term.statuses]] = True
            if term.materials:
                mat[:] = False
                mat[[index[k] for k in term.materials if k in index]] = True
            if term.except_materials:
                # A standard's own clause for these types replaces the rule
                # for them (EN 12620: total S 2 % for air-cooled BF slag).
                mat[[index[k] for k in term.except_materials if k in index]] = False
            return cat, stat, mat

        # Group terms on the same expression, scope, hardness and regime: the
        # feasibility matrix needs only the strictest bound of each group;
        # reasons still cite every rule.
        col = self.table_.column
        groups, group_of, dead = {}, {}, []
        for ti, s_ in enumerate(spec):
            if len(s_.keys) == 1 and s_.per is None and col(s_.keys[0]) is None:
                dead.append(ti)
                continue
            gkey = (s_.keys, s_.per, s_.categories or (), s_.statuses or (),
                    (s_.materials or (), s_.except_materials or ()), s_.hard, s_.regime)
            g = groups.setdefault(gkey, {"lo": -np.inf, "hi": np.inf, "term": s_})
            g["lo"] = max(g["lo"], -np.inf if s_.lo is None else s_.lo)
            g["hi"] = min(g["hi"], np.inf if s_.hi is None else s_.hi)
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
        gm = [masks(g["term"]) for _, g in glist]
        regimes = sorted({g["term"].regime for _, g in glist if g["term"].regime})
        den_lo = np.where(gboth, ghalf, np.maximum(np.abs(np.where(np.isfinite(glo), glo, 1.0)), 1e-12))
        den_hi = np.where(gboth, ghalf, np.maximum(np.abs(np.where(np.isfinite(ghi), ghi, 1.0)), 1e-12))
        greg = np.array([g["term"].regime or "" for _, g in glist], dtype=object)
        out = {"masks": [masks(s_) for s_ in spec],
               "g_lo32": glo.astype(np.float32), "g_hi32": ghi.astype(np.float32),
               "g_den_lo32": den_lo.astype(np.float32), "g_den_hi32": den_hi.astype(np.float32),
               "g_cat": np.array([m[0] for m in gm]).reshape(len(glist), nC),
               "g_stat": np.array([m[1] for m in gm]).reshape(len(glist), nL),
               "g_mat": np.array([m[2] for m in gm]).reshape(len(glist), nM),
               "g_cat_scoped": bool(any(g[0][2] for g in glist)),
               "g_stat_scoped": bool(any(g[0][3] for g in glist)),
               "g_mat_scoped": bool(any(g[0][4][0] or g[0][4][1] for g in glist)),
               "g_hard": np.array([g[0][5] for g in glist], dtype=bool),
               "g_regime": {r: (greg == r) for r in regimes},
               "g_common": greg == "",
               "g_simple_pos": np.array(simple_pos, dtype=np.int64),
               "g_simple_cols": np.array(simple_cols, dtype=np.int64),
               "g_compound": compound, "group_of": group_of, "dead": dead,
               "below_cols": [(gi, self.table_.column(gkey[0][0])) for gi, (gkey, _) in enumerate(glist)
                              if len(gkey[0]) == 1 and gkey[1] is None]}
        out["g_any_hard"] = bool(out["g_hard"].any())
        out["g_any_soft"] = bool((~out["g_hard"]).any())
        out["dead_hard"] = [ti for ti in dead if spec[ti].hard]
        self._terms_cache[key] = out
        return out

    def _rule_block(self, spec, rows, application=None):
        """The need-independent part of a need's evaluation over stream rows:
        rule values (rows x groups), hard rule broken, hard value missing,
        count of broken guidance rules, and the application's static score
        components (margin, profile, category) with their weighted sum.
        Computed once for a block of rows and shared by every need with the
        same terms (rank_all). Where rules belong to alternative regimes
        (fertiliser products: EU or national), meeting one regime suffices."""
        t, n = self.table_, len(rows)
        feas = np.ones(n, dtype=bool)
        miss = np.zeros(n, dtype=bool)
        tech = np.zeros(n, dtype=np.int32)
        msum, mcnt = np.zeros(n), np.zeros(n)
        Vm = OKm = known = APm = None
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
            if c["g_mat_scoped"]:
                M = c["g_mat"][:, self._sure_type(rows)].T
                APm = M if APm is None else (APm & M)
            lo, hi = c["g_lo32"], c["g_hi32"]
            OKm = (Vm >= lo) & (Vm <= hi)             # NaN compares False
            known = ~np.isnan(Vm)
            if t.below is not None and c["below_cols"]:
                # Below the detection limit: a maximum at or above the limit
                # is met; a minimum, or a maximum below the limit, stays unverified.
                for gi, cc in c["below_cols"]:
                    d = t.below[rows, cc]
                    met = ~np.isnan(d) & (d <= hi[gi]) & ~np.isfinite(lo[gi])
                    known[:, gi] |= met
                    OKm[:, gi] |= met
            if t.weak is not None:
                # Typical values of the material do not verify a limit.
                for gi, cc in c["below_cols"]:
                    known[:, gi] &= ~t.weak[rows, cc]
            val = known if APm is None else (APm & known)
            broken = val & ~OKm
            unk = ~known if APm is None else (APm & ~known)
            hard = c["g_hard"]
            if c["g_any_hard"]:
                common = hard & c["g_common"]
                feas &= ~broken[:, common].any(axis=1)
                miss |= unk[:, common].any(axis=1)
                if c["g_regime"]:
                    passes = np.zeros(n, dtype=bool)
                    complete = np.zeros(n, dtype=bool)
                    for gsel in c["g_regime"].values():
                        sel = hard & gsel
                        ok = ~broken[:, sel].any(axis=1)
                        passes |= ok
                        complete |= ok & ~unk[:, sel].any(axis=1)
                    feas &= passes
                    miss |= ~complete
            if c["g_any_soft"]:
                tech += broken[:, ~hard].sum(axis=1).astype(np.int32)
            # Margin: relative headroom inside the binding limit, full at MARGIN_FULL.
            with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
                rel = np.minimum((Vm - lo) / c["g_den_lo32"], (hi - Vm) / c["g_den_hi32"])
            good = val & OKm & ~np.isnan(Vm)
            msum += np.where(good, np.clip(rel / W.MARGIN_FULL, 0, 1), 0).sum(axis=1)
            mcnt += good.sum(axis=1)
            # Hard terms with no data column at all: missing wherever they apply.
            for ti in c["dead_hard"]:
                cm, sm, mm = c["masks"][ti]
                if spec[ti].scoped:
                    miss |= cm[cat] & sm[leg] & mm[self._sure_type(rows)]
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
        ref = self.profile_ref_.get(application)
        # Per rule group (rows x groups), for the blend search: the value is
        # within the bounds, is known (an analysis, or below detection for a
        # maximum), and the rule applies to the row (None: to every row).
        return {"Vm": Vm, "ok_m": OKm, "known_m": known, "applies_m": APm,
                "feasible": feas, "missing": miss, "tech": tech,
                "margin": margin, "profile": profile, "category": category, "static": static,
                "ref": ref[rows] if ref is not None else None}

    def _sure_type(self, rows) -> np.ndarray:
        """Material type index of rows, 'unknown' where read with low confidence."""
        return self.mtype_sure_[rows]

    def _evaluate(self, need: Need, cand: np.ndarray, gc_km: np.ndarray, block=None,
                  bidx=None, sims_u=None, prefilter=False) -> _Eval:
        """Score one need's candidates. ``block``: a _rule_block over rows
        that include the candidates, ``bidx`` the candidates' positions in it
        (rank_all shares one block among the needs with the same terms).
        ``prefilter``: drop infeasible candidates before scoring (when only
        feasible ones are returned); the scores of the others are unchanged.

        Score: the documented use decides (tier: proven 2, possible 1, not
        documented or material type unsure 0), and the fit (margin, profile,
        text, category, quantity, distance; x 0.85 if unverified) orders the
        pairs within a tier: score = (tier + fit x FIT_SPAN) / LEVELS."""
        t = self.table_
        ctx = self.context(need)
        app = self.apps_.get(ctx.application, {})
        spec = self._terms_for(need, ctx)
        road = gc_km * self.detour_factor
        ewc = t.ewc[cand]
        permitted = self.code_table(need.permitted_ewc_codes)
        frame = Frame(self, need, app, ctx, cand, road, ewc, t.legal[cand] == _WASTE, permitted)
        # The checks first: where only feasible pairs are returned, the rule
        # block is computed only for the candidates they leave.
        n = len(cand)
        feasible = np.ones(n, dtype=bool)
        missing_any = np.zeros(n, dtype=bool)
        type_unsure = np.zeros(n, dtype=bool)
        soft = np.zeros(n, dtype=np.int32)
        checks = []
        for check in CHECKS:
            out = check.test(frame)
            if out is None:
                continue
            zero = np.zeros(n, dtype=bool)
            bad = zero if out.bad is None else out.bad
            unknown = zero if out.unknown is None else out.unknown
            flag = zero if out.soft is None else out.soft
            feasible &= ~bad
            if check.name == "material_use":
                type_unsure = unknown
            else:
                missing_any |= unknown
            soft += flag
            checks.append((check, bad, unknown, flag))

        def keep_only(keep):
            nonlocal cand, gc_km, road, bidx, feasible, missing_any, type_unsure, soft, checks, frame
            cand, gc_km, road, feasible = cand[keep], gc_km[keep], road[keep], feasible[keep]
            missing_any, type_unsure, soft = missing_any[keep], type_unsure[keep], soft[keep]
            bidx = bidx[keep] if bidx is not None else None
            checks = [(ch, b[keep], u[keep], s_[keep]) for ch, b, u, s_ in checks]
            frame = Frame(self, need, app, ctx, cand, road, frame.ewc[keep], frame.waste[keep], permitted)

        if prefilter and not feasible.all():
            keep_only(np.flatnonzero(feasible))
        if block is None:
            block, bidx = self._rule_block(spec, cand, ctx.application), np.arange(len(cand))
        feasible &= block["feasible"][bidx]
        missing_any |= block["missing"][bidx]
        soft += block["tech"][bidx]
        if prefilter and not feasible.all():
            keep_only(np.flatnonzero(feasible))
        tier = self._use_table(ctx.uses_of)[0][self.mtype_sure_[cand]]
        if ctx.values.get("part"):
            # Documented only for another part than the one asked for: not
            # documented for this one.
            tier = np.where(self.other_part(ctx.uses_of, ctx.values["part"])[self.mtype_sure_[cand]], 0, tier)
        n = len(cand)
        q = t.quantity[cand]

        # Fit components, each 0..1.
        comp = {"margin": block["margin"][bidx], "profile": block["profile"][bidx]}
        if n:
            if sims_u is None:
                sims_u = self._text_sims([need])[0]
            comp["text"] = np.clip(sims_u[t.text_id[cand]] / W.TEXT_FULL, 0, 1)
        else:
            comp["text"] = np.zeros(0)
        # Where the catalogue documents the use of the material (proven or
        # possible), its category is typical for it whatever the use's
        # category list says (ground limestone is filed as mineral fines).
        comp["category"] = np.where(tier > 0, W.CATEGORY_TYPICAL, block["category"][bidx])
        if need.quantity_t_per_year:
            comp["quantity"] = np.where(np.isnan(q), 0.5, np.minimum(1.0, q / need.quantity_t_per_year))
        else:
            comp["quantity"] = np.full(n, 0.5)
        comp["distance"] = np.exp(-road / self.distance_decay_km)
        w = self.weights_
        fit = (block["static"][bidx] + w["category"] * (comp["category"] - block["category"][bidx])
               + w["text"] * comp["text"] + w["quantity"] * comp["quantity"]
               + w["distance"] * comp["distance"]) / sum(w.values())
        # An unverified pair (analyses missing, or the material type unsure,
        # whose documented uses then do not count) ranks below a verified
        # one of equal fit in the same tier.
        missing_any = missing_any | type_unsure
        fit = fit * W.TECHNICAL_MISS_FACTOR ** soft * np.where(missing_any, self.unverified_factor, 1.0)
        # Within the proven tier, established practice (a standard, product
        # class or national guide names the use) before a use proven by
        # studies or practice alone.
        proven = tier == W.USE_TIERS["proven"]
        est = self.established(ctx.uses_of)[self.mtype_sure_[cand]]
        fit = np.where(proven, fit * (1 - W.ESTABLISHED_SHARE) + W.ESTABLISHED_SHARE * est, fit)
        score = (tier + np.clip(fit, 0, 1) * W.FIT_SPAN) / W.LEVELS
        if not prefilter:
            score = score * np.where(feasible, 1.0, W.INFEASIBLE_FACTOR)
        ref = block["ref"]
        return _Eval(need, cand, gc_km, road, feasible, missing_any, np.clip(score, 0, 1), comp, ctx, tier,
                     spec, self._compiled(spec) if spec else None, block["Vm"], bidx, checks,
                     soft, ref[bidx] if ref is not None else None, frame)

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


    # ---------------------------------------------------------------- output
    def _matches(self, ev: _Eval, js) -> list:
        """Match objects for candidate positions js (reasons built lazily)."""
        js = np.asarray(js, dtype=np.int64)
        if len(js) == 0:
            return []
        t, need = self.table_, ev.need
        keys = list(ev.components)
        comps = np.column_stack([ev.components[k][js] for k in keys]).tolist()
        rows = ev.cand[js]
        road = ev.road_km[js]
        cost = (W.COST_EUR_PER_T_FIXED + road * self.cost_eur_per_tkm).tolist()
        co2 = (road * self.co2_kg_per_tkm).tolist()
        ids = t.ids[rows].tolist()
        score, feas, miss = ev.score[js].tolist(), ev.feasible[js].tolist(), ev.missing_any[js].tolist()
        gc, road = ev.gc_km[js].tolist(), road.tolist()
        mt, mc = self.mtype_[rows].tolist(), self.mconf_[rows].tolist()
        out = []
        for i, j in enumerate(js.tolist()):
            key = self.types_[mt[i]] if mt[i] < len(self.types_) else None
            out.append(Match(need_id=need.id, stream_id=str(ids[i]), score=score[i], feasible=feas[i],
                             verified=not miss[i], distance_km=gc[i], road_km=road[i],
                             transport_cost_eur_per_t=cost[i], transport_co2_kg_per_t=co2[i],
                             components=partial(_rounded, keys, comps[i]),
                             explain=partial(self._explain, ev, j),
                             material_type=key, material_confidence=mc[i] if key else None))
        return out

    def _match(self, ev: _Eval, j: int) -> Match:
        return self._matches(ev, [j])[0]

    def _context_lines(self, ctx: Context) -> list:
        labels = self.reading_.get("labels", {})

        def words(keys, lang):
            return ", ".join(labels.get(k, {}).get(lang) or k for k in keys)

        out = []
        if ctx.app_read:
            out.append(line("context", Reason(R.USE_READ_FROM_TEXT, self.app_names(ctx.application))))
        if ctx.read:
            out.append(line("context", Reason(R.CONTEXT_READ, {"context": words(ctx.read, "en"),
                                                               "context_fi": words(ctx.read, "fi"),
                                                               "context_sv": words(ctx.read, "sv")})))
        for key in ctx.stricter:
            what = R.CONTEXT_WHAT[key.split(":")[0]]
            out.append(line("context", Reason(R.CONTEXT_STRICTER, {
                "what": what, "reading": words([key], "en"), "reading_fi": words([key], "fi"),
                "reading_sv": words([key], "sv")})))
        app = self.apps_.get(ctx.application, {})
        column = ctx.values.get("mara_column")
        if column and app.get("mara_columns"):
            names = app["mara_columns"][column]
            out.append(line("context", Reason(R.MARA_COLUMN, {"act": app["scope"]["act"], "column": names["en"],
                                                              "column_fi": names["fi"]})))
        pc = ctx.values.get("product_class")
        if ctx.values.get("regime") == "permit":
            out.append(line("context", Reason(R.PERMIT_GOVERNS, {})))
        elif pc and app.get("product_classes"):
            names = app["product_classes"]["names"][pc]
            out.append(line("context", Reason(R.PRODUCT_CLASS, {"product_class": names["en"],
                                                                "product_class_fi": names["fi"]})))
        return out

    def _explain(self, ev: _Eval, j: int):
        """(missing, reasons, rules, summary) of candidate j, built on demand.
        Reasons are ordered: refusals, what the material is and its use, the
        legal context, limits (passed ones collapsed to one line per act, the
        closest named), missing analyses, transport, legal status, the rest."""
        t, need, ctx = self.table_, ev.need, ev.context
        row = int(ev.cand[j])
        app = self.apps_.get(ctx.application, {})
        lines, missing, rules = [], set(), []
        f = ev.frame
        f.j = j
        for check, bad, unknown, soft in ev.checks:
            ls, miss = check.explain(f, row, bool(bad[j]), bool(unknown[j]), bool(soft[j]))
            lines.extend(ls)
            missing |= miss
        lines.extend(self._context_lines(ctx))
        limit_lines, limit_missing, rules, closest = self._limit_lines(ev, j, row)
        lines.extend(limit_lines)
        missing |= limit_missing
        if limit_missing:
            keys = sorted(limit_missing)
            lines.append(line("missing", Reason(R.UNVERIFIED, {"count": len(keys), "keys": ", ".join(keys)})))
        road = float(ev.road_km[j])
        _, cost, co2 = self.transport(ev.gc_km[j])
        lines.append(line("transport", Reason(R.TRANSPORT, {"road_km": road, "cost": float(cost), "co2": float(co2)})))
        q = t.quantity[row]
        if need.quantity_t_per_year and not np.isnan(q):
            lines.append(line("other", Reason(R.QUANTITY_FIT, {"quantity": float(q), "wanted": need.quantity_t_per_year})))
        if ev.profile_ref is not None and ev.components["profile"][j] > 0.6:
            ref = app["profiles"][int(ev.profile_ref[j])]["name"]
            lines.append(line("other", Reason(R.PROFILE_SIMILAR, {"reference": ref,
                                                                  "similarity": float(ev.components["profile"][j])})))
        lines.sort(key=lambda x: x.order)
        reasons = [x.reason for x in lines]
        summary = self._summary(ev, j, row, lines, closest, sorted(missing), road)
        return sorted(missing), reasons, rules, summary

    def _limit_lines(self, ev: _Eval, j: int, row: int):
        """Lines of the requirement and rule terms: broken ones each, passed
        limits of a law or standard collapsed per act with the closest named;
        (lines, missing keys, rule ids applied, closest (label, share))."""
        t = self.table_
        c = ev.compiled
        out, missing, rules = [], set(), []
        if not ev.spec:
            return out, missing, rules, None
        cat_code, leg, mt = int(t.category[row]), int(t.legal[row]) + 1, int(self._sure_type(np.array([row]))[0])
        brow = int(ev.bidx[j])
        passed = {}          # act -> [(share, label)]
        regime_broken = {}   # regime -> [Reason]
        regime_missing = {}
        for ti, term in enumerate(ev.spec):
            cm, sm, mm = c["masks"][ti]
            if term.scoped and not (cm[cat_code] and sm[leg] and mm[mt]):
                continue
            if term.rule_id:
                rules.append(term.rule_id)
            gi = c["group_of"].get(ti)
            v = float("nan") if gi is None else float(ev.Vm[brow, gi])
            col = t.column(term.keys[0]) if len(term.keys) == 1 and term.per is None else None
            weak = t.weak is not None and col is not None and bool(t.weak[row, col])
            if math.isnan(v) or weak:
                d = float(t.below[row, col]) if (t.below is not None and col is not None) else float("nan")
                if not math.isnan(d) and term.lo is None and term.hi is not None and d <= term.hi:
                    if term.act:
                        passed.setdefault(term.act, []).append((0.0, term.label))
                    else:
                        out.append(line("limits", Reason(R.REQ_BELOW_DETECTION_OK, {
                            "property": term.label, "detection": d, "unit": term.unit, "limit": term.hi}, True)))
                    continue
                keys = [k for k in term.keys + (term.per or ()) if self._is_missing(row, k)] or list(term.keys)
                if not term.hard:
                    continue
                if term.regime:
                    regime_missing.setdefault(term.regime, set()).update(keys)
                    continue
                missing.update(keys)
                if not math.isnan(d):
                    out.append(line("missing", Reason(R.REQ_BELOW_DETECTION_UNSURE, {
                        "property": term.label, "detection": d, "unit": term.unit,
                        "limit": term.hi if term.hi is not None else term.lo}, None, term.cited)))
                elif weak:
                    out.append(line("missing", Reason(R.REQ_TYPICAL_VALUE, {"property": term.label})))
                elif term.rule_id is None:
                    out.append(line("missing", Reason(R.REQ_MISSING, {"property": term.label,
                                                                      "limit": _limit_text(term.lo, term.hi)})))
                continue
            r = term.reason(v)
            if r.ok:
                if term.act:
                    passed.setdefault(term.act, []).append((term.share(v), term.label))
                else:
                    out.append(line("limits", r))
            elif term.regime:
                regime_broken.setdefault(term.regime, []).append(r)
            else:
                out.append(line("refusal" if term.hard else "limits", r))
        closest = None
        for act, items in passed.items():
            share, label = max(items)
            if closest is None or share > closest[1]:
                closest = (label, share)
            if len(items) == 1:
                out.append(line("limits", Reason(R.LIMITS_MET_ONE, {"act": act, "property": label, "share": share}, True)))
            else:
                out.append(line("limits", Reason(R.LIMITS_MET, {"count": len(items), "act": act, "property": label,
                                                                "share": share}, True)))
        regimes = sorted({term.regime for term in ev.spec if term.regime})
        if regimes:
            names = {"EU": "EU regime (Regulation (EU) 2019/1009)", "national": "national regime (MMM decree 964/2023)"}
            names_fi = {"EU": "EU-sääntely (asetus (EU) 2019/1009)", "national": "kansallinen sääntely (MMM:n asetus 964/2023)"}
            ok = [g for g in regimes if g not in regime_broken]
            if ok:
                complete = [g for g in ok if not regime_missing.get(g)]
                for g in ok:
                    tpl = R.REGIME_PASSES if g in complete else R.REGIME_UNBROKEN
                    out.append(line("use", Reason(tpl, {"regime": names[g], "regime_fi": names_fi[g]},
                                                  True if g in complete else None)))
                if not complete:
                    missing.update(set.union(*(regime_missing[g] for g in ok)))
                for g, broken in regime_broken.items():
                    out.extend(line("other", Reason(R.REGIME_BROKEN, {"regime": names[g], "regime_fi": names_fi[g],
                                                                      **{k: v for k, v in b.params.items()
                                                                         if k in ("property", "value", "unit")},
                                                                      "limit": b.params.get("limit")}, None, b.source))
                               for b in broken)
            else:
                first = {g: regime_broken[g][0] for g in regimes}
                detail = "; ".join(f"{names[g]}: {first[g].render()}" for g in regimes)
                out.append(line("refusal", Reason(R.REGIME_FAILS, {"detail": detail}, False)))
                out.extend(line("refusal", b) for g in regimes for b in regime_broken[g])
        return out, missing, rules, closest

    def _summary(self, ev: _Eval, j: int, row: int, lines, closest, missing, road) -> Reason:
        """One line: what the stream is, why it fits (or why not), the limit
        that binds closest, what is missing, the distance."""
        key = self.type_of(row)
        if key is not None:
            material = self.type_names(key)
        else:
            material = {"material": str(self.table_.titles[row]) if self.table_.titles is not None else str(self.table_.ids[row])}
        appn = self.app_names(ev.context.uses_of)
        refusal = next((x.reason for x in lines if x.order == 0 and x.reason.ok is False), None)
        if refusal is not None:
            use = {"template": R.SUMMARY_REFUSED, "params": {**appn, "why": {"template": refusal.template,
                                                                             "params": refusal.params}}}
        else:
            tier = int(ev.tier[j])
            tpl = {2: R.SUMMARY_PROVEN, 1: R.SUMMARY_POSSIBLE}.get(tier, R.SUMMARY_UNDOCUMENTED)
            use = {"template": tpl, "params": appn}
        binding = ({"template": R.SUMMARY_BINDING, "params": {"property": closest[0], "share": closest[1]}}
                   if closest and refusal is None else "")
        shown = missing[:W.SUMMARY_MISSING_SHOWN] + (["…"] if len(missing) > W.SUMMARY_MISSING_SHOWN else [])
        miss = ({"template": R.SUMMARY_MISSING, "params": {"keys": ", ".join(shown)}} if missing else "")
        return Reason(R.SUMMARY, {**material, "use": use, "binding": binding, "missing": miss, "road_km": road})

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
            ctx = self.context(n)
            spec = self._terms_for(n, ctx)
            groups.setdefault((id(spec), ctx.application), (spec, ctx.application, []))[2].append(i)
        out = {}
        n_texts = max(1, len(self.table_.texts))
        text_chunk = max(1, int(TEXT_SIMS_CELLS // n_texts))
        for spec, application, members in groups.values():
            for a in range(0, len(members), RANK_ALL_CHUNK):
                part = members[a:a + RANK_ALL_CHUNK]
                cands = [ind[i].astype(np.int64) for i in part]
                seen = np.zeros(len(self.table_), dtype=bool)
                for c_ in cands:
                    seen[c_] = True
                rows = np.flatnonzero(seen)
                block = self._rule_block(spec, rows, application)
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

    def rank_refused_for(self, need: Need, checks, top=None) -> list:
        """Streams in the need's reach that any of the named checks (``Check.name``)
        refuses, best first (the order rank_streams gives the infeasible ones), the
        first ``top`` or all. Decided on the checks' arrays: match objects (and, when
        read, their reasons) are built only for these streams, not for every stream
        the need cannot take for other reasons."""
        cand, gc = self._candidates(need, True)
        ev = self._evaluate(need, cand, gc, prefilter=False)
        refused = np.zeros(len(ev.cand), dtype=bool)
        for check, bad, _unknown, _soft in ev.checks:
            if check.name in checks:
                refused |= bad
        idx = np.flatnonzero(refused)
        if len(idx) == 0:
            return []
        ids = self.table_.ids[ev.cand[idx]].astype(str)
        idx = idx[np.lexsort((ids, -ev.score[idx]))]
        return self._matches(ev, idx if top is None else idx[:top])

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
            # Only the use's name: its description would be read as a context.
            pseudo = Need(id=f"idea:{name}", title=app["name_en"], application=name,
                          lat=float(t.lat[row]), lon=float(t.lon[row]))
            ev = self._evaluate(pseudo, np.array([row]), np.array([0.0]))
            m = self._match(ev, 0)
            comps = ev.components
            # Distance and quantity say nothing about a use: leave them out.
            keys = ("margin", "profile", "text", "category")
            score = sum(self.weights_[k] * float(comps[k][0]) for k in keys) / sum(self.weights_[k] for k in keys)
            score *= (self.unverified_factor if not m.verified else 1.0) * (1.0 if m.feasible else W.INFEASIBLE_FACTOR)
            score *= W.TECHNICAL_MISS_FACTOR ** int(ev.tech_miss[0])
            # The documented use decides before resemblance, as in ranking.
            score = (int(ev.tier[0]) + score * W.FIT_SPAN) / W.LEVELS
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
            # Only the use's name, as in pairing_ideas: its description would be read as a context.
            pseudo = Need(id=f"idea:{name}", title=app["name_en"], application=name, lat=0.0, lon=0.0)
            ev = self._evaluate(pseudo, rows, np.zeros(len(rows)))
            # The same operations, in the same order and precision, as pairing_ideas.
            score = sum(self.weights_[k] * ev.components[k].astype(np.float64) for k in keys) / weight
            score = score * (np.where(ev.missing_any, self.unverified_factor, 1.0)
                             * np.where(ev.feasible, 1.0, W.INFEASIBLE_FACTOR))
            score = score * W.TECHNICAL_MISS_FACTOR ** ev.tech_miss.astype(np.float64)
            score = (ev.tier.astype(np.float64) + score * W.FIT_SPAN) / W.LEVELS
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
