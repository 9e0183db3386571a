"""Plain records the engine works on: Stream, Need, Requirement, Match,
PairingIdea. Built from contract records with ``from_contract``."""
from __future__ import annotations

from dataclasses import dataclass, field

from . import contract as C
from .reasons import Reason


@dataclass(frozen=True)
class Requirement:
    """Hard constraint on one key, a sum of keys, or a ratio (``per``).
    Bounds are inclusive; units are those of the vocabulary."""
    property: str
    min: float | None = None
    max: float | None = None
    per: str | None = None
    note: str | None = None

    @classmethod
    def from_contract(cls, rec: dict) -> "Requirement":
        return cls(rec["property"], rec.get("min"), rec.get("max"), rec.get("per"), rec.get("note"))


@dataclass(frozen=True)
class Stream:
    """A side stream offered. ``values`` is flat: composition (wt%), trace
    (mg/kg), 'leach:X' (mg/kg at L/S 10) and physical keys in one dict."""
    id: str
    title: str
    category: str
    lat: float
    lon: float
    description: str = ""
    ewc_code: str | None = None
    legal_status: str | None = None
    values: dict = field(default_factory=dict)
    quantity_t_per_year: float | None = None
    price_eur_per_t: float | None = None
    industry: str | None = None
    place: str | None = None
    material_type: str | None = None
    hazardous_properties: tuple | None = None   # ('HP14', ...); () assessed, none found; None not assessed
    legal_status_evidence: str | None = None
    sources: tuple = ()                         # ({'kind': 'lab_analysis', 'properties': [...]}, ...)
    below_detection: dict = field(default_factory=dict)   # key -> detection limit, key's unit

    @property
    def location(self):
        return (self.lat, self.lon)

    @property
    def hazardous(self) -> bool:
        return bool(self.ewc_code and self.ewc_code.endswith("*"))

    @classmethod
    def from_contract(cls, rec: dict, _checked: bool = False) -> "Stream":
        """Build from a side-stream record; raises ContractError if invalid."""
        if not _checked:
            errs = C.check_stream(rec)
            if errs:
                raise C.ContractError(errs)
        values = {}
        for group in ("composition", "trace", "leaching", "properties"):
            values.update({k: float(v) for k, v in (rec.get(group) or {}).items()})
        loc = rec["location"]
        ewc = rec.get("ewc_code")
        return cls(id=rec["id"], title=rec["title"], category=rec["category"],
                   lat=float(loc["lat"]), lon=float(loc["lon"]),
                   description=rec.get("description", ""),
                   ewc_code=C.normalise_ewc(ewc) if ewc else None,
                   legal_status=rec.get("legal_status"), values=values,
                   quantity_t_per_year=rec.get("quantity_t_per_year"),
                   price_eur_per_t=rec.get("price_eur_per_t"),
                   industry=rec.get("industry"), place=loc.get("place"),
                   material_type=rec.get("material_type"),
                   hazardous_properties=(tuple(rec["hazardous_properties"])
                                         if rec.get("hazardous_properties") is not None else None),
                   legal_status_evidence=rec.get("legal_status_evidence"),
                   sources=tuple(rec.get("sources") or ()),
                   below_detection={k: float(v) for k, v in (rec.get("below_detection") or {}).items()})


@dataclass(frozen=True)
class Need:
    """A buyer's material need at a place, for one contract application."""
    id: str
    title: str
    application: str
    lat: float
    lon: float
    description: str = ""
    requirements: tuple = ()
    categories: tuple = ()
    ewc_codes: tuple = ()
    accepts_waste: bool | None = None
    permitted_ewc_codes: tuple | None = None
    quantity_t_per_year: float | None = None
    min_quantity_t_per_year: float | None = None
    max_distance_km: float | None = None
    max_price_eur_per_t: float | None = None
    place: str | None = None
    visibility: str = "public"
    context: dict = field(default_factory=dict)   # land_use, regime, structure, structure_use, groundwater_area

    @property
    def location(self):
        return (self.lat, self.lon)

    @classmethod
    def from_contract(cls, rec: dict, _checked: bool = False) -> "Need":
        """Build from a material-need record; raises ContractError if invalid."""
        if not _checked:
            errs = C.check_need(rec)
            if errs:
                raise C.ContractError(errs)
        loc = rec["location"]
        permitted = rec.get("permitted_ewc_codes")
        return cls(id=rec["id"], title=rec["title"], application=rec["application"],
                   lat=float(loc["lat"]), lon=float(loc["lon"]),
                   description=rec.get("description", ""),
                   requirements=tuple(Requirement.from_contract(r) for r in rec.get("requirements", [])),
                   categories=tuple(rec.get("categories", [])),
                   ewc_codes=tuple(C.normalise_ewc(c) for c in rec.get("ewc_codes", [])),
                   accepts_waste=rec.get("accepts_waste"),
                   permitted_ewc_codes=(tuple(C.normalise_ewc(c) for c in permitted)
                                        if permitted is not None else None),
                   quantity_t_per_year=rec.get("quantity_t_per_year"),
                   min_quantity_t_per_year=rec.get("min_quantity_t_per_year"),
                   max_distance_km=rec.get("max_distance_km"),
                   max_price_eur_per_t=rec.get("max_price_eur_per_t"),
                   place=loc.get("place"), visibility=rec.get("visibility", "public"),
                   context=dict(rec.get("context") or {}))


