"""A reference ranking from the material catalogue alone, to read the sets by.

    python -m matching.eval.baseline

Ranks a need's streams by what the catalogue documents for the stream's
recognised material type and the need's application: unsuitable uses and
uses whose stated condition a measured value breaks are left out; then proven
before possible before not documented, a condition verified by a measured
value before one not analysed, the recognition's confidence, and the
great-circle distance (within the buyer's limit). No limit table, score or
detour factor of the engine is used. It shows how far function-first gating
alone carries on both labelled sets and which dangerous pairings need more
than the catalogue (the legal context of the use: a field or a forest).
"""
from __future__ import annotations

import json
import math
import sys
from dataclasses import dataclass

from ..materials import Catalogue, load_catalogue
from ..model import Need, Stream
from ..recognition import Recogniser
from .evaluate import LABELLED, PRACTICE, danger_check, labelled_types, score_set, summarise

_STATUS_RANK = {"proven": 0, "possible": 1, None: 2}


@dataclass(frozen=True)
class Ranked:
    """One suggestion: the stream, its recognised type and its distance (km)."""
    stream_id: str
    material_type: str
    distance_km: float


def _km(a: tuple, b: tuple) -> float:
    (la1, lo1), (la2, lo2) = (map(math.radians, a), map(math.radians, b))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def _condition_state(use, stream: Stream) -> bool | None:
    """True met, False broken, None not analysed (or no condition)."""
    cond = use.condition if use else None
    if cond is None:
        return True
    keys = cond.property.split("+")
    if any(k not in stream.values for k in keys):
        return None
    value = sum(stream.values[k] for k in keys)
    return not ((cond.min is not None and value < cond.min) or (cond.max is not None and value > cond.max))


class CatalogueRanker:
    """Ranks streams for needs by the catalogue's documented uses (see module)."""

    def __init__(self, catalogue: Catalogue | None = None, recogniser: Recogniser | None = None):
        self.catalogue = catalogue
        self.recogniser = recogniser

    def fit(self, streams: list[Stream], needs: list[Need]) -> "CatalogueRanker":
        self.catalogue_ = self.catalogue or load_catalogue()
        self.recogniser_ = self.recogniser or Recogniser().fit(self.catalogue_)
        self.streams_ = list(streams)
        self.needs_ = {n.id: n for n in needs}
        self.types_ = self.recogniser_.predict(self.streams_)
        return self

    def rank_streams(self, need_id: str, top: int = 10) -> list[Ranked]:
        need = self.needs_[need_id]
        keyed = []
        for stream, (mtype, confidence) in zip(self.streams_, self.types_):
            km = _km(need.location, stream.location)
            if need.max_distance_km is not None and km > need.max_distance_km:
                continue
            use = self.catalogue_.use(mtype, need.application) if need.application != "other" else None
            if use and use.status == "unsuitable":
                continue
            state = _condition_state(use, stream)
            if state is False:
                continue
            status = use.status if use else None
            keyed.append(((_STATUS_RANK[status], state is None, -confidence, km, stream.id),
                          Ranked(stream.id, mtype, round(km, 1))))
        keyed.sort(key=lambda kv: kv[0])
        return [r for _, r in keyed[:top]]


def evaluate_baseline() -> dict:
    """Both sets ranked by the catalogue alone: summaries and dangerous pairings."""
    doc = json.loads(LABELLED.read_text("utf-8"))
    practice = json.loads(PRACTICE.read_text("utf-8"))
    catalogue = load_catalogue()
    ranker = CatalogueRanker(catalogue, Recogniser().fit(catalogue))
    rows = score_set(doc["batch"], doc["grades"], ranker, danger_check(practice, labelled_types(doc, practice)))
    prows = score_set(practice["batch"], practice["grades"], ranker, danger_check(practice, practice["types"]))
    return {"labelled": summarise(rows), "practice": summarise(prows),
            "dangerous": ([dict(d, set="labelled") for r in rows for d in r["dangerous"]]
                          + [dict(d, set="practice") for r in prows for d in r["dangerous"]])}


if __name__ == "__main__":
    json.dump(evaluate_baseline(), sys.stdout, indent=1, ensure_ascii=False)
    sys.stdout.write("\n")
