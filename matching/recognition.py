"""Recognition: which catalogue material type a side stream is.

A stream that states its ``material_type`` is that type (confidence 1.0).
Otherwise a scikit-learn classifier reads what sellers write and measure:

* text: title and description as character 3-5-grams within word bounds, so
  that Finnish compounds and inflections ("masuunikuonaa", "lentotuhkat") and
  Swedish compounds share grams with the catalogue's names and synonyms;
* the List of Waste code (the entry, and its sub-chapter "10 02") and the
  contract category, one-hot;
* the composition signature: for every type, how many of the analysed values
  fall inside its typical range (soft, on a log scale) and how far the others
  fall outside; a value the type lists no range for says nothing about it, so
  that an analysis a buyer asked for (a limestone analysed for Cd) does not
  turn a stream into the type whose catalogue entry lists that key.

The model is trained on reference samples drawn from the catalogue alone
(``matching/knowledge/materials.json``, deterministic seed): values uniform or
log-uniform inside each type's typical range, analyses, codes and text
dropped at random as sellers leave them out, text composed of the type's
names and synonyms in English, Finnish and Swedish with words that carry no
type. The classifier is a linear support-vector machine (one per type, on
sparse features: fast to fit and to apply to 100 000 streams); its margins
become probabilities with ``CalibratedClassifierCV`` (sigmoid, 3 folds)
and one temperature fitted on a held-out reference set, checked by a
reliability test (tests/matching/test_recognition.py).
"""
from __future__ import annotations

import re
from collections.abc import Mapping

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.svm import LinearSVC

from . import vocabulary as V
from .contract import load_schema, normalise_ewc
from .materials import Catalogue, load_catalogue

#: Small positive offset before log10, by kind of key, so that zero analyses
#: stay finite. Units as in the vocabulary: wt%, mg/kg, mg/kg at L/S 10.
_LOG_OFFSET = {"composition": 0.01, "trace": 0.1, "leaching": 0.001, "properties": 0.01}
_LOG_OFFSET_KEY = {"hydraulic_conductivity_m_s": 1e-12}
#: Width, in decades, of the soft edge of a typical range: a value 0.15
#: decades (a factor 1.4) outside counts as one unit of contradiction.
SIGNATURE_TOLERANCE = 0.15

#: Words sellers put around a material's name, by language: they carry no
#: information on the type, so the model must learn to ignore them.
_FILLER = {
    "en": ["for sale", "available", "batch", "stockpile", "dry", "wet", "t/a", "from the works",
           "continuous supply", "analysed", "lot", "delivered by truck", "free of charge"],
    "fi": ["myydään", "tarjolla", "erä", "varastokasa", "kuiva", "märkä", "t/v", "tehtaalta",
           "jatkuva saatavuus", "analysoitu", "toimitus autolla", "ilmaiseksi", "noudettavissa"],
    "sv": ["säljes", "tillgänglig", "parti", "upplag", "torr", "våt", "t/år", "från verket",
           "kontinuerlig leverans", "analyserad", "leverans med lastbil", "gratis"],
}


#: Words that name only a category or say that something is a side stream,
#: by category and in all three languages (the site's category labels,
#: matching/table.stream_text's category words, and their common inflected
#: forms as prefixes): a record whose text has nothing else, no List of Waste
#: code and no analysis tells its category, not its type.
_GENERIC = {
    "": ["sivuvirt", "sivutuot", "jäte", "jätt", "jäännö", "materiaal", "tähde", "tähtee", "muu", "waste",
         "side", "stream", "by", "product", "byproduct", "residue", "residual", "material", "other",
         "sidoström", "biprodukt", "restprodukt", "restmaterial", "rest", "avfall", "övrig", "annat"],
    "slag": ["kuona", "slag"],
    "ash": ["tuhka", "tuhkaa", "tuhkat", "tuhkan", "ash", "aska", "askan"],
    "dust": ["pöly", "dust", "damm", "stoft"],
    "sludge": ["liete", "lietet", "lietteen", "sludge", "slam"],
    "tailings": ["rikastushiek", "tailing", "anrikningssand", "sand"],
    "waste_rock": ["sivukiv", "rock", "gråberg", "berg"],
    "gypsum": ["kipsi", "kipsiä", "gypsum", "gips"],
    "lime_residue": ["kalkki", "kalkkijään", "lime", "kalk", "kalkrest"],
    "dregs": ["sakka", "sakkaa", "dregs", "grönlutsslam"],
    "biomass_residue": ["biomass", "biomassatäh", "biomassarest"],
    "metal_scrap": ["metalli", "romu", "metal", "scrap", "skrot", "metallskrot"],
    "mineral_fines": ["mineraal", "mineral", "hienoaines", "fines", "fine", "finmaterial", "mineraliskt"],
    "other": [],
}


