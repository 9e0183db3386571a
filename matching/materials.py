"""The material catalogue: what a side stream is and what it is documented for.

Data in ``matching/knowledge/materials.json``; every type of the contract's
``material-types.json`` is there under its key, with names and synonyms in
English, Finnish and Swedish, List of Waste codes, typical composition ranges
(contract vocabulary keys and units: wt% of dry mass, mg/kg dry, physical units
of ``vocabulary.PHYSICAL_UNITS``), the properties that decide its uses, and a
documented-use matrix over the contract's applications. Every use and every
composition cites a key of ``Catalogue.sources``.

A type without an entry for an application is "not documented": neither
proven nor unsuitable. ``possible`` means possible with treatment or under a
condition (``Use.condition``).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

from . import vocabulary as V
from .contract import load_schema

STATUSES = ("proven", "possible", "unsuitable")
LANGUAGES = ("en", "fi", "sv")
#: Parts of a structure a use can be documented for: a cover's layers, a fill's
#: components, an earth structure's bearing (base and sub-base), frost-insulation or fill layer.
PARTS = ("sealing", "protective", "growth", "binder", "aggregate", "amendment", "base", "insulation", "fill")


def contract_applications() -> tuple[str, ...]:
    """Applications of the need schema's enum, without 'other' (which names no use)."""
    enum = load_schema("material-need.schema.json")["properties"]["application"]["enum"]
    return tuple(a for a in enum if a != "other")


def contract_types() -> dict[str, str]:
    """Material-type key -> contract category, from the contract's material-types.json."""
    doc = json.loads(resources.files("matching.schemas").joinpath("material-types.json").read_text("utf-8"))
    return {t["key"]: t["category"] for t in doc["types"]}


@dataclass(frozen=True)
class Condition:
    """What must hold for a ``possible`` (or conditionally ``proven``) use:
    a bound on one vocabulary key or sum of keys, in the vocabulary's unit."""
    property: str
    min: float | None = None
    max: float | None = None


@dataclass(frozen=True)
class Use:
    """One cell of the documented-use matrix."""
    status: str
    reason: dict[str, str]
    source: str
    condition: Condition | None = None
    #: The parts of a structure the use is documented for (a cover's
    #: 'sealing', 'protective' or 'growth' layer; a mine fill's 'binder',
    #: 'aggregate' or 'amendment'; an earth structure's 'base', 'insulation'
    #: or 'fill' layer); empty = any part.
    parts: tuple = ()


@dataclass(frozen=True)
class MaterialType:
    """One material of the catalogue. ``composition``: property key ->
    (typical_min, typical_max) in the vocabulary's unit; ``deciding``: property
    key -> why it decides (English)."""
    key: str
    category: str
    names: dict[str, str]
    synonyms: dict[str, list[str]]
    ewc_codes: list[str]
    composition: dict[str, tuple[float, float]]
    composition_source: str
    deciding: dict[str, str]
    uses: dict[str, Use] = field(default_factory=dict)

    def name(self, lang: str = "en") -> str:
        """Name in ``lang`` ('en', 'fi', 'sv'), English when not known."""
        return self.names.get(lang) or self.names["en"]


@dataclass(frozen=True)
class Catalogue:
    """All material types by key, the sources they cite by key, and the
    applications the use matrix is written over."""
    types: dict[str, MaterialType]
    sources: dict[str, str]
    applications: tuple[str, ...]
    #: Source keys whose word makes a proven use established practice (a
    #: standard, a regulation's product class or annex list, a CE-marked
    #: product, a national guide); materials.json ``established``.
    established: frozenset = frozenset()

    def is_established(self, use: Use | None) -> bool:
        """A proven use whose source is a standard, product class or national guide."""
        return use is not None and use.status == "proven" and use.source in self.established

    def use(self, type_key: str, application: str) -> Use | None:
        """The documented use of a type for an application, or None when not
        documented. Unknown type or application: KeyError."""
        if application not in self.applications:
            raise KeyError(f"unknown application {application!r}")
        return self.types[type_key].uses.get(application)

    def with_status(self, application: str, status: str) -> list[str]:
        """Type keys whose use for ``application`` has ``status``, sorted."""
        return sorted(k for k in self.types if (u := self.use(k, application)) and u.status == status)

    def suited(self, application: str) -> tuple[list[str], list[str]]:
        """What "suits" an application, the one definition the site's filter
        and the engine share: the types whose documented use is proven or
        possible, and the categories of those types (where a stream's type is
        not stated, its category stands for it). Empty for an application the
        catalogue documents no material for, or does not know ('other')."""
        if application not in self.applications:
            return [], []
        keys = sorted(set(self.with_status(application, "proven")) | set(self.with_status(application, "possible")))
        return keys, sorted({self.types[k].category for k in keys})