class Match:
    """One (need, stream) pair as ranked. Distances in km, cost EUR/t,
    CO2 kg/t; score in 0..1.

    ``missing``, ``reasons`` and ``rules`` are built on first access (the
    engine passes ``explain``), so ranking many needs stays cheap."""

    def __init__(self, need_id, stream_id, score, feasible, verified, distance_km, road_km,
                 transport_cost_eur_per_t, transport_co2_kg_per_t, missing=None, reasons=None,
                 rules=None, components=None, explain=None, material_type=None,
                 material_confidence=None, summary=None):
        self.need_id, self.stream_id = need_id, stream_id
        self.score, self.feasible, self.verified = score, feasible, verified
        self.distance_km, self.road_km = distance_km, road_km
        self.transport_cost_eur_per_t = transport_cost_eur_per_t
        self.transport_co2_kg_per_t = transport_co2_kg_per_t
        # components: a dict, or a callable building it on first access
        self._components = components if components is not None else {}
        self.material_type, self.material_confidence = material_type, material_confidence
        self._explain = explain
        self._detail = None if explain else (missing or [], reasons or [], rules or [], summary)

    def _get(self, i):
        if self._detail is None:
            self._detail = self._explain()
            self._explain = None
        return self._detail[i]

    @property
    def components(self) -> dict:
        """Score components (0..1), rounded to 4 decimals."""
        if callable(self._components):
            self._components = self._components()
        return self._components

    @components.setter
    def components(self, value):
        self._components = value

    missing = property(lambda self: self._get(0), doc="Required keys with no value.")
    reasons = property(lambda self: self._get(1), doc="Reasons, broken ones first.")
    rules = property(lambda self: self._get(2), doc="Knowledge rule ids applied.")
    summary = property(lambda self: self._get(3),
                       doc="One-line Reason: what it is, why it fits, what binds, what is missing.")

    #: Reasons a reader sees before "more": the decisive ones come first.
    HEADLINE = 5

    @property
    def headline(self) -> list:
        """The first reasons, at most HEADLINE; the rest are behind "more"."""
        return self.reasons[:self.HEADLINE]

    def __repr__(self):
        return (f"Match(need_id={self.need_id!r}, stream_id={self.stream_id!r}, score={self.score:.4f}, "
                f"feasible={self.feasible}, verified={self.verified}, road_km={self.road_km:.0f})")

    def to_contract(self, gettext=None, locale=None) -> dict:
        """Item of matches.schema.json (reasons as English strings unless
        gettext and locale are given)."""
        out = {
            "stream_id": self.stream_id,
            "score": round(float(self.score), 4),
            "distance_km": round(float(self.distance_km), 1),
            "feasible": bool(self.feasible),
            "missing": list(self.missing),
            "reasons": [r.render(gettext, locale) for r in self.reasons],
            "transport": {"cost_eur_per_t": round(float(self.transport_cost_eur_per_t), 2),
                          "co2_kg_per_t": round(float(self.transport_co2_kg_per_t), 1)},
        }
        if self.summary is not None:
            out["summary"] = self.summary.render(gettext, locale)[:300]
        if self.material_type:
            out["material_type"] = self.material_type
            out["material_confidence"] = round(float(self.material_confidence), 3)
        return out


@dataclass
class PairingIdea:
    """An application a stream could serve (or not, and why), the analyses
    missing to be sure, and the posted needs of that application nearby."""
    stream_id: str
    application: str
    name_en: str
    name_fi: str
    score: float
    feasible: bool
    reasons: list = field(default_factory=list)
    missing: list = field(default_factory=list)
    needs_nearby: list = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"stream_id": self.stream_id, "application": self.application,
                "name_en": self.name_en, "name_fi": self.name_fi,
                "score": round(float(self.score), 4), "feasible": self.feasible,
                "reasons": [str(r) for r in self.reasons], "missing": list(self.missing),
                "needs_nearby": [dict(m.to_contract(), need_id=m.need_id) for m in self.needs_nearby]}


def validate_batch(doc) -> tuple[list, list]:
    """Validate a batch document and build (streams, needs).

    Raises ContractError listing every problem (record id, field, reason);
    nothing is built when anything is wrong."""
    errs = C.check_batch(doc)
    if errs:
        raise C.ContractError(errs)
    streams = [Stream.from_contract(r, _checked=True) for r in doc.get("side_streams", [])]
    needs = [Need.from_contract(r, _checked=True) for r in doc.get("needs", [])]
    return streams, needs


__all__ = ["Requirement", "Stream", "Need", "Match", "PairingIdea", "Reason", "validate_batch"]
