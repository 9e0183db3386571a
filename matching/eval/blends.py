"""Evaluation of the blend search on labelled published mixtures
(``matching/eval/blends.json``) and an independent rule check of any blend.

For each case: is the documented mixture found among the need's blends, is
the share of the named component within the published range, does any
proposed blend break a rule (checked here from the stream records, not with
the search's own arrays), and does a forbidden stream (one that breaks a
rule on its own that is never averaged, or a legal rule) appear.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from .. import vocabulary as V
from ..blends import BLEND_LEVEL_CHECKS, LINEAR_KINDS, BlendSearch
from ..matcher import Matcher
from ..model import validate_batch
from ..table import CATEGORIES, LEGAL

BLENDS = Path(__file__).with_name("blends.json")


def _applies(term, m, row) -> bool:
    t = m.table_
    if term.categories and CATEGORIES[t.category[row]] not in term.categories:
        return False
    if term.statuses and (int(t.legal[row]) if t.legal[row] >= 0 else -1) not in term.statuses:
        return False
    if term.materials:
        sure = int(m.mtype_sure_[row])
        if sure >= len(m.types_) or m.types_[sure] not in term.materials:
            return False
    return True


def _value(stream, keys):
    vals = [stream.values.get(k) for k in keys]
    return None if any(v is None for v in vals) else float(sum(vals))


def check_blend(m: Matcher, need, blend, streams: dict) -> list:
    """Rules a blend breaks, as sentences (empty: none). ``streams``: id ->
    Stream. Mixing limits (unscoped wt% and mg/kg rules) are checked on the
    share-weighted blend; every other hard rule and every check but the
    blend-level ones on each component (a documented mixture may lift a
    property that does not mix linearly and an unsuitable documented use)."""
    out = []
    ctx = m.context(need)
    terms = m._terms_for(need, ctx)
    shares = [p.share for p in blend.parts]
    if abs(sum(shares) - 1) > 1e-6 or min(shares) <= 0:
        out.append(f"shares {shares} do not add up to 1")
    rows = [m.stream_index_[p.stream_id] for p in blend.parts]
    documented = blend.documented is not None
    for term in terms:
        if not term.hard:
            continue
        linear = all(V.kind_of(k) in LINEAR_KINDS for k in term.keys + (term.per or ()))
        if linear and not term.scoped:
            nums = [_value(streams[p.stream_id], term.keys) for p in blend.parts]
            dens = [_value(streams[p.stream_id], term.per) for p in blend.parts] if term.per else None
            if any(v is None for v in nums) or (dens and any(v is None for v in dens)):
                continue   # missing: the blend is unverified, not wrong
            v = float(np.dot(shares, nums))
            if dens:
                den = float(np.dot(shares, dens))
                v = v / den if den > 0 else float("inf")
            tol = 1e-9 * (1 + abs(v))   # rounding of the sums, not a tolerance on the limit
            if (term.lo is not None and v < term.lo - tol) or (term.hi is not None and v > term.hi + tol):
                out.append(f"blend {term.label} {v:.4g} outside {term.lo}..{term.hi}")
            continue
        for p, row in zip(blend.parts, rows):
            if not _applies(term, m, row):
                continue
            v = _value(streams[p.stream_id], term.keys)
            if term.per:
                den = _value(streams[p.stream_id], term.per)
                v = None if v is None or den is None else (v / den if den > 0 else float("inf"))
            if v is None:
                continue
            broken = (term.lo is not None and v < term.lo) or (term.hi is not None and v > term.hi)
            if broken and not (documented and not linear):
                out.append(f"{p.stream_id}: {term.label} {v:.4g} outside {term.lo}..{term.hi}, not averaged")
    # The component checks (legal status, hazardous, distance, use ...).
    cand = np.array(rows, dtype=np.int64)
    d = [m.rank_streams_for(need, top=len(rows), include_infeasible=True, stream_ids=[p.stream_id])[0]
         for p in blend.parts]
    ev = m._evaluate(need, cand, np.array([x.distance_km for x in d]))
    for check, bad, _unknown, _soft in ev.checks:
        if check.name in BLEND_LEVEL_CHECKS or (check.name == "material_use" and documented):
            continue
        for p, b in zip(blend.parts, bad):
            if b:
                out.append(f"{p.stream_id}: refused on its own by the {check.name} check")
    return out


def evaluate_blends(path=None, components: int = 2) -> dict:
    """Per case and in total: documented mixture found, share in the
    published range, rule breaks, forbidden streams used."""
    doc = json.loads(Path(path or BLENDS).read_text("utf-8"))
    rows = []
    for case in doc["cases"]:
        streams, needs = validate_batch(case["batch"])
        m = Matcher().fit(streams, needs)
        by_id = {s.id: s for s in streams}
        need = m._need(case["need"])
        blends = BlendSearch(m, components=components).for_need(need, top=5)
        exp = case["expected"]
        hit, share = None, None
        for b in blends:
            types = sorted(p.material_type or "" for p in b.parts)
            if types == sorted(exp["types"]) and b.documented is not None and b.documented.id == case["mixture"]:
                hit = b
                share = next(p.share for p in b.parts if p.material_type == exp["share_of"])
                break
        violations = {", ".join(b.stream_ids): v for b in blends if (v := check_blend(m, need, b, by_id))}
        forbidden = sorted({s for b in blends for s in b.stream_ids if s in case.get("forbidden", [])})
        rows.append({"id": case["id"], "found": hit is not None,
                     "share": round(share, 4) if share is not None else None,
                     "expected_share": exp["share"],
                     "in_range": share is not None and exp["share"][0] - 1e-9 <= share <= exp["share"][1] + 1e-9,
                     "blends": [b.to_dict()["summary"] for b in blends],
                     "violations": violations, "forbidden_used": forbidden, "source": case["source"]})
    return {"cases": rows,
            "found": sum(r["found"] for r in rows), "in_range": sum(r["in_range"] for r in rows),
            "total": len(rows), "violations": sum(len(r["violations"]) for r in rows),
            "forbidden_used": sum(len(r["forbidden_used"]) for r in rows)}


if __name__ == "__main__":  # pragma: no cover
    print(json.dumps(evaluate_blends(), indent=1, ensure_ascii=False))