def _error(where: str, msg: str):
    return ValueError(f"materials catalogue: {where}: {msg}")


def _texts(where: str, value, kind) -> dict:
    if not isinstance(value, dict) or set(value) != set(LANGUAGES):
        raise _error(where, f"needs exactly the languages {LANGUAGES}")
    for lang, text in value.items():
        if not isinstance(text, kind) or not text:
            raise _error(f"{where}.{lang}", "empty or of the wrong type")
    return dict(value)


def _condition(where: str, rec) -> Condition | None:
    if rec is None:
        return None
    try:
        V.parse_expression(rec["property"])
    except (KeyError, ValueError) as exc:
        raise _error(where, f"condition: {exc}") from None
    if set(rec) - {"property", "min", "max"} or (rec.get("min") is None and rec.get("max") is None):
        raise _error(where, "condition takes property and min and/or max")
    return Condition(rec["property"], rec.get("min"), rec.get("max"))


def _use(where: str, rec, sources) -> Use:
    if rec.get("status") not in STATUSES:
        raise _error(where, f"status must be one of {STATUSES}")
    if rec.get("source") not in sources:
        raise _error(where, f"source {rec.get('source')!r} is not in sources")
    parts = rec.get("parts", [])
    if not isinstance(parts, list) or any(x not in PARTS for x in parts):
        raise _error(where, f"parts must be a list of {PARTS}")
    return Use(rec["status"], _texts(f"{where}.reason", rec.get("reason"), str), rec["source"],
               _condition(where, rec.get("condition")), tuple(parts))


def _material(key: str, rec: dict, sources: dict, applications) -> MaterialType:
    where = f"types.{key}"
    names = _texts(f"{where}.names", rec.get("names"), str)
    synonyms = _texts(f"{where}.synonyms", rec.get("synonyms"), list)
    for lang, words in synonyms.items():
        if any(w != w.lower() or not w.strip() for w in words):
            raise _error(f"{where}.synonyms.{lang}", "synonyms are lower-case, non-empty words")
    composition = {}
    for prop, rng in rec.get("composition", {}).items():
        try:
            V.kind_of(prop)
        except KeyError as exc:
            raise _error(f"{where}.composition", str(exc)) from None
        lo, hi = rng
        if lo > hi:
            raise _error(f"{where}.composition.{prop}", f"range {lo}..{hi} has min above max")
        composition[prop] = (float(lo), float(hi))
    if rec.get("composition_source") not in sources:
        raise _error(where, f"composition_source {rec.get('composition_source')!r} is not in sources")
    for prop in rec.get("deciding", {}):
        try:
            V.parse_expression(prop)
        except ValueError as exc:
            raise _error(f"{where}.deciding", str(exc)) from None
    uses = {}
    for app, urec in rec.get("uses", {}).items():
        if app not in applications:
            raise _error(f"{where}.uses", f"unknown application {app!r}")
        uses[app] = _use(f"{where}.uses.{app}", urec, sources)
    return MaterialType(key=key, category=rec["category"], names=names,
                        synonyms={k: list(v) for k, v in synonyms.items()},
                        ewc_codes=list(rec.get("ewc_codes", [])), composition=composition,
                        composition_source=rec["composition_source"],
                        deciding=dict(rec.get("deciding", {})), uses=uses)


def read_catalogue(path: str | Path | None = None) -> Catalogue:
    """Read and check a catalogue file (default: the package's materials.json).
    Raises ValueError naming the type and field of any fault: an unknown
    property key, application, status or source, a range with min above max,
    a missing language."""
    if path is None:
        text = resources.files("matching.knowledge").joinpath("materials.json").read_text("utf-8")
    else:
        text = Path(path).read_text("utf-8")
    doc = json.loads(text)
    sources = dict(doc["sources"])
    applications = contract_applications()
    types = {key: _material(key, rec, sources, applications) for key, rec in doc["types"].items()}
    established = doc.get("established", {}).get("sources", [])
    unknown = [k for k in established if k not in sources]
    if unknown:
        raise _error("established.sources", f"{unknown} not in sources")
    return Catalogue(types=types, sources=sources, applications=applications, established=frozenset(established))


@lru_cache(maxsize=1)
def load_catalogue() -> Catalogue:
    """The package's catalogue, read once per process."""
    return read_catalogue()