#: Letters a Finnish or Swedish inflection adds to a generic word (kuona ->
#: kuonaa, kuonasta; aska -> askorna).
GENERIC_ENDING = 3
_WORD = re.compile(r"[^\W\d_]+")


def category_share(key: str, category: str | None = None, catalogue: Catalogue | None = None) -> float:
    """The prior share of a type within a category (the record's, else the
    type's own): the reference samples are drawn evenly over the types, so a
    record that tells only its category is worth 1/n for each of the n types
    of that category. 1.0 for a category of one type or an unknown key."""
    catalogue = catalogue or load_catalogue()
    material = catalogue.types.get(key)
    if category is None or not any(t.category == category for t in catalogue.types.values()):
        if material is None:
            return 1.0
        category = material.category
    return 1.0 / sum(1 for t in catalogue.types.values() if t.category == category)


def category_only(key: str, confidence: float, category: str | None = None,
                  catalogue: Catalogue | None = None) -> bool:
    """Whether a reading tells no more than the category: its confidence is
    no better than the type's share of a category of several types ("slag,
    type not known")."""
    share = category_share(key, category, catalogue)
    return share < 1.0 and confidence <= share + 1e-6


def _get(record, name, default=None):
    if isinstance(record, Mapping):
        return record.get(name, default)
    return getattr(record, name, default)


def record_values(record) -> dict:
    """The flat values of a record: ``values`` if present, else the contract
    groups composition, trace, leaching and properties merged."""
    values = _get(record, "values")
    if values is not None:
        return values
    merged = {}
    for group in ("composition", "trace", "leaching", "properties"):
        merged.update(_get(record, group) or {})
    return merged


def _sharpen(proba: np.ndarray, temperature: float) -> np.ndarray:
    """Probabilities raised to 1/temperature and renormalised per row."""
    p = np.power(np.maximum(proba, 1e-12), 1.0 / temperature)
    return p / p.sum(axis=1, keepdims=True)


