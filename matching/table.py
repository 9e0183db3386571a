"""Columnar store of streams: what ``Matcher.fit`` scores over.

Holding streams as NumPy columns (values as a dense float32 matrix, streams x
keys, NaN = not analysed) keeps a million streams within memory and lets the
scoring run vectorised. Build it from Stream objects, or directly from arrays
when the data come from a database export (see benchmarks/bench_matching.py).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import vocabulary as V

CATEGORIES = ("slag", "ash", "dust", "sludge", "tailings", "waste_rock", "gypsum",
              "lime_residue", "dregs", "biomass_residue", "metal_scrap", "mineral_fines", "other")
LEGAL = ("waste", "by_product", "end_of_waste", "product")
CAT_CODE = {c: i for i, c in enumerate(CATEGORIES)}
#: The categories' names in lower case, as in a sentence (the site's category
#: labels, marketplace/i18n.py, in English, Finnish and Swedish).
CATEGORY_NAMES = {
    "slag": ("slag", "kuona", "slagg"), "ash": ("ash", "tuhka", "aska"), "dust": ("dust", "pöly", "stoft"),
    "sludge": ("sludge", "liete", "slam"), "tailings": ("tailings", "rikastushiekka", "anrikningssand"),
    "waste_rock": ("waste rock", "sivukivi", "gråberg"), "gypsum": ("gypsum", "kipsi", "gips"),
    "lime_residue": ("lime residue", "kalkkijäännös", "kalkrester"), "dregs": ("dregs", "sakka", "grönlutsslam"),
    "biomass_residue": ("biomass residue", "biomassatähde", "biomassarester"),
    "metal_scrap": ("metal scrap", "metalliromu", "metallskrot"),
    "mineral_fines": ("mineral fines", "mineraalihienoaines", "mineraliskt finmaterial"),
    "other": ("other material", "muu materiaali", "annat material"),
}


def category_names(category: str) -> dict:
    """Reason parameters naming a category: ``category`` with its _fi and _sv variants."""
    en, fi, sv = CATEGORY_NAMES[category]
    return {"category": en, "category_fi": fi, "category_sv": sv}
LEGAL_CODE = {c: i for i, c in enumerate(LEGAL)}


@dataclass
class StreamTable:
    ids: np.ndarray            # (n,) object, stream ids
    lat: np.ndarray            # (n,) float64, degrees
    lon: np.ndarray            # (n,) float64, degrees
    category: np.ndarray       # (n,) int16 into CATEGORIES
    ewc: np.ndarray            # (n,) int32 into ewc_codes, -1 = none
    ewc_codes: list            # normalised codes 'NN NN NN[*]'
    legal: np.ndarray          # (n,) int8 into LEGAL, -1 = not stated
    quantity: np.ndarray       # (n,) float64 t/a, NaN = not stated
    price: np.ndarray          # (n,) float64 EUR/t, NaN = not stated
    X: np.ndarray              # (n, k) float32, NaN = not analysed
    keys: tuple                # column keys of X (vocabulary keys)
    text_id: np.ndarray        # (n,) int32 into texts
    texts: list                # unique texts (title + description + category)
    titles: np.ndarray | None = None   # (n,) object, optional, for display
    places: np.ndarray | None = None   # (n,) object, optional
    material: np.ndarray | None = None       # (n,) int16 into material_types, -1 = not stated
    material_types: list | None = None       # material type keys
    material_conf: np.ndarray | None = None  # (n,) float32, 1 where stated, else the recogniser's
    below: np.ndarray | None = None    # (n, k) float32 detection limit where below it, else NaN
    weak: np.ndarray | None = None     # (n, k) bool: typical or estimated value, not an analysis
    hp: np.ndarray | None = None       # (n,) int16 bit i = HPi stated; -1 = not assessed
    evidence: np.ndarray | None = None  # (n,) bool: legal status backed by evidence

    def __post_init__(self):
        n = len(self.ids)
        if self.material is None:
            self.material = np.full(n, -1, dtype=np.int16)
            self.material_types = []
        if self.material_conf is None:
            self.material_conf = np.where(self.material >= 0, 1.0, 0.0).astype(np.float32)
        if self.hp is None:
            self.hp = np.full(n, -1, dtype=np.int16)
        if self.evidence is None:
            self.evidence = np.zeros(n, dtype=bool)

    def __len__(self):
        return len(self.ids)

    @property
    def hazardous(self) -> np.ndarray:
        haz = np.array([c.endswith("*") for c in self.ewc_codes] + [False], dtype=bool)
        return haz[self.ewc]  # index -1 picks the trailing False

    def values_of(self, key: str, rows) -> np.ndarray:
        """Values of one key over rows (float64), NaN where not analysed."""
        c = self.column(key)
        return self.X[rows, c].astype(np.float64) if c is not None else np.full(len(rows), np.nan)

    def column(self, key: str) -> int | None:
        col = self.__dict__.get("_col")
        if col is None:
            col = self.__dict__["_col"] = {k: i for i, k in enumerate(self.keys)}
        return col.get(key)

    @classmethod
    def from_streams(cls, streams) -> "StreamTable":
        streams = list(streams)
        keys = tuple(k for k in V.ALL_KEYS if any(k in s.values for s in streams))
        col = {k: i for i, k in enumerate(keys)}
        n = len(streams)
        X = np.full((n, len(keys)), np.nan, dtype=np.float32)
        ewc_codes, ewc_idx, texts, text_idx = [], {}, [], {}
        ewc = np.full(n, -1, dtype=np.int32)
        tid = np.empty(n, dtype=np.int32)
        below = weak = None
        if any(s.below_detection for s in streams):
            keys = tuple(k for k in V.ALL_KEYS if any(k in s.values or k in s.below_detection for s in streams))
            col = {k: i for i, k in enumerate(keys)}
            X = np.full((n, len(keys)), np.nan, dtype=np.float32)
            below = np.full((n, len(keys)), np.nan, dtype=np.float32)
        if any(src.get("kind") in WEAK_SOURCES for s in streams for src in s.sources):
            weak = np.zeros((n, len(keys)), dtype=bool)
        mtypes, mcode = [], {}
        material = np.full(n, -1, dtype=np.int16)
        hp = np.full(n, -1, dtype=np.int16)
        for i, s in enumerate(streams):
            for k, v in s.values.items():
                X[i, col[k]] = v
            for k, v in s.below_detection.items():
                below[i, col[k]] = v
            if weak is not None:
                weak[i] = _weak_columns(s, col, len(keys))
            if s.material_type:
                material[i] = mcode.setdefault(s.material_type, len(mcode))
                if material[i] == len(mtypes):
                    mtypes.append(s.material_type)
            if s.hazardous_properties is not None:
                hp[i] = sum(1 << int(h[2:]) for h in s.hazardous_properties) if s.hazardous_properties else 0
            if s.ewc_code:
                ewc[i] = ewc_idx.setdefault(s.ewc_code, len(ewc_idx))
                if ewc[i] == len(ewc_codes):
                    ewc_codes.append(s.ewc_code)
            t = stream_text(s.title, s.description, s.category, s.industry)
            tid[i] = text_idx.setdefault(t, len(text_idx))
            if tid[i] == len(texts):
                texts.append(t)
        nan = float("nan")
        return cls(
            ids=np.array([s.id for s in streams], dtype=object),
            lat=np.array([s.lat for s in streams], dtype=np.float64),
            lon=np.array([s.lon for s in streams], dtype=np.float64),
            category=np.array([CAT_CODE[s.category] for s in streams], dtype=np.int16),
            ewc=ewc, ewc_codes=ewc_codes,
            legal=np.array([LEGAL_CODE.get(s.legal_status, -1) for s in streams], dtype=np.int8),
            quantity=np.array([nan if s.quantity_t_per_year is None else s.quantity_t_per_year
                               for s in streams], dtype=np.float64),
            price=np.array([nan if s.price_eur_per_t is None else s.price_eur_per_t
                            for s in streams], dtype=np.float64),
            X=X, keys=keys, text_id=tid, texts=texts,
            titles=np.array([s.title for s in streams], dtype=object),
            places=np.array([s.place for s in streams], dtype=object),
            material=material, material_types=mtypes, below=below, weak=weak, hp=hp,
            evidence=np.array([bool(s.legal_status_evidence) for s in streams], dtype=bool))


#: Source kinds that give a material's typical or estimated values, which an
#: analysis of the stream itself outweighs.
WEAK_SOURCES = ("typical", "estimate")


def _weak_columns(stream, col, k) -> np.ndarray:
    """Columns whose value comes only from a typical or estimated source.
    A source without ``properties`` covers every value of the record."""
    weak, strong = np.zeros(k, dtype=bool), np.zeros(k, dtype=bool)
    for src in stream.sources:
        keys = src.get("properties") or list(stream.values)
        idx = [col[x] for x in keys if x in col]
        (weak if src.get("kind") in WEAK_SOURCES else strong)[idx] = True
    return weak & ~strong


def stream_text(title, description, category, industry=None) -> str:
    """Text a stream is matched on: title, description, category word."""
    parts = [title or "", description or "", (category or "").replace("_", " "), industry or ""]
    return " ".join(p for p in parts if p)