class Recogniser(BaseEstimator, ClassifierMixin):
    """Material-type classifier trained on a catalogue's reference samples.

    Parameters: ``samples_per_type`` reference samples drawn per type;
    ``drop_value`` probability that one analysis is left out of a sample;
    ``drop_all_values``, ``drop_text``, ``drop_code`` probabilities that a
    sample has no analyses, no text, no List of Waste code; ``C`` inverse
    regularisation of the linear support-vector machine; ``random_state`` seed of the
    sampling (the fit is deterministic for a given seed).
    """

    def __init__(self, samples_per_type: int = 240, drop_value: float = 0.5,
                 drop_all_values: float = 0.25, drop_text: float = 0.3, drop_code: float = 0.4,
                 background: float = 3.0,
                 text_weight: float = 3.0, C: float = 0.5, method: str = "sigmoid",
                 random_state: int = 0):
        self.samples_per_type = samples_per_type
        self.drop_value = drop_value
        self.drop_all_values = drop_all_values
        self.drop_text = drop_text
        self.drop_code = drop_code
        self.background = background
        self.text_weight = text_weight
        self.C = C
        self.method = method
        self.random_state = random_state

    # ------------------------------------------------------------ training data
    def reference_samples(self, catalogue: Catalogue) -> tuple[list[dict], list[str]]:
        """Synthetic seller records drawn from the catalogue, with their type keys."""
        rng = np.random.default_rng(self.random_state)
        spans = {}
        for t in catalogue.types.values():
            for prop, (lo, hi) in t.composition.items():
                a, b = spans.get(prop, (lo, hi))
                spans[prop] = (min(a, lo), max(b, hi))
        records, labels = [], []
        for key in sorted(catalogue.types):
            t = catalogue.types[key]
            words = {lang: [t.names[lang].lower()] + t.synonyms[lang] for lang in ("en", "fi", "sv")}
            for _ in range(self.samples_per_type):
                records.append(self._sample(rng, t, words, spans))
                labels.append(key)
        return records, labels

    def _sample(self, rng, t, words, spans) -> dict:
        values = {}
        if rng.random() >= self.drop_all_values:
            for prop, (lo, hi) in t.composition.items():
                if rng.random() < self.drop_value:
                    continue
                if lo > 0 and hi / lo > 10:
                    values[prop] = float(10 ** rng.uniform(np.log10(lo), np.log10(hi)))
                else:
                    values[prop] = float(rng.uniform(lo, hi))
            others = [k for k in sorted(spans) if k not in t.composition and spans[k][1] > 0]
            for k in rng.choice(others, size=min(len(others), rng.poisson(self.background)), replace=False):
                lo, hi = spans[str(k)]
                values[str(k)] = float(10 ** rng.uniform(np.log10(max(lo, hi * 1e-3)), np.log10(hi)))
        title = description = ""
        if rng.random() >= self.drop_text:
            lang = ("en", "fi", "sv")[rng.integers(3)]
            pool = words[lang]
            picked = [pool[i] for i in rng.choice(len(pool), size=min(len(pool), 1 + rng.integers(2)), replace=False)]
            filler = [_FILLER[lang][i] for i in rng.choice(len(_FILLER[lang]), size=rng.integers(3), replace=False)]
            title = picked[0]
            description = " ".join(picked[1:] + filler)
        code = None
        if t.ewc_codes and rng.random() >= self.drop_code:
            code = t.ewc_codes[rng.integers(len(t.ewc_codes))]
        return {"title": title, "description": description, "ewc_code": code,
                "category": t.category, "values": values}

    # ------------------------------------------------------------ features
    def _fit_features(self, catalogue: Catalogue, records: list[dict]):
        self.value_keys_ = sorted({k for t in catalogue.types.values() for k in t.composition})
        self.categories_ = tuple(load_schema("side-stream.schema.json")["properties"]["category"]["enum"])
        codes = sorted({c.rstrip("*") for t in catalogue.types.values() for c in t.ewc_codes})
        self.codes_ = {c: i for i, c in enumerate(codes)}
        self.subchapters_ = {s: i for i, s in enumerate(sorted({c[:5] for c in codes}))}
        self.offsets_ = np.array([_LOG_OFFSET_KEY.get(k, _LOG_OFFSET[V.kind_of(k)]) for k in self.value_keys_])
        self.text_ = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True,
                                     lowercase=True, min_df=1, dtype=np.float32)
        self.text_.fit([f"{r['title']} {r['description']}" for r in records])
        # Each type's typical range as log10 bounds over the value keys (NaN:
        # the type lists no range for that key).
        types = sorted(catalogue.types)
        self.range_lo_ = np.full((len(types), len(self.value_keys_)), np.nan)
        self.range_hi_ = np.full_like(self.range_lo_, np.nan)
        for i, key in enumerate(types):
            for j, prop in enumerate(self.value_keys_):
                if prop in catalogue.types[key].composition:
                    lo, hi = catalogue.types[key].composition[prop]
                    self.range_lo_[i, j] = np.log10(lo + self.offsets_[j])
                    self.range_hi_[i, j] = np.log10(hi + self.offsets_[j])

    def _value_matrix(self, records) -> tuple[np.ndarray, np.ndarray]:
        """log10 of each analysed value (offset by kind) and the analysed mask."""
        col = {k: i for i, k in enumerate(self.value_keys_)}
        raw = np.zeros((len(records), len(self.value_keys_)), dtype=np.float64)
        mask = np.zeros_like(raw, dtype=bool)
        for i, r in enumerate(records):
            for k, v in record_values(r).items():
                j = col.get(k)
                if j is not None and v is not None:
                    raw[i, j] = float(v)
                    mask[i, j] = True
        raw = np.log10(np.maximum(raw, 0.0) + self.offsets_)
        return raw, mask

    def _signature(self, records) -> np.ndarray:
        """Per type: support (sum of exp(-d^2) over the analysed keys the type
        lists, d = distance outside its range in units of SIGNATURE_TOLERANCE
        decades; /5, at most 2) and contradiction (mean of min(d^2, 9)/9 over
        those keys, 0..1). Keys a type does not list say nothing about it."""
        raw, mask = self._value_matrix(records)
        logs = np.where(mask, raw, np.nan)
        out = np.zeros((len(records), 2 * len(self.range_lo_)), dtype=np.float32)
        for i, (lo, hi) in enumerate(zip(self.range_lo_, self.range_hi_)):
            listed = ~np.isnan(lo)
            x = logs[:, listed]
            d = np.maximum(0.0, np.maximum(lo[listed] - x, x - hi[listed])) / SIGNATURE_TOLERANCE
            present = ~np.isnan(d)
            d2 = np.where(present, d * d, 0.0)
            n = present.sum(axis=1)
            out[:, 2 * i] = np.minimum(np.where(present, np.exp(-d2), 0.0).sum(axis=1) / 5.0, 2.0)
            out[:, 2 * i + 1] = np.minimum(d2, 9.0).sum(axis=1) / 9.0 / np.maximum(n, 1)
        return out

    def _features(self, records) -> sp.csr_matrix:
        n = len(records)
        text = self.text_.transform([f"{_get(r, 'title') or ''} {_get(r, 'description') or ''}" for r in records])
        values = self._signature(records)
        cat = np.zeros((n, len(self.categories_)), dtype=np.float32)
        code = np.zeros((n, len(self.codes_) + len(self.subchapters_)), dtype=np.float32)
        cat_index = {c: i for i, c in enumerate(self.categories_)}
        for i, r in enumerate(records):
            c = cat_index.get(_get(r, "category"))
            if c is not None:
                cat[i, c] = 1.0
            ewc = _get(r, "ewc_code")
            if ewc:
                bare = normalise_ewc(ewc).rstrip("*")
                j = self.codes_.get(bare)
                if j is not None:
                    code[i, j] = 1.0
                s = self.subchapters_.get(bare[:5])
                if s is not None:
                    code[i, len(self.codes_) + s] = 1.0
        return sp.hstack([self.text_weight * text, sp.csr_matrix(values), sp.csr_matrix(cat), sp.csr_matrix(code)], format="csr")

    # ------------------------------------------------------------ estimator API
    def fit(self, catalogue: Catalogue | None = None, y=None) -> "Recogniser":
        """Learn the catalogue's types from its reference samples; returns self."""
        catalogue = catalogue or load_catalogue()
        records, labels = self.reference_samples(catalogue)
        self._fit_features(catalogue, records)
        X = self._features(records)
        base = LinearSVC(C=self.C, max_iter=2000, random_state=self.random_state)
        self.model_ = CalibratedClassifierCV(base, method=self.method, cv=3).fit(X, np.array(labels))
        self.classes_ = self.model_.classes_
        self._fit_evidence(catalogue)
        self.temperature_ = 1.0
        self.temperature_ = self._fit_temperature(catalogue)
        return self

    def _fit_evidence(self, catalogue: Catalogue):
        """What counts as evidence of a type (has_evidence)."""
        self.value_index_ = frozenset(self.value_keys_)
        self.generic_stems_ = tuple(sorted({w for words in _GENERIC.values() for w in words}))
        self.generic_ = frozenset(w for words in _FILLER.values() for phrase in words for w in _WORD.findall(phrase.lower()))
        specific, short = set(), set()
        for t in catalogue.types.values():
            for lang in ("en", "fi", "sv"):
                for phrase in [t.names[lang]] + t.synonyms[lang]:
                    for w in _WORD.findall(phrase.lower()):
                        if self._generic(w) or len(w) < 3:
                            continue
                        if len(w) < 6:
                            short.add(w)
                        else:
                            # Inflected and compound forms keep the word's
                            # stem (masuunikuonaa, kuonamursketta).
                            specific.add(w[:-2])
        self.short_words_ = frozenset(short)
        self.specific_ = re.compile("|".join(re.escape(w) for w in sorted(specific, key=len, reverse=True)))

    def _generic(self, word: str) -> bool:
        """A filler word, or a generic word with at most an inflection's
        ending (kuonaa, tuhkat; not kuonamurske or limestone)."""
        return word in self.generic_ or any(
            word.startswith(g) and len(word) <= len(g) + GENERIC_ENDING for g in self.generic_stems_)

    def _fit_temperature(self, catalogue: Catalogue) -> float:
        """One temperature on the calibrated probabilities, chosen by the
        log-likelihood of a held-out reference set (another seed): the
        one-vs-rest calibration, renormalised over 47 types, is otherwise
        too cautious in the middle of the range."""
        held_out = Recogniser(samples_per_type=max(10, self.samples_per_type // 4),
                              drop_value=self.drop_value, drop_all_values=self.drop_all_values,
                              drop_text=self.drop_text, drop_code=self.drop_code, background=self.background,
                              random_state=self.random_state + 1)
        records, labels = held_out.reference_samples(catalogue)
        proba = self.model_.predict_proba(self._features(records))
        truth = np.searchsorted(self.classes_, labels)
        best, best_nll = 1.0, np.inf
        for t in np.geomspace(0.25, 4.0, 49):
            p = _sharpen(proba, t)
            nll = -np.log(np.maximum(p[np.arange(len(truth)), truth], 1e-12)).mean()
            if nll < best_nll:
                best, best_nll = float(t), nll
        return best

    def predict_proba(self, records) -> np.ndarray:
        """Calibrated probability of each type (columns ``classes_``) from the
        record's text, code, category and values; a stated material_type is
        not read here (see ``predict``)."""
        return _sharpen(self.model_.predict_proba(self._features(list(records))), self.temperature_)

    def predict(self, records) -> list[tuple[str, float]]:
        """(type_key, confidence in 0..1) per record. A record that states a
        known ``material_type`` gets that type with confidence 1.0."""
        records = list(records)
        out: list[tuple[str, float] | None] = [None] * len(records)
        known = set(self.classes_)
        todo = []
        for i, r in enumerate(records):
            stated = _get(r, "material_type")
            if stated in known:
                out[i] = (stated, 1.0)
            else:
                todo.append(i)
        if todo:
            proba = self.predict_proba([records[i] for i in todo])
            best = proba.argmax(axis=1)
            for row, i in enumerate(todo):
                key, conf = str(self.classes_[best[row]]), float(proba[row, best[row]])
                if not self.has_evidence(records[i]):
                    # Only the category is known: the type is no better than
                    # its share of the category's types.
                    conf = min(conf, category_share(key, _get(records[i], "category")))
                out[i] = (key, conf)
        return out

    def has_evidence(self, record) -> bool:
        """Whether anything beyond the category supports a type: an analysed
        value the catalogue knows, a List of Waste code of the catalogue, or a
        word of the text that carries a catalogue type's name or synonym and
        is not a generic word (a category's name, "side stream", "waste",
        filler such as "for sale")."""
        if any(k in self.value_index_ and v is not None for k, v in record_values(record).items()):
            return True
        ewc = _get(record, "ewc_code")
        if ewc:
            bare = normalise_ewc(ewc).rstrip("*")
            if bare in self.codes_ or bare[:5] in self.subchapters_:
                return True
        text = f"{_get(record, 'title') or ''} {_get(record, 'description') or ''}".lower()
        for token in _WORD.findall(text):
            if self._generic(token):
                continue
            if token in self.short_words_ or self.specific_.search(token):
                return True
        return False
